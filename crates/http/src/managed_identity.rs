//! The managed identity endpoints for local development of cloud code (dev mode only, and only
//! when `serve --managed-identity` names at least one service principal; `docs/managed-identity.md`):
//!
//! - App Service: `GET /msi/token?resource=…&api-version=2019-08-01` with `X-IDENTITY-HEADER`;
//! - IMDS: `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…` with
//!   `Metadata: true`.
//!
//! Both are served on Portico's HTTPS origin: the SDKs take the endpoint from the environment
//! (`IDENTITY_ENDPOINT`, `AZURE_POD_IDENTITY_AUTHORITY_HOST`), scheme included.

use crate::context;
use crate::oidc::client::Client;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use portico_app::tokens::errors::OAuthError;
use portico_app::tokens::managed_identity::{
    IdentitySelector, ManagedIdentity, ManagedIdentityError, ManagedIdentityToken,
};
use portico_wire::managed_identity::{AppServiceError, AppServiceToken, ImdsError, ImdsToken};
use std::collections::HashMap;

/// The service principals the endpoints stand for (the first is the "system-assigned"
/// identity) and the App Service header's secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedIdentityOptions {
    pub identities: Vec<ManagedIdentity>,
    /// What `X-IDENTITY-HEADER` must carry (`IDENTITY_HEADER` in the client's environment).
    pub identity_header: String,
}

pub const APP_SERVICE_PATH: &str = "/msi/token";
pub const IMDS_PATH: &str = "/metadata/identity/oauth2/token";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(APP_SERVICE_PATH, get(app_service))
        .route(IMDS_PATH, get(imds))
}

type Params = Query<HashMap<String, String>>;

fn param<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// The identity a request names; `object_id_names` are the parameters that carry an object id.
fn selector(params: &HashMap<String, String>, object_id_names: &[&str]) -> IdentitySelector {
    if let Some(id) = param(params, "client_id") {
        return IdentitySelector::ClientId(id.to_owned());
    }
    if let Some(id) = object_id_names.iter().find_map(|name| param(params, name)) {
        return IdentitySelector::ObjectId(id.to_owned());
    }
    match param(params, "mi_res_id").or_else(|| param(params, "msi_res_id")) {
        Some(path) => IdentitySelector::ResourceId(path.to_owned()),
        None => IdentitySelector::SystemAssigned,
    }
}

fn no_store(status: StatusCode, body: impl serde::Serialize) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

fn options(state: &AppState) -> Option<&ManagedIdentityOptions> {
    state.managed_identity.as_deref()
}

async fn issue(
    state: &AppState,
    params: &HashMap<String, String>,
    object_id_names: &[&str],
    resource: &str,
    client: Client,
) -> Result<ManagedIdentityToken, ManagedIdentityError> {
    let identities = options(state).map_or(&[][..], |o| o.identities.as_slice());
    state
        .app
        .managed_identity_token(
            identities,
            &selector(params, object_id_names),
            resource,
            &client.0,
        )
        .await
}

fn aadsts(error: &OAuthError) -> String {
    format!("AADSTS{}: {}", error.code, error.message)
}

/// App Service's protocol (api-version 2019-08-01).
async fn app_service(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Params,
    client: Client,
) -> Response {
    let refuse = |status: StatusCode, message: String| {
        let body = AppServiceError {
            status_code: status.as_u16(),
            message,
            correlation_id: context::current().request_id,
        };
        no_store(status, body)
    };
    let given = headers
        .get("x-identity-header")
        .and_then(|value| value.to_str().ok());
    let matches = match (options(&state), given) {
        (Some(options), Some(given)) => {
            portico_app::secrets::constant_time_eq(given, &options.identity_header)
        }
        _ => false,
    };
    if !matches {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.".into(),
        );
    }
    let Some(resource) = param(&params, "resource").map(str::to_owned) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The resource query parameter is required.".into(),
        );
    };
    if param(&params, "api-version") != Some("2019-08-01") {
        return refuse(
            StatusCode::BAD_REQUEST,
            "api-version must be 2019-08-01.".into(),
        );
    }
    match issue(
        &state,
        &params,
        &["principal_id", "object_id"],
        &resource,
        client,
    )
    .await
    {
        Ok(token) => no_store(
            StatusCode::OK,
            AppServiceToken {
                access_token: token.access_token,
                expires_on: token.expires_on.to_string(),
                resource,
                token_type: "Bearer".into(),
                client_id: token.client_id.to_string(),
            },
        ),
        Err(ManagedIdentityError::IdentityNotFound) => refuse(
            StatusCode::BAD_REQUEST,
            "No managed identity found for the specified ClientId/ResourceId/PrincipalId.".into(),
        ),
        Err(ManagedIdentityError::Token(error)) => refuse(
            StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST),
            aadsts(&error),
        ),
    }
}

/// The Instance Metadata Service's protocol (api-version 2018-02-01 and later).
async fn imds(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Params,
    client: Client,
) -> Response {
    let refuse = |status: StatusCode, error: &str, description: &str| {
        let body = ImdsError {
            error: error.to_owned(),
            error_description: description.to_owned(),
        };
        no_store(status, body)
    };
    // IMDS's defences against server-side request forgery: the header a browser or a naive
    // proxy cannot add, and no proxied requests.
    if headers.get("metadata").and_then(|v| v.to_str().ok()) != Some("true") {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Required metadata header not specified",
        );
    }
    if headers.contains_key("x-forwarded-for") {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Request contains X-Forwarded-For header",
        );
    }
    if param(&params, "api-version").is_none() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Required query variable 'api-version' is missing",
        );
    }
    let Some(resource) = param(&params, "resource").map(str::to_owned) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Required query variable 'resource' is missing",
        );
    };
    match issue(&state, &params, &["object_id"], &resource, client).await {
        Ok(token) => no_store(
            StatusCode::OK,
            ImdsToken {
                access_token: token.access_token,
                client_id: token.client_id.to_string(),
                expires_in: token.expires_in.to_string(),
                expires_on: token.expires_on.to_string(),
                ext_expires_in: token.expires_in.to_string(),
                not_before: token.not_before.to_string(),
                resource,
                token_type: "Bearer".into(),
            },
        ),
        Err(ManagedIdentityError::IdentityNotFound) => refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Identity not found",
        ),
        Err(ManagedIdentityError::Token(error)) if error.status >= 500 => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "unknown",
            &aadsts(&error),
        ),
        Err(ManagedIdentityError::Token(error)) => {
            refuse(StatusCode::BAD_REQUEST, "invalid_resource", &aadsts(&error))
        }
    }
}
