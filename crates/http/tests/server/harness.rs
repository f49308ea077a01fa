//! `spawn`: a server on its own port, store and CA directory, and a client that trusts the CA.

use portico_app::seed;
use portico_http::{start, MasterKeySource, RunningServer, ServerOptions};
use portico_store::StoreConfig;
use reqwest::Client;
use std::time::Duration;

pub struct TestServer {
    pub server: Option<RunningServer>,
    pub client: Client,
    pub base: String,
    pub ca_dir: tempfile::TempDir,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }
    pub fn running(&self) -> &RunningServer {
        self.server.as_ref().expect("server running")
    }
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown(Duration::from_secs(5)).await;
        }
    }
}

/// A JSON request with a bearer token: the status and the JSON body (`null` when there is none).
pub async fn call(
    server: &TestServer,
    method: &str,
    token: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut request = server
        .client
        .request(method.parse().expect("method"), server.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

pub struct Spawn {
    pub demo: bool,
    pub dev_mode: bool,
    pub store: StoreConfig,
    pub ca_dir: Option<tempfile::TempDir>,
    /// A seed file's text to use instead of the demo world.
    pub seed: Option<&'static str>,
    pub throttle: portico_http::ThrottleLimits,
    /// An SMTP relay (`smtp://127.0.0.1:port`): queued mail is delivered there.
    pub smtp_url: Option<String>,
    /// A clock that stands still at this instant.
    pub frozen_clock: Option<chrono::DateTime<chrono::Utc>>,
    /// Ids, secrets and codes from a generator seeded with this number.
    pub random_seed: Option<u64>,
    /// The managed identity endpoints, for these service principals.
    pub managed_identity: Option<portico_http::managed_identity::ManagedIdentityOptions>,
    /// Serve `/metrics` on a loopback port of its own (`RunningServer::metrics_addr`).
    pub metrics: bool,
}

impl Default for Spawn {
    fn default() -> Self {
        Self {
            demo: true,
            dev_mode: true,
            store: StoreConfig::SqliteMemory,
            ca_dir: None,
            seed: None,
            throttle: portico_http::ThrottleLimits::default(),
            smtp_url: None,
            frozen_clock: None,
            random_seed: None,
            managed_identity: None,
            metrics: false,
        }
    }
}

pub async fn spawn_demo() -> TestServer {
    spawn(Spawn::default()).await
}

pub async fn spawn(options: Spawn) -> TestServer {
    let ca_dir = options
        .ca_dir
        .unwrap_or_else(|| tempfile::tempdir().expect("temp dir"));
    let server = start(ServerOptions {
        listen: "127.0.0.1:0".parse().expect("address"),
        public_url: None,
        store: options.store.clone(),
        seed: match options.seed {
            Some(text) => Some(seed::parse(text).expect("test seed")),
            None => options.demo.then(|| seed::demo().expect("demo seed")),
        },
        dev_mode: options.dev_mode,
        ca_dir: ca_dir.path().to_owned(),
        smtp_url: options.smtp_url,
        throttle: options.throttle,
        frozen_clock: options.frozen_clock,
        random_seed: options.random_seed,
        managed_identity: options.managed_identity,
        metrics_listen: options
            .metrics
            .then(|| "127.0.0.1:0".parse().expect("address")),
        master_key: match &options.store {
            StoreConfig::SqliteFile(path) => MasterKeySource::File(path.with_extension("key")),
            _ => MasterKeySource::Ephemeral,
        },
    })
    .await
    .expect("server starts");
    let pem = std::fs::read(&server.ca_cert_path).expect("CA certificate written");
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let client = Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("CA PEM"))
        .build()
        .expect("client");
    let base = server.public_url.to_string();
    TestServer {
        server: Some(server),
        client,
        base,
        ca_dir,
    }
}
