//! Counters that must hold under parallel requests: smart lockout, rate quotas and familiar
//! addresses. Each claim is one conditional statement — the row lock of the UPDATE (or the upsert)
//! serialises concurrent claims — and a refused claim changes nothing.

use super::codec::{db_error, micros, Columns};
use crate::{Conflict, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use portico_model::lockout::{
    LockoutAccount, LockoutKey, LockoutState, FAMILIAR_ADDRESSES_PER_ACCOUNT,
    FAMILIAR_ADDRESS_DAYS, LOCKOUT_PERIODS_SECONDS, LOCKOUT_THRESHOLD,
};
use portico_model::{ObjectId, TenantId};
use sqlx::{AnyConnection, AnyPool};

fn refused(what: &str) -> StoreError {
    StoreError::Conflict(Conflict::Precondition(what.to_owned()))
}

fn flag(familiar: bool) -> i64 {
    i64::from(familiar)
}

/// One more check for `key`, unless it is locked; locks it when the threshold is reached.
pub(crate) async fn claim_check(
    conn: &mut AnyConnection,
    tenant: TenantId,
    key: &LockoutKey,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let done = sqlx::query(
        "INSERT INTO sign_in_lockouts (tenant_id, account, familiar, failures, lockouts, locked_until) \
         VALUES ($1, $2, $3, 1, 0, 0) \
         ON CONFLICT (tenant_id, account, familiar) DO UPDATE SET \
           failures = CASE WHEN sign_in_lockouts.failures >= $4 THEN $4 ELSE sign_in_lockouts.failures + 1 END, \
           lockouts = CASE WHEN sign_in_lockouts.failures + 1 >= $4 THEN sign_in_lockouts.lockouts + 1 ELSE sign_in_lockouts.lockouts END, \
           locked_until = CASE WHEN sign_in_lockouts.failures + 1 >= $4 THEN $5 + CASE sign_in_lockouts.lockouts \
               WHEN 0 THEN $6 WHEN 1 THEN $7 WHEN 2 THEN $8 ELSE $9 END \
             ELSE sign_in_lockouts.locked_until END \
         WHERE sign_in_lockouts.failures < $4 OR sign_in_lockouts.locked_until <= $5",
    )
    .bind(tenant.to_string())
    .bind(key.account.key())
    .bind(flag(key.familiar))
    .bind(i64::from(LOCKOUT_THRESHOLD))
    .bind(micros(now))
    .bind(LOCKOUT_PERIODS_SECONDS[0] * 1_000_000)
    .bind(LOCKOUT_PERIODS_SECONDS[1] * 1_000_000)
    .bind(LOCKOUT_PERIODS_SECONDS[2] * 1_000_000)
    .bind(LOCKOUT_PERIODS_SECONDS[3] * 1_000_000)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(refused("the account is locked"));
    }
    Ok(())
}

