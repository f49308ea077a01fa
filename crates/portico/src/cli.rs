//! Command-line arguments (clap) and their translation into server options.

pub use crate::config::ServeArgs;
use anyhow::{bail, Result};
use clap::{Args, Parser, Subcommand};
use portico_http::MasterKeySource;
use portico_store::StoreConfig;
use std::path::{Path, PathBuf};
use url::Url;

#[derive(Debug, Parser)]
#[command(
    name = "portico",
    version,
    about = "A self-hostable multi-tenant identity directory for B2B collaboration, Entra-compatible."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve Graph, the token service and the pages over HTTPS.
    Serve(Box<ServeArgs>),
    /// Check a configuration: `portico config check --config FILE`.
    Config(ConfigArgs),
    /// Rotate a tenant's signing key: the next key is published now and signs from an hour
    /// later; the current one stays published until its tokens have expired. Running servers
    /// pick the change up within a minute.
    RotateKeys(RotateKeysArgs),
    /// Invite external users into a tenant: one address, or every row of a CSV file (the
    /// portal's bulk-invite template). Re-running a CSV creates no second guest.
    Invite(InviteArgs),
    /// Import accounts synced from on-premises AD (CSV: userPrincipalName, displayName, mail,
    /// userType — Guest by default), as the seed's "Windows Server AD" source.
    Import(ImportArgs),
    /// Evaluate a hypothetical sign-in without performing it: the decision, who must act, and
    /// the trace of every check across both tenants ("why can't my guest sign in?").
    WhatIf(Box<WhatIfArgs>),
    /// Reports read from the store a server uses.
    Report(ReportArgs),
    /// Print the OpenAPI description of Portico's Graph subset (docs/openapi/graph.json).
    Openapi {
        /// Print the endpoint table instead (docs/endpoints.md).
        #[arg(long)]
        markdown: bool,
    },
    /// Print the local CA certificate (PEM) that clients must trust.
    CaCert {
        /// Print the certificate file's path instead of its content.
        #[arg(long)]
        path: bool,
    },
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration `serve` would run with (file, environment and flags, with
    /// the same options as `serve`) and print it as a config file, secrets redacted. Exits
    /// non-zero with the error when it is not valid.
    Check(Box<ServeArgs>),
}

/// Where the data lives, for every command that opens the store.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// Persist to SQLite in this directory (portico.db).
    #[arg(
        long,
        value_name = "DIR",
        env = "PORTICO_DATA_DIR",
        conflicts_with = "database_url"
    )]
    pub data_dir: Option<PathBuf>,
    /// Use PostgreSQL (postgres://user@host:port/database).
    #[arg(long, value_name = "URL", env = "PORTICO_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The key (32 bytes, base64) that encrypts signing keys at rest. Every node sharing a
    /// database needs the same one. Default: a key file beside the data (`--data-dir`), in the
    /// config directory (PostgreSQL), or a random key per process (in memory).
    #[arg(
        long,
        value_name = "BASE64",
        env = "PORTICO_MASTER_KEY",
        hide_env_values = true
    )]
    pub master_key: Option<String>,
}

impl StoreArgs {
    pub fn store_config(&self) -> Result<StoreConfig> {
        if let Some(url) = &self.database_url {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                bail!("--database-url must be a postgres:// URL");
            }
            return Ok(StoreConfig::Postgres {
                url: url.clone(),
                schema: None,
                max_connections: 16,
            });
        }
        Ok(match &self.data_dir {
            Some(dir) => StoreConfig::SqliteFile(dir.join("portico.db")),
            None => StoreConfig::SqliteMemory,
        })
    }

    /// The store of a server that has run. Commands that read or change a directory never
    /// create an empty one: a mistyped path would otherwise answer "no tenant has the id…".
    pub fn existing_store_config(&self) -> Result<StoreConfig> {
        match self.store_config()? {
            StoreConfig::SqliteMemory => bail!(
                "no store given: pass --data-dir DIR or --database-url URL (or set \
                 PORTICO_DATA_DIR or PORTICO_DATABASE_URL), the store `portico serve` uses"
            ),
            StoreConfig::SqliteFile(path) if !path.is_file() => bail!(
                "no Portico database at {}: --data-dir must be the directory a \
                 `portico serve --data-dir` has used",
                path.display()
            ),
            config => Ok(config),
        }
    }

    pub fn master_key_source(&self, config_dir: &Path) -> MasterKeySource {
        if let Some(key) = &self.master_key {
            return MasterKeySource::Provided(key.clone());
        }
        if self.database_url.is_some() {
            tracing::warn!(
                "no PORTICO_MASTER_KEY: using a key file in {}; every node on this database needs the same key",
                config_dir.display()
            );
            return MasterKeySource::File(config_dir.join("master.key"));
        }
        match &self.data_dir {
            Some(dir) => MasterKeySource::File(dir.join("master.key")),
            None => MasterKeySource::Ephemeral,
        }
    }
}

