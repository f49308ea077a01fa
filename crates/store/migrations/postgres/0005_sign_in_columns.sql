-- Columns the sign-in log is filtered and counted by (PostgreSQL). Keep in step with
-- migrations/sqlite/0005_sign_in_columns.sql.
ALTER TABLE sign_ins ADD COLUMN user_principal_name TEXT;
ALTER TABLE sign_ins ADD COLUMN home_tenant_id TEXT;
ALTER TABLE sign_ins ADD COLUMN resource_tenant_id TEXT;
-- Monthly active users: a tenant's successful sign-ins as the resource, by time.
CREATE INDEX sign_ins_by_resource_time ON sign_ins(tenant_id, resource_tenant_id, created_at);
CREATE INDEX sign_ins_by_user ON sign_ins(tenant_id, user_id, created_at);
