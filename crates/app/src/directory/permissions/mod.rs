//! The permission table: every Graph operation Portico serves (`Operation`), and for each who may
//! call it (`Rule`): which application permissions, which delegated scopes held by which signed-in
//! users (directory roles, any member, the user themselves), and which guest access levels.
//! `Caller::require` applies a row; `Caller::require_target` adds what depends on the object
//! acted on (own object, groups a restricted guest belongs to, administrators of higher rank).
//! The OpenAPI's permission notes are generated from the same table (`portico-http`).

mod check;
mod consent;
mod invitations;
mod operation;
mod portal;
mod table;
mod targets;

pub use consent::{needs_admin_consent, ADMIN_CONSENT_ROLES, USER_CONSENTABLE_SCOPES};
pub use operation::Operation;
pub use targets::{may_manage, Target};

use portico_model::role::DirectoryRole;

/// Who may call one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Application permissions (`roles` claim): any one allows an app-only call. Empty: app-only
    /// calls are refused.
    pub application: &'static [&'static str],
    /// Delegated scopes (`scp` claim): the token must carry one, and the signed-in user must
    /// also be one of `users`.
    pub delegated: &'static [&'static str],
    /// Delegated scopes that allow the call on the signed-in user's own object only, without
    /// sensitive properties (`User.Read` for reading oneself).
    pub own: &'static [&'static str],
    /// Which signed-in users may use a delegated scope.
    pub users: Users,
    /// Guests without a role of `users`: which guest access levels may call it.
    pub guests: Guests,
}

/// The signed-in users a delegated call is allowed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Users {
    /// Every member (Entra's default user permissions); guests as `Rule::guests` says.
    Members,
    /// Holders of one of these directory roles (members or guests).
    Roles(&'static [DirectoryRole]),
    /// The signed-in user acting on themselves (`/me`): every user, guests included; an app-only
    /// token is a 400, as in Graph.
    Me,
}

/// What guests without an administrator role may do (Entra's default guest permissions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guests {
    /// Never.
    Never,
    /// Only when guests have the same access as members (enumerating lists, roles, policies).
    SameAsMembers,
    /// Limited guests: an object by id (users in the limited view, any group); restricted
    /// guests: their own object and the groups they belong to.
    ById,
    /// Every level (their own object, the organization's name and domains, inviting).
    Always,
}

/// Directory roles that see the directory as a member does, whatever the guest access level.
pub const DIRECTORY_READER_ROLES: &[DirectoryRole] = &[
    DirectoryRole::GlobalAdministrator,
    DirectoryRole::UserAdministrator,
    DirectoryRole::HelpdeskAdministrator,
    DirectoryRole::DirectoryReaders,
];
/// Roles that manage users, groups and invitations (Entra's Groups Administrator is not
/// modelled; Portico's groups are never role-assignable, so User Administrator manages them).
pub const USER_ADMIN_ROLES: &[DirectoryRole] = &[
    DirectoryRole::GlobalAdministrator,
    DirectoryRole::UserAdministrator,
];
/// Roles for policies, logs, risk, terms of use and role assignment. Entra's narrower roles
/// (Security, Conditional Access, Privileged Role, Reports Reader …) are not modelled; Global
/// Administrator stands for them.
pub const GLOBAL_ADMIN_ROLES: &[DirectoryRole] = &[DirectoryRole::GlobalAdministrator];
/// Roles that manage app registrations, service principals and their credentials, and grant
/// consent for the organization (Entra's Application and Cloud Application Administrator).
pub const APP_ADMIN_ROLES: &[DirectoryRole] = &[
    DirectoryRole::GlobalAdministrator,
    DirectoryRole::ApplicationAdministrator,
    DirectoryRole::CloudApplicationAdministrator,
];

/// How far a caller got through an operation's row: everything, or only some targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every object the operation names.
    All,
    /// The signed-in user's own object, non-sensitive properties only (an `own` scope).
    Own,
    /// A limited guest: objects by id.
    LimitedGuest,
    /// A restricted guest: their own object and their groups.
    RestrictedGuest,
}
