//! `/users/{id}/sponsors`: list, add by reference, remove.

use super::groups::{referenced_id, Reference};
use super::{json_body, GraphCaller};
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use portico_wire::graph::collection::collection;
use serde_json::Value;

pub async fn list(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let value = state
        .app
        .graph_sponsors(&caller, &id)
        .await?
        .iter()
        .map(super::directory_object_json)
        .collect();
    Ok(Json(collection("directoryObjects", value, None, None)))
}

pub async fn add(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<Reference>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let reference = json_body(body)?;
    state
        .app
        .graph_add_sponsor(&caller, &id, referenced_id(&reference.odata_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path((id, sponsor)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .graph_remove_sponsor(&caller, &id, &sponsor)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
