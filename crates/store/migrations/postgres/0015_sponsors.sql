-- A user's sponsors (Graph `/users/{id}/sponsors`): users or groups of the same tenant who are
-- responsible for a guest. Rows go with the user, and with the sponsor when it is deleted.
CREATE TABLE user_sponsors (
    tenant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    sponsor_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, sponsor_id)
);
CREATE INDEX user_sponsors_by_sponsor ON user_sponsors(tenant_id, sponsor_id);
