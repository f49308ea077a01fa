//! Per-tenant RS256 signing keys: created on first use, sealed at rest with the master key,
//! cached in memory, rotated on command. Rotation publishes the next key in JWKS before it signs
//! anything, and keeps the old key published until every token it signed has expired.

use super::jwt::JwtError;
use super::master_key::{MasterKey, MasterKeyError};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use portico_model::signing_key::SigningKey;
use portico_model::TenantId;
use portico_store::{Store, StoreError, Write};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// How long before use a rotated-in key is published.
pub const PUBLISH_AHEAD: Duration = Duration::hours(1);
/// How long a rotated-out key stays published after its successor starts signing: longer than
/// the longest access or ID token lifetime (90 minutes) plus clock skew.
pub const KEEP_AFTER_RETIREMENT: Duration = Duration::hours(2);
/// Keys are re-read this often, so a rotation made by another node is picked up.
const CACHE_TTL: Duration = Duration::seconds(60);

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sealing(#[from] MasterKeyError),
    #[error("key generation or parsing failed")]
    Crypto,
    #[error(transparent)]
    Jwt(#[from] JwtError),
}

/// A JWK as JWKS publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(rename = "use")]
    pub use_: String,
    pub alg: String,
    pub kid: String,
    /// The certificate's SHA-1 thumbprint (keys created before certificates were added have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x5t: Option<String>,
    pub n: String,
    pub e: String,
    /// The key's self-signed certificate, DER in standard base64.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub x5c: Vec<String>,
}

struct LoadedKey {
    kid: String,
    jwk: Jwk,
    n: Vec<u8>,
    e: Vec<u8>,
    pair: Arc<KeyPair>,
    active_from: DateTime<Utc>,
    retire_at: Option<DateTime<Utc>>,
}

struct TenantKeys {
    loaded_at: DateTime<Utc>,
    keys: Vec<LoadedKey>,
}

/// The signing keys of every tenant.
pub struct KeyRing {
    store: Arc<dyn Store>,
    master: Arc<MasterKey>,
    cache: RwLock<HashMap<TenantId, Arc<TenantKeys>>>,
    /// Serialises first-key creation in this process, so concurrent first uses create one key.
    creating: tokio::sync::Mutex<()>,
}

fn context(tenant: TenantId, kid: &str) -> String {
    format!("{tenant}/{kid}")
}

impl KeyRing {
    pub fn new(store: Arc<dyn Store>, master: MasterKey) -> Self {
        Self {
            store,
            master: Arc::new(master),
            cache: RwLock::new(HashMap::new()),
            creating: tokio::sync::Mutex::new(()),
        }
    }

    /// The key that signs now: the newest active one. Creates the tenant's first key if needed.
    pub async fn signing_key(
        &self,
        tenant: TenantId,
        now: DateTime<Utc>,
    ) -> Result<(String, Arc<KeyPair>), KeyError> {
        let keys = self.keys(tenant, now).await?;
        let signing = keys
            .keys
            .iter()
            .filter(|k| k.active_from <= now)
            .max_by_key(|k| k.active_from);
        match signing {
            Some(key) => Ok((key.kid.clone(), key.pair.clone())),
            None => {
                let _creating = self.creating.lock().await;
                let keys = self.reload(tenant, now).await?;
                if !keys.keys.iter().any(|k| k.active_from <= now) {
                    self.create_key(tenant, now, now).await?;
                }
                let keys = self.reload(tenant, now).await?;
                let key = keys
                    .keys
                    .iter()
                    .filter(|k| k.active_from <= now)
                    .max_by_key(|k| k.active_from)
                    .ok_or(KeyError::Crypto)?;
                Ok((key.kid.clone(), key.pair.clone()))
            }
        }
    }

    /// Published keys: every key not yet past its retirement.
    pub async fn jwks(&self, tenant: TenantId, now: DateTime<Utc>) -> Result<Vec<Jwk>, KeyError> {
        self.signing_key(tenant, now).await?;
        let keys = self.keys(tenant, now).await?;
        Ok(keys
            .keys
            .iter()
            .filter(|k| k.retire_at.is_none_or(|at| now < at))
            .map(|k| k.jwk.clone())
            .collect())
    }

