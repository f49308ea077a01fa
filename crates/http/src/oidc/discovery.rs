//! Discovery documents and keys.

use crate::context::record_tenant;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use portico_model::TenantId;
use portico_wire::oidc::{self, key_set, Authority};
use serde::Deserialize;
use serde_json::Value;

const MULTI_TENANT: [&str; 3] = ["common", "organizations", "consumers"];

async fn tenant_id(state: &AppState, segment: &str) -> Result<Option<TenantId>, ApiError> {
    if MULTI_TENANT.iter().any(|m| m.eq_ignore_ascii_case(segment)) {
        return Ok(None);
    }
    let tenant = state
        .app
        .resolve_tenant(segment)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("Tenant '{segment}' not found.")))?;
    record_tenant(&tenant.id);
    Ok(Some(tenant.id))
}

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`: the same document for a tenant's id and
/// each of its domains; `{tenantid}` stays a placeholder for the multi-tenant authorities.
pub async fn openid_configuration(
    State(state): State<AppState>,
    Path(segment): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let base = state.app.public_base();
    let (path, issuer) = match tenant_id(&state, &segment).await? {
        Some(id) => (id.to_string(), state.app.issuer(id)),
        None => (segment.to_lowercase(), format!("{base}{{tenantid}}/v2.0")),
    };
    let grant_types = [
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "password",
        portico_app::tokens::DEVICE_CODE_GRANT,
    ];
    let document = oidc::openid_configuration(&Authority {
        base: &base,
        path: &path,
        issuer: &issuer,
        grant_types: &grant_types,
    });
    Ok(([(header::CACHE_CONTROL, "max-age=3600")], Json(document)))
}

/// `GET /{tenant}/discovery/v2.0/keys`.
pub async fn jwks(
    State(state): State<AppState>,
    Path(segment): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let keys = match tenant_id(&state, &segment).await? {
        Some(tenant) => state
            .app
            .keys()
            .jwks(tenant, state.app.now())
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?,
        // `/common` and `/organizations` (what their discovery advertises): every tenant's keys.
        None if !segment.eq_ignore_ascii_case("consumers") => state.app.multi_tenant_jwks().await?,
        None => return Err(ApiError::NotFound("Keys are published per tenant.".into())),
    };
    Ok(Json(key_set(&keys)))
}

#[derive(Debug, Deserialize)]
pub struct InstanceQuery {
    authorization_endpoint: Option<String>,
}

/// `GET /common/discovery/instance`: MSAL's instance discovery, answering for this host only.
pub async fn instance_discovery(
    State(state): State<AppState>,
    Query(query): Query<InstanceQuery>,
) -> Json<Value> {
    let base = state.app.public_base();
    let tenant = query
        .authorization_endpoint
        .as_deref()
        .and_then(|endpoint| endpoint.strip_prefix(base.as_str()))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("common")
        .to_owned();
    Json(oidc::instance_discovery(&base, &tenant))
}
