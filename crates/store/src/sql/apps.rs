//! Applications, their assignments, and directory role assignments.

use super::codec::{db_error, micros, to_json, unique_or_db, Columns};
use super::recipients::ensure_exists;
use crate::{Conflict, StoreError, StoreResult};
use portico_model::application::Application;
use portico_model::role::{DirectoryRole, RoleAssignment};
use portico_model::{ClientId, ObjectId, TenantId};
use sqlx::any::AnyRow;
use sqlx::error::ErrorKind;
use sqlx::{AnyConnection, AnyPool};

const COLUMNS: &str =
    "id, client_id, display_name, redirect_uris, public_client, assignment_required, \
    allow_password_grant, graph_app_permissions, secrets, created_at, key_credentials, registration";

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    tenant: TenantId,
    app: &Application,
) -> StoreResult<()> {
    let sql = format!("INSERT INTO applications (tenant_id, {COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
    bind_app(sqlx::query(&sql).bind(tenant.to_string()), app)?
        .execute(&mut *conn)
        .await
        .map_err(|e| conflict(e, app))?;
    Ok(())
}

pub(crate) async fn update(
    conn: &mut AnyConnection,
    tenant: TenantId,
    app: &Application,
) -> StoreResult<()> {
    let sql = "UPDATE applications SET id = $2, client_id = $3, display_name = $4, redirect_uris = $5, \
        public_client = $6, assignment_required = $7, allow_password_grant = $8, graph_app_permissions = $9, \
        secrets = $10, created_at = $11, key_credentials = $12, registration = $13 WHERE tenant_id = $1 AND id = $2";
    let done = bind_app(sqlx::query(sql).bind(tenant.to_string()), app)?
        .execute(&mut *conn)
        .await
        .map_err(|e| conflict(e, app))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn bind_app<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    app: &Application,
) -> StoreResult<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>> {
    Ok(query
        .bind(app.id.to_string())
        .bind(app.client_id.to_string())
        .bind(app.display_name.clone())
        .bind(to_json(&app.redirect_uris)?)
        .bind(app.public_client)
        .bind(app.assignment_required)
        .bind(app.allow_password_grant)
        .bind(to_json(&app.graph_app_permissions)?)
        .bind(to_json(&app.secrets)?)
        .bind(micros(app.created_at))
        .bind(to_json(&app.key_credentials)?)
        .bind(to_json(&app.registration)?))
}

fn conflict(error: sqlx::Error, app: &Application) -> StoreError {
    match &error {
        sqlx::Error::Database(e) if e.kind() == ErrorKind::UniqueViolation => {
            if e.message().contains("client_id")
                || e.constraint().is_some_and(|c| c.contains("client_id"))
            {
                StoreError::Conflict(Conflict::ClientId(app.client_id.to_string()))
            } else {
                StoreError::Conflict(Conflict::ObjectId(app.id.to_string()))
            }
        }
        _ => db_error(error),
    }
}

pub(crate) async fn assign(
    conn: &mut AnyConnection,
    tenant: TenantId,
    app: ObjectId,
    principal: ObjectId,
) -> StoreResult<()> {
    ensure_exists(
        conn,
        "SELECT 1 FROM applications WHERE tenant_id = $1 AND id = $2",
        tenant,
        app,
    )
    .await?;
    sqlx::query(
        "INSERT INTO app_assignments (tenant_id, app_id, principal_id) VALUES ($1, $2, $3)",
    )
    .bind(tenant.to_string())
    .bind(app.to_string())
    .bind(principal.to_string())
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(principal.to_string())))?;
    Ok(())
}

pub(crate) async fn find(
    pool: &AnyPool,
    tenant: TenantId,
    client_id: ClientId,
) -> StoreResult<Option<Application>> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE tenant_id = $1 AND client_id = $2");
    let row = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(client_id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn list(pool: &AnyPool, tenant: TenantId) -> StoreResult<Vec<Application>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE tenant_id = $1 ORDER BY display_name, id"
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

fn from_row(row: &AnyRow) -> StoreResult<Application> {
    let c = Columns(row);
    Ok(Application {
        id: c.parsed("id")?,
        client_id: c.parsed("client_id")?,
        display_name: c.text("display_name")?,
        redirect_uris: c.json("redirect_uris")?,
        public_client: c.flag("public_client")?,
        assignment_required: c.flag("assignment_required")?,
        allow_password_grant: c.flag("allow_password_grant")?,
        graph_app_permissions: c.json("graph_app_permissions")?,
        secrets: c.json("secrets")?,
        key_credentials: c.json("key_credentials")?,
        registration: c.json("registration")?,
        created_at: c.time("created_at")?,
    })
}

pub(crate) async fn assign_role(
    conn: &mut AnyConnection,
    tenant: TenantId,
    assignment: &RoleAssignment,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO role_assignments (tenant_id, principal_id, role_template_id) VALUES ($1, $2, $3)")
        .bind(tenant.to_string())
        .bind(assignment.principal_id.to_string())
        .bind(assignment.role.template_id().to_string())
        .execute(&mut *conn)
        .await
        .map_err(unique_or_db(Conflict::ObjectId(assignment.principal_id.to_string())))?;
    Ok(())
}

pub(crate) async fn remove_role(
    conn: &mut AnyConnection,
    tenant: TenantId,
    assignment: &RoleAssignment,
) -> StoreResult<()> {
    let done = sqlx::query("DELETE FROM role_assignments WHERE tenant_id = $1 AND principal_id = $2 AND role_template_id = $3")
        .bind(tenant.to_string())
        .bind(assignment.principal_id.to_string())
        .bind(assignment.role.template_id().to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn list_roles(
    pool: &AnyPool,
    tenant: TenantId,
) -> StoreResult<Vec<RoleAssignment>> {
    let rows = sqlx::query("SELECT principal_id, role_template_id FROM role_assignments WHERE tenant_id = $1 ORDER BY principal_id, role_template_id")
        .bind(tenant.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let c = Columns(row);
            let template: uuid::Uuid = c.parsed("role_template_id")?;
            let role = DirectoryRole::from_template_id(&template)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown role template {template}")))?;
            Ok(RoleAssignment {
                principal_id: c.parsed("principal_id")?,
                role,
            })
        })
        .collect()
}
