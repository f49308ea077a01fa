//! Per-request context: a request id for logs and error bodies, the caller's `client-request-id`,
//! and the tracing span every log line of the request belongs to.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;

#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub client_request_id: String,
}

tokio::task_local! {
    static CURRENT: RequestContext;
}

/// The context of the request being handled (a fresh one outside any request).
pub fn current() -> RequestContext {
    CURRENT.try_with(Clone::clone).unwrap_or_else(|_| {
        let id = uuid::Uuid::new_v4().to_string();
        RequestContext {
            request_id: id.clone(),
            client_request_id: id,
        }
    })
}

/// Records the resolved tenant on the request's log span.
pub fn record_tenant(tenant_id: &impl std::fmt::Display) {
    tracing::Span::current().record("tenant_id", tracing::field::display(tenant_id));
}

/// Middleware: assigns the request id, opens the span, and echoes `request-id` and
/// `client-request-id` on the response, as Graph does.
pub async fn with_request_context(request: Request, next: Next) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let client_request_id = request
        .headers()
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 128)
        .map_or_else(|| request_id.clone(), str::to_owned);
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
        // The caller's `client-request-id` (its own id when it sent none): what ties a client's
        // logs to these lines.
        correlation_id = %client_request_id,
        tenant_id = tracing::field::Empty,
    );
    let started = Instant::now();
    let context = RequestContext {
        request_id: request_id.clone(),
        client_request_id: client_request_id.clone(),
    };
    let mut response = CURRENT
        .scope(context, next.run(request))
        .instrument(span.clone())
        .await;
    let headers = response.headers_mut();
    for (name, value) in [
        ("request-id", request_id),
        ("client-request-id", client_request_id),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "request finished"
        )
    });
    response
}
