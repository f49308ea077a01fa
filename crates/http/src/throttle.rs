//! Graph throttling (`docs/decisions.md` 21): token buckets per tenant and per (tenant, app),
//! kept by `governor` (GCRA, lock-free). An empty bucket answers 429 with `Retry-After`; one
//! tenant's load never drains another's buckets.

use crate::errors::ApiError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use portico_model::TenantId;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Sustained rate and burst of one bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

impl Rate {
    /// One token every `1 / per_second` seconds, at most `burst` at once (each at least one).
    fn quota(self) -> Quota {
        let period = Duration::from_secs_f64(1.0 / self.per_second.max(1e-6));
        let burst = NonZeroU32::new(self.burst.max(1.0).min(f64::from(u32::MAX)) as u32)
            .unwrap_or(NonZeroU32::MIN);
        Quota::with_period(period.max(Duration::from_nanos(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst)
    }
}

/// The limits the buckets refill at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThrottleLimits {
    pub per_tenant: Rate,
    pub per_app: Rate,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self {
            per_tenant: Rate {
                per_second: 2000.0,
                burst: 10_000.0,
            },
            per_app: Rate {
                per_second: 500.0,
                burst: 2_500.0,
            },
        }
    }
}

/// How many admissions between sweeps of buckets that have refilled completely (and so hold no
/// state worth keeping): the key space is bounded by recent callers, not by all callers ever.
const SWEEP_EVERY: u32 = 4096;

pub struct Throttle {
    per_tenant: DefaultKeyedRateLimiter<TenantId>,
    per_app: DefaultKeyedRateLimiter<(TenantId, String)>,
    clock: DefaultClock,
    admissions: AtomicU32,
}

impl Throttle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            per_tenant: DefaultKeyedRateLimiter::keyed(limits.per_tenant.quota()),
            per_app: DefaultKeyedRateLimiter::keyed(limits.per_app.quota()),
            clock: DefaultClock::default(),
            admissions: AtomicU32::new(0),
        }
    }

    /// One request by `app` (its client id) in `tenant`.
    pub fn admit(&self, tenant: TenantId, app: &str) -> Result<(), ApiError> {
        if self
            .admissions
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(SWEEP_EVERY)
        {
            self.per_app.retain_recent();
            self.per_tenant.retain_recent();
        }
        let refused = self
            .per_app
            .check_key(&(tenant, app.to_owned()))
            .and_then(|()| self.per_tenant.check_key(&tenant));
        refused.map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            ApiError::Throttled {
                retry_after: wait.as_secs_f64().ceil().max(1.0) as u64,
            }
        })
    }

    /// Buckets currently kept (for tests of the sweep).
    pub fn tracked_keys(&self) -> usize {
        self.per_app.len() + self.per_tenant.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_second: f64, burst: f64) -> ThrottleLimits {
        let rate = Rate { per_second, burst };
        ThrottleLimits {
            per_tenant: rate,
            per_app: rate,
        }
    }

    #[test]
    fn a_bucket_admits_its_burst_then_refuses_with_a_retry_after() {
        let throttle = Throttle::new(limits(0.01, 3.0));
        let tenant = TenantId::from_uuid(uuid::Uuid::new_v4());
        for _ in 0..3 {
            assert!(throttle.admit(tenant, "app").is_ok());
        }
        match throttle.admit(tenant, "app") {
            Err(ApiError::Throttled { retry_after }) => assert!(retry_after >= 1),
            other => panic!("expected a 429, got {other:?}"),
        }
        let other_tenant = TenantId::from_uuid(uuid::Uuid::new_v4());
        assert!(throttle.admit(other_tenant, "app").is_ok());
    }

    #[test]
    fn refilled_buckets_are_swept() {
        let throttle = Throttle::new(limits(1_000_000.0, 1.0));
        let tenant = TenantId::from_uuid(uuid::Uuid::new_v4());
        for n in 0..(SWEEP_EVERY * 2) {
            let _ = throttle.admit(tenant, &format!("app-{n}"));
        }
        assert!(
            throttle.tracked_keys() < SWEEP_EVERY as usize + 64,
            "{} keys kept",
            throttle.tracked_keys()
        );
    }
}