    /// The public key for `kid`, if the tenant publishes it now (for verifying tokens).
    pub async fn public_key(
        &self,
        tenant: TenantId,
        kid: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>, KeyError> {
        let keys = self.keys(tenant, now).await?;
        Ok(keys
            .keys
            .iter()
            .find(|k| k.kid == kid && k.retire_at.is_none_or(|at| now < at))
            .map(|k| (k.n.clone(), k.e.clone())))
    }

    /// Adds the next key (published now, signing from `now + PUBLISH_AHEAD`) and schedules the
    /// current keys' retirement. Returns the new key id and when it starts signing.
    pub async fn rotate(
        &self,
        tenant: TenantId,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), KeyError> {
        self.signing_key(tenant, now).await?;
        let active_from = now + PUBLISH_AHEAD;
        let current = self.reload(tenant, now).await?;
        let kid = self.create_key(tenant, now, active_from).await?;
        let retirements = current
            .keys
            .iter()
            .filter(|k| k.retire_at.is_none())
            .map(|k| Write::RetireSigningKey {
                kid: k.kid.clone(),
                retire_at: active_from + KEEP_AFTER_RETIREMENT,
            })
            .collect();
        self.store.apply(tenant, retirements).await?;
        self.reload(tenant, now).await?;
        Ok((kid, active_from))
    }

    async fn create_key(
        &self,
        tenant: TenantId,
        now: DateTime<Utc>,
        active_from: DateTime<Utc>,
    ) -> Result<String, KeyError> {
        // RSA key generation takes tens of milliseconds: keep it off the async workers.
        let pair = tokio::task::spawn_blocking(|| KeyPair::generate(KeySize::Rsa2048))
            .await
            .map_err(|_| KeyError::Crypto)?
            .map_err(|_| KeyError::Crypto)?;
        let der = pair.as_der().map_err(|_| KeyError::Crypto)?;
        let (n, e) = components(&pair);
        let kid = URL_SAFE_NO_PAD
            .encode(&aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &n).as_ref()[..16]);
        let certificate = super::key_certificate::certify(der.as_ref(), tenant, now)?;
        let jwk = Jwk {
            kty: "RSA".into(),
            use_: "sig".into(),
            alg: "RS256".into(),
            kid: kid.clone(),
            x5t: Some(certificate.x5t),
            n: URL_SAFE_NO_PAD.encode(&n),
            e: URL_SAFE_NO_PAD.encode(&e),
            x5c: vec![certificate.x5c],
        };
        let key = SigningKey {
            kid: kid.clone(),
            private_key_sealed: self.master.seal(&context(tenant, &kid), der.as_ref())?,
            public_jwk: serde_json::to_string(&jwk).map_err(|_| KeyError::Crypto)?,
            created_at: now,
            active_from,
            retire_at: None,
        };
        self.store
            .apply(tenant, vec![Write::InsertSigningKey(key)])
            .await?;
        tracing::info!(tenant_id = %tenant, kid, %active_from, "signing key created");
        Ok(kid)
    }

    async fn keys(
        &self,
        tenant: TenantId,
        now: DateTime<Utc>,
    ) -> Result<Arc<TenantKeys>, KeyError> {
        let cached = self
            .cache
            .read()
            .ok()
            .and_then(|cache| cache.get(&tenant).cloned());
        match cached {
            Some(keys) if now - keys.loaded_at < CACHE_TTL && now >= keys.loaded_at => Ok(keys),
            _ => self.reload(tenant, now).await,
        }
    }

    async fn reload(
        &self,
        tenant: TenantId,
        now: DateTime<Utc>,
    ) -> Result<Arc<TenantKeys>, KeyError> {
        let stored = self.store.list_signing_keys(tenant).await?;
        let mut keys = Vec::with_capacity(stored.len());
        for key in stored {
            let der = self
                .master
                .open(&context(tenant, &key.kid), &key.private_key_sealed)?;
            let pair = KeyPair::from_pkcs8(&der).map_err(|_| KeyError::Crypto)?;
            let jwk: Jwk = serde_json::from_str(&key.public_jwk).map_err(|_| KeyError::Crypto)?;
            let (n, e) = components(&pair);
            keys.push(LoadedKey {
                kid: key.kid,
                jwk,
                n,
                e,
                pair: Arc::new(pair),
                active_from: key.active_from,
                retire_at: key.retire_at,
            });
        }
        let loaded = Arc::new(TenantKeys {
            loaded_at: now,
            keys,
        });
        if let Ok(mut cache) = self.cache.write() {
            cache.insert(tenant, loaded.clone());
        }
        Ok(loaded)
    }

    /// The master key (for tagging opaque client-held values and sealing secrets at rest).
    pub fn master(&self) -> &MasterKey {
        &self.master
    }

    /// The master key, shared with the mail dispatcher (which opens queued bodies).
    pub fn shared_master(&self) -> Arc<MasterKey> {
        self.master.clone()
    }

    /// Forgets cached keys (after a reset).
    pub fn clear(&self) {
        if let Ok(mut cache) = self.cache.write() {
            cache.clear();
        }
    }
}

fn components(pair: &KeyPair) -> (Vec<u8>, Vec<u8>) {
    let public = pair.public_key();
    (
        public.modulus().big_endian_without_leading_zero().to_vec(),
        public.exponent().big_endian_without_leading_zero().to_vec(),
    )
}
