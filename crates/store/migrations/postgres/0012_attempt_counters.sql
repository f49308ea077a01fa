-- Atomic attempt counters (postgres). Keep in step with migrations/sqlite/0012_attempt_counters.sql.

-- Codes tried in a sign-in flow: claimed with one conditional UPDATE before a code is checked, so
-- parallel guesses cannot exceed the limit. PutLoginFlow never overwrites it.
ALTER TABLE login_flows ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;

-- Smart lockout: failed credential checks per account (user:<id> or app:<client id>) and per
-- location class (familiar = 1: an address the account signed in from successfully before).
CREATE TABLE sign_in_lockouts (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    familiar BIGINT NOT NULL,
    failures BIGINT NOT NULL,
    lockouts BIGINT NOT NULL,
    -- Microseconds since the epoch; 0 when never locked.
    locked_until BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, account, familiar)
);

-- Addresses an account signed in from successfully: smart lockout's familiar locations.
CREATE TABLE familiar_addresses (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    last_seen BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, account, address)
);

-- Rate limits in fixed windows (one-time passcode mail per address and per tenant).
CREATE TABLE rate_quotas (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    quota_key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    uses BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, quota_key)
);
