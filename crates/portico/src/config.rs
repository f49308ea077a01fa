//! `portico serve`'s settings, layered as figment does: clap's defaults, then a TOML file
//! (`--config`, `PORTICO_CONFIG`), then environment variables, then flags.
//!
//! Every setting is ONE field of [`ServeSettings`]: its name is the file's key, its `#[arg]`
//! gives the flag, the environment variable and the default. Nothing else lists settings —
//! merging, unknown-key checks, `config check` and redaction all work from the field. To add a
//! `serve` option, add a field (an `Option`, so the file may leave it out; no `#[arg(id)]` or
//! `#[serde(rename)]`: the field name is both the clap id and the key) and read it in
//! [`ServeSettings::server_options`] (or wherever it is used). Secrets: add the key to
//! [`SECRET_KEYS`] (URL passwords are redacted anyway).

use anyhow::{bail, Context, Result};
use clap::builder::TypedValueParser;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use portico_app::random::Randomness;
use portico_app::seed::{self, SeedFile};
use portico_app::tokens::managed_identity::ManagedIdentity;
use portico_http::managed_identity::ManagedIdentityOptions;
use portico_http::ServerOptions;
use portico_http::{Rate, ThrottleLimits};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use url::Url;

/// Keys whose values `config check` never prints.
const SECRET_KEYS: &[&str] = &["master_key", "identity_header"];

/// Shown instead of a secret.
const REDACTED: &str = "REDACTED";

/// `portico serve` and `portico config check`: the config file and every setting.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Read settings from this TOML file (keys as below, with `_` for `-`); environment
    /// variables override it, flags override both. See docs/operations.md.
    #[arg(long, value_name = "FILE", env = "PORTICO_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub settings: ServeSettings,
}

/// Every `serve` setting. Booleans take `--flag`, `--flag=false` or `PORTICO_X=true|false`.
#[derive(Debug, Default, Clone, Args, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeSettings {
    /// Start the demo world (docs/demo-world.md) with the control API on. In memory
    /// unless a data directory or database URL is given.
    #[arg(long, value_name = "BOOL", env = "PORTICO_DEMO", default_value = "false", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = Switch)]
    pub demo: Option<bool>,
    /// Load this seed file (TOML) into an empty store.
    #[arg(long, value_name = "FILE", env = "PORTICO_SEED")]
    pub seed: Option<PathBuf>,
    /// Dev mode without the demo world: the control API (reset, clock, outbox) is on.
    #[arg(long, value_name = "BOOL", env = "PORTICO_DEV", default_value = "false", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = Switch)]
    pub dev: Option<bool>,
    /// Keep the directory in memory (the default without a data directory or database URL).
    #[arg(long, value_name = "BOOL", env = "PORTICO_IN_MEMORY", default_value = "false", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = Switch)]
    pub in_memory: Option<bool>,
    /// Persist to SQLite in this directory (portico.db).
    #[arg(long, value_name = "DIR", env = "PORTICO_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Use PostgreSQL (postgres://user@host:port/database).
    #[arg(long, value_name = "URL", env = "PORTICO_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The key (32 bytes, base64) that encrypts signing keys at rest. Every node sharing a
    /// database needs the same one. Default: a key file beside the data (data directory), in
    /// the CA directory (PostgreSQL), or a random key per process (in memory).
    #[arg(
        long,
        value_name = "BASE64",
        env = "PORTICO_MASTER_KEY",
        hide_env_values = true
    )]
    pub master_key: Option<String>,
    /// Where the local CA (the server's TLS certificate authority) lives. Default: the user's
    /// config directory, `portico/`.
    #[arg(long, value_name = "DIR", env = "PORTICO_CA_DIR")]
    pub ca_dir: Option<PathBuf>,
    /// The address to listen on.
    #[arg(
        long,
        value_name = "ADDR",
        env = "PORTICO_LISTEN",
        default_value = "127.0.0.1:8443"
    )]
    pub listen: Option<SocketAddr>,
    /// The URL clients use to reach this server; issuers, links and the demo redirect URIs
    /// follow it. Defaults to https://localhost:<listen port>.
    #[arg(long, value_name = "URL", env = "PORTICO_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Deliver mail through this SMTP relay (smtp://host:port, smtps://user:pass@host).
    #[arg(
        long,
        value_name = "URL",
        env = "PORTICO_SMTP_URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// How log lines on standard error look: `text` for people, `json` (one object a line, with
    /// `request_id`, `tenant_id` and `correlation_id` on request lines) for log collectors.
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        env = "PORTICO_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: Option<crate::cli::LogFormat>,
    /// The same as `log_format = "json"` (kept for existing deployments).
    #[arg(long, value_name = "BOOL", env = "PORTICO_LOG_JSON", default_value = "false", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = Switch, hide = true)]
    pub log_json: Option<bool>,
    /// Serve Prometheus metrics at /metrics on this address, over plain HTTP (keep it on
    /// loopback or an internal network; docs/operations.md). Off unless given.
    #[arg(long, value_name = "ADDR", env = "PORTICO_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Graph throttling: requests per second one tenant may sustain.
    #[arg(
        long,
        value_name = "N",
        env = "PORTICO_THROTTLE_TENANT_PER_SECOND",
        default_value = "2000"
    )]
    pub throttle_tenant_per_second: Option<f64>,
    /// Graph throttling: the burst one tenant may send at once.
    #[arg(
        long,
        value_name = "N",
        env = "PORTICO_THROTTLE_TENANT_BURST",
        default_value = "10000"
    )]
    pub throttle_tenant_burst: Option<f64>,
    /// Graph throttling: requests per second one application in a tenant may sustain.
    #[arg(
        long,
        value_name = "N",
        env = "PORTICO_THROTTLE_APP_PER_SECOND",
        default_value = "500"
    )]
    pub throttle_app_per_second: Option<f64>,
    /// Graph throttling: the burst one application in a tenant may send at once.
    #[arg(
        long,
        value_name = "N",
        env = "PORTICO_THROTTLE_APP_BURST",
        default_value = "2500"
    )]
    pub throttle_app_burst: Option<f64>,
    /// Dev mode: the clock stands still at this RFC 3339 instant until the control API sets or
    /// advances it, so every run sees the same times.
    #[arg(long, value_name = "RFC3339", env = "PORTICO_FROZEN_CLOCK")]
    pub frozen_clock: Option<chrono::DateTime<chrono::Utc>>,
    /// Dev mode: ids, secrets and one-time codes come from a generator seeded with this number,
    /// so every run sees the same ones. Never on a real server: secrets become predictable.
    #[arg(long, value_name = "N", env = "PORTICO_RANDOM_SEED")]
    pub random_seed: Option<u64>,
    /// Dev mode: serve the managed identity endpoints (App Service `/msi/token`, IMDS
    /// `/metadata/identity/oauth2/token`) for this service principal, TENANT/APPID (repeatable
    /// or comma-separated; the first is the system-assigned identity, others are picked by
    /// client_id, object_id or mi_res_id). See docs/managed-identity.md.
    #[arg(
        long = "managed-identity",
        value_name = "TENANT/APPID",
        env = "PORTICO_MANAGED_IDENTITY",
        value_delimiter = ','
    )]
    pub managed_identity: Option<Vec<String>>,
    /// The secret App Service's X-IDENTITY-HEADER must carry (a client's IDENTITY_HEADER).
    /// Default: a random one, printed at start.
    #[arg(
        long,
        value_name = "SECRET",
        env = "PORTICO_IDENTITY_HEADER",
        hide_env_values = true
    )]
    pub identity_header: Option<String>,
}

