//! Users, groups, contacts and log entries as OData records: the in-memory side of `$filter` and
//! `$search`, which the SQL compiler (`sql/filter.rs`, `sql/logs.rs`) must agree with. Keep the
//! maps in step.

use portico_model::group::{Group, MailContact};
use portico_model::logs::{Actor, AuditRecord, SignInRecord};
use portico_model::user::{ProfileValue, User};
use portico_odata::{Field, Record};

fn enum_name<T: serde::Serialize>(value: &T) -> Field {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => Field::String(name),
        _ => Field::Null,
    }
}

fn text(value: Option<String>) -> Field {
    value.map_or(Field::Null, Field::String)
}

pub struct UserRecord<'a>(pub &'a User);

impl Record for UserRecord<'_> {
    fn field(&self, property: &str) -> Field {
        let user = self.0;
        match property {
            "id" => Field::Guid(*user.id.as_uuid()),
            "userPrincipalName" => Field::String(user.user_principal_name.to_string()),
            "displayName" => Field::String(user.display_name.clone()),
            "givenName" => text(user.given_name.clone()),
            "surname" => text(user.surname.clone()),
            "mail" => text(user.mail.as_ref().map(ToString::to_string)),
            "userType" => enum_name(&user.user_type),
            "externalUserState" => user
                .external_user_state
                .as_ref()
                .map_or(Field::Null, enum_name),
            "creationType" => user.creation_type.as_ref().map_or(Field::Null, enum_name),
            "accountEnabled" => Field::Bool(user.account_enabled),
            "showInAddressList" => Field::Bool(!user.hidden_from_address_lists),
            "onPremisesSyncEnabled" => {
                if user.on_premises_sync_enabled {
                    Field::Bool(true)
                } else {
                    Field::Null
                }
            }
            "createdDateTime" => Field::DateTime(user.created_at),
            "externalUserStateChangeDateTime" => user
                .external_user_state_changed_at
                .map_or(Field::Null, Field::DateTime),
            "otherMails" => {
                Field::Strings(user.other_mails.iter().map(ToString::to_string).collect())
            }
            "proxyAddresses" => Field::Strings(
                user.proxy_addresses
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            ),
            "identities" => Field::Objects(
                user.identities
                    .iter()
                    .map(|i| {
                        vec![
                            ("signInType", i.sign_in_type.clone()),
                            ("issuer", i.issuer.clone()),
                            ("issuerAssignedId", i.issuer_assigned_id.clone()),
                        ]
                    })
                    .collect(),
            ),
            "signInActivity/lastSignInDateTime" => activity(&user.sign_in_activity.last_sign_in),
            "signInActivity/lastNonInteractiveSignInDateTime" => {
                activity(&user.sign_in_activity.last_non_interactive_sign_in)
            }
            "signInActivity/lastSuccessfulSignInDateTime" => {
                activity(&user.sign_in_activity.last_successful_sign_in)
            }
            other => profile(user.profile.get(other)),
        }
    }
}

fn activity(slot: &Option<(chrono::DateTime<chrono::Utc>, String)>) -> Field {
    slot.as_ref()
        .map_or(Field::Null, |(at, _)| Field::DateTime(*at))
}

/// A profile value (`jobTitle` …) as the evaluator sees it; absent is null.
fn profile(value: Option<&ProfileValue>) -> Field {
    match value {
        None => Field::Null,
        Some(ProfileValue::Text(text)) => Field::String(text.clone()),
        Some(ProfileValue::Texts(items)) => Field::Strings(items.clone()),
        Some(ProfileValue::Time(at)) => Field::DateTime(*at),
    }
}

pub struct GroupRecord<'a>(pub &'a Group);

impl Record for GroupRecord<'_> {
    fn field(&self, property: &str) -> Field {
        let group = self.0;
        match property {
            "id" => Field::Guid(*group.id.as_uuid()),
            "displayName" => Field::String(group.display_name.clone()),
            "description" => text(group.description.clone()),
            "mail" => text(group.mail.as_ref().map(ToString::to_string)),
            "mailNickname" => text(group.mail_nickname.clone()),
            "mailEnabled" => Field::Bool(group.mail_enabled),
            "securityEnabled" => Field::Bool(group.security_enabled),
            "createdDateTime" => Field::DateTime(group.created_at),
            "proxyAddresses" => Field::Strings(
                group
                    .proxy_addresses
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            ),
            _ => Field::Null,
        }
    }
}

