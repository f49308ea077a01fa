-- App registrations through Graph (issue #16). Keep in step with
-- migrations/postgres/0020_app_registrations.sql.
-- The registration's API and platform settings are one JSON document. App role assignments and
-- delegated permission grants name service principals (application object ids) of this tenant;
-- the columns are what the store looks up by, the document is the whole object.

ALTER TABLE applications ADD COLUMN registration TEXT NOT NULL DEFAULT '{}';

CREATE TABLE app_role_assignments (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    app_role_id TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, resource_id, principal_id, app_role_id),
    FOREIGN KEY (tenant_id, resource_id) REFERENCES applications(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX app_role_assignments_by_principal ON app_role_assignments(tenant_id, principal_id);

CREATE TABLE oauth2_permission_grants (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, client_id, resource_id, principal_id),
    FOREIGN KEY (tenant_id, resource_id) REFERENCES applications(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, client_id) REFERENCES applications(tenant_id, id) ON DELETE CASCADE
);
