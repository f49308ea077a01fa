//! Guest bindings: which home account a guest object stands for.

use super::codec::{db_error, Columns};
use crate::{Conflict, StoreError, StoreResult};
use portico_model::invitation::GuestBinding;
use portico_model::{ObjectId, TenantId};
use sqlx::error::ErrorKind;
use sqlx::{AnyConnection, AnyPool};

/// Sets a guest's binding (replacing its previous one). Fails with `Conflict::Precondition` when
/// another guest of the tenant is already bound to the same home account.
pub(crate) async fn put(
    conn: &mut AnyConnection,
    tenant: TenantId,
    binding: &GuestBinding,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM guest_bindings WHERE tenant_id = $1 AND guest_id = $2")
        .bind(tenant.to_string())
        .bind(binding.guest_id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    sqlx::query("INSERT INTO guest_bindings (tenant_id, guest_id, issuer, subject, confirmed) VALUES ($1, $2, $3, $4, $5)")
        .bind(tenant.to_string())
        .bind(binding.guest_id.to_string())
        .bind(binding.issuer.clone())
        .bind(binding.subject.clone())
        .bind(binding.confirmed)
        .execute(&mut *conn)
        .await
        .map_err(|error| match &error {
            sqlx::Error::Database(e) if e.kind() == ErrorKind::UniqueViolation => {
                StoreError::Conflict(Conflict::Precondition(format!("a guest is already bound to {}/{}", binding.issuer, binding.subject)))
            }
            sqlx::Error::Database(e) if e.kind() == ErrorKind::ForeignKeyViolation => StoreError::NotFound,
            _ => db_error(error),
        })?;
    Ok(())
}

pub(crate) async fn delete(
    conn: &mut AnyConnection,
    tenant: TenantId,
    guest: ObjectId,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM guest_bindings WHERE tenant_id = $1 AND guest_id = $2")
        .bind(tenant.to_string())
        .bind(guest.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

fn from_row(row: &sqlx::any::AnyRow) -> StoreResult<GuestBinding> {
    let c = Columns(row);
    Ok(GuestBinding {
        guest_id: c.parsed("guest_id")?,
        issuer: c.text("issuer")?,
        subject: c.text("subject")?,
        confirmed: c.flag("confirmed")?,
    })
}

pub(crate) async fn find_by_home(
    pool: &AnyPool,
    tenant: TenantId,
    issuer: &str,
    subject: &str,
) -> StoreResult<Option<GuestBinding>> {
    let row = sqlx::query("SELECT guest_id, issuer, subject, confirmed FROM guest_bindings WHERE tenant_id = $1 AND issuer = $2 AND subject = $3")
        .bind(tenant.to_string())
        .bind(issuer)
        .bind(subject)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// [`find_of_guest`] inside a transaction.
pub(crate) async fn find_of_guest_in(
    conn: &mut AnyConnection,
    tenant: TenantId,
    guest: ObjectId,
) -> StoreResult<Option<GuestBinding>> {
    let row = sqlx::query("SELECT guest_id, issuer, subject, confirmed FROM guest_bindings WHERE tenant_id = $1 AND guest_id = $2")
        .bind(tenant.to_string())
        .bind(guest.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn find_of_guest(
    pool: &AnyPool,
    tenant: TenantId,
    guest: ObjectId,
) -> StoreResult<Option<GuestBinding>> {
    let row = sqlx::query("SELECT guest_id, issuer, subject, confirmed FROM guest_bindings WHERE tenant_id = $1 AND guest_id = $2")
        .bind(tenant.to_string())
        .bind(guest.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// Every tenant where a home account has a guest (for "organisations I belong to").
pub(crate) async fn list_by_home(
    pool: &AnyPool,
    issuer: &str,
    subject: &str,
) -> StoreResult<Vec<(TenantId, GuestBinding)>> {
    let rows = sqlx::query("SELECT tenant_id, guest_id, issuer, subject, confirmed FROM guest_bindings WHERE issuer = $1 AND subject = $2 ORDER BY tenant_id")
        .bind(issuer)
        .bind(subject)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| Ok((Columns(row).parsed("tenant_id")?, from_row(row)?)))
        .collect()
}
