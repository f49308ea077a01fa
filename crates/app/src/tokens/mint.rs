//! Test tooling (dev mode only, `docs/test-tooling.md`): tokens with chosen claims, lifetime or
//! a broken signature, signed by a tenant's current key, for an API's negative tests.

use super::issue::{base_claims, GRAPH_AUDIENCE};
use super::keys::KeyError;
use crate::{App, AppError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use portico_model::{Invalid, TenantId};
use serde_json::{Map, Value};

/// The longest lifetime, either way, a minted token may have (ten years).
const MAX_LIFETIME_SECONDS: i64 = 10 * 365 * 24 * 3600;

/// What to mint.
#[derive(Debug, Clone)]
pub struct MintRequest {
    /// Over the defaults a Graph access token has; `null` removes a default claim.
    pub claims: Map<String, Value>,
    /// `exp` is this many seconds after now (negative: already expired).
    pub lifetime_seconds: i64,
    pub broken_signature: bool,
    /// The header's `typ`.
    pub typ: String,
}

/// A minted token, the key id that signed it, and its `exp`.
#[derive(Debug, Clone)]
pub struct Minted {
    pub token: String,
    pub kid: String,
    pub expires_at: Option<DateTime<Utc>>,
}

impl App {
    /// Signs `request`'s claims with the tenant's current signing key. Dev mode only.
    pub async fn mint_test_token(
        &self,
        tenant: TenantId,
        request: MintRequest,
    ) -> Result<Minted, AppError> {
        self.require_dev_mode()?;
        if request.lifetime_seconds.abs() > MAX_LIFETIME_SECONDS {
            return Err(Invalid::new(
                "lifetimeSeconds",
                format!("at most {MAX_LIFETIME_SECONDS} seconds either way"),
            )
            .into());
        }
        if request.typ.is_empty() || request.typ.len() > 64 {
            return Err(Invalid::new("typ", "give a typ of 1 to 64 characters").into());
        }
        let now = self.now();
        let lifetime = Duration::seconds(request.lifetime_seconds);
        let mut claims = base_claims(self, tenant, (GRAPH_AUDIENCE, 2), now, lifetime);
        for (name, value) in request.claims {
            if value.is_null() {
                claims.remove(&name);
            } else {
                claims.insert(name, value);
            }
        }
        let (kid, key) = self.keys().signing_key(tenant, now).await?;
        let token = super::jwt::sign(&claims, &request.typ, &kid, &key).map_err(KeyError::from)?;
        let token = if request.broken_signature {
            break_signature(&token)
        } else {
            token
        };
        let expires_at = claims
            .get("exp")
            .and_then(Value::as_i64)
            .and_then(|exp| DateTime::from_timestamp(exp, 0));
        Ok(Minted {
            token,
            kid,
            expires_at,
        })
    }
}

/// The same token with one bit of its signature flipped: well-formed, and never valid.
fn break_signature(token: &str) -> String {
    let Some((signed, signature)) = token.rsplit_once('.') else {
        return token.to_owned();
    };
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap_or_default();
    if let Some(first) = bytes.first_mut() {
        *first ^= 0x01;
    }
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_signature_differs_in_the_signature_only() {
        let token = format!("aGVhZA.Ym9keQ.{}", URL_SAFE_NO_PAD.encode([7u8, 8, 9]));
        let broken = break_signature(&token);
        assert_ne!(broken, token);
        assert!(broken.starts_with("aGVhZA.Ym9keQ."));
        let signature = broken.rsplit('.').next().unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(signature).unwrap(), [6u8, 8, 9]);
    }
}
