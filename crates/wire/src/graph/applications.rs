//! Graph v1.0 shapes of `application`, `servicePrincipal`, `appRoleAssignment`,
//! `oAuth2PermissionGrant`, `passwordCredential` and `federatedIdentityCredential`, and the
//! request bodies that create and change them.

use super::timestamp;
use chrono::{DateTime, Utc};
use portico_model::app_registration::{
    AppRole, AppRoleAssignment, ConsentType, FederatedCredential, GrantConsent, PermissionGrant,
    PermissionScope, Registration, RequiredResourceAccess, ResourceAccess,
};
use portico_model::application::{Application, ClientSecret, KeyCredential};
use portico_model::{invalid, Invalid, ObjectId};
use serde::Deserialize;
use serde_json::{json, Map, Value};

fn strings<T: ToString>(items: &[T]) -> Value {
    json!(items.iter().map(ToString::to_string).collect::<Vec<_>>())
}

fn scope_json(scope: &PermissionScope) -> Value {
    json!({
        "adminConsentDescription": scope.admin_consent_description,
        "adminConsentDisplayName": scope.admin_consent_display_name,
        "id": scope.id.to_string(),
        "isEnabled": scope.is_enabled,
        "type": match scope.consent_type { ConsentType::User => "User", ConsentType::Admin => "Admin" },
        "userConsentDescription": scope.user_consent_description,
        "userConsentDisplayName": scope.user_consent_display_name,
        "value": scope.value,
    })
}

fn role_json(role: &AppRole) -> Value {
    json!({
        "allowedMemberTypes": role.allowed_member_types,
        "description": role.description,
        "displayName": role.display_name,
        "id": role.id.to_string(),
        "isEnabled": role.is_enabled,
        "origin": "Application",
        "value": role.value,
    })
}

fn required_access_json(access: &RequiredResourceAccess) -> Value {
    json!({
        "resourceAppId": access.resource_app_id,
        "resourceAccess": access.resource_access.iter().map(|a| json!({"id": a.id.to_string(), "type": a.kind})).collect::<Vec<_>>(),
    })
}

/// A `passwordCredential`; `secret_text` only in `addPassword`'s answer.
pub fn password_credential_json(
    secret: &ClientSecret,
    start: Option<DateTime<Utc>>,
    secret_text: Option<&str>,
) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("customKeyIdentifier".into(), Value::Null);
    object.insert("displayName".into(), json!(secret.display_name));
    object.insert(
        "endDateTime".into(),
        json!(secret.expires_at.map(timestamp)),
    );
    object.insert("hint".into(), json!(secret.hint));
    object.insert("keyId".into(), json!(secret.id.to_string()));
    object.insert("secretText".into(), json!(secret_text));
    object.insert("startDateTime".into(), json!(start.map(timestamp)));
    object
}

fn key_credential_json(key: &KeyCredential) -> Value {
    json!({
        "customKeyIdentifier": null,
        "displayName": key.display_name,
        "endDateTime": key.end_at.map(timestamp),
        "key": null,
        "keyId": key.key_id.to_string(),
        "startDateTime": key.start_at.map(timestamp),
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
    })
}

fn web_uris(app: &Application) -> Vec<String> {
    let registration = &app.registration;
    app.redirect_uris
        .iter()
        .filter(|u| !registration.spa_redirect_uris.contains(u))
        .filter(|u| !registration.public_client_redirect_uris.contains(u))
        .map(ToString::to_string)
        .collect()
}

fn api_json(registration: &Registration) -> Value {
    json!({
        "acceptMappedClaims": null,
        "knownClientApplications": [],
        "oauth2PermissionScopes": registration.scopes.iter().map(scope_json).collect::<Vec<_>>(),
        "preAuthorizedApplications": [],
        "requestedAccessTokenVersion": registration.requested_access_token_version,
    })
}

