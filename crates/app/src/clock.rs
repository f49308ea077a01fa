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
///
/// A frozen clock (`frozen_at`) does not flow at all: it moves only when set or advanced, so a
/// test can say "at 10:00:00" and see exactly that time in the rows it reads back.
#[derive(Debug, Default)]
pub struct AdjustableClock {
    offset_micros: AtomicI64,
    /// The frozen instant in microseconds since the epoch; `None` for a flowing clock.
    frozen_micros: Option<AtomicI64>,
}

impl AdjustableClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// A clock that stands still at `at` until set or advanced.
    pub fn frozen_at(at: DateTime<Utc>) -> Self {
        Self {
            offset_micros: AtomicI64::new(0),
            frozen_micros: Some(AtomicI64::new(at.timestamp_micros())),
        }
    }

    #[allow(clippy::disallowed_methods)] // This is the clock.
    fn system_now() -> DateTime<Utc> {
        Utc::now()
    }

    /// Makes `now()` return `target` at this instant.
    pub fn set(&self, target: DateTime<Utc>) -> DateTime<Utc> {
        if let Some(frozen) = &self.frozen_micros {
            frozen.store(target.timestamp_micros(), Ordering::SeqCst);
            return self.now();
        }
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
        let moved = self.frozen_micros.as_ref().unwrap_or(&self.offset_micros);
        moved.fetch_add(micros, Ordering::SeqCst);
        self.now()
    }
}

impl Clock for AdjustableClock {
    fn now(&self) -> DateTime<Utc> {
        if let Some(frozen) = &self.frozen_micros {
            let micros = frozen.load(Ordering::SeqCst);
            return DateTime::from_timestamp_micros(micros).unwrap_or(DateTime::<Utc>::MIN_UTC);
        }
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

    #[test]
    fn a_frozen_clock_moves_only_when_told() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        let clock = AdjustableClock::frozen_at(at);
        assert_eq!(clock.now(), at);
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert_eq!(clock.now(), at);
        assert_eq!(
            clock.advance(Duration::seconds(90)),
            at + Duration::seconds(90)
        );
        let later = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
        assert_eq!(clock.set(later), later);
        assert_eq!(clock.now(), later);
    }
}
