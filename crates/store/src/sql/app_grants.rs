//! What is granted to service principals: app role assignments and delegated permission grants
//! (`oauth2PermissionGrants`), and deleting an application with everything that names it.

use super::codec::{db_error, to_json, unique_or_db, Columns};
use super::recipients::ensure_exists;
use crate::{Conflict, StoreError, StoreResult};
use portico_model::app_registration::{AppRoleAssignment, GrantConsent, PermissionGrant};
use portico_model::{ObjectId, TenantId};
use serde::de::DeserializeOwned;
use sqlx::{AnyConnection, AnyPool};

const APP_EXISTS: &str = "SELECT 1 FROM applications WHERE tenant_id = $1 AND id = $2";

pub(crate) async fn insert_assignment(
    conn: &mut AnyConnection,
    tenant: TenantId,
    assignment: &AppRoleAssignment,
) -> StoreResult<()> {
    ensure_exists(conn, APP_EXISTS, tenant, assignment.resource_id).await?;
    sqlx::query(
        "INSERT INTO app_role_assignments (tenant_id, id, resource_id, principal_id, app_role_id, document) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant.to_string())
    .bind(assignment.id.to_string())
    .bind(assignment.resource_id.to_string())
    .bind(assignment.principal_id.to_string())
    .bind(assignment.app_role_id.to_string())
    .bind(to_json(assignment)?)
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(assignment.id.to_string())))?;
    Ok(())
}

pub(crate) async fn delete_assignment(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<()> {
    delete_by_id(conn, "app_role_assignments", tenant, id).await
}

/// Inserts a grant, or replaces the scopes of the grant with the same id.
pub(crate) async fn put_grant(
    conn: &mut AnyConnection,
    tenant: TenantId,
    grant: &PermissionGrant,
) -> StoreResult<()> {
    ensure_exists(conn, APP_EXISTS, tenant, grant.resource_id).await?;
    ensure_exists(conn, APP_EXISTS, tenant, grant.client_id).await?;
    let principal = match grant.consent {
        GrantConsent::AllPrincipals => String::new(),
        GrantConsent::Principal(user) => user.to_string(),
    };
    sqlx::query(
        "INSERT INTO oauth2_permission_grants (tenant_id, id, client_id, resource_id, principal_id, document) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (tenant_id, id) DO UPDATE SET document = excluded.document",
    )
    .bind(tenant.to_string())
    .bind(grant.id.to_string())
    .bind(grant.client_id.to_string())
    .bind(grant.resource_id.to_string())
    .bind(principal)
    .bind(to_json(grant)?)
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(grant.id.to_string())))?;
    Ok(())
}

pub(crate) async fn delete_grant(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<()> {
    delete_by_id(conn, "oauth2_permission_grants", tenant, id).await
}

async fn delete_by_id(
    conn: &mut AnyConnection,
    table: &str,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<()> {
    let sql = format!("DELETE FROM {table} WHERE tenant_id = $1 AND id = $2");
    let done = sqlx::query(&sql)
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

/// Deletes an application and what names it: its user assignments, the app roles and grants it
/// holds or gives.
pub(crate) async fn delete_application(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<()> {
    for sql in [
        "DELETE FROM app_role_assignments WHERE tenant_id = $1 AND (resource_id = $2 OR principal_id = $2)",
        "DELETE FROM oauth2_permission_grants WHERE tenant_id = $1 AND (resource_id = $2 OR client_id = $2)",
        "DELETE FROM app_assignments WHERE tenant_id = $1 AND app_id = $2",
    ] {
        sqlx::query(sql)
            .bind(tenant.to_string())
            .bind(id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    delete_by_id(conn, "applications", tenant, id).await
}

async fn documents<T: DeserializeOwned>(
    pool: &AnyPool,
    table: &str,
    tenant: TenantId,
) -> StoreResult<Vec<T>> {
    let sql = format!("SELECT document FROM {table} WHERE tenant_id = $1 ORDER BY id");
    let rows = sqlx::query(&sql)
        .bind(tenant.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| Columns(row).json("document"))
        .collect()
}

pub(crate) async fn list_assignments(
    pool: &AnyPool,
    tenant: TenantId,
) -> StoreResult<Vec<AppRoleAssignment>> {
    documents(pool, "app_role_assignments", tenant).await
}

pub(crate) async fn list_grants(
    pool: &AnyPool,
    tenant: TenantId,
) -> StoreResult<Vec<PermissionGrant>> {
    documents(pool, "oauth2_permission_grants", tenant).await
}
