//! `identitySecurityDefaultsEnforcementPolicy`: security defaults, which require MFA of members.

use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use portico_model::role::DirectoryRole;
use portico_store::Write;
use serde::Deserialize;
use serde_json::{json, Value};

const READ: [&str; 3] = [
    "Policy.Read.All",
    "Policy.ReadWrite.ConditionalAccess",
    "Directory.ReadWrite.All",
];
const WRITE: [&str; 1] = ["Policy.ReadWrite.ConditionalAccess"];
const ADMINS: [DirectoryRole; 1] = [DirectoryRole::GlobalAdministrator];

pub async fn get_security_defaults(
    State(state): State<AppState>,
    caller: GraphCaller,
) -> Result<Json<Value>, ApiError> {
    caller.require(&state, &READ, &READ, &ADMINS).await?;
    let settings = state
        .app
        .store()
        .get_settings(caller.0.tenant)
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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityDefaultsPatch {
    is_enabled: bool,
}

pub async fn patch_security_defaults(
    State(state): State<AppState>,
    caller: GraphCaller,
    body: Result<Json<SecurityDefaultsPatch>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    caller.require(&state, &WRITE, &WRITE, &ADMINS).await?;
    let Json(patch) =
        body.map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))?;
    let tenant = caller.0.tenant;
    let mut settings = state
        .app
        .store()
        .get_settings(tenant)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    settings.security_defaults_enabled = patch.is_enabled;
    let audit = state.app.audit_record(
        &caller.0,
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
