//! Soft-deleted users (Graph `/directory/deletedItems`). Deleting moves the user's row, with the
//! group memberships, app assignments and sponsorships that went with it, into one JSON document;
//! restoring puts them back under the same id, in the same transaction, and fails with the
//! usual conflicts when the user principal name or a proxy address was taken in between.

use super::codec::{db_error, micros, Columns};
use super::users;
use crate::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use portico_model::invitation::GuestBinding;
use portico_model::user::User;
use portico_model::{ObjectId, TenantId};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool};

const USER_KIND: &str = "user";

/// What a deleted user's row holds.
#[derive(Debug, Serialize, Deserialize)]
struct DeletedUser {
    user: User,
    groups: Vec<ObjectId>,
    apps: Vec<ObjectId>,
    /// Users this one sponsored, and this user's own sponsors.
    sponsored: Vec<ObjectId>,
    sponsors: Vec<ObjectId>,
    /// A guest's home account (the binding row goes with the user row).
    #[serde(default)]
    binding: Option<GuestBinding>,
}

async fn ids(
    conn: &mut AnyConnection,
    sql: &str,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<Vec<ObjectId>> {
    let rows = sqlx::query(sql)
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(|row| Columns(row).parsed("id")).collect()
}

/// Moves user `id` into the deleted items (`NotFound` if there is no such user).
pub(crate) async fn soft_delete_user(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let sql = format!(
        "SELECT {} FROM users WHERE tenant_id = $1 AND id = $2",
        *users::COLUMNS
    );
    let row = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
    let document = DeletedUser {
        user: users::from_row(&row)?,
        groups: ids(conn, "SELECT group_id AS id FROM group_members WHERE tenant_id = $1 AND member_id = $2 ORDER BY group_id", tenant, id).await?,
        apps: ids(conn, "SELECT app_id AS id FROM app_assignments WHERE tenant_id = $1 AND principal_id = $2 ORDER BY app_id", tenant, id).await?,
        sponsored: ids(conn, "SELECT user_id AS id FROM user_sponsors WHERE tenant_id = $1 AND sponsor_id = $2 ORDER BY user_id", tenant, id).await?,
        sponsors: ids(conn, "SELECT sponsor_id AS id FROM user_sponsors WHERE tenant_id = $1 AND user_id = $2 ORDER BY sponsor_id", tenant, id).await?,
        binding: super::guests::find_of_guest_in(conn, tenant, id).await?,
    };
    let json = serde_json::to_string(&document).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    users::delete(conn, tenant, id).await?;
    sqlx::query("INSERT INTO deleted_objects (tenant_id, id, kind, deleted_at, document) VALUES ($1, $2, $3, $4, $5)")
        .bind(tenant.to_string())
        .bind(id.to_string())
        .bind(USER_KIND)
        .bind(micros(at))
        .bind(json)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Brings deleted user `id` back with the same id and what it belonged to (the groups, apps and
/// sponsors that still exist). `NotFound` if it is not among the deleted items.
pub(crate) async fn restore_user(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<()> {
    let row = sqlx::query(
        "SELECT document FROM deleted_objects WHERE tenant_id = $1 AND id = $2 AND kind = $3",
    )
    .bind(tenant.to_string())
    .bind(id.to_string())
    .bind(USER_KIND)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?
    .ok_or(StoreError::NotFound)?;
    let document: DeletedUser = Columns(&row).json("document")?;
    let mut user = document.user;
    user.deleted_at = None;
    users::insert(conn, tenant, &user).await?;
    let links: [(&str, &[ObjectId]); 4] = [
        ("INSERT INTO group_members (tenant_id, group_id, member_id) SELECT $1, id, $3 FROM directory_groups WHERE tenant_id = $1 AND id = $2", &document.groups),
        ("INSERT INTO app_assignments (tenant_id, app_id, principal_id) SELECT $1, id, $3 FROM applications WHERE tenant_id = $1 AND id = $2", &document.apps),
        ("INSERT INTO user_sponsors (tenant_id, user_id, sponsor_id) SELECT $1, id, $3 FROM users WHERE tenant_id = $1 AND id = $2", &document.sponsored),
        ("INSERT INTO user_sponsors (tenant_id, user_id, sponsor_id) SELECT $1, $3, id FROM users WHERE tenant_id = $1 AND id = $2 \
          UNION SELECT $1, $3, id FROM directory_groups WHERE tenant_id = $1 AND id = $2", &document.sponsors),
    ];
    for (sql, others) in links {
        for other in others {
            sqlx::query(sql)
                .bind(tenant.to_string())
                .bind(other.to_string())
                .bind(id.to_string())
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
        }
    }
    if let Some(binding) = &document.binding {
        // Unless the home account was invited again meanwhile: then the new guest keeps it.
        sqlx::query("INSERT INTO guest_bindings (tenant_id, guest_id, issuer, subject, confirmed) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
            .bind(tenant.to_string())
            .bind(id.to_string())
            .bind(binding.issuer.clone())
            .bind(binding.subject.clone())
            .bind(binding.confirmed)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    purge(conn, tenant, id).await
}

/// Deletes a deleted item for good (`NotFound` if there is none).
pub(crate) async fn purge(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<()> {
    let done = sqlx::query("DELETE FROM deleted_objects WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.to_string())
        .bind(id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn deleted_user(row: &sqlx::any::AnyRow) -> StoreResult<User> {
    let c = Columns(row);
    let document: DeletedUser = c.json("document")?;
    let mut user = document.user;
    user.deleted_at = Some(c.time("deleted_at")?);
    Ok(user)
}

/// The tenant's deleted users, most recently deleted first, with `deleted_at` set.
pub(crate) async fn list_users(pool: &AnyPool, tenant: TenantId) -> StoreResult<Vec<User>> {
    let rows = sqlx::query(
        "SELECT document, deleted_at FROM deleted_objects WHERE tenant_id = $1 AND kind = $2 \
         ORDER BY deleted_at DESC, id",
    )
    .bind(tenant.to_string())
    .bind(USER_KIND)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    rows.iter().map(deleted_user).collect()
}

pub(crate) async fn find_user(
    pool: &AnyPool,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<Option<User>> {
    let row = sqlx::query(
        "SELECT document, deleted_at FROM deleted_objects WHERE tenant_id = $1 AND id = $2 AND kind = $3",
    )
    .bind(tenant.to_string())
    .bind(id.to_string())
    .bind(USER_KIND)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    row.as_ref().map(deleted_user).transpose()
}
