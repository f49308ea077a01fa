-- Portico directory schema (SQLite). Keep in step with migrations/postgres/0001_directory.sql:
-- the two differ only in column types (SQLite keeps flags as INTEGER 0/1: sqlx's Any driver cannot read its BOOLEAN). Times are microseconds since the Unix epoch (UTC); ids are
-- lower-case hyphenated GUID text; *_key columns hold the lower-cased comparison form.

CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    settings TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE tenant_domains (
    domain TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    position INTEGER NOT NULL
);
CREATE INDEX tenant_domains_by_tenant ON tenant_domains(tenant_id, position);

CREATE TABLE users (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    upn TEXT NOT NULL,
    upn_key TEXT NOT NULL,
    display_name TEXT NOT NULL,
    given_name TEXT,
    surname TEXT,
    mail TEXT,
    mail_key TEXT,
    other_mails TEXT NOT NULL,
    proxy_addresses TEXT NOT NULL,
    user_type TEXT NOT NULL,
    creation_type TEXT,
    external_user_state TEXT,
    external_user_state_changed_at BIGINT,
    identities TEXT NOT NULL,
    account_enabled INTEGER NOT NULL,
    hidden_from_address_lists INTEGER NOT NULL,
    on_premises_sync_enabled INTEGER NOT NULL,
    password_hash TEXT,
    mfa_methods TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, upn_key)
);
CREATE INDEX users_by_mail ON users(tenant_id, mail_key);
CREATE INDEX users_by_type ON users(tenant_id, user_type, id);

-- Lookup index for otherMails (the list itself lives in users.other_mails).
CREATE TABLE user_other_mails (
    tenant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    address_key TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, address_key),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX user_other_mails_by_address ON user_other_mails(tenant_id, address_key);

CREATE TABLE directory_groups (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT,
    mail_nickname TEXT,
    mail TEXT,
    mail_key TEXT,
    mail_enabled INTEGER NOT NULL,
    security_enabled INTEGER NOT NULL,
    proxy_addresses TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX groups_by_mail ON directory_groups(tenant_id, mail_key);

CREATE TABLE group_members (
    tenant_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, group_id, member_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES directory_groups(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX group_members_by_member ON group_members(tenant_id, member_id);

CREATE TABLE contacts (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    mail TEXT NOT NULL,
    mail_key TEXT NOT NULL,
    proxy_addresses TEXT NOT NULL,
    hidden_from_address_lists INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX contacts_by_mail ON contacts(tenant_id, mail_key);

-- proxyAddresses are unique across users, groups and contacts of a tenant: this key enforces it.
CREATE TABLE proxy_addresses (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    address_key TEXT NOT NULL,
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, address_key)
);
CREATE INDEX proxy_addresses_by_owner ON proxy_addresses(tenant_id, owner_id);

CREATE TABLE applications (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    public_client INTEGER NOT NULL,
    assignment_required INTEGER NOT NULL,
    allow_password_grant INTEGER NOT NULL,
    graph_app_permissions TEXT NOT NULL,
    secrets TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, client_id)
);

CREATE TABLE app_assignments (
    tenant_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, principal_id),
    FOREIGN KEY (tenant_id, app_id) REFERENCES applications(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE role_assignments (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    principal_id TEXT NOT NULL,
    role_template_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, principal_id, role_template_id)
);

-- Policy documents: JSON of the portico-model types, keyed by tenant.
CREATE TABLE partner_configurations (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    partner_tenant_id TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (tenant_id, partner_tenant_id)
);

CREATE TABLE policy_documents (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    document TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kind, id)
);

CREATE TABLE invitations (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    invited_user_id TEXT NOT NULL,
    ticket_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, ticket_hash)
);
CREATE INDEX invitations_by_user ON invitations(tenant_id, invited_user_id);

CREATE TABLE sign_ins (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    correlation_id TEXT NOT NULL,
    user_id TEXT,
    user_type TEXT,
    app_id TEXT,
    error_code BIGINT NOT NULL,
    cross_tenant_access_type TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sign_ins_by_time ON sign_ins(tenant_id, created_at);

CREATE TABLE audit_records (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    activity_at BIGINT NOT NULL,
    category TEXT NOT NULL,
    activity TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_records_by_time ON audit_records(tenant_id, activity_at);

CREATE TABLE signing_keys (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kid TEXT NOT NULL,
    private_key BLOB NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    active_from BIGINT NOT NULL,
    retire_at BIGINT,
    PRIMARY KEY (tenant_id, kid)
);

CREATE TABLE risky_users (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

-- Transactional outbox: messages are queued with the change that caused them, then delivered.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    tenant_id TEXT REFERENCES tenants(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    document TEXT NOT NULL
);
CREATE INDEX outbox_by_time ON outbox(created_at);
CREATE INDEX outbox_pending ON outbox(delivered_at, created_at);

CREATE TABLE outbox_recipients (
    message_id TEXT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    address_key TEXT NOT NULL,
    PRIMARY KEY (message_id, address_key)
);
CREATE INDEX outbox_recipients_by_address ON outbox_recipients(address_key);
