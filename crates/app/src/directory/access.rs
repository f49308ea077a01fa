//! Graph callers and errors: who is calling (`Caller`, loaded by `App::graph_caller`) and how a
//! call fails (`GraphError`). What a caller may do is the permission table's
//! (`directory/permissions/`).

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
    /// 400 `Request_BadRequest`: a value breaks a rule; the property is named.
    #[error(transparent)]
    Invalid(#[from] portico_model::Invalid),
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

    /// Whether an app-only caller holds one of these application permissions.
    pub fn has_app_permission(&self, permissions: &[&str]) -> bool {
        self.is_app()
            && self
                .claims
                .roles
                .iter()
                .any(|r| permissions.contains(&r.as_str()))
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

    pub(crate) async fn roles_of(
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
