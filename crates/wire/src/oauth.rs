//! OAuth shapes of the token service beyond the token answer: the device code flow's
//! `/devicecode` answer (Entra's fields; RFC 8628 §3.2 without `verification_uri_complete`,
//! which Entra does not send).

use serde::{Deserialize, Serialize};

/// `POST /{tenant}/oauth2/v2.0/devicecode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCodeResponse {
    pub user_code: String,
    pub device_code: String,
    pub verification_uri: String,
    pub expires_in: i64,
    pub interval: i64,
    pub message: String,
}
