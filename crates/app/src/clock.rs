//! The one place Portico reads the wall clock. Everything else is handed `now`.

use chrono::{DateTime, Duration, Utc};
use std::sync::{PoisonError, RwLock};

/// A source of the current time.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock shifted by an offset that dev mode can set or advance (`/portico/v1/clock`),
/// so that expiry, lifetimes, MAU months and log times can be tested without waiting. Time keeps
/// flowing after a change; only the offset moves. Outside dev mode the offset stays zero.
///
/// A frozen clock (`frozen_at`, or `freeze` at run time) does not flow at all: it moves only when
/// set or advanced, so a test can say "at 10:00:00" and see exactly that time in the rows it reads
/// back. `unfreeze` lets it flow again from the instant it stood at.
#[derive(Debug, Default)]
pub struct AdjustableClock {
    mode: RwLock<Mode>,
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    /// The system clock plus this offset.
    Flowing(Duration),
    /// Standing still at this instant.
    Frozen(DateTime<Utc>),
}

impl Default for Mode {
    fn default() -> Self {
        Mode::Flowing(Duration::zero())
    }
}

impl AdjustableClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// A clock that stands still at `at` until set or advanced.
    pub fn frozen_at(at: DateTime<Utc>) -> Self {
        Self {
            mode: RwLock::new(Mode::Frozen(at)),
        }
    }

    #[allow(clippy::disallowed_methods)] // This is the clock.
    fn system_now() -> DateTime<Utc> {
        Utc::now()
    }

    fn mode(&self) -> Mode {
        *self.mode.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn change(&self, change: impl FnOnce(Mode) -> Mode) -> DateTime<Utc> {
        let mut mode = self.mode.write().unwrap_or_else(PoisonError::into_inner);
        *mode = change(*mode);
        now_in(*mode)
    }

    /// Makes `now()` return `target` at this instant.
    pub fn set(&self, target: DateTime<Utc>) -> DateTime<Utc> {
        self.change(|mode| match mode {
            Mode::Frozen(_) => Mode::Frozen(target),
            Mode::Flowing(_) => Mode::Flowing(target.signed_duration_since(Self::system_now())),
        })
    }

    /// Moves the clock forward (or back, for a negative amount).
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        self.change(|mode| match mode {
            Mode::Frozen(at) => Mode::Frozen(at + by),
            Mode::Flowing(offset) => Mode::Flowing(offset + by),
        })
    }

    /// Stops the clock where it is now.
    pub fn freeze(&self) -> DateTime<Utc> {
        self.change(|mode| Mode::Frozen(now_in(mode)))
    }

    /// Lets a frozen clock flow again from the instant it stood at.
    pub fn unfreeze(&self) -> DateTime<Utc> {
        self.change(|mode| match mode {
            Mode::Frozen(at) => Mode::Flowing(at.signed_duration_since(Self::system_now())),
            flowing => flowing,
        })
    }

    pub fn is_frozen(&self) -> bool {
        matches!(self.mode(), Mode::Frozen(_))
    }
}

fn now_in(mode: Mode) -> DateTime<Utc> {
    match mode {
        Mode::Frozen(at) => at,
        Mode::Flowing(offset) => AdjustableClock::system_now() + offset,
    }
}

impl Clock for AdjustableClock {
    fn now(&self) -> DateTime<Utc> {
        now_in(self.mode())
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

    #[test]
    fn a_flowing_clock_freezes_and_flows_again_from_where_it_stood() {
        let clock = AdjustableClock::new();
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        clock.set(at);
        assert!(!clock.is_frozen());
        let stood = clock.freeze();
        assert!(clock.is_frozen());
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert_eq!(clock.now(), stood);
        let resumed = clock.unfreeze();
        assert!(!clock.is_frozen());
        assert!(resumed >= stood && (resumed - stood).num_seconds() < 5);
        assert!(clock.now() >= resumed);
    }
}
