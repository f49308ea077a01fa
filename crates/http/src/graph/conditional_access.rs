//! `/identity/conditionalAccess/policies`: Conditional Access policies.

use super::{json_body, GraphCaller};
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use portico_app::directory::PolicyPatch;
use portico_wire::graph::collection::{collection, entity};
use portico_wire::graph::conditional_access::{policy_json, PolicyBody, PolicyFields};
use serde_json::Value;

const CONTEXT: &str = "identity/conditionalAccess/policies";

/// The use case's patch from a parsed body (Graph's and the portal's form alike).
pub(crate) fn policy_patch(fields: PolicyFields) -> PolicyPatch {
    PolicyPatch {
        display_name: fields.display_name,
        description: fields.description,
        state: fields.state,
        conditions: fields.conditions,
        grant_controls: fields.grant_controls,
        session_controls: fields.session_controls,
    }
}

fn patch_from(body: PolicyBody) -> Result<PolicyPatch, ApiError> {
    let fields = body.into_fields().map_err(ApiError::Invalid)?;
    Ok(policy_patch(fields))
}

pub async fn list(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let policies = state
        .app
        .graph_list_conditional_access_policies(&caller)
        .await?;
    let value = policies.iter().map(policy_json).collect();
    Ok(Json(collection(CONTEXT, value, None, None)))
}

pub async fn get(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let policy = state
        .app
        .graph_get_conditional_access_policy(&caller, &id)
        .await?;
    Ok(Json(entity(CONTEXT, policy_json(&policy))))
}

pub async fn create(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<PolicyBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let patch = patch_from(json_body(body)?)?;
    let policy = state
        .app
        .graph_create_conditional_access_policy(&caller, patch)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(entity(CONTEXT, policy_json(&policy))),
    ))
}

pub async fn patch(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<PolicyBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let patch = patch_from(json_body(body)?)?;
    state
        .app
        .graph_update_conditional_access_policy(&caller, &id, patch)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .graph_delete_conditional_access_policy(&caller, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
