//! The application service that HTTP handlers and the CLI call.

use crate::clock::{AdjustableClock, Clock};
use crate::random::Randomness;
use crate::seed::{build_world, SeedError, SeedFile};
use crate::tokens::keys::KeyRing;
use crate::tokens::master_key::{MasterKey, MasterKeyError};
use crate::tokens::TokenLifetimes;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use portico_model::mail::OutboxMessage;
use portico_model::settings::DomainFederation;
use portico_model::tenant::Tenant;
use portico_model::user::MfaMethod;
use portico_model::{DomainName, EmailAddress, TenantId};
use portico_store::{Store, StoreError, TenantBatch, Write};
use std::sync::Arc;
use tokio::sync::Notify;
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// A value breaks a rule (the client's to fix).
    #[error(transparent)]
    Invalid(#[from] portico_model::Invalid),
    /// The deployment's configuration cannot be used.
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Hash(#[from] crate::secrets::HashError),
    #[error(transparent)]
    Keys(#[from] crate::tokens::keys::KeyError),
    #[error("background task failed: {0}")]
    Task(String),
    #[error(transparent)]
    MasterKey(#[from] MasterKeyError),
}

/// What the application needs to know about its deployment.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The base of every issuer, link and redirect URI (`https://localhost:8443`).
    pub public_url: Url,
    /// Dev mode (`--demo` / `--dev`): the control API is on and the clock can be moved.
    pub dev_mode: bool,
    /// The world `reset` restores, and that an empty store starts with.
    pub seed: Option<SeedFile>,
    /// A CA certificate (PEM) to trust besides the public roots when Portico calls other
    /// identity providers — the local CA, so Portico servers can federate with each other.
    pub extra_root_pem: Option<Vec<u8>>,
}

/// Where the application takes time and randomness from: the system's in a real server, a frozen
/// clock and a seeded generator in tests and reproducible dev runs.
#[derive(Debug, Clone)]
pub struct Sources {
    pub clock: Arc<AdjustableClock>,
    pub random: Arc<Randomness>,
}

impl Sources {
    pub fn system() -> Self {
        Self {
            clock: Arc::new(AdjustableClock::new()),
            random: Arc::new(Randomness::system()),
        }
    }

    /// The clock frozen at `frozen_at` and randomness seeded with `random_seed`, each when
    /// given: with both, every run sees the same ids, codes and times. For tests and dev mode
    /// only — a seeded generator makes secrets predictable.
    pub fn reproducible(frozen_at: Option<DateTime<Utc>>, random_seed: Option<u64>) -> Self {
        let clock = frozen_at.map_or_else(AdjustableClock::new, AdjustableClock::frozen_at);
        let random = random_seed.map_or_else(Randomness::system, Randomness::seeded);
        Self {
            clock: Arc::new(clock),
            random: Arc::new(random),
        }
    }
}

/// Portico's application service. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<AdjustableClock>,
    random: Arc<Randomness>,
    config: Arc<AppConfig>,
    mail_wakeup: Arc<Notify>,
    keys: Arc<KeyRing>,
    lifetimes: Arc<TokenLifetimes>,
    http: reqwest::Client,
    metrics: Arc<crate::metrics::AppMetrics>,
}

impl App {
    /// Wraps a ready store; loads the seed when the store holds no tenant yet, so a persistent
    /// data directory keeps its changes across restarts.
    /// `master_key` seals the tenants' signing keys at rest.
    pub async fn start(
        store: Arc<dyn Store>,
        config: AppConfig,
        master_key: MasterKey,
    ) -> Result<Self, AppError> {
        Self::start_with(store, config, master_key, Sources::system()).await
    }

    /// `start` with the given clock and randomness.
    pub async fn start_with(
        store: Arc<dyn Store>,
        config: AppConfig,
        master_key: MasterKey,
        sources: Sources,
    ) -> Result<Self, AppError> {
        let app = Self {
            keys: Arc::new(KeyRing::new(store.clone(), master_key)),
            lifetimes: Arc::new(TokenLifetimes::default()),
            http: http_client(config.extra_root_pem.as_deref())?,
            store,
            clock: sources.clock,
            random: sources.random,
            config: Arc::new(config),
            mail_wakeup: Arc::new(Notify::new()),
            metrics: Arc::default(),
        };
        if app.config.seed.is_some() && app.store.list_tenants().await?.is_empty() {
            app.reset().await?;
        }
        Ok(app)
    }

    /// The business events this app has counted (`metrics.rs`).
    pub fn metrics(&self) -> &Arc<crate::metrics::AppMetrics> {
        &self.metrics
    }

    pub(crate) fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The store, for integration tests that check rows directly.
    #[cfg(feature = "test-support")]
    pub fn store_for_tests(&self) -> &Arc<dyn Store> {
        &self.store
    }
    pub fn config(&self) -> &AppConfig {
        &self.config
    }
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
    /// The one source of ids, secrets and codes.
    pub fn random(&self) -> &Randomness {
        &self.random
    }
    /// The client for calls to other identity providers.
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The tenants' signing keys.
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }
    /// The master key, for the mail dispatcher (it opens queued bodies to deliver them).
    pub fn master_key(&self) -> Arc<MasterKey> {
        self.keys.shared_master()
    }

    /// A message ready for the outbox: its body (passcodes, redeem links) sealed.
    pub(crate) fn seal_mail(&self, message: OutboxMessage) -> Result<OutboxMessage, AppError> {
        Ok(crate::mail::seal_body(self.keys.master(), message)?)
    }
    pub fn lifetimes(&self) -> &TokenLifetimes {
        &self.lifetimes
    }

    /// Wakes the mail dispatcher after queuing mail.
    pub fn mail_wakeup(&self) -> Arc<Notify> {
        self.mail_wakeup.clone()
    }

    /// Sets the dev-mode clock.
    pub fn set_clock(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, AppError> {
        self.require_dev_mode()?;
        Ok(self.clock.set(now))
    }

    /// Advances the dev-mode clock by whole seconds.
    pub fn advance_clock(&self, seconds: i64) -> Result<DateTime<Utc>, AppError> {
        self.require_dev_mode()?;
        let by = Duration::try_seconds(seconds).ok_or_else(|| {
            portico_model::Invalid::new("seconds", format!("cannot advance by {seconds} seconds"))
        })?;
        Ok(self.clock.advance(by))
    }

    /// Freezes (`true`) the dev-mode clock where it stands, or lets it flow again (`false`)
    /// from there.
    pub fn freeze_clock(&self, frozen: bool) -> Result<DateTime<Utc>, AppError> {
        self.require_dev_mode()?;
        Ok(if frozen {
            self.clock.freeze()
        } else {
            self.clock.unfreeze()
        })
    }

    /// Whether the clock stands still.
    pub fn clock_frozen(&self) -> bool {
        self.clock.is_frozen()
    }

    /// Dev mode (`--demo` / `--dev`): the control API and simulation knobs are on.
    pub fn dev_mode(&self) -> bool {
        self.config.dev_mode
    }

    pub(crate) fn require_dev_mode(&self) -> Result<(), AppError> {
        if self.config.dev_mode {
            Ok(())
        } else {
            Err(
                portico_model::Invalid::new(
                    "devMode",
                    "only in dev mode (--dev or --demo): the clock, test tokens and the world's import and export",
                )
                .into(),
            )
        }
    }

    /// Puts the world back to the seed (or to empty without one), in one transaction.
    pub async fn reset(&self) -> Result<(), AppError> {
        let batches = self.seed_batches().await?;
        self.store.reset(batches).await?;
        self.keys.clear();
        tracing::info!("directory reset to its seed");
        Ok(())
    }

    async fn seed_batches(&self) -> Result<Vec<TenantBatch>, AppError> {
        match self.config.seed.clone() {
            Some(seed) => self.build_seed(seed).await,
            None => Ok(Vec::new()),
        }
    }

    /// A seed's writes, with the secrets it holds in the clear sealed for the store.
    pub(crate) async fn build_seed(
        &self,
        seed: crate::seed::SeedFile,
    ) -> Result<Vec<TenantBatch>, AppError> {
        let public_url = self.config.public_url.as_str().to_owned();
        let now = self.now();
        // Argon2 hashing is CPU-bound: keep it off the async workers.
        let built = tokio::task::spawn_blocking(move || build_world(&seed, &public_url, now))
            .await
            .map_err(|e| AppError::Task(e.to_string()))??;
        let sealed = self.seal_federation_secrets(built)?;
        self.seal_seeded_authenticators(sealed)
    }

    /// The seed holds TOTP secrets in the clear; the store gets them sealed.
    fn seal_seeded_authenticators(
        &self,
        mut batches: Vec<TenantBatch>,
    ) -> Result<Vec<TenantBatch>, AppError> {
        for batch in &mut batches {
            for write in &mut batch.writes {
                let Write::InsertUser(user) = write else {
                    continue;
                };
                for MfaMethod::Totp { secret_base32, .. } in &mut user.mfa_methods {
                    *secret_base32 = self.seal_totp_secret(batch.tenant, user.id, secret_base32)?;
                }
            }
        }
        Ok(batches)
    }

    /// The seed holds federation client secrets in the clear; the store gets them sealed with
    /// the master key, like signing keys.
    fn seal_federation_secrets(
        &self,
        mut batches: Vec<TenantBatch>,
    ) -> Result<Vec<TenantBatch>, AppError> {
        for batch in &mut batches {
            for write in &mut batch.writes {
                let Write::CreateTenant(tenant, settings) = write else {
                    continue;
                };
                for federation in &mut settings.federations {
                    let sealed = self.keys.master().seal(
                        &federation_context(tenant.id, &federation.domain),
                        federation.client_secret.as_bytes(),
                    )?;
                    federation.client_secret = URL_SAFE_NO_PAD.encode(sealed);
                }
            }
        }
        Ok(batches)
    }

    /// A federation's client secret, opened with the master key.
    pub(crate) fn federation_secret(
        &self,
        tenant: TenantId,
        federation: &DomainFederation,
    ) -> Result<String, AppError> {
        let sealed = URL_SAFE_NO_PAD
            .decode(&federation.client_secret)
            .map_err(|_| MasterKeyError::WrongKey)?;
        let plain = self
            .keys
            .master()
            .open(&federation_context(tenant, &federation.domain), &sealed)?;
        String::from_utf8(plain).map_err(|_| MasterKeyError::WrongKey.into())
    }

    /// Finds a tenant by the `{tenant}` path segment: its id or any of its verified domains.
    /// A tenant by id.
    pub async fn find_tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        self.store().find_tenant(id).await
    }

    /// Every tenant this server holds (dev-mode pickers and the portal's partner names).
    pub async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        self.store().list_tenants().await
    }

    pub async fn resolve_tenant(&self, segment: &str) -> Result<Option<Tenant>, AppError> {
        if let Ok(id) = TenantId::parse(segment) {
            return Ok(self.store.find_tenant(id).await?);
        }
        match DomainName::parse(segment) {
            Ok(domain) => Ok(self.store.find_tenant_by_domain(&domain).await?),
            Err(_) => Ok(None),
        }
    }

    /// Messages queued for sending, newest first; only those to or cc `to` when given. In dev
    /// mode (the control API's outbox) with their bodies opened; otherwise as stored: sealed, or
    /// purged once delivered.
    pub async fn outbox(
        &self,
        to: Option<&EmailAddress>,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, AppError> {
        let stored = self.store.list_outbox(to, limit).await?;
        if !self.config.dev_mode {
            return Ok(stored);
        }
        stored
            .into_iter()
            .map(|message| Ok(crate::mail::open_body(self.keys.master(), message)?))
            .collect()
    }
}

fn http_client(extra_root_pem: Option<&[u8]>) -> Result<reqwest::Client, AppError> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let mut builder = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none());
    if let Some(pem) = extra_root_pem {
        let certificate = reqwest::Certificate::from_pem(pem)
            .map_err(|e| AppError::Config(format!("extra root certificate: {e}")))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .build()
        .map_err(|e| AppError::Config(format!("HTTP client: {e}")))
}

fn federation_context(tenant: TenantId, domain: &portico_model::DomainName) -> String {
    format!("federation:{tenant}:{domain}")
}
