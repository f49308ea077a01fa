//! Groups, mail contacts, group membership and the tenant-wide proxy-address key that users,
//! groups and contacts share.

use super::codec::{db_error, micros, to_json, to_name, unique_or_db, Columns};
use crate::{Conflict, Page, StoreError, StoreResult};
use portico_model::group::{DynamicMembership, Group, GroupKind, MailContact, RecipientKind};
use portico_model::{EmailAddress, ObjectId, ProxyAddress, TenantId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool};

/// Records `addresses` as owned by `owner`; fails with a conflict if any is already taken.
pub(crate) async fn claim_proxies(
    conn: &mut AnyConnection,
    tenant: TenantId,
    kind: RecipientKind,
    owner: ObjectId,
    addresses: &[ProxyAddress],
) -> StoreResult<()> {
    for proxy in addresses {
        sqlx::query("INSERT INTO proxy_addresses (tenant_id, address_key, owner_kind, owner_id) VALUES ($1, $2, $3, $4)")
            .bind(tenant.to_string())
            .bind(proxy.address.normalized())
            .bind(to_name(&kind)?)
            .bind(owner.to_string())
            .execute(&mut *conn)
            .await
            .map_err(unique_or_db(Conflict::ProxyAddress(proxy.address.to_string())))?;
    }
    Ok(())
}

