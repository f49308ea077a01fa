//! The SQL implementation of [`Store`], shared by SQLite and PostgreSQL through sqlx's `Any`
//! driver. Placeholders are `$n` and every statement is plain SQL both engines accept
//! (`ON CONFLICT … DO UPDATE`, `excluded.`); `backend.rs` holds what differs.

mod app_grants;
mod apps;
mod backend;
mod codec;
mod counters;
mod deleted;
mod device_codes;
mod documents;
mod filter;
#[cfg(test)]
mod filter_fuzz;
mod group_commit;
mod guests;
mod logs;
mod mau;
mod oauth;
mod outbox;
mod query;
mod recipients;
mod retention;
mod sponsors;
mod tenants;
mod user_patch;
mod user_profile;
mod users;

pub use backend::{Backend, StoreConfig};

use crate::metrics::StoreMetrics;
use crate::{
    Delivery, DirectoryQuery, LogQuery, Page, Store, StoreError, StoreResult, TenantBatch, Write,
};
use async_trait::async_trait;
use backend::Pools;
use chrono::{DateTime, Utc};
use codec::db_error;
use documents::{LogTable, PolicyKind};
use portico_model::application::Application;
use portico_model::conditional_access::{
    ConditionalAccessPolicy, NamedLocation, TermsAcceptance, TermsOfUse,
};
use portico_model::cross_tenant::PartnerConfiguration;
use portico_model::group::{Group, MailContact, RecipientKind};
use portico_model::invitation::{GuestBinding, Invitation};
use portico_model::lockout::{LockoutAccount, LockoutState};
use portico_model::logs::{AuditRecord, SignInRecord};
use portico_model::mail::OutboxMessage;
use portico_model::month::Month;
use portico_model::oauth::{AuthorizationCode, DeviceCode, LoginFlow, RefreshToken, Session};
use portico_model::risk::RiskyUser;
use portico_model::role::RoleAssignment;
use portico_model::settings::TenantSettings;
use portico_model::signing_key::SigningKey;
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::{ClientId, DomainName, EmailAddress, ObjectId, TenantId, Upn};
use sqlx::AnyConnection;

/// The store on SQLite or PostgreSQL.
pub struct SqlStore {
    pools: Pools,
    /// SQLite has one writer: concurrent writes share commits there. PostgreSQL runs them in
    /// parallel transactions instead.
    group_commit: Option<std::sync::Arc<group_commit::GroupCommit>>,
    metrics: std::sync::Arc<StoreMetrics>,
}

impl SqlStore {
    /// Connects, applies migrations and checks integrity; the store is ready when this returns.
    pub async fn open(config: &StoreConfig) -> StoreResult<Self> {
        let pools = backend::connect(config).await?;
        backend::prepare(&pools).await?;
        let metrics = std::sync::Arc::new(StoreMetrics::default());
        let group_commit = (pools.backend == backend::Backend::Sqlite)
            .then(|| group_commit::GroupCommit::new(pools.write.clone(), metrics.clone()));
        Ok(Self {
            pools,
            group_commit,
            metrics,
        })
    }

    /// The store's metrics.
    pub fn metrics(&self) -> &StoreMetrics {
        &self.metrics
    }

    /// Brings the pool gauges up to date (before a scrape; a pool knows its size without a query).
    pub fn observe_pools(&self) {
        if self.pools.shared {
            self.metrics.set_pool(
                "shared",
                self.pools.write.size(),
                self.pools.write.num_idle(),
            );
        } else {
            let (read, write) = (&self.pools.read, &self.pools.write);
            self.metrics.set_pool("read", read.size(), read.num_idle());
            self.metrics
                .set_pool("write", write.size(), write.num_idle());
        }
    }

    /// Closes every connection (on SQLite this checkpoints the WAL).
    pub async fn close(&self) {
        self.pools.close().await;
    }
}

impl SqlStore {
    /// One call's writes in their own transaction (PostgreSQL: writers run in parallel).
    async fn apply_in_transaction(&self, tenant: TenantId, writes: &[Write]) -> StoreResult<()> {
        let mut tx = self.pools.write.begin().await.map_err(db_error)?;
        for write in writes {
            apply_one(&mut tx, tenant, write).await?;
        }
        tx.commit().await.map_err(db_error)
    }
}

