//! `/directory/deletedItems`: deleted users, restorable for 30 days.

use super::query::GraphQuery;
use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use portico_app::directory::{DeletedOrder, DeletedQuery};
use portico_odata::USER;
use portico_wire::graph::collection::{collection, entity};
use portico_wire::graph::users::directory_object_user_json;
use serde_json::Value;

/// `$orderby` of deleted items: `deletedDateTime`, ascending or descending.
fn deleted_order(orderby: Option<&str>) -> Result<DeletedOrder, ApiError> {
    let Some(text) = orderby else {
        return Ok(DeletedOrder::default());
    };
    let mut words = text.split_whitespace();
    let property = words.next().unwrap_or_default();
    let direction = words.next().map(str::to_ascii_lowercase);
    if !property.eq_ignore_ascii_case("deletedDateTime") || words.next().is_some() {
        return Err(ApiError::bad_request(format!(
            "Sorting by '{text}' is not supported: deleted items are ordered by deletedDateTime."
        )));
    }
    match direction.as_deref() {
        None | Some("asc") => Ok(DeletedOrder::OldestFirst),
        Some("desc") => Ok(DeletedOrder::NewestFirst),
        Some(_) => Err(ApiError::bad_request(format!(
            "'{text}' is not a valid $orderby."
        ))),
    }
}

/// What a deleted user shows without `$select`: the user's defaults and `deletedDateTime`.
fn deleted_select(select: Option<Vec<&'static str>>) -> Vec<&'static str> {
    select.unwrap_or_else(|| {
        let mut names = USER.default_select();
        names.push("deletedDateTime");
        names
    })
}

/// `GET /directory/deletedItems/microsoft.graph.user` (and the SDKs' `graph.user`).
pub async fn list_users(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let mut query = GraphQuery::new(raw);
    let order = deleted_order(query.take("orderby").as_deref())?;
    let top_given = query.get("top").is_some();
    let (options, _) = query.options(&state, caller.tenant(), &USER, &headers)?;
    let deleted = DeletedQuery {
        filter: options.filter,
        order,
        top: top_given.then_some(options.top),
        select: options.select.clone(),
    };
    let users = state
        .app
        .graph_list_deleted_users(&caller, &deleted)
        .await?;
    let select = deleted_select(options.select);
    let count = options.count.then_some(users.len() as u64);
    let value = users
        .iter()
        .map(|u| directory_object_user_json(u, Some(&select)))
        .collect();
    Ok(Json(collection(
        "directory/deletedItems/microsoft.graph.user",
        value,
        count,
        None,
    )))
}

/// `GET /directory/deletedItems/{id}`.
pub async fn get(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let user = state.app.graph_get_deleted_item(&caller, &id).await?;
    let select = deleted_select(None);
    Ok(Json(entity(
        "directory/deletedItems",
        directory_object_user_json(&user, Some(&select)),
    )))
}

/// `POST /directory/deletedItems/{id}/restore`: the restored user.
pub async fn restore(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let user = state.app.graph_restore_deleted_item(&caller, &id).await?;
    let select = deleted_select(None);
    Ok(Json(entity(
        "directoryObjects",
        directory_object_user_json(&user, Some(&select)),
    )))
}

/// `DELETE /directory/deletedItems/{id}`: permanently.
pub async fn purge(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.graph_purge_deleted_item(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
