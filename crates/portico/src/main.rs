//! `portico`: serve the directory, print the local CA certificate.

mod cli;
mod directory;
mod report;
mod whatif;

use anyhow::{Context, Result};
use clap::Parser;
use cli::{Cli, Command, RotateKeysArgs, ServeArgs};
use portico_app::tokens::keys::KeyRing;
use portico_app::tokens::master_key::MasterKey;
use portico_http::tls::{default_ca_dir, LocalCa};
use portico_http::{start, ServerOptions};
use portico_model::{DomainName, TenantId};
use portico_store::{SqlStore, Store};
use std::path::PathBuf;
use std::time::Duration;

fn main() -> Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve(*args).await,
            Command::CaCert { path } => ca_cert(path),
            Command::RotateKeys(args) => rotate_keys(args).await,
            Command::Invite(args) => directory::invite(args).await,
            Command::Import(args) => directory::import(args).await,
            Command::WhatIf(args) => whatif::what_if(*args).await,
            Command::Report(args) => report::report(args).await,
            Command::Openapi { markdown } => {
                use portico_http::graph::openapi::{document_text, endpoint_table_text};
                let text = if markdown {
                    endpoint_table_text()
                } else {
                    document_text()
                };
                print!("{text}");
                Ok(())
            }
        }
    })
}

/// Where the local CA lives (and, for PostgreSQL without `PORTICO_MASTER_KEY`, the master key).
pub(crate) fn ca_dir() -> Result<PathBuf> {
    let from_env = std::env::var_os("PORTICO_CA_DIR").map(PathBuf::from);
    let config_dir = directories::BaseDirs::new().map(|dirs| dirs.config_dir().to_owned());
    default_ca_dir(from_env, config_dir).context("no config directory: set PORTICO_CA_DIR")
}

/// `portico ca-cert [--path]`: the CA's PEM, or its file (created if this is the first use).
fn ca_cert(path_only: bool) -> Result<()> {
    #[allow(clippy::disallowed_methods)] // The CA's validity starts now; no directory clock here.
    let now = chrono::Utc::now();
    let ca = LocalCa::load_or_create(&ca_dir()?, now)?;
    if path_only {
        println!("{}", ca.cert_path().display());
    } else {
        print!("{}", ca.cert_pem());
    }
    Ok(())
}

/// `portico rotate-keys --tenant T` against the store a server uses.
async fn rotate_keys(args: RotateKeysArgs) -> Result<()> {
    cli::init_logging(cli::LogFormat::Text);
    let store = std::sync::Arc::new(SqlStore::open(&args.store.store_config()?).await?);
    let master_key = MasterKey::load(&args.store.master_key_source(&ca_dir()?))?;
    #[allow(clippy::disallowed_methods)] // A command run by a person: now is the wall clock.
    let now = chrono::Utc::now();
    let tenant = match TenantId::parse(&args.tenant) {
        Ok(id) => store.find_tenant(id).await?,
        Err(_) => {
            store
                .find_tenant_by_domain(&DomainName::parse(&args.tenant)?)
                .await?
        }
    }
    .with_context(|| format!("no tenant has the id or verified domain '{}'", args.tenant))?;
    let keys = KeyRing::new(store.clone(), master_key);
    let (kid, active_from) = keys.rotate(tenant.id, now).await?;
    println!(
        "{}: new key {kid} is published now and signs from {active_from}",
        tenant.display_name
    );
    store.close().await;
    Ok(())
}

async fn serve(args: ServeArgs) -> Result<()> {
    cli::init_logging(args.log_format());
    let ca_dir = ca_dir()?;
    let managed_identity = args.managed_identity()?;
    // A header Portico drew is shown at start; a given one is the operator's secret already.
    let shown_header = managed_identity.as_ref().map(|options| {
        if args.identity_header.is_some() {
            "<your --identity-header>".to_owned()
        } else {
            options.identity_header.clone()
        }
    });
    let options = ServerOptions {
        master_key: args.store.master_key_source(&ca_dir),
        throttle: portico_http::ThrottleLimits::default(),
        listen: args.listen,
        public_url: args.public_url.clone(),
        store: args.store.store_config()?,
        seed: args.seed_file()?,
        dev_mode: args.demo || args.dev,
        ca_dir,
        smtp_url: args.smtp_url.clone(),
        frozen_clock: args.frozen_clock,
        random_seed: args.random_seed,
        managed_identity,
        metrics_listen: args.metrics_listen,
    };
    let stop = ShutdownSignal::install();
    let server = start(options).await?;
    say(&format!(
        "Portico is serving {} on {}",
        server.public_url, server.local_addr
    ));
    say(&format!(
        "Trust its CA certificate: {}",
        server.ca_cert_path.display()
    ));
    if let Some(addr) = server.metrics_addr {
        say(&format!("Metrics: http://{addr}/metrics"));
    }
    if server.app.config().dev_mode {
        say(&format!(
            "Dev mode: the control API is at {}portico/v1/",
            server.public_url
        ));
    }
    if let Some(header) = shown_header {
        say(&format!(
            "Managed identity: IDENTITY_ENDPOINT={}msi/token IDENTITY_HEADER={header} \
             AZURE_POD_IDENTITY_AUTHORITY_HOST={}",
            server.public_url,
            server.public_url.as_str().trim_end_matches('/')
        ));
    }
    stop.wait().await;
    tracing::info!("shutting down");
    server.shutdown(Duration::from_secs(30)).await;
    Ok(())
}

/// A line on standard output. A server keeps running when nobody reads its output any more.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// SIGTERM and Ctrl-C, listened for from the moment this is created, so a signal that arrives
/// right after the server says it is serving still stops it gracefully.
struct ShutdownSignal {
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl ShutdownSignal {
    fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let listen = |kind: SignalKind, name: &str| match signal(kind) {
                Ok(stream) => Some(stream),
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for {name}");
                    None
                }
            };
            Self {
                terminate: listen(SignalKind::terminate(), "SIGTERM"),
                interrupt: listen(SignalKind::interrupt(), "Ctrl-C"),
            }
        }
        #[cfg(not(unix))]
        Self {}
    }

    async fn wait(self) {
        #[cfg(unix)]
        {
            async fn next(stream: Option<tokio::signal::unix::Signal>) {
                match stream {
                    Some(mut stream) => {
                        stream.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                _ = next(self.terminate) => {}
                _ = next(self.interrupt) => {}
            }
        }
        #[cfg(not(unix))]
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    }
}
