//! Rows that are documents with a few indexed columns: policies, invitations, logs, keys, risk.

use super::codec::{
    db_error, find_document, micros, opt_micros, to_json, to_name, unique_or_db, Columns,
};
use crate::{Conflict, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use portico_model::conditional_access::TermsAcceptance;
use portico_model::cross_tenant::PartnerConfiguration;
use portico_model::invitation::Invitation;
use portico_model::logs::{AuditRecord, SignInRecord};
use portico_model::risk::RiskyUser;
use portico_model::signing_key::SigningKey;
use portico_model::{ObjectId, TenantId};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

/// The kinds kept in `policy_documents`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PolicyKind {
    ConditionalAccess,
    NamedLocation,
    TermsOfUse,
}

impl PolicyKind {
    fn name(self) -> &'static str {
        match self {
            Self::ConditionalAccess => "conditionalAccessPolicy",
            Self::NamedLocation => "namedLocation",
            Self::TermsOfUse => "termsOfUse",
        }
    }
}

pub(crate) async fn put_policy<T: Serialize>(
    conn: &mut AnyConnection,
    tenant: TenantId,
    kind: PolicyKind,
    id: ObjectId,
    created_at: DateTime<Utc>,
    document: &T,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO policy_documents (tenant_id, kind, id, document, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (tenant_id, kind, id) DO UPDATE SET document = excluded.document",
    )
    .bind(tenant.to_string())
    .bind(kind.name())
    .bind(id.to_string())
    .bind(to_json(document)?)
    .bind(micros(created_at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn delete_policy(
    conn: &mut AnyConnection,
    tenant: TenantId,
    kind: PolicyKind,
    id: ObjectId,
) -> StoreResult<()> {
    let done =
        sqlx::query("DELETE FROM policy_documents WHERE tenant_id = $1 AND kind = $2 AND id = $3")
            .bind(tenant.to_string())
            .bind(kind.name())
            .bind(id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn list_policies<T: DeserializeOwned>(
    pool: &AnyPool,
    tenant: TenantId,
    kind: PolicyKind,
) -> StoreResult<Vec<T>> {
    let rows = sqlx::query("SELECT document FROM policy_documents WHERE tenant_id = $1 AND kind = $2 ORDER BY created_at, id")
        .bind(tenant.to_string())
        .bind(kind.name())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| Columns(row).json("document"))
        .collect()
}

pub(crate) async fn put_partner(
    conn: &mut AnyConnection,
    tenant: TenantId,
    partner: &PartnerConfiguration,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO partner_configurations (tenant_id, partner_tenant_id, document) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, partner_tenant_id) DO UPDATE SET document = excluded.document",
    )
    .bind(tenant.to_string())
    .bind(partner.partner_tenant_id.to_string())
    .bind(to_json(partner)?)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn insert_partner(
    conn: &mut AnyConnection,
    tenant: TenantId,
    partner: &PartnerConfiguration,
) -> StoreResult<()> {
    let id = partner.partner_tenant_id.to_string();
    sqlx::query(
        "INSERT INTO partner_configurations (tenant_id, partner_tenant_id, document) VALUES ($1, $2, $3)",
    )
    .bind(tenant.to_string())
    .bind(&id)
    .bind(to_json(partner)?)
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(id)))?;
    Ok(())
}

pub(crate) async fn update_partner(
    conn: &mut AnyConnection,
    tenant: TenantId,
    partner: &PartnerConfiguration,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE partner_configurations SET document = $3 WHERE tenant_id = $1 AND partner_tenant_id = $2",
    )
    .bind(tenant.to_string())
    .bind(partner.partner_tenant_id.to_string())
    .bind(to_json(partner)?)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn delete_partner(
    conn: &mut AnyConnection,
    tenant: TenantId,
    partner: TenantId,
) -> StoreResult<()> {
    let done = sqlx::query(
        "DELETE FROM partner_configurations WHERE tenant_id = $1 AND partner_tenant_id = $2",
    )
    .bind(tenant.to_string())
    .bind(partner.to_string())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn list_partners(
    pool: &AnyPool,
    tenant: TenantId,
    only: Option<TenantId>,
) -> StoreResult<Vec<PartnerConfiguration>> {
    let rows = sqlx::query(
        "SELECT document FROM partner_configurations WHERE tenant_id = $1 AND (partner_tenant_id = $2 OR $3) ORDER BY partner_tenant_id",
    )
    .bind(tenant.to_string())
    .bind(only.map(|id| id.to_string()).unwrap_or_default())
    .bind(only.is_none())
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| Columns(row).json("document"))
        .collect()
}

pub(crate) async fn put_risky_user(
    conn: &mut AnyConnection,
    tenant: TenantId,
    risky: &RiskyUser,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO risky_users (tenant_id, user_id, document) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET document = excluded.document",
    )
    .bind(tenant.to_string())
    .bind(risky.user_id.to_string())
    .bind(to_json(risky)?)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn find_risky_user(
    pool: &AnyPool,
    tenant: TenantId,
    user: ObjectId,
) -> StoreResult<Option<RiskyUser>> {
    find_document(
        pool,
        "SELECT document FROM risky_users WHERE tenant_id = $1 AND user_id = $2",
        tenant,
        &user.to_string(),
    )
    .await
}

pub(crate) async fn list_risky_users(
    pool: &AnyPool,
    tenant: TenantId,
) -> StoreResult<Vec<RiskyUser>> {
    let rows =
        sqlx::query("SELECT document FROM risky_users WHERE tenant_id = $1 ORDER BY user_id")
            .bind(tenant.to_string())
            .fetch_all(pool)
            .await
            .map_err(db_error)?;
    rows.iter()
        .map(|row| Columns(row).json("document"))
        .collect()
}

pub(crate) async fn accept_terms(
    conn: &mut AnyConnection,
    tenant: TenantId,
    acceptance: &TermsAcceptance,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO terms_acceptances (tenant_id, user_id, terms_id, accepted_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id, user_id, terms_id) DO NOTHING",
    )
    .bind(tenant.to_string())
    .bind(acceptance.user_id.to_string())
    .bind(acceptance.terms_id.to_string())
    .bind(micros(acceptance.accepted_at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn list_terms_acceptances(
    pool: &AnyPool,
    tenant: TenantId,
    user: ObjectId,
) -> StoreResult<Vec<TermsAcceptance>> {
    let rows = sqlx::query(
        "SELECT terms_id, accepted_at FROM terms_acceptances WHERE tenant_id = $1 AND user_id = $2 ORDER BY accepted_at, terms_id",
    )
    .bind(tenant.to_string())
    .bind(user.to_string())
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let columns = Columns(row);
            Ok(TermsAcceptance {
                user_id: user,
                terms_id: columns.parsed("terms_id")?,
                accepted_at: columns.time("accepted_at")?,
            })
        })
        .collect()
}

pub(crate) async fn insert_invitation(
    conn: &mut AnyConnection,
    tenant: TenantId,
    invitation: &Invitation,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO invitations (tenant_id, id, invited_user_id, ticket_hash, status, created_at, document) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant.to_string())
    .bind(invitation.id.to_string())
    .bind(invitation.invited_user_id.to_string())
    .bind(invitation.ticket_sha256_hex.clone())
    .bind(to_name(&invitation.status)?)
    .bind(micros(invitation.created_at))
    .bind(to_json(invitation)?)
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(invitation.id.to_string())))?;
    Ok(())
}

