//! Log retention: each tenant's sign-in and audit rows older than its settings allow
//! (`sign_in_retention_days`, `audit_retention_days`; Entra P1 keeps 30 days) are deleted, by the
//! app clock, a batch at a time. Monthly active users are counted apart and are not affected.

use crate::{App, AppError};
use chrono::{DateTime, Duration, Utc};
use portico_model::lockout::FAMILIAR_ADDRESS_DAYS;
use portico_model::TenantId;
use std::time::Duration as StdDuration;
use tokio::sync::watch;

/// Rows deleted per statement: small enough that sign-ins waiting to be written are not held up.
const BATCH: u32 = 500;

/// How often the background purge runs.
pub const PURGE_INTERVAL: StdDuration = StdDuration::from_secs(15 * 60);

/// What one purge deleted, over every tenant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgedLogs {
    pub sign_ins: u64,
    pub audit_records: u64,
    /// Familiar addresses (smart lockout) past `FAMILIAR_ADDRESS_DAYS`.
    pub familiar_addresses: u64,
    /// Deleted items (soft-deleted users) past [`DELETED_ITEM_DAYS`].
    pub deleted_objects: u64,
}

/// How long Entra keeps a deleted user restorable.
pub const DELETED_ITEM_DAYS: i64 = 30;

/// The first instant that is kept: `days` before `now`. `None` (keep everything) for 0 days,
/// which a seed cannot set but an edited document might: never purge a whole log by mistake.
fn keep_from(now: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
    if days == 0 {
        return None;
    }
    Duration::try_days(i64::from(days)).and_then(|kept| now.checked_sub_signed(kept))
}

impl App {
    /// Deletes every tenant's log rows that are past their retention, now by the app clock.
    pub async fn purge_logs(&self) -> Result<PurgedLogs, AppError> {
        let now = self.now();
        let mut purged = PurgedLogs::default();
        for tenant in self.store().list_tenants().await? {
            let settings = self.store().get_settings(tenant.id).await?;
            if let Some(before) = keep_from(now, settings.sign_in_retention_days) {
                purged.sign_ins += self
                    .purge_in_batches(tenant.id, before, Log::SignIns)
                    .await?;
            }
            if let Some(before) = keep_from(now, settings.audit_retention_days) {
                purged.audit_records +=
                    self.purge_in_batches(tenant.id, before, Log::Audit).await?;
            }
            if let Some(before) = now.checked_sub_signed(Duration::days(FAMILIAR_ADDRESS_DAYS)) {
                purged.familiar_addresses += self
                    .purge_in_batches(tenant.id, before, Log::FamiliarAddresses)
                    .await?;
            }
            if let Some(before) = now.checked_sub_signed(Duration::days(DELETED_ITEM_DAYS)) {
                purged.deleted_objects += self
                    .purge_in_batches(tenant.id, before, Log::DeletedObjects)
                    .await?;
            }
        }
        if purged != PurgedLogs::default() {
            tracing::info!(
                sign_ins = purged.sign_ins,
                audit_records = purged.audit_records,
                familiar_addresses = purged.familiar_addresses,
                deleted_objects = purged.deleted_objects,
                "purged log rows past their retention"
            );
        }
        Ok(purged)
    }

    async fn purge_in_batches(
        &self,
        tenant: TenantId,
        before: DateTime<Utc>,
        log: Log,
    ) -> Result<u64, AppError> {
        let mut total = 0;
        loop {
            let deleted = match log {
                Log::SignIns => self.store().purge_sign_ins(tenant, before, BATCH).await?,
                Log::Audit => {
                    self.store()
                        .purge_audit_records(tenant, before, BATCH)
                        .await?
                }
                Log::FamiliarAddresses => {
                    self.store()
                        .purge_familiar_addresses(tenant, before, BATCH)
                        .await?
                }
                Log::DeletedObjects => {
                    self.store()
                        .purge_deleted_objects(tenant, before, BATCH)
                        .await?
                }
            };
            total += deleted;
            if deleted < u64::from(BATCH) {
                return Ok(total);
            }
            // Let waiting writers in between batches.
            tokio::task::yield_now().await;
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Log {
    SignIns,
    Audit,
    FamiliarAddresses,
    DeletedObjects,
}

/// The background purge a server runs: once at start, then every [`PURGE_INTERVAL`].
pub struct LogPurger {
    app: App,
    interval: StdDuration,
}

impl LogPurger {
    pub fn new(app: App) -> Self {
        Self {
            app,
            interval: PURGE_INTERVAL,
        }
    }

    /// Runs until `shutdown` turns true. A failed pass is logged and retried on the next one.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(error) = self.app.purge_logs().await {
                tracing::warn!(%error, "log purge failed; will retry");
            }
            tokio::select! {
                _ = tokio::time::sleep(self.interval) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retention_counts_whole_days_back_from_now() {
        let now = Utc
            .with_ymd_and_hms(2027, 4, 20, 12, 0, 0)
            .single()
            .unwrap_or_default();
        let kept = Utc
            .with_ymd_and_hms(2027, 3, 21, 12, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(keep_from(now, 30), Some(kept));
        assert_eq!(keep_from(now, 0), None);
    }
}
