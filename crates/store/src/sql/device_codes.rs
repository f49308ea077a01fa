//! Device codes (RFC 8628). Every change is a compare-and-set on the row's `status` (or, for a
//! poll, on `polled_at`), so a code is approved once, redeemed once, and two polls inside one
//! interval cannot both pass.

use super::codec::{db_error, micros, to_json, unique_or_db, Columns};
use crate::{Conflict, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use portico_model::oauth::{DeviceApproval, DeviceCode, DeviceCodeStatus};
use portico_model::TenantId;
use sqlx::{AnyConnection, AnyPool};

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    tenant: TenantId,
    code: &DeviceCode,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO device_codes (tenant_id, device_code_hash, user_code_hash, document, status, approval, polled_at, expires_at) \
         VALUES ($1, $2, $3, $4, 'pending', NULL, NULL, $5)",
    )
    .bind(tenant.to_string())
    .bind(code.device_code_hash.clone())
    .bind(code.user_code_hash.clone())
    .bind(to_json(code)?)
    .bind(micros(code.expires_at))
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(code.user_code_hash.clone())))?;
    Ok(())
}

/// Moves a code from `from` to `to` (with the approval, when approving); `Conflict::Precondition`
/// when it is no longer at `from`, `NotFound` when there is no such code.
pub(crate) async fn settle(
    conn: &mut AnyConnection,
    tenant: TenantId,
    hash: &str,
    from: DeviceCodeStatus,
    to: DeviceCodeStatus,
    approval: Option<&DeviceApproval>,
) -> StoreResult<()> {
    let approval = approval.map(to_json).transpose()?;
    let done = sqlx::query(
        "UPDATE device_codes SET status = $4, approval = COALESCE($5, approval) \
         WHERE tenant_id = $1 AND device_code_hash = $2 AND status = $3",
    )
    .bind(tenant.to_string())
    .bind(hash)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(approval)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    refused_or_missing(
        conn,
        tenant,
        hash,
        "the device code is no longer at that step",
    )
    .await
}

/// Records a poll at `at` unless the last one was after `not_before` (`Conflict::Precondition`:
/// the device polls too fast).
pub(crate) async fn poll(
    conn: &mut AnyConnection,
    tenant: TenantId,
    hash: &str,
    at: DateTime<Utc>,
    not_before: DateTime<Utc>,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE device_codes SET polled_at = $3 \
         WHERE tenant_id = $1 AND device_code_hash = $2 AND (polled_at IS NULL OR polled_at <= $4)",
    )
    .bind(tenant.to_string())
    .bind(hash)
    .bind(micros(at))
    .bind(micros(not_before))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    refused_or_missing(conn, tenant, hash, "polled within the interval").await
}

async fn refused_or_missing(
    conn: &mut AnyConnection,
    tenant: TenantId,
    hash: &str,
    reason: &str,
) -> StoreResult<()> {
    let exists =
        sqlx::query("SELECT 1 FROM device_codes WHERE tenant_id = $1 AND device_code_hash = $2")
            .bind(tenant.to_string())
            .bind(hash)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?;
    Err(match exists {
        Some(_) => StoreError::Conflict(Conflict::Precondition(reason.into())),
        None => StoreError::NotFound,
    })
}

/// Which key a device code is looked up by.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DeviceKey {
    DeviceCode,
    UserCode,
}

pub(crate) async fn find(
    pool: &AnyPool,
    tenant: TenantId,
    key: DeviceKey,
    hash: &str,
) -> StoreResult<Option<DeviceCode>> {
    let sql = match key {
        DeviceKey::DeviceCode => "SELECT document, status, approval, polled_at FROM device_codes WHERE tenant_id = $1 AND device_code_hash = $2",
        DeviceKey::UserCode => "SELECT document, status, approval, polled_at FROM device_codes WHERE tenant_id = $1 AND user_code_hash = $2",
    };
    let row = sqlx::query(sql)
        .bind(tenant.to_string())
        .bind(hash)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.map(|row| {
        let c = Columns(&row);
        let mut code: DeviceCode = c.json("document")?;
        let status = c.text("status")?;
        code.status = DeviceCodeStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status: {status}")))?;
        code.approval = c
            .opt_text("approval")?
            .map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("approval: {e}")))?;
        code.polled_at = c.opt_time("polled_at")?;
        Ok(code)
    })
    .transpose()
}
