//! Portico's storage: the [`Store`] trait, the only way the rest of Portico reads or writes data.
//!
//! One implementation, [`SqlStore`], serves both real backends through sqlx: SQLite (embedded, the
//! default; a file in the data directory or in memory) and PostgreSQL (the scale-out store). What
//! differs between them — connection set-up, migrations, error codes — lives in `sql/backend.rs`;
//! the SQL itself is shared. `tests/conformance.rs` runs the same suite on both.
//!
//! Invariants:
//! - every tenant-scoped method takes the [`TenantId`] first, and every query filters on it;
//! - writes go through [`Store::apply`]: one call, one transaction, all or nothing;
//! - proxy addresses are unique across a tenant's users, groups and contacts (enforced by a key);
//! - no SQL and no sqlx type leaves this crate: callers see model types and [`StoreError`].

mod error;
pub mod metrics;
pub mod records;
mod sql;
mod user_changes;
mod write;

pub use error::{Conflict, StoreError};
pub use portico_odata;
pub use sql::{Backend, SqlStore, StoreConfig};
pub use write::{TenantBatch, UserChanges, Write};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
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

pub type StoreResult<T> = Result<T, StoreError>;

/// A page request: objects ordered by id, strictly after `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub after: Option<ObjectId>,
    pub limit: u32,
}

impl Page {
    pub fn first(limit: u32) -> Self {
        Self { after: None, limit }
    }
}

/// A filtered, ordered page of a directory collection (users, groups, contacts). The filter is a
/// checked OData tree; the store compiles it to SQL with the evaluator's semantics.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryQuery {
    pub filter: Option<portico_odata::Expr>,
    /// Canonical property names; empty means id order.
    pub order_by: Vec<(String, portico_odata::Direction)>,
    pub start: Start,
    pub limit: u32,
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Id order: strictly after this id (`None`: from the beginning).
    AfterId(Option<ObjectId>),
    /// Any order: skip this many rows.
    Offset(u64),
}

/// Where a page of a log continues: strictly after this entry, in the page's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogPosition {
    pub at: DateTime<Utc>,
    pub id: ObjectId,
}

/// A filtered page of a log (sign-ins, audit records), ordered by time then id: newest first
/// unless `oldest_first`. The filter is a checked tree over `portico_odata::SIGN_IN_BETA` (the superset) or
/// `portico_odata::DIRECTORY_AUDIT`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogQuery {
    pub filter: Option<portico_odata::Expr>,
    pub oldest_first: bool,
    pub after: Option<LogPosition>,
    pub limit: u32,
}

