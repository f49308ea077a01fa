//! The table itself: one row per operation. Permission names and least-privileged lists follow
//! Graph's API reference; roles follow Entra's built-in roles that Portico models; guest rules
//! follow Entra's default user permissions (docs/graph.md, Permissions).

use super::{
    Guests, Operation, Rule, Users, APP_ADMIN_ROLES, GLOBAL_ADMIN_ROLES, USER_ADMIN_ROLES,
};

const AS_USER: &str = "Directory.AccessAsUser.All";

const USERS_READ_APP: &[&str] = &[
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const USERS_READ: &[&str] = &[
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const USERS_WRITE_APP: &[&str] = &["User.ReadWrite.All", "Directory.ReadWrite.All"];
const USERS_WRITE: &[&str] = &["User.ReadWrite.All", "Directory.ReadWrite.All", AS_USER];
/// Reading deleted users (`/directory/deletedItems`), as Graph's reference lists it.
const DELETED_READ_APP: &[&str] = &[
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const DELETED_READ: &[&str] = &[
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
/// Restoring and permanently deleting users: `User.DeleteRestore.All` is the least privileged.
const USERS_RESTORE_APP: &[&str] = &[
    "User.DeleteRestore.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const USERS_RESTORE: &[&str] = &[
    "User.DeleteRestore.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
/// `revokeSignInSessions`: `User.RevokeSessions.All` is the least privileged.
const REVOKE_SESSIONS_APP: &[&str] = &[
    "User.RevokeSessions.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const REVOKE_SESSIONS: &[&str] = &[
    "User.RevokeSessions.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const SELF_READ: &[&str] = &["User.Read", "User.ReadWrite"];
const SELF_WRITE: &[&str] = &["User.ReadWrite", "User.ReadWrite.All"];
const ME: &[&str] = &[
    "User.Read",
    "User.ReadWrite",
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const CHANGE_PASSWORD: &[&str] = &["User.ReadWrite", "User.ReadWrite.All", AS_USER];
const INVITE_APP: &[&str] = &[
    "User.Invite.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const INVITE: &[&str] = &[
    "User.Invite.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const GROUPS_READ_APP: &[&str] = &[
    "Group.Read.All",
    "Group.ReadWrite.All",
    "GroupMember.Read.All",
    "GroupMember.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const GROUPS_READ: &[&str] = &[
    "Group.Read.All",
    "Group.ReadWrite.All",
    "GroupMember.Read.All",
    "GroupMember.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const GROUP_CREATE_APP: &[&str] = &[
    "Group.Create",
    "Group.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const GROUP_CREATE: &[&str] = &[
    "Group.Create",
    "Group.ReadWrite.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const GROUP_DELETE_APP: &[&str] = &["Group.ReadWrite.All", "Directory.ReadWrite.All"];
const GROUP_DELETE: &[&str] = &["Group.ReadWrite.All", "Directory.ReadWrite.All", AS_USER];
const MEMBERS_WRITE_APP: &[&str] = &[
    "GroupMember.ReadWrite.All",
    "Group.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const MEMBERS_WRITE: &[&str] = &[
    "GroupMember.ReadWrite.All",
    "Group.ReadWrite.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const CONTACTS_READ_APP: &[&str] = &[
    "OrgContact.Read.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const CONTACTS_READ: &[&str] = &[
    "OrgContact.Read.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const ORGANIZATION_APP: &[&str] = &[
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const ORGANIZATION: &[&str] = &[
    "User.Read",
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const DOMAINS_APP: &[&str] = &[
    "Domain.Read.All",
    "Domain.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const DOMAINS: &[&str] = &[
    "Domain.Read.All",
    "Domain.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const ROLES_READ_APP: &[&str] = &[
    "RoleManagement.Read.Directory",
    "RoleManagement.ReadWrite.Directory",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const ROLES_READ: &[&str] = &[
    "RoleManagement.Read.Directory",
    "RoleManagement.ReadWrite.Directory",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const ROLES_WRITE_APP: &[&str] = &[
    "RoleManagement.ReadWrite.Directory",
    "Directory.ReadWrite.All",
];
const ROLES_WRITE: &[&str] = &["RoleManagement.ReadWrite.Directory", AS_USER];
const APPS_READ_APP: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const APPS_READ: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const ASSIGNMENTS_READ_APP: &[&str] = &[
    "Application.Read.All",
    "AppRoleAssignment.ReadWrite.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const ASSIGNMENTS_READ: &[&str] = &[
    "Application.Read.All",
    "AppRoleAssignment.ReadWrite.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const ASSIGN_APP_APP: &[&str] = &[
    "AppRoleAssignment.ReadWrite.All",
    "Application.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const ASSIGN_APP: &[&str] = &["AppRoleAssignment.ReadWrite.All", AS_USER];
const APPS_WRITE_APP: &[&str] = &["Application.ReadWrite.All", "Directory.ReadWrite.All"];
const APPS_WRITE: &[&str] = &[
    "Application.ReadWrite.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const GRANTS_READ_APP: &[&str] = &[
    "DelegatedPermissionGrant.Read.All",
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const GRANTS_READ: &[&str] = &[
    "DelegatedPermissionGrant.Read.All",
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const GRANTS_WRITE_APP: &[&str] = &[
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const GRANTS_WRITE: &[&str] = &[
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const AUTHORIZATION_READ: &[&str] = &[
    "Policy.Read.All",
    "Policy.ReadWrite.Authorization",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const AUTHORIZATION_READ_DELEGATED: &[&str] = &[
    "Policy.Read.All",
    "Policy.ReadWrite.Authorization",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    AS_USER,
];
const AUTHORIZATION_WRITE: &[&str] = &["Policy.ReadWrite.Authorization"];
const CONDITIONAL_ACCESS_READ: &[&str] = &["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"];
const CONDITIONAL_ACCESS_WRITE: &[&str] = &["Policy.ReadWrite.ConditionalAccess"];
const SECURITY_DEFAULTS_READ: &[&str] = &[
    "Policy.Read.All",
    "Policy.ReadWrite.ConditionalAccess",
    "Directory.ReadWrite.All",
];
const CROSS_TENANT_READ: &[&str] = &["Policy.Read.All", "Policy.ReadWrite.CrossTenantAccess"];
const CROSS_TENANT_WRITE: &[&str] = &["Policy.ReadWrite.CrossTenantAccess"];
const RISK_READ: &[&str] = &[
    "IdentityRiskyUser.Read.All",
    "IdentityRiskyUser.ReadWrite.All",
];
const RISK_WRITE: &[&str] = &["IdentityRiskyUser.ReadWrite.All"];
const AGREEMENTS_READ: &[&str] = &["Agreement.Read.All", "Agreement.ReadWrite.All"];
const AGREEMENTS_WRITE: &[&str] = &["Agreement.ReadWrite.All"];
const AUDIT_LOGS: &[&str] = &["AuditLog.Read.All"];

/// Application permissions and delegated scopes are the same list, for one set of roles.
const fn admins(permissions: &'static [&'static str]) -> Rule {
    Rule {
        application: permissions,
        delegated: permissions,
        own: &[],
        users: Users::Roles(GLOBAL_ADMIN_ROLES),
        guests: Guests::Never,
    }
}

const fn user_admins(
    application: &'static [&'static str],
    delegated: &'static [&'static str],
) -> Rule {
    Rule {
        application,
        delegated,
        own: &[],
        users: Users::Roles(USER_ADMIN_ROLES),
        guests: Guests::Never,
    }
}

const fn members(
    application: &'static [&'static str],
    delegated: &'static [&'static str],
    guests: Guests,
) -> Rule {
    Rule {
        application,
        delegated,
        own: &[],
        users: Users::Members,
        guests,
    }
}

/// Application, Cloud Application and Global Administrators.
const fn app_admins(
    application: &'static [&'static str],
    delegated: &'static [&'static str],
) -> Rule {
    Rule {
        application,
        delegated,
        own: &[],
        users: Users::Roles(APP_ADMIN_ROLES),
        guests: Guests::Never,
    }
}

const fn me(delegated: &'static [&'static str]) -> Rule {
    Rule {
        application: &[],
        delegated,
        own: &[],
        users: Users::Me,
        guests: Guests::Always,
    }
}

impl Operation {
    /// Who may call this operation.
    pub fn rule(self) -> Rule {
        use Guests::{Always, ById, Never, SameAsMembers};
        use Operation::*;
        // A listing: guests list what members may, when guests may read the directory at all.
        let listing = |app, delegated| members(app, delegated, SameAsMembers);
        if let Some(rule) = self.app_rule() {
            return rule;
        }
        match self {
            ListUsers | CountUsers | ListRecipients => listing(USERS_READ_APP, USERS_READ),
            GetUser | ListSponsors => Rule {
                own: SELF_READ,
                ..members(USERS_READ_APP, USERS_READ, ById)
            },
            CreateUser | DeleteUser | ClearLockout | CreateContact | UpdateRecipient
            | AddSponsor | RemoveSponsor => user_admins(USERS_WRITE_APP, USERS_WRITE),
            UpdateUser => Rule {
                own: SELF_WRITE,
                ..user_admins(USERS_WRITE_APP, USERS_WRITE)
            },
            ListDeletedUsers | GetDeletedItem => user_admins(DELETED_READ_APP, DELETED_READ),
            RestoreDeletedItem | PurgeDeletedItem => user_admins(USERS_RESTORE_APP, USERS_RESTORE),
            RevokeSignInSessions => user_admins(REVOKE_SESSIONS_APP, REVOKE_SESSIONS),
            GetMe => me(ME),
            ChangeOwnPassword => me(CHANGE_PASSWORD),
            Invite => members(INVITE_APP, INVITE, Always),
            ListSignIns | GetSignIn | ListBetaSignIns | GetBetaSignIn | ListDirectoryAudits
            | GetDirectoryAudit | ReadMauReport | ReadSignInActivity => admins(AUDIT_LOGS),
            ListGroups => members(GROUPS_READ_APP, GROUPS_READ, SameAsMembers),
            GetGroup | ListGroupMembers => members(GROUPS_READ_APP, GROUPS_READ, ById),
            CreateGroup => members(GROUP_CREATE_APP, GROUP_CREATE, Never),
            UpdateGroup | DeleteGroup => user_admins(GROUP_DELETE_APP, GROUP_DELETE),
            AddGroupMember | RemoveGroupMember => user_admins(MEMBERS_WRITE_APP, MEMBERS_WRITE),
            ListContacts => members(CONTACTS_READ_APP, CONTACTS_READ, SameAsMembers),
            GetContact => members(CONTACTS_READ_APP, CONTACTS_READ, ById),
            GetOrganization | GetOrganizationById => {
                members(ORGANIZATION_APP, ORGANIZATION, Always)
            }
            ListDomains => members(DOMAINS_APP, DOMAINS, Always),
            ListDirectoryRoles | ListDirectoryRoleMembers => listing(ROLES_READ_APP, ROLES_READ),
            AssignDirectoryRole => Rule {
                users: Users::Roles(GLOBAL_ADMIN_ROLES),
                ..user_admins(ROLES_WRITE_APP, ROLES_WRITE)
            },
            ListApplications | ListServicePrincipals => listing(APPS_READ_APP, APPS_READ),
            ListAppRoleAssignments => listing(ASSIGNMENTS_READ_APP, ASSIGNMENTS_READ),
            GetAuthorizationPolicy => {
                members(AUTHORIZATION_READ, AUTHORIZATION_READ_DELEGATED, Never)
            }
            UpdateAuthorizationPolicy => admins(AUTHORIZATION_WRITE),
            GetSecurityDefaults => admins(SECURITY_DEFAULTS_READ),
            UpdateSecurityDefaults => admins(CONDITIONAL_ACCESS_WRITE),
            GetCrossTenantPolicy
            | GetCrossTenantDefault
            | ListCrossTenantPartners
            | GetCrossTenantPartner => admins(CROSS_TENANT_READ),
            UpdateCrossTenantPolicy
            | UpdateCrossTenantDefault
            | ResetCrossTenantDefault
            | CreateCrossTenantPartner
            | UpdateCrossTenantPartner
            | DeleteCrossTenantPartner => admins(CROSS_TENANT_WRITE),
            ListConditionalAccessPolicies
            | GetConditionalAccessPolicy
            | ListNamedLocations
            | GetNamedLocation => admins(CONDITIONAL_ACCESS_READ),
            CreateConditionalAccessPolicy
            | UpdateConditionalAccessPolicy
            | DeleteConditionalAccessPolicy
            | CreateNamedLocation
            | UpdateNamedLocation
            | DeleteNamedLocation => admins(CONDITIONAL_ACCESS_WRITE),
            ListRiskyUsers | GetRiskyUser => admins(RISK_READ),
            ConfirmCompromised | DismissRisk => admins(RISK_WRITE),
            ListAgreements | GetAgreement => admins(AGREEMENTS_READ),
            CreateAgreement | DeleteAgreement => admins(AGREEMENTS_WRITE),
            // Registrations, service principals and their grants: `app_rule`.
            _ => admins(&[]),
        }
    }

    /// Who may read and manage app registrations, service principals and their grants.
    fn app_rule(self) -> Option<Rule> {
        use Guests::ById;
        use Operation::*;
        let listing = |app, delegated| members(app, delegated, Guests::SameAsMembers);
        Some(match self {
            GetApplication
            | GetServicePrincipal
            | ListFederatedCredentials
            | ListServicePrincipalAppRoles => members(APPS_READ_APP, APPS_READ, ById),
            CreateApplication
            | UpdateApplication
            | DeleteApplication
            | AddApplicationPassword
            | RemoveApplicationPassword
            | CreateFederatedCredential
            | DeleteFederatedCredential
            | CreateServicePrincipal
            | UpdateServicePrincipal
            | DeleteServicePrincipal => app_admins(APPS_WRITE_APP, APPS_WRITE),
            AssignApp | RemoveAppRoleAssignment => app_admins(ASSIGN_APP_APP, ASSIGN_APP),
            ListPermissionGrants => listing(GRANTS_READ_APP, GRANTS_READ),
            CreatePermissionGrant | UpdatePermissionGrant | DeletePermissionGrant => {
                app_admins(GRANTS_WRITE_APP, GRANTS_WRITE)
            }
            _ => return None,
        })
    }
}
