-- Monthly active users (decisions.md 17), PostgreSQL. Keep in step with migrations/sqlite/0007_mau.sql.
-- One row per guest per calendar month (UTC) with at least one successful sign-in in the tenant as
-- the resource. It is written with the sign-in row, in the same transaction, and is not touched
-- when the sign-in log is purged: billing survives log retention.
CREATE TABLE monthly_active_guests (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    -- year * 100 + month, e.g. 202703.
    month BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, month, user_id)
);

-- The guests of sign-ins logged before this table existed.
INSERT INTO monthly_active_guests (tenant_id, month, user_id)
SELECT DISTINCT
    tenant_id,
    CAST(to_char(to_timestamp(created_at / 1000000) AT TIME ZONE 'UTC', 'YYYYMM') AS BIGINT),
    user_id
FROM sign_ins
WHERE user_type = 'Guest'
  AND error_code = 0
  AND user_id IS NOT NULL
  AND COALESCE(resource_tenant_id, CAST(document AS json) ->> 'resourceTenantId') = tenant_id;
