//! Smart lockout (Entra's): failed credential checks are counted per account — a user, or an
//! application's secrets — and per location class (familiar or not), so an attacker elsewhere
//! cannot lock the owner out of the places they usually sign in from.

use crate::{ClientId, ObjectId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Failed checks (in flight included) that lock an account.
pub const LOCKOUT_THRESHOLD: u32 = 10;

/// How long the first, second, third and every later lockout lasts.
pub const LOCKOUT_PERIODS_SECONDS: [i64; 4] = [60, 300, 900, 3600];

/// Familiar addresses kept per account: the most recently used ones.
pub const FAMILIAR_ADDRESSES_PER_ACCOUNT: u32 = 20;

/// An address stays familiar this many days after the last completed sign-in from it.
pub const FAMILIAR_ADDRESS_DAYS: i64 = 90;

/// Whose credentials are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "camelCase")]
pub enum LockoutAccount {
    User(ObjectId),
    /// An application's client secrets.
    Application(ClientId),
}

impl LockoutAccount {
    /// The stored key: `user:<id>` or `app:<client id>`.
    pub fn key(&self) -> String {
        match self {
            Self::User(id) => format!("user:{id}"),
            Self::Application(id) => format!("app:{id}"),
        }
    }

    pub fn parse_key(key: &str) -> Option<Self> {
        let (kind, id) = key.split_once(':')?;
        match kind {
            "user" => ObjectId::parse(id).ok().map(Self::User),
            "app" => ClientId::parse(id).ok().map(Self::Application),
            _ => None,
        }
    }
}

/// One counter: an account, from familiar addresses or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockoutKey {
    pub account: LockoutAccount,
    pub familiar: bool,
}

/// A counter as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockoutState {
    pub key: LockoutKey,
    /// Failed (or still running) checks since the last success, capped at the threshold.
    pub failures: u32,
    /// Lockouts so far; each lasts longer than the one before.
    pub lockouts: u32,
    /// End of the latest lockout (in the past once it is over).
    pub locked_until: Option<DateTime<Utc>>,
}

impl LockoutState {
    /// Locked now: the threshold is reached and the period has not run out.
    pub fn locked_at(&self, now: DateTime<Utc>) -> bool {
        self.failures >= LOCKOUT_THRESHOLD && self.locked_until.is_some_and(|until| now < until)
    }
}

/// The period of the lockout after `lockouts` earlier ones.
pub fn lockout_period(lockouts: u32) -> Duration {
    let index = usize::try_from(lockouts)
        .unwrap_or(usize::MAX)
        .min(LOCKOUT_PERIODS_SECONDS.len() - 1);
    Duration::seconds(LOCKOUT_PERIODS_SECONDS[index])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_periods_grow() {
        let user = LockoutAccount::User(ObjectId::from_uuid(uuid::Uuid::nil()));
        assert_eq!(LockoutAccount::parse_key(&user.key()), Some(user));
        assert_eq!(LockoutAccount::parse_key("group:x"), None);
        assert!(lockout_period(0) < lockout_period(1));
        assert_eq!(lockout_period(3), lockout_period(40));
    }
}
