//! A self-signed certificate for each signing key, published in JWKS as `x5c` with its SHA-1
//! thumbprint `x5t`, as Entra publishes its keys: libraries that validate tokens against the
//! certificate rather than `n` and `e` (older Microsoft.IdentityModel and passport-azure-ad
//! configurations) then work unchanged.

use super::keys::KeyError;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use portico_model::TenantId;
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, PKCS_RSA_SHA256};
use rustls::pki_types::PrivatePkcs8KeyDer;

/// A signing key's certificate as JWKS carries it.
pub struct KeyCertificate {
    /// The DER certificate in standard base64 (`x5c`'s one entry).
    pub x5c: String,
    /// Base64url of the certificate's SHA-1 digest.
    pub x5t: String,
}

fn to_time(at: DateTime<Utc>) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(at.timestamp())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// Certifies the RSA key in `pkcs8` for `tenant`, valid from `now` for five years (longer than
/// any key is kept in use).
pub fn certify(
    pkcs8: &[u8],
    tenant: TenantId,
    now: DateTime<Utc>,
) -> Result<KeyCertificate, KeyError> {
    let der = PrivatePkcs8KeyDer::from(pkcs8.to_vec());
    let key = KeyPair::from_pkcs8_der_and_sign_algo(&der, &PKCS_RSA_SHA256)
        .map_err(|_| KeyError::Crypto)?;
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(
        DnType::CommonName,
        format!("Portico token signing {tenant}"),
    );
    params.distinguished_name = name;
    params.not_before = to_time(now);
    params.not_after = to_time(now + Duration::days(5 * 365));
    let certificate = params.self_signed(&key).map_err(|_| KeyError::Crypto)?;
    let der = certificate.der();
    let thumbprint =
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, der.as_ref());
    Ok(KeyCertificate {
        x5c: STANDARD.encode(der.as_ref()),
        x5t: URL_SAFE_NO_PAD.encode(thumbprint.as_ref()),
    })
}
