-- Terms-of-use acceptances (PostgreSQL). Keep in step with migrations/sqlite/0004_terms.sql.
-- A user accepts an agreement once: the key makes a concurrent second acceptance a no-op.
CREATE TABLE terms_acceptances (
    tenant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    terms_id TEXT NOT NULL,
    accepted_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, terms_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
);
