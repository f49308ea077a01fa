//! [`Write::PatchUser`](crate::Write::PatchUser): one `UPDATE` of only the changed columns, plus
//! the side tables of the properties that changed.

use super::codec::{db_error, opt_micros, to_json, to_name};
use super::recipients::{claim_proxies, release_proxies};
use super::user_profile::{bind_value, column_value, index_identities, Value};
use super::users::{clear_other_mails, index_other_mails, unique_conflict};
use crate::{StoreError, StoreResult, UserChanges};
use portico_model::group::RecipientKind;
use portico_model::{EmailAddress, ObjectId, TenantId};
use sqlx::AnyConnection;

pub(crate) async fn apply(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
    changes: &UserChanges,
) -> StoreResult<()> {
    let assignments = assignments(changes)?;
    let found = if assignments.is_empty() {
        exists(conn, tenant, id).await?
    } else {
        update(conn, tenant, id, changes, assignments).await?
    };
    if !found {
        return Err(StoreError::NotFound);
    }
    if let Some(other_mails) = &changes.other_mails {
        clear_other_mails(conn, tenant, id).await?;
        index_other_mails(conn, tenant, id, other_mails).await?;
    }
    if let Some(identities) = &changes.identities {
        index_identities(conn, tenant, id, identities).await?;
    }
    if let Some(proxies) = &changes.proxy_addresses {
        release_proxies(conn, tenant, id).await?;
        claim_proxies(conn, tenant, RecipientKind::User, id, proxies).await?;
    }
    Ok(())
}

/// `UPDATE users SET <only these columns>`; false when there is no such user.
async fn update(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
    changes: &UserChanges,
    assignments: Vec<(&'static str, Value)>,
) -> StoreResult<bool> {
    let set: Vec<String> = assignments
        .iter()
        .enumerate()
        .map(|(n, (column, _))| format!("{column} = ${}", n + 3))
        .collect();
    let sql = format!(
        "UPDATE users SET {} WHERE tenant_id = $1 AND id = $2",
        set.join(", ")
    );
    let mut query = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(id.to_string());
    for (_, value) in assignments {
        query = bind_value(query, value);
    }
    let done = query.execute(&mut *conn).await.map_err(|e| {
        let upn = changes.user_principal_name.clone();
        match upn {
            Some(upn) => unique_conflict(e, &upn, id),
            None => db_error(e),
        }
    })?;
    Ok(done.rows_affected() > 0)
}

async fn exists(conn: &mut AnyConnection, tenant: TenantId, id: ObjectId) -> StoreResult<bool> {
    let row = sqlx::query("SELECT id FROM users WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(row.is_some())
}

/// The columns to set, with the lookup keys that follow the UPN and mail.
fn assignments(c: &UserChanges) -> StoreResult<Vec<(&'static str, Value)>> {
    use Value::*;
    let text = |value: &Option<String>| Text(value.clone());
    let mut set = Vec::new();
    if let Some(upn) = &c.user_principal_name {
        set.push(("upn", Text(Some(upn.to_string()))));
        set.push(("upn_key", Text(Some(upn.normalized()))));
    }
    if let Some(mail) = &c.mail {
        set.push(("mail", Text(mail.as_ref().map(ToString::to_string))));
        set.push((
            "mail_key",
            Text(mail.as_ref().map(EmailAddress::normalized)),
        ));
    }
    if let Some(name) = &c.display_name {
        set.push(("display_name", Text(Some(name.clone()))));
    }
    if let Some(given) = &c.given_name {
        set.push(("given_name", text(given)));
    }
    if let Some(surname) = &c.surname {
        set.push(("surname", text(surname)));
    }
    if let Some(others) = &c.other_mails {
        set.push(("other_mails", Text(Some(to_json(others)?))));
    }
    if let Some(proxies) = &c.proxy_addresses {
        set.push(("proxy_addresses", Text(Some(to_json(proxies)?))));
    }
    if let Some(kind) = &c.user_type {
        set.push(("user_type", Text(Some(to_name(kind)?))));
    }
    if let Some(creation) = &c.creation_type {
        set.push((
            "creation_type",
            Text(creation.as_ref().map(to_name).transpose()?),
        ));
    }
    if let Some(state) = &c.external_user_state {
        set.push((
            "external_user_state",
            Text(state.as_ref().map(to_name).transpose()?),
        ));
    }
    if let Some(at) = &c.external_user_state_changed_at {
        set.push(("external_user_state_changed_at", Micros(opt_micros(*at))));
    }
    if let Some(identities) = &c.identities {
        set.push(("identities", Text(Some(to_json(identities)?))));
    }
    for (column, flag) in [
        ("account_enabled", c.account_enabled),
        ("hidden_from_address_lists", c.hidden_from_address_lists),
        ("on_premises_sync_enabled", c.on_premises_sync_enabled),
    ] {
        if let Some(flag) = flag {
            set.push((column, Flag(flag)));
        }
    }
    if let Some(hash) = &c.password_hash {
        set.push(("password_hash", text(hash)));
    }
    if let Some(methods) = &c.mfa_methods {
        set.push(("mfa_methods", Text(Some(to_json(methods)?))));
    }
    for (name, value) in &c.profile {
        let property = portico_odata::USER
            .property(name)
            .filter(|p| matches!(p.stored, portico_odata::Stored::Profile(_)));
        let (Some(property), Some(column)) = (property, property.and_then(|p| p.column())) else {
            return Err(StoreError::Corrupt(format!(
                "'{name}' is not a profile property"
            )));
        };
        set.push((column, column_value(property, value.as_ref())?));
    }
    Ok(set)
}
