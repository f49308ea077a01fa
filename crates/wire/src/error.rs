//! The Graph error envelope, also used by Portico's own JSON APIs:
//! `{"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    /// Graph's per-property details: which value is at fault (`target`) and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
    #[serde(rename = "innerError")]
    pub inner_error: InnerError,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InnerError {
    /// A machine-readable reason, when there is one (`docs/decisions.md` 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// UTC, `2021-05-18T19:03:10`, as Graph writes it.
    pub date: String,
    #[serde(rename = "request-id")]
    pub request_id: String,
    #[serde(rename = "client-request-id")]
    pub client_request_id: String,
}
