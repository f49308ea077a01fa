-- TOTP replay protection and familiar-address bounds (sqlite). Keep in step with
-- migrations/postgres/0013_totp_steps.sql.

-- The last TOTP time step accepted per user, claimed with one conditional upsert (only a later
-- step wins), so one code works once even in parallel sign-ins.
CREATE TABLE totp_steps (
    tenant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    last_step BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
);

-- Familiar addresses are trimmed per account when one is recorded, and purged by age.
CREATE INDEX familiar_addresses_by_age ON familiar_addresses(tenant_id, last_seen);