pub struct ContactRecord<'a>(pub &'a MailContact);

impl Record for ContactRecord<'_> {
    fn field(&self, property: &str) -> Field {
        let contact = self.0;
        match property {
            "id" => Field::Guid(*contact.id.as_uuid()),
            "displayName" => Field::String(contact.display_name.clone()),
            "mail" => Field::String(contact.mail.to_string()),
            "createdDateTime" => Field::DateTime(contact.created_at),
            "proxyAddresses" => Field::Strings(
                contact
                    .proxy_addresses
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            ),
            _ => Field::Null,
        }
    }
}

/// A log time as its column keeps it: to the microsecond.
fn stored_time(at: chrono::DateTime<chrono::Utc>) -> Field {
    chrono::DateTime::from_timestamp_micros(at.timestamp_micros())
        .map_or(Field::Null, Field::DateTime)
}

/// A sign-in log entry as an OData record over `portico_odata::SIGN_IN_BETA` (the superset); keep in step with the
/// column map in `sql/logs.rs`.
pub struct SignInLogRecord<'a>(pub &'a SignInRecord);

impl Record for SignInLogRecord<'_> {
    fn field(&self, property: &str) -> Field {
        let record = self.0;
        match property {
            "id" => Field::String(record.id.to_string()),
            "createdDateTime" => stored_time(record.created_at),
            "userId" => text(record.user_id.map(|u| u.to_string())),
            "userPrincipalName" => text(record.user_principal_name.clone()),
            "userType" => record.user_type.as_ref().map_or(Field::Null, enum_name),
            "appId" => text(record.app_id.map(|a| a.to_string())),
            "appDisplayName" => text(record.app_display_name.clone()),
            "correlationId" => Field::String(record.correlation_id.to_string()),
            "isInteractive" => Field::Bool(record.is_interactive()),
            "crossTenantAccessType" => enum_name(&record.cross_tenant_access_type),
            "homeTenantId" => text(record.home_tenant_id.map(|t| t.to_string())),
            "resourceTenantId" => Field::String(record.resource_tenant_id.to_string()),
            "status/errorCode" => Field::Int(i64::from(record.error_code)),
            "signInEventTypes" => Field::Strings(vec![record.sign_in_event_type.clone()]),
            _ => Field::Null,
        }
    }
}

/// An audit log entry as an OData record over `portico_odata::DIRECTORY_AUDIT`; keep in step
/// with the column map in `sql/logs.rs`.
pub struct AuditLogRecord<'a>(pub &'a AuditRecord);

impl Record for AuditLogRecord<'_> {
    fn field(&self, property: &str) -> Field {
        let record = self.0;
        let (user_id, upn, app_name) = match &record.initiated_by {
            Actor::User {
                id,
                user_principal_name,
            } => (
                Some(id.to_string()),
                Some(user_principal_name.clone()),
                None,
            ),
            Actor::App { display_name, .. } => (None, None, Some(display_name.clone())),
            Actor::System { .. } => (None, None, None),
        };
        match property {
            "id" => Field::String(record.id.to_string()),
            "activityDateTime" => stored_time(record.activity_at),
            "category" => Field::String(record.category.clone()),
            "activityDisplayName" => Field::String(record.activity.clone()),
            "correlationId" => text(record.correlation_id.map(|c| c.to_string())),
            "result" => Field::String(if record.success { "success" } else { "failure" }.into()),
            "initiatedBy/user/id" => text(user_id),
            "initiatedBy/user/userPrincipalName" => text(upn),
            "initiatedBy/app/displayName" => text(app_name),
            "targetResources/id" => {
                Field::Strings(record.targets.iter().map(|t| t.id.clone()).collect())
            }
            _ => Field::Null,
        }
    }
}
