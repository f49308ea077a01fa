//! `POST /{tenant}/oauth2/v2.0/token` and Entra's error body.

use crate::context::{self, record_tenant};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use portico_app::tokens::errors::OAuthError;
use portico_app::tokens::flow::CONSUMERS_TENANT;
use portico_app::tokens::TokenRequest;
use portico_wire::oidc::TokenError;

/// The form, with each parameter at most once (RFC 6749 §3.2).
fn single_values(
    pairs: Vec<(String, String)>,
) -> Result<std::collections::HashMap<String, String>, OAuthError> {
    let mut map = std::collections::HashMap::new();
    for (name, value) in pairs {
        if map.insert(name.clone(), value).is_some() {
            return Err(OAuthError::invalid_request(format!(
                "The parameter '{name}' was sent more than once."
            )));
        }
    }
    Ok(map)
}

/// `client_secret_basic`: `Authorization: Basic base64(urlencode(id):urlencode(secret))`.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

pub async fn token(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    headers: HeaderMap,
    super::client::Client(client_request): super::client::Client,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let form = match single_values(pairs) {
        Ok(form) => form,
        Err(error) => return error_response(&error, state.app.now()),
    };
    let get = |name: &str| form.get(name).filter(|v| !v.is_empty()).cloned();
    let mut request = TokenRequest {
        grant_type: get("grant_type"),
        scope: get("scope"),
        code: get("code"),
        redirect_uri: get("redirect_uri"),
        code_verifier: get("code_verifier"),
        refresh_token: get("refresh_token"),
        username: get("username"),
        password: get("password"),
        device_code: get("device_code"),
        assertion: get("assertion"),
        requested_token_use: get("requested_token_use"),
        client_info: get("client_info").as_deref() == Some("1"),
        client_request,
        ..Default::default()
    };
    request.client.client_id = get("client_id");
    request.client.client_secret = get("client_secret");
    request.client.client_assertion = get("client_assertion");
    request.client.client_assertion_type = get("client_assertion_type");
    if let Some((id, secret)) = basic_credentials(&headers) {
        if request
            .client
            .client_id
            .as_deref()
            .is_some_and(|form_id| form_id != id)
        {
            return error_response(
                &OAuthError::invalid_request(
                    "client_id in the form and in the Authorization header differ.",
                ),
                state.app.now(),
            );
        }
        request.client.client_id = Some(id);
        request.client.client_secret = Some(secret);
    }
    let segment = if segment.eq_ignore_ascii_case("consumers") {
        CONSUMERS_TENANT.to_owned()
    } else {
        segment
    };
    if let Ok(Some(tenant)) = state.app.resolve_tenant(&segment).await {
        record_tenant(&tenant.id);
    }
    match state.app.token(&segment, request).await {
        Ok(response) => (
            [
                (header::CACHE_CONTROL, "no-store"),
                (header::PRAGMA, "no-cache"),
            ],
            Json(response),
        )
            .into_response(),
        Err(error) => error_response(&error, state.app.now()),
    }
}

/// Entra's token error body: the AADSTS code in `error_description` and `error_codes`, with
/// trace and correlation ids and a timestamp (the server's clock, so it agrees with the logs and
/// with a clock moved in dev mode).
pub fn error_response(error: &OAuthError, now: chrono::DateTime<chrono::Utc>) -> Response {
    let request = context::current();
    let timestamp = now.format("%Y-%m-%d %H:%M:%SZ").to_string();
    let description = format!(
        "AADSTS{}: {}\r\nTrace ID: {}\r\nCorrelation ID: {}\r\nTimestamp: {timestamp}",
        error.code, error.message, request.request_id, request.client_request_id
    );
    let body = TokenError {
        error: error.error.to_string(),
        error_description: description,
        error_codes: vec![error.code],
        timestamp,
        trace_id: request.request_id,
        correlation_id: request.client_request_id,
        error_uri: format!(
            "https://login.microsoftonline.com/error?code={}",
            error.code
        ),
        claims: error.claims.clone(),
    };
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}
