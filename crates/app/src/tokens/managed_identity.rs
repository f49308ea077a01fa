//! Managed identities for local development (dev mode only, `docs/managed-identity.md`): the App Service and
//! IMDS endpoints hand out app-only tokens for configured service principals, issued by the
//! client credentials grant's own path (`App::app_only_token`: same signing, same sign-in row).

use super::errors::OAuthError;
use crate::sign_in_policy::ClientRequest;
use crate::{App, AppError};
use portico_model::application::Application;
use portico_model::tenant::Tenant;
use portico_model::{ClientId, Invalid};

/// A service principal the managed identity endpoints stand for: an application in a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedIdentity {
    /// The tenant, by id or verified domain.
    pub tenant: String,
    pub client_id: ClientId,
}

impl ManagedIdentity {
    /// `TENANT/APPID`, e.g. `contoso.com/4a4d8f4e-…`.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let wrong = || {
            Invalid::new(
                "managedIdentity",
                format!("'{text}' is not TENANT/APPID (a tenant id or domain, a slash, an app id)"),
            )
        };
        let (tenant, client_id) = text.split_once('/').ok_or_else(wrong)?;
        if tenant.is_empty() {
            return Err(wrong());
        }
        Ok(Self {
            tenant: tenant.to_owned(),
            client_id: ClientId::parse(client_id).map_err(|_| wrong())?,
        })
    }
}

/// Which configured identity a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentitySelector {
    /// No identity named: the first configured one, the "system-assigned" identity.
    SystemAssigned,
    ClientId(String),
    ObjectId(String),
    /// An Azure resource id (`…/userAssignedIdentities/<name>`): its last segment names the
    /// app by display name or app id.
    ResourceId(String),
}

impl IdentitySelector {
    fn matches(&self, app: &Application) -> bool {
        match self {
            Self::SystemAssigned => true,
            Self::ClientId(id) => id.eq_ignore_ascii_case(&app.client_id.to_string()),
            Self::ObjectId(id) => id.eq_ignore_ascii_case(&app.id.to_string()),
            Self::ResourceId(path) => {
                let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
                name.eq_ignore_ascii_case(&app.display_name)
                    || name.eq_ignore_ascii_case(&app.client_id.to_string())
            }
        }
    }
}

/// A managed identity's token, with the times both protocols report.
#[derive(Debug, Clone)]
pub struct ManagedIdentityToken {
    pub access_token: String,
    pub expires_in: i64,
    /// Seconds since the epoch.
    pub expires_on: i64,
    pub not_before: i64,
    pub client_id: ClientId,
}

#[derive(Debug)]
pub enum ManagedIdentityError {
    /// No configured identity matches the request (or its app no longer exists).
    IdentityNotFound,
    /// The token service refused (an unknown resource, say).
    Token(OAuthError),
}

impl App {
    /// The configured identity's tenant and application, when both exist.
    pub async fn find_managed_identity(
        &self,
        identity: &ManagedIdentity,
    ) -> Result<Option<(Tenant, Application)>, AppError> {
        let Some(tenant) = self.resolve_tenant(&identity.tenant).await? else {
            return Ok(None);
        };
        let app = self
            .store()
            .find_application(tenant.id, identity.client_id)
            .await?;
        Ok(app.map(|app| (tenant, app)))
    }

    /// A token for `resource` (passed on as the scope `<resource>/.default`) for the identity
    /// `selector` picks among `identities`. Dev mode only.
    pub async fn managed_identity_token(
        &self,
        identities: &[ManagedIdentity],
        selector: &IdentitySelector,
        resource: &str,
        client_request: &ClientRequest,
    ) -> Result<ManagedIdentityToken, ManagedIdentityError> {
        if !self.dev_mode() {
            return Err(ManagedIdentityError::IdentityNotFound);
        }
        let candidates = match selector {
            IdentitySelector::SystemAssigned => identities.get(..1).unwrap_or_default(),
            _ => identities,
        };
        for identity in candidates {
            let found = self
                .find_managed_identity(identity)
                .await
                .map_err(|error| {
                    tracing::error!(%error, "managed identity lookup failed");
                    ManagedIdentityError::Token(OAuthError::server_error())
                })?;
            let Some((tenant, app)) = found.filter(|(_, app)| selector.matches(app)) else {
                continue;
            };
            let now = self.now();
            let scope = format!("{resource}/.default");
            let response = self
                .app_only_token(&tenant, &app, &scope, client_request, now)
                .await
                .map_err(ManagedIdentityError::Token)?;
            self.metrics().token_issued("managed_identity");
            return Ok(ManagedIdentityToken {
                access_token: response.access_token,
                expires_in: response.expires_in,
                expires_on: now.timestamp() + response.expires_in,
                not_before: now.timestamp(),
                client_id: app.client_id,
            });
        }
        Err(ManagedIdentityError::IdentityNotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_tenant_slash_app_id() {
        let parsed =
            ManagedIdentity::parse("contoso.com/00000000-0000-0000-0000-0000000000aa").unwrap();
        assert_eq!(parsed.tenant, "contoso.com");
        assert_eq!(
            parsed.client_id.to_string(),
            "00000000-0000-0000-0000-0000000000aa"
        );
        for bad in [
            "contoso.com",
            "/00000000-0000-0000-0000-0000000000aa",
            "contoso.com/x",
        ] {
            assert_eq!(
                ManagedIdentity::parse(bad).unwrap_err().property,
                "managedIdentity"
            );
        }
    }
}
