//! A user's sponsors: users or groups of the same tenant, at most a handful per user.

use super::codec::{db_error, unique_or_db};
use super::recipients::ensure_exists;
use crate::{Conflict, StoreError, StoreResult};
use portico_model::{ObjectId, TenantId};
use sqlx::AnyConnection;

/// Adds `sponsor` (a user or group of the tenant) to `user`'s sponsors; a sponsor already there
/// is a conflict.
pub(crate) async fn add(
    conn: &mut AnyConnection,
    tenant: TenantId,
    user: ObjectId,
    sponsor: ObjectId,
) -> StoreResult<()> {
    ensure_exists(
        conn,
        "SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2",
        tenant,
        user,
    )
    .await?;
    let sponsor_is_user = ensure_exists(
        conn,
        "SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2",
        tenant,
        sponsor,
    )
    .await;
    if sponsor_is_user.is_err() {
        ensure_exists(
            conn,
            "SELECT 1 FROM directory_groups WHERE tenant_id = $1 AND id = $2",
            tenant,
            sponsor,
        )
        .await?;
    }
    sqlx::query("INSERT INTO user_sponsors (tenant_id, user_id, sponsor_id) VALUES ($1, $2, $3)")
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(sponsor.to_string())
        .execute(&mut *conn)
        .await
        .map_err(unique_or_db(Conflict::ObjectId(sponsor.to_string())))?;
    Ok(())
}

pub(crate) async fn remove(
    conn: &mut AnyConnection,
    tenant: TenantId,
    user: ObjectId,
    sponsor: ObjectId,
) -> StoreResult<()> {
    let done = sqlx::query(
        "DELETE FROM user_sponsors WHERE tenant_id = $1 AND user_id = $2 AND sponsor_id = $3",
    )
    .bind(tenant.to_string())
    .bind(user.to_string())
    .bind(sponsor.to_string())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
