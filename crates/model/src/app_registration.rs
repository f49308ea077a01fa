//! What an application registration declares beyond sign-in (issue #16): the API it exposes
//! (identifier URIs, delegated scopes, app roles, the access token version), the permissions it
//! asks for, redirect URIs per platform, federated credentials and who may sign in; and the two
//! kinds of grants made to it — app role assignments and delegated permission grants.

use crate::redirect::RedirectUri;
use crate::ObjectId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Graph's `signInAudience`: accounts of this tenant only, or of any Entra tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SignInAudience {
    #[default]
    AzureADMyOrg,
    AzureADMultipleOrgs,
}

impl SignInAudience {
    pub fn name(self) -> &'static str {
        match self {
            Self::AzureADMyOrg => "AzureADMyOrg",
            Self::AzureADMultipleOrgs => "AzureADMultipleOrgs",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::AzureADMyOrg, Self::AzureADMultipleOrgs]
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }
}

/// Who may consent to a delegated scope: any user (`User`) or only an administrator (`Admin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ConsentType {
    #[default]
    User,
    Admin,
}

/// One delegated permission the API exposes (Graph's `permissionScope`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionScope {
    pub id: Uuid,
    pub value: String,
    pub consent_type: ConsentType,
    pub admin_consent_display_name: Option<String>,
    pub admin_consent_description: Option<String>,
    pub user_consent_display_name: Option<String>,
    pub user_consent_description: Option<String>,
    pub is_enabled: bool,
}

/// One app role the API defines; `allowed_member_types` holds `User` and/or `Application`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRole {
    pub id: Uuid,
    pub value: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub allowed_member_types: Vec<String>,
    pub is_enabled: bool,
}

impl AppRole {
    pub fn allows_applications(&self) -> bool {
        self.allowed_member_types.iter().any(|t| t == "Application")
    }
}

/// One permission the application asks for on a resource (Graph's `resourceAccess`): `kind` is
/// `Scope` (delegated) or `Role` (application).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceAccess {
    pub id: Uuid,
    pub kind: String,
}

/// The permissions asked for on one resource, named by its `appId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredResourceAccess {
    pub resource_app_id: String,
    pub resource_access: Vec<ResourceAccess>,
}

/// Workload identity federation: a token from `issuer` about `subject`, with one of `audiences`,
/// authenticates the application (a client assertion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FederatedCredential {
    pub id: ObjectId,
    pub name: String,
    pub issuer: String,
    pub subject: String,
    pub audiences: Vec<String>,
    pub description: Option<String>,
}

/// The registration's API and platform settings (stored as one document beside the columns).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Registration {
    pub sign_in_audience: SignInAudience,
    pub identifier_uris: Vec<String>,
    pub scopes: Vec<PermissionScope>,
    pub app_roles: Vec<AppRole>,
    /// `api.requestedAccessTokenVersion`: 2 for v2.0 tokens; `None` or 1 for v1.0 tokens, as in
    /// Entra.
    pub requested_access_token_version: Option<u8>,
    pub required_resource_access: Vec<RequiredResourceAccess>,
    /// Of the application's redirect URIs, those of the `spa` and `publicClient` platforms (the
    /// rest are `web`).
    pub spa_redirect_uris: Vec<RedirectUri>,
    pub public_client_redirect_uris: Vec<RedirectUri>,
    pub federated_credentials: Vec<FederatedCredential>,
    /// An application created through Graph has no service principal until
    /// `POST /servicePrincipals` (registrations from seeds have one from the start).
    pub without_service_principal: bool,
    /// Set on the service principal of another tenant's multi-tenant application: that tenant
    /// holds the registration and its credentials.
    pub home_tenant: Option<crate::TenantId>,
}

impl Registration {
    /// The token version the API asks for: 2, or 1 (Entra's default when unset).
    pub fn token_version(&self) -> u8 {
        match self.requested_access_token_version {
            Some(2) => 2,
            _ => 1,
        }
    }
}

/// What a principal was assigned to: a user, a group, or a service principal (app-only roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrincipalType {
    User,
    Group,
    ServicePrincipal,
}

impl PrincipalType {
    pub fn name(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Group => "Group",
            Self::ServicePrincipal => "ServicePrincipal",
        }
    }
}

/// An app role of `resource_id` (a service principal) granted to a principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRoleAssignment {
    pub id: ObjectId,
    pub app_role_id: Uuid,
    pub principal_id: ObjectId,
    pub principal_type: PrincipalType,
    pub principal_display_name: String,
    pub resource_id: ObjectId,
    pub created_at: DateTime<Utc>,
}

/// Whether a delegated grant is for every user (admin consent) or one user (user consent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantConsent {
    AllPrincipals,
    Principal(ObjectId),
}

/// Graph's `oAuth2PermissionGrant`: delegated scopes of `resource_id` the client
/// (`client_id`, a service principal) may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionGrant {
    pub id: ObjectId,
    pub client_id: ObjectId,
    pub consent: GrantConsent,
    pub resource_id: ObjectId,
    /// Space-separated scope values.
    pub scope: String,
}

impl PermissionGrant {
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split(' ').filter(|s| !s.is_empty())
    }

    /// Whether this grant applies when `user` signs in.
    pub fn covers(&self, user: ObjectId) -> bool {
        match self.consent {
            GrantConsent::AllPrincipals => true,
            GrantConsent::Principal(id) => id == user,
        }
    }
}
