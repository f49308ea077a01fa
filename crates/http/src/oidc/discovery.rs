//! Discovery documents and keys.

use crate::context::record_tenant;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use portico_model::TenantId;
use serde::Deserialize;
use serde_json::{json, Value};

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
    let document = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}{path}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}{path}/oauth2/v2.0/token"),
        "end_session_endpoint": format!("{base}{path}/oauth2/v2.0/logout"),
        "device_authorization_endpoint": format!("{base}{path}/oauth2/v2.0/devicecode"),
        "jwks_uri": format!("{base}{path}/discovery/v2.0/keys"),
        "userinfo_endpoint": format!("{base}oidc/userinfo"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials", "password", portico_app::tokens::DEVICE_CODE_GRANT],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "name", "preferred_username", "email", "oid", "tid", "idp", "acct", "ver"],
        "authorization_response_iss_parameter_supported": true,
        "request_uri_parameter_supported": false,
        "frontchannel_logout_supported": false,
        "tenant_region_scope": "NA",
        "cloud_instance_name": base.trim_end_matches('/').trim_start_matches("https://"),
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
    Ok(Json(json!({ "keys": keys })))
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
    let host = base
        .trim_end_matches('/')
        .trim_start_matches("https://")
        .to_owned();
    let tenant = query
        .authorization_endpoint
        .as_deref()
        .and_then(|endpoint| endpoint.strip_prefix(base.as_str()))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("common")
        .to_owned();
    Json(json!({
        "tenant_discovery_endpoint": format!("{base}{tenant}/v2.0/.well-known/openid-configuration"),
        "api-version": "1.1",
        "metadata": [{ "preferred_network": host, "preferred_cache": host, "aliases": [host] }],
    }))
}
