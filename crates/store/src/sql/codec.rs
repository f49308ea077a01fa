//! Conversions between model types and the column types both backends share: TEXT ids and JSON,
//! BIGINT microsecond timestamps, BOOLEAN flags.

use crate::{Conflict, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::error::ErrorKind;
use sqlx::Row;
use std::str::FromStr;

pub(crate) fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

pub(crate) fn opt_micros(at: Option<DateTime<Utc>>) -> Option<i64> {
    at.map(micros)
}

pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("cannot encode: {e}")))
}

/// A unit-like enum as its serde name (`Member`, `PendingAcceptance`…), for plain TEXT columns.
pub(crate) fn to_name<T: Serialize>(value: &T) -> StoreResult<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => Ok(name),
        _ => Err(StoreError::Corrupt("expected a unit enum".into())),
    }
}

pub(crate) fn db_error(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        other => StoreError::Database(other.to_string()),
    }
}

/// Maps a unique-key violation to `conflict`; any other error to a database error.
pub(crate) fn unique_or_db(conflict: Conflict) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |error| match &error {
        sqlx::Error::Database(e) if e.kind() == ErrorKind::UniqueViolation => {
            StoreError::Conflict(conflict)
        }
        _ => db_error(error),
    }
}

/// Typed column access with the store's error type.
pub(crate) struct Columns<'r>(pub &'r AnyRow);

impl Columns<'_> {
    pub fn text(&self, column: &str) -> StoreResult<String> {
        self.0.try_get::<String, _>(column).map_err(db_error)
    }
    pub fn opt_text(&self, column: &str) -> StoreResult<Option<String>> {
        self.0
            .try_get::<Option<String>, _>(column)
            .map_err(db_error)
    }
    /// PostgreSQL returns BOOLEAN; SQLite's flags are INTEGER 0/1 (see the SQLite migration).
    pub fn flag(&self, column: &str) -> StoreResult<bool> {
        match self.0.try_get::<bool, _>(column) {
            Ok(flag) => Ok(flag),
            Err(_) => self.int(column).map(|value| value != 0),
        }
    }
    pub fn int(&self, column: &str) -> StoreResult<i64> {
        self.0.try_get::<i64, _>(column).map_err(db_error)
    }
    pub fn bytes(&self, column: &str) -> StoreResult<Vec<u8>> {
        self.0.try_get::<Vec<u8>, _>(column).map_err(db_error)
    }
    pub fn time(&self, column: &str) -> StoreResult<DateTime<Utc>> {
        from_micros(self.int(column)?)
    }
    pub fn opt_time(&self, column: &str) -> StoreResult<Option<DateTime<Utc>>> {
        let value = self.0.try_get::<Option<i64>, _>(column).map_err(db_error)?;
        value.map(from_micros).transpose()
    }
    /// A column holding a `FromStr` value (ids, addresses).
    pub fn parsed<T: FromStr>(&self, column: &str) -> StoreResult<T>
    where
        T::Err: std::fmt::Display,
    {
        let text = self.text(column)?;
        text.parse()
            .map_err(|e: T::Err| StoreError::Corrupt(format!("{column}: {e}")))
    }
    pub fn opt_parsed<T: FromStr>(&self, column: &str) -> StoreResult<Option<T>>
    where
        T::Err: std::fmt::Display,
    {
        self.opt_text(column)?
            .map(|text| {
                text.parse()
                    .map_err(|e: T::Err| StoreError::Corrupt(format!("{column}: {e}")))
            })
            .transpose()
    }
    pub fn json<T: DeserializeOwned>(&self, column: &str) -> StoreResult<T> {
        from_json(column, &self.text(column)?)
    }
    /// A column holding a unit enum by name (see [`to_name`]).
    pub fn named<T: DeserializeOwned>(&self, column: &str) -> StoreResult<T> {
        from_json(
            column,
            &serde_json::Value::String(self.text(column)?).to_string(),
        )
    }
    pub fn opt_named<T: DeserializeOwned>(&self, column: &str) -> StoreResult<Option<T>> {
        self.opt_text(column)?
            .map(|name| from_json(column, &serde_json::Value::String(name).to_string()))
            .transpose()
    }
}

fn from_micros(value: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(value)
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {value}")))
}

fn from_json<T: DeserializeOwned>(column: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

/// The `document` column of the one row `sql` finds by (tenant, key), deserialised.
pub(crate) async fn find_document<T: DeserializeOwned>(
    pool: &sqlx::AnyPool,
    sql: &str,
    tenant: portico_model::TenantId,
    key: &str,
) -> StoreResult<Option<T>> {
    let row = sqlx::query(sql)
        .bind(tenant.to_string())
        .bind(key)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.map(|row| Columns(&row).json("document")).transpose()
}
