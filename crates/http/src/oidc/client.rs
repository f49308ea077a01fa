//! The sign-in request as the policy engine sees it: the peer address, the User-Agent, tenant
//! restriction headers a proxy or device added, and (dev mode) a simulated device state.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use portico_app::sign_in_policy::ClientRequest;
use std::convert::Infallible;
use std::net::SocketAddr;

/// Extracts a [`ClientRequest`]; never fails (missing parts are simply unknown).
pub struct Client(pub ClientRequest);

fn text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        let headers = &parts.headers;
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        Ok(Self(ClientRequest {
            ip,
            user_agent: text(headers, "user-agent"),
            restrict_access_to_tenants: text(headers, "restrict-access-to-tenants"),
            restrict_access_context: text(headers, "restrict-access-context"),
            restrict_tenant_access_policy: text(headers, "sec-restrict-tenant-access-policy"),
            simulated_device: text(headers, "portico-device")
                .map(|value| ClientRequest::parse_device(&value)),
        }))
    }
}
