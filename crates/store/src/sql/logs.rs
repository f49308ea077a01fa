//! The sign-in and audit logs as Graph collections: their column maps for `$filter`, pages in
//! time order with a keyset cursor (stable while new rows arrive), lookups by id, and the side
//! table of audit targets that `targetResources/any(t: t/id eq '…')` reads.

use super::codec::{db_error, micros, Columns};
use super::filter::{Column, Compiler, Entity, Param};
use super::Backend;
use crate::{LogQuery, StoreResult};
use portico_model::logs::{Actor, AuditRecord};
use portico_model::{ObjectId, TenantId};
use serde::de::DeserializeOwned;
use sqlx::{AnyConnection, AnyPool};

/// A log table: its filter columns and the column it is ordered by.
pub(crate) struct Log {
    pub entity: Entity,
    pub time: &'static str,
}

pub(crate) const SIGN_INS: Log = Log {
    entity: Entity {
        table: "sign_ins",
        columns: sign_in_column,
    },
    time: "created_at",
};

pub(crate) const AUDIT_RECORDS: Log = Log {
    entity: Entity {
        table: "audit_records",
        columns: audit_column,
    },
    time: "activity_at",
};

/// Keep in step with `records::SignInLogRecord`.
fn sign_in_column(property: &str) -> Option<Column> {
    Some(match property {
        "id" => Column::Text("id"),
        "createdDateTime" => Column::Time("created_at"),
        "userId" => Column::Text("user_id"),
        "userPrincipalName" => Column::Text("user_principal_name"),
        // Stored as the user's `Member`/`Guest`: case-folded, it compares with `member`/`guest`.
        "userType" => Column::Text("user_type"),
        "appId" => Column::Text("app_id"),
        "appDisplayName" => Column::Text("app_display_name"),
        "correlationId" => Column::Text("correlation_id"),
        "isInteractive" => Column::Flag("is_interactive"),
        "crossTenantAccessType" => Column::Text("cross_tenant_access_type"),
        "homeTenantId" => Column::Text("home_tenant_id"),
        "resourceTenantId" => Column::Text("resource_tenant_id"),
        "status/errorCode" => Column::Int("error_code"),
        // Each row has exactly one event type, told by columns it already has: interactive rows
        // are flagged, and only service principal rows have no user. A "collection" of the row
        // itself keeps `signInEventTypes/any(t: …)` on the compiler's one lambda path.
        "signInEventTypes" => Column::Collection {
            table: "sign_ins",
            owner: "id",
            element:
                "(CASE WHEN c.is_interactive THEN 'interactiveuser' \
                      WHEN c.user_id IS NULL THEN 'serviceprincipal' ELSE 'noninteractiveuser' END)",
            extra: "",
        },
        _ => return None,
    })
}

/// Keep in step with `records::AuditLogRecord`.
fn audit_column(property: &str) -> Option<Column> {
    Some(match property {
        "id" => Column::Text("id"),
        "activityDateTime" => Column::Time("activity_at"),
        "category" => Column::Text("category"),
        "activityDisplayName" => Column::Text("activity"),
        "correlationId" => Column::Text("correlation_id"),
        "result" => Column::Text("result"),
        "initiatedBy/user/id" => Column::Text("initiated_by_user_id"),
        "initiatedBy/user/userPrincipalName" => Column::Text("initiated_by_upn"),
        "initiatedBy/app/displayName" => Column::Text("initiated_by_app_name"),
        "targetResources/id" => Column::Collection {
            table: "audit_targets",
            owner: "audit_id",
            element: "c.target_key",
            extra: "",
        },
        _ => return None,
    })
}

/// One page of `log` in `tenant`.
pub(crate) async fn query<T: DeserializeOwned>(
    pool: &AnyPool,
    backend: Backend,
    log: &Log,
    tenant: TenantId,
    query: &LogQuery,
) -> StoreResult<Vec<T>> {
    let table = log.entity.table;
    let time = format!("{table}.{}", log.time);
    let (direction, before) = if query.oldest_first {
        ("ASC", ">")
    } else {
        ("DESC", "<")
    };
    // Strictly after the last entry of the previous page: an earlier (or later) time, or the
    // same time and a smaller (or larger) id.
    let (keyset, first) = match query.after {
        Some(_) => (
            format!(" AND ({time} {before} $2 OR ({time} = $3 AND {table}.id {before} $4))"),
            5,
        ),
        None => (String::new(), 2),
    };
    let mut compiler = Compiler::new(backend, &log.entity, first);
    let condition = match &query.filter {
        Some(expr) => format!(" AND {}", compiler.condition(expr)?),
        None => String::new(),
    };
    let sql = format!(
        "SELECT {table}.document FROM {table} WHERE {table}.tenant_id = $1{keyset}{condition} \
         ORDER BY {time} {direction}, {table}.id {direction} LIMIT {}",
        query.limit
    );
    let mut statement = sqlx::query(&sql).bind(tenant.to_string());
    if let Some(after) = query.after {
        statement = statement
            .bind(micros(after.at))
            .bind(micros(after.at))
            .bind(after.id.to_string());
    }
    for param in compiler.params {
        statement = match param {
            Param::Text(text) => statement.bind(text),
            Param::Int(number) => statement.bind(number),
        };
    }
    let rows = statement.fetch_all(pool).await.map_err(db_error)?;
    rows.iter()
        .map(|row| Columns(row).json("document"))
        .collect()
}

/// One entry of `log` in `tenant`, by id.
pub(crate) async fn find<T: DeserializeOwned>(
    pool: &AnyPool,
    log: &Log,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<Option<T>> {
    let table = log.entity.table;
    let sql = format!("SELECT document FROM {table} WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.as_ref()
        .map(|row| Columns(row).json("document"))
        .transpose()
}

/// Who started an audited change, as the filter columns keep it: (user id, user principal name,
/// app display name).
pub(crate) fn audit_initiator(
    record: &AuditRecord,
) -> (Option<String>, Option<String>, Option<String>) {
    match &record.initiated_by {
        Actor::User {
            id,
            user_principal_name,
        } => (
            Some(id.to_string()),
            Some(user_principal_name.clone()),
            None,
        ),
        Actor::App { display_name, .. } => (None, None, Some(display_name.clone())),
        Actor::System { .. } => (None, None, None),
    }
}

/// Graph's `result` of an audited change.
pub(crate) fn audit_result(record: &AuditRecord) -> &'static str {
    if record.success {
        "success"
    } else {
        "failure"
    }
}

/// The target ids of an audit record, ASCII-lower-cased as the filter compares them.
pub(crate) async fn insert_audit_targets(
    conn: &mut AnyConnection,
    tenant: TenantId,
    record: &AuditRecord,
) -> StoreResult<()> {
    for target in &record.targets {
        sqlx::query(
            "INSERT INTO audit_targets (tenant_id, audit_id, target_key) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(tenant.to_string())
        .bind(record.id.to_string())
        .bind(target.id.to_ascii_lowercase())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}
