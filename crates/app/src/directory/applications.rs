//! Graph's `/applications` (issue #16): registrations created, read, changed and deleted through
//! the permission table, with their API (identifier URIs, scopes, app roles, token version),
//! platforms, password and certificate credentials and federated identity credentials.

use super::{Caller, GraphError, Operation};
use crate::tokens::certificate::read_certificate;
use crate::App;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use portico_model::app_registration::{
    AppRole, FederatedCredential, PermissionScope, RequiredResourceAccess, SignInAudience,
};
use portico_model::application::{Application, ClientSecret, KeyCredential, RedirectUri};
use portico_model::tenant::Tenant;
use portico_model::{invalid, ClientId, Invalid, ObjectId};
use portico_store::Write;

/// A certificate as a `keyCredentials` entry gives it.
#[derive(Debug, Clone, Default)]
pub struct NewKeyCredential {
    pub key: String,
    pub display_name: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

/// A create or `PATCH` body of `/applications`: `None` leaves a property as it is.
#[derive(Debug, Clone, Default)]
pub struct ApplicationChanges {
    pub display_name: Option<String>,
    pub sign_in_audience: Option<String>,
    pub identifier_uris: Option<Vec<String>>,
    pub scopes: Option<Vec<PermissionScope>>,
    pub app_roles: Option<Vec<AppRole>>,
    /// `Some(None)`: set to null (v1.0 tokens).
    pub requested_access_token_version: Option<Option<u8>>,
    pub required_resource_access: Option<Vec<RequiredResourceAccess>>,
    pub web_redirect_uris: Option<Vec<String>>,
    pub spa_redirect_uris: Option<Vec<String>>,
    pub public_client_redirect_uris: Option<Vec<String>>,
    pub is_fallback_public_client: Option<bool>,
    pub key_credentials: Option<Vec<NewKeyCredential>>,
}

/// A password credential just added: the stored credential and the secret, shown once.
#[derive(Debug, Clone)]
pub struct AddedPassword {
    pub credential: ClientSecret,
    pub start: DateTime<Utc>,
    pub secret_text: String,
}

/// An identifier URI Entra accepts: `api://…`, or https on a verified domain of the tenant.
pub(crate) fn check_identifier_uri<'a>(
    mut domains: impl Iterator<Item = &'a str>,
    uri: &str,
) -> Result<(), Invalid> {
    let refuse = || {
        invalid!(
            "identifierUris",
            "Values of identifierUris property must use a verified domain of the organization or its subdomain: '{uri}'"
        )
    };
    if let Some(rest) = uri.strip_prefix("api://") {
        return match rest.is_empty() || rest.contains(char::is_whitespace) {
            true => Err(refuse()),
            false => Ok(()),
        };
    }
    let url = url::Url::parse(uri).map_err(|_| refuse())?;
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let verified = domains.any(|d| {
        let domain = d.to_ascii_lowercase();
        host == domain || host.ends_with(&format!(".{domain}"))
    });
    match url.scheme() == "https" && verified {
        true => Ok(()),
        false => Err(refuse()),
    }
}

fn redirect_uris(property: &str, uris: &[String]) -> Result<Vec<RedirectUri>, Invalid> {
    uris.iter()
        .map(|uri| RedirectUri::parse(uri).map_err(|e| invalid!(property, "{e}")))
        .collect()
}

/// Scope and app role values: unique, non-empty, without spaces, not starting with a dot.
fn check_values<'a>(
    property: &str,
    values: impl Iterator<Item = (&'a uuid::Uuid, Option<&'a str>)>,
) -> Result<(), Invalid> {
    let mut ids = Vec::new();
    let mut seen = Vec::new();
    for (id, value) in values {
        if ids.contains(id) {
            return Err(invalid!(
                property,
                "The id '{id}' is used twice in '{property}'."
            ));
        }
        ids.push(*id);
        let Some(value) = value else { continue };
        if value.is_empty() || value.starts_with('.') || value.contains(char::is_whitespace) {
            return Err(invalid!(property, "The value '{value}' is not valid: it must not be empty, start with '.' or contain spaces."));
        }
        if seen.iter().any(|s: &&str| s.eq_ignore_ascii_case(value)) {
            return Err(invalid!(
                property,
                "The value '{value}' is used twice in '{property}'."
            ));
        }
        seen.push(value);
    }
    Ok(())
}

