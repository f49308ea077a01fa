//! `POST /v1.0/invitations`.

use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use portico_app::b2b::InvitationRequest;
use portico_wire::graph::collection::entity;
use portico_wire::graph::invitations::{invitation_json, InvitationView};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailAddressBody {
    name: Option<String>,
    address: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecipientBody {
    email_address: EmailAddressBody,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageInfoBody {
    #[serde(default)]
    cc_recipients: Vec<RecipientBody>,
    customized_message_body: Option<String>,
    message_language: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct InvitedUserBody {
    id: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InvitationBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    invited_user_email_address: Option<String>,
    invited_user_display_name: Option<String>,
    invite_redirect_url: Option<String>,
    #[serde(default)]
    send_invitation_message: bool,
    invited_user_message_info: Option<MessageInfoBody>,
    invited_user_type: Option<String>,
    #[serde(default)]
    reset_redemption: bool,
    invited_user: Option<InvitedUserBody>,
    #[serde(default)]
    invited_user_sponsors: Vec<InvitedUserBody>,
}

pub async fn create(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<InvitationBody>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Json(body) = body.map_err(ApiError::from)?;
    super::query::check_odata_type(body.odata_type.as_deref(), "invitation")?;
    let info = body.invited_user_message_info.unwrap_or(MessageInfoBody {
        cc_recipients: Vec::new(),
        customized_message_body: None,
        message_language: None,
    });
    // Names are echoed back by address; the mail goes to the address.
    let cc_names: Vec<(String, Option<String>)> = info
        .cc_recipients
        .iter()
        .filter_map(|r| {
            Some((
                r.email_address.address.clone()?,
                r.email_address.name.clone(),
            ))
        })
        .collect();
    let request = InvitationRequest {
        invited_user_email_address: body.invited_user_email_address.clone(),
        invited_user_display_name: body.invited_user_display_name.clone(),
        invite_redirect_url: body.invite_redirect_url,
        send_invitation_message: body.send_invitation_message,
        cc_recipients: cc_names
            .iter()
            .map(|(address, _)| address.clone())
            .collect(),
        customized_message_body: info.customized_message_body,
        invited_user_type: body.invited_user_type,
        reset_redemption: body.reset_redemption,
        invited_user_id: body.invited_user.and_then(|u| u.id),
        message_language: info.message_language.clone(),
        invited_user_sponsors: body
            .invited_user_sponsors
            .iter()
            .filter_map(|sponsor| sponsor.id.clone())
            .collect(),
    };
    let outcome = state.app.invite(&caller, request).await?;
    let view = InvitationView {
        id: outcome.invitation.id.to_string(),
        user: &outcome.user,
        invited_user_email_address: outcome.invitation.invited_email.to_string(),
        invited_user_display_name: body
            .invited_user_display_name
            .or_else(|| Some(outcome.user.display_name.clone())),
        invite_redirect_url: outcome.invitation.invite_redirect_url.clone(),
        invite_redeem_url: Some(outcome.invite_redeem_url.clone()),
        send_invitation_message: outcome.send_invitation_message,
        reset_redemption: body.reset_redemption,
        status: outcome.status,
        cc_recipients: outcome
            .cc_recipients
            .iter()
            .map(|address| {
                let name = cc_names
                    .iter()
                    .find(|(given, _)| given.eq_ignore_ascii_case(address.as_str()))
                    .and_then(|(_, name)| name.clone());
                (name, address.to_string())
            })
            .collect(),
        message_language: info.message_language,
        customized_message_body: outcome.customized_message_body.clone(),
    };
    let mut object = invitation_json(view);
    let warnings = state
        .app
        .invitation_warnings(&outcome.invitation.invited_email)
        .await;
    portico_wire::graph::invitations::add_warnings(&mut object, warnings);
    Ok((StatusCode::CREATED, Json(entity("invitations", object))))
}
