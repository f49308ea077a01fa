//! The managed identity endpoints' answers, as Azure serves them (`docs/managed-identity.md`, "Managed
//! identity"): numbers are strings in both protocols.

use serde::{Deserialize, Serialize};

/// App Service (`/msi/token`, api-version 2019-08-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppServiceToken {
    pub access_token: String,
    /// Seconds since the epoch.
    pub expires_on: String,
    pub resource: String,
    pub token_type: String,
    pub client_id: String,
}

/// App Service's error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppServiceError {
    pub status_code: u16,
    pub message: String,
    pub correlation_id: String,
}

/// IMDS (`/metadata/identity/oauth2/token`, api-version 2018-02-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImdsToken {
    pub access_token: String,
    pub client_id: String,
    pub expires_in: String,
    pub expires_on: String,
    pub ext_expires_in: String,
    pub not_before: String,
    pub resource: String,
    pub token_type: String,
}

/// IMDS's error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImdsError {
    pub error: String,
    pub error_description: String,
}