pub(crate) async fn release_proxies(
    conn: &mut AnyConnection,
    tenant: TenantId,
    owner: ObjectId,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM proxy_addresses WHERE tenant_id = $1 AND owner_id = $2")
        .bind(tenant.to_string())
        .bind(owner.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn find_proxy_owner(
    pool: &AnyPool,
    tenant: TenantId,
    address: &EmailAddress,
) -> StoreResult<Option<(RecipientKind, ObjectId)>> {
    let row = sqlx::query("SELECT owner_kind, owner_id FROM proxy_addresses WHERE tenant_id = $1 AND address_key = $2")
        .bind(tenant.to_string())
        .bind(address.normalized())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.map(|row| {
        let c = Columns(&row);
        Ok((c.named("owner_kind")?, c.parsed("owner_id")?))
    })
    .transpose()
}

pub(crate) const GROUP_COLUMNS: &str =
    "id, display_name, description, mail_nickname, mail, mail_enabled, security_enabled, proxy_addresses, created_at, \
    group_types, membership_rule, membership_rule_paused, visibility";

pub(crate) async fn insert_group(
    conn: &mut AnyConnection,
    tenant: TenantId,
    group: &Group,
) -> StoreResult<()> {
    let sql = format!("INSERT INTO directory_groups (tenant_id, mail_key, {GROUP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)");
    let dynamic = group.kind.dynamic.as_ref();
    sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(group.mail.as_ref().map(EmailAddress::normalized))
        .bind(group.id.to_string())
        .bind(group.display_name.clone())
        .bind(group.description.clone())
        .bind(group.mail_nickname.clone())
        .bind(group.mail.as_ref().map(ToString::to_string))
        .bind(group.mail_enabled)
        .bind(group.security_enabled)
        .bind(to_json(&group.proxy_addresses)?)
        .bind(micros(group.created_at))
        .bind(to_json(&group.kind.group_types())?)
        .bind(dynamic.map(|d| d.rule.clone()))
        .bind(dynamic.is_some_and(|d| d.paused))
        .bind(group.kind.visibility.clone())
        .execute(&mut *conn)
        .await
        .map_err(unique_or_db(Conflict::ObjectId(group.id.to_string())))?;
    claim_proxies(
        conn,
        tenant,
        RecipientKind::Group,
        group.id,
        &group.proxy_addresses,
    )
    .await
}

pub(crate) async fn delete_group(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<()> {
    delete_owned(
        conn,
        "DELETE FROM directory_groups WHERE tenant_id = $1 AND id = $2",
        tenant,
        id,
    )
    .await?;
    for sql in [
        "DELETE FROM app_assignments WHERE tenant_id = $1 AND principal_id = $2",
        "DELETE FROM role_assignments WHERE tenant_id = $1 AND principal_id = $2",
        "DELETE FROM group_members WHERE tenant_id = $1 AND member_id = $2",
        "DELETE FROM user_sponsors WHERE tenant_id = $1 AND sponsor_id = $2",
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

/// Deletes one row by (tenant, id) and the proxy addresses it held; `NotFound` if absent.
async fn delete_owned(
    conn: &mut AnyConnection,
    sql: &str,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<()> {
    let done = sqlx::query(sql)
        .bind(tenant.to_string())
        .bind(id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    release_proxies(conn, tenant, id).await
}

pub(crate) async fn add_member(
    conn: &mut AnyConnection,
    tenant: TenantId,
    group: ObjectId,
    member: ObjectId,
) -> StoreResult<()> {
    ensure_exists(
        conn,
        "SELECT 1 FROM directory_groups WHERE tenant_id = $1 AND id = $2",
        tenant,
        group,
    )
    .await?;
    let member_exists = ensure_exists(
        conn,
        "SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2",
        tenant,
        member,
    )
    .await;
    if member_exists.is_err() {
        ensure_exists(
            conn,
            "SELECT 1 FROM directory_groups WHERE tenant_id = $1 AND id = $2",
            tenant,
            member,
        )
        .await?;
    }
    sqlx::query("INSERT INTO group_members (tenant_id, group_id, member_id) VALUES ($1, $2, $3)")
        .bind(tenant.to_string())
        .bind(group.to_string())
        .bind(member.to_string())
        .execute(&mut *conn)
        .await
        .map_err(unique_or_db(Conflict::ObjectId(member.to_string())))?;
    Ok(())
}

pub(crate) async fn remove_member(
    conn: &mut AnyConnection,
    tenant: TenantId,
    group: ObjectId,
    member: ObjectId,
) -> StoreResult<()> {
    let done = sqlx::query(
        "DELETE FROM group_members WHERE tenant_id = $1 AND group_id = $2 AND member_id = $3",
    )
    .bind(tenant.to_string())
    .bind(group.to_string())
    .bind(member.to_string())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// `NotFound` unless `sql` (taking tenant and id) returns a row.
pub(crate) async fn ensure_exists(
    conn: &mut AnyConnection,
    sql: &str,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<()> {
    sqlx::query(sql)
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

pub(crate) async fn get_group(
    pool: &AnyPool,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<Group> {
    let sql =
        format!("SELECT {GROUP_COLUMNS} FROM directory_groups WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
    group_from_row(&row)
}

pub(crate) async fn list_groups(
    pool: &AnyPool,
    tenant: TenantId,
    page: Page,
) -> StoreResult<Vec<Group>> {
    let sql = format!("SELECT {GROUP_COLUMNS} FROM directory_groups WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3");
    let rows = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(page.after.map(|id| id.to_string()).unwrap_or_default())
        .bind(i64::from(page.limit))
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(group_from_row).collect()
}

/// Groups whose members come from a rule (`groupTypes` has `DynamicMembership`).
pub(crate) async fn list_dynamic_groups(
    pool: &AnyPool,
    tenant: TenantId,
) -> StoreResult<Vec<Group>> {
    let sql = format!("SELECT {GROUP_COLUMNS} FROM directory_groups WHERE tenant_id = $1 AND membership_rule IS NOT NULL ORDER BY id");
    let rows = sqlx::query(&sql)
        .bind(tenant.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(group_from_row).collect()
}

pub(crate) async fn list_groups_by_address(
    pool: &AnyPool,
    tenant: TenantId,
    address: &EmailAddress,
) -> StoreResult<Vec<Group>> {
    let sql = format!(
        "SELECT {GROUP_COLUMNS} FROM directory_groups WHERE tenant_id = $1 AND (mail_key = $2 \
         OR id IN (SELECT owner_id FROM proxy_addresses WHERE tenant_id = $1 AND address_key = $2 AND owner_kind = 'Group')) ORDER BY id"
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(address.normalized())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(group_from_row).collect()
}

/// Ids from a two-column membership query taking (tenant, id).
pub(crate) async fn list_ids(
    pool: &AnyPool,
    sql: &str,
    tenant: TenantId,
    id: ObjectId,
    column: &str,
) -> StoreResult<Vec<ObjectId>> {
    let rows = sqlx::query(sql)
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(|row| Columns(row).parsed(column)).collect()
}

pub(crate) fn group_from_row(row: &AnyRow) -> StoreResult<Group> {
    let c = Columns(row);
    Ok(Group {
        id: c.parsed("id")?,
        display_name: c.text("display_name")?,
        description: c.opt_text("description")?,
        mail_nickname: c.opt_text("mail_nickname")?,
        mail: c.opt_parsed("mail")?,
        mail_enabled: c.flag("mail_enabled")?,
        security_enabled: c.flag("security_enabled")?,
        proxy_addresses: c.json("proxy_addresses")?,
        created_at: c.time("created_at")?,
        kind: group_kind(&c)?,
    })
}

/// `groupTypes`, the rule and visibility columns.
fn group_kind(c: &Columns<'_>) -> StoreResult<GroupKind> {
    let types: Vec<String> = c.json("group_types")?;
    let has = |name: &str| types.iter().any(|t| t == name);
    let dynamic = match c.opt_text("membership_rule")? {
        Some(rule) if has("DynamicMembership") => Some(DynamicMembership {
            rule,
            paused: c.flag("membership_rule_paused")?,
        }),
        _ => None,
    };
    Ok(GroupKind {
        unified: has("Unified"),
        dynamic,
        visibility: c.opt_text("visibility")?,
    })
}

/// A group's own properties after a `PATCH` (its addresses are not changed here).
pub(crate) async fn update_group(
    conn: &mut AnyConnection,
    tenant: TenantId,
    group: &Group,
) -> StoreResult<()> {
    let dynamic = group.kind.dynamic.as_ref();
    let done = sqlx::query(
        "UPDATE directory_groups SET display_name = $3, description = $4, group_types = $5, \
         membership_rule = $6, membership_rule_paused = $7, visibility = $8 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.to_string())
    .bind(group.id.to_string())
    .bind(group.display_name.clone())
    .bind(group.description.clone())
    .bind(to_json(&group.kind.group_types())?)
    .bind(dynamic.map(|d| d.rule.clone()))
    .bind(dynamic.is_some_and(|d| d.paused))
    .bind(group.kind.visibility.clone())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Replaces a group's stored members (a dynamic group's frozen members while it is paused).
pub(crate) async fn set_group_members(
    conn: &mut AnyConnection,
    tenant: TenantId,
    group: ObjectId,
    members: &[ObjectId],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM group_members WHERE tenant_id = $1 AND group_id = $2")
        .bind(tenant.to_string())
        .bind(group.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    for member in members {
        sqlx::query(
            "INSERT INTO group_members (tenant_id, group_id, member_id) VALUES ($1, $2, $3)",
        )
        .bind(tenant.to_string())
        .bind(group.to_string())
        .bind(member.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

pub(crate) const CONTACT_COLUMNS: &str =
    "id, display_name, mail, proxy_addresses, hidden_from_address_lists, created_at";

pub(crate) async fn insert_contact(
    conn: &mut AnyConnection,
    tenant: TenantId,
    contact: &MailContact,
) -> StoreResult<()> {
    let sql = format!("INSERT INTO contacts (tenant_id, mail_key, {CONTACT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(contact.mail.normalized())
        .bind(contact.id.to_string())
        .bind(contact.display_name.clone())
        .bind(contact.mail.to_string())
        .bind(to_json(&contact.proxy_addresses)?)
        .bind(contact.hidden_from_address_lists)
        .bind(micros(contact.created_at))
        .execute(&mut *conn)
        .await
        .map_err(unique_or_db(Conflict::ObjectId(contact.id.to_string())))?;
    claim_proxies(
        conn,
        tenant,
        RecipientKind::Contact,
        contact.id,
        &contact.proxy_addresses,
    )
    .await
}

pub(crate) async fn update_contact(
    conn: &mut AnyConnection,
    tenant: TenantId,
    contact: &MailContact,
) -> StoreResult<()> {
    let done = sqlx::query("UPDATE contacts SET display_name = $3, mail = $4, mail_key = $5, proxy_addresses = $6, hidden_from_address_lists = $7 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.to_string())
        .bind(contact.id.to_string())
        .bind(contact.display_name.clone())
        .bind(contact.mail.to_string())
        .bind(contact.mail.normalized())
        .bind(to_json(&contact.proxy_addresses)?)
        .bind(contact.hidden_from_address_lists)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    release_proxies(conn, tenant, contact.id).await?;
    claim_proxies(
        conn,
        tenant,
        RecipientKind::Contact,
        contact.id,
        &contact.proxy_addresses,
    )
    .await
}

pub(crate) async fn delete_contact(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<()> {
    delete_owned(
        conn,
        "DELETE FROM contacts WHERE tenant_id = $1 AND id = $2",
        tenant,
        id,
    )
    .await
}

pub(crate) async fn get_contact(
    pool: &AnyPool,
    tenant: TenantId,
    id: ObjectId,
) -> StoreResult<MailContact> {
    let sql = format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
    contact_from_row(&row)
}

pub(crate) async fn list_contacts(
    pool: &AnyPool,
    tenant: TenantId,
    page: Page,
) -> StoreResult<Vec<MailContact>> {
    let sql = format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3");
    let rows = sqlx::query(&sql)
        .bind(tenant.to_string())
        .bind(page.after.map(|id| id.to_string()).unwrap_or_default())
        .bind(i64::from(page.limit))
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(contact_from_row).collect()
}

pub(crate) fn contact_from_row(row: &AnyRow) -> StoreResult<MailContact> {
    let c = Columns(row);
    Ok(MailContact {
        id: c.parsed("id")?,
        display_name: c.text("display_name")?,
        mail: c.parsed("mail")?,
        proxy_addresses: c.json("proxy_addresses")?,
        hidden_from_address_lists: c.flag("hidden_from_address_lists")?,
        created_at: c.time("created_at")?,
    })
}
