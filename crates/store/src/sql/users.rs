//! Users. `otherMails` and proxy addresses are stored on the row (in order) and indexed in side
//! tables for address lookups and the tenant-wide proxy-address key.

use super::codec::{db_error, micros, opt_micros, to_json, to_name, Columns};
use super::recipients::{claim_proxies, release_proxies};
use super::user_profile::{
    activity_values, bind_value, index_identities, profile_columns, profile_count, profile_values,
    read_activity, read_profile, EXTRA_COLUMNS, VALID_FROM_COLUMN,
};
use crate::{Conflict, Page, StoreError, StoreResult};
use portico_model::group::RecipientKind;
use portico_model::user::User;
use portico_model::{EmailAddress, ObjectId, TenantId, Upn};
use sqlx::any::AnyRow;
use sqlx::error::ErrorKind;
use sqlx::{AnyConnection, AnyPool};
use std::sync::LazyLock;

const BASE_COLUMNS: &str = "id, upn, display_name, given_name, surname, mail, other_mails, proxy_addresses, \
    user_type, creation_type, external_user_state, external_user_state_changed_at, identities, \
    account_enabled, hidden_from_address_lists, on_premises_sync_enabled, password_hash, mfa_methods, created_at";

/// Every stored column of a user: the fixed ones, then the profile columns of
/// `portico_odata::USER` and the signInActivity columns.
pub(crate) static COLUMNS: LazyLock<String> =
    LazyLock::new(|| format!("{BASE_COLUMNS}{}", *EXTRA_COLUMNS));

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    tenant: TenantId,
    user: &User,
) -> StoreResult<()> {
    let count = 22 + profile_count() + 6 + 1;
    let placeholders: Vec<String> = (1..=count).map(|n| format!("${n}")).collect();
    let sql = format!(
        "INSERT INTO users (tenant_id, upn_key, mail_key, {}) VALUES ({})",
        *COLUMNS,
        placeholders.join(", ")
    );
    let mut query = bind_user(sqlx::query(&sql).bind(tenant.to_string()), user)?;
    for value in activity_values(&user.sign_in_activity) {
        query = bind_value(query, value);
    }
    query
        .bind(opt_micros(user.sign_in_sessions_valid_from))
        .execute(&mut *conn)
        .await
        .map_err(|e| insert_conflict(e, user))?;
    index_identities(conn, tenant, user.id, &user.identities).await?;
    index_other_mails(conn, tenant, user.id, &user.other_mails).await?;
    claim_proxies(
        conn,
        tenant,
        RecipientKind::User,
        user.id,
        &user.proxy_addresses,
    )
    .await
}

pub(crate) async fn update(
    conn: &mut AnyConnection,
    tenant: TenantId,
    user: &User,
) -> StoreResult<()> {
    // The sign-in activity is not the caller's to replace: only sign-in rows move it.
    let profile: String = profile_columns()
        .enumerate()
        .map(|(n, (_, column))| format!(", {column} = ${}", n + 23))
        .collect();
    let sql = format!(
        "UPDATE users SET upn_key = $2, mail_key = $3, id = $4, upn = $5, display_name = $6, \
        given_name = $7, surname = $8, mail = $9, other_mails = $10, proxy_addresses = $11, user_type = $12, \
        creation_type = $13, external_user_state = $14, external_user_state_changed_at = $15, identities = $16, \
        account_enabled = $17, hidden_from_address_lists = $18, on_premises_sync_enabled = $19, \
        password_hash = $20, mfa_methods = $21, created_at = $22{profile} WHERE tenant_id = $1 AND id = $4"
    );
    let done = bind_user(sqlx::query(&sql).bind(tenant.to_string()), user)?
        .execute(&mut *conn)
        .await
        .map_err(|e| insert_conflict(e, user))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    clear_other_mails(conn, tenant, user.id).await?;
    index_other_mails(conn, tenant, user.id, &user.other_mails).await?;
    index_identities(conn, tenant, user.id, &user.identities).await?;
    release_proxies(conn, tenant, user.id).await?;
    claim_proxies(
        conn,
        tenant,
        RecipientKind::User,
        user.id,
        &user.proxy_addresses,
    )
    .await
}