impl ServeArgs {
    /// The effective settings: clap's defaults, under the file, under the environment and
    /// flags (clap already puts flags over the environment). `matches` are this command's.
    pub fn layered(&self, matches: &ArgMatches) -> Result<ServeSettings> {
        let mut defaults = toml::Table::new();
        let mut given = toml::Table::new();
        for (key, value) in toml::Table::try_from(&self.settings)? {
            match matches.value_source(&key) {
                Some(ValueSource::DefaultValue) => defaults.insert(key, value),
                _ => given.insert(key, value),
            };
        }
        let mut effective = defaults;
        if let Some(path) = &self.config {
            let file = read_file(path)?;
            effective.extend(toml::Table::try_from(&file)?);
        }
        effective.extend(given);
        Ok(toml::Value::Table(effective).try_into()?)
    }
}

/// The file's settings; unknown keys and bad values are refused, naming the key.
fn read_file(path: &Path) -> Result<ServeSettings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("in config file {}", path.display()))
}

impl ServeSettings {
    pub fn is_dev_mode(&self) -> bool {
        self.demo == Some(true) || self.dev == Some(true)
    }

    /// The server's options; every conflict and bad value is refused here, before anything starts.
    pub fn server_options(
        &self,
        default_ca_dir: impl FnOnce() -> Result<PathBuf>,
    ) -> Result<ServerOptions> {
        let store = self.store_args();
        let ca_dir = match &self.ca_dir {
            Some(dir) => dir.clone(),
            None => default_ca_dir()?,
        };
        Ok(ServerOptions {
            master_key: store.master_key_source(&ca_dir),
            throttle: self.throttle()?,
            listen: self.listen.context("no listen address")?,
            public_url: self.public_url()?,
            store: store.store_config()?,
            seed: self.seed_file()?,
            dev_mode: self.is_dev_mode(),
            ca_dir,
            smtp_url: self.smtp_url.clone(),
            frozen_clock: self.frozen_clock,
            random_seed: self.random_seed,
            managed_identity: self.managed_identity()?,
            metrics_listen: self.metrics_listen,
        })
    }

