//! Entra-style OpenID Connect and OAuth 2.0 endpoints for every tenant.

mod authorize;
mod client;
mod discovery;
mod session;
mod token;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;

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
        .route("/{tenant}/oauth2/v2.0/logout", get(session::logout))
        .route(
            "/oidc/userinfo",
            get(session::userinfo).post(session::userinfo),
        )
}

/// The session cookie of one tenant.
pub(crate) fn session_cookie_name(tenant: &portico_model::TenantId) -> String {
    format!("portico_session_{tenant}")
}

pub(crate) const FLOW_COOKIE: &str = "portico_flow";
/// The flow waiting for an external provider's answer; scoped to the callback path.
pub(crate) const FEDERATION_COOKIE: &str = "portico_federation";