pub(crate) async fn delete(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<()> {
    let done = sqlx::query("DELETE FROM users WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.to_string())
        .bind(id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    release_proxies(conn, tenant, id).await?;
    for sql in [
        "DELETE FROM group_members WHERE tenant_id = $1 AND member_id = $2",
        "DELETE FROM app_assignments WHERE tenant_id = $1 AND principal_id = $2",
        "DELETE FROM role_assignments WHERE tenant_id = $1 AND principal_id = $2",
        "DELETE FROM user_sponsors WHERE tenant_id = $1 AND (user_id = $2 OR sponsor_id = $2)",
    ] {
        sqlx::query(sql)
            .bind(tenant.to_string())
            .bind(id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

fn bind_user<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    user: &User,
) -> StoreResult<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>> {
    let mut query = query
        .bind(user.user_principal_name.normalized())
        .bind(user.mail.as_ref().map(EmailAddress::normalized))
        .bind(user.id.to_string())
        .bind(user.user_principal_name.to_string())
        .bind(user.display_name.clone())
        .bind(user.given_name.clone())
        .bind(user.surname.clone())
        .bind(user.mail.as_ref().map(ToString::to_string))
        .bind(to_json(&user.other_mails)?)
        .bind(to_json(&user.proxy_addresses)?)
        .bind(to_name(&user.user_type)?)
        .bind(user.creation_type.as_ref().map(to_name).transpose()?)
        .bind(user.external_user_state.as_ref().map(to_name).transpose()?)
        .bind(opt_micros(user.external_user_state_changed_at))
        .bind(to_json(&user.identities)?)
        .bind(user.account_enabled)
        .bind(user.hidden_from_address_lists)
        .bind(user.on_premises_sync_enabled)
        .bind(user.password_hash.clone())
        .bind(to_json(&user.mfa_methods)?)
        .bind(micros(user.created_at));
    for value in profile_values(&user.profile)? {
        query = bind_value(query, value);
    }
    Ok(query)
}

fn insert_conflict(error: sqlx::Error, user: &User) -> StoreError {
    unique_conflict(error, &user.user_principal_name, user.id)
}

/// A unique violation on the users table: the UPN key, else the id.
pub(crate) fn unique_conflict(error: sqlx::Error, upn: &Upn, id: ObjectId) -> StoreError {
    match &error {
        sqlx::Error::Database(e) if e.kind() == ErrorKind::UniqueViolation => {
            if e.message().contains("upn_key")
                || e.constraint().is_some_and(|c| c.contains("upn_key"))
            {
                StoreError::Conflict(Conflict::UserPrincipalName(upn.to_string()))
            } else {
                StoreError::Conflict(Conflict::ObjectId(id.to_string()))
            }
        }
        _ => db_error(error),
    }
}

pub(crate) async fn clear_other_mails(
    conn: &mut AnyConnection,
    tenant: TenantId,
    user: ObjectId,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM user_other_mails WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant.to_string())
        .bind(user.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn index_other_mails(
    conn: &mut AnyConnection,
    tenant: TenantId,
    user: ObjectId,
    other_mails: &[EmailAddress],
) -> StoreResult<()> {
    let mut seen: Vec<String> = Vec::new();
    for address in other_mails {
        let key = address.normalized();
        if seen.contains(&key) {
            continue;
        }
        sqlx::query(
            "INSERT INTO user_other_mails (tenant_id, user_id, address_key) VALUES ($1, $2, $3)",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(&key)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        seen.push(key);
    }
    Ok(())
}

pub(crate) async fn get(pool: &AnyPool, tenant: TenantId, id: ObjectId) -> StoreResult<User> {
    let sql = format!(
        "SELECT {} FROM users WHERE tenant_id = $1 AND id = $2",
        *COLUMNS
    );
    let row = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

pub(crate) async fn find_by_upn(
    pool: &AnyPool,
    tenant: TenantId,
    upn: &Upn,
) -> StoreResult<Option<User>> {
    let sql = format!(
        "SELECT {} FROM users WHERE tenant_id = $1 AND upn_key = $2",
        *COLUMNS
    );
    let row = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(upn.normalized())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn list_by_address(
    pool: &AnyPool,
    tenant: TenantId,
    address: &EmailAddress,
) -> StoreResult<Vec<User>> {
    let sql = format!(
        "SELECT {} FROM users WHERE tenant_id = $1 AND (upn_key = $2 OR mail_key = $2 \
         OR id IN (SELECT user_id FROM user_other_mails WHERE tenant_id = $1 AND address_key = $2) \
         OR id IN (SELECT owner_id FROM proxy_addresses WHERE tenant_id = $1 AND address_key = $2 AND owner_kind = 'User')) \
         ORDER BY id",
        *COLUMNS
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(address.normalized())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn list(pool: &AnyPool, tenant: TenantId, page: Page) -> StoreResult<Vec<User>> {
    let sql = format!(
        "SELECT {} FROM users WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        *COLUMNS
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(page.after.map(|id| id.to_string()).unwrap_or_default())
        .bind(i64::from(page.limit))
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

pub(crate) fn from_row(row: &AnyRow) -> StoreResult<User> {
    let c = Columns(row);
    Ok(User {
        id: c.parsed("id")?,
        user_principal_name: c.parsed("upn")?,
        display_name: c.text("display_name")?,
        given_name: c.opt_text("given_name")?,
        surname: c.opt_text("surname")?,
        mail: c.opt_parsed("mail")?,
        other_mails: c.json("other_mails")?,
        proxy_addresses: c.json("proxy_addresses")?,
        user_type: c.named("user_type")?,
        creation_type: c.opt_named("creation_type")?,
        external_user_state: c.opt_named("external_user_state")?,
        external_user_state_changed_at: c.opt_time("external_user_state_changed_at")?,
        identities: c.json("identities")?,
        account_enabled: c.flag("account_enabled")?,
        hidden_from_address_lists: c.flag("hidden_from_address_lists")?,
        on_premises_sync_enabled: c.flag("on_premises_sync_enabled")?,
        password_hash: c.opt_text("password_hash")?,
        mfa_methods: c.json("mfa_methods")?,
        created_at: c.time("created_at")?,
        profile: read_profile(&c)?,
        sign_in_activity: Box::new(read_activity(&c)?),
        sign_in_sessions_valid_from: c.opt_time(VALID_FROM_COLUMN)?,
        deleted_at: None,
    })
}
