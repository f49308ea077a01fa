//! X.509 certificates registered as application key credentials: just enough DER to find the
//! RSA public key (tbsCertificate → subjectPublicKeyInfo), and the thumbprints client
//! assertions name the certificate by (`x5t`: SHA-1, `x5t#S256`: SHA-256, base64url of the DER's
//! digest).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use portico_model::application::KeyCredential;

/// `rsaEncryption` (1.2.840.113549.1.1.1) as DER content.
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// A registered certificate's RSA key (PKCS#1 `RSAPublicKey` DER) and thumbprints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateKey {
    pub rsa_public_key: Vec<u8>,
    pub x5t: String,
    pub x5t_s256: String,
}

/// One DER element: its tag, its content and what follows it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = match first {
        short if short < 0x80 => (usize::from(short), rest),
        long => {
            let count = usize::from(long & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return None;
            }
            let (bytes, rest) = rest.split_at(count);
            let length = bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (length, rest)
        }
    };
    if rest.len() < length {
        return None;
    }
    let (content, rest) = rest.split_at(length);
    Some((tag, content, rest))
}

/// The content of an element of `tag`, and what follows it.
fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (found, content, rest) = element(input)?;
    (found == tag).then_some((content, rest))
}

const SEQUENCE: u8 = 0x30;

/// The RSA public key of a DER certificate, or `None` for anything else.
fn rsa_key_of(der: &[u8]) -> Option<Vec<u8>> {
    let (certificate, _) = expect(der, SEQUENCE)?;
    let (tbs, _) = expect(certificate, SEQUENCE)?;
    // [0] version (optional), serial, signature algorithm, issuer, validity, subject.
    let mut rest = tbs;
    if let Some((0xa0, _, after)) = element(rest) {
        rest = after;
    }
    for tag in [0x02, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE] {
        rest = expect(rest, tag)?.1;
    }
    let (spki, _) = expect(rest, SEQUENCE)?;
    let (algorithm, after) = expect(spki, SEQUENCE)?;
    let (oid, _) = expect(algorithm, 0x06)?;
    if oid != RSA_ENCRYPTION {
        return None;
    }
    let (bits, _) = expect(after, 0x03)?;
    let (&unused, key) = bits.split_first()?;
    (unused == 0 && expect(key, SEQUENCE).is_some()).then(|| key.to_vec())
}

fn thumbprint(algorithm: &'static aws_lc_rs::digest::Algorithm, der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(algorithm, der).as_ref())
}

/// Reads a certificate given as base64 DER (Graph's `keyCredential.key`) or PEM.
pub fn read_certificate(text: &str) -> Option<(Vec<u8>, CertificateKey)> {
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .flat_map(|line| line.chars().filter(|c| !c.is_whitespace()))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .ok()?;
    let key = certificate_key(&der)?;
    Some((der, key))
}

/// The key and thumbprints of a DER certificate with an RSA key.
pub fn certificate_key(der: &[u8]) -> Option<CertificateKey> {
    Some(CertificateKey {
        rsa_public_key: rsa_key_of(der)?,
        x5t: thumbprint(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, der),
        x5t_s256: thumbprint(&aws_lc_rs::digest::SHA256, der),
    })
}

impl crate::App {
    /// Registers a certificate (PEM or base64 DER) on an application for client assertions
    /// (the dev-mode control API; Graph's `/applications` is issue 16's). Returns the new key
    /// credential and the certificate's key.
    pub async fn add_key_credential(
        &self,
        tenant: portico_model::TenantId,
        client_id: &str,
        certificate: &str,
        display_name: Option<String>,
    ) -> Result<(KeyCredential, CertificateKey), crate::AppError> {
        use crate::AppError;
        use portico_store::{StoreError, Write};
        let client_id = portico_model::ClientId::parse(client_id)
            .map_err(|_| AppError::Store(StoreError::NotFound))?;
        let mut app = self
            .store()
            .find_application(tenant, client_id)
            .await?
            .ok_or(AppError::Store(StoreError::NotFound))?;
        let (der, key) = read_certificate(certificate).ok_or_else(|| {
            portico_model::Invalid::new(
                "key",
                "The key is not an X.509 certificate with an RSA public key.",
            )
        })?;
        let credential = KeyCredential {
            key_id: self.random().object_id(),
            display_name,
            certificate_base64: base64::engine::general_purpose::STANDARD.encode(der),
            start_at: Some(self.now()),
            end_at: None,
        };
        app.key_credentials.push(credential.clone());
        self.store()
            .apply(tenant, vec![Write::UpdateApplication(app)])
            .await?;
        Ok((credential, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_certificate() {
        assert_eq!(certificate_key(b""), None);
        assert_eq!(certificate_key(&[0x30, 0x82, 0xff]), None);
        assert_eq!(read_certificate("not base64 at all!"), None);
    }
}
