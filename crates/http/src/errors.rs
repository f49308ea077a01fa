//! Errors of Portico's JSON APIs, rendered as the Graph error envelope. The one place where an
//! application error becomes a status code.

use crate::context;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use portico_app::AppError;
use portico_store::StoreError;
use portico_wire::error::{ErrorBody, ErrorDetail, ErrorEnvelope, InnerError};

#[derive(Debug)]
pub enum ApiError {
    NotFound(String),
    /// 401: no token, or one that does not verify.
    Unauthorized(String),
    /// 403: a valid caller without the permission.
    Forbidden(String),
    BadRequest {
        code: &'static str,
        message: String,
    },
    /// 400 with a machine-readable reason in `innerError.code` (`docs/decisions.md` 1).
    Rejected {
        code: &'static str,
        reason: &'static str,
        message: String,
    },
    /// 403 `Authorization_RequestDenied` with a reason in `innerError.code`.
    Refused {
        reason: &'static str,
        message: String,
    },
    /// 400 `Request_BadRequest` naming the property at fault in `details[0].target`.
    Invalid(portico_model::Invalid),
    /// 409: the object already exists.
    Conflict {
        code: &'static str,
        message: String,
    },
    /// 429 with `Retry-After` (seconds).
    Throttled {
        retry_after: u64,
    },
    /// 413: the body is over the request size limit.
    TooLarge {
        limit: usize,
    },
    /// 405: the path is served, the method is not.
    MethodNotAllowed,
    Unavailable(String),
    Internal(String),
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest {
            code: "Request_BadRequest",
            message: message.into(),
        }
    }
}

impl From<portico_app::directory::GraphError> for ApiError {
    fn from(error: portico_app::directory::GraphError) -> Self {
        use portico_app::directory::GraphError;
        match error {
            GraphError::NotFound(id) => Self::NotFound(format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present.")),
            GraphError::Forbidden => Self::Forbidden("Insufficient privileges to complete the operation.".into()),
            GraphError::Denied { reason, message } => Self::Refused { reason, message },
            GraphError::BadRequest { code, reason: Some(reason), message } => Self::Rejected { code, reason, message },
            GraphError::BadRequest { code, reason: None, message } => Self::BadRequest { code, message },
            GraphError::Conflict { code, message } => Self::Conflict { code, message },
            GraphError::Invalid(invalid) => Self::Invalid(invalid),
            GraphError::Internal(detail) => Self::Internal(detail),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Invalid(invalid) => Self::Invalid(invalid),
            AppError::Store(StoreError::NotFound) => {
                Self::NotFound("The resource does not exist.".into())
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut reason = None;
        let mut retry_after = None;
        let mut details = Vec::new();
        let (status, code, message) = match self {
            Self::Rejected {
                code,
                reason: why,
                message,
            } => {
                reason = Some(why.to_owned());
                (StatusCode::BAD_REQUEST, code, message)
            }
            Self::Refused {
                reason: why,
                message,
            } => {
                reason = Some(why.to_owned());
                (
                    StatusCode::FORBIDDEN,
                    "Authorization_RequestDenied",
                    message,
                )
            }
            Self::Throttled {
                retry_after: seconds,
            } => {
                retry_after = Some(seconds);
                (StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", "Too many requests. Retry after the number of seconds in the Retry-After header.".to_owned())
            }
            Self::NotFound(message) => (StatusCode::NOT_FOUND, "Request_ResourceNotFound", message),
            Self::Unauthorized(message) => (
                StatusCode::UNAUTHORIZED,
                "InvalidAuthenticationToken",
                message,
            ),
            Self::Forbidden(message) => (
                StatusCode::FORBIDDEN,
                "Authorization_RequestDenied",
                message,
            ),
            Self::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message),
            Self::Invalid(invalid) => {
                details.push(ErrorDetail {
                    code: "InvalidValue".into(),
                    message: invalid.message.clone(),
                    target: invalid.property,
                });
                (
                    StatusCode::BAD_REQUEST,
                    "Request_BadRequest",
                    invalid.message,
                )
            }
            Self::Conflict { code, message } => (StatusCode::CONFLICT, code, message),
            Self::TooLarge { limit } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge",
                format!("The request body is larger than the limit of {limit} bytes."),
            ),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "Request_BadRequest",
                "Specified HTTP method is not allowed for the request uri.".to_owned(),
            ),
            Self::Unavailable(message) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                message,
            ),
            Self::Internal(detail) => {
                // The detail goes to the log with the request id, never to the client.
                tracing::error!(%detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalServerError",
                    "The server could not complete the request.".to_owned(),
                )
            }
        };
        let request = context::current();
        let body = ErrorEnvelope {
            error: ErrorBody {
                code: code.to_owned(),
                message,
                details,
                inner_error: InnerError {
                    code: reason,
                    date: graph_date(),
                    request_id: request.request_id,
                    client_request_id: request.client_request_id,
                },
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            if let Ok(value) = axum::http::HeaderValue::from_str(&seconds.to_string()) {
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, value);
            }
        }
        response
    }
}

/// Graph's `innerError.date`: wall-clock UTC without offset or fraction. Diagnostic only, so it
/// reads the system clock rather than the (possibly shifted) dev clock.
fn graph_date() -> String {
    #[allow(clippy::disallowed_methods)]
    let now = chrono::Utc::now();
    now.format("%Y-%m-%dT%H:%M:%S").to_string()
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    /// A body that is not the JSON a Graph operation takes, in Graph's words where serde's
    /// would leak: a missing property is "Property 'x' is required.".
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        let text = rejection.body_text();
        let quoted = |marker: &str| {
            let start = text.find(marker)? + marker.len();
            let end = text[start..].find('`')?;
            Some(text[start..start + end].to_owned())
        };
        if let Some(name) = quoted("missing field `") {
            return Self::bad_request(format!("Property '{name}' is required."));
        }
        if let Some(name) = quoted("unknown field `") {
            return Self::bad_request(format!(
                "Property '{name}' does not exist on this resource; leave it out of the request."
            ));
        }
        Self::bad_request(format!("Invalid request body: {text}"))
    }
}

/// The 405 for a served path asked with a method it does not take.
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// The 404 for any path Portico does not serve.
pub async fn fallback() -> ApiError {
    ApiError::NotFound("No resource is served at this path.".into())
}
