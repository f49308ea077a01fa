//! Which resource a token is for (issue #16): Microsoft Graph, or an API registered in the
//! tenant, named by one of its identifier URIs (`api://…`) or its app id. This is the token
//! service's one resource resolution: every grant, and whatever else issues tokens through the
//! client-credentials path, asks `App::resolve_resource`.

use super::errors::OAuthError;
use super::issue::{GRAPH_AUDIENCE, OIDC_SCOPES};
use crate::App;
use portico_model::application::Application;
use portico_model::tenant::Tenant;

/// Microsoft Graph's app id, which names it as well as its URI.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// Azure Resource Manager ("Windows Azure Service Management API"): its app id and URIs.
pub const ARM_APP_ID: &str = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
const ARM_URIS: [&str; 2] = [
    "https://management.azure.com/",
    "https://management.core.windows.net/",
];

/// Azure Resource Manager as a resource principal of every tenant: v1.0 tokens whose `aud` is
/// its URI, the delegated scope `user_impersonation` (consented for every user, as for a
/// Microsoft API), no app roles. Not stored: no grant or assignment names it.
fn resource_manager(tenant: &Tenant) -> Application {
    use portico_model::app_registration::{ConsentType, PermissionScope, Registration};
    let id = uuid::Uuid::new_v5(tenant.id.as_uuid(), ARM_APP_ID.as_bytes());
    Application {
        id: portico_model::ObjectId::from_uuid(id),
        client_id: portico_model::ClientId::from_uuid(uuid::uuid!(
            "797f4846-ba00-4fd7-ba43-dac1f8f63013"
        )),
        display_name: "Windows Azure Service Management API".into(),
        redirect_uris: Vec::new(),
        public_client: false,
        assignment_required: false,
        allow_password_grant: false,
        graph_app_permissions: Vec::new(),
        secrets: Vec::new(),
        key_credentials: Vec::new(),
        registration: Registration {
            identifier_uris: ARM_URIS.iter().map(|u| (*u).to_owned()).collect(),
            scopes: vec![PermissionScope {
                id: uuid::uuid!("41094075-9dad-400e-a0bd-54e686782033"),
                value: "user_impersonation".into(),
                consent_type: ConsentType::User,
                admin_consent_display_name: Some(
                    "Access Azure Service Management as organization users (preview)".into(),
                ),
                admin_consent_description: None,
                user_consent_display_name: None,
                user_consent_description: None,
                is_enabled: true,
            }],
            ..Registration::default()
        },
        created_at: tenant.created_at,
    }
}

/// Whether `app` is a Microsoft resource every tenant has (not a stored registration).
pub(crate) fn is_built_in(app: &Application) -> bool {
    app.client_id.to_string() == ARM_APP_ID
}

/// The resource a request's scopes name.
#[derive(Debug, Clone)]
pub(crate) enum Resource {
    Graph,
    /// An application of the tenant that exposes an API (it has a service principal).
    Api(Box<Application>),
}

/// A token request's resource and what it asks of it.
#[derive(Debug, Clone)]
pub(crate) struct Requested {
    pub resource: Resource,
    /// How the request named the resource (an identifier URI or the app id): the `aud` of
    /// v1.0 tokens and the prefix of the granted scopes.
    pub named: String,
    /// The permissions asked, as written after the resource (`read`, `.default`).
    pub permissions: Vec<String>,
}

impl Requested {
    /// `.default`: every permission already granted (or configured) for the client.
    pub fn is_default(&self) -> bool {
        self.permissions.iter().any(|p| p == ".default")
    }
}

/// A scope's resource part and permission: `api://x/read` → (`api://x`, `read`);
/// `User.Read` → (none, `User.Read`).
fn split(scope: &str) -> (Option<&str>, &str) {
    match scope.rsplit_once('/') {
        Some((resource, permission)) => (Some(resource), permission),
        None => (None, scope),
    }
}

