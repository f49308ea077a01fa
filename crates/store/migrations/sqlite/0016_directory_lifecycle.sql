-- Directory lifecycle (sqlite). Keep in step with migrations/postgres/0016_directory_lifecycle.sql.

-- Graph signInSessionsValidFromDateTime: refresh tokens and sessions issued before it are dead.
-- Moved by every revocation of the user's tokens (revokeSignInSessions, disable, password reset).
ALTER TABLE users ADD COLUMN sign_in_sessions_valid_from BIGINT;

-- Graph /directory/deletedItems: a soft-deleted object as it was (a JSON document with the
-- memberships and assignments a restore brings back), restorable with the same id until the
-- retention job purges it 30 days after deleted_at.
CREATE TABLE deleted_objects (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    deleted_at BIGINT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX deleted_objects_by_time ON deleted_objects(tenant_id, deleted_at);

-- Group kinds: groupTypes (Unified, DynamicMembership) as a JSON array, the dynamic membership
-- rule and whether its processing is paused, and a Microsoft 365 group's visibility.
ALTER TABLE directory_groups ADD COLUMN group_types TEXT NOT NULL DEFAULT '[]';
ALTER TABLE directory_groups ADD COLUMN membership_rule TEXT;
ALTER TABLE directory_groups ADD COLUMN membership_rule_paused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE directory_groups ADD COLUMN visibility TEXT;
