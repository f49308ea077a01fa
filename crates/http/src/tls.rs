//! HTTPS from a local certificate authority, as mkcert does: the CA is created once per user (in
//! Portico's config directory, or `PORTICO_CA_DIR`) and reused by every start, so clients trust it
//! once (`REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`). Each start issues a fresh
//! server certificate for localhost, the loopback addresses and the public URL's host.

use chrono::{DateTime, Duration, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot use the CA directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("certificate generation failed: {0}")]
    Cert(#[from] rcgen::Error),
    #[error("the CA file {0} is damaged; delete it to create a new CA (clients must then trust the new one)")]
    Damaged(PathBuf),
    #[error("TLS configuration failed: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The public CA certificate clients should trust.
pub const CA_CERT_FILE: &str = "ca.pem";
/// The CA key and certificate, private to this user.
const CA_KEY_FILE: &str = "ca-key.pem";
const CA_NAME: &str = "Portico Local Development CA";

/// The local CA: its key and certificate.
pub struct LocalCa {
    key: KeyPair,
    cert_pem: String,
    cert_path: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TlsError + '_ {
    move |source| TlsError::Io {
        path: path.to_owned(),
        source,
    }
}

fn to_time(at: DateTime<Utc>) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(at.timestamp())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn ca_params(now: DateTime<Utc>) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, CA_NAME);
    name.push(DnType::OrganizationName, "Portico");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = to_time(now - Duration::days(1));
    params.not_after = to_time(now + Duration::days(3650));
    params
}

impl LocalCa {
    /// Loads the CA from `dir`, creating it on first use. Safe when several servers start at
    /// once: the first to link its key file wins and the others read it.
    pub fn load_or_create(dir: &Path, now: DateTime<Utc>) -> Result<Self, TlsError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let key_path = dir.join(CA_KEY_FILE);
        if !key_path.exists() {
            let key = KeyPair::generate()?;
            let cert = ca_params(now).self_signed(&key)?;
            let temp = dir.join(format!("{CA_KEY_FILE}.{}.tmp", std::process::id()));
            write_private(&temp, &format!("{}{}", key.serialize_pem(), cert.pem()))?;
            // hard_link never replaces an existing file: a concurrent winner's CA is kept.
            let linked = std::fs::hard_link(&temp, &key_path);
            let _ = std::fs::remove_file(&temp);
            match linked {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(TlsError::Io {
                        path: key_path,
                        source: e,
                    })
                }
            }
        }
        let both = std::fs::read_to_string(&key_path).map_err(io(&key_path))?;
        let split = both
            .find("-----BEGIN CERTIFICATE-----")
            .ok_or_else(|| TlsError::Damaged(key_path.clone()))?;
        let (key_pem, cert_pem) = both.split_at(split);
        let key = KeyPair::from_pem(key_pem).map_err(|_| TlsError::Damaged(key_path.clone()))?;
        let cert_path = dir.join(CA_CERT_FILE);
        if std::fs::read_to_string(&cert_path).ok().as_deref() != Some(cert_pem) {
            let temp = dir.join(format!("{CA_CERT_FILE}.{}.tmp", std::process::id()));
            std::fs::write(&temp, cert_pem).map_err(io(&temp))?;
            std::fs::rename(&temp, &cert_path).map_err(io(&cert_path))?;
        }
        Ok(Self {
            key,
            cert_pem: cert_pem.to_owned(),
            cert_path,
        })
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// Where the CA certificate is (what `portico ca-cert --path` prints).
    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    /// A rustls server configuration with a fresh certificate for `hosts` (DNS names or IPs).
    pub fn server_config(
        &self,
        hosts: &[String],
        now: DateTime<Utc>,
    ) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        // Re-creating the CA certificate from the same name and key yields an issuer that chains to
        // the stored certificate (same subject, same key identifier).
        let issuer = ca_params(now).self_signed(&self.key)?;
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, "Portico server");
        for host in hosts {
            let san = match host.trim_matches(['[', ']']).parse::<IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName(host.clone().try_into()?),
            };
            if !params.subject_alt_names.contains(&san) {
                params.subject_alt_names.push(san);
            }
        }
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.not_before = to_time(now - Duration::hours(1));
        params.not_after = to_time(now + Duration::days(365));
        let leaf_key = KeyPair::generate()?;
        let leaf = params.signed_by(&leaf_key, &issuer, &self.key)?;
        let chain = vec![
            CertificateDer::from(leaf.der().to_vec()),
            CertificateDer::from(issuer.der().to_vec()),
        ];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> Result<(), TlsError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(io(path))?;
    file.write_all(content.as_bytes()).map_err(io(path))
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> Result<(), TlsError> {
    std::fs::write(path, content).map_err(io(path))
}

/// The CA directory: `PORTICO_CA_DIR`, else `<config dir>/portico`.
pub fn default_ca_dir(
    env_override: Option<PathBuf>,
    config_dir: Option<PathBuf>,
) -> Option<PathBuf> {
    env_override.or_else(|| config_dir.map(|dir| dir.join("portico")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_ca_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let first = LocalCa::load_or_create(dir.path(), now).unwrap();
        let second = LocalCa::load_or_create(dir.path(), now + Duration::days(3)).unwrap();
        assert_eq!(first.cert_pem(), second.cert_pem());
        assert_eq!(
            std::fs::read_to_string(first.cert_path()).unwrap(),
            first.cert_pem()
        );
        assert!(!std::fs::read_to_string(first.cert_path())
            .unwrap()
            .contains("PRIVATE KEY"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(CA_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the CA key is private to its owner");
        }
        second
            .server_config(&["localhost".into(), "127.0.0.1".into(), "::1".into()], now)
            .unwrap();
    }

    #[test]
    fn a_damaged_ca_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CA_KEY_FILE), "garbage").unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        assert!(matches!(
            LocalCa::load_or_create(dir.path(), now),
            Err(TlsError::Damaged(_))
        ));
    }
}
