-- Device codes of the device authorization grant (RFC 8628). Keep in step with
-- migrations/postgres/0018_device_codes.sql. Both codes are stored as SHA-256 hex only. The
-- status column is authoritative and moves forward by compare-and-set (pending → approved or
-- declined, approved → redeemed); polled_at is the last poll, claimed the same way (slow_down).

CREATE TABLE device_codes (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    device_code_hash TEXT NOT NULL,
    user_code_hash TEXT NOT NULL,
    document TEXT NOT NULL,
    status TEXT NOT NULL,
    approval TEXT,
    polled_at BIGINT,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, device_code_hash)
);
CREATE UNIQUE INDEX device_codes_by_user_code ON device_codes(tenant_id, user_code_hash);
