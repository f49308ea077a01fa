//! `/policies/identitySecurityDefaultsEnforcementPolicy` and `/policies/authorizationPolicy`.

use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use portico_app::directory::AuthorizationPolicyPatch;
use portico_wire::graph::collection::entity;
use portico_wire::graph::directory::{
    authorization_policy_json, parse_allow_invites_from, security_defaults_json,
};
use serde::Deserialize;
use serde_json::Value;

pub async fn get_security_defaults(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let enabled = state.app.graph_security_defaults(&caller).await?;
    Ok(Json(security_defaults_json(enabled)))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityDefaultsPatch {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    is_enabled: bool,
}

pub async fn patch_security_defaults(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<SecurityDefaultsPatch>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let Json(patch) = body.map_err(ApiError::from)?;
    super::query::check_odata_type(
        patch.odata_type.as_deref(),
        "identitySecurityDefaultsEnforcementPolicy",
    )?;
    state
        .app
        .graph_set_security_defaults(&caller, patch.is_enabled)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn get_authorization_policy(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let policy = state.app.graph_authorization_policy(&caller).await?;
    Ok(Json(entity(
        "policies/authorizationPolicy",
        authorization_policy_json(&policy),
    )))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthorizationPolicyBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    allow_invites_from: Option<String>,
    guest_user_role_id: Option<uuid::Uuid>,
    allowed_to_sign_up_email_based_subscriptions: Option<bool>,
    #[serde(rename = "allowedToUseSSPR")]
    allowed_to_use_sspr: Option<bool>,
    allow_email_verified_users_to_join_organization: Option<bool>,
    block_msol_power_shell: Option<bool>,
    default_user_role_permissions: Option<DefaultUserRolePermissions>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DefaultUserRolePermissions {
    allowed_to_read_other_users: Option<bool>,
    /// Empty: users may not consent to apps; Entra's user-consent policy id: they may.
    permission_grant_policies_assigned: Option<Vec<String>>,
}

pub async fn patch_authorization_policy(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<AuthorizationPolicyBody>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let Json(body) = body.map_err(ApiError::from)?;
    super::query::check_odata_type(body.odata_type.as_deref(), "authorizationPolicy")?;
    let allow_invites_from = match body.allow_invites_from.as_deref() {
        Some(name) => Some(parse_allow_invites_from(name).ok_or_else(|| {
            ApiError::bad_request(format!(
                "Invalid value '{name}' for property 'allowInvitesFrom'."
            ))
        })?),
        None => None,
    };
    let patch = AuthorizationPolicyPatch {
        allow_invites_from,
        guest_user_role_id: body.guest_user_role_id,
        allowed_to_sign_up_email_based_subscriptions: body
            .allowed_to_sign_up_email_based_subscriptions,
        allowed_to_use_sspr: body.allowed_to_use_sspr,
        allow_email_verified_users_to_join_organization: body
            .allow_email_verified_users_to_join_organization,
        block_msol_powershell: body.block_msol_power_shell,
        allowed_to_read_other_users: body
            .default_user_role_permissions
            .as_ref()
            .and_then(|p| p.allowed_to_read_other_users),
        allow_user_consent: body
            .default_user_role_permissions
            .and_then(|p| p.permission_grant_policies_assigned)
            .map(|policies| portico_wire::graph::directory::allows_user_consent(&policies)),
    };
    state
        .app
        .graph_update_authorization_policy(&caller, patch)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
