//! The portal's app registration: one per tenant, created with the tenant from the seed, so an
//! administrator signs in to the portal through the tenant's own sign-in (authorization code +
//! PKCE), as Entra's admin center is an application of each tenant.

use chrono::{DateTime, Utc};
use portico_model::application::{Application, RedirectUri, RedirectUriError};
use portico_model::{ClientId, ObjectId, TenantId};
use uuid::Uuid;

pub const PORTAL_APP_NAME: &str = "Portico Portal";

/// The delegated scopes the portal asks for: it acts as the signed-in administrator, with exactly
/// the rights their roles give them (the permission table decides every call). Like Entra's
/// admin center, it is consented for everything an administrator does there.
pub const PORTAL_SCOPES: &[&str] = &[
    "Directory.AccessAsUser.All",
    "AuditLog.Read.All",
    "Policy.Read.All",
    "Policy.ReadWrite.Authorization",
    "Policy.ReadWrite.CrossTenantAccess",
    "Policy.ReadWrite.ConditionalAccess",
    "IdentityRiskyUser.ReadWrite.All",
    "Agreement.ReadWrite.All",
];

/// The portal's client id in `tenant`: derived from the tenant id, the same on every start.
pub fn portal_client_id(tenant: TenantId) -> ClientId {
    ClientId::from_uuid(Uuid::new_v5(tenant.as_uuid(), b"portico-portal"))
}

/// The registration: a public client (PKCE, no secret) whose only redirect URI is the portal's
/// callback; its configured scopes count as consented by the tenant's administrator.
pub fn portal_application(
    tenant: TenantId,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Application, RedirectUriError> {
    let callback = format!("{}/portal/callback", public_url.trim_end_matches('/'));
    Ok(Application {
        id: ObjectId::from_uuid(Uuid::new_v5(tenant.as_uuid(), b"app:portico-portal")),
        client_id: portal_client_id(tenant),
        display_name: PORTAL_APP_NAME.to_owned(),
        redirect_uris: vec![RedirectUri::parse(&callback)?],
        public_client: true,
        assignment_required: false,
        allow_password_grant: false,
        graph_app_permissions: PORTAL_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
        secrets: Vec::new(),
        key_credentials: Vec::new(),
        registration: Default::default(),
        created_at: now,
    })
}
