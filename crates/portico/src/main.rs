//! `portico`: serve the directory, print the local CA certificate.

mod cli;
mod config;
mod directory;
mod output;
mod report;
mod whatif;

use anyhow::{Context, Result};
use clap::{ArgMatches, CommandFactory, FromArgMatches};
use cli::{Cli, Command, ConfigCommand, RotateKeysArgs, ServeArgs};
use portico_app::tokens::keys::KeyRing;
use portico_app::tokens::master_key::MasterKey;
use portico_http::tls::{default_ca_dir, LocalCa};
use portico_http::{start, ServerOptions};
use portico_model::{DomainName, TenantId};
use portico_store::{SqlStore, Store};
use std::path::PathBuf;
use std::time::Duration;

fn main() -> Result<()> {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve(*args, subcommand_matches(&matches, &["serve"])).await,
            Command::Config(config) => match config.command {
                ConfigCommand::Check(args) => {
                    config_check(&args, subcommand_matches(&matches, &["config", "check"]))
                }
            },
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
                crate::output::print(&text)?;
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
        crate::output::println(&ca.cert_path().display().to_string())?;
    } else {
        crate::output::print(ca.cert_pem())?;
    }
    Ok(())
}

/// `portico rotate-keys --tenant T` against the store a server uses.
async fn rotate_keys(args: RotateKeysArgs) -> Result<()> {
    cli::init_logging(cli::LogFormat::Text);
    let store = std::sync::Arc::new(SqlStore::open(&args.store.existing_store_config()?).await?);
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
    crate::output::println(&format!(
        "{}: new key {kid} is published now and signs from {active_from}",
        tenant.display_name
    ))?;
    store.close().await;
    Ok(())
}

/// The matches of a nested subcommand (`serve`, `config check`): clap tells defaults from
/// given values there, which the config file's layering needs.
fn subcommand_matches<'a>(matches: &'a ArgMatches, path: &[&str]) -> &'a ArgMatches {
    path.iter().fold(matches, |matches, name| {
        matches.subcommand_matches(name).unwrap_or(matches)
    })
}

/// `portico config check`: the effective settings, validated, printed with secrets redacted.
fn config_check(args: &ServeArgs, matches: &ArgMatches) -> Result<()> {
    let settings = args.layered(matches)?;
    settings.server_options(ca_dir)?.check()?;
    crate::output::print(&settings.redacted_toml()?)?;
    Ok(())
}

async fn serve(args: ServeArgs, matches: &ArgMatches) -> Result<()> {
    let settings = args.layered(matches)?;
    cli::init_logging(settings.log_format());
    if let Some(path) = &args.config {
        tracing::info!(file = %path.display(), "settings from a config file");
    }
    let options: ServerOptions = settings.server_options(ca_dir)?;
    // A header Portico drew is shown at start; a given one is the operator's secret already.
    let shown_header = options.managed_identity.as_ref().map(|options| {
        if settings.identity_header.is_some() {
            "<your identity_header>".to_owned()
        } else {
            options.identity_header.clone()
        }
    });
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
