//! `/oidc/userinfo` (OpenID Connect Core §5.3) as Entra answers it, and its bearer-token error.

use serde::{Deserialize, Serialize};

/// The claims about the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    /// The `sub` of the access token (pairwise per app).
    pub sub: Option<String>,
    pub name: String,
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    /// Entra answers null: Portico keeps no photos.
    pub picture: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// RFC 6750's error body for a missing or rejected bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BearerError {
    pub error: String,
    pub error_description: String,
}

impl BearerError {
    pub fn invalid_token(description: &str) -> Self {
        Self {
            error: "invalid_token".into(),
            error_description: description.into(),
        }
    }
}
