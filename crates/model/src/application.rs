//! Applications (app registrations with their service principal folded in), secrets and
//! redirect URIs.

use crate::{ClientId, ObjectId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::redirect::{RedirectUri, RedirectUriError};

/// A client secret. Only its SHA-256 is stored: secrets are high-entropy, so a fast hash compared
/// in constant time is the right check (a password KDF would only cost throughput).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSecret {
    pub id: ObjectId,
    pub display_name: Option<String>,
    /// The first three characters, as Entra shows them.
    pub hint: String,
    pub sha256_hex: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A certificate registered for client assertions (Graph's `keyCredential` of type
/// `AsymmetricX509Cert`, usage `Verify`). Only the public certificate is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyCredential {
    pub key_id: ObjectId,
    pub display_name: Option<String>,
    /// The certificate, DER in standard base64 (Graph's `key`).
    pub certificate_base64: String,
    /// Assertions signed with it are accepted from `start_at` until `end_at`.
    pub start_at: Option<DateTime<Utc>>,
    pub end_at: Option<DateTime<Utc>>,
}

/// An application registered in a tenant, together with its service principal's settings there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub id: ObjectId,
    pub client_id: ClientId,
    pub display_name: String,
    pub redirect_uris: Vec<RedirectUri>,
    pub public_client: bool,
    /// "User assignment required": only assigned users (or members of assigned groups) may sign in.
    pub assignment_required: bool,
    /// The resource-owner password grant, off unless the app explicitly enables it.
    pub allow_password_grant: bool,
    /// Microsoft Graph application permissions granted to the app (e.g. `User.Read.All`).
    pub graph_app_permissions: Vec<String>,
    pub secrets: Vec<ClientSecret>,
    /// Certificates for `private_key_jwt` client assertions.
    #[serde(default)]
    pub key_credentials: Vec<KeyCredential>,
    /// The API it exposes, the permissions it asks for, platforms and federated credentials.
    #[serde(default)]
    pub registration: crate::app_registration::Registration,
    pub created_at: DateTime<Utc>,
}
