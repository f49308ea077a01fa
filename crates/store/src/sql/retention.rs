//! Log retention: deleting a tenant's oldest sign-in and audit rows (and familiar addresses past
//! their window), a bounded batch at a time so that a large purge never holds the (SQLite:
//! single) writer for long.

use super::codec::{db_error, micros};
use crate::StoreResult;
use chrono::{DateTime, Utc};
use portico_model::TenantId;
use sqlx::AnyPool;

#[derive(Debug, Clone, Copy)]
pub(crate) enum PurgedLog {
    SignIns,
    Audit,
    FamiliarAddresses,
    /// Deleted items (soft-deleted users) past their 30 days.
    DeletedObjects,
}

/// Deletes up to `limit` rows of `tenant` dated before `before`, oldest first; returns how many.
pub(crate) async fn purge(
    pool: &AnyPool,
    log: PurgedLog,
    tenant: TenantId,
    before: DateTime<Utc>,
    limit: u32,
) -> StoreResult<u64> {
    // The same statement on both engines: neither accepts a portable `DELETE … LIMIT`.
    let sql = match log {
        PurgedLog::SignIns => {
            "DELETE FROM sign_ins WHERE tenant_id = $1 AND id IN (SELECT id FROM sign_ins \
             WHERE tenant_id = $2 AND created_at < $3 ORDER BY created_at, id LIMIT $4)"
        }
        PurgedLog::Audit => {
            "DELETE FROM audit_records WHERE tenant_id = $1 AND id IN (SELECT id FROM audit_records \
             WHERE tenant_id = $2 AND activity_at < $3 ORDER BY activity_at, id LIMIT $4)"
        }
        PurgedLog::FamiliarAddresses => {
            "DELETE FROM familiar_addresses WHERE tenant_id = $1 AND (account, address) IN \
             (SELECT account, address FROM familiar_addresses \
             WHERE tenant_id = $2 AND last_seen < $3 ORDER BY last_seen, account, address LIMIT $4)"
        }
        PurgedLog::DeletedObjects => {
            "DELETE FROM deleted_objects WHERE tenant_id = $1 AND id IN (SELECT id FROM deleted_objects \
             WHERE tenant_id = $2 AND deleted_at < $3 ORDER BY deleted_at, id LIMIT $4)"
        }
    };
    let done = sqlx::query(sql)
        .bind(tenant.to_string())
        .bind(tenant.to_string())
        .bind(micros(before))
        .bind(i64::from(limit))
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected())
}
