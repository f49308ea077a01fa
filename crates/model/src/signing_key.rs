//! Token-signing keys, one set per tenant.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An RS256 key pair. The private key is stored encrypted; `public_jwk` is what JWKS publishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKey {
    pub kid: String,
    /// The encrypted PKCS#8 private key (nonce and ciphertext, opaque to the store).
    pub private_key_sealed: Vec<u8>,
    /// The public key as a JWK JSON document.
    pub public_jwk: String,
    pub created_at: DateTime<Utc>,
    /// Published in JWKS from creation, used for signing from this instant.
    pub active_from: DateTime<Utc>,
    /// No longer published after this instant (set on rotation, past the last token's expiry).
    pub retire_at: Option<DateTime<Utc>>,
}
