//! Consent for delegated Graph scopes (docs/graph.md, Consent): scopes a user may consent to are
//! granted; the others need admin consent — the application's registration lists them (an
//! administrator consented for the organization), or the signed-in user may grant it.

use super::errors::OAuthError;
use crate::directory::permissions::{needs_admin_consent, ADMIN_CONSENT_ROLES};
use crate::App;
use portico_model::application::Application;
use portico_model::user::User;
use portico_model::TenantId;

impl App {
    /// Refuses a token whose scopes need admin consent nobody gave (AADSTS65001).
    pub(crate) async fn check_admin_consent(
        &self,
        tenant: TenantId,
        app: &Application,
        user: &User,
        granted: &[String],
    ) -> Result<(), OAuthError> {
        let missing: Vec<&str> = granted
            .iter()
            .map(String::as_str)
            .filter(|scope| needs_admin_consent(scope))
            .filter(|scope| !app.graph_app_permissions.iter().any(|p| p == scope))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let roles = self
            .roles_of(tenant, user.id)
            .await
            .map_err(|_| OAuthError::server_error())?;
        if roles.iter().any(|role| ADMIN_CONSENT_ROLES.contains(role)) {
            return Ok(());
        }
        Err(OAuthError::consent_required(
            &app.client_id.to_string(),
            &app.display_name,
            &missing,
        ))
    }
}
