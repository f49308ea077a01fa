//! RFC 6238 time-based one-time passwords (SHA-1, 6 digits, 30-second steps), as authenticator
//! apps compute them.

use crate::random::Randomness;
use aws_lc_rs::hmac;
use chrono::{DateTime, Utc};
use data_encoding::BASE32_NOPAD;

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;

/// A new 160-bit secret, base32 as authenticator apps take it.
pub fn new_secret(random: &Randomness) -> String {
    let mut bytes = [0u8; 20];
    random.fill(&mut bytes);
    BASE32_NOPAD.encode(&bytes)
}

fn code_at(secret: &[u8], step: u64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = hmac::sign(&key, &step.to_be_bytes());
    let digest = tag.as_ref();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let value = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!(
        "{:0width$}",
        value % 10u32.pow(DIGITS),
        width = DIGITS as usize
    )
}

/// The step a code for `now` belongs to.
pub fn step_of(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp() / STEP_SECONDS).unwrap_or(0)
}

/// The code for `now` (for tests and the registration page's check).
pub fn code_now(secret_base32: &str, now: DateTime<Utc>) -> Option<String> {
    let secret = BASE32_NOPAD
        .decode(secret_base32.trim_end_matches('=').as_bytes())
        .ok()?;
    Some(code_at(&secret, step_of(now)))
}

/// Checks `code` against the steps around `now` (one step of clock drift either way), refusing
/// steps at or before `last_used_step`. Returns the step that matched.
pub fn verify(
    secret_base32: &str,
    code: &str,
    now: DateTime<Utc>,
    last_used_step: Option<u64>,
) -> Option<u64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let secret = BASE32_NOPAD
        .decode(secret_base32.trim_end_matches('=').as_bytes())
        .ok()?;
    let current = step_of(now);
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .filter(|step| last_used_step.is_none_or(|used| *step > used))
        .find(|step| code_at(&secret, *step) == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rfc6238_vectors() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", 8 digits truncated to 6.
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        let at = |s| Utc.timestamp_opt(s, 0).unwrap();
        assert_eq!(code_now(&secret, at(59)).unwrap(), "287082");
        assert_eq!(code_now(&secret, at(1111111109)).unwrap(), "081804");
        assert_eq!(code_now(&secret, at(2000000000)).unwrap(), "279037");
    }

    #[test]
    fn verification_allows_drift_and_refuses_replay() {
        let secret = "JBSWY3DPEHPK3PXP";
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 10).unwrap();
        let code = code_now(secret, now).unwrap();
        let step = verify(secret, &code, now, None).unwrap();
        assert_eq!(
            verify(secret, &code, now + chrono::Duration::seconds(30), None),
            Some(step)
        );
        assert_eq!(
            verify(secret, &code, now, Some(step)),
            None,
            "a used code cannot be replayed"
        );
        assert_eq!(
            verify(secret, &code, now + chrono::Duration::seconds(90), None),
            None
        );
        assert_eq!(verify(secret, "12345", now, None), None);
        assert_eq!(verify(secret, "abcdef", now, None), None);
        assert_eq!(new_secret(&Randomness::seeded(3)).len(), 32);
    }
}
