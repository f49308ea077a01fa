//! `/policies/identitySecurityDefaultsEnforcementPolicy` and `/policies/authorizationPolicy`.

use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use portico_app::directory::{AuthorizationPolicyPatch, Operation};
use portico_store::Write;
use portico_wire::graph::collection::entity;
use portico_wire::graph::directory::{authorization_policy_json, parse_allow_invites_from};
use serde::Deserialize;
use serde_json::{json, Value};

pub async fn get_security_defaults(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    caller.require(Operation::GetSecurityDefaults)?;
    let settings = state
        .app
        .store()
        .get_settings(caller.tenant())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity",
        "id": "00000000-0000-0000-0000-000000000005",
        "displayName": "Security Defaults",
        "description": "Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.",
        "isEnabled": settings.security_defaults_enabled,
    })))
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
    caller.require(Operation::UpdateSecurityDefaults)?;
    let Json(patch) =
        body.map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))?;
    let tenant = caller.tenant();
    let mut settings = state
        .app
        .store()
        .get_settings(tenant)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    super::query::check_odata_type(
        patch.odata_type.as_deref(),
        "identitySecurityDefaultsEnforcementPolicy",
    )?;
    settings.security_defaults_enabled = patch.is_enabled;
    let audit = state.app.audit_record(
        &caller.claims,
        "Policy",
        "Update policy",
        "identitySecurityDefaultsEnforcementPolicy",
    );
    state
        .app
        .store()
        .apply(tenant, vec![Write::PutSettings(settings), audit])
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
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
}

pub async fn patch_authorization_policy(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<AuthorizationPolicyBody>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let Json(body) =
        body.map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))?;
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
            .and_then(|p| p.allowed_to_read_other_users),
    };
    state
        .app
        .graph_update_authorization_policy(&caller, patch)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
