//! Password hashing (Argon2id) and high-entropy secret digests (SHA-256, constant-time checks).

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// OWASP's Argon2id parameters: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes a password into a PHC string. CPU-heavy: call it off the async executor.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Checks a password against a PHC string; a malformed hash never verifies.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A hash of no one's password with the same parameters as real ones, to check against when the
/// account does not exist (equal work, equal timing). Empty if hashing failed.
pub fn stand_in_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("portico-stand-in").unwrap_or_default())
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

/// The SHA-256 of a high-entropy secret (client secret, ticket, code), lower-case hex.
pub fn digest_hex(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares a presented secret with a stored digest in constant time.
pub fn secret_matches(presented: &str, stored_hex: &str) -> bool {
    digest_hex(presented)
        .as_bytes()
        .ct_eq(stored_hex.as_bytes())
        .into()
}

/// Compares two secrets without revealing where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_when_equal() {
        let hash = hash_password("Portico-dev-1").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("Portico-dev-1", &hash));
        assert!(!verify_password("portico-dev-1", &hash));
        assert!(!verify_password("Portico-dev-1", "not a hash"));
    }

    #[test]
    fn secret_digests() {
        let stored = digest_hex("contoso-admin-secret");
        assert_eq!(stored.len(), 64);
        assert!(secret_matches("contoso-admin-secret", &stored));
        assert!(!secret_matches("contoso-admin-secreT", &stored));
        assert!(!secret_matches("", &stored));
    }
}
