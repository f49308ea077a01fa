//! The test tooling of the control API (dev mode only, `docs/test-tooling.md`): minted tokens
//! and injected faults.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `POST /portico/v1/tenants/{tenant}/tokens`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MintToken {
    /// Claims over the defaults (`aud`, `iss`, `iat`, `nbf`, `exp`, `tid`, `uti`, `ver`); a
    /// `null` removes a default.
    #[serde(default)]
    pub claims: Map<String, Value>,
    /// Seconds from now to `exp` (negative for a token that has already expired); default 3600.
    pub lifetime_seconds: Option<i64>,
    /// `valid` (default) or `broken`: the signature no longer matches the token.
    pub signature: Option<String>,
    /// The header's `typ`; default `at+jwt`.
    pub typ: Option<String>,
}

/// The minted token and the key that signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MintedToken {
    pub token: String,
    pub kid: String,
    /// RFC 3339, from the token's `exp` claim (absent when the claims remove it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<String>,
}

/// `POST /portico/v1/faults`: what to do to matching requests, and for how long.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    /// A path pattern: `*` stands for one path segment, a final `**` for any rest
    /// (`/*/oauth2/v2.0/token`, `/v1.0/users/**`).
    pub path: String,
    /// Only this method (any when absent).
    pub method: Option<String>,
    /// `latency`, `throttle` (429), `error` (500) or `aadsts` (an OAuth error body).
    pub kind: String,
    /// `latency`: milliseconds before the request goes on (at most 25000).
    pub latency_ms: Option<u64>,
    /// `throttle`: the `Retry-After` seconds (default 1).
    pub retry_after_seconds: Option<u64>,
    /// `aadsts`: the AADSTS number (default 50076).
    pub aadsts_code: Option<u32>,
    /// `aadsts`: the OAuth `error` (default `invalid_request`).
    pub error: Option<String>,
    /// `aadsts`: the message after `AADSTSnnnnn: `.
    pub message: Option<String>,
    /// Apply to this many matching requests, then stop.
    pub count: Option<u32>,
    /// Apply until this many seconds from now (by the server's clock).
    pub duration_seconds: Option<i64>,
}

/// One injected fault, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub id: String,
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Requests it has been applied to so far.
    pub applied: u32,
    /// RFC 3339; absent for a fault without a duration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// `GET /portico/v1/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultList {
    pub value: Vec<Fault>,
}
