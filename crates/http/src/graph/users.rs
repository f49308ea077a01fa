//! `/users`, `/users/{id | userPrincipalName}` and `/me`.

use super::query::GraphQuery;
use super::{json_body, GraphCaller};
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use portico_app::directory::{NewUser, PatchValue, UserPatch};
use portico_odata::USER;
use portico_wire::graph::collection::{collection, entity};
use portico_wire::graph::users::{user_json, LIMITED_GUEST_VIEW};
use serde::Deserialize;
use serde_json::{Map, Value};

/// `$select` on a single read, checked as on a list: Graph's 400 for a name that is not a
/// property of the user.
fn selected(raw: Option<String>) -> Result<Option<Vec<&'static str>>, ApiError> {
    GraphQuery::new(raw)
        .get("select")
        .map(|text| portico_odata::parse_select(&USER, text))
        .transpose()
        .map_err(super::query::odata_error)
}

/// Profile properties of a body (`jobTitle` …), as sent; the use case checks each name.
fn profile_values(rest: Map<String, Value>) -> Vec<(String, PatchValue)> {
    rest.into_iter()
        .map(|(name, value)| {
            let value = match value {
                Value::Null => PatchValue::Null,
                Value::String(text) => PatchValue::Text(text),
                Value::Array(items) => {
                    let texts: Option<Vec<String>> = items
                        .into_iter()
                        .map(|item| match item {
                            Value::String(text) => Some(text),
                            _ => None,
                        })
                        .collect();
                    texts.map_or(PatchValue::Other, PatchValue::Texts)
                }
                _ => PatchValue::Other,
            };
            (name, value)
        })
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query = GraphQuery::new(raw);
    let (options, cursor) = query.options(&state, caller.tenant(), &USER, &headers)?;
    let listing = state
        .app
        .graph_list_users(&caller, &options, cursor.as_deref())
        .await?;
    let next = listing
        .next
        .map(|cursor| query.next_link(&state, caller.tenant(), USER.name, "v1.0/users", &cursor));
    let value = listing
        .items
        .iter()
        .map(|u| user_json(u, options.select.as_deref(), None))
        .collect();
    Ok(Json(collection("users", value, listing.count, next)))
}

/// `GET /users/$count`: a plain-text number; an advanced query (needs the header).
pub async fn count(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    headers: HeaderMap,
) -> Result<String, ApiError> {
    let eventual = headers
        .get("consistencylevel")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("eventual"));
    portico_odata::check_count_segment(eventual).map_err(super::query::odata_error)?;
    Ok(state.app.graph_count_users(&caller).await?.to_string())
}

pub async fn get(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let select = selected(raw)?;
    let (user, limited) = state
        .app
        .graph_read_user(&caller, &key, select.as_deref())
        .await?;
    let visible = limited.then_some(LIMITED_GUEST_VIEW);
    Ok(Json(entity(
        "users",
        user_json(&user, select.as_deref(), visible),
    )))
}

pub async fn me(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let Some(id) = caller.user_id() else {
        return Err(ApiError::bad_request(
            "/me request is only valid with delegated authentication flow.",
        ));
    };
    let select = selected(raw)?;
    let (user, _) = state
        .app
        .graph_read_user(&caller, &id.to_string(), select.as_deref())
        .await?;
    Ok(Json(entity(
        "users",
        user_json(&user, select.as_deref(), None),
    )))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordProfile {
    password: Option<String>,
    #[allow(dead_code)] // Accepted as Graph accepts it; Portico has no forced change yet.
    force_change_password_next_sign_in: Option<bool>,
    #[allow(dead_code)]
    force_change_password_next_sign_in_with_mfa: Option<bool>,
}

/// Properties the use case handles itself; any other name is a profile property (`jobTitle` …)
/// or refused by the use case.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    account_enabled: Option<bool>,
    display_name: Option<String>,
    mail_nickname: Option<String>,
    user_principal_name: Option<String>,
    password_profile: Option<PasswordProfile>,
    given_name: Option<String>,
    surname: Option<String>,
    mail: Option<String>,
    user_type: Option<String>,
    #[serde(flatten)]
    profile: Map<String, Value>,
}

pub async fn create(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<CreateUserBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let body = json_body(body)?;
    super::query::check_odata_type(body.odata_type.as_deref(), "user")?;
    let new = NewUser {
        account_enabled: body.account_enabled,
        display_name: body.display_name,
        mail_nickname: body.mail_nickname,
        user_principal_name: body.user_principal_name,
        password: body.password_profile.and_then(|p| p.password),
        given_name: body.given_name,
        surname: body.surname,
        mail: body.mail,
        user_type: body.user_type,
        profile: profile_values(body.profile),
    };
    let user = state.app.graph_create_user(&caller, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(entity("users", user_json(&user, None, None))),
    )
        .into_response())
}

/// A PATCH body: absent properties stay, `null` clears where Graph allows it. Names not listed
/// here are profile properties (`jobTitle` …), checked by the use case against the user table.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatchUserBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    display_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    given_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    surname: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    mail: Option<Option<String>>,
    other_mails: Option<Vec<String>>,
    account_enabled: Option<bool>,
    user_type: Option<String>,
    /// An administrator's password reset.
    password_profile: Option<PasswordProfile>,
    #[serde(flatten)]
    profile: Map<String, Value>,
}

/// Distinguishes `"x": null` (Some(None)) from an absent property (None).
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

pub async fn patch(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(key): Path<String>,
    body: Result<Json<PatchUserBody>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let body = json_body(body)?;
    super::query::check_odata_type(body.odata_type.as_deref(), "user")?;
    let patch = UserPatch {
        display_name: body.display_name,
        given_name: body.given_name,
        surname: body.surname,
        mail: body.mail,
        other_mails: body.other_mails,
        account_enabled: body.account_enabled,
        user_type: body.user_type,
        password: body.password_profile.and_then(|p| p.password),
        profile: profile_values(body.profile),
    };
    state.app.graph_update_user(&caller, &key, patch).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.graph_delete_user(&caller, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /users/{id}/revokeSignInSessions`: `{"value": true}` once every refresh token and session
/// of the user is dead.
pub async fn revoke_sign_in_sessions(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(key): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .app
        .graph_revoke_sign_in_sessions(&caller, &key)
        .await?;
    Ok(Json(portico_wire::graph::collection::boolean_result(true)))
}