/// Every table, children before parents, for [`Store::reset`].
const ALL_TABLES: [&str; 36] = [
    "deleted_objects",
    "device_codes",
    "totp_steps",
    "sign_in_lockouts",
    "familiar_addresses",
    "rate_quotas",
    "guest_bindings",
    "refresh_tokens",
    "authorization_codes",
    "sessions",
    "login_flows",
    "outbox_recipients",
    "outbox",
    "risky_users",
    "signing_keys",
    "audit_targets",
    "audit_records",
    "monthly_active_guests",
    "sign_ins",
    "invitations",
    "policy_documents",
    "partner_configurations",
    "role_assignments",
    "oauth2_permission_grants",
    "app_role_assignments",
    "app_assignments",
    "applications",
    "proxy_addresses",
    "contacts",
    "group_members",
    "user_sponsors",
    "directory_groups",
    "user_other_mails",
    "users",
    "tenant_domains",
    "tenants",
];

async fn apply_one(conn: &mut AnyConnection, tenant: TenantId, write: &Write) -> StoreResult<()> {
    use PolicyKind::*;
    match write {
        Write::CreateTenant(created, settings) => {
            if created.id != tenant {
                return Err(StoreError::TenantMismatch {
                    batch: tenant,
                    write: created.id,
                });
            }
            tenants::insert(conn, created, settings).await
        }
        Write::PutSettings(settings) => tenants::put_settings(conn, tenant, settings).await,
        Write::InsertUser(user) => users::insert(conn, tenant, user).await,
        Write::UpdateUser(user) => users::update(conn, tenant, user).await,
        Write::PatchUser { id, changes } => user_patch::apply(conn, tenant, *id, changes).await,
        Write::DeleteUser(id) => users::delete(conn, tenant, *id).await,
        Write::SoftDeleteUser { id, at } => deleted::soft_delete_user(conn, tenant, *id, *at).await,
        Write::RestoreDeletedUser(id) => deleted::restore_user(conn, tenant, *id).await,
        Write::PurgeDeletedObject(id) => deleted::purge(conn, tenant, *id).await,
        Write::UpdateGroup(group) => recipients::update_group(conn, tenant, group).await,
        Write::SetGroupMembers { group, members } => {
            recipients::set_group_members(conn, tenant, *group, members).await
        }
        Write::InsertGroup(group) => recipients::insert_group(conn, tenant, group).await,
        Write::DeleteGroup(id) => recipients::delete_group(conn, tenant, *id).await,
        Write::AddGroupMember { group, member } => {
            recipients::add_member(conn, tenant, *group, *member).await
        }
        Write::RemoveGroupMember { group, member } => {
            recipients::remove_member(conn, tenant, *group, *member).await
        }
        Write::AddSponsor { user, sponsor } => sponsors::add(conn, tenant, *user, *sponsor).await,
        Write::RemoveSponsor { user, sponsor } => {
            sponsors::remove(conn, tenant, *user, *sponsor).await
        }
        Write::InsertContact(contact) => recipients::insert_contact(conn, tenant, contact).await,
        Write::UpdateContact(contact) => recipients::update_contact(conn, tenant, contact).await,
        Write::DeleteContact(id) => recipients::delete_contact(conn, tenant, *id).await,
        Write::InsertApplication(app) => apps::insert(conn, tenant, app).await,
        Write::UpdateApplication(app) => apps::update(conn, tenant, app).await,
        Write::AssignApplication { app, principal } => {
            apps::assign(conn, tenant, *app, *principal).await
        }
        Write::DeleteApplication(id) => app_grants::delete_application(conn, tenant, *id).await,
        Write::InsertAppRoleAssignment(assignment) => {
            app_grants::insert_assignment(conn, tenant, assignment).await
        }
        Write::DeleteAppRoleAssignment(id) => {
            app_grants::delete_assignment(conn, tenant, *id).await
        }
        Write::PutPermissionGrant(grant) => app_grants::put_grant(conn, tenant, grant).await,
        Write::DeletePermissionGrant(id) => app_grants::delete_grant(conn, tenant, *id).await,
        Write::AssignRole(assignment) => apps::assign_role(conn, tenant, assignment).await,
        Write::RemoveRole(assignment) => apps::remove_role(conn, tenant, assignment).await,
        Write::PutPartner(partner) => documents::put_partner(conn, tenant, partner).await,
        Write::InsertPartner(partner) => documents::insert_partner(conn, tenant, partner).await,
        Write::UpdatePartner(partner) => documents::update_partner(conn, tenant, partner).await,
        Write::DeletePartner(partner) => documents::delete_partner(conn, tenant, *partner).await,
        Write::PutConditionalAccessPolicy(p) => {
            documents::put_policy(conn, tenant, ConditionalAccess, p.id, p.created_at, p).await
        }
        Write::DeleteConditionalAccessPolicy(id) => {
            documents::delete_policy(conn, tenant, ConditionalAccess, *id).await
        }
        Write::PutNamedLocation(l) => {
            documents::put_policy(conn, tenant, NamedLocation, l.id, l.created_at, l).await
        }
        Write::DeleteNamedLocation(id) => {
            documents::delete_policy(conn, tenant, NamedLocation, *id).await
        }
        Write::AcceptTerms(acceptance) => documents::accept_terms(conn, tenant, acceptance).await,
        Write::PutTermsOfUse(t) => {
            documents::put_policy(conn, tenant, TermsOfUse, t.id, t.created_at, t).await
        }
        Write::DeleteTermsOfUse(id) => {
            documents::delete_policy(conn, tenant, TermsOfUse, *id).await
        }
        Write::PutRiskyUser(risky) => documents::put_risky_user(conn, tenant, risky).await,
        Write::InsertInvitation(invitation) => {
            documents::insert_invitation(conn, tenant, invitation).await
        }
        Write::UpdateInvitation(invitation) => {
            documents::update_invitation(conn, tenant, invitation).await
        }
        Write::RedeemInvitation { id, at } => {
            documents::redeem_invitation(conn, tenant, *id, *at).await
        }
        Write::PutGuestBinding(binding) => guests::put(conn, tenant, binding).await,
        Write::DeleteGuestBinding { guest_id } => guests::delete(conn, tenant, *guest_id).await,
        Write::InsertSignIn(record) => documents::insert_sign_in(conn, tenant, record).await,
        Write::Audit(record) => documents::insert_audit(conn, tenant, record).await,
        Write::InsertSigningKey(key) => documents::insert_signing_key(conn, tenant, key).await,
        Write::RetireSigningKey { kid, retire_at } => {
            documents::retire_signing_key(conn, tenant, kid, *retire_at).await
        }
        Write::EnqueueMail(message) => outbox::enqueue(conn, tenant, message).await,
        Write::InsertLoginFlow(flow) => oauth::insert_flow(conn, tenant, flow).await,
        Write::UpdateLoginFlow(flow) => oauth::update_flow(conn, tenant, flow).await,
        Write::DeleteLoginFlow { flow_hash } => {
            oauth::delete_keyed(conn, oauth::Keyed::Flow, tenant, flow_hash).await
        }
        Write::ClaimFlowAttempt { flow_hash, max } => {
            oauth::claim_flow_attempt(conn, tenant, flow_hash, *max).await
        }
        Write::ClaimCredentialCheck { key, now } => {
            counters::claim_check(conn, tenant, key, *now).await
        }
        Write::RefundCredentialCheck { key } => counters::refund_check(conn, tenant, key).await,
        Write::ClearLockout { account, familiar } => {
            counters::clear(conn, tenant, account, *familiar).await
        }
        Write::RecordFamiliarAddress {
            account,
            address,
            at,
        } => counters::record_address(conn, tenant, account, address, *at).await,
        Write::ClaimTotpStep { user_id, step } => {
            counters::claim_totp_step(conn, tenant, *user_id, *step).await
        }
        Write::ClaimQuota {
            key,
            now,
            window_seconds,
            max,
        } => counters::claim_quota(conn, tenant, key, *now, *window_seconds, *max).await,
        Write::PutSession(session) => oauth::put_session(conn, tenant, session).await,
        Write::DeleteSession { session_hash } => {
            oauth::delete_keyed(conn, oauth::Keyed::Session, tenant, session_hash).await
        }
        Write::InsertAuthorizationCode(code) => oauth::insert_code(conn, tenant, code).await,
        Write::RedeemAuthorizationCode { code_hash, at } => {
            oauth::redeem_code(conn, tenant, code_hash, *at).await
        }
        Write::InsertRefreshToken(token) => oauth::insert_refresh(conn, tenant, token).await,
        Write::InsertDeviceCode(code) => device_codes::insert(conn, tenant, code).await,
        Write::SettleDeviceCode {
            device_code_hash,
            from,
            to,
            approval,
        } => {
            device_codes::settle(
                conn,
                tenant,
                device_code_hash,
                *from,
                *to,
                approval.as_ref(),
            )
            .await
        }
        Write::PollDeviceCode {
            device_code_hash,
            at,
            not_before,
        } => device_codes::poll(conn, tenant, device_code_hash, *at, *not_before).await,
        Write::RotateRefreshToken { token_hash, at } => {
            oauth::rotate_refresh(conn, tenant, token_hash, *at).await
        }
        Write::RevokeTokenFamily { family_id, at } => {
            oauth::revoke_refresh(conn, tenant, oauth::RevokeBy::Family, *family_id, *at).await
        }
        Write::RevokeUserTokens { user_id, at } => {
            oauth::revoke_refresh(conn, tenant, oauth::RevokeBy::User, *user_id, *at).await
        }
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.pools.backend
    }

    async fn ping(&self) -> StoreResult<()> {
        // A real table, not `SELECT 1`: an empty database answers that too.
        sqlx::query("SELECT id FROM tenants LIMIT 1")
            .execute(&self.pools.read)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn apply(&self, tenant: TenantId, writes: Vec<Write>) -> StoreResult<()> {
        let started = std::time::Instant::now();
        let outcome = match &self.group_commit {
            Some(group) => group.apply(tenant, writes).await,
            None => self.apply_in_transaction(tenant, &writes).await,
        };
        self.metrics
            .write_seconds
            .observe(started.elapsed().as_secs_f64());
        outcome
    }

    async fn reset(&self, batches: Vec<TenantBatch>) -> StoreResult<()> {
        let mut tx = self.pools.write.begin().await.map_err(db_error)?;
        for table in ALL_TABLES {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        for batch in &batches {
            for write in &batch.writes {
                apply_one(&mut tx, batch.tenant, write).await?;
            }
        }
        tx.commit().await.map_err(db_error)
    }

    async fn list_tenants(&self) -> StoreResult<Vec<Tenant>> {
        tenants::list(&self.pools.read).await
    }
    async fn find_tenant(&self, tenant: TenantId) -> StoreResult<Option<Tenant>> {
        tenants::find(&self.pools.read, tenant).await
    }
    async fn find_tenant_by_domain(&self, domain: &DomainName) -> StoreResult<Option<Tenant>> {
        tenants::find_by_domain(&self.pools.read, domain).await
    }
    async fn get_settings(&self, tenant: TenantId) -> StoreResult<TenantSettings> {
        tenants::get_settings(&self.pools.read, tenant).await
    }

    async fn get_user(&self, tenant: TenantId, id: ObjectId) -> StoreResult<User> {
        users::get(&self.pools.read, tenant, id).await
    }
    async fn find_user_by_upn(&self, tenant: TenantId, upn: &Upn) -> StoreResult<Option<User>> {
        users::find_by_upn(&self.pools.read, tenant, upn).await
    }
    async fn list_users_by_address(
        &self,
        tenant: TenantId,
        address: &EmailAddress,
    ) -> StoreResult<Vec<User>> {
        users::list_by_address(&self.pools.read, tenant, address).await
    }
    async fn list_users(&self, tenant: TenantId, page: Page) -> StoreResult<Vec<User>> {
        users::list(&self.pools.read, tenant, page).await
    }

    async fn query_users(
        &self,
        tenant: TenantId,
        query: &DirectoryQuery,
    ) -> StoreResult<Vec<User>> {
        let rows = query::rows(
            &self.pools.read,
            self.pools.backend,
            &filter::USERS,
            &users::COLUMNS,
            tenant,
            query,
        )
        .await?;
        rows.iter().map(users::from_row).collect()
    }
    async fn count_users(
        &self,
        tenant: TenantId,
        filter: Option<&portico_odata::Expr>,
    ) -> StoreResult<u64> {
        query::count(
            &self.pools.read,
            self.pools.backend,
            &filter::USERS,
            tenant,
            filter,
        )
        .await
    }
    async fn query_groups(
        &self,
        tenant: TenantId,
        query: &DirectoryQuery,
    ) -> StoreResult<Vec<Group>> {
        let rows = query::rows(
            &self.pools.read,
            self.pools.backend,
            &filter::GROUPS,
            recipients::GROUP_COLUMNS,
            tenant,
            query,
        )
        .await?;
        rows.iter().map(recipients::group_from_row).collect()
    }
    async fn count_groups(
        &self,
        tenant: TenantId,
        filter: Option<&portico_odata::Expr>,
    ) -> StoreResult<u64> {
        query::count(
            &self.pools.read,
            self.pools.backend,
            &filter::GROUPS,
            tenant,
            filter,
        )
        .await
    }
    async fn query_contacts(
        &self,
        tenant: TenantId,
        query: &DirectoryQuery,
    ) -> StoreResult<Vec<MailContact>> {
        let rows = query::rows(
            &self.pools.read,
            self.pools.backend,
            &filter::CONTACTS,
            recipients::CONTACT_COLUMNS,
            tenant,
            query,
        )
        .await?;
        rows.iter().map(recipients::contact_from_row).collect()
    }
    async fn count_contacts(
        &self,
        tenant: TenantId,
        filter: Option<&portico_odata::Expr>,
    ) -> StoreResult<u64> {
        query::count(
            &self.pools.read,
            self.pools.backend,
            &filter::CONTACTS,
            tenant,
            filter,
        )
        .await
    }

    async fn get_group(&self, tenant: TenantId, id: ObjectId) -> StoreResult<Group> {
        recipients::get_group(&self.pools.read, tenant, id).await
    }
    async fn list_groups(&self, tenant: TenantId, page: Page) -> StoreResult<Vec<Group>> {
        recipients::list_groups(&self.pools.read, tenant, page).await
    }
    async fn list_group_members(
        &self,
        tenant: TenantId,
        group: ObjectId,
    ) -> StoreResult<Vec<ObjectId>> {
        let sql = "SELECT member_id FROM group_members WHERE tenant_id = $1 AND group_id = $2 ORDER BY member_id";
        recipients::list_ids(&self.pools.read, sql, tenant, group, "member_id").await
    }
    async fn list_sponsors(&self, tenant: TenantId, user: ObjectId) -> StoreResult<Vec<ObjectId>> {
        let sql = "SELECT sponsor_id FROM user_sponsors WHERE tenant_id = $1 AND user_id = $2 ORDER BY sponsor_id";
        recipients::list_ids(&self.pools.read, sql, tenant, user, "sponsor_id").await
    }
    async fn list_groups_of(
        &self,
        tenant: TenantId,
        member: ObjectId,
    ) -> StoreResult<Vec<ObjectId>> {
        let sql = "SELECT group_id FROM group_members WHERE tenant_id = $1 AND member_id = $2 ORDER BY group_id";
        recipients::list_ids(&self.pools.read, sql, tenant, member, "group_id").await
    }
    async fn get_contact(&self, tenant: TenantId, id: ObjectId) -> StoreResult<MailContact> {
        recipients::get_contact(&self.pools.read, tenant, id).await
    }
    async fn list_contacts(&self, tenant: TenantId, page: Page) -> StoreResult<Vec<MailContact>> {
        recipients::list_contacts(&self.pools.read, tenant, page).await
    }
    async fn find_proxy_owner(
        &self,
        tenant: TenantId,
        address: &EmailAddress,
    ) -> StoreResult<Option<(RecipientKind, ObjectId)>> {
        recipients::find_proxy_owner(&self.pools.read, tenant, address).await
    }
    async fn list_groups_by_address(
        &self,
        tenant: TenantId,
        address: &EmailAddress,
    ) -> StoreResult<Vec<Group>> {
        recipients::list_groups_by_address(&self.pools.read, tenant, address).await
    }

    async fn find_application(
        &self,
        tenant: TenantId,
        client_id: ClientId,
    ) -> StoreResult<Option<Application>> {
        apps::find(&self.pools.read, tenant, client_id).await
    }
    async fn list_applications(&self, tenant: TenantId) -> StoreResult<Vec<Application>> {
        apps::list(&self.pools.read, tenant).await
    }
    async fn list_app_assignments(
        &self,
        tenant: TenantId,
        app: ObjectId,
    ) -> StoreResult<Vec<ObjectId>> {
        let sql = "SELECT principal_id FROM app_assignments WHERE tenant_id = $1 AND app_id = $2 ORDER BY principal_id";
        recipients::list_ids(&self.pools.read, sql, tenant, app, "principal_id").await
    }
    async fn list_role_assignments(&self, tenant: TenantId) -> StoreResult<Vec<RoleAssignment>> {
        apps::list_roles(&self.pools.read, tenant).await
    }
    async fn list_app_role_assignments(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<portico_model::app_registration::AppRoleAssignment>> {
        app_grants::list_assignments(&self.pools.read, tenant).await
    }
    async fn list_permission_grants(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<portico_model::app_registration::PermissionGrant>> {
        app_grants::list_grants(&self.pools.read, tenant).await
    }

    async fn list_partner_configurations(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<PartnerConfiguration>> {
        documents::list_partners(&self.pools.read, tenant, None).await
    }
    async fn find_partner_configuration(
        &self,
        tenant: TenantId,
        partner: TenantId,
    ) -> StoreResult<Option<PartnerConfiguration>> {
        Ok(
            documents::list_partners(&self.pools.read, tenant, Some(partner))
                .await?
                .into_iter()
                .next(),
        )
    }
    async fn list_conditional_access_policies(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<ConditionalAccessPolicy>> {
        documents::list_policies(&self.pools.read, tenant, PolicyKind::ConditionalAccess).await
    }
    async fn list_named_locations(&self, tenant: TenantId) -> StoreResult<Vec<NamedLocation>> {
        documents::list_policies(&self.pools.read, tenant, PolicyKind::NamedLocation).await
    }
    async fn list_terms_of_use(&self, tenant: TenantId) -> StoreResult<Vec<TermsOfUse>> {
        documents::list_policies(&self.pools.read, tenant, PolicyKind::TermsOfUse).await
    }
    async fn find_risky_user(
        &self,
        tenant: TenantId,
        user: ObjectId,
    ) -> StoreResult<Option<RiskyUser>> {
        documents::find_risky_user(&self.pools.read, tenant, user).await
    }
    async fn list_risky_users(&self, tenant: TenantId) -> StoreResult<Vec<RiskyUser>> {
        documents::list_risky_users(&self.pools.read, tenant).await
    }
    async fn list_terms_acceptances(
        &self,
        tenant: TenantId,
        user: ObjectId,
    ) -> StoreResult<Vec<TermsAcceptance>> {
        documents::list_terms_acceptances(&self.pools.read, tenant, user).await
    }

    async fn find_invitation_by_ticket(
        &self,
        tenant: TenantId,
        ticket_sha256_hex: &str,
    ) -> StoreResult<Option<Invitation>> {
        documents::find_invitation_by_ticket(&self.pools.read, tenant, ticket_sha256_hex).await
    }
    async fn list_invitations_for_user(
        &self,
        tenant: TenantId,
        user: ObjectId,
    ) -> StoreResult<Vec<Invitation>> {
        documents::list_invitations_for_user(&self.pools.read, tenant, user).await
    }
    async fn list_sign_ins(&self, tenant: TenantId, limit: u32) -> StoreResult<Vec<SignInRecord>> {
        documents::list_log(&self.pools.read, LogTable::SignIns, tenant, limit).await
    }
    async fn list_audit_records(
        &self,
        tenant: TenantId,
        limit: u32,
    ) -> StoreResult<Vec<AuditRecord>> {
        documents::list_log(&self.pools.read, LogTable::Audit, tenant, limit).await
    }
    async fn list_signing_keys(&self, tenant: TenantId) -> StoreResult<Vec<SigningKey>> {
        documents::list_signing_keys(&self.pools.read, tenant).await
    }
    async fn query_sign_ins(
        &self,
        tenant: TenantId,
        query: &LogQuery,
    ) -> StoreResult<Vec<SignInRecord>> {
        let pool = &self.pools.read;
        logs::query(pool, self.pools.backend, &logs::SIGN_INS, tenant, query).await
    }
    async fn find_sign_in(
        &self,
        tenant: TenantId,
        id: ObjectId,
    ) -> StoreResult<Option<SignInRecord>> {
        logs::find(&self.pools.read, &logs::SIGN_INS, tenant, id).await
    }
    async fn query_audit_records(
        &self,
        tenant: TenantId,
        query: &LogQuery,
    ) -> StoreResult<Vec<AuditRecord>> {
        let pool = &self.pools.read;
        logs::query(
            pool,
            self.pools.backend,
            &logs::AUDIT_RECORDS,
            tenant,
            query,
        )
        .await
    }
    async fn find_audit_record(
        &self,
        tenant: TenantId,
        id: ObjectId,
    ) -> StoreResult<Option<AuditRecord>> {
        logs::find(&self.pools.read, &logs::AUDIT_RECORDS, tenant, id).await
    }
    async fn count_monthly_active_guests(
        &self,
        tenant: TenantId,
        month: Month,
    ) -> StoreResult<u64> {
        mau::count(&self.pools.read, tenant, month).await
    }
    async fn list_monthly_active_guests(
        &self,
        tenant: TenantId,
        first: Month,
        last: Month,
    ) -> StoreResult<Vec<(Month, u64)>> {
        mau::history(&self.pools.read, tenant, first, last).await
    }
    async fn purge_sign_ins(
        &self,
        tenant: TenantId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<u64> {
        use retention::PurgedLog::SignIns;
        retention::purge(&self.pools.write, SignIns, tenant, before, limit).await
    }
    async fn purge_audit_records(
        &self,
        tenant: TenantId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<u64> {
        use retention::PurgedLog::Audit;
        retention::purge(&self.pools.write, Audit, tenant, before, limit).await
    }
    async fn purge_familiar_addresses(
        &self,
        tenant: TenantId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<u64> {
        use retention::PurgedLog::FamiliarAddresses;
        retention::purge(&self.pools.write, FamiliarAddresses, tenant, before, limit).await
    }

    async fn purge_deleted_objects(
        &self,
        tenant: TenantId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<u64> {
        use retention::PurgedLog::DeletedObjects;
        retention::purge(&self.pools.write, DeletedObjects, tenant, before, limit).await
    }
    async fn list_deleted_users(&self, tenant: TenantId) -> StoreResult<Vec<User>> {
        deleted::list_users(&self.pools.read, tenant).await
    }
    async fn find_deleted_user(&self, tenant: TenantId, id: ObjectId) -> StoreResult<Option<User>> {
        deleted::find_user(&self.pools.read, tenant, id).await
    }
    async fn list_dynamic_groups(&self, tenant: TenantId) -> StoreResult<Vec<Group>> {
        recipients::list_dynamic_groups(&self.pools.read, tenant).await
    }

    async fn find_guest_by_home(
        &self,
        tenant: TenantId,
        issuer: &str,
        subject: &str,
    ) -> StoreResult<Option<GuestBinding>> {
        guests::find_by_home(&self.pools.read, tenant, issuer, subject).await
    }
    async fn find_binding_of_guest(
        &self,
        tenant: TenantId,
        guest: ObjectId,
    ) -> StoreResult<Option<GuestBinding>> {
        guests::find_of_guest(&self.pools.read, tenant, guest).await
    }
    async fn list_guest_tenants(
        &self,
        issuer: &str,
        subject: &str,
    ) -> StoreResult<Vec<(TenantId, GuestBinding)>> {
        guests::list_by_home(&self.pools.read, issuer, subject).await
    }
    async fn find_invitation(
        &self,
        tenant: TenantId,
        id: ObjectId,
    ) -> StoreResult<Option<Invitation>> {
        documents::find_invitation(&self.pools.read, tenant, id).await
    }

    async fn find_login_flow(
        &self,
        tenant: TenantId,
        flow_hash: &str,
    ) -> StoreResult<Option<LoginFlow>> {
        oauth::find_flow(&self.pools.read, tenant, flow_hash).await
    }
    async fn list_lockouts(&self, tenant: TenantId) -> StoreResult<Vec<LockoutState>> {
        counters::list(&self.pools.read, tenant).await
    }
    async fn is_familiar_address(
        &self,
        tenant: TenantId,
        account: LockoutAccount,
        address: &str,
    ) -> StoreResult<bool> {
        counters::is_familiar(&self.pools.read, tenant, &account, address).await
    }
    async fn find_session(
        &self,
        tenant: TenantId,
        session_hash: &str,
    ) -> StoreResult<Option<Session>> {
        oauth::find_session(&self.pools.read, tenant, session_hash).await
    }
    async fn find_authorization_code(
        &self,
        tenant: TenantId,
        code_hash: &str,
    ) -> StoreResult<Option<AuthorizationCode>> {
        oauth::find_code(&self.pools.read, tenant, code_hash).await
    }
    async fn find_refresh_token(
        &self,
        tenant: TenantId,
        token_hash: &str,
    ) -> StoreResult<Option<RefreshToken>> {
        oauth::find_refresh(&self.pools.read, tenant, token_hash).await
    }
    async fn find_device_code(
        &self,
        tenant: TenantId,
        device_code_hash: &str,
    ) -> StoreResult<Option<DeviceCode>> {
        use device_codes::DeviceKey;
        device_codes::find(
            &self.pools.read,
            tenant,
            DeviceKey::DeviceCode,
            device_code_hash,
        )
        .await
    }
    async fn find_device_code_by_user_code(
        &self,
        tenant: TenantId,
        user_code_hash: &str,
    ) -> StoreResult<Option<DeviceCode>> {
        use device_codes::DeviceKey;
        device_codes::find(
            &self.pools.read,
            tenant,
            DeviceKey::UserCode,
            user_code_hash,
        )
        .await
    }

    async fn list_outbox(
        &self,
        to: Option<&EmailAddress>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxMessage>> {
        outbox::list(&self.pools.read, to, limit).await
    }
    async fn list_undelivered(&self, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
        outbox::list_undelivered(&self.pools.read, limit).await
    }
    async fn count_undelivered(&self) -> StoreResult<u64> {
        outbox::count_undelivered(&self.pools.read).await
    }
    async fn record_delivery(&self, message: ObjectId, outcome: Delivery) -> StoreResult<()> {
        outbox::record_delivery(&self.pools.write, message, outcome).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// `/readyz` relies on `ping`: it must fail on a database without Portico's schema (what a
    /// lost in-memory database looked like), not only on one that does not answer.
    #[tokio::test]
    async fn ping_fails_on_a_database_without_the_schema() {
        let pools = backend::connect(&StoreConfig::SqliteMemory).await.unwrap();
        let bare = SqlStore {
            pools,
            group_commit: None,
            metrics: std::sync::Arc::default(),
        };
        assert!(bare.ping().await.is_err());
        backend::prepare(&bare.pools).await.unwrap();
        bare.ping().await.unwrap();
        bare.close().await;
    }
}