pub(crate) async fn update_invitation(
    conn: &mut AnyConnection,
    tenant: TenantId,
    invitation: &Invitation,
) -> StoreResult<()> {
    let done = sqlx::query("UPDATE invitations SET status = $3, ticket_hash = $4, document = $5 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.to_string())
        .bind(invitation.id.to_string())
        .bind(to_name(&invitation.status)?)
        .bind(invitation.ticket_sha256_hex.clone())
        .bind(to_json(invitation)?)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn find_invitation_by_ticket(
    pool: &AnyPool,
    tenant: TenantId,
    ticket: &str,
) -> StoreResult<Option<Invitation>> {
    find_document(
        pool,
        "SELECT document FROM invitations WHERE tenant_id = $1 AND ticket_hash = $2",
        tenant,
        ticket,
    )
    .await
}

pub(crate) async fn list_invitations_for_user(
    pool: &AnyPool,
    tenant: TenantId,
    user: ObjectId,
) -> StoreResult<Vec<Invitation>> {
    let rows = sqlx::query("SELECT document FROM invitations WHERE tenant_id = $1 AND invited_user_id = $2 ORDER BY created_at, id")
        .bind(tenant.to_string())
        .bind(user.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| Columns(row).json("document"))
        .collect()
}

pub(crate) async fn insert_sign_in(
    conn: &mut AnyConnection,
    tenant: TenantId,
    record: &SignInRecord,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sign_ins (tenant_id, id, created_at, correlation_id, user_id, user_type, app_id, error_code, \
         cross_tenant_access_type, document, user_principal_name, home_tenant_id, resource_tenant_id, \
         is_interactive, app_display_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(tenant.to_string())
    .bind(record.id.to_string())
    .bind(micros(record.created_at))
    .bind(record.correlation_id.to_string())
    .bind(record.user_id.map(|id| id.to_string()))
    .bind(record.user_type.as_ref().map(to_name).transpose()?)
    .bind(record.app_id.map(|id| id.to_string()))
    .bind(i64::from(record.error_code))
    .bind(to_name(&record.cross_tenant_access_type)?)
    .bind(to_json(record)?)
    .bind(record.user_principal_name.clone())
    .bind(record.home_tenant_id.map(|id| id.to_string()))
    .bind(record.resource_tenant_id.to_string())
    .bind(record.is_interactive())
    .bind(record.app_display_name.clone())
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(record.id.to_string())))?;
    // The user's signInActivity moves with the row, in this transaction.
    super::user_profile::record_activity(conn, tenant, record).await?;
    // Billing must not depend on how long the log is kept: count the guest now, in this transaction.
    super::mau::record_sign_in(conn, tenant, record).await
}

pub(crate) async fn insert_audit(
    conn: &mut AnyConnection,
    tenant: TenantId,
    record: &AuditRecord,
) -> StoreResult<()> {
    let (user_id, upn, app_name) = super::logs::audit_initiator(record);
    sqlx::query(
        "INSERT INTO audit_records (tenant_id, id, activity_at, category, activity, document, \
         correlation_id, result, initiated_by_user_id, initiated_by_upn, initiated_by_app_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(tenant.to_string())
    .bind(record.id.to_string())
    .bind(micros(record.activity_at))
    .bind(record.category.clone())
    .bind(record.activity.clone())
    .bind(to_json(record)?)
    .bind(record.correlation_id.map(|id| id.to_string()))
    .bind(super::logs::audit_result(record))
    .bind(user_id)
    .bind(upn)
    .bind(app_name)
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(record.id.to_string())))?;
    super::logs::insert_audit_targets(conn, tenant, record).await
}