pub(crate) async fn refund_check(
    conn: &mut AnyConnection,
    tenant: TenantId,
    key: &LockoutKey,
) -> StoreResult<()> {
    // The claim this gives back may be the one that locked: below the threshold there is no
    // lockout, so that lock (and its step up the ladder of periods) goes too.
    sqlx::query(
        "UPDATE sign_in_lockouts SET failures = failures - 1, \
           lockouts = CASE WHEN failures >= $4 AND lockouts > 0 THEN lockouts - 1 ELSE lockouts END, \
           locked_until = CASE WHEN failures >= $4 THEN 0 ELSE locked_until END \
         WHERE tenant_id = $1 AND account = $2 AND familiar = $3 AND failures > 0",
    )
    .bind(tenant.to_string())
    .bind(key.account.key())
    .bind(flag(key.familiar))
    .bind(i64::from(LOCKOUT_THRESHOLD))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn clear(
    conn: &mut AnyConnection,
    tenant: TenantId,
    account: &LockoutAccount,
    familiar: Option<bool>,
) -> StoreResult<()> {
    let query = match familiar {
        Some(familiar) => sqlx::query(
            "DELETE FROM sign_in_lockouts WHERE tenant_id = $1 AND account = $2 AND familiar = $3",
        )
        .bind(tenant.to_string())
        .bind(account.key())
        .bind(flag(familiar)),
        None => sqlx::query("DELETE FROM sign_in_lockouts WHERE tenant_id = $1 AND account = $2")
            .bind(tenant.to_string())
            .bind(account.key()),
    };
    query.execute(&mut *conn).await.map_err(db_error)?;
    Ok(())
}

pub(crate) async fn list(pool: &AnyPool, tenant: TenantId) -> StoreResult<Vec<LockoutState>> {
    let rows = sqlx::query(
        "SELECT account, familiar, failures, lockouts, locked_until FROM sign_in_lockouts \
         WHERE tenant_id = $1 ORDER BY account, familiar",
    )
    .bind(tenant.to_string())
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    let mut states = Vec::with_capacity(rows.len());
    for row in &rows {
        let c = Columns(row);
        let account_key = c.text("account")?;
        let account = LockoutAccount::parse_key(&account_key)
            .ok_or_else(|| StoreError::Corrupt(format!("lockout account {account_key}")))?;
        let count = |column: &str| -> StoreResult<u32> {
            u32::try_from(c.int(column)?).map_err(|e| StoreError::Corrupt(e.to_string()))
        };
        let locked_until = c.int("locked_until")?;
        states.push(LockoutState {
            key: LockoutKey {
                account,
                familiar: c.int("familiar")? != 0,
            },
            failures: count("failures")?,
            lockouts: count("lockouts")?,
            locked_until: (locked_until != 0)
                .then(|| DateTime::from_timestamp_micros(locked_until))
                .flatten(),
        });
    }
    Ok(states)
}

pub(crate) async fn record_address(
    conn: &mut AnyConnection,
    tenant: TenantId,
    account: &LockoutAccount,
    address: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO familiar_addresses (tenant_id, account, address, last_seen) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id, account, address) DO UPDATE SET last_seen = excluded.last_seen",
    )
    .bind(tenant.to_string())
    .bind(account.key())
    .bind(address)
    .bind(micros(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    trim_addresses(conn, tenant, account, at).await
}

/// Keeps an account's familiar addresses bounded: the newest few, none past the window.
async fn trim_addresses(
    conn: &mut AnyConnection,
    tenant: TenantId,
    account: &LockoutAccount,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let oldest_kept = micros(at).saturating_sub(FAMILIAR_ADDRESS_DAYS * 86_400 * 1_000_000);
    sqlx::query(
        "DELETE FROM familiar_addresses WHERE tenant_id = $1 AND account = $2 AND (last_seen < $3 \
           OR address NOT IN (SELECT address FROM familiar_addresses WHERE tenant_id = $4 AND account = $5 \
             ORDER BY last_seen DESC, address LIMIT $6))",
    )
    .bind(tenant.to_string())
    .bind(account.key())
    .bind(oldest_kept)
    .bind(tenant.to_string())
    .bind(account.key())
    .bind(i64::from(FAMILIAR_ADDRESSES_PER_ACCOUNT))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Accepts a TOTP time step for `user` only if it is later than every step accepted before:
/// one conditional upsert, so parallel sign-ins with one code cannot both have it.
pub(crate) async fn claim_totp_step(
    conn: &mut AnyConnection,
    tenant: TenantId,
    user: ObjectId,
    step: u64,
) -> StoreResult<()> {
    let step = i64::try_from(step).map_err(|_| refused("the time step is out of range"))?;
    let done = sqlx::query(
        "INSERT INTO totp_steps (tenant_id, user_id, last_step) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET last_step = excluded.last_step \
         WHERE totp_steps.last_step < excluded.last_step",
    )
    .bind(tenant.to_string())
    .bind(user.to_string())
    .bind(step)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(refused("the code's time step was used already"));
    }
    Ok(())
}

pub(crate) async fn is_familiar(
    pool: &AnyPool,
    tenant: TenantId,
    account: &LockoutAccount,
    address: &str,
) -> StoreResult<bool> {
    let row = sqlx::query(
        "SELECT 1 FROM familiar_addresses WHERE tenant_id = $1 AND account = $2 AND address = $3",
    )
    .bind(tenant.to_string())
    .bind(account.key())
    .bind(address)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    Ok(row.is_some())
}

/// One use of a fixed-window quota; refused when the current window's uses are spent.
pub(crate) async fn claim_quota(
    conn: &mut AnyConnection,
    tenant: TenantId,
    key: &str,
    now: DateTime<Utc>,
    window_seconds: i64,
    max: u32,
) -> StoreResult<()> {
    let window_start = micros(now) - window_seconds.saturating_mul(1_000_000);
    let done = sqlx::query(
        "INSERT INTO rate_quotas (tenant_id, quota_key, window_start, uses) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (tenant_id, quota_key) DO UPDATE SET \
           uses = CASE WHEN rate_quotas.window_start <= $4 THEN 1 ELSE rate_quotas.uses + 1 END, \
           window_start = CASE WHEN rate_quotas.window_start <= $4 THEN $3 ELSE rate_quotas.window_start END \
         WHERE rate_quotas.window_start <= $4 OR rate_quotas.uses < $5",
    )
    .bind(tenant.to_string())
    .bind(key)
    .bind(micros(now))
    .bind(window_start)
    .bind(i64::from(max))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(refused("the quota is spent"));
    }
    Ok(())
}