#[derive(Debug, Args)]
pub struct RotateKeysArgs {
    /// The tenant, by id or verified domain.
    #[arg(long)]
    pub tenant: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// The inviting (resource) tenant, by id or verified domain.
    #[arg(long)]
    pub tenant: String,
    /// The address to invite.
    #[arg(long, conflicts_with = "csv")]
    pub email: Option<String>,
    /// A CSV of invitations.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    #[arg(long)]
    pub display_name: Option<String>,
    /// Send the invitation e-mail (to the outbox, or through the server's SMTP relay).
    #[arg(long)]
    pub send_email: bool,
    /// Invite as a member instead of a guest.
    #[arg(long)]
    pub member: bool,
    /// Where the invitee lands after accepting (rows of a CSV may set their own).
    #[arg(long, default_value = "https://myapplications.microsoft.com")]
    pub redirect_url: String,
    /// The server's public URL, for the redeem links.
    #[arg(
        long,
        default_value = "https://localhost:8443",
        env = "PORTICO_PUBLIC_URL"
    )]
    pub public_url: Url,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(long)]
    pub tenant: String,
    /// The CSV of synced accounts.
    #[arg(long, value_name = "FILE")]
    pub synced: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// The shape of log lines.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Logs to standard error, filtered by `PORTICO_LOG`. Colours only on a terminal: a file or a
/// log collector would get escape codes.
pub fn init_logging(format: LogFormat) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_env("PORTICO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        // The request span's fields (request_id, tenant_id, correlation_id) ride on every line.
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}

#[derive(Debug, Args)]
pub struct WhatIfArgs {
    /// A member's or guest's UPN, or a home account's address (alice@fabrikam.com).
    #[arg(long)]
    pub user: String,
    /// The tenant signed in to, by id or verified domain.
    #[arg(long)]
    pub resource_tenant: String,
    /// The application's client id.
    #[arg(long)]
    pub app: String,
    /// The client's IP address (for named locations).
    #[arg(long)]
    pub ip: Option<String>,
    /// A request header, "Name: value" (repeatable): Restrict-Access-To-Tenants,
    /// Restrict-Access-Context, sec-Restrict-Tenant-Access-Policy, User-Agent.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// The home tenant reports the device as compliant.
    #[arg(long)]
    pub device_compliant: bool,
    /// The home tenant reports the device as hybrid joined.
    #[arg(long)]
    pub device_domain_joined: bool,
    /// The guest did MFA at home.
    #[arg(long)]
    pub home_mfa: bool,
    /// The user did MFA in the resource tenant.
    #[arg(long)]
    pub mfa: bool,
    /// The sign-in risk: none, low, medium, high.
    #[arg(long)]
    pub sign_in_risk: Option<String>,
    /// Print the control API's JSON answer instead of the text trace.
    #[arg(long)]
    pub json: bool,
    /// Evaluate against a fresh demo world in memory.
    #[arg(long, conflicts_with_all = ["seed", "data_dir", "database_url"])]
    pub demo: bool,
    /// Evaluate against a fresh world built from this seed file, in memory.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["data_dir", "database_url"])]
    pub seed: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub report: Report,
}

#[derive(Debug, Subcommand)]
pub enum Report {
    /// Monthly active users: the guests with a successful sign-in in a tenant that month (UTC),
    /// and what is billable past the free 50,000. Several tenants stand for one subscription and
    /// share the free tier: a total row bills them together.
    Mau(MauArgs),
}

#[derive(Debug, Args)]
pub struct MauArgs {
    /// A tenant, by id or verified domain (repeatable, or comma-separated).
    #[arg(
        long = "tenant",
        value_name = "TENANT",
        required = true,
        value_delimiter = ','
    )]
    pub tenants: Vec<String>,
    /// The month, YYYY-MM (UTC). Default: this month.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub month: Option<portico_model::month::Month>,
    /// A history instead: this many months, up to and including --month (at most 36).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=portico_app::reports::MAX_HISTORY_MONTHS))]
    pub months: Option<u32>,
    /// Print the control API's JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

fn parse_month(
    text: &str,
) -> Result<portico_model::month::Month, portico_model::month::MonthError> {
    portico_model::month::Month::parse(text)
}
