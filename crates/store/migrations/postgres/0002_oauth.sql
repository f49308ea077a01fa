-- Token-service state (PostgreSQL). Keep in step with migrations/sqlite/0002_oauth.sql.
-- Secrets are stored as SHA-256 hex only; the hash is the key. The state columns (redeemed_at,
-- rotated_at, revoked_at) are authoritative and updated with compare-and-set.

CREATE TABLE login_flows (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    flow_hash TEXT NOT NULL,
    document TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, flow_hash)
);

CREATE TABLE sessions (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    session_hash TEXT NOT NULL,
    user_id TEXT NOT NULL,
    document TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, session_hash)
);
CREATE INDEX sessions_by_user ON sessions(tenant_id, user_id);

CREATE TABLE authorization_codes (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    family_id TEXT NOT NULL,
    document TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    redeemed_at BIGINT,
    PRIMARY KEY (tenant_id, code_hash)
);

CREATE TABLE refresh_tokens (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    family_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    document TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT,
    revoked_at BIGINT,
    PRIMARY KEY (tenant_id, token_hash)
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens(tenant_id, family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens(tenant_id, user_id);
