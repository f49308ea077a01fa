//! Starting and stopping a Portico server: the one composition used by the binary, the tests and
//! anyone embedding Portico (`start`).

use crate::router::router;
use crate::state::AppState;
use crate::tls::{LocalCa, TlsError};
use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;
use portico_app::mail::{Dispatcher, SmtpTransport};
use portico_app::retention::LogPurger;
use portico_app::seed::SeedFile;
use portico_app::tokens::master_key::{MasterKey, MasterKeyError, MasterKeySource};
use portico_app::{App, AppConfig, AppError, Sources};
use portico_store::{SqlStore, Store, StoreConfig, StoreError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use url::Url;

/// Everything `start` needs.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub listen: SocketAddr,
    /// Defaults to `https://localhost:<bound port>`.
    pub public_url: Option<Url>,
    pub store: StoreConfig,
    pub seed: Option<SeedFile>,
    pub dev_mode: bool,
    pub ca_dir: PathBuf,
    /// Deliver queued mail through this SMTP relay; without it mail stays in the outbox.
    pub smtp_url: Option<String>,
    /// The key that seals signing keys at rest.
    pub master_key: MasterKeySource,
    /// Graph throttling buckets.
    pub throttle: crate::throttle::ThrottleLimits,
    /// Dev mode only: the clock stands still at this instant (it moves when set or advanced).
    pub frozen_clock: Option<chrono::DateTime<chrono::Utc>>,
    /// Dev mode only: ids, secrets and codes come from a generator seeded with this number.
    pub random_seed: Option<u64>,
    /// Dev mode only: serve the managed identity endpoints for these service principals.
    pub managed_identity: Option<crate::managed_identity::ManagedIdentityOptions>,
    /// Serve `/metrics` (plain HTTP) on this address; without it metrics are not served.
    pub metrics_listen: Option<SocketAddr>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("invalid public URL: {0}")]
    PublicUrl(String),
    #[error("cannot open the store: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error(transparent)]
    MasterKey(#[from] MasterKeyError),
    #[error("a frozen clock and a random seed are for dev mode only (--dev or --demo)")]
    ReproducibleOutsideDevMode,
    #[error("the managed identity endpoints are for dev mode only (--dev or --demo)")]
    ManagedIdentityOutsideDevMode,
    #[error("managed identity {0}: no such application in that tenant")]
    ManagedIdentityNotFound(String),
    #[error("invalid SMTP relay: {0}")]
    Smtp(#[from] portico_app::mail::MailError),
}

/// A running server.
pub struct RunningServer {
    pub local_addr: SocketAddr,
    /// Where `/metrics` is served, when `metrics_listen` was given.
    pub metrics_addr: Option<SocketAddr>,
    pub public_url: Url,
    pub ca_cert_path: PathBuf,
    pub app: App,
    store: Arc<SqlStore>,
    handle: Handle,
    ready: Arc<AtomicBool>,
    serve: JoinHandle<std::io::Result<()>>,
    background_stop: watch::Sender<bool>,
    background: Vec<JoinHandle<()>>,
}

impl ServerOptions {
    /// The checks that need neither the store nor the socket (`portico config check` runs them).
    pub fn check(&self) -> Result<(), StartError> {
        let reproducible = self.frozen_clock.is_some() || self.random_seed.is_some();
        if reproducible && !self.dev_mode {
            return Err(StartError::ReproducibleOutsideDevMode);
        }
        if self.managed_identity.is_some() && !self.dev_mode {
            return Err(StartError::ManagedIdentityOutsideDevMode);
        }
        Ok(())
    }
}

/// Opens the store (migrations, integrity check), loads the seed into an empty store, binds the
/// socket and serves HTTPS.
pub async fn start(options: ServerOptions) -> Result<RunningServer, StartError> {
    options.check()?;
    let (listener, local_addr) = bind(options.listen)?;
    let metrics_listener = options.metrics_listen.map(bind).transpose()?;
    let public_url = match options.public_url {
        Some(url) => url,
        None => Url::parse(&format!("https://localhost:{}", local_addr.port()))
            .map_err(|e| StartError::PublicUrl(e.to_string()))?,
    };
    let public_host = public_url
        .host_str()
        .ok_or_else(|| StartError::PublicUrl(format!("{public_url} has no host")))?
        .to_owned();

    let store = Arc::new(SqlStore::open(&options.store).await?);
    // The CA's validity starts at the wall clock; the app's clock is not running yet.
    #[allow(clippy::disallowed_methods)]
    let ca = LocalCa::load_or_create(&options.ca_dir, chrono::Utc::now())?;
    let config = AppConfig {
        public_url: public_url.clone(),
        dev_mode: options.dev_mode,
        seed: options.seed,
        extra_root_pem: Some(ca.cert_pem().as_bytes().to_vec()),
    };
    let master_key = MasterKey::load(&options.master_key)?;
    let sources = Sources::reproducible(options.frozen_clock, options.random_seed);
    let app = App::start_with(store.clone() as Arc<dyn Store>, config, master_key, sources).await?;
    for identity in options.managed_identity.iter().flat_map(|o| &o.identities) {
        if app.find_managed_identity(identity).await?.is_none() {
            let name = format!("{}/{}", identity.tenant, identity.client_id);
            return Err(StartError::ManagedIdentityNotFound(name));
        }
    }

    let mut hosts = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
        public_host,
    ];
    if !local_addr.ip().is_unspecified() {
        hosts.push(local_addr.ip().to_string());
    }
    let tls = RustlsConfig::from_config(ca.server_config(&hosts, app.now())?);

    let (background_stop, stop_signal) = watch::channel(false);
    let mut background = Vec::new();
    if let Some(url) = &options.smtp_url {
        let transport = SmtpTransport::from_url(url)?;
        let dispatcher = Dispatcher::new(
            store.clone(),
            Arc::new(transport),
            app.clock(),
            app.mail_wakeup(),
            app.master_key(),
        )
        .counting_in(app.metrics().clone());
        background.push(tokio::spawn(dispatcher.run(stop_signal.clone())));
    }
    // Sign-in and audit rows past each tenant's retention are deleted in the background.
    background.push(tokio::spawn(
        LogPurger::new(app.clone()).run(stop_signal.clone()),
    ));

    let http_metrics = Arc::new(crate::metrics::HttpMetrics::default());
    let mut metrics_addr = None;
    if let Some(bound) = metrics_listener {
        metrics_addr = Some(bound.1);
        let exposition = crate::metrics::Exposition::new(&http_metrics, app.clone(), store.clone());
        background.push(serve_metrics(bound, exposition, stop_signal.clone())?);
    }
    let ready = Arc::new(AtomicBool::new(true));
    let throttle = Arc::new(crate::throttle::Throttle::new(options.throttle));
    let state = AppState {
        app: app.clone(),
        ready: ready.clone(),
        throttle,
        faults: Arc::default(),
        managed_identity: options.managed_identity.map(Arc::new),
        metrics: http_metrics,
    };
    let handle = Handle::new();
    let service = router(state).into_make_service_with_connect_info::<SocketAddr>();
    // TCP_NODELAY: without it a keep-alive response can wait 40 ms for a delayed ACK (Nagle).
    let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(tls)
        .acceptor(axum_server::accept::NoDelayAcceptor::new());
    let server = axum_server::from_tcp(listener)
        .acceptor(acceptor)
        .handle(handle.clone());
    let serve = tokio::spawn(async move { server.serve(service).await });
    Ok(RunningServer {
        local_addr,
        metrics_addr,
        public_url,
        ca_cert_path: ca.cert_path().to_owned(),
        app,
        store,
        handle,
        ready,
        serve,
        background_stop,
        background,
    })
}