/// Graph's `application`.
pub fn application_json(app: &Application) -> Map<String, Value> {
    let registration = &app.registration;
    let mut object = Map::new();
    object.insert("id".into(), json!(app.id.to_string()));
    object.insert("deletedDateTime".into(), Value::Null);
    object.insert("appId".into(), json!(app.client_id.to_string()));
    object.insert("createdDateTime".into(), timestamp(app.created_at));
    object.insert("displayName".into(), json!(app.display_name));
    object.insert("identifierUris".into(), json!(registration.identifier_uris));
    object.insert("isFallbackPublicClient".into(), json!(app.public_client));
    object.insert(
        "signInAudience".into(),
        json!(registration.sign_in_audience.name()),
    );
    object.insert("api".into(), api_json(registration));
    object.insert(
        "appRoles".into(),
        Value::Array(registration.app_roles.iter().map(role_json).collect()),
    );
    object.insert(
        "requiredResourceAccess".into(),
        Value::Array(
            registration
                .required_resource_access
                .iter()
                .map(required_access_json)
                .collect(),
        ),
    );
    object.insert(
        "keyCredentials".into(),
        Value::Array(
            app.key_credentials
                .iter()
                .map(key_credential_json)
                .collect(),
        ),
    );
    object.insert(
        "passwordCredentials".into(),
        Value::Array(
            app.secrets
                .iter()
                .map(|s| Value::Object(password_credential_json(s, None, None)))
                .collect(),
        ),
    );
    object.insert(
        "publicClient".into(),
        json!({"redirectUris": strings(&registration.public_client_redirect_uris)}),
    );
    object.insert(
        "spa".into(),
        json!({"redirectUris": strings(&registration.spa_redirect_uris)}),
    );
    object.insert("web".into(), json!({"homePageUrl": null, "logoutUrl": null, "redirectUris": web_uris(app), "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false}}));
    object
}

/// Graph's `servicePrincipal` (sharing its application's object id).
pub fn service_principal_json(app: &Application) -> Map<String, Value> {
    let registration = &app.registration;
    let mut names = vec![app.client_id.to_string()];
    names.extend(registration.identifier_uris.iter().cloned());
    let mut object = Map::new();
    object.insert("id".into(), json!(app.id.to_string()));
    object.insert("deletedDateTime".into(), Value::Null);
    object.insert("accountEnabled".into(), json!(true));
    object.insert("appDisplayName".into(), json!(app.display_name));
    object.insert("appId".into(), json!(app.client_id.to_string()));
    if let Some(home) = registration.home_tenant {
        object.insert("appOwnerOrganizationId".into(), json!(home.to_string()));
    }
    object.insert(
        "appRoleAssignmentRequired".into(),
        json!(app.assignment_required),
    );
    object.insert(
        "appRoles".into(),
        Value::Array(registration.app_roles.iter().map(role_json).collect()),
    );
    object.insert("displayName".into(), json!(app.display_name));
    object.insert(
        "oauth2PermissionScopes".into(),
        Value::Array(registration.scopes.iter().map(scope_json).collect()),
    );
    object.insert("replyUrls".into(), strings(&app.redirect_uris));
    object.insert("servicePrincipalNames".into(), json!(names));
    object.insert("servicePrincipalType".into(), json!("Application"));
    object.insert(
        "signInAudience".into(),
        json!(registration.sign_in_audience.name()),
    );
    object.insert("tags".into(), json!([]));
    object
}

/// An `appRoleAssignment` of one of a resource's app roles.
pub fn role_assignment_json(
    assignment: &AppRoleAssignment,
    resource_name: &str,
) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("id".into(), json!(assignment.id.to_string()));
    object.insert("deletedDateTime".into(), Value::Null);
    object.insert(
        "appRoleId".into(),
        json!(assignment.app_role_id.to_string()),
    );
    object.insert("createdDateTime".into(), timestamp(assignment.created_at));
    object.insert(
        "principalDisplayName".into(),
        json!(assignment.principal_display_name),
    );
    object.insert(
        "principalId".into(),
        json!(assignment.principal_id.to_string()),
    );
    object.insert(
        "principalType".into(),
        json!(assignment.principal_type.name()),
    );
    object.insert("resourceDisplayName".into(), json!(resource_name));
    object.insert(
        "resourceId".into(),
        json!(assignment.resource_id.to_string()),
    );
    object
}

/// An `oAuth2PermissionGrant`.
pub fn permission_grant_json(grant: &PermissionGrant) -> Map<String, Value> {
    let (consent_type, principal) = match grant.consent {
        GrantConsent::AllPrincipals => ("AllPrincipals", Value::Null),
        GrantConsent::Principal(user) => ("Principal", json!(user.to_string())),
    };
    let mut object = Map::new();
    object.insert("id".into(), json!(grant.id.to_string()));
    object.insert("clientId".into(), json!(grant.client_id.to_string()));
    object.insert("consentType".into(), json!(consent_type));
    object.insert("principalId".into(), principal);
    object.insert("resourceId".into(), json!(grant.resource_id.to_string()));
    object.insert("scope".into(), json!(grant.scope));
    object
}

/// A `federatedIdentityCredential`.
pub fn federated_credential_json(credential: &FederatedCredential) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("id".into(), json!(credential.id.to_string()));
    object.insert("audiences".into(), json!(credential.audiences));
    object.insert("description".into(), json!(credential.description));
    object.insert("issuer".into(), json!(credential.issuer));
    object.insert("name".into(), json!(credential.name));
    object.insert("subject".into(), json!(credential.subject));
    object
}

fn guid(property: &str, text: &str) -> Result<uuid::Uuid, Invalid> {
    uuid::Uuid::parse_str(text.trim()).map_err(|_| invalid!(property, "'{text}' is not a GUID."))
}

/// `null` as `Some(None)`, absent as `None` (`#[serde(default)]`).
fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

fn time(property: &str, text: &Option<String>) -> Result<Option<DateTime<Utc>>, Invalid> {
    text.as_deref()
        .map(|t| {
            DateTime::parse_from_rfc3339(t)
                .map(|at| at.with_timezone(&Utc))
                .map_err(|_| invalid!(property, "'{t}' is not a date and time (ISO 8601)."))
        })
        .transpose()
}

/// `api.oauth2PermissionScopes[]`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScopeBody {
    pub id: String,
    pub value: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub admin_consent_display_name: Option<String>,
    pub admin_consent_description: Option<String>,
    pub user_consent_display_name: Option<String>,
    pub user_consent_description: Option<String>,
    pub is_enabled: Option<bool>,
}

