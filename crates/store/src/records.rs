//! Users, groups and contacts as OData records: the in-memory side of `$filter` and `$search`,
//! which the SQL compiler (`sql/filter.rs`) must agree with. Keep the two maps in step.

use portico_model::group::{Group, MailContact};
use portico_model::user::User;
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
            _ => Field::Null,
        }
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
