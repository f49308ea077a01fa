//! Client authentication at the token endpoint.

use super::errors::OAuthError;
use crate::secrets::secret_matches;
use crate::sign_in::SignInAttempt;
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::application::Application;
use portico_model::tenant::Tenant;
use portico_model::ClientId;

/// What the client presented: `client_id` and, for confidential clients, `client_secret`
/// (from the form or HTTP Basic).
#[derive(Debug, Clone, Default)]
pub struct ClientCredentials {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// An authenticated client.
pub(crate) struct Client {
    pub app: Application,
    /// True when it proved a secret (`azpacr` 1).
    pub confidential: bool,
}

impl App {
    pub(crate) async fn authenticate_client(
        &self,
        tenant: &Tenant,
        credentials: &ClientCredentials,
        now: DateTime<Utc>,
    ) -> Result<Client, OAuthError> {
        let raw_id = credentials
            .client_id
            .as_deref()
            .ok_or_else(|| OAuthError::missing_parameter("client_id"))?;
        let unknown = || OAuthError::unknown_client(raw_id, &tenant.display_name);
        let client_id = ClientId::parse(raw_id).map_err(|_| unknown())?;
        let app = self
            .store()
            .find_application(tenant.id, client_id)
            .await
            .map_err(|_| OAuthError::server_error())?
            .ok_or_else(unknown)?;
        match credentials.client_secret.as_deref() {
            Some(secret) => {
                if app.public_client && app.secrets.is_empty() {
                    return Err(OAuthError::public_client_with_secret());
                }
                let valid = app
                    .secrets
                    .iter()
                    .filter(|s| s.expires_at.is_none_or(|at| now < at))
                    .any(|s| secret_matches(secret, &s.sha256_hex));
                if !valid {
                    let error = OAuthError::invalid_secret(raw_id);
                    let attempt =
                        SignInAttempt::service_principal(&app).failed(error.code, &error.message);
                    let log = self.sign_in_record(tenant.id, attempt, now);
                    self.store()
                        .apply(tenant.id, vec![log])
                        .await
                        .map_err(|_| OAuthError::server_error())?;
                    return Err(error);
                }
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
}