/// Graph's URI or app id, with or without a trailing slash (Entra accepts
/// `https://graph.microsoft.com//.default`).
fn is_graph(resource: &str) -> bool {
    let resource = resource.trim_end_matches('/');
    resource.eq_ignore_ascii_case(GRAPH_AUDIENCE) || resource.eq_ignore_ascii_case(GRAPH_APP_ID)
}

/// Whether a scope is Graph's (bare, or with Graph's URI or app id).
pub fn names_graph(scope: &str) -> bool {
    match split(scope) {
        (None, _) => true,
        (Some(resource), _) => is_graph(resource),
    }
}

/// Whether `name` (an identifier URI or app id, as a request wrote it) names `app`.
pub(crate) fn names_app(app: &Application, name: &str) -> bool {
    let name = name.trim_end_matches('/');
    app.client_id.to_string().eq_ignore_ascii_case(name)
        || app
            .registration
            .identifier_uris
            .iter()
            .any(|uri| uri.trim_end_matches('/').eq_ignore_ascii_case(name))
}

impl App {
    /// A sign-in log row names the API its scopes are for (Graph rows are `for_scopes`').
    pub(crate) async fn with_logged_resource(
        &self,
        tenant: &Tenant,
        attempt: crate::sign_in::SignInAttempt,
        scopes: &[String],
    ) -> crate::sign_in::SignInAttempt {
        match self.resolve_resource(tenant, scopes).await {
            Ok(Requested {
                resource: Resource::Api(api),
                ..
            }) => attempt.for_resource(api.client_id.to_string(), api.display_name.clone()),
            _ => attempt,
        }
    }

    /// The resource `scopes` name and the permissions asked of it. OpenID Connect scopes name
    /// none; scopes of two resources are AADSTS70011; a resource that is neither Graph nor an
    /// API with a service principal here is AADSTS500011.
    pub(crate) async fn resolve_resource(
        &self,
        tenant: &Tenant,
        scopes: &[String],
    ) -> Result<Requested, OAuthError> {
        let mut named: Option<String> = None;
        let mut permissions = Vec::new();
        for scope in scopes.iter().filter(|s| !OIDC_SCOPES.contains(&s.as_str())) {
            let (resource, permission) = split(scope);
            let resource = match resource {
                Some(name) if !is_graph(name) => name.trim_end_matches('/').to_owned(),
                _ => GRAPH_AUDIENCE.to_owned(),
            };
            if named
                .as_ref()
                .is_some_and(|n| !n.eq_ignore_ascii_case(&resource))
            {
                return Err(OAuthError::incompatible_scopes(&scopes.join(" ")));
            }
            named = Some(resource);
            permissions.push(permission.to_owned());
        }
        let named = named.unwrap_or_else(|| GRAPH_AUDIENCE.to_owned());
        if named == GRAPH_AUDIENCE {
            return Ok(Requested {
                resource: Resource::Graph,
                named,
                permissions,
            });
        }
        let arm = resource_manager(tenant);
        if names_app(&arm, &named) {
            return Ok(Requested {
                resource: Resource::Api(Box::new(arm)),
                named,
                permissions,
            });
        }
        let app = self
            .store()
            .list_applications(tenant.id)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "resource lookup failed");
                OAuthError::server_error()
            })?
            .into_iter()
            .find(|app| !app.registration.without_service_principal && names_app(app, &named))
            .ok_or_else(|| OAuthError::unknown_resource(&named, &tenant.display_name))?;
        Ok(Requested {
            resource: Resource::Api(Box::new(app)),
            named,
            permissions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_split_into_resource_and_permission() {
        assert_eq!(split("api://orders/read"), (Some("api://orders"), "read"));
        assert_eq!(split("User.Read"), (None, "User.Read"));
        assert!(names_graph("https://graph.microsoft.com//.default"));
        assert!(names_graph(
            "00000003-0000-0000-c000-000000000000/User.Read"
        ));
        assert!(names_graph("Mail.Read"));
        assert!(!names_graph("api://orders/.default"));
    }
}
