//! The one place Portico draws randomness: identifiers, secrets handed to clients, one-time codes
//! and the spread of token lifetimes. Production draws from the operating system; tests and
//! reproducible dev runs can seed it, so a test can name the ids and codes it will see.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use portico_model::ObjectId;
use rand::rngs::{OsRng, StdRng};
use rand::{RngCore, SeedableRng};
use std::sync::Mutex;

/// A source of random bytes: the operating system's, or a seeded generator.
pub struct Randomness {
    source: Source,
}

enum Source {
    System,
    /// Deterministic: the same seed gives the same sequence. Never a server's default.
    Seeded(Box<Mutex<StdRng>>),
}

impl std::fmt::Debug for Randomness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.source {
            Source::System => "system",
            Source::Seeded(_) => "seeded",
        };
        f.debug_struct("Randomness").field("source", &kind).finish()
    }
}

impl Randomness {
    /// The operating system's generator, for every real server.
    pub fn system() -> Self {
        Self {
            source: Source::System,
        }
    }

    /// A reproducible sequence from `seed`, for tests and `--seed-random` dev runs.
    pub fn seeded(seed: u64) -> Self {
        Self {
            source: Source::Seeded(Box::new(Mutex::new(StdRng::seed_from_u64(seed)))),
        }
    }

    /// Fills `buf` with random bytes.
    pub fn fill(&self, buf: &mut [u8]) {
        match &self.source {
            Source::System => OsRng.fill_bytes(buf),
            // A poisoned lock still holds a usable generator: a panic elsewhere cannot corrupt it.
            Source::Seeded(rng) => match rng.lock() {
                Ok(mut rng) => rng.fill_bytes(buf),
                Err(poisoned) => poisoned.into_inner().fill_bytes(buf),
            },
        }
    }

    fn bytes<const N: usize>(&self) -> [u8; N] {
        let mut bytes = [0u8; N];
        self.fill(&mut bytes);
        bytes
    }

    /// A new object id (a version 4 UUID, as Entra's are).
    pub fn object_id(&self) -> ObjectId {
        ObjectId::from_uuid(uuid::Builder::from_random_bytes(self.bytes()).into_uuid())
    }

    /// A secret handed to a client (code, refresh token, session, flow): 256 bits, base64url.
    pub fn secret(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.bytes::<32>())
    }

    /// `bytes` random bytes, base64url: identifiers that need not be secrets (`uti`).
    pub fn token(&self, bytes: usize) -> String {
        let mut buf = vec![0u8; bytes];
        self.fill(&mut buf);
        URL_SAFE_NO_PAD.encode(buf)
    }

    /// A numeric one-time code of `digits` decimal digits, leading zeros kept.
    pub fn digits(&self, digits: u32) -> String {
        let bound = 10u64.saturating_pow(digits);
        format!("{:0width$}", self.below(bound), width = digits as usize)
    }

    /// A uniform number in `0..bound` (0 when `bound` is 0).
    pub fn below(&self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        // Rejection sampling: draws above the last whole multiple of `bound` would bias the modulo.
        let zone = u64::MAX - (u64::MAX % bound);
        loop {
            let draw = u64::from_le_bytes(self.bytes());
            if draw < zone {
                return draw % bound;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_sequence() {
        let a = Randomness::seeded(7);
        let b = Randomness::seeded(7);
        assert_eq!(a.object_id(), b.object_id());
        assert_eq!(a.secret(), b.secret());
        assert_eq!(a.digits(8), b.digits(8));
        assert_ne!(
            Randomness::seeded(8).secret(),
            Randomness::seeded(7).secret()
        );
    }

    #[test]
    fn ids_are_version_4_and_codes_keep_their_width() {
        let random = Randomness::seeded(1);
        for _ in 0..200 {
            let id = random.object_id().to_string();
            assert_eq!(id.as_bytes()[14], b'4', "{id}");
            assert_eq!(random.digits(8).len(), 8);
            assert!(random.below(10) < 10);
        }
        assert_eq!(random.below(0), 0);
        assert_eq!(random.secret().len(), 43);
    }

    #[test]
    fn the_system_source_does_not_repeat() {
        let random = Randomness::system();
        assert_ne!(random.secret(), random.secret());
        assert_ne!(random.object_id(), random.object_id());
    }
}
