//! The one place Portico reads the wall clock. Everything else is handed `now`.

use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

/// A source of the current time.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock shifted by an offset that dev mode can set or advance (`/portico/v1/clock`),
/// so that expiry, lifetimes, MAU months and log times can be tested without waiting. Time keeps
/// flowing after a change; only the offset moves. Outside dev mode the offset stays zero.
#[derive(Debug, Default)]
pub struct AdjustableClock {
    offset_micros: AtomicI64,
}

impl AdjustableClock {
    pub fn new() -> Self {
        Self::default()
    }

    #[allow(clippy::disallowed_methods)] // This is the clock.
    fn system_now() -> DateTime<Utc> {
        Utc::now()
    }

    /// Makes `now()` return `target` at this instant.
    pub fn set(&self, target: DateTime<Utc>) -> DateTime<Utc> {
        let offset = target.signed_duration_since(Self::system_now());
        self.offset_micros.store(
            offset.num_microseconds().unwrap_or(i64::MAX),
            Ordering::SeqCst,
        );
        self.now()
    }

    /// Moves the clock forward (or back, for a negative amount).
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        let micros = by.num_microseconds().unwrap_or(i64::MAX);
        self.offset_micros.fetch_add(micros, Ordering::SeqCst);
        self.now()
    }
}

impl Clock for AdjustableClock {
    fn now(&self) -> DateTime<Utc> {
        let offset = Duration::microseconds(self.offset_micros.load(Ordering::SeqCst));
        Self::system_now() + offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn set_and_advance_move_the_clock() {
        let clock = AdjustableClock::new();
        let target = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let now = clock.set(target);
        assert!((now - target).num_seconds().abs() < 5);
        let later = clock.advance(Duration::days(90));
        assert!((later - target - Duration::days(90)).num_seconds().abs() < 5);
        assert!(clock.now() >= later);
    }
}