impl ScopeBody {
    pub fn to_model(&self) -> Result<PermissionScope, Invalid> {
        let property = "api.oauth2PermissionScopes";
        let consent_type = match self.kind.as_deref().unwrap_or("User") {
            "User" => ConsentType::User,
            "Admin" => ConsentType::Admin,
            other => {
                return Err(invalid!(
                    property,
                    "The type '{other}' is not 'User' or 'Admin'."
                ))
            }
        };
        Ok(PermissionScope {
            id: guid(property, &self.id)?,
            value: self.value.clone(),
            consent_type,
            admin_consent_display_name: self.admin_consent_display_name.clone(),
            admin_consent_description: self.admin_consent_description.clone(),
            user_consent_display_name: self.user_consent_display_name.clone(),
            user_consent_description: self.user_consent_description.clone(),
            is_enabled: self.is_enabled.unwrap_or(true),
        })
    }
}

/// `appRoles[]`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppRoleBody {
    pub id: String,
    pub value: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub allowed_member_types: Vec<String>,
    pub is_enabled: Option<bool>,
}

impl AppRoleBody {
    pub fn to_model(&self) -> Result<AppRole, Invalid> {
        Ok(AppRole {
            id: guid("appRoles", &self.id)?,
            value: self.value.clone(),
            display_name: self.display_name.clone(),
            description: self.description.clone(),
            allowed_member_types: self.allowed_member_types.clone(),
            is_enabled: self.is_enabled.unwrap_or(true),
        })
    }
}

/// `requiredResourceAccess[].resourceAccess[]`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct ResourceAccessBody {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// `requiredResourceAccess[]`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequiredResourceAccessBody {
    pub resource_app_id: String,
    #[serde(default)]
    pub resource_access: Vec<ResourceAccessBody>,
}

impl RequiredResourceAccessBody {
    pub fn to_model(&self) -> Result<RequiredResourceAccess, Invalid> {
        let property = "requiredResourceAccess";
        let resource_access = self
            .resource_access
            .iter()
            .map(|a| match a.kind.as_str() {
                "Scope" | "Role" => Ok(ResourceAccess {
                    id: guid(property, &a.id)?,
                    kind: a.kind.clone(),
                }),
                other => Err(invalid!(
                    property,
                    "The type '{other}' is not 'Scope' or 'Role'."
                )),
            })
            .collect::<Result<_, _>>()?;
        guid(property, &self.resource_app_id)?;
        Ok(RequiredResourceAccess {
            resource_app_id: self.resource_app_id.clone(),
            resource_access,
        })
    }
}

