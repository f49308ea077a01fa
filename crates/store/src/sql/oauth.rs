//! Token-service state: sign-in flows, sessions, authorization codes, refresh tokens.
//! Single use is enforced here with compare-and-set updates (`… WHERE redeemed_at IS NULL`,
//! exactly one row), so concurrent redemptions cannot both succeed.

use super::codec::{db_error, find_document, micros, to_json, unique_or_db, Columns};
use crate::{Conflict, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use portico_model::oauth::{AuthorizationCode, LoginFlow, RefreshToken, Session};
use portico_model::{ObjectId, TenantId};
use sqlx::{AnyConnection, AnyPool};

/// A new flow (its attempt counter starts at 0).
pub(crate) async fn insert_flow(
    conn: &mut AnyConnection,
    tenant: TenantId,
    flow: &LoginFlow,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO login_flows (tenant_id, flow_hash, document, expires_at, attempts) VALUES ($1, $2, $3, $4, 0)",
    )
    .bind(tenant.to_string())
    .bind(flow.flow_hash.clone())
    .bind(to_json(flow)?)
    .bind(micros(flow.expires_at))
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(flow.flow_hash.clone())))?;
    Ok(())
}

/// The next step of a flow that still exists: `NotFound` once it has ended (deleted), so a late
/// request cannot bring a finished sign-in back. The attempt counter is not touched.
pub(crate) async fn update_flow(
    conn: &mut AnyConnection,
    tenant: TenantId,
    flow: &LoginFlow,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE login_flows SET document = $3, expires_at = $4 WHERE tenant_id = $1 AND flow_hash = $2",
    )
    .bind(tenant.to_string())
    .bind(flow.flow_hash.clone())
    .bind(to_json(flow)?)
    .bind(micros(flow.expires_at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes one row of `table` keyed by (tenant, `column`); `NotFound` if absent.
pub(crate) async fn delete_keyed(
    conn: &mut AnyConnection,
    table: Keyed,
    tenant: TenantId,
    key: &str,
) -> StoreResult<()> {
    let sql = match table {
        Keyed::Flow => "DELETE FROM login_flows WHERE tenant_id = $1 AND flow_hash = $2",
        Keyed::Session => "DELETE FROM sessions WHERE tenant_id = $1 AND session_hash = $2",
    };
    let done = sqlx::query(sql)
        .bind(tenant.to_string())
        .bind(key)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Keyed {
    Flow,
    Session,
}

/// The flow with its attempt counter (the column, not the document, is the truth).
pub(crate) async fn find_flow(
    pool: &AnyPool,
    tenant: TenantId,
    hash: &str,
) -> StoreResult<Option<LoginFlow>> {
    let row = sqlx::query(
        "SELECT document, attempts FROM login_flows WHERE tenant_id = $1 AND flow_hash = $2",
    )
    .bind(tenant.to_string())
    .bind(hash)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    row.map(|row| {
        let c = Columns(&row);
        let mut flow: LoginFlow = c.json("document")?;
        flow.failed_attempts =
            u32::try_from(c.int("attempts")?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(flow)
    })
    .transpose()
}

/// One more code for the flow, unless `max` are used: a single conditional UPDATE, so parallel
/// claims never exceed `max`.
pub(crate) async fn claim_flow_attempt(
    conn: &mut AnyConnection,
    tenant: TenantId,
    hash: &str,
    max: u32,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE login_flows SET attempts = attempts + 1 \
         WHERE tenant_id = $1 AND flow_hash = $2 AND attempts < $3",
    )
    .bind(tenant.to_string())
    .bind(hash)
    .bind(i64::from(max))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(Conflict::Precondition(
            "no attempt is left in this sign-in".into(),
        )))
    }
}

pub(crate) async fn put_session(
    conn: &mut AnyConnection,
    tenant: TenantId,
    session: &Session,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (tenant_id, session_hash, user_id, document, expires_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (tenant_id, session_hash) DO UPDATE SET document = excluded.document, expires_at = excluded.expires_at",
    )
    .bind(tenant.to_string())
    .bind(session.session_hash.clone())
    .bind(session.user_id.to_string())
    .bind(to_json(session)?)
    .bind(micros(session.expires_at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn find_session(
    pool: &AnyPool,
    tenant: TenantId,
    hash: &str,
) -> StoreResult<Option<Session>> {
    find_document(
        pool,
        "SELECT document FROM sessions WHERE tenant_id = $1 AND session_hash = $2",
        tenant,
        hash,
    )
    .await
}

pub(crate) async fn insert_code(
    conn: &mut AnyConnection,
    tenant: TenantId,
    code: &AuthorizationCode,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO authorization_codes (tenant_id, code_hash, family_id, document, expires_at, redeemed_at) \
         VALUES ($1, $2, $3, $4, $5, NULL)",
    )
    .bind(tenant.to_string())
    .bind(code.code_hash.clone())
    .bind(code.family_id.to_string())
    .bind(to_json(code)?)
    .bind(micros(code.expires_at))
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(code.family_id.to_string())))?;
    Ok(())
}

/// Marks a code redeemed; `Conflict::Precondition` if it already was, `NotFound` if unknown.
pub(crate) async fn redeem_code(
    conn: &mut AnyConnection,
    tenant: TenantId,
    hash: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let done = sqlx::query("UPDATE authorization_codes SET redeemed_at = $3 WHERE tenant_id = $1 AND code_hash = $2 AND redeemed_at IS NULL")
        .bind(tenant.to_string())
        .bind(hash)
        .bind(micros(at))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    let exists =
        sqlx::query("SELECT 1 FROM authorization_codes WHERE tenant_id = $1 AND code_hash = $2")
            .bind(tenant.to_string())
            .bind(hash)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?;
    Err(match exists {
        Some(_) => StoreError::Conflict(Conflict::Precondition(
            "the authorization code was already redeemed".into(),
        )),
        None => StoreError::NotFound,
    })
}

pub(crate) async fn find_code(
    pool: &AnyPool,
    tenant: TenantId,
    hash: &str,
) -> StoreResult<Option<AuthorizationCode>> {
    let row = sqlx::query("SELECT document, redeemed_at FROM authorization_codes WHERE tenant_id = $1 AND code_hash = $2")
        .bind(tenant.to_string())
        .bind(hash)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.map(|row| {
        let c = Columns(&row);
        let mut code: AuthorizationCode = c.json("document")?;
        code.redeemed_at = c.opt_time("redeemed_at")?;
        Ok(code)
    })
    .transpose()
}

pub(crate) async fn insert_refresh(
    conn: &mut AnyConnection,
    tenant: TenantId,
    token: &RefreshToken,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (tenant_id, token_hash, family_id, user_id, document, expires_at, rotated_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)",
    )
    .bind(tenant.to_string())
    .bind(token.token_hash.clone())
    .bind(token.family_id.to_string())
    .bind(token.user_id.to_string())
    .bind(to_json(token)?)
    .bind(micros(token.expires_at))
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(token.family_id.to_string())))?;
    Ok(())
}

