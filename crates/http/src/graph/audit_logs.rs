//! `/auditLogs/signIns` and `/auditLogs/directoryAudits`: the caller's tenant's logs, newest first,
//! with `$filter`, `$top`, `$select` and `@odata.nextLink` paging.

use super::query::GraphQuery;
use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use portico_app::directory::SignInScope;
use portico_odata::{DIRECTORY_AUDIT, SIGN_IN, SIGN_IN_BETA};
use portico_wire::graph::collection::{collection, entity, entity as entity_body, in_beta};
use portico_wire::graph::logs::{directory_audit_json, sign_in_json, EnumMembers, SignInShape};
use serde_json::Value;

const SIGN_INS: &str = "auditLogs/signIns";
const DIRECTORY_AUDITS: &str = "auditLogs/directoryAudits";

/// `Prefer: include-unknown-enum-members` (possibly among other preferences).
fn enum_members(headers: &HeaderMap) -> EnumMembers {
    let include_unknown = headers.get_all("prefer").iter().any(|value| {
        value.to_str().is_ok_and(|text| {
            text.split(',').any(|p| {
                p.trim()
                    .eq_ignore_ascii_case("include-unknown-enum-members")
            })
        })
    });
    EnumMembers { include_unknown }
}

fn selected(query: &GraphQuery) -> Option<Vec<String>> {
    query.select()
}

fn as_refs(list: &Option<Vec<String>>) -> Option<Vec<&str>> {
    list.as_ref()
        .map(|l| l.iter().map(String::as_str).collect())
}

pub async fn list_sign_ins(
    state: State<AppState>,
    caller: GraphCaller,
    headers: HeaderMap,
    raw: RawQuery,
) -> Result<Json<Value>, ApiError> {
    list_sign_ins_as(SignInShape::V1, state, caller, headers, raw).await
}

/// `GET /beta/auditLogs/signIns`: beta's `signIn`, and `signInEventTypes` to filter on.
pub async fn list_beta_sign_ins(
    state: State<AppState>,
    caller: GraphCaller,
    headers: HeaderMap,
    raw: RawQuery,
) -> Result<Json<Value>, ApiError> {
    list_sign_ins_as(SignInShape::Beta, state, caller, headers, raw).await
}

async fn list_sign_ins_as(
    shape: SignInShape,
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let (entity, scope, link_path) = match shape {
        SignInShape::V1 => (&SIGN_IN, SignInScope::Interactive, "v1.0/auditLogs/signIns"),
        SignInShape::Beta => (
            &SIGN_IN_BETA,
            SignInScope::ByEventType,
            "beta/auditLogs/signIns",
        ),
    };
    let query = GraphQuery::new(raw);
    let (options, cursor) = query.options(&state, caller.tenant(), entity, &headers)?;
    let listing = state
        .app
        .graph_list_sign_ins(&caller, &options, scope, cursor.as_deref())
        .await?;
    let next = listing
        .next
        .map(|cursor| query.next_link(&state, caller.tenant(), entity.name, link_path, &cursor));
    let members = enum_members(&headers);
    let value = listing
        .items
        .iter()
        .map(|view| {
            sign_in_json(
                &view.record,
                view.additional_details.as_deref(),
                members,
                shape,
                options.select.as_deref(),
            )
        })
        .collect();
    Ok(Json(versioned(
        shape,
        collection(SIGN_INS, value, None, next),
    )))
}

/// A body in beta names beta's metadata in its `@odata.context`.
fn versioned(shape: SignInShape, body: Value) -> Value {
    match shape {
        SignInShape::V1 => body,
        SignInShape::Beta => in_beta(body),
    }
}

pub async fn get_sign_in(
    state: State<AppState>,
    caller: GraphCaller,
    headers: HeaderMap,
    id: Path<String>,
    raw: RawQuery,
) -> Result<Json<Value>, ApiError> {
    get_sign_in_as(SignInShape::V1, state, caller, headers, id, raw).await
}

pub async fn get_beta_sign_in(
    state: State<AppState>,
    caller: GraphCaller,
    headers: HeaderMap,
    id: Path<String>,
    raw: RawQuery,
) -> Result<Json<Value>, ApiError> {
    get_sign_in_as(SignInShape::Beta, state, caller, headers, id, raw).await
}

async fn get_sign_in_as(
    shape: SignInShape,
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let entity = match shape {
        SignInShape::V1 => &SIGN_IN,
        SignInShape::Beta => &SIGN_IN_BETA,
    };
    let select = GraphQuery::new(raw).select_of(entity)?;
    let view = state.app.graph_get_sign_in(&caller, &id).await?;
    let object = sign_in_json(
        &view.record,
        view.additional_details.as_deref(),
        enum_members(&headers),
        shape,
        select.as_deref(),
    );
    Ok(Json(versioned(shape, entity_body(SIGN_INS, object))))
}

pub async fn list_directory_audits(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query = GraphQuery::new(raw);
    let (options, cursor) = query.options(&state, caller.tenant(), &DIRECTORY_AUDIT, &headers)?;
    let listing = state
        .app
        .graph_list_directory_audits(&caller, &options, cursor.as_deref())
        .await?;
    let next = listing.next.map(|cursor| {
        let path = "v1.0/auditLogs/directoryAudits";
        query.next_link(&state, caller.tenant(), DIRECTORY_AUDIT.name, path, &cursor)
    });
    let value = listing
        .items
        .iter()
        .map(|view| {
            directory_audit_json(
                &view.record,
                view.initiating_app_id,
                options.select.as_deref(),
            )
        })
        .collect();
    Ok(Json(collection(DIRECTORY_AUDITS, value, None, next)))
}

pub async fn get_directory_audit(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let view = state.app.graph_get_directory_audit(&caller, &id).await?;
    let select = selected(&GraphQuery::new(raw));
    Ok(Json(entity(
        DIRECTORY_AUDITS,
        directory_audit_json(
            &view.record,
            view.initiating_app_id,
            as_refs(&select).as_deref(),
        ),
    )))
}
