//! Liveness and readiness.

use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use portico_wire::control::Health;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How long `/readyz` waits for the database.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// Live: the process answers.
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Ready: migrations are applied (the store opened), the database answers a query on Portico's
/// tables within [`PING_TIMEOUT`], and the server is not shutting down.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    if !state.ready.load(Ordering::SeqCst) {
        return Err(ApiError::Unavailable("The server is shutting down.".into()));
    }
    // A probe must answer promptly: an unreachable database would otherwise hold it for the
    // pool's whole acquire timeout.
    match tokio::time::timeout(PING_TIMEOUT, state.app.ping_store()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            return Err(ApiError::Unavailable(format!(
                "The database is not reachable: {e}"
            )))
        }
        Err(_) => {
            return Err(ApiError::Unavailable(
                "The database did not answer within 2 seconds.".into(),
            ))
        }
    }
    Ok(Json(Health {
        status: "ready".into(),
    }))
}
