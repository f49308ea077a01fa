//! Microsoft Graph (`/v1.0/…`). Bearer tokens are verified against the issuing tenant's keys and
//! act only in that tenant. The Graph core (users, groups, OData) grows here.

mod auth;
mod policies;

use crate::state::AppState;
use axum::routing::get;
use axum::Router;

pub use auth::GraphCaller;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
        get(policies::get_security_defaults).patch(policies::patch_security_defaults),
    )
}