/// A listening socket on `addr`, non-blocking for tokio, and the address it got.
fn bind(addr: SocketAddr) -> Result<(std::net::TcpListener, SocketAddr), StartError> {
    let failed = |source| StartError::Bind { addr, source };
    let listener = std::net::TcpListener::bind(addr).map_err(failed)?;
    listener.set_nonblocking(true).map_err(failed)?;
    let local_addr = listener.local_addr().map_err(failed)?;
    Ok((listener, local_addr))
}

/// Serves `/metrics` over plain HTTP until the background tasks are told to stop.
fn serve_metrics(
    (listener, addr): (std::net::TcpListener, SocketAddr),
    exposition: crate::metrics::Exposition,
    mut stop: watch::Receiver<bool>,
) -> Result<JoinHandle<()>, StartError> {
    let listener = tokio::net::TcpListener::from_std(listener)
        .map_err(|source| StartError::Bind { addr, source })?;
    Ok(tokio::spawn(async move {
        let stopped = async move {
            let _ = stop.wait_for(|stop| *stop).await;
        };
        if let Err(error) = axum::serve(listener, exposition.router())
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::warn!(%error, "the metrics listener ended abnormally");
        }
    }))
}

impl RunningServer {
    /// Stops gracefully: readiness turns false, new connections are refused, requests in flight
    /// get `drain` to finish, queued mail gets a last delivery attempt, the log purge stops, the
    /// store is closed.
    pub async fn shutdown(self, drain: Duration) {
        self.ready.store(false, Ordering::SeqCst);
        self.handle.graceful_shutdown(Some(drain));
        if let Err(error) = self.serve.await {
            tracing::warn!(%error, "the server task ended abnormally");
        }
        let _ = self.background_stop.send(true);
        for task in self.background {
            let _ = task.await;
        }
        self.store.close().await;
    }
}