/// Newest first from a `(tenant_id, document)` log table ordered by `time_column`.
pub(crate) async fn list_log<T: DeserializeOwned>(
    pool: &AnyPool,
    table: LogTable,
    tenant: TenantId,
    limit: u32,
) -> StoreResult<Vec<T>> {
    let sql = match table {
        LogTable::SignIns => "SELECT document FROM sign_ins WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        LogTable::Audit => "SELECT document FROM audit_records WHERE tenant_id = $1 ORDER BY activity_at DESC, id DESC LIMIT $2",
    };
    let rows = sqlx::query(sql)
        .bind(tenant.to_string())
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| Columns(row).json("document"))
        .collect()
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum LogTable {
    SignIns,
    Audit,
}

pub(crate) async fn insert_signing_key(
    conn: &mut AnyConnection,
    tenant: TenantId,
    key: &SigningKey,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO signing_keys (tenant_id, kid, private_key, public_jwk, created_at, active_from, retire_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant.to_string())
    .bind(key.kid.clone())
    .bind(key.private_key_sealed.clone())
    .bind(key.public_jwk.clone())
    .bind(micros(key.created_at))
    .bind(micros(key.active_from))
    .bind(opt_micros(key.retire_at))
    .execute(&mut *conn)
    .await
    .map_err(unique_or_db(Conflict::ObjectId(key.kid.clone())))?;
    Ok(())
}

pub(crate) async fn retire_signing_key(
    conn: &mut AnyConnection,
    tenant: TenantId,
    kid: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let done =
        sqlx::query("UPDATE signing_keys SET retire_at = $3 WHERE tenant_id = $1 AND kid = $2")
            .bind(tenant.to_string())
            .bind(kid)
            .bind(micros(at))
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn list_signing_keys(
    pool: &AnyPool,
    tenant: TenantId,
) -> StoreResult<Vec<SigningKey>> {
    let rows = sqlx::query(
        "SELECT kid, private_key, public_jwk, created_at, active_from, retire_at FROM signing_keys \
         WHERE tenant_id = $1 ORDER BY active_from, kid",
    )
    .bind(tenant.to_string())
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let c = Columns(row);
            Ok(SigningKey {
                kid: c.text("kid")?,
                private_key_sealed: c.bytes("private_key")?,
                public_jwk: c.text("public_jwk")?,
                created_at: c.time("created_at")?,
                active_from: c.time("active_from")?,
                retire_at: c.opt_time("retire_at")?,
            })
        })
        .collect()
}

pub(crate) async fn find_invitation(
    pool: &AnyPool,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<Option<Invitation>> {
    find_document(
        pool,
        "SELECT document FROM invitations WHERE tenant_id = $1 AND id = $2",
        tenant,
        &id.to_string(),
    )
    .await
}

/// Marks a pending invitation completed (compare-and-set on its status).
pub(crate) async fn redeem_invitation(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let row = sqlx::query("SELECT document FROM invitations WHERE tenant_id = $1 AND id = $2 AND status = 'PendingAcceptance'")
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    let Some(row) = row else {
        return Err(StoreError::Conflict(Conflict::Precondition(
            "the invitation is not pending".into(),
        )));
    };
    let mut invitation: Invitation = Columns(&row).json("document")?;
    invitation.status = portico_model::invitation::InvitationStatus::Completed;
    invitation.redeemed_at = Some(at);
    let done = sqlx::query("UPDATE invitations SET status = 'Completed', document = $3 WHERE tenant_id = $1 AND id = $2 AND status = 'PendingAcceptance'")
        .bind(tenant.to_string())
        .bind(id.to_string())
        .bind(to_json(&invitation)?)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(Conflict::Precondition(
            "the invitation is not pending".into(),
        )))
    }
}
