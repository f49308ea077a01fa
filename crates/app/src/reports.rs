//! The monthly-active-users billing report (`docs/decisions.md` 17): per resource tenant and calendar
//! month (UTC), the guests with at least one successful sign-in there; the first 50,000 are free.
//! A tenant group (the tenants of one subscription) shares one free tier.

use crate::directory::{Caller, GraphError, Operation};
use crate::{App, AppError};
use portico_model::month::Month;
use portico_model::{Invalid, TenantId};

/// Monthly active users that cost nothing, per subscription.
pub const FREE_TIER: u64 = 50_000;

/// The longest history one report gives (three years of a portal chart).
pub const MAX_HISTORY_MONTHS: i64 = 36;

/// The months a history shows when the caller does not say.
pub const DEFAULT_HISTORY_MONTHS: i64 = 12;

/// What is billed for `monthly_active_users` under one free tier.
pub fn billable(monthly_active_users: u64) -> u64 {
    monthly_active_users.saturating_sub(FREE_TIER)
}

/// One tenant's month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MauReport {
    pub tenant: TenantId,
    pub month: Month,
    pub monthly_active_users: u64,
}

impl MauReport {
    pub fn billable(&self) -> u64 {
        billable(self.monthly_active_users)
    }
}

/// Several tenants standing for one subscription: their sum is billed under one free tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MauGroupReport {
    pub month: Month,
    pub tenants: Vec<MauReport>,
}

impl MauGroupReport {
    pub fn monthly_active_users(&self) -> u64 {
        self.tenants.iter().map(|t| t.monthly_active_users).sum()
    }
    pub fn billable(&self) -> u64 {
        billable(self.monthly_active_users())
    }
}

/// One tenant's months, oldest first, every month of the range present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MauHistory {
    pub tenant: TenantId,
    pub months: Vec<MauReport>,
}

/// May this Graph caller read the billing report of its tenant? The same right as reading the
/// sign-in log it is counted from: `AuditLog.Read.All` (an app role, or a delegated scope held
/// by a Global Administrator).
pub fn require_report_reader(caller: &Caller) -> Result<(), GraphError> {
    if caller.reach(Operation::ReadMauReport).is_some() {
        Ok(())
    } else {
        Err(GraphError::denied(
            "MissingPermission",
            "Reading the monthly active users report needs AuditLog.Read.All (an application \
             permission, or a delegated permission of a Global Administrator).",
        ))
    }
}

impl App {
    /// The month the app clock is in.
    pub fn current_month(&self) -> Month {
        Month::of(self.now())
    }

    pub async fn mau_report(&self, tenant: TenantId, month: Month) -> Result<MauReport, AppError> {
        let monthly_active_users = self
            .store()
            .count_monthly_active_guests(tenant, month)
            .await?;
        Ok(MauReport {
            tenant,
            month,
            monthly_active_users,
        })
    }

    /// The tenants in the order given; a tenant listed twice counts once.
    pub async fn mau_group_report(
        &self,
        tenants: &[TenantId],
        month: Month,
    ) -> Result<MauGroupReport, AppError> {
        let mut reports: Vec<MauReport> = Vec::with_capacity(tenants.len());
        for tenant in tenants {
            if reports.iter().any(|r| r.tenant == *tenant) {
                continue;
            }
            reports.push(self.mau_report(*tenant, month).await?);
        }
        Ok(MauGroupReport {
            month,
            tenants: reports,
        })
    }

    /// Every month from `first` to `last`, at most [`MAX_HISTORY_MONTHS`] of them.
    pub async fn mau_history(
        &self,
        tenant: TenantId,
        first: Month,
        last: Month,
    ) -> Result<MauHistory, AppError> {
        let span = first.months_until(last);
        if span < 0 {
            return Err(Invalid::new(
                "from",
                format!("The range starts after it ends: {first} is later than {last}."),
            )
            .into());
        }
        if span >= MAX_HISTORY_MONTHS {
            return Err(Invalid::new(
                "to",
                format!(
                    "A history covers at most {MAX_HISTORY_MONTHS} months; {first} to {last} is {}.",
                    span + 1
                ),
            )
            .into());
        }
        let counted = self
            .store()
            .list_monthly_active_guests(tenant, first, last)
            .await?;
        let months = (0..=span)
            .filter_map(|offset| first.plus(offset))
            .map(|month| MauReport {
                tenant,
                month,
                monthly_active_users: counted
                    .iter()
                    .find(|(m, _)| *m == month)
                    .map_or(0, |(_, n)| *n),
            })
            .collect();
        Ok(MauHistory { tenant, months })
    }

    /// The default history range: the [`DEFAULT_HISTORY_MONTHS`] months up to `last`, or up to
    /// this month when `last` is not given.
    pub fn history_range(&self, first: Option<Month>, last: Option<Month>) -> (Month, Month) {
        let last = last.unwrap_or_else(|| self.current_month());
        let first = first
            .or_else(|| last.plus(1 - DEFAULT_HISTORY_MONTHS))
            .unwrap_or(last);
        (first, last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_fifty_thousand_are_free() {
        assert_eq!(billable(0), 0);
        assert_eq!(billable(3), 0);
        assert_eq!(billable(50_000), 0);
        assert_eq!(billable(50_001), 1);
        assert_eq!(billable(123_456), 73_456);
    }

    #[test]
    fn a_group_shares_one_free_tier() {
        let month = Month::parse("2027-03").unwrap_or_else(|e| panic!("{e}"));
        let tenant = |n: u128| TenantId::from_uuid(uuid::Uuid::from_u128(n));
        let group = MauGroupReport {
            month,
            tenants: vec![
                MauReport {
                    tenant: tenant(1),
                    month,
                    monthly_active_users: 30_000,
                },
                MauReport {
                    tenant: tenant(2),
                    month,
                    monthly_active_users: 25_000,
                },
            ],
        };
        assert!(group.tenants.iter().all(|t| t.billable() == 0));
        assert_eq!(group.monthly_active_users(), 55_000);
        assert_eq!(group.billable(), 5_000);
    }
}
