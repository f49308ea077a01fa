//! The Graph `user` resource.

use super::{project, timestamp};
use portico_model::user::{ProfileValue, SignInActivity, User, UserType};
use portico_odata::{Kind, Property, Stored, USER};
use serde_json::{json, Map, Value};

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

/// Every v1.0 property of a user, in the order of the one user table (`portico_odata::USER`):
/// what Portico keeps, and Graph's default (`null`, `[]`) for what it does not.
pub fn user_properties(user: &User) -> Vec<(&'static str, Value)> {
    USER.properties
        .iter()
        .filter(|property| property.selectable)
        .map(|property| (property.name, user_value(user, property)))
        .collect()
}

fn strings<T: ToString>(items: &[T]) -> Value {
    json!(items.iter().map(ToString::to_string).collect::<Vec<_>>())
}

fn user_value(user: &User, property: &Property) -> Value {
    match property.name {
        "id" => json!(user.id.to_string()),
        "displayName" => json!(user.display_name),
        "givenName" => json!(user.given_name),
        "surname" => json!(user.surname),
        "mail" => json!(user.mail.as_ref().map(ToString::to_string)),
        "userPrincipalName" => json!(user.user_principal_name.to_string()),
        "accountEnabled" => json!(user.account_enabled),
        "createdDateTime" => timestamp(user.created_at),
        "creationType" => user.creation_type.as_ref().map_or(Value::Null, enum_name),
        "externalUserState" => user.external_user_state.as_ref().map_or(Value::Null, enum_name),
        "externalUserStateChangeDateTime" => user.external_user_state_changed_at.map_or(Value::Null, timestamp),
        "identities" => Value::Array(
            user.identities
                .iter()
                .map(|i| json!({"signInType": i.sign_in_type, "issuer": i.issuer, "issuerAssignedId": i.issuer_assigned_id}))
                .collect(),
        ),
        "onPremisesSyncEnabled" => if user.on_premises_sync_enabled { json!(true) } else { Value::Null },
        "otherMails" => strings(&user.other_mails),
        "proxyAddresses" => strings(&user.proxy_addresses),
        "showInAddressList" => json!(!user.hidden_from_address_lists),
        "userType" => json!(user_type(user.user_type)),
        "signInActivity" => sign_in_activity(&user.sign_in_activity),
        "signInSessionsValidFromDateTime" => user.sign_in_sessions_valid_from.map_or(Value::Null, timestamp),
        "deletedDateTime" => user.deleted_at.map_or(Value::Null, timestamp),
        "securityIdentifier" => json!(security_identifier(user)),
        // Intune's default enrollment limit.
        "deviceEnrollmentLimit" => json!(5),
        _ => match property.stored {
            Stored::Profile(_) => profile_value(property, user.profile.get(property.name)),
            _ => graph_default(property),
        },
    }
}

/// A profile value as Graph writes it; absent is the property's default.
fn profile_value(property: &Property, value: Option<&ProfileValue>) -> Value {
    match value {
        Some(ProfileValue::Text(text)) => json!(text),
        Some(ProfileValue::Texts(items)) => json!(items),
        Some(ProfileValue::Time(at)) => timestamp(*at),
        None => graph_default(property),
    }
}

/// What Graph returns for a property an object has no value for: `[]` for collections, the
/// zero date for the non-nullable dates (`birthday`, `hireDate`), else `null`.
fn graph_default(property: &Property) -> Value {
    match (property.kind, property.nullable) {
        (Kind::StringCollection | Kind::ComplexCollection(_), _) => json!([]),
        (Kind::DateTime, false) => json!("0001-01-01T00:00:00Z"),
        _ => Value::Null,
    }
}

/// `signInActivity`: `null` until the user's first sign-in.
fn sign_in_activity(activity: &SignInActivity) -> Value {
    if *activity == SignInActivity::default() {
        return Value::Null;
    }
    let at = |slot: &Option<(chrono::DateTime<chrono::Utc>, String)>| {
        slot.as_ref().map_or(Value::Null, |(at, _)| timestamp(*at))
    };
    let id = |slot: &Option<(chrono::DateTime<chrono::Utc>, String)>| {
        slot.as_ref().map_or(Value::Null, |(_, id)| json!(id))
    };
    json!({
        "lastSignInDateTime": at(&activity.last_sign_in),
        "lastSignInRequestId": id(&activity.last_sign_in),
        "lastNonInteractiveSignInDateTime": at(&activity.last_non_interactive_sign_in),
        "lastNonInteractiveSignInRequestId": id(&activity.last_non_interactive_sign_in),
        "lastSuccessfulSignInDateTime": at(&activity.last_successful_sign_in),
        "lastSuccessfulSignInRequestId": id(&activity.last_successful_sign_in),
    })
}

/// Entra's security identifier of a cloud object: `S-1-12-1-` and the object id's bytes (in the
/// little-endian GUID layout) as four 32-bit numbers.
fn security_identifier(user: &User) -> String {
    let bytes = user.id.as_uuid().to_bytes_le();
    let parts: Vec<String> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]).to_string())
        .collect();
    format!("S-1-12-1-{}", parts.join("-"))
}

/// A user as Graph returns it, with `$select` applied; `visible` narrows what the caller may see.
pub fn user_json(
    user: &User,
    select: Option<&[&str]>,
    visible: Option<&[&str]>,
) -> Map<String, Value> {
    let mut object = project(user_properties(user), &USER.default_select(), select);
    if let Some(visible) = visible {
        object.retain(|name, _| visible.contains(&name.as_str()));
    }
    object
}

/// A user in a `directoryObject` answer (`/directory/deletedItems`): typed with `@odata.type`.
pub fn directory_object_user_json(user: &User, select: Option<&[&str]>) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("@odata.type".into(), "#microsoft.graph.user".into());
    object.append(&mut user_json(user, select, None));
    object
}

/// `POST /me/changePassword`.
#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangePasswordBody {
    pub current_password: String,
    pub new_password: String,
}
