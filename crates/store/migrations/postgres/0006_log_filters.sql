-- Columns the log APIs filter by (PostgreSQL). Keep in step with
-- migrations/sqlite/0006_log_filters.sql. Existing rows are filled from their documents.
ALTER TABLE sign_ins ADD COLUMN is_interactive BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sign_ins ADD COLUMN app_display_name TEXT;
UPDATE sign_ins SET
    is_interactive = (document::jsonb ->> 'signInEventType') IS NOT DISTINCT FROM 'interactiveUser',
    app_display_name = document::jsonb ->> 'appDisplayName',
    -- Rows written before 0005 have these only in their documents.
    user_principal_name = COALESCE(user_principal_name, document::jsonb ->> 'userPrincipalName'),
    home_tenant_id = COALESCE(home_tenant_id, document::jsonb ->> 'homeTenantId'),
    resource_tenant_id = COALESCE(resource_tenant_id, document::jsonb ->> 'resourceTenantId');

ALTER TABLE audit_records ADD COLUMN correlation_id TEXT;
ALTER TABLE audit_records ADD COLUMN result TEXT NOT NULL DEFAULT 'success';
ALTER TABLE audit_records ADD COLUMN initiated_by_user_id TEXT;
ALTER TABLE audit_records ADD COLUMN initiated_by_upn TEXT;
ALTER TABLE audit_records ADD COLUMN initiated_by_app_name TEXT;
UPDATE audit_records SET
    correlation_id = document::jsonb ->> 'correlationId',
    result = CASE WHEN (document::jsonb ->> 'success') = 'true' THEN 'success' ELSE 'failure' END,
    initiated_by_user_id = CASE WHEN (document::jsonb #>> '{initiatedBy,kind}') = 'user'
        THEN document::jsonb #>> '{initiatedBy,id}' END,
    initiated_by_upn = CASE WHEN (document::jsonb #>> '{initiatedBy,kind}') = 'user'
        THEN document::jsonb #>> '{initiatedBy,userPrincipalName}' END,
    initiated_by_app_name = CASE WHEN (document::jsonb #>> '{initiatedBy,kind}') = 'app'
        THEN document::jsonb #>> '{initiatedBy,displayName}' END;

-- `targetResources/any(t: t/id eq '…')`: each record's target ids, ASCII-lower-cased.
CREATE TABLE audit_targets (
    tenant_id TEXT NOT NULL,
    audit_id TEXT NOT NULL,
    target_key TEXT NOT NULL,
    PRIMARY KEY (tenant_id, audit_id, target_key),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audit_records(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX audit_targets_by_target ON audit_targets(tenant_id, target_key);
INSERT INTO audit_targets (tenant_id, audit_id, target_key)
    SELECT a.tenant_id, a.id,
        translate(t ->> 'id', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
    FROM audit_records a
    CROSS JOIN LATERAL jsonb_array_elements(a.document::jsonb -> 'targets') t
    WHERE t ->> 'id' IS NOT NULL
    ON CONFLICT DO NOTHING;
