//! Access tokens for APIs registered in the tenant (issue #16): `aud`, `iss` and `ver` as Entra
//! sets them from the API's `requestedAccessTokenVersion`, `roles` from app role assignments,
//! `scp` from delegated permission grants, and the consent a user gives at sign-in.

use super::client::Client;
use super::errors::OAuthError;
use super::issue::{graph_scopes, NotGraph, Signed, Subject, GRAPH_AUDIENCE, OIDC_SCOPES};
use super::resource::{Requested, Resource};
use crate::directory::permissions::APP_ADMIN_ROLES;
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::app_registration::{ConsentType, GrantConsent, PermissionGrant};
use portico_model::application::Application;
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::ObjectId;
use portico_store::Write;

fn server_error<E: std::fmt::Display>(error: E) -> OAuthError {
    tracing::error!(%error, "API token request failed");
    OAuthError::server_error()
}

/// `aud` and token version for `api` as the request named it: v2.0 tokens carry the app id,
/// v1.0 tokens the identifier URI (or app id) the request used.
pub(crate) fn api_audience(api: &Application, named: &str) -> (String, u8) {
    match api.registration.token_version() {
        2 => (api.client_id.to_string(), 2),
        // The identifier URI as registered (`https://management.azure.com/` keeps its slash).
        _ => {
            let registered = api
                .registration
                .identifier_uris
                .iter()
                .find(|u| u.trim_end_matches('/').eq_ignore_ascii_case(named));
            (registered.map_or(named, String::as_str).to_owned(), 1)
        }
    }
}

impl App {
    /// The values of `api`'s enabled app roles assigned to any of `principals`.
    pub(crate) async fn assigned_roles(
        &self,
        tenant: &Tenant,
        api: &Application,
        principals: &[ObjectId],
    ) -> Result<Vec<String>, OAuthError> {
        let assignments = self
            .store()
            .list_app_role_assignments(tenant.id)
            .await
            .map_err(server_error)?;
        let mut roles: Vec<String> = Vec::new();
        for assignment in assignments
            .iter()
            .filter(|a| a.resource_id == api.id && principals.contains(&a.principal_id))
        {
            let role = api
                .registration
                .app_roles
                .iter()
                .find(|r| r.id == assignment.app_role_id && r.is_enabled);
            if let Some(value) = role.and_then(|r| r.value.clone()) {
                if !roles.contains(&value) {
                    roles.push(value);
                }
            }
        }
        Ok(roles)
    }

    /// The delegated scopes of `api` this client may use for `user`: those granted (admin
    /// consent for everyone, or the user's own). Scopes not yet granted are consented to here
    /// when the user may (a `User` scope, or an administrator of applications), recorded as the
    /// user's grant in `writes`; otherwise AADSTS65001.
    pub(crate) async fn api_consent(
        &self,
        tenant: &Tenant,
        client: &Client,
        user: &User,
        (requested, may_consent): (&Requested, bool),
        api: &Application,
        writes: &mut Vec<Write>,
    ) -> Result<Vec<String>, OAuthError> {
        if super::resource::is_built_in(api) {
            // Microsoft's APIs: their user scopes are consented for everyone.
            return self.wanted_scopes(client, requested, api, &["user_impersonation"]);
        }
        let grants: Vec<PermissionGrant> = self
            .store()
            .list_permission_grants(tenant.id)
            .await
            .map_err(server_error)?
            .into_iter()
            .filter(|g| g.client_id == client.app.id && g.resource_id == api.id)
            .filter(|g| g.covers(user.id))
            .collect();
        let granted: Vec<&str> = grants.iter().flat_map(|g| g.scopes()).collect();
        let wanted = self.wanted_scopes(client, requested, api, &granted)?;
        let missing: Vec<&str> = wanted
            .iter()
            .map(String::as_str)
            .filter(|s| !granted.contains(s))
            .collect();
        if !may_consent && !missing.is_empty() {
            // No one to ask (on-behalf-of): consent must have been given before.
            return Err(OAuthError::consent_required(
                &client.app.client_id.to_string(),
                &client.app.display_name,
                &missing,
            ));
        }
        if wanted.is_empty() || !missing.is_empty() {
            self.consent_now(tenant, client, user, api, &grants, &missing, writes)
                .await?;
        }
        Ok(wanted)
    }

