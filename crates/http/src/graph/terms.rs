//! `/identityGovernance/termsOfUse/agreements`: terms of use that Conditional Access can require.

use super::json_body;
use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use portico_app::directory::NewAgreement;
use portico_wire::graph::collection::{collection, entity};
use portico_wire::graph::terms::{agreement_json, AgreementBody, AgreementFields};
use serde_json::Value;

const CONTEXT: &str = "identityGovernance/termsOfUse/agreements";

pub async fn list(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let agreements = state.app.graph_list_agreements(&caller).await?;
    let value = agreements.iter().map(agreement_json).collect();
    Ok(Json(collection(CONTEXT, value, None, None)))
}

pub async fn get(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let terms = state.app.graph_get_agreement(&caller, &id).await?;
    Ok(Json(entity(CONTEXT, agreement_json(&terms))))
}

/// The use case's input from a parsed body (Graph's and the portal's form alike).
pub(crate) fn new_agreement(fields: AgreementFields) -> NewAgreement {
    NewAgreement {
        display_name: fields.display_name,
        is_viewing_before_acceptance_required: fields.is_viewing_before_acceptance_required,
        is_per_device_acceptance_required: fields.is_per_device_acceptance_required,
        file_data: fields.file_data,
    }
}

pub async fn create(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<AgreementBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let fields = json_body(body)?.into_fields().map_err(ApiError::Invalid)?;
    let new = new_agreement(fields);
    let terms = state.app.graph_create_agreement(&caller, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(entity(CONTEXT, agreement_json(&terms))),
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.graph_delete_agreement(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
