//! Refuses JSON API requests (Graph, Portico's own) that carry the character U+0000 anywhere a
//! handler could read it: the URL (`%00` in the path or query) or a JSON body (`\u0000` in a
//! string or a key). No Graph value contains it, and PostgreSQL cannot store it in text, so
//! letting it through turned a client's mistake into a 500 (found by fuzzing). The answer is a
//! 400 with the Graph error envelope.

use crate::errors::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

const MESSAGE: &str = "The request contains the character U+0000, which is not allowed.";

/// `%00` in any letter case: the only way a URL carries U+0000.
fn has_encoded_nul(bytes: &[u8]) -> bool {
    bytes
        .windows(3)
        .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(key, value)| key.contains('\0') || has_nul(value)),
        _ => false,
    }
}

fn is_json(request: &Request) -> bool {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Whether a JSON body holds U+0000. Invalid JSON is the handler's to refuse, with its message.
fn body_has_nul(bytes: &Bytes) -> bool {
    serde_json::from_slice::<Value>(bytes).is_ok_and(|v| has_nul(&v))
}

/// The middleware: 400 for U+0000 in the URL or a JSON body; otherwise the request goes on
/// unchanged (a JSON body buffered, within the router's body limit). Handlers read JSON only
/// with a JSON content type, so other bodies need no look.
pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let target = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    if has_encoded_nul(target.as_bytes()) {
        return ApiError::bad_request(MESSAGE).into_response();
    }
    if !is_json(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        // Over the body limit (or a broken upload): as the limit layer answers.
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    if body_has_nul(&bytes) {
        return ApiError::bad_request(MESSAGE).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nul_in_json_strings_and_keys_and_urls() {
        let json = |text: &str| Bytes::from(text.to_owned());
        assert!(body_has_nul(&json(r#"{"a":"x\u0000y"}"#)));
        assert!(body_has_nul(&json(r#"{"a":[{"b\u0000":1}]}"#)));
        assert!(!body_has_nul(&json(r#"{"a":"x\\u0000y"}"#)));
        assert!(!body_has_nul(&json("{not json")));
        assert!(has_encoded_nul(b"/v1.0/users/a%00b"));
        assert!(!has_encoded_nul(b"/v1.0/users/a%2500b"));
        assert!(!has_encoded_nul(b"/v1.0/users?$filter=100%25"));
    }
}
