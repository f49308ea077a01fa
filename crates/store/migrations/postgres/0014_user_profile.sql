-- The whole v1.0 user (postgres). Keep in step with migrations/sqlite/0014_user_profile.sql.
-- Columns follow portico_odata::USER (crates/odata/src/schema/user.rs), the one table that names
-- each property's column.

-- Administrator-set profile values: text, a string collection as a JSON array, or a time in
-- microseconds since the epoch. NULL is Graph's default (null, or [] for businessPhones).
ALTER TABLE users ADD COLUMN age_group TEXT;
ALTER TABLE users ADD COLUMN business_phones TEXT;
ALTER TABLE users ADD COLUMN city TEXT;
ALTER TABLE users ADD COLUMN company_name TEXT;
ALTER TABLE users ADD COLUMN consent_for_minor TEXT;
ALTER TABLE users ADD COLUMN country TEXT;
ALTER TABLE users ADD COLUMN department TEXT;
ALTER TABLE users ADD COLUMN employee_hire_date BIGINT;
ALTER TABLE users ADD COLUMN employee_id TEXT;
ALTER TABLE users ADD COLUMN employee_leave_at BIGINT;
ALTER TABLE users ADD COLUMN employee_type TEXT;
ALTER TABLE users ADD COLUMN fax_number TEXT;
ALTER TABLE users ADD COLUMN job_title TEXT;
ALTER TABLE users ADD COLUMN mail_nickname TEXT;
ALTER TABLE users ADD COLUMN mobile_phone TEXT;
ALTER TABLE users ADD COLUMN office_location TEXT;
ALTER TABLE users ADD COLUMN password_policies TEXT;
ALTER TABLE users ADD COLUMN postal_code TEXT;
ALTER TABLE users ADD COLUMN preferred_data_location TEXT;
ALTER TABLE users ADD COLUMN preferred_language TEXT;
ALTER TABLE users ADD COLUMN state_province TEXT;
ALTER TABLE users ADD COLUMN street_address TEXT;
ALTER TABLE users ADD COLUMN usage_location TEXT;

-- signInActivity: written with each of the user's sign-in rows, in the same transaction.
ALTER TABLE users ADD COLUMN last_sign_in_at BIGINT;
ALTER TABLE users ADD COLUMN last_sign_in_request_id TEXT;
ALTER TABLE users ADD COLUMN last_non_interactive_sign_in_at BIGINT;
ALTER TABLE users ADD COLUMN last_non_interactive_sign_in_request_id TEXT;
ALTER TABLE users ADD COLUMN last_successful_sign_in_at BIGINT;
ALTER TABLE users ADD COLUMN last_successful_sign_in_request_id TEXT;

-- The activity of sign-ins logged before these columns existed.
UPDATE users SET
    last_sign_in_request_id = (SELECT s.id FROM sign_ins s WHERE s.tenant_id = users.tenant_id
        AND s.user_id = users.id AND s.is_interactive ORDER BY s.created_at DESC, s.id DESC LIMIT 1),
    last_non_interactive_sign_in_request_id = (SELECT s.id FROM sign_ins s WHERE s.tenant_id = users.tenant_id
        AND s.user_id = users.id AND NOT s.is_interactive ORDER BY s.created_at DESC, s.id DESC LIMIT 1),
    last_successful_sign_in_request_id = (SELECT s.id FROM sign_ins s WHERE s.tenant_id = users.tenant_id
        AND s.user_id = users.id AND s.error_code = 0 ORDER BY s.created_at DESC, s.id DESC LIMIT 1);
UPDATE users SET
    last_sign_in_at = (SELECT s.created_at FROM sign_ins s WHERE s.tenant_id = users.tenant_id
        AND s.id = users.last_sign_in_request_id),
    last_non_interactive_sign_in_at = (SELECT s.created_at FROM sign_ins s WHERE s.tenant_id = users.tenant_id
        AND s.id = users.last_non_interactive_sign_in_request_id),
    last_successful_sign_in_at = (SELECT s.created_at FROM sign_ins s WHERE s.tenant_id = users.tenant_id
        AND s.id = users.last_successful_sign_in_request_id);

-- identities/any(c: c/issuerAssignedId eq … and c/issuer eq …): one row per identity, the
-- members ASCII-folded as $filter compares them (the list itself stays in users.identities).
CREATE TABLE user_identities (
    tenant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    sign_in_type_key TEXT NOT NULL,
    issuer_key TEXT NOT NULL,
    issuer_assigned_id_key TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, position),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX user_identities_by_key ON user_identities(tenant_id, issuer_assigned_id_key, issuer_key);

INSERT INTO user_identities (tenant_id, user_id, position, sign_in_type_key, issuer_key, issuer_assigned_id_key)
SELECT u.tenant_id, u.id, j.position - 1,
    translate(COALESCE(j.value ->> 'sign_in_type', ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
    translate(COALESCE(j.value ->> 'issuer', ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
    translate(COALESCE(j.value ->> 'issuer_assigned_id', ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
FROM users u, jsonb_array_elements(u.identities::jsonb) WITH ORDINALITY AS j(value, position);
