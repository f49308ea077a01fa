//! `/groups`, their members, and `/contacts`.

use super::query::GraphQuery;
use super::{json_body, GraphCaller};
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use portico_app::directory::{GroupPatch, NewGroup};
use portico_odata::{GROUP, ORG_CONTACT};
use portico_wire::graph::collection::{collection, entity};
use portico_wire::graph::directory::{contact_json, group_json};
use serde::Deserialize;
use serde_json::Value;

pub async fn list(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query = GraphQuery::new(raw);
    let (options, cursor) = query.options(&state, caller.tenant(), &GROUP, &headers)?;
    let listing = state
        .app
        .graph_list_groups(&caller, &options, cursor.as_deref())
        .await?;
    let next = listing
        .next
        .map(|cursor| query.next_link(&state, caller.tenant(), GROUP.name, "v1.0/groups", &cursor));
    let value = listing
        .items
        .iter()
        .map(|g| group_json(g, options.select.as_deref()))
        .collect();
    Ok(Json(collection("groups", value, listing.count, next)))
}

pub async fn get(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let group = state.app.graph_get_group(&caller, &id).await?;
    Ok(Json(entity("groups", group_json(&group, None))))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateGroupBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
    mail_nickname: Option<String>,
    mail_enabled: Option<bool>,
    security_enabled: Option<bool>,
    #[serde(default)]
    group_types: Vec<String>,
    membership_rule: Option<String>,
    membership_rule_processing_state: Option<String>,
    visibility: Option<String>,
}

/// `PATCH /groups/{id}`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatchGroupBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    display_name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<String>")]
    description: Option<Option<String>>,
    membership_rule: Option<String>,
    membership_rule_processing_state: Option<String>,
    visibility: Option<String>,
}

/// A property that is present (possibly `null`) as `Some`.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

pub async fn create(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<CreateGroupBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let body = json_body(body)?;
    super::query::check_odata_type(body.odata_type.as_deref(), "group")?;
    let new = NewGroup {
        display_name: body.display_name,
        description: body.description,
        mail_nickname: body.mail_nickname,
        mail_enabled: body.mail_enabled,
        security_enabled: body.security_enabled,
        group_types: body.group_types,
        membership_rule: body.membership_rule,
        membership_rule_processing_state: body.membership_rule_processing_state,
        visibility: body.visibility,
    };
    let group = state.app.graph_create_group(&caller, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(entity("groups", group_json(&group, None))),
    )
        .into_response())
}

/// `PATCH /groups/{id}`: 204, as Graph.
pub async fn patch(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<PatchGroupBody>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let body = json_body(body)?;
    super::query::check_odata_type(body.odata_type.as_deref(), "group")?;
    let patch = GroupPatch {
        display_name: body.display_name,
        description: body.description,
        membership_rule: body.membership_rule,
        membership_rule_processing_state: body.membership_rule_processing_state,
        visibility: body.visibility,
    };
    state.app.graph_update_group(&caller, &id, patch).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.graph_delete_group(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Members as directory objects (users and nested groups), with their types.
pub async fn members(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let value = state
        .app
        .graph_group_members(&caller, &id)
        .await?
        .iter()
        .map(super::directory_object_json)
        .collect::<Vec<_>>();
    Ok(Json(collection("directoryObjects", value, None, None)))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct Reference {
    #[serde(rename = "@odata.id")]
    pub odata_id: String,
}

/// The object id at the end of an `@odata.id` reference URL.
pub fn referenced_id(reference: &str) -> &str {
    reference
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
}

pub async fn add_member(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<Reference>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let reference = json_body(body)?;
    state
        .app
        .graph_add_member(&caller, &id, referenced_id(&reference.odata_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_member(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path((id, member)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.app.graph_remove_member(&caller, &id, &member).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_contacts(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query = GraphQuery::new(raw);
    let (options, cursor) = query.options(&state, caller.tenant(), &ORG_CONTACT, &headers)?;
    let listing = state
        .app
        .graph_list_contacts(&caller, &options, cursor.as_deref())
        .await?;
    let next = listing.next.map(|cursor| {
        query.next_link(
            &state,
            caller.tenant(),
            ORG_CONTACT.name,
            "v1.0/contacts",
            &cursor,
        )
    });
    let value = listing
        .items
        .iter()
        .map(|c| contact_json(c, options.select.as_deref()))
        .collect();
    Ok(Json(collection("contacts", value, listing.count, next)))
}

pub async fn get_contact(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let contact = state.app.graph_get_contact(&caller, &id).await?;
    Ok(Json(entity("contacts", contact_json(&contact, None))))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateContactBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    display_name: Option<String>,
    mail: Option<String>,
}

/// `POST /contacts`: Portico's addition (`docs/decisions.md` 19), as Exchange's `New-MailContact`.
pub async fn create_contact(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<CreateContactBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let body = json_body(body)?;
    super::query::check_odata_type(body.odata_type.as_deref(), "orgContact")?;
    let contact = state
        .app
        .graph_create_contact(&caller, body.display_name, body.mail)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(entity("contacts", contact_json(&contact, None))),
    )
        .into_response())
}