    /// The scope values a request wants: those named, or for `.default` what is granted and
    /// what the client's registration asks for. Each must be one the API exposes.
    fn wanted_scopes(
        &self,
        client: &Client,
        requested: &Requested,
        api: &Application,
        granted: &[&str],
    ) -> Result<Vec<String>, OAuthError> {
        let exposed = |value: &str| {
            api.registration
                .scopes
                .iter()
                .find(|s| s.is_enabled && s.value == value)
        };
        let mut wanted: Vec<String> = Vec::new();
        let mut add = |value: &str| {
            if !wanted.iter().any(|w| w == value) {
                wanted.push(value.to_owned());
            }
        };
        if requested.is_default() {
            granted
                .iter()
                .copied()
                .filter(|g| exposed(g).is_some())
                .for_each(&mut add);
            let configured = client
                .app
                .registration
                .required_resource_access
                .iter()
                .filter(|r| {
                    r.resource_app_id
                        .eq_ignore_ascii_case(&api.client_id.to_string())
                })
                .flat_map(|r| r.resource_access.iter())
                .filter(|a| a.kind == "Scope");
            for access in configured {
                if let Some(scope) = api.registration.scopes.iter().find(|s| s.id == access.id) {
                    add(&scope.value);
                }
            }
            return Ok(wanted);
        }
        for permission in &requested.permissions {
            if exposed(permission).is_none() {
                return Err(OAuthError::scope_not_on_resource(
                    &client.app.display_name,
                    permission,
                    &api.client_id.to_string(),
                ));
            }
            add(permission);
        }
        Ok(wanted)
    }

    /// Records the user's consent to `missing` (extending their grant), or refuses with
    /// AADSTS65001 when a scope needs an administrator's consent the user may not give.
    #[allow(clippy::too_many_arguments)]
    async fn consent_now(
        &self,
        tenant: &Tenant,
        client: &Client,
        user: &User,
        api: &Application,
        grants: &[PermissionGrant],
        missing: &[&str],
        writes: &mut Vec<Write>,
    ) -> Result<(), OAuthError> {
        let refuse = || {
            OAuthError::consent_required(
                &client.app.client_id.to_string(),
                &client.app.display_name,
                missing,
            )
        };
        if missing.is_empty() {
            return Err(refuse());
        }
        let roles = self
            .roles_of(tenant.id, user.id)
            .await
            .map_err(server_error)?;
        let administrator = roles.iter().any(|r| APP_ADMIN_ROLES.contains(r));
        let user_may = missing.iter().all(|value| {
            api.registration
                .scopes
                .iter()
                .any(|s| s.value == *value && s.consent_type == ConsentType::User)
        });
        let settings = self
            .store()
            .get_settings(tenant.id)
            .await
            .map_err(server_error)?;
        if !(administrator || user_may && settings.authorization.allow_user_consent) {
            return Err(refuse());
        }
        let own = grants
            .iter()
            .find(|g| g.consent == GrantConsent::Principal(user.id));
        let mut scope: Vec<&str> = own.map(|g| g.scopes().collect()).unwrap_or_default();
        scope.extend(missing.iter().copied());
        writes.push(Write::PutPermissionGrant(PermissionGrant {
            id: own.map_or_else(|| self.random().object_id(), |g| g.id),
            client_id: client.app.id,
            consent: GrantConsent::Principal(user.id),
            resource_id: api.id,
            scope: scope.join(" "),
        }));
        Ok(())
    }
}

/// The `scope` a token answer names: the granted permissions under the resource's name, then
/// the OpenID Connect scopes asked.
pub(crate) fn scope_text(resource: &str, granted: &[String], scopes: &[String]) -> String {
    let mut scope: Vec<String> = granted.iter().map(|s| format!("{resource}/{s}")).collect();
    scope.extend(
        scopes
            .iter()
            .filter(|s| OIDC_SCOPES.contains(&s.as_str()))
            .cloned(),
    );
    scope.join(" ")
}

impl App {
    /// The delegated access token for the resource `scopes` name, and the `scope` to answer:
    /// Graph's permissions (admin consent as `consent.rs` checks it) or an API's granted scopes.
    pub(crate) async fn delegated_access(
        &self,
        tenant: &Tenant,
        client: &Client,
        subject: &Subject<'_>,
        (scopes, may_consent): (&[String], bool),
        now: DateTime<Utc>,
        writes: &mut Vec<Write>,
    ) -> Result<(Signed, String), OAuthError> {
        let requested = self.resolve_resource(tenant, scopes).await?;
        let user = subject.user;
        match &requested.resource {
            Resource::Graph => {
                let granted = graph_scopes(scopes).map_err(|NotGraph(scope)| {
                    OAuthError::unknown_resource(&scope, &tenant.display_name)
                })?;
                self.check_admin_consent(tenant.id, &client.app, user, &granted)
                    .await?;
                let access = self
                    .user_access_token(subject, &granted, client.confidential, now)
                    .await
                    .map_err(server_error)?;
                Ok((access, scope_text(GRAPH_AUDIENCE, &granted, scopes)))
            }
            Resource::Api(api) => {
                let granted = self
                    .api_consent(tenant, client, user, (&requested, may_consent), api, writes)
                    .await?;
                let roles = self.assigned_roles(tenant, api, &[user.id]).await?;
                let (audience, version) = api_audience(api, &requested.named);
                let access = self
                    .user_api_token(
                        subject,
                        (&audience, version),
                        (&granted, &roles),
                        client.confidential,
                        now,
                    )
                    .await?;
                Ok((access, scope_text(&requested.named, &granted, scopes)))
            }
        }
    }
}
