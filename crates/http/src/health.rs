//! Liveness and readiness.

use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use portico_wire::control::Health;
use std::sync::atomic::Ordering;

/// Live: the process answers.
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Ready: migrations are applied (the store opened), the database answers, and the server is not
/// shutting down.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    if !state.ready.load(Ordering::SeqCst) {
        return Err(ApiError::Unavailable("The server is shutting down.".into()));
    }
    state
        .app
        .store()
        .ping()
        .await
        .map_err(|e| ApiError::Unavailable(format!("The database is not reachable: {e}")))?;
    Ok(Json(Health {
        status: "ready".into(),
    }))
}
