//! Logout and userinfo.

use super::session_cookie_name;
use crate::context::record_tenant;
use crate::pages::{self, SignedOutPage};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Deserialize)]
pub struct LogoutQuery {
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
}

/// `GET /{tenant}/oauth2/v2.0/logout`: ends the session; redirects only to a registered URI.
pub async fn logout(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Query(query): Query<LogoutQuery>,
    jar: CookieJar,
) -> Response {
    let Ok(Some(tenant)) = state.app.resolve_tenant(&segment).await else {
        return pages::render(StatusCode::OK, &SignedOutPage, None, None);
    };
    record_tenant(&tenant.id);
    let name = session_cookie_name(&tenant.id);
    if let Some(session) = jar.get(&name) {
        state.app.end_session(tenant.id, session.value()).await;
    }
    let mut removal = Cookie::from(name);
    removal.set_path("/");
    let jar = jar.remove(removal);
    let registered = match &query.post_logout_redirect_uri {
        Some(uri) => state
            .app
            .store()
            .list_applications(tenant.id)
            .await
            .unwrap_or_default()
            .iter()
            .any(|app| app.redirect_uris.iter().any(|r| r.matches(uri))),
        None => false,
    };
    match (query.post_logout_redirect_uri, registered) {
        (Some(uri), true) => {
            let location = match query.state {
                Some(s) => format!(
                    "{uri}{}state={}",
                    if uri.contains('?') { '&' } else { '?' },
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                ),
                None => uri,
            };
            (jar, (StatusCode::FOUND, [(header::LOCATION, location)])).into_response()
        }
        _ => (
            jar,
            pages::render(StatusCode::OK, &SignedOutPage, None, None),
        )
            .into_response(),
    }
}

/// `GET|POST /oidc/userinfo` with a delegated Graph access token.
pub async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let unauthorized = |description: &str| {
        let challenge =
            format!("Bearer error=\"invalid_token\", error_description=\"{description}\"");
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, challenge)],
            Json(json!({"error": "invalid_token", "error_description": description})),
        )
            .into_response()
    };
    let Some(token) = bearer(&headers) else {
        return unauthorized("A bearer token is required.");
    };
    let claims = match state.app.verify_graph_token(token, None).await {
        Ok(claims) => claims,
        Err(rejected) => return unauthorized(&rejected.to_string()),
    };
    record_tenant(&claims.tenant);
    if claims.app_only {
        return unauthorized("An app-only token has no user.");
    }
    let user = match state.app.store().get_user(claims.tenant, claims.oid).await {
        Ok(user) => user,
        Err(_) => return unauthorized("The user no longer exists."),
    };
    let mut body = json!({
        "sub": claims.raw.get("sub").cloned().unwrap_or(Value::Null),
        "name": user.display_name,
        "family_name": user.surname,
        "given_name": user.given_name,
        "picture": Value::Null,
    });
    if let Some(mail) = &user.mail {
        body["email"] = json!(mail.to_string());
    }
    Json(body).into_response()
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}
