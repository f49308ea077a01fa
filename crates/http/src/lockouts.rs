//! Smart lockout for administrators: the control API's view and clearing (dev mode), and the
//! Graph action `POST /v1.0/users/{id}/portico.clearLockout` for real deployments.

use crate::errors::ApiError;
use crate::graph::GraphCaller;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use portico_model::lockout::LockoutAccount;
use portico_model::tenant::Tenant;
use portico_model::Upn;
use portico_wire::control::{Lockout, Lockouts};

async fn tenant(state: &AppState, segment: &str) -> Result<Tenant, ApiError> {
    state.app.resolve_tenant(segment).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "No tenant has the id or verified domain '{segment}'."
        ))
    })
}

/// `GET /portico/v1/tenants/{tenant}/lockouts`.
pub async fn list(
    State(state): State<AppState>,
    Path(segment): Path<String>,
) -> Result<Json<Lockouts>, ApiError> {
    let tenant = tenant(&state, &segment).await?;
    let value = state
        .app
        .lockouts(tenant.id)
        .await?
        .into_iter()
        .map(|view| Lockout {
            account: view.state.key.account.key(),
            familiar_location: view.state.key.familiar,
            failures: view.state.failures,
            lockouts: view.state.lockouts,
            locked: view.locked,
            locked_until: view
                .state
                .locked_until
                .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        })
        .collect();
    Ok(Json(Lockouts { value }))
}

/// `DELETE /portico/v1/tenants/{tenant}/lockouts/{account}`: `account` is `user:<id>`,
/// `app:<client id>` or a user principal name.
pub async fn clear(
    State(state): State<AppState>,
    Path((segment, account)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let tenant = tenant(&state, &segment).await?;
    let account = match LockoutAccount::parse_key(&account) {
        Some(account) => account,
        None => {
            let upn = Upn::parse(&account).map_err(|e| ApiError::bad_request(e.to_string()))?;
            let user = state
                .app
                .find_user_by_upn(tenant.id, &upn)
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .ok_or_else(|| ApiError::NotFound(format!("No user '{account}'.")))?;
            LockoutAccount::User(user.id)
        }
    };
    state.app.clear_lockout(tenant.id, account).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1.0/users/{id}/portico.clearLockout`.
pub async fn graph_clear(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.graph_clear_lockout(&caller, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}