/// Marks a live refresh token used; `Conflict::Precondition` if it was already rotated or revoked.
pub(crate) async fn rotate_refresh(
    conn: &mut AnyConnection,
    tenant: TenantId,
    hash: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET rotated_at = $3 WHERE tenant_id = $1 AND token_hash = $2 AND rotated_at IS NULL AND revoked_at IS NULL",
    )
    .bind(tenant.to_string())
    .bind(hash)
    .bind(micros(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(Conflict::Precondition(
            "the refresh token is no longer valid".into(),
        )))
    }
}

/// Revokes every live token of a family (or of a user): `column` is `family_id` or `user_id`.
pub(crate) async fn revoke_refresh(
    conn: &mut AnyConnection,
    tenant: TenantId,
    by: RevokeBy,
    id: ObjectId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let sql = match by {
        RevokeBy::Family => "UPDATE refresh_tokens SET revoked_at = $3 WHERE tenant_id = $1 AND family_id = $2 AND revoked_at IS NULL",
        RevokeBy::User => "UPDATE refresh_tokens SET revoked_at = $3 WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL",
    };
    sqlx::query(sql)
        .bind(tenant.to_string())
        .bind(id.to_string())
        .bind(micros(at))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if let RevokeBy::User = by {
        // Graph's signInSessionsValidFromDateTime: what was issued before `at` is dead.
        sqlx::query(
            "UPDATE users SET sign_in_sessions_valid_from = $3 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.to_string())
        .bind(id.to_string())
        .bind(micros(at))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2")
            .bind(tenant.to_string())
            .bind(id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum RevokeBy {
    Family,
    User,
}

pub(crate) async fn find_refresh(
    pool: &AnyPool,
    tenant: TenantId,
    hash: &str,
) -> StoreResult<Option<RefreshToken>> {
    let row = sqlx::query("SELECT document, rotated_at, revoked_at FROM refresh_tokens WHERE tenant_id = $1 AND token_hash = $2")
        .bind(tenant.to_string())
        .bind(hash)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.map(|row| {
        let c = Columns(&row);
        let mut token: RefreshToken = c.json("document")?;
        token.rotated_at = c.opt_time("rotated_at")?;
        token.revoked_at = c.opt_time("revoked_at")?;
        Ok(token)
    })
    .transpose()
}
