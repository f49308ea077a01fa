//! Logout and userinfo.

use super::{host_cookie, session_cookie_name, LOGOUT_COOKIE};
use crate::context::record_tenant;
use crate::pages::{self, LogoutConfirmPage, SignedOutPage};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use axum_extra::extract::cookie::CookieJar;
use portico_model::tenant::Tenant;
use portico_model::{ClientId, TenantId};
use portico_wire::userinfo::{BearerError, UserInfo};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct LogoutRequest {
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
    id_token_hint: Option<String>,
    /// The confirmation form's double-submit token.
    csrf: Option<String>,
}

impl LogoutRequest {
    fn redirect_uri(&self) -> Option<&str> {
        self.post_logout_redirect_uri
            .as_deref()
            .filter(|u| !u.is_empty())
    }
    fn state(&self) -> Option<&str> {
        self.state.as_deref().filter(|s| !s.is_empty())
    }
}

/// `GET /{tenant}/oauth2/v2.0/logout`. With a valid `id_token_hint` the session ends at once;
/// without one Portico asks first, as Entra does, so a link on another site cannot sign anyone
/// out. Redirects only to a registered URI (of the hinted client, if any).
pub async fn logout(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Query(request): Query<LogoutRequest>,
    jar: CookieJar,
) -> Response {
    let Ok(Some(tenant)) = state.app.resolve_tenant(&segment).await else {
        return pages::render(StatusCode::OK, &SignedOutPage, None, None);
    };
    record_tenant(&tenant.id);
    let hint = match &request.id_token_hint {
        Some(hint) => state.app.logout_hint(tenant.id, hint).await,
        None => None,
    };
    match hint {
        Some(hint) => sign_out(&state, tenant.id, Some(hint.client_id), &request, jar).await,
        None => confirm(&state, &tenant, &request, jar, StatusCode::OK).await,
    }
}

/// `POST /{tenant}/oauth2/v2.0/logout`: the confirmation page's button.
pub async fn logout_confirmed(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    jar: CookieJar,
    Form(request): Form<LogoutRequest>,
) -> Response {
    let Ok(Some(tenant)) = state.app.resolve_tenant(&segment).await else {
        return pages::render(StatusCode::OK, &SignedOutPage, None, None);
    };
    record_tenant(&tenant.id);
    let expected = jar.get(LOGOUT_COOKIE).map(|c| c.value().to_owned());
    if expected.is_none() || expected != request.csrf {
        return confirm(&state, &tenant, &request, jar, StatusCode::BAD_REQUEST).await;
    }
    let jar = jar.remove(host_cookie(LOGOUT_COOKIE.into(), String::new()));
    sign_out(&state, tenant.id, None, &request, jar).await
}

/// The confirmation page, with a fresh double-submit token in a cookie and in the form.
async fn confirm(
    state: &AppState,
    tenant: &Tenant,
    request: &LogoutRequest,
    jar: CookieJar,
    status: StatusCode,
) -> Response {
    let csrf = state.app.random().secret();
    // The button's POST is answered with a redirect, which `form-action` must allow.
    let target = match request.redirect_uri() {
        Some(uri) => state
            .app
            .post_logout_location(tenant.id, None, uri, None)
            .await
            .and_then(|location| url::Url::parse(&location).ok())
            .map(|url| url.origin().ascii_serialization()),
        None => None,
    };
    let action = format!(
        "{}{}/oauth2/v2.0/logout",
        state.app.public_base(),
        tenant.id
    );
    let page = LogoutConfirmPage {
        tenant_name: &tenant.display_name,
        action: &action,
        csrf: &csrf,
        redirect_uri: request.redirect_uri().unwrap_or_default(),
        state: request.state().unwrap_or_default(),
    };
    let jar = jar.add(host_cookie(LOGOUT_COOKIE.into(), csrf.clone()));
    (jar, pages::render(status, &page, None, target.as_deref())).into_response()
}

/// Ends the tenant's session and sends the browser to a registered URI or the signed-out page.
async fn sign_out(
    state: &AppState,
    tenant: TenantId,
    client: Option<ClientId>,
    request: &LogoutRequest,
    jar: CookieJar,
) -> Response {
    let name = session_cookie_name(&tenant);
    if let Some(session) = jar.get(&name) {
        state.app.end_session(tenant, session.value()).await;
    }
    let jar = jar.remove(host_cookie(name, String::new()));
    let location = match request.redirect_uri() {
        Some(uri) => {
            state
                .app
                .post_logout_location(tenant, client, uri, request.state())
                .await
        }
        None => None,
    };
    match location {
        Some(location) => {
            (jar, (StatusCode::FOUND, [(header::LOCATION, location)])).into_response()
        }
        None => (
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
            Json(BearerError::invalid_token(description)),
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
    let user = match state.app.user_of_token(&claims).await {
        Ok(user) if user.account_enabled => user,
        Ok(_) => return unauthorized("The user account is disabled."),
        Err(_) => return unauthorized("The user no longer exists."),
    };
    Json(UserInfo {
        sub: claims
            .raw
            .get("sub")
            .and_then(|sub| sub.as_str())
            .map(str::to_owned),
        name: user.display_name,
        family_name: user.surname,
        given_name: user.given_name,
        picture: None,
        email: user.mail.as_ref().map(ToString::to_string),
    })
    .into_response()
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
