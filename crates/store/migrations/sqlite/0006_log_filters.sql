-- Columns the log APIs filter by (SQLite). Keep in step with
-- migrations/postgres/0006_log_filters.sql. Existing rows are filled from their documents.
ALTER TABLE sign_ins ADD COLUMN is_interactive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sign_ins ADD COLUMN app_display_name TEXT;
UPDATE sign_ins SET
    is_interactive = CASE WHEN json_extract(document, '$.signInEventType') = 'interactiveUser' THEN 1 ELSE 0 END,
    app_display_name = json_extract(document, '$.appDisplayName'),
    -- Rows written before 0005 have these only in their documents.
    user_principal_name = COALESCE(user_principal_name, json_extract(document, '$.userPrincipalName')),
    home_tenant_id = COALESCE(home_tenant_id, json_extract(document, '$.homeTenantId')),
    resource_tenant_id = COALESCE(resource_tenant_id, json_extract(document, '$.resourceTenantId'));

ALTER TABLE audit_records ADD COLUMN correlation_id TEXT;
ALTER TABLE audit_records ADD COLUMN result TEXT NOT NULL DEFAULT 'success';
ALTER TABLE audit_records ADD COLUMN initiated_by_user_id TEXT;
ALTER TABLE audit_records ADD COLUMN initiated_by_upn TEXT;
ALTER TABLE audit_records ADD COLUMN initiated_by_app_name TEXT;
UPDATE audit_records SET
    correlation_id = json_extract(document, '$.correlationId'),
    result = CASE WHEN json_extract(document, '$.success') THEN 'success' ELSE 'failure' END,
    initiated_by_user_id = CASE WHEN json_extract(document, '$.initiatedBy.kind') = 'user'
        THEN json_extract(document, '$.initiatedBy.id') END,
    initiated_by_upn = CASE WHEN json_extract(document, '$.initiatedBy.kind') = 'user'
        THEN json_extract(document, '$.initiatedBy.userPrincipalName') END,
    initiated_by_app_name = CASE WHEN json_extract(document, '$.initiatedBy.kind') = 'app'
        THEN json_extract(document, '$.initiatedBy.displayName') END;

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
    SELECT a.tenant_id, a.id, lower(json_extract(t.value, '$.id'))
    FROM audit_records a, json_each(a.document, '$.targets') t
    WHERE json_extract(t.value, '$.id') IS NOT NULL
    ON CONFLICT DO NOTHING;
