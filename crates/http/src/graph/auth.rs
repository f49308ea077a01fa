//! Who is calling Graph: a verified access token of one tenant.

use crate::context::record_tenant;
use crate::errors::ApiError;
use crate::oidc_bearer;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use portico_app::tokens::AccessTokenClaims;
use portico_model::role::DirectoryRole;

/// The verified caller of a Graph request.
pub struct GraphCaller(pub AccessTokenClaims);

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
        Ok(Self(claims))
    }
}

impl GraphCaller {
    /// Allowed when an app holds one of `app_roles`, or a delegated caller holds one of `scopes`
    /// and one of `roles` in the directory.
    pub async fn require(
        &self,
        state: &AppState,
        app_roles: &[&str],
        scopes: &[&str],
        roles: &[DirectoryRole],
    ) -> Result<(), ApiError> {
        let claims = &self.0;
        let allowed = if claims.app_only {
            claims.roles.iter().any(|r| app_roles.contains(&r.as_str()))
        } else if claims.scopes.iter().any(|s| scopes.contains(&s.as_str())) {
            let assignments = state
                .app
                .store()
                .list_role_assignments(claims.tenant)
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            assignments
                .iter()
                .any(|a| a.principal_id == claims.oid && roles.contains(&a.role))
        } else {
            false
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "Insufficient privileges to complete the operation.".into(),
            ))
        }
    }
}
