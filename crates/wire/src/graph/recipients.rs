//! Portico's Exchange-like recipient view (`/portico/v1/tenants/{id}/recipients`).

use portico_model::group::{Group, MailContact};
use portico_model::user::{User, UserType};
use portico_model::ProxyAddress;
use serde_json::{json, Map, Value};

fn addresses(proxies: &[ProxyAddress]) -> (Value, Value) {
    let primary = proxies
        .iter()
        .find(|p| p.primary)
        .map(|p| p.address.to_string());
    (
        json!(primary),
        json!(proxies.iter().map(ToString::to_string).collect::<Vec<_>>()),
    )
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub fn user_recipient(user: &User) -> Map<String, Value> {
    // External accounts (invited, `#EXT#`) are mail users whatever their userType; local
    // accounts with mail have a mailbox; without proxy addresses a user is not mail-enabled.
    let external = user.user_principal_name.is_external();
    let (kind, details) = match (external, user.user_type, user.proxy_addresses.is_empty()) {
        (_, _, true) => ("User", "User"),
        (true, UserType::Guest, false) => ("MailUser", "GuestMailUser"),
        (true, UserType::Member, false) => ("MailUser", "MailUser"),
        (false, _, false) => ("UserMailbox", "UserMailbox"),
    };
    let (primary, emails) = addresses(&user.proxy_addresses);
    object(json!({
        "id": user.id.to_string(),
        "displayName": user.display_name,
        "recipientType": kind,
        "recipientTypeDetails": details,
        "primarySmtpAddress": primary,
        "emailAddresses": emails,
        "hiddenFromAddressListsEnabled": user.hidden_from_address_lists,
        "externalEmailAddress": if user.user_type == UserType::Guest { json!(user.mail.as_ref().map(|m| format!("SMTP:{m}"))) } else { Value::Null },
    }))
}

pub fn group_recipient(group: &Group) -> Map<String, Value> {
    let details = if group.security_enabled {
        "MailUniversalSecurityGroup"
    } else {
        "MailUniversalDistributionGroup"
    };
    let (primary, emails) = addresses(&group.proxy_addresses);
    object(json!({
        "id": group.id.to_string(),
        "displayName": group.display_name,
        "recipientType": details,
        "recipientTypeDetails": details,
        "primarySmtpAddress": primary,
        "emailAddresses": emails,
        "hiddenFromAddressListsEnabled": false,
    }))
}

pub fn contact_recipient(contact: &MailContact) -> Map<String, Value> {
    let (primary, emails) = addresses(&contact.proxy_addresses);
    object(json!({
        "id": contact.id.to_string(),
        "displayName": contact.display_name,
        "recipientType": "MailContact",
        "recipientTypeDetails": "MailContact",
        "primarySmtpAddress": primary,
        "emailAddresses": emails,
        "hiddenFromAddressListsEnabled": contact.hidden_from_address_lists,
        "externalEmailAddress": format!("SMTP:{}", contact.mail),
    }))
}

/// The list's body: `{"value": [...]}` (the Exchange view has no OData context).
pub fn recipient_list(recipients: Vec<Map<String, Value>>) -> Value {
    json!({ "value": recipients })
}