/// App roles: unique ids and values, members `User` and/or `Application`.
fn check_roles(roles: &[AppRole]) -> Result<(), Invalid> {
    check_values(
        "appRoles",
        roles.iter().map(|r| (&r.id, r.value.as_deref())),
    )?;
    let member_types = ["User", "Application"];
    match roles.iter().find(|r| {
        r.allowed_member_types.is_empty()
            || r.allowed_member_types
                .iter()
                .any(|t| !member_types.contains(&t.as_str()))
    }) {
        Some(role) => Err(invalid!(
            "appRoles",
            "The app role '{}' must allow 'User' and/or 'Application' members.",
            role.id
        )),
        None => Ok(()),
    }
}

/// Applies `changes` to `app` (the tenant's domains decide identifier URIs).
fn apply_changes(
    app: &mut Application,
    tenant: &Tenant,
    changes: ApplicationChanges,
    now: DateTime<Utc>,
    new_key_id: &mut dyn FnMut() -> ObjectId,
) -> Result<(), Invalid> {
    let registration = &mut app.registration;
    if let Some(name) = changes.display_name {
        if name.trim().is_empty() {
            return Err(invalid!(
                "displayName",
                "The displayName must not be empty."
            ));
        }
        app.display_name = name;
    }
    if let Some(audience) = changes.sign_in_audience {
        registration.sign_in_audience = SignInAudience::parse(&audience).ok_or_else(|| {
            invalid!("signInAudience", "Portico supports signInAudience AzureADMyOrg and AzureADMultipleOrgs, not '{audience}'.")
        })?;
    }
    if let Some(uris) = changes.identifier_uris {
        for uri in &uris {
            check_identifier_uri(tenant.domains().map(|d| d.as_str()), uri)?;
        }
        registration.identifier_uris = uris;
    }
    if let Some(scopes) = changes.scopes {
        check_values(
            "api.oauth2PermissionScopes",
            scopes.iter().map(|s| (&s.id, Some(s.value.as_str()))),
        )?;
        registration.scopes = scopes;
    }
    if let Some(roles) = changes.app_roles {
        check_roles(&roles)?;
        registration.app_roles = roles;
    }
    if let Some(version) = changes.requested_access_token_version {
        if version.is_some_and(|v| v != 1 && v != 2) {
            return Err(invalid!(
                "api.requestedAccessTokenVersion",
                "The requestedAccessTokenVersion must be 1, 2 or null."
            ));
        }
        registration.requested_access_token_version = version;
    }
    if let Some(access) = changes.required_resource_access {
        registration.required_resource_access = access;
    }
    apply_platforms(
        app,
        &changes.web_redirect_uris,
        &changes.spa_redirect_uris,
        &changes.public_client_redirect_uris,
    )?;
    if let Some(public) = changes.is_fallback_public_client {
        app.public_client = public;
    }
    if let Some(keys) = changes.key_credentials {
        app.key_credentials = keys
            .into_iter()
            .map(|key| key_credential(key, now, new_key_id()))
            .collect::<Result<_, _>>()?;
    }
    Ok(())
}

