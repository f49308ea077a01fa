//! Graph authorization: application permissions (`roles`) for app-only callers; delegated scopes
//! (`scp`) intersected with what the signed-in user may do — directory roles, and for guests the
//! tenant's guest access level (limited by default: no listing, a reduced view of others).

use crate::tokens::AccessTokenClaims;
use crate::App;
use portico_model::role::DirectoryRole;
use portico_model::settings::GuestAccessLevel;
use portico_model::user::{User, UserType};
use portico_model::{ObjectId, TenantId};
use portico_store::StoreError;

/// Why a Graph call failed, in Graph's terms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// 404 `Request_ResourceNotFound`, identical for foreign and missing ids.
    #[error("Resource '{0}' does not exist or one of its queried reference-property objects are not present.")]
    NotFound(String),
    /// 403 `Authorization_RequestDenied`.
    #[error("Insufficient privileges to complete the operation.")]
    Forbidden,
    /// 403 `Authorization_RequestDenied` with a reason in `innerError.code` and what to do.
    #[error("{message}")]
    Denied {
        reason: &'static str,
        message: String,
    },
    /// 400 with a Graph code (`Request_BadRequest`, `Request_UnsupportedQuery`) and an inner reason.
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        reason: Option<&'static str>,
        message: String,
    },
    /// 409: the object already exists (a key taken by an earlier create).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("internal error: {0}")]
    Internal(String),
}

impl GraphError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest {
            code: "Request_BadRequest",
            reason: None,
            message: message.into(),
        }
    }
    pub fn denied(reason: &'static str, message: impl Into<String>) -> Self {
        Self::Denied {
            reason,
            message: message.into(),
        }
    }
    pub fn with_reason(reason: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code: "Request_BadRequest",
            reason: Some(reason),
            message: message.into(),
        }
    }
}

impl From<StoreError> for GraphError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound(String::new()),
            other => Self::Internal(other.to_string()),
        }
    }
}

/// A verified Graph caller with what Portico knows about them in their tenant.
#[derive(Debug, Clone)]
pub struct Caller {
    pub claims: AccessTokenClaims,
    /// The signed-in user (delegated calls).
    pub user: Option<User>,
    pub roles: Vec<DirectoryRole>,
    pub guest_access: GuestAccessLevel,
}

/// What a caller may do with users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserVisibility {
    /// Every property of every user, and listing.
    Full,
    /// Others by id only, with the limited guest view; no listing.
    Limited,
    /// Their own object only.
    SelfOnly,
}

const READ_USERS_APP: &[&str] = &[
    "User.Read.All",
    "User.ReadWrite.All",
    "User.ReadBasic.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const READ_USERS_SCOPES: &[&str] = &[
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    "Directory.AccessAsUser.All",
];
const WRITE_USERS_APP: &[&str] = &["User.ReadWrite.All", "Directory.ReadWrite.All"];
const WRITE_USERS_SCOPES: &[&str] = &[
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
    "Directory.AccessAsUser.All",
];
const USER_ADMINS: &[DirectoryRole] = &[
    DirectoryRole::GlobalAdministrator,
    DirectoryRole::UserAdministrator,
];
const READ_GROUPS_APP: &[&str] = &[
    "Group.Read.All",
    "Group.ReadWrite.All",
    "GroupMember.Read.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const READ_GROUPS_SCOPES: &[&str] = &[
    "Group.Read.All",
    "Group.ReadWrite.All",
    "GroupMember.Read.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    "Directory.AccessAsUser.All",
];
const WRITE_GROUPS_APP: &[&str] = &[
    "Group.ReadWrite.All",
    "GroupMember.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const WRITE_GROUPS_SCOPES: &[&str] = &[
    "Group.ReadWrite.All",
    "GroupMember.ReadWrite.All",
    "Directory.ReadWrite.All",
    "Directory.AccessAsUser.All",
];

fn any(granted: &[String], wanted: &[&str]) -> bool {
    granted.iter().any(|g| wanted.contains(&g.as_str()))
}

