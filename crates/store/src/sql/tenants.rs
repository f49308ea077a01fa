//! Tenants, their verified domains and their settings document.

use super::codec::{db_error, micros, to_json, unique_or_db, Columns};
use crate::{Conflict, StoreError, StoreResult};
use portico_model::settings::TenantSettings;
use portico_model::tenant::Tenant;
use portico_model::{DomainName, TenantId};
use sqlx::{AnyConnection, AnyPool, Row};

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    tenant: &Tenant,
    settings: &TenantSettings,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO tenants (id, display_name, settings, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(tenant.id.to_string())
    .bind(&tenant.display_name)
    .bind(to_json(settings)?)
    .bind(micros(tenant.created_at))
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(tenant.id.to_string())))?;
    for (position, domain) in tenant.domains().enumerate() {
        sqlx::query("INSERT INTO tenant_domains (domain, tenant_id, position) VALUES ($1, $2, $3)")
            .bind(domain.as_str())
            .bind(tenant.id.to_string())
            .bind(position as i64)
            .execute(&mut *conn)
            .await
            .map_err(unique_or_db(Conflict::Domain(domain.to_string())))?;
    }
    Ok(())
}

pub(crate) async fn put_settings(
    conn: &mut AnyConnection,
    tenant: TenantId,
    settings: &TenantSettings,
) -> StoreResult<()> {
    let done = sqlx::query("UPDATE tenants SET settings = $2 WHERE id = $1")
        .bind(tenant.to_string())
        .bind(to_json(settings)?)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn get_settings(pool: &AnyPool, tenant: TenantId) -> StoreResult<TenantSettings> {
    let row = sqlx::query("SELECT settings FROM tenants WHERE id = $1")
        .bind(tenant.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
    Columns(&row).json("settings")
}

pub(crate) async fn find(pool: &AnyPool, tenant: TenantId) -> StoreResult<Option<Tenant>> {
    let rows = sqlx::query(
        "SELECT t.id, t.display_name, t.created_at, d.domain FROM tenants t \
         JOIN tenant_domains d ON d.tenant_id = t.id WHERE t.id = $1 ORDER BY d.position",
    )
    .bind(tenant.to_string())
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    Ok(assemble(&rows)?.into_iter().next())
}

pub(crate) async fn find_by_domain(
    pool: &AnyPool,
    domain: &DomainName,
) -> StoreResult<Option<Tenant>> {
    let row = sqlx::query("SELECT tenant_id FROM tenant_domains WHERE domain = $1")
        .bind(domain.as_str())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    match row {
        Some(row) => find(pool, Columns(&row).parsed("tenant_id")?).await,
        None => Ok(None),
    }
}

pub(crate) async fn list(pool: &AnyPool) -> StoreResult<Vec<Tenant>> {
    let rows = sqlx::query(
        "SELECT t.id, t.display_name, t.created_at, d.domain FROM tenants t \
         JOIN tenant_domains d ON d.tenant_id = t.id ORDER BY t.id, d.position",
    )
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    assemble(&rows)
}

/// Folds (tenant, domain) rows ordered by tenant then position into tenants.
fn assemble(rows: &[sqlx::any::AnyRow]) -> StoreResult<Vec<Tenant>> {
    let mut tenants: Vec<Tenant> = Vec::new();
    for row in rows {
        let columns = Columns(row);
        let id: TenantId = columns.parsed("id")?;
        let domain: DomainName = columns.parsed("domain")?;
        match tenants.last_mut() {
            Some(tenant) if tenant.id == id => tenant.other_domains.push(domain),
            _ => tenants.push(Tenant {
                id,
                display_name: row.try_get::<String, _>("display_name").map_err(db_error)?,
                initial_domain: domain,
                other_domains: Vec::new(),
                created_at: columns.time("created_at")?,
            }),
        }
    }
    Ok(tenants)
}
