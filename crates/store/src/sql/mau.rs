//! Monthly active guests (`docs/decisions.md` 17): who had a successful sign-in in a tenant as the
//! resource, per calendar month. Kept in `monthly_active_guests`, apart from the sign-in log, so
//! that purging old sign-ins (log retention) never changes a month's bill.

use super::codec::db_error;
use crate::{StoreError, StoreResult};
use portico_model::logs::SignInRecord;
use portico_model::month::Month;
use portico_model::user::UserType;
use portico_model::TenantId;
use sqlx::{AnyConnection, AnyPool, Row};

/// The `month` column: year * 100 + month (202703), which orders and compares as months do.
fn month_key(month: Month) -> i64 {
    i64::from(month.year()) * 100 + i64::from(month.month())
}

fn month_of_key(key: i64) -> StoreResult<Month> {
    let corrupt = || StoreError::Corrupt(format!("month {key}"));
    let year = i32::try_from(key / 100).map_err(|_| corrupt())?;
    let month = u32::try_from(key % 100).map_err(|_| corrupt())?;
    Month::new(year, month).map_err(|_| corrupt())
}

/// A guest's successful sign-in in this tenant as the resource. The home tenant's row of a
/// cross-tenant sign-in (a member, another resource) and failures do not count.
fn counts_as_active_guest(tenant: TenantId, record: &SignInRecord) -> bool {
    record.user_type == Some(UserType::Guest)
        && record.error_code == 0
        && record.resource_tenant_id == tenant
}

/// Called with every sign-in row, in its transaction: marks the guest active that month.
pub(crate) async fn record_sign_in(
    conn: &mut AnyConnection,
    tenant: TenantId,
    record: &SignInRecord,
) -> StoreResult<()> {
    let Some(user) = record
        .user_id
        .filter(|_| counts_as_active_guest(tenant, record))
    else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO monthly_active_guests (tenant_id, month, user_id) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, month, user_id) DO NOTHING",
    )
    .bind(tenant.to_string())
    .bind(month_key(Month::of(record.created_at)))
    .bind(user.to_string())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn count(pool: &AnyPool, tenant: TenantId, month: Month) -> StoreResult<u64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM monthly_active_guests WHERE tenant_id = $1 AND month = $2",
    )
    .bind(tenant.to_string())
    .bind(month_key(month))
    .fetch_one(pool)
    .await
    .map_err(db_error)?;
    let n = row.try_get::<i64, _>("n").map_err(db_error)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Counts per month from `first` to `last` inclusive, oldest first; months without any active
/// guest are left out.
pub(crate) async fn history(
    pool: &AnyPool,
    tenant: TenantId,
    first: Month,
    last: Month,
) -> StoreResult<Vec<(Month, u64)>> {
    let rows = sqlx::query(
        "SELECT month, COUNT(*) AS n FROM monthly_active_guests \
         WHERE tenant_id = $1 AND month >= $2 AND month <= $3 GROUP BY month ORDER BY month",
    )
    .bind(tenant.to_string())
    .bind(month_key(first))
    .bind(month_key(last))
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let month = month_of_key(row.try_get::<i64, _>("month").map_err(db_error)?)?;
            let n = row.try_get::<i64, _>("n").map_err(db_error)?;
            Ok((month, u64::try_from(n).unwrap_or(0)))
        })
        .collect()
}
