//! The Graph `invitation` resource.

use portico_model::user::{User, UserType};
use serde_json::{json, Map, Value};

pub struct InvitationView<'a> {
    pub id: String,
    pub user: &'a User,
    pub invited_user_email_address: String,
    pub invited_user_display_name: Option<String>,
    pub invite_redirect_url: String,
    pub invite_redeem_url: Option<String>,
    pub send_invitation_message: bool,
    pub reset_redemption: bool,
    pub status: &'static str,
    /// (name, address) of each cc recipient.
    pub cc_recipients: Vec<(Option<String>, String)>,
    pub customized_message_body: Option<String>,
    pub message_language: Option<String>,
}

pub fn invitation_json(view: InvitationView<'_>) -> Map<String, Value> {
    let user_type = match view.user.user_type {
        UserType::Member => "Member",
        UserType::Guest => "Guest",
    };
    let cc: Vec<Value> = view
        .cc_recipients
        .iter()
        .map(|(name, address)| json!({"emailAddress": {"name": name, "address": address}}))
        .collect();
    let object = json!({
        "id": view.id,
        "inviteRedeemUrl": view.invite_redeem_url,
        "invitedUserDisplayName": view.invited_user_display_name,
        "invitedUserType": user_type,
        "invitedUserEmailAddress": view.invited_user_email_address,
        "sendInvitationMessage": view.send_invitation_message,
        "resetRedemption": view.reset_redemption,
        "inviteRedirectUrl": view.invite_redirect_url,
        "status": view.status,
        "invitedUserMessageInfo": {"messageLanguage": view.message_language, "ccRecipients": cc, "customizedMessageBody": view.customized_message_body},
        "invitedUser": {"id": view.user.id.to_string()},
    });
    match object {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Adds Portico's warnings about an invitation as an OData instance annotation
/// (`@portico.warnings`): clients that do not know it ignore it.
pub fn add_warnings(object: &mut Map<String, Value>, warnings: Vec<String>) {
    if !warnings.is_empty() {
        object.insert(
            "@portico.warnings".into(),
            Value::Array(warnings.into_iter().map(Value::String).collect()),
        );
    }
}
