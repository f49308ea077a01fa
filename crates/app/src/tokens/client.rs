//! Client authentication at the token endpoint.

use super::errors::OAuthError;
use super::lockout::Claim;
use crate::secrets::secret_matches;
use crate::sign_in::SignInAttempt;
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::application::Application;
use portico_model::lockout::LockoutAccount;
use portico_model::tenant::Tenant;
use portico_model::ClientId;
use portico_store::Write;

/// What the client presented: `client_id` and, for confidential clients, `client_secret`
/// (from the form or HTTP Basic).
#[derive(Debug, Clone, Default)]
pub struct ClientCredentials {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// `private_key_jwt`: the signed assertion and its type.
    pub client_assertion: Option<String>,
    pub client_assertion_type: Option<String>,
}

/// An authenticated client.
pub(crate) struct Client {
    pub app: Application,
    /// True when it proved a secret (`azpacr` 1).
    pub confidential: bool,
}

impl App {
    /// The client's application or service principal here, with the credentials it
    /// authenticates by (a multi-tenant application's are its home registration's).
    async fn registered_client(
        &self,
        tenant: &Tenant,
        raw_id: &str,
    ) -> Result<Application, OAuthError> {
        let unknown = || OAuthError::unknown_client(raw_id, &tenant.display_name);
        let client_id = ClientId::parse(raw_id).map_err(|_| unknown())?;
        let app = self
            .store()
            .find_application(tenant.id, client_id)
            .await
            .map_err(|_| OAuthError::server_error())?
            .ok_or_else(unknown)
            .and_then(|app| with_service_principal(app, raw_id))?;
        self.with_home_credentials(app)
            .await
            .map_err(|_| OAuthError::server_error())
    }

    pub(crate) async fn authenticate_client(
        &self,
        tenant: &Tenant,
        credentials: &ClientCredentials,
        ip: Option<std::net::IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Client, OAuthError> {
        let raw_id = credentials
            .client_id
            .as_deref()
            .ok_or_else(|| OAuthError::missing_parameter("client_id"))?;
        let app = self.registered_client(tenant, raw_id).await?;
        if let Some(assertion) = credentials.client_assertion.as_deref() {
            let kind = credentials.client_assertion_type.as_deref();
            return self
                .assertion_client(tenant, app, kind, assertion, now)
                .await;
        }
        match credentials.client_secret.as_deref() {
            Some(secret) => {
                if app.public_client && app.secrets.is_empty() {
                    return Err(OAuthError::public_client_with_secret());
                }
                // Smart lockout, per application: claimed before the secret is checked.
                let account = LockoutAccount::Application(app.client_id);
                let claim = self.claim_check(tenant.id, account, ip).await;
                let key = match claim.map_err(|_| OAuthError::server_error())? {
                    Claim::Granted(key) => key,
                    Claim::Locked => {
                        let error = OAuthError::client_locked();
                        self.log_client_failure(tenant, &app, &error, now).await?;
                        return Err(error);
                    }
                };
                let valid = app
                    .secrets
                    .iter()
                    .filter(|s| s.expires_at.is_none_or(|at| now < at))
                    .any(|s| secret_matches(secret, &s.sha256_hex));
                if !valid {
                    let error = OAuthError::invalid_secret(raw_id);
                    self.log_client_failure(tenant, &app, &error, now).await?;
                    return Err(error);
                }
                // The secret is right: the counter starts again, the address is familiar.
                let mut cleared = vec![Write::ClearLockout {
                    account,
                    familiar: Some(key.familiar),
                }];
                if let (false, Some(ip)) = (key.familiar, ip) {
                    cleared.push(Write::RecordFamiliarAddress {
                        account,
                        address: ip.to_string(),
                        at: now,
                    });
                }
                self.store()
                    .apply(tenant.id, cleared)
                    .await
                    .map_err(|_| OAuthError::server_error())?;
                Ok(Client {
                    app,
                    confidential: true,
                })
            }
            None if app.public_client => Ok(Client {
                app,
                confidential: false,
            }),
            None => Err(OAuthError::secret_required()),
        }
    }

    pub(super) async fn log_client_failure(
        &self,
        tenant: &Tenant,
        app: &Application,
        error: &OAuthError,
        now: DateTime<Utc>,
    ) -> Result<(), OAuthError> {
        let attempt = SignInAttempt::service_principal(app).failed(error.code, &error.message);
        let log = self.sign_in_record(tenant.id, attempt, now);
        self.store()
            .apply(tenant.id, vec![log])
            .await
            .map_err(|_| OAuthError::server_error())
    }
}

/// A registration created through Graph authenticates no client until its service principal
/// exists (AADSTS7000229).
fn with_service_principal(app: Application, raw_id: &str) -> Result<Application, OAuthError> {
    match app.registration.without_service_principal {
        true => Err(OAuthError::missing_service_principal(raw_id)),
        false => Ok(app),
    }
}