    /// The log format: `log_format`, or JSON when the older `log_json` says so.
    pub fn log_format(&self) -> crate::cli::LogFormat {
        match self.log_json {
            Some(true) => crate::cli::LogFormat::Json,
            _ => self.log_format.unwrap_or_default(),
        }
    }

    /// Where the data lives, checked for conflicts.
    fn store_args(&self) -> crate::cli::StoreArgs {
        crate::cli::StoreArgs {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            master_key: self.master_key.clone(),
        }
    }

    fn check_conflicts(&self) -> Result<()> {
        if self.demo == Some(true) && self.seed.is_some() {
            bail!("demo and seed cannot both be set: the demo world is a seed");
        }
        if self.data_dir.is_some() && self.database_url.is_some() {
            bail!("data_dir and database_url cannot both be set");
        }
        if self.in_memory == Some(true) && (self.data_dir.is_some() || self.database_url.is_some())
        {
            bail!("in_memory cannot be set with data_dir or database_url");
        }
        Ok(())
    }

    fn public_url(&self) -> Result<Option<Url>> {
        self.public_url
            .as_deref()
            .map(|text| {
                Url::parse(text).with_context(|| format!("public_url: '{text}' is not a URL"))
            })
            .transpose()
    }

    fn throttle(&self) -> Result<ThrottleLimits> {
        let positive = |value: Option<f64>, key: &str| match value {
            Some(number) if number.is_finite() && number > 0.0 => Ok(number),
            Some(number) => bail!("{key}: expected a number above 0, not {number}"),
            None => bail!("{key}: no value"),
        };
        Ok(ThrottleLimits {
            per_tenant: Rate {
                per_second: positive(
                    self.throttle_tenant_per_second,
                    "throttle_tenant_per_second",
                )?,
                burst: positive(self.throttle_tenant_burst, "throttle_tenant_burst")?,
            },
            per_app: Rate {
                per_second: positive(self.throttle_app_per_second, "throttle_app_per_second")?,
                burst: positive(self.throttle_app_burst, "throttle_app_burst")?,
            },
        })
    }

    /// The managed identity endpoints' options, when any identity is configured.
    fn managed_identity(&self) -> Result<Option<ManagedIdentityOptions>> {
        let identities = match &self.managed_identity {
            Some(list) if !list.is_empty() => list,
            _ => return Ok(None),
        };
        let identities = identities
            .iter()
            .map(|text| ManagedIdentity::parse(text.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        let identity_header = match &self.identity_header {
            Some(header) => header.clone(),
            None => Randomness::system().secret(),
        };
        Ok(Some(ManagedIdentityOptions {
            identities,
            identity_header,
        }))
    }

    fn seed_file(&self) -> Result<Option<SeedFile>> {
        self.check_conflicts()?;
        if self.demo == Some(true) {
            return Ok(Some(seed::demo()?));
        }
        match &self.seed {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read seed file {}", path.display()))?;
                Ok(Some(seed::parse(&text).with_context(|| {
                    format!("in seed file {}", path.display())
                })?))
            }
            None => Ok(None),
        }
    }

    /// The settings as a config file, secrets and URL passwords redacted.
    pub fn redacted_toml(&self) -> Result<String> {
        let mut table = toml::Table::try_from(self)?;
        for (key, value) in table.iter_mut() {
            if SECRET_KEYS.contains(&key.as_str()) {
                *value = toml::Value::String(REDACTED.to_owned());
            } else if let toml::Value::String(text) = value {
                *text = without_password(text);
            }
        }
        Ok(toml::to_string(&table)?)
    }
}

/// A URL's password replaced (smtps://user:REDACTED@host); anything else as it is.
fn without_password(text: &str) -> String {
    match Url::parse(text) {
        Ok(mut url) if url.password().is_some() => match url.set_password(Some(REDACTED)) {
            Ok(()) => url.to_string(),
            Err(()) => REDACTED.to_owned(),
        },
        _ => text.to_owned(),
    }
}

/// A boolean flag or variable: `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`); anything
/// else is refused naming the flag and its variable, never taken as "off".
#[derive(Clone)]
struct Switch;

impl TypedValueParser for Switch {
    type Value = bool;

    fn parse_ref(
        &self,
        _command: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<bool, clap::Error> {
        let text = value.to_string_lossy();
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" => Ok(false),
            _ => {
                let flag = arg.and_then(clap::Arg::get_long).unwrap_or("?");
                let env = arg
                    .and_then(clap::Arg::get_env)
                    .map(|name| format!(" (or {})", name.to_string_lossy()))
                    .unwrap_or_default();
                Err(clap::Error::raw(
                    clap::error::ErrorKind::InvalidValue,
                    format!("invalid value '{text}' for --{flag}{env}: expected true or false\n"),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Serve {
        #[command(flatten)]
        settings: ServeSettings,
    }

    #[test]
    fn the_throttle_defaults_are_the_servers() {
        let settings = Serve::parse_from(["portico"]).settings;
        assert_eq!(settings.throttle().unwrap(), ThrottleLimits::default());
    }
}
