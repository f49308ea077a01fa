//! The users table's profile columns, read from `portico_odata::USER` (the one table naming each
//! property's column), the identities side table that `identities/any(…)` filters on, and the
//! `signInActivity` columns a sign-in row updates.

use super::codec::{db_error, micros, opt_micros, to_json, Columns};
use crate::StoreResult;
use portico_model::logs::SignInRecord;
use portico_model::user::{ObjectIdentity, ProfileValue, SignInActivity, UserProfile};
use portico_model::{ObjectId, TenantId};
use portico_odata::{Kind, Property, Stored, USER};
use sqlx::AnyConnection;
use std::sync::LazyLock;

/// A column value, typed the way the users table stores it.
pub(crate) enum Value {
    Text(Option<String>),
    Flag(bool),
    Micros(Option<i64>),
}

/// The profile rows of the user table, in table order, with their columns.
pub(crate) fn profile_columns() -> impl Iterator<Item = (&'static Property, &'static str)> {
    USER.properties.iter().filter_map(|p| match p.stored {
        Stored::Profile(column) => Some((p, column)),
        _ => None,
    })
}

/// The signInActivity columns: (time, request id) for each slot.
const ACTIVITY: [(&str, &str); 3] = [
    ("last_sign_in_at", "last_sign_in_request_id"),
    (
        "last_non_interactive_sign_in_at",
        "last_non_interactive_sign_in_request_id",
    ),
    (
        "last_successful_sign_in_at",
        "last_successful_sign_in_request_id",
    ),
];

/// `, job_title, …` for the profile columns, then the activity columns and the sessions' valid-from.
pub(crate) static EXTRA_COLUMNS: LazyLock<String> = LazyLock::new(|| {
    let profile = profile_columns().map(|(_, column)| column);
    let activity = ACTIVITY.iter().flat_map(|(at, id)| [*at, *id]);
    profile
        .chain(activity)
        .chain([VALID_FROM_COLUMN])
        .map(|column| format!(", {column}"))
        .collect()
});

/// `signInSessionsValidFromDateTime`: moved only by revocations (`Write::RevokeUserTokens`).
pub(crate) const VALID_FROM_COLUMN: &str = "sign_in_sessions_valid_from";

/// How many profile columns there are.
pub(crate) fn profile_count() -> usize {
    profile_columns().count()
}

/// A profile value as its column holds it (`None`: Graph's default).
pub(crate) fn column_value(
    property: &Property,
    value: Option<&ProfileValue>,
) -> StoreResult<Value> {
    Ok(match (property.kind, value) {
        (Kind::DateTime, Some(ProfileValue::Time(at))) => Value::Micros(Some(micros(*at))),
        (Kind::DateTime, _) => Value::Micros(None),
        (_, Some(ProfileValue::Texts(items))) if items.is_empty() => Value::Text(None),
        (_, Some(ProfileValue::Texts(items))) => Value::Text(Some(to_json(items)?)),
        (_, Some(ProfileValue::Text(text))) => Value::Text(Some(text.clone())),
        (_, _) => Value::Text(None),
    })
}

/// Every profile column's value for `profile`, in [`profile_columns`] order.
pub(crate) fn profile_values(profile: &UserProfile) -> StoreResult<Vec<Value>> {
    profile_columns()
        .map(|(property, _)| column_value(property, profile.get(property.name)))
        .collect()
}

/// The activity columns' values, in [`EXTRA_COLUMNS`] order.
pub(crate) fn activity_values(activity: &SignInActivity) -> Vec<Value> {
    [
        &activity.last_sign_in,
        &activity.last_non_interactive_sign_in,
        &activity.last_successful_sign_in,
    ]
    .into_iter()
    .flat_map(|slot| {
        [
            Value::Micros(opt_micros(slot.as_ref().map(|(at, _)| *at))),
            Value::Text(slot.as_ref().map(|(_, id)| id.clone())),
        ]
    })
    .collect()
}

pub(crate) fn read_profile(c: &Columns<'_>) -> StoreResult<UserProfile> {
    let mut profile = UserProfile::new();
    for (property, column) in profile_columns() {
        let value = match property.kind {
            Kind::DateTime => c.opt_time(column)?.map(ProfileValue::Time),
            Kind::StringCollection => c
                .opt_text(column)?
                .map(|text| {
                    serde_json::from_str(&text)
                        .map_err(|e| crate::StoreError::Corrupt(format!("{column}: {e}")))
                })
                .transpose()?
                .map(ProfileValue::Texts),
            _ => c.opt_text(column)?.map(ProfileValue::Text),
        };
        if let Some(value) = value {
            profile.insert(property.name.to_owned(), value);
        }
    }
    Ok(profile)
}

pub(crate) fn read_activity(c: &Columns<'_>) -> StoreResult<SignInActivity> {
    let slot = |(at, id): (&str, &str)| -> StoreResult<Option<_>> {
        Ok(match (c.opt_time(at)?, c.opt_text(id)?) {
            (Some(at), Some(id)) => Some((at, id)),
            _ => None,
        })
    };
    Ok(SignInActivity {
        last_sign_in: slot(ACTIVITY[0])?,
        last_non_interactive_sign_in: slot(ACTIVITY[1])?,
        last_successful_sign_in: slot(ACTIVITY[2])?,
    })
}

/// Binds one value.
pub(crate) fn bind_value<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    value: Value,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    match value {
        Value::Text(text) => query.bind(text),
        Value::Flag(flag) => query.bind(flag),
        Value::Micros(at) => query.bind(at),
    }
}

/// Replaces the user's rows in the identities side table.
pub(crate) async fn index_identities(
    conn: &mut AnyConnection,
    tenant: TenantId,
    user: ObjectId,
    identities: &[ObjectIdentity],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM user_identities WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant.to_string())
        .bind(user.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    for (position, identity) in identities.iter().enumerate() {
        sqlx::query(
            "INSERT INTO user_identities (tenant_id, user_id, position, sign_in_type_key, issuer_key, \
             issuer_assigned_id_key) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(identity.sign_in_type.to_ascii_lowercase())
        .bind(identity.issuer.to_ascii_lowercase())
        .bind(identity.issuer_assigned_id.to_ascii_lowercase())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

/// signInActivity after a sign-in row of the user's: each slot the row fills moves forward to
/// it (never back, so rows written out of order keep the latest).
pub(crate) async fn record_activity(
    conn: &mut AnyConnection,
    tenant: TenantId,
    record: &SignInRecord,
) -> StoreResult<()> {
    let Some(user) = record.user_id else {
        return Ok(());
    };
    let interactive = record.sign_in_event_type == "interactiveUser";
    let non_interactive = record.sign_in_event_type == "nonInteractiveUser";
    let slots = [
        (ACTIVITY[0], interactive),
        (ACTIVITY[1], non_interactive),
        (
            ACTIVITY[2],
            (interactive || non_interactive) && record.error_code == 0,
        ),
    ];
    for ((at, id), applies) in slots {
        if !applies {
            continue;
        }
        let sql = format!(
            "UPDATE users SET {at} = $3, {id} = $4 WHERE tenant_id = $1 AND id = $2 \
             AND ({at} IS NULL OR {at} <= $3)"
        );
        sqlx::query(&sql)
            .bind(tenant.to_string())
            .bind(user.to_string())
            .bind(micros(record.created_at))
            .bind(record.id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}
