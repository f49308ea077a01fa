//! Graph throttling (`decisions.md` 21): token buckets per tenant and per (tenant, app). An empty
//! bucket answers 429 with `Retry-After`; one tenant's load never drains another's buckets.

use crate::errors::ApiError;
use portico_model::TenantId;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Sustained rate and burst of one bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
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

struct Bucket {
    tokens: f64,
    refreshed: Instant,
}

impl Bucket {
    /// Takes one token, or says how many seconds until one is there.
    fn take(&mut self, rate: Rate, now: Instant) -> Result<(), u64> {
        let elapsed = now.saturating_duration_since(self.refreshed).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate.per_second).min(rate.burst);
        self.refreshed = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - self.tokens) / rate.per_second).ceil().max(1.0) as u64)
        }
    }
}

pub struct Throttle {
    limits: ThrottleLimits,
    buckets: Mutex<HashMap<(TenantId, String), Bucket>>,
}

impl Throttle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// One request by `app` (its client id) in `tenant`.
    pub fn admit(&self, tenant: TenantId, app: &str) -> Result<(), ApiError> {
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        let mut take = |key: String, rate: Rate| -> Result<(), u64> {
            buckets
                .entry((tenant, key))
                .or_insert(Bucket {
                    tokens: rate.burst,
                    refreshed: now,
                })
                .take(rate, now)
        };
        take(format!("app:{app}"), self.limits.per_app)
            .and_then(|()| take("tenant".into(), self.limits.per_tenant))
            .map_err(|retry_after| ApiError::Throttled { retry_after })
    }
}
