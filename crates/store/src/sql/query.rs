//! Filtered, ordered pages of users, groups and contacts, and their counts.

use super::codec::db_error;
use super::filter::{Compiler, Entity, Param};
use super::Backend;
use crate::{DirectoryQuery, Start, StoreResult};
use portico_model::TenantId;
use portico_odata::Expr;
use sqlx::any::AnyRow;
use sqlx::AnyPool;

/// The `WHERE` clause after `tenant_id = $1` (and the keyset bound when present), with params.
fn where_clause(
    backend: Backend,
    entity: &Entity,
    filter: Option<&Expr>,
    first: usize,
) -> StoreResult<(String, Vec<Param>)> {
    let mut compiler = Compiler::new(backend, entity, first);
    let condition = match filter {
        Some(expr) => format!(" AND {}", compiler.condition(expr)?),
        None => String::new(),
    };
    Ok((condition, compiler.params))
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    params: Vec<Param>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for param in params {
        query = match param {
            Param::Text(text) => query.bind(text),
            Param::Int(number) => query.bind(number),
        };
    }
    query
}

/// Rows of `entity` (selecting `columns`) matching `query`.
pub(crate) async fn rows(
    pool: &AnyPool,
    backend: Backend,
    entity: &Entity,
    columns: &str,
    tenant: TenantId,
    query: &DirectoryQuery,
) -> StoreResult<Vec<AnyRow>> {
    let table = entity.table;
    let (keyset, after, offset) = match (query.start, query.order_by.is_empty()) {
        (Start::AfterId(after), true) => (
            format!(" AND {table}.id > $2"),
            Some(after.map(|id| id.to_string()).unwrap_or_default()),
            0,
        ),
        (Start::AfterId(_), false) => (String::new(), None, 0),
        (Start::Offset(offset), _) => (String::new(), None, offset),
    };
    let first = if after.is_some() { 3 } else { 2 };
    let (condition, params) = where_clause(backend, entity, query.filter.as_ref(), first)?;
    let order = Compiler::new(backend, entity, first).order_by(&query.order_by)?;
    let sql = format!(
        "SELECT {columns} FROM {table} WHERE {table}.tenant_id = $1{keyset}{condition} ORDER BY {order} LIMIT {} OFFSET {offset}",
        query.limit
    );
    let mut statement = sqlx::query(&sql).bind(tenant.to_string());
    if let Some(after) = after {
        statement = statement.bind(after);
    }
    bind_all(statement, params)
        .fetch_all(pool)
        .await
        .map_err(db_error)
}

pub(crate) async fn count(
    pool: &AnyPool,
    backend: Backend,
    entity: &Entity,
    tenant: TenantId,
    filter: Option<&Expr>,
) -> StoreResult<u64> {
    let table = entity.table;
    let (condition, params) = where_clause(backend, entity, filter, 2)?;
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {table}.tenant_id = $1{condition}");
    let row = bind_all(sqlx::query(&sql).bind(tenant.to_string()), params)
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
    let n = sqlx::Row::try_get::<i64, _>(&row, "n").map_err(db_error)?;
    Ok(u64::try_from(n).unwrap_or(0))
}
