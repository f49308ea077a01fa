//! The key that encrypts secrets at rest (AES-256-GCM): signing keys, federation client secrets,
//! TOTP secrets and queued mail bodies. It comes from configuration
//! (`PORTICO_MASTER_KEY`) or a file beside the data; every node sharing a database needs the same.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

/// Marks a text column's value as sealed; values without it predate sealing.
const SEALED_PREFIX: &str = "sealed:";

/// Whether a stored text was sealed by [`MasterKey::seal_text`] (else it is a legacy plaintext,
/// to be sealed on its next write).
pub fn is_sealed_text(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

/// Where the master key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MasterKeySource {
    /// The base64 key itself (`PORTICO_MASTER_KEY`).
    Provided(String),
    /// A file holding it, created with a new random key on first use (mode 0600).
    File(std::path::PathBuf),
    /// A random key for this process only (in-memory stores).
    Ephemeral,
}

#[derive(Debug, thiserror::Error)]
pub enum MasterKeyError {
    #[error("cannot use the master key file {path}: {source}")]
    File {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("the master key must be 32 bytes, base64-encoded")]
    Malformed,
    #[error("a sealed secret could not be decrypted: is this the master key it was sealed with?")]
    WrongKey,
    #[error("the system random source failed")]
    Random,
}

pub struct MasterKey {
    key: LessSafeKey,
    /// Authenticates opaque values handed to clients (paging tokens), derived from the same bytes.
    link_key: aws_lc_rs::hmac::Key,
}

impl MasterKey {
    /// A fresh random key (for in-memory stores, or to write to a new key file).
    pub fn generate() -> Result<(Self, String), MasterKeyError> {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| MasterKeyError::Random)?;
        let encoded = STANDARD.encode(bytes);
        Ok((Self::from_bytes(&bytes)?, encoded))
    }

    pub fn load(source: &MasterKeySource) -> Result<Self, MasterKeyError> {
        match source {
            MasterKeySource::Provided(text) => Self::from_base64(text),
            MasterKeySource::Ephemeral => Self::generate().map(|(key, _)| key),
            MasterKeySource::File(path) => {
                let io = |source| MasterKeyError::File {
                    path: path.clone(),
                    source,
                };
                if !path.exists() {
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir).map_err(io)?;
                    }
                    let (_, encoded) = Self::generate()?;
                    write_new_private(path, &encoded).map_err(io)?;
                }
                Self::from_base64(&std::fs::read_to_string(path).map_err(io)?)
            }
        }
    }

    /// Reads the base64 form (as in `PORTICO_MASTER_KEY` or the key file).
    pub fn from_base64(text: &str) -> Result<Self, MasterKeyError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| MasterKeyError::Malformed)?;
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, MasterKeyError> {
        let unbound =
            UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| MasterKeyError::Malformed)?;
        let derive = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, bytes);
        let link_bytes = aws_lc_rs::hmac::sign(&derive, b"portico link tokens v1");
        let link_key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, link_bytes.as_ref());
        Ok(Self {
            key: LessSafeKey::new(unbound),
            link_key,
        })
    }

    /// Encrypts `plaintext`, bound to `context` (the tenant and key id): nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, context: &str, plaintext: &[u8]) -> Result<Vec<u8>, MasterKeyError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| MasterKeyError::Random)?;
        let mut sealed = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut sealed,
            )
            .map_err(|_| MasterKeyError::Random)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// A tag proving Portico issued `message` (for opaque client-held values such as skip tokens).
    pub fn tag(&self, message: &[u8]) -> Vec<u8> {
        aws_lc_rs::hmac::sign(&self.link_key, message)
            .as_ref()
            .to_vec()
    }

    pub fn verify_tag(&self, message: &[u8], tag: &[u8]) -> bool {
        aws_lc_rs::hmac::verify(&self.link_key, message, tag).is_ok()
    }

    /// Seals a text for a text column: `sealed:` and the base64url of [`MasterKey::seal`].
    pub fn seal_text(&self, context: &str, plaintext: &str) -> Result<String, MasterKeyError> {
        let sealed = self.seal(context, plaintext.as_bytes())?;
        Ok(format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(sealed)))
    }

    /// Opens what [`MasterKey::seal_text`] wrote. A value without the `sealed:` prefix was
    /// written before sealing existed and is returned as it is (see [`is_sealed_text`]).
    pub fn open_text(&self, context: &str, stored: &str) -> Result<String, MasterKeyError> {
        let Some(encoded) = stored.strip_prefix(SEALED_PREFIX) else {
            return Ok(stored.to_owned());
        };
        let sealed = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| MasterKeyError::WrongKey)?;
        String::from_utf8(self.open(context, &sealed)?).map_err(|_| MasterKeyError::WrongKey)
    }

    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, MasterKeyError> {
        if sealed.len() < NONCE_LEN {
            return Err(MasterKeyError::WrongKey);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce =
            Nonce::try_assume_unique_for_key(nonce).map_err(|_| MasterKeyError::WrongKey)?;
        let mut buffer = body.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut buffer)
            .map_err(|_| MasterKeyError::WrongKey)?;
        Ok(plain.to_vec())
    }
}

/// Creates `path` with `content`, readable by its owner only; an existing file is kept (the
/// first of two racing starts wins, and both then read its key).
fn write_new_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => file.write_all(content.as_bytes()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_only_with_the_same_key_and_context() {
        let (key, encoded) = MasterKey::generate().unwrap();
        let sealed = key.seal("tenant-a/kid-1", b"secret key bytes").unwrap();
        assert_eq!(
            key.open("tenant-a/kid-1", &sealed).unwrap(),
            b"secret key bytes"
        );
        assert!(
            key.open("tenant-b/kid-1", &sealed).is_err(),
            "bound to its context"
        );
        let again = MasterKey::from_base64(&encoded).unwrap();
        assert_eq!(
            again.open("tenant-a/kid-1", &sealed).unwrap(),
            b"secret key bytes"
        );
        let (other, _) = MasterKey::generate().unwrap();
        assert!(other.open("tenant-a/kid-1", &sealed).is_err());
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
    }

    #[test]
    fn sealed_texts_open_with_their_context_and_legacy_plaintext_passes_through() {
        let (key, _) = MasterKey::generate().unwrap();
        let sealed = key.seal_text("totp:t:u", "JBSWY3DPEHPK3PXP").unwrap();
        assert!(is_sealed_text(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            key.open_text("totp:t:u", &sealed).unwrap(),
            "JBSWY3DPEHPK3PXP"
        );
        assert!(key.open_text("totp:t:other", &sealed).is_err());
        assert!(key.open_text("totp:t:u", "sealed:not base64!").is_err());
        assert!(!is_sealed_text("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            key.open_text("totp:t:u", "JBSWY3DPEHPK3PXP").unwrap(),
            "JBSWY3DPEHPK3PXP"
        );
    }

    #[test]
    fn a_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let source = MasterKeySource::File(dir.path().join("keys").join("master.key"));
        let first = MasterKey::load(&source).unwrap();
        let sealed = first.seal("ctx", b"data").unwrap();
        let second = MasterKey::load(&source).unwrap();
        assert_eq!(second.open("ctx", &sealed).unwrap(), b"data");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("keys").join("master.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0);
        }
    }
}