/// Redirect URIs per platform: the application keeps their union (what `/authorize` matches)
/// and the registration which are `spa` and `publicClient`.
fn apply_platforms(
    app: &mut Application,
    web: &Option<Vec<String>>,
    spa: &Option<Vec<String>>,
    public: &Option<Vec<String>>,
) -> Result<(), Invalid> {
    if web.is_none() && spa.is_none() && public.is_none() {
        return Ok(());
    }
    let registration = &app.registration;
    let current_web: Vec<RedirectUri> = app
        .redirect_uris
        .iter()
        .filter(|u| !registration.spa_redirect_uris.contains(u))
        .filter(|u| !registration.public_client_redirect_uris.contains(u))
        .cloned()
        .collect();
    let web = match web {
        Some(uris) => redirect_uris("web.redirectUris", uris)?,
        None => current_web,
    };
    let spa = match spa {
        Some(uris) => redirect_uris("spa.redirectUris", uris)?,
        None => registration.spa_redirect_uris.clone(),
    };
    let public = match public {
        Some(uris) => redirect_uris("publicClient.redirectUris", uris)?,
        None => registration.public_client_redirect_uris.clone(),
    };
    let mut all = web;
    for uri in spa.iter().chain(public.iter()) {
        if !all.contains(uri) {
            all.push(uri.clone());
        }
    }
    app.redirect_uris = all;
    app.registration.spa_redirect_uris = spa;
    app.registration.public_client_redirect_uris = public;
    Ok(())
}

fn key_credential(
    key: NewKeyCredential,
    now: DateTime<Utc>,
    key_id: ObjectId,
) -> Result<KeyCredential, Invalid> {
    let (der, _) = read_certificate(&key.key).ok_or_else(|| {
        invalid!(
            "keyCredentials",
            "The key is not an X.509 certificate with an RSA public key."
        )
    })?;
    Ok(KeyCredential {
        key_id,
        display_name: key.display_name,
        certificate_base64: base64::engine::general_purpose::STANDARD.encode(der),
        start_at: Some(key.start.unwrap_or(now)),
        end_at: key.end,
    })
}

fn not_found(id: &str) -> GraphError {
    GraphError::NotFound(id.to_owned())
}

