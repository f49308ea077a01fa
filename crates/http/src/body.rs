//! Request bodies are read whole, up to the limit, before any handler answers. A handler that
//! refuses early (401 without a token, say) would otherwise answer while the client is still
//! sending: on HTTP/2 the stream is then reset, and clients such as the Graph SDKs (httpx/h2)
//! report a protocol error instead of the 401.

use crate::errors::ApiError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest request body Portico accepts (Graph's bodies are small; CSV imports go through
/// the CLI).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Bodies up to this size are read to the end even when over the limit, so the client gets its
/// 413 rather than a reset stream; larger ones are cut off at once.
const DRAIN_BYTES: usize = 8 * MAX_BODY_BYTES;

/// Buffers the body (or answers a Graph-shaped 413) and passes the request on.
pub async fn read_whole_body(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let declared_too_large = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|length| length > DRAIN_BYTES as u64);
    if declared_too_large {
        return ApiError::TooLarge {
            limit: MAX_BODY_BYTES,
        }
        .into_response();
    }
    match to_bytes(body, DRAIN_BYTES).await {
        Ok(bytes) if bytes.len() > MAX_BODY_BYTES => ApiError::TooLarge {
            limit: MAX_BODY_BYTES,
        }
        .into_response(),
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(error) if is_length_limit(&error) => ApiError::TooLarge {
            limit: MAX_BODY_BYTES,
        }
        .into_response(),
        // The client went away or sent a broken body: nothing useful to run.
        Err(error) => ApiError::bad_request(format!("The request body could not be read: {error}"))
            .into_response(),
    }
}

fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if current.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = current.source();
    }
    false
}
