//! Who is calling Graph: a verified access token of one tenant, and what the directory says
//! about its holder (roles, guest access level).

use crate::context::record_tenant;
use crate::errors::ApiError;
use crate::oidc_bearer;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use portico_app::directory::{Caller, Operation};

/// The verified caller of a Graph request.
pub struct GraphCaller(pub Caller);

impl FromRequestParts<AppState> for GraphCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = oidc_bearer(&parts.headers)
            .ok_or_else(|| ApiError::Unauthorized("Access token is empty.".into()))?;
        let claims = state
            .app
            .verify_graph_token(token, None)
            .await
            .map_err(|rejected| {
                ApiError::Unauthorized(format!("Access token validation failure: {rejected}"))
            })?;
        record_tenant(&claims.tenant);
        state.throttle(&claims)?;
        let caller = state.app.graph_caller(claims).await?;
        // The route's operation (graph::routes): its row of the permission table, before any
        // lookup, so a caller without the right learns nothing about the ids it names.
        if let Some(operation) = parts.extensions.get::<Operation>() {
            caller.require(*operation)?;
        }
        Ok(Self(caller))
    }
}