impl App {
    /// The tenant's application with object id `id` (404 for anything else).
    pub(crate) async fn application_by_id(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Application, GraphError> {
        let object_id = ObjectId::parse(id).map_err(|_| not_found(id))?;
        self.store()
            .list_applications(caller.tenant())
            .await?
            .into_iter()
            .find(|a| a.id == object_id)
            .ok_or_else(|| not_found(id))
    }

    /// `GET /applications/{id}`.
    pub async fn graph_application(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Application, GraphError> {
        caller.require(Operation::GetApplication)?;
        let app = self.application_by_id(caller, id).await?;
        match app.registration.home_tenant {
            Some(_) => Err(not_found(id)),
            None => Ok(app),
        }
    }

    async fn caller_tenant(&self, caller: &Caller) -> Result<Tenant, GraphError> {
        self.store()
            .find_tenant(caller.tenant())
            .await?
            .ok_or_else(|| GraphError::Internal("the caller's tenant vanished".into()))
    }

    /// Identifier URIs are unique in the tenant.
    async fn check_unique_uris(
        &self,
        caller: &Caller,
        app: &Application,
    ) -> Result<(), GraphError> {
        let others = self.store().list_applications(caller.tenant()).await?;
        for uri in &app.registration.identifier_uris {
            let taken = others.iter().filter(|o| o.id != app.id).any(|o| {
                o.registration
                    .identifier_uris
                    .iter()
                    .any(|u| u.eq_ignore_ascii_case(uri))
            });
            if taken {
                return Err(GraphError::bad_request(
                    "Another object with the same value for property identifierUris already exists.",
                ));
            }
        }
        Ok(())
    }

    /// `POST /applications`: a new registration without a service principal (Graph creates
    /// that with `POST /servicePrincipals`).
    pub async fn graph_create_application(
        &self,
        caller: &Caller,
        changes: ApplicationChanges,
    ) -> Result<Application, GraphError> {
        caller.require(Operation::CreateApplication)?;
        if changes.display_name.is_none() {
            return Err(invalid!(
                "displayName",
                "The displayName of an application is required."
            )
            .into());
        }
        let tenant = self.caller_tenant(caller).await?;
        let now = self.now();
        let mut app = Application {
            id: self.random().object_id(),
            client_id: ClientId::from_uuid(*self.random().object_id().as_uuid()),
            display_name: String::new(),
            redirect_uris: Vec::new(),
            public_client: false,
            assignment_required: false,
            allow_password_grant: false,
            graph_app_permissions: Vec::new(),
            secrets: Vec::new(),
            key_credentials: Vec::new(),
            registration: Default::default(),
            created_at: now,
        };
        app.registration.without_service_principal = true;
        apply_changes(&mut app, &tenant, changes, now, &mut || {
            self.random().object_id()
        })?;
        self.check_unique_uris(caller, &app).await?;
        let audit = self.directory_audit(
            caller,
            "ApplicationManagement",
            "Add application",
            "Application",
            app.id,
            &app.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::InsertApplication(app.clone()), audit],
            )
            .await?;
        Ok(app)
    }

    /// `PATCH /applications/{id}`.
    pub async fn graph_update_application(
        &self,
        caller: &Caller,
        id: &str,
        changes: ApplicationChanges,
    ) -> Result<(), GraphError> {
        caller.require(Operation::UpdateApplication)?;
        let mut app = self.application_by_id(caller, id).await?;
        let tenant = self.caller_tenant(caller).await?;
        apply_changes(&mut app, &tenant, changes, self.now(), &mut || {
            self.random().object_id()
        })?;
        self.check_unique_uris(caller, &app).await?;
        self.save_application(caller, app, "Update application")
            .await
    }

    /// Writes a changed application (or service principal, `kind`) with its audit record.
    pub(super) async fn save_application_as(
        &self,
        caller: &Caller,
        app: Application,
        (activity, kind): (&str, &str),
    ) -> Result<(), GraphError> {
        let audit = self.directory_audit(
            caller,
            "ApplicationManagement",
            activity,
            kind,
            app.id,
            &app.display_name,
        );
        Ok(self
            .store()
            .apply(caller.tenant(), vec![Write::UpdateApplication(app), audit])
            .await?)
    }

    async fn save_application(
        &self,
        caller: &Caller,
        app: Application,
        activity: &str,
    ) -> Result<(), GraphError> {
        self.save_application_as(caller, app, (activity, "Application"))
            .await
    }

    /// `DELETE /applications/{id}`: the registration, its service principal and its grants.
    pub async fn graph_delete_application(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(), GraphError> {
        caller.require(Operation::DeleteApplication)?;
        let app = self.application_by_id(caller, id).await?;
        let audit = self.directory_audit(
            caller,
            "ApplicationManagement",
            "Delete application",
            "Application",
            app.id,
            &app.display_name,
        );
        Ok(self
            .store()
            .apply(
                caller.tenant(),
                vec![Write::DeleteApplication(app.id), audit],
            )
            .await?)
    }

    /// `POST /applications/{id}/addPassword`: a new client secret, returned once.
    pub async fn graph_add_password(
        &self,
        caller: &Caller,
        id: &str,
        display_name: Option<String>,
        end: Option<DateTime<Utc>>,
    ) -> Result<AddedPassword, GraphError> {
        caller.require(Operation::AddApplicationPassword)?;
        let mut app = self.application_by_id(caller, id).await?;
        let now = self.now();
        let secret_text = self.random().secret();
        let credential = ClientSecret {
            id: self.random().object_id(),
            display_name,
            hint: secret_text.chars().take(3).collect(),
            sha256_hex: crate::secrets::digest_hex(&secret_text),
            // Graph's default lifetime for a password credential is two years.
            expires_at: Some(end.unwrap_or(now + Duration::days(730))),
        };
        app.secrets.push(credential.clone());
        self.save_application(
            caller,
            app,
            "Update application – Certificates and secrets management",
        )
        .await?;
        Ok(AddedPassword {
            credential,
            start: now,
            secret_text,
        })
    }

    /// `POST /applications/{id}/removePassword`.
    pub async fn graph_remove_password(
        &self,
        caller: &Caller,
        id: &str,
        key_id: &str,
    ) -> Result<(), GraphError> {
        caller.require(Operation::RemoveApplicationPassword)?;
        let mut app = self.application_by_id(caller, id).await?;
        let before = app.secrets.len();
        app.secrets
            .retain(|s| !s.id.to_string().eq_ignore_ascii_case(key_id.trim()));
        if app.secrets.len() == before {
            return Err(GraphError::bad_request(format!(
                "No password credential found with keyId '{key_id}'."
            )));
        }
        self.save_application(
            caller,
            app,
            "Update application – Certificates and secrets management",
        )
        .await
    }

    /// `GET /applications/{id}/federatedIdentityCredentials`.
    pub async fn graph_federated_credentials(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Vec<FederatedCredential>, GraphError> {
        caller.require(Operation::ListFederatedCredentials)?;
        Ok(self
            .application_by_id(caller, id)
            .await?
            .registration
            .federated_credentials)
    }

    /// `POST /applications/{id}/federatedIdentityCredentials`: issuer, subject and audiences
    /// are required; names are unique per application.
    pub async fn graph_add_federated_credential(
        &self,
        caller: &Caller,
        id: &str,
        mut credential: FederatedCredential,
    ) -> Result<FederatedCredential, GraphError> {
        caller.require(Operation::CreateFederatedCredential)?;
        let mut app = self.application_by_id(caller, id).await?;
        for (property, value) in [
            ("name", &credential.name),
            ("issuer", &credential.issuer),
            ("subject", &credential.subject),
        ] {
            if value.trim().is_empty() {
                return Err(invalid!(
                    property,
                    "The federated identity credential's {property} is required."
                )
                .into());
            }
        }
        if credential.audiences.len() != 1 {
            return Err(invalid!("audiences", "A federated identity credential has exactly one audience (api://AzureADTokenExchange).").into());
        }
        let credentials = &app.registration.federated_credentials;
        if credentials
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(&credential.name))
        {
            return Err(GraphError::Conflict {
                code: "Request_MultipleObjectsWithSameKeyValue",
                message: format!(
                    "FederatedIdentityCredential with name {} already exists.",
                    credential.name
                ),
            });
        }
        credential.id = self.random().object_id();
        app.registration
            .federated_credentials
            .push(credential.clone());
        self.save_application(caller, app, "Update application")
            .await?;
        Ok(credential)
    }

    /// `DELETE /applications/{id}/federatedIdentityCredentials/{credentialId}` (id or name).
    pub async fn graph_remove_federated_credential(
        &self,
        caller: &Caller,
        id: &str,
        credential: &str,
    ) -> Result<(), GraphError> {
        caller.require(Operation::DeleteFederatedCredential)?;
        let mut app = self.application_by_id(caller, id).await?;
        let before = app.registration.federated_credentials.len();
        app.registration.federated_credentials.retain(|c| {
            !c.id.to_string().eq_ignore_ascii_case(credential)
                && !c.name.eq_ignore_ascii_case(credential)
        });
        if app.registration.federated_credentials.len() == before {
            return Err(not_found(credential));
        }
        self.save_application(caller, app, "Update application")
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_model::DomainName;

    fn tenant() -> Tenant {
        Tenant {
            id: portico_model::TenantId::from_uuid(uuid::Uuid::nil()),
            display_name: "Contoso".into(),
            initial_domain: DomainName::parse("contoso.com").unwrap(),
            other_domains: Vec::new(),
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn identifier_uris_are_api_or_a_verified_domain() {
        let tenant = tenant();
        assert!(check_identifier_uri(tenant.domains().map(|d| d.as_str()), "api://orders").is_ok());
        assert!(check_identifier_uri(
            tenant.domains().map(|d| d.as_str()),
            "https://contoso.com/orders"
        )
        .is_ok());
        assert!(check_identifier_uri(
            tenant.domains().map(|d| d.as_str()),
            "https://api.contoso.com"
        )
        .is_ok());
        assert!(check_identifier_uri(tenant.domains().map(|d| d.as_str()), "api://").is_err());
        assert!(check_identifier_uri(
            tenant.domains().map(|d| d.as_str()),
            "https://fabrikam.com/orders"
        )
        .is_err());
        assert!(check_identifier_uri(
            tenant.domains().map(|d| d.as_str()),
            "http://contoso.com/orders"
        )
        .is_err());
        assert!(check_identifier_uri(
            tenant.domains().map(|d| d.as_str()),
            "https://notcontoso.com"
        )
        .is_err());
    }
}
