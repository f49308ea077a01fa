-- Guest bindings (PostgreSQL). Keep in step with migrations/sqlite/0003_guests.sql.
-- One guest per home account in a tenant: the (tenant, issuer, subject) key enforces it, so
-- concurrent invitations of the same person cannot create two guests.
CREATE TABLE guest_bindings (
    tenant_id TEXT NOT NULL,
    guest_id TEXT NOT NULL,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    confirmed BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, guest_id),
    UNIQUE (tenant_id, issuer, subject),
    FOREIGN KEY (tenant_id, guest_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX invitations_by_status ON invitations(tenant_id, status);
