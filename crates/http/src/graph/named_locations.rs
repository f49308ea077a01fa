//! `/identity/conditionalAccess/namedLocations`: IP and country named locations.

use super::json_body;
use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use portico_app::directory::{LocationType, NamedLocationPatch};
use portico_wire::graph::collection::{collection, entity};
use portico_wire::graph::named_locations::{
    named_location_json, NamedLocationBody, NamedLocationFields, NamedLocationType,
};
use serde_json::Value;

const CONTEXT: &str = "identity/conditionalAccess/namedLocations";

fn patch_from(body: NamedLocationBody) -> Result<NamedLocationPatch, ApiError> {
    let fields = body.into_fields().map_err(ApiError::Invalid)?;
    Ok(location_patch(fields))
}

/// The use case's patch from a parsed body (Graph's and the portal's form alike).
pub(crate) fn location_patch(fields: NamedLocationFields) -> NamedLocationPatch {
    NamedLocationPatch {
        location_type: fields.location_type.map(|t| match t {
            NamedLocationType::Ip => LocationType::Ip,
            NamedLocationType::Country => LocationType::Country,
        }),
        display_name: fields.display_name,
        is_trusted: fields.is_trusted,
        ip_ranges: fields.ip_ranges,
        countries_and_regions: fields.countries_and_regions,
        include_unknown_countries_and_regions: fields.include_unknown_countries_and_regions,
    }
}

pub async fn list(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let locations = state.app.graph_list_named_locations(&caller).await?;
    let value = locations.iter().map(named_location_json).collect();
    Ok(Json(collection(CONTEXT, value, None, None)))
}

pub async fn get(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let location = state.app.graph_get_named_location(&caller, &id).await?;
    Ok(Json(entity(CONTEXT, named_location_json(&location))))
}

pub async fn create(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<NamedLocationBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let patch = patch_from(json_body(body)?)?;
    let location = state
        .app
        .graph_create_named_location(&caller, patch)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(entity(CONTEXT, named_location_json(&location))),
    ))
}

pub async fn patch(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<NamedLocationBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let patch = patch_from(json_body(body)?)?;
    state
        .app
        .graph_update_named_location(&caller, &id, patch)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.graph_delete_named_location(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