/// Everything Portico persists. Reads named `get_` fail with [`StoreError::NotFound`]; `find_`
/// return an `Option`; `list_` return what exists (possibly nothing).
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which backend this is, for logs and diagnostics.
    fn backend(&self) -> Backend;
    /// Succeeds when the database answers with Portico's schema (a real table is read).
    async fn ping(&self) -> StoreResult<()>;

    /// Applies `writes` to `tenant` in one transaction: all of them or none.
    async fn apply(&self, tenant: TenantId, writes: Vec<Write>) -> StoreResult<()>;
    /// Deletes every row of every tenant and applies `batches`, in one transaction.
    async fn reset(&self, batches: Vec<TenantBatch>) -> StoreResult<()>;

    // Tenants and settings.
    async fn list_tenants(&self) -> StoreResult<Vec<Tenant>>;
    async fn find_tenant(&self, tenant: TenantId) -> StoreResult<Option<Tenant>>;
    async fn find_tenant_by_domain(&self, domain: &DomainName) -> StoreResult<Option<Tenant>>;
    async fn get_settings(&self, tenant: TenantId) -> StoreResult<TenantSettings>;

    // Users.
    async fn get_user(&self, tenant: TenantId, id: ObjectId) -> StoreResult<User>;
    async fn find_user_by_upn(&self, tenant: TenantId, upn: &Upn) -> StoreResult<Option<User>>;
    /// Users answering to `address` by UPN, mail, otherMails or proxy address.
    async fn list_users_by_address(
        &self,
        tenant: TenantId,
        address: &EmailAddress,
    ) -> StoreResult<Vec<User>>;
    async fn list_users(&self, tenant: TenantId, page: Page) -> StoreResult<Vec<User>>;
    async fn query_users(&self, tenant: TenantId, query: &DirectoryQuery)
        -> StoreResult<Vec<User>>;
    async fn count_users(
        &self,
        tenant: TenantId,
        filter: Option<&portico_odata::Expr>,
    ) -> StoreResult<u64>;
    async fn query_groups(
        &self,
        tenant: TenantId,
        query: &DirectoryQuery,
    ) -> StoreResult<Vec<Group>>;
    async fn count_groups(
        &self,
        tenant: TenantId,
        filter: Option<&portico_odata::Expr>,
    ) -> StoreResult<u64>;
    async fn query_contacts(
        &self,
        tenant: TenantId,
        query: &DirectoryQuery,
    ) -> StoreResult<Vec<MailContact>>;
    async fn count_contacts(
        &self,
        tenant: TenantId,
        filter: Option<&portico_odata::Expr>,
    ) -> StoreResult<u64>;

    // Groups, contacts and the recipients that share the proxy-address space.
    async fn get_group(&self, tenant: TenantId, id: ObjectId) -> StoreResult<Group>;
    async fn list_groups(&self, tenant: TenantId, page: Page) -> StoreResult<Vec<Group>>;
    async fn list_group_members(
        &self,
        tenant: TenantId,
        group: ObjectId,
    ) -> StoreResult<Vec<ObjectId>>;
    async fn list_groups_of(
        &self,
        tenant: TenantId,
        member: ObjectId,
    ) -> StoreResult<Vec<ObjectId>>;
    /// A user's sponsors (users and groups), by id.
    async fn list_sponsors(&self, tenant: TenantId, user: ObjectId) -> StoreResult<Vec<ObjectId>>;
    async fn get_contact(&self, tenant: TenantId, id: ObjectId) -> StoreResult<MailContact>;
    async fn list_contacts(&self, tenant: TenantId, page: Page) -> StoreResult<Vec<MailContact>>;
    /// Which recipient holds `address` as a proxy address, if any.
    async fn find_proxy_owner(
        &self,
        tenant: TenantId,
        address: &EmailAddress,
    ) -> StoreResult<Option<(RecipientKind, ObjectId)>>;
    /// Groups whose mail or proxy addresses include `address`.
    async fn list_groups_by_address(
        &self,
        tenant: TenantId,
        address: &EmailAddress,
    ) -> StoreResult<Vec<Group>>;

    // Applications and roles.
    async fn find_application(
        &self,
        tenant: TenantId,
        client_id: ClientId,
    ) -> StoreResult<Option<Application>>;
    async fn list_applications(&self, tenant: TenantId) -> StoreResult<Vec<Application>>;
    async fn list_app_assignments(
        &self,
        tenant: TenantId,
        app: ObjectId,
    ) -> StoreResult<Vec<ObjectId>>;
    async fn list_role_assignments(&self, tenant: TenantId) -> StoreResult<Vec<RoleAssignment>>;
    /// App roles granted to users, groups and service principals, every resource of the tenant.
    async fn list_app_role_assignments(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<portico_model::app_registration::AppRoleAssignment>>;
    /// Delegated permission grants (`oauth2PermissionGrants`) of the tenant.
    async fn list_permission_grants(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<portico_model::app_registration::PermissionGrant>>;

    // Policies.
    async fn list_partner_configurations(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<PartnerConfiguration>>;
    async fn find_partner_configuration(
        &self,
        tenant: TenantId,
        partner: TenantId,
    ) -> StoreResult<Option<PartnerConfiguration>>;
    async fn list_conditional_access_policies(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<ConditionalAccessPolicy>>;
    async fn list_named_locations(&self, tenant: TenantId) -> StoreResult<Vec<NamedLocation>>;
    async fn list_terms_of_use(&self, tenant: TenantId) -> StoreResult<Vec<TermsOfUse>>;
    async fn find_risky_user(
        &self,
        tenant: TenantId,
        user: ObjectId,
    ) -> StoreResult<Option<RiskyUser>>;
    async fn list_risky_users(&self, tenant: TenantId) -> StoreResult<Vec<RiskyUser>>;
    async fn list_terms_acceptances(
        &self,
        tenant: TenantId,
        user: ObjectId,
    ) -> StoreResult<Vec<TermsAcceptance>>;

    // Invitations, logs and keys.
    async fn find_invitation_by_ticket(
        &self,
        tenant: TenantId,
        ticket_sha256_hex: &str,
    ) -> StoreResult<Option<Invitation>>;
    async fn list_invitations_for_user(
        &self,
        tenant: TenantId,
        user: ObjectId,
    ) -> StoreResult<Vec<Invitation>>;
    /// Newest first.
    async fn list_sign_ins(&self, tenant: TenantId, limit: u32) -> StoreResult<Vec<SignInRecord>>;
    /// Newest first.
    async fn list_audit_records(
        &self,
        tenant: TenantId,
        limit: u32,
    ) -> StoreResult<Vec<AuditRecord>>;
    async fn list_signing_keys(&self, tenant: TenantId) -> StoreResult<Vec<SigningKey>>;

    // The log APIs (`/auditLogs/signIns`, `/auditLogs/directoryAudits`).
    async fn query_sign_ins(
        &self,
        tenant: TenantId,
        query: &LogQuery,
    ) -> StoreResult<Vec<SignInRecord>>;
    async fn find_sign_in(
        &self,
        tenant: TenantId,
        id: ObjectId,
    ) -> StoreResult<Option<SignInRecord>>;
    async fn query_audit_records(
        &self,
        tenant: TenantId,
        query: &LogQuery,
    ) -> StoreResult<Vec<AuditRecord>>;
    async fn find_audit_record(
        &self,
        tenant: TenantId,
        id: ObjectId,
    ) -> StoreResult<Option<AuditRecord>>;

    // Monthly active guests (`docs/decisions.md` 17), recorded with each sign-in row and kept when
    // the log is purged.
    /// Distinct guests with at least one successful sign-in in `tenant` (as the resource) during
    /// `month` (UTC).
    async fn count_monthly_active_guests(&self, tenant: TenantId, month: Month)
        -> StoreResult<u64>;
    /// The same count for each month from `first` to `last` inclusive, oldest first; months
    /// without any active guest are left out.
    async fn list_monthly_active_guests(
        &self,
        tenant: TenantId,
        first: Month,
        last: Month,
    ) -> StoreResult<Vec<(Month, u64)>>;

    // Log retention: each call deletes at most `limit` rows, oldest first, and says how many.
    async fn purge_sign_ins(
        &self,
        tenant: TenantId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<u64>;
    async fn purge_audit_records(
        &self,
        tenant: TenantId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<u64>;
    /// Familiar addresses last seen before `before` (past the familiarity window).
    async fn purge_familiar_addresses(
        &self,
        tenant: TenantId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<u64>;

    /// Deleted items (soft-deleted users) deleted before `before`: past their 30 days.
    async fn purge_deleted_objects(
        &self,
        tenant: TenantId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<u64>;

    // Deleted items (Graph `/directory/deletedItems`): users as they were, with `deleted_at`.
    /// Most recently deleted first.
    async fn list_deleted_users(&self, tenant: TenantId) -> StoreResult<Vec<User>>;
    async fn find_deleted_user(&self, tenant: TenantId, id: ObjectId) -> StoreResult<Option<User>>;
    /// Groups whose members come from a membership rule.
    async fn list_dynamic_groups(&self, tenant: TenantId) -> StoreResult<Vec<Group>>;

    // Guests and their home accounts.
    async fn find_guest_by_home(
        &self,
        tenant: TenantId,
        issuer: &str,
        subject: &str,
    ) -> StoreResult<Option<GuestBinding>>;
    async fn find_binding_of_guest(
        &self,
        tenant: TenantId,
        guest: ObjectId,
    ) -> StoreResult<Option<GuestBinding>>;
    /// Every tenant where this home account has a guest (not tenant-scoped: it is the home view).
    async fn list_guest_tenants(
        &self,
        issuer: &str,
        subject: &str,
    ) -> StoreResult<Vec<(TenantId, GuestBinding)>>;
    async fn find_invitation(
        &self,
        tenant: TenantId,
        id: ObjectId,
    ) -> StoreResult<Option<Invitation>>;

    // Token-service state, found by the SHA-256 of the secret the client holds.
    async fn find_login_flow(
        &self,
        tenant: TenantId,
        flow_hash: &str,
    ) -> StoreResult<Option<LoginFlow>>;
    /// Smart lockout counters of the tenant (locked or not), by account.
    async fn list_lockouts(&self, tenant: TenantId) -> StoreResult<Vec<LockoutState>>;
    /// Whether `account` has signed in successfully from `address` before.
    async fn is_familiar_address(
        &self,
        tenant: TenantId,
        account: LockoutAccount,
        address: &str,
    ) -> StoreResult<bool>;
    async fn find_session(
        &self,
        tenant: TenantId,
        session_hash: &str,
    ) -> StoreResult<Option<Session>>;
    async fn find_authorization_code(
        &self,
        tenant: TenantId,
        code_hash: &str,
    ) -> StoreResult<Option<AuthorizationCode>>;
    async fn find_refresh_token(
        &self,
        tenant: TenantId,
        token_hash: &str,
    ) -> StoreResult<Option<RefreshToken>>;
    /// A device code by the SHA-256 of the device code (the device's poll).
    async fn find_device_code(
        &self,
        tenant: TenantId,
        device_code_hash: &str,
    ) -> StoreResult<Option<DeviceCode>>;
    /// A device code by the SHA-256 of its normalised user code (the verification page).
    async fn find_device_code_by_user_code(
        &self,
        tenant: TenantId,
        user_code_hash: &str,
    ) -> StoreResult<Option<DeviceCode>>;

    // The outbox (not tenant-scoped: it is the server's mail queue, read by the control API).
    /// Newest first; only messages to or cc `to` when given.
    async fn list_outbox(
        &self,
        to: Option<&EmailAddress>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxMessage>>;
    /// Oldest first, not yet delivered.
    async fn list_undelivered(&self, limit: u32) -> StoreResult<Vec<OutboxMessage>>;
    /// How many messages wait for delivery (the queue's depth, for metrics).
    async fn count_undelivered(&self) -> StoreResult<u64>;
    /// Counts an attempt; a delivered message keeps its envelope and loses its body
    /// ([`OutboxMessage::purge_body`]).
    async fn record_delivery(&self, message: ObjectId, outcome: Delivery) -> StoreResult<()>;
}

/// The result of one delivery attempt for an outbox message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Delivered { at: DateTime<Utc> },
    Failed { error: String },
}
