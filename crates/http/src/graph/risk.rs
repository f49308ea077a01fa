//! `/identityProtection/riskyUsers`: this tenant's risky users, and the administrator's
//! `confirmCompromised` and `dismiss`.

use super::json_body;
use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use portico_wire::graph::collection::{collection, entity};
use portico_wire::graph::risk::{risky_user_json, UserIdsBody};
use serde_json::Value;

const CONTEXT: &str = "identityProtection/riskyUsers";

pub async fn list(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let views = state.app.graph_list_risky_users(&caller).await?;
    let value = views
        .iter()
        .map(|v| risky_user_json(&v.risk, v.user.as_ref()))
        .collect();
    Ok(Json(collection(CONTEXT, value, None, None)))
}

pub async fn get(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let view = state.app.graph_get_risky_user(&caller, &id).await?;
    Ok(Json(entity(
        CONTEXT,
        risky_user_json(&view.risk, view.user.as_ref()),
    )))
}

pub async fn confirm_compromised(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<UserIdsBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let body = json_body(body)?;
    state
        .app
        .graph_confirm_compromised(&caller, &body.user_ids)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn dismiss(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<UserIdsBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let body = json_body(body)?;
    state
        .app
        .graph_dismiss_risk(&caller, &body.user_ids)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