impl Caller {
    /// Portico acting for an operator with direct access to the store (the CLI): the rights of an
    /// app holding the given Graph application permissions.
    pub fn operator(tenant: TenantId, name: &str, permissions: &[&str]) -> Self {
        let mut raw = serde_json::Map::new();
        raw.insert(
            "app_displayname".into(),
            serde_json::Value::String(name.to_owned()),
        );
        let claims = AccessTokenClaims {
            tenant,
            oid: ObjectId::from_uuid(uuid::Uuid::nil()),
            app_only: true,
            client_id: String::new(),
            roles: permissions.iter().map(|p| (*p).to_owned()).collect(),
            scopes: Vec::new(),
            raw,
        };
        Self {
            claims,
            user: None,
            roles: Vec::new(),
            guest_access: portico_model::settings::GuestAccessLevel::Limited,
        }
    }

    pub fn tenant(&self) -> TenantId {
        self.claims.tenant
    }

    pub fn is_app(&self) -> bool {
        self.claims.app_only
    }

    pub fn user_id(&self) -> Option<ObjectId> {
        self.user.as_ref().map(|u| u.id)
    }

    pub fn is_guest(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.user_type == UserType::Guest)
    }

    pub fn has_role(&self, roles: &[DirectoryRole]) -> bool {
        self.roles.iter().any(|r| roles.contains(r))
    }

    /// App permission or (delegated scope and, when `roles` is not empty, a directory role).
    pub fn allowed(&self, app: &[&str], scopes: &[&str], roles: &[DirectoryRole]) -> bool {
        if self.is_app() {
            return any(&self.claims.roles, app);
        }
        any(&self.claims.scopes, scopes) && (roles.is_empty() || self.has_role(roles))
    }

    fn require(&self, allowed: bool) -> Result<(), GraphError> {
        if allowed {
            Ok(())
        } else {
            Err(GraphError::Forbidden)
        }
    }

    /// How much of the user directory the caller sees (Graph's guest access levels).
    pub fn user_visibility(&self) -> UserVisibility {
        if self.is_app()
            || !self.is_guest()
            || self.has_role(&[
                DirectoryRole::DirectoryReaders,
                DirectoryRole::GlobalAdministrator,
                DirectoryRole::UserAdministrator,
                DirectoryRole::HelpdeskAdministrator,
            ])
        {
            return UserVisibility::Full;
        }
        match self.guest_access {
            GuestAccessLevel::SameAsMembers => UserVisibility::Full,
            GuestAccessLevel::Limited => UserVisibility::Limited,
            GuestAccessLevel::Restricted => UserVisibility::SelfOnly,
        }
    }

    pub fn require_list_users(&self) -> Result<(), GraphError> {
        self.require(
            self.allowed(READ_USERS_APP, READ_USERS_SCOPES, &[])
                && self.user_visibility() == UserVisibility::Full,
        )
    }

    /// Reading one user: self needs only `User.Read`; others need a read permission.
    pub fn require_read_user(&self, target: ObjectId) -> Result<(), GraphError> {
        if self.user_id() == Some(target)
            && any(&self.claims.scopes, &["User.Read", "User.ReadWrite"])
        {
            return Ok(());
        }
        self.require(self.allowed(READ_USERS_APP, READ_USERS_SCOPES, &[]))?;
        match self.user_visibility() {
            UserVisibility::SelfOnly if self.user_id() != Some(target) => {
                Err(GraphError::Forbidden)
            }
            _ => Ok(()),
        }
    }

    pub fn require_write_users(&self) -> Result<(), GraphError> {
        self.require(self.allowed(WRITE_USERS_APP, WRITE_USERS_SCOPES, USER_ADMINS))
    }

    pub fn require_read_groups(&self) -> Result<(), GraphError> {
        self.require(
            self.allowed(READ_GROUPS_APP, READ_GROUPS_SCOPES, &[])
                && self.user_visibility() == UserVisibility::Full,
        )
    }

    pub fn require_write_groups(&self) -> Result<(), GraphError> {
        self.require(self.allowed(WRITE_GROUPS_APP, WRITE_GROUPS_SCOPES, &[]) && !self.is_guest())
    }

    pub fn require_read_directory(&self) -> Result<(), GraphError> {
        self.require(self.allowed(
            &[
                "Directory.Read.All",
                "Directory.ReadWrite.All",
                "Organization.Read.All",
                "User.Read.All",
                "User.ReadWrite.All",
                "Application.Read.All",
                "RoleManagement.Read.Directory",
                "RoleManagement.ReadWrite.Directory",
            ],
            &[
                "User.Read",
                "Directory.Read.All",
                "Directory.ReadWrite.All",
                "Organization.Read.All",
                "Directory.AccessAsUser.All",
            ],
            &[],
        ))
    }

    pub fn require_manage_roles(&self) -> Result<(), GraphError> {
        self.require(self.allowed(
            &[
                "RoleManagement.ReadWrite.Directory",
                "Directory.ReadWrite.All",
            ],
            &[
                "RoleManagement.ReadWrite.Directory",
                "Directory.AccessAsUser.All",
            ],
            &[DirectoryRole::GlobalAdministrator],
        ))
    }

    pub fn require_read_policy(&self) -> Result<(), GraphError> {
        self.require(
            self.allowed(
                &[
                    "Policy.Read.All",
                    "Policy.ReadWrite.Authorization",
                    "Directory.Read.All",
                    "Directory.ReadWrite.All",
                ],
                &[
                    "Policy.Read.All",
                    "Policy.ReadWrite.Authorization",
                    "Directory.Read.All",
                    "Directory.AccessAsUser.All",
                ],
                &[],
            ) && !self.is_guest(),
        )
    }

    /// Cross-tenant access settings: `Policy.Read.All` or `Policy.ReadWrite.CrossTenantAccess`;
    /// delegated callers also need an administrator role.
    pub fn require_read_cross_tenant_policy(&self) -> Result<(), GraphError> {
        const READ: &[&str] = &["Policy.Read.All", "Policy.ReadWrite.CrossTenantAccess"];
        self.require(self.allowed(READ, READ, &[DirectoryRole::GlobalAdministrator]))
    }

    pub fn require_write_cross_tenant_policy(&self) -> Result<(), GraphError> {
        const WRITE: &[&str] = &["Policy.ReadWrite.CrossTenantAccess"];
        self.require(self.allowed(WRITE, WRITE, &[DirectoryRole::GlobalAdministrator]))
    }

    /// The sign-in and audit logs: `AuditLog.Read.All`; delegated callers also need a role that
    /// may read reports. Of the roles Graph accepts (Global Administrator, Global Reader, Reports
    /// Reader, Security Administrator/Operator/Reader) Portico models Global Administrator;
    /// Directory Readers is not enough.
    pub fn require_read_audit_logs(&self) -> Result<(), GraphError> {
        const READ: &[&str] = &["AuditLog.Read.All"];
        self.require(self.allowed(READ, READ, &[DirectoryRole::GlobalAdministrator]))
    }

    pub fn require_write_authorization_policy(&self) -> Result<(), GraphError> {
        self.require(self.allowed(
            &["Policy.ReadWrite.Authorization"],
            &["Policy.ReadWrite.Authorization"],
            &[DirectoryRole::GlobalAdministrator],
        ))
    }
}

impl App {
    /// Loads what Graph authorization needs about a verified caller.
    pub async fn graph_caller(&self, claims: AccessTokenClaims) -> Result<Caller, GraphError> {
        let tenant = claims.tenant;
        let settings = self.store().get_settings(tenant).await?;
        let (user, roles) = if claims.app_only {
            let roles = self.roles_of(tenant, claims.oid).await?;
            (None, roles)
        } else {
            let user = match self.store().get_user(tenant, claims.oid).await {
                Ok(user) if user.account_enabled => user,
                Ok(_) | Err(StoreError::NotFound) => return Err(GraphError::Forbidden),
                Err(other) => return Err(other.into()),
            };
            let roles = self.roles_of(tenant, user.id).await?;
            (Some(user), roles)
        };
        Ok(Caller {
            claims,
            user,
            roles,
            guest_access: settings.authorization.guest_access,
        })
    }

    async fn roles_of(
        &self,
        tenant: TenantId,
        principal: ObjectId,
    ) -> Result<Vec<DirectoryRole>, GraphError> {
        let assignments = self.store().list_role_assignments(tenant).await?;
        Ok(assignments
            .into_iter()
            .filter(|a| a.principal_id == principal)
            .map(|a| a.role)
            .collect())
    }
}
