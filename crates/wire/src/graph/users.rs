//! The Graph `user` resource.

use super::{project, timestamp};
use portico_model::user::{User, UserType};
use serde_json::{json, Map, Value};

/// Returned without `$select` (Graph v1.0's default set).
pub const DEFAULT_USER_PROPERTIES: &[&str] = &[
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
];

/// What a guest with the default (limited) access level sees of another user.
pub const LIMITED_GUEST_VIEW: &[&str] =
    &["id", "displayName", "mail", "userPrincipalName", "userType"];

fn user_type(user_type: UserType) -> &'static str {
    match user_type {
        UserType::Member => "Member",
        UserType::Guest => "Guest",
    }
}

fn enum_name<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Every property Portico serves for a user, in Graph's order.
pub fn user_properties(user: &User) -> Vec<(&'static str, Value)> {
    vec![
        ("id", json!(user.id.to_string())),
        ("businessPhones", json!([])),
        ("displayName", json!(user.display_name)),
        ("givenName", json!(user.given_name)),
        ("jobTitle", Value::Null),
        ("mail", json!(user.mail.as_ref().map(ToString::to_string))),
        ("mobilePhone", Value::Null),
        ("officeLocation", Value::Null),
        ("preferredLanguage", Value::Null),
        ("surname", json!(user.surname)),
        ("userPrincipalName", json!(user.user_principal_name.to_string())),
        ("accountEnabled", json!(user.account_enabled)),
        ("createdDateTime", timestamp(user.created_at)),
        ("creationType", user.creation_type.as_ref().map_or(Value::Null, enum_name)),
        ("externalUserState", user.external_user_state.as_ref().map_or(Value::Null, enum_name)),
        ("externalUserStateChangeDateTime", user.external_user_state_changed_at.map_or(Value::Null, timestamp)),
        (
            "identities",
            Value::Array(
                user.identities
                    .iter()
                    .map(|i| json!({"signInType": i.sign_in_type, "issuer": i.issuer, "issuerAssignedId": i.issuer_assigned_id}))
                    .collect(),
            ),
        ),
        ("onPremisesSyncEnabled", if user.on_premises_sync_enabled { json!(true) } else { Value::Null }),
        ("otherMails", json!(user.other_mails.iter().map(ToString::to_string).collect::<Vec<_>>())),
        ("proxyAddresses", json!(user.proxy_addresses.iter().map(ToString::to_string).collect::<Vec<_>>())),
        ("showInAddressList", json!(!user.hidden_from_address_lists)),
        ("userType", json!(user_type(user.user_type))),
    ]
}

/// A user as Graph returns it, with `$select` applied; `visible` narrows what the caller may see.
pub fn user_json(
    user: &User,
    select: Option<&[&str]>,
    visible: Option<&[&str]>,
) -> Map<String, Value> {
    let mut object = project(user_properties(user), DEFAULT_USER_PROPERTIES, select);
    if let Some(visible) = visible {
        object.retain(|name, _| visible.contains(&name.as_str()));
    }
    object
}

/// `POST /me/changePassword`.
#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangePasswordBody {
    pub current_password: String,
    pub new_password: String,
}
