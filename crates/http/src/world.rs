//! `GET` and `PUT /portico/v1/world` (dev mode only, `docs/test-tooling.md`): the whole world in
//! the seed format, to snapshot and restore it.

use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use portico_app::AppError;

/// The seed format is TOML.
const TOML: &str = "application/toml; charset=utf-8";

pub async fn export(State(state): State<AppState>) -> Result<Response, ApiError> {
    let seed = state.app.export_world().await?;
    let text = portico_app::seed::to_toml(&seed).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, TOML),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response())
}

/// Replaces the world with the seed in the body, all or nothing: a seed that does not parse or
/// build is `400` and the world stays as it was.
pub async fn import(State(state): State<AppState>, body: String) -> Result<StatusCode, ApiError> {
    let seed = portico_app::seed::parse(&body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    state.app.import_world(seed).await.map_err(|e| match e {
        AppError::Seed(error) => ApiError::bad_request(error.to_string()),
        other => other.into(),
    })?;
    Ok(StatusCode::NO_CONTENT)
}