/// The `api` complex type (the parts Portico keeps).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiBody {
    pub oauth2_permission_scopes: Option<Vec<ScopeBody>>,
    /// 2 for v2.0 access tokens; null or 1 for v1.0.
    #[serde(default, deserialize_with = "nullable")]
    #[schemars(with = "Option<u8>")]
    pub requested_access_token_version: Option<Option<u8>>,
}

/// `web`, `spa` and `publicClient`: their redirect URIs.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RedirectsBody {
    pub redirect_uris: Option<Vec<String>>,
}

/// A `keyCredential` being added: an `AsymmetricX509Cert` for `Verify`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyCredentialBody {
    pub key: Option<String>,
    pub display_name: Option<String>,
    pub start_date_time: Option<String>,
    pub end_date_time: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub usage: Option<String>,
}

impl KeyCredentialBody {
    /// The certificate (base64 DER), its display name and validity.
    #[allow(clippy::type_complexity)]
    pub fn parts(
        &self,
    ) -> Result<
        (
            String,
            Option<String>,
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
        ),
        Invalid,
    > {
        let property = "keyCredentials";
        if self
            .kind
            .as_deref()
            .is_some_and(|k| k != "AsymmetricX509Cert")
            || self.usage.as_deref().is_some_and(|u| u != "Verify")
        {
            return Err(invalid!(
                property,
                "Portico accepts keyCredentials of type 'AsymmetricX509Cert' with usage 'Verify'."
            ));
        }
        let key = self
            .key
            .clone()
            .ok_or_else(|| invalid!(property, "The key (a base64 certificate) is required."))?;
        Ok((
            key,
            self.display_name.clone(),
            time(property, &self.start_date_time)?,
            time(property, &self.end_date_time)?,
        ))
    }
}

/// `POST /applications` and `PATCH /applications/{id}`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationBody {
    pub display_name: Option<String>,
    pub sign_in_audience: Option<String>,
    pub identifier_uris: Option<Vec<String>>,
    pub api: Option<ApiBody>,
    pub app_roles: Option<Vec<AppRoleBody>>,
    pub required_resource_access: Option<Vec<RequiredResourceAccessBody>>,
    pub web: Option<RedirectsBody>,
    pub spa: Option<RedirectsBody>,
    pub public_client: Option<RedirectsBody>,
    pub is_fallback_public_client: Option<bool>,
    pub key_credentials: Option<Vec<KeyCredentialBody>>,
}

/// `POST /servicePrincipals`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipalBody {
    pub app_id: String,
}

/// `PATCH /servicePrincipals/{id}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipalPatch {
    pub app_role_assignment_required: Option<bool>,
}

/// `addPassword`'s `passwordCredential`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredentialBody {
    pub display_name: Option<String>,
    pub end_date_time: Option<String>,
}

impl PasswordCredentialBody {
    pub fn end(&self) -> Result<Option<DateTime<Utc>>, Invalid> {
        time("passwordCredential.endDateTime", &self.end_date_time)
    }
}

/// `POST /applications/{id}/addPassword`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddPasswordBody {
    pub password_credential: Option<PasswordCredentialBody>,
}

/// `POST /applications/{id}/removePassword`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemovePasswordBody {
    pub key_id: String,
}

/// `POST /applications/{id}/federatedIdentityCredentials`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FederatedCredentialBody {
    pub name: String,
    pub issuer: String,
    pub subject: String,
    #[serde(default)]
    pub audiences: Vec<String>,
    pub description: Option<String>,
}

impl FederatedCredentialBody {
    /// The credential (its id is the use case's to draw).
    pub fn to_model(&self) -> FederatedCredential {
        FederatedCredential {
            id: ObjectId::from_uuid(uuid::Uuid::nil()),
            name: self.name.clone(),
            issuer: self.issuer.clone(),
            subject: self.subject.clone(),
            audiences: self.audiences.clone(),
            description: self.description.clone(),
        }
    }
}

/// `POST /oauth2PermissionGrants`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PermissionGrantBody {
    pub client_id: String,
    pub consent_type: String,
    pub principal_id: Option<String>,
    pub resource_id: String,
    #[serde(default)]
    pub scope: String,
}

/// `PATCH /oauth2PermissionGrants/{id}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PermissionGrantPatch {
    pub scope: String,
}
