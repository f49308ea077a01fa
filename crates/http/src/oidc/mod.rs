//! Entra-style OpenID Connect and OAuth 2.0 endpoints for every tenant.

mod authorize;
pub(crate) mod client;
mod device;
mod discovery;
mod session;
pub(crate) mod token;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::{Cookie, SameSite};

pub(crate) use session::bearer as bearer_token;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(discovery::jwks))
        .route("/{tenant}/discovery/keys", get(discovery::jwks))
        .route(
            "/common/discovery/instance",
            get(discovery::instance_discovery),
        )
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(authorize::authorize).post(authorize::discover),
        )
        .route("/{tenant}/login", post(authorize::submit))
        .route("/redeem", get(authorize::redeem))
        .route(
            "/{tenant}/federation/callback",
            get(authorize::federation_callback),
        )
        .route("/{tenant}", get(authorize::portal))
        .route("/portico/signed-in", get(authorize::signed_in))
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(device::device_code),
        )
        .route(
            "/{tenant}/devicelogin",
            get(device::device_login_page).post(device::device_login),
        )
        .route("/{tenant}/devicelogin/done", get(device::device_login_done))
        .route(
            "/{tenant}/oauth2/v2.0/logout",
            get(session::logout).post(session::logout_confirmed),
        )
        .route(
            "/oidc/userinfo",
            get(session::userinfo).post(session::userinfo),
        )
}

/// The session cookie of one tenant.
pub(crate) fn session_cookie_name(tenant: &portico_model::TenantId) -> String {
    format!("__Host-portico_session_{tenant}")
}

pub(crate) const FLOW_COOKIE: &str = "__Host-portico_flow";
/// The double-submit token of the logout confirmation page.
pub(crate) const LOGOUT_COOKIE: &str = "__Host-portico_logout";

/// The flow waiting for an external provider's answer at `callback_path`. Named after the path
/// (a `__Host-` cookie cannot be scoped to it): the provider may be another tenant of this
/// server, whose own sign-in must not replace it.
pub(crate) fn federation_cookie_name(callback_path: &str) -> String {
    let key: String = callback_path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("__Host-portico_federation{key}")
}

/// Every Portico cookie: `__Host-` prefixed, so `Secure`, `Path=/` and no `Domain` (no sibling
/// host or insecure page can set or shadow it), `HttpOnly`, `SameSite=Lax`.
pub(crate) fn host_cookie(name: String, value: String) -> Cookie<'static> {
    let mut cookie = Cookie::new(name, value);
    cookie.set_http_only(true);
    cookie.set_secure(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_path("/");
    cookie
}
