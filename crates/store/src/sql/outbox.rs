//! The transactional outbox of outgoing mail.

use super::codec::{db_error, micros, opt_micros, to_json, unique_or_db, Columns};
use crate::{Conflict, Delivery, StoreError, StoreResult};
use portico_model::mail::OutboxMessage;
use portico_model::{EmailAddress, ObjectId, TenantId};
use sqlx::{AnyConnection, AnyPool};

pub(crate) async fn enqueue(
    conn: &mut AnyConnection,
    tenant: TenantId,
    message: &OutboxMessage,
) -> StoreResult<()> {
    if message.tenant_id.is_some_and(|id| id != tenant) {
        return Err(StoreError::TenantMismatch {
            batch: tenant,
            write: message.tenant_id.unwrap_or(tenant),
        });
    }
    sqlx::query("INSERT INTO outbox (id, tenant_id, created_at, delivered_at, document) VALUES ($1, $2, $3, $4, $5)")
        .bind(message.id.to_string())
        .bind(tenant.to_string())
        .bind(micros(message.created_at))
        .bind(opt_micros(message.delivered_at))
        .bind(to_json(message)?)
        .execute(&mut *conn)
        .await
        .map_err(unique_or_db(Conflict::ObjectId(message.id.to_string())))?;
    let mut keys: Vec<String> = message
        .to
        .iter()
        .chain(&message.cc)
        .map(EmailAddress::normalized)
        .collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        sqlx::query("INSERT INTO outbox_recipients (message_id, address_key) VALUES ($1, $2)")
            .bind(message.id.to_string())
            .bind(key)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

pub(crate) async fn list(
    pool: &AnyPool,
    to: Option<&EmailAddress>,
    limit: u32,
) -> StoreResult<Vec<OutboxMessage>> {
    let rows = match to {
        Some(address) => {
            sqlx::query(
                "SELECT o.document FROM outbox o JOIN outbox_recipients r ON r.message_id = o.id \
             WHERE r.address_key = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT $2",
            )
            .bind(address.normalized())
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
        }
        None => {
            sqlx::query("SELECT document FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1")
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
        }
    }
    .map_err(db_error)?;
    rows.iter()
        .map(|row| Columns(row).json("document"))
        .collect()
}

pub(crate) async fn list_undelivered(
    pool: &AnyPool,
    limit: u32,
) -> StoreResult<Vec<OutboxMessage>> {
    let rows = sqlx::query(
        "SELECT document FROM outbox WHERE delivered_at IS NULL ORDER BY created_at, id LIMIT $1",
    )
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| Columns(row).json("document"))
        .collect()
}

pub(crate) async fn count_undelivered(pool: &AnyPool) -> StoreResult<u64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL")
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
    let n = sqlx::Row::try_get::<i64, _>(&row, "n").map_err(db_error)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

pub(crate) async fn record_delivery(
    pool: &AnyPool,
    id: ObjectId,
    outcome: Delivery,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    let row = sqlx::query("SELECT document FROM outbox WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
    let mut message: OutboxMessage = Columns(&row).json("document")?;
    message.delivery_attempts += 1;
    match outcome {
        Delivery::Delivered { at } => {
            message.delivered_at = Some(at);
            message.last_error = None;
            message.purge_body();
        }
        Delivery::Failed { error } => message.last_error = Some(error),
    }
    sqlx::query("UPDATE outbox SET delivered_at = $2, document = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(opt_micros(message.delivered_at))
        .bind(to_json(&message)?)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)
}
