//! Writes as data: a use case builds a list of [`Write`]s and [`crate::Store::apply`] commits them
//! in one transaction. This keeps every multi-row change (user + invitation + audit + mail) atomic
//! without leaking transactions out of the store.

use chrono::{DateTime, Utc};
use portico_model::application::Application;
use portico_model::conditional_access::{
    ConditionalAccessPolicy, NamedLocation, TermsAcceptance, TermsOfUse,
};
use portico_model::cross_tenant::PartnerConfiguration;
use portico_model::group::{Group, MailContact};
use portico_model::invitation::{GuestBinding, Invitation};
use portico_model::lockout::{LockoutAccount, LockoutKey};
use portico_model::logs::{AuditRecord, SignInRecord};
use portico_model::mail::OutboxMessage;
use portico_model::oauth::{
    AuthorizationCode, DeviceApproval, DeviceCode, DeviceCodeStatus, LoginFlow, RefreshToken,
    Session,
};
use portico_model::risk::RiskyUser;
use portico_model::role::RoleAssignment;
use portico_model::settings::TenantSettings;
use portico_model::signing_key::SigningKey;
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::{ObjectId, TenantId};

pub use crate::user_changes::UserChanges;

/// One change to one tenant's data.
#[derive(Debug, Clone)]
pub enum Write {
    /// Creates the tenant the batch is for, with its domains and settings.
    CreateTenant(Tenant, TenantSettings),
    PutSettings(TenantSettings),
    InsertUser(User),
    /// Replaces a user's stored fields (`NotFound` if absent). Prefer [`Write::PatchUser`] after
    /// a read: this undoes whatever changed since.
    UpdateUser(User),
    /// Sets only the given properties of a user (`NotFound` if absent), keeping concurrent
    /// changes to the others.
    PatchUser {
        id: ObjectId,
        changes: UserChanges,
    },
    /// Deletes a user for good (with its memberships, assignments and sponsorships).
    DeleteUser(ObjectId),
    /// Graph's `DELETE /users/{id}`: moves the user, with its memberships, app assignments and
    /// sponsorships, into the deleted items (`NotFound` if absent).
    SoftDeleteUser {
        id: ObjectId,
        at: DateTime<Utc>,
    },
    /// Restores a deleted user with the same id and what it belonged to; `NotFound` if it is not
    /// among the deleted items, `Conflict` when its UPN or a proxy address was taken since.
    RestoreDeletedUser(ObjectId),
    /// Deletes a deleted item for good (`NotFound` if absent).
    PurgeDeletedObject(ObjectId),
    InsertGroup(Group),
    /// Sets a group's name, description, kind and rule (`NotFound` if absent).
    UpdateGroup(Group),
    /// Replaces a group's stored members: a paused dynamic group's frozen membership.
    SetGroupMembers {
        group: ObjectId,
        members: Vec<ObjectId>,
    },
    DeleteGroup(ObjectId),
    AddGroupMember {
        group: ObjectId,
        member: ObjectId,
    },
    /// A user or group of the tenant becomes `user`'s sponsor (`Conflict` when it already is).
    AddSponsor {
        user: ObjectId,
        sponsor: ObjectId,
    },
    /// `NotFound` when `sponsor` is not one of `user`'s sponsors.
    RemoveSponsor {
        user: ObjectId,
        sponsor: ObjectId,
    },
    RemoveGroupMember {
        group: ObjectId,
        member: ObjectId,
    },
    InsertContact(MailContact),
    UpdateContact(MailContact),
    DeleteContact(ObjectId),
    InsertApplication(Application),
    UpdateApplication(Application),
    AssignApplication {
        app: ObjectId,
        principal: ObjectId,
    },
    /// Deletes an application with its assignments, the app roles and grants it holds or gives;
    /// `NotFound` when there is none.
    DeleteApplication(ObjectId),
    /// `Conflict::ObjectId` when the principal already has that role of the resource.
    InsertAppRoleAssignment(portico_model::app_registration::AppRoleAssignment),
    DeleteAppRoleAssignment(ObjectId),
    /// Inserts a delegated permission grant or replaces the one with its id.
    PutPermissionGrant(portico_model::app_registration::PermissionGrant),
    DeletePermissionGrant(ObjectId),
    AssignRole(RoleAssignment),
    RemoveRole(RoleAssignment),
    PutPartner(PartnerConfiguration),
    /// Adds a partner entry; `Conflict::ObjectId` when the tenant already has one.
    InsertPartner(PartnerConfiguration),
    /// Replaces an existing partner entry; `NotFound` when there is none (it was deleted).
    UpdatePartner(PartnerConfiguration),
    DeletePartner(TenantId),
    PutConditionalAccessPolicy(ConditionalAccessPolicy),
    DeleteConditionalAccessPolicy(ObjectId),
    PutNamedLocation(NamedLocation),
    DeleteNamedLocation(ObjectId),
    PutTermsOfUse(TermsOfUse),
    DeleteTermsOfUse(ObjectId),
    /// Records an acceptance once; accepting again keeps the first time.
    AcceptTerms(TermsAcceptance),
    PutRiskyUser(RiskyUser),
    InsertInvitation(Invitation),
    UpdateInvitation(Invitation),
    /// Single use: marks a pending invitation completed; `Conflict::Precondition` if it was not pending.
    RedeemInvitation {
        id: ObjectId,
        at: DateTime<Utc>,
    },
    /// Binds a guest to a home account; `Conflict::Precondition` if another guest has it.
    PutGuestBinding(GuestBinding),
    DeleteGuestBinding {
        guest_id: ObjectId,
    },
    InsertSignIn(SignInRecord),
    Audit(AuditRecord),
    InsertSigningKey(SigningKey),
    RetireSigningKey {
        kid: String,
        retire_at: DateTime<Utc>,
    },
    EnqueueMail(OutboxMessage),
    /// A new sign-in flow (at `/authorize` or a redeem link).
    InsertLoginFlow(LoginFlow),
    /// The next step of a flow in progress; `NotFound` once the flow has ended, so a late request
    /// cannot recreate a finished (or concurrently ended) sign-in.
    UpdateLoginFlow(LoginFlow),
    DeleteLoginFlow {
        flow_hash: String,
    },
    /// Claims one attempt of a sign-in flow before its code is checked; `Conflict::Precondition`
    /// once `max` are used or the flow has ended. Parallel claims never exceed `max`.
    ClaimFlowAttempt {
        flow_hash: String,
        max: u32,
    },
    /// Smart lockout: claims one credential check before it runs; `Conflict::Precondition` while
    /// the counter is locked. The claim that reaches the threshold locks it from `now` for a
    /// period that grows with each lockout.
    ClaimCredentialCheck {
        key: LockoutKey,
        now: DateTime<Utc>,
    },
    /// The credential was right: gives its claim back.
    RefundCredentialCheck {
        key: LockoutKey,
    },
    /// Clears an account's counter for one location class, or both (`None`: an administrator).
    ClearLockout {
        account: LockoutAccount,
        familiar: Option<bool>,
    },
    /// Remembers an address the account signed in from successfully (a familiar location); the
    /// account keeps its newest `FAMILIAR_ADDRESSES_PER_ACCOUNT`, none older than
    /// `FAMILIAR_ADDRESS_DAYS`.
    RecordFamiliarAddress {
        account: LockoutAccount,
        address: String,
        at: DateTime<Utc>,
    },
    /// Accepts a TOTP code's time step for a user: `Conflict::Precondition` unless `step` is
    /// later than every step accepted before, so one code works once across parallel sign-ins.
    ClaimTotpStep {
        user_id: ObjectId,
        step: u64,
    },
    /// Counts one use of a rate-limited action in a fixed window of `window_seconds` that starts
    /// at its first use; `Conflict::Precondition` when the window's `max` uses are spent.
    ClaimQuota {
        key: String,
        now: DateTime<Utc>,
        window_seconds: i64,
        max: u32,
    },
    PutSession(Session),
    DeleteSession {
        session_hash: String,
    },
    InsertAuthorizationCode(AuthorizationCode),
    /// Single use: fails with `Conflict::Precondition` when the code was already redeemed.
    RedeemAuthorizationCode {
        code_hash: String,
        at: DateTime<Utc>,
    },
    InsertRefreshToken(RefreshToken),
    /// A new device code, pending (`Conflict` if its user code is taken in the tenant).
    InsertDeviceCode(DeviceCode),
    /// Moves a device code on: `Conflict::Precondition` unless it is still at `from` (pending
    /// → approved with `approval`, or declined; approved → redeemed: single use).
    SettleDeviceCode {
        device_code_hash: String,
        from: DeviceCodeStatus,
        to: DeviceCodeStatus,
        approval: Option<DeviceApproval>,
    },
    /// One poll of a device code at `at`: `Conflict::Precondition` when the last poll was after
    /// `not_before` (the device polls faster than its interval).
    PollDeviceCode {
        device_code_hash: String,
        at: DateTime<Utc>,
        not_before: DateTime<Utc>,
    },
    /// Single use: fails with `Conflict::Precondition` when already rotated or revoked.
    RotateRefreshToken {
        token_hash: String,
        at: DateTime<Utc>,
    },
    RevokeTokenFamily {
        family_id: ObjectId,
        at: DateTime<Utc>,
    },
    /// Revokes every refresh token and session of a user (disable, delete, password reset).
    RevokeUserTokens {
        user_id: ObjectId,
        at: DateTime<Utc>,
    },
}

/// The writes for one tenant, as [`crate::Store::reset`] takes them.
#[derive(Debug, Clone)]
pub struct TenantBatch {
    pub tenant: TenantId,
    pub writes: Vec<Write>,
}
