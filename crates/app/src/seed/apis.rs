//! A seed's APIs (docs/seed-format.md, docs/apps.md): the registration an app's seed declares
//! (identifier URIs, scopes, app roles, token version, audience) and the permissions apps are
//! granted on each other's APIs (app role assignments, admin consent), with ids derived from
//! the names so every start builds the same world.

use super::format::{AppSeed, TenantSeed};
use crate::directory::applications::check_identifier_uri;
use chrono::{DateTime, Utc};
use portico_model::app_registration::{
    AppRole, AppRoleAssignment, ConsentType, GrantConsent, PermissionGrant, PermissionScope,
    PrincipalType, Registration, SignInAudience,
};
use portico_model::application::Application;
use portico_model::{ObjectId, TenantId};
use portico_store::Write;
use uuid::Uuid;

/// A problem with the seed of one tenant, in words.
pub(super) type Problem = String;

fn derived(tenant: TenantId, name: &str) -> Uuid {
    Uuid::new_v5(tenant.as_uuid(), name.as_bytes())
}

/// The registration an app's seed declares.
pub(super) fn registration(
    tenant: TenantId,
    domains: &TenantSeed,
    seed: &AppSeed,
) -> Result<Registration, Problem> {
    for uri in &seed.identifier_uris {
        check_identifier_uri(domains.domains.iter().map(String::as_str), uri)
            .map_err(|e| format!("app '{}': {e}", seed.display_name))?;
    }
    let audience = match seed.sign_in_audience.as_deref() {
        None => SignInAudience::AzureADMyOrg,
        Some(name) => SignInAudience::parse(name).ok_or_else(|| {
            format!(
                "app '{}': unknown sign_in_audience '{name}'",
                seed.display_name
            )
        })?,
    };
    let client = &seed.client_id;
    let scopes = seed
        .scopes
        .iter()
        .map(|s| PermissionScope {
            id: derived(tenant, &format!("scope:{client}:{}", s.value)),
            value: s.value.clone(),
            consent_type: if s.admin_consent_required {
                ConsentType::Admin
            } else {
                ConsentType::User
            },
            admin_consent_display_name: Some(s.value.clone()),
            admin_consent_description: s.description.clone(),
            user_consent_display_name: Some(s.value.clone()),
            user_consent_description: s.description.clone(),
            is_enabled: true,
        })
        .collect();
    let app_roles = seed
        .app_roles
        .iter()
        .map(|r| AppRole {
            id: derived(tenant, &format!("role:{client}:{}", r.value)),
            value: Some(r.value.clone()),
            display_name: Some(r.value.clone()),
            description: r.description.clone(),
            allowed_member_types: r.members.clone(),
            is_enabled: true,
        })
        .collect();
    Ok(Registration {
        sign_in_audience: audience,
        identifier_uris: seed.identifier_uris.clone(),
        scopes,
        app_roles,
        requested_access_token_version: seed.access_token_version,
        ..Registration::default()
    })
}

/// App role assignments and admin consent of each app's `api_permissions`, against the tenant's
/// built applications.
pub(super) fn api_permissions(
    tenant: TenantId,
    seeds: &[AppSeed],
    apps: &[Application],
    now: DateTime<Utc>,
) -> Result<Vec<Write>, Problem> {
    let mut writes = Vec::new();
    for (seed, client) in seeds.iter().zip(apps) {
        for permission in &seed.api_permissions {
            let api = apps
                .iter()
                .find(|a| crate::tokens::names_api(a, &permission.api))
                .ok_or_else(|| {
                    format!(
                        "app '{}': no API '{}' in this tenant",
                        seed.display_name, permission.api
                    )
                })?;
            for value in &permission.roles {
                let role = api
                    .registration
                    .app_roles
                    .iter()
                    .find(|r| r.value.as_deref() == Some(value.as_str()))
                    .ok_or_else(|| format!("API '{}' has no app role '{value}'", permission.api))?;
                writes.push(Write::InsertAppRoleAssignment(AppRoleAssignment {
                    id: ObjectId::from_uuid(derived(
                        tenant,
                        &format!("assignment:{}:{}:{value}", client.id, api.id),
                    )),
                    app_role_id: role.id,
                    principal_id: client.id,
                    principal_type: PrincipalType::ServicePrincipal,
                    principal_display_name: client.display_name.clone(),
                    resource_id: api.id,
                    created_at: now,
                }));
            }
            if let Some(missing) = permission
                .scopes
                .iter()
                .find(|s| !api.registration.scopes.iter().any(|e| &&e.value == s))
            {
                return Err(format!("API '{}' has no scope '{missing}'", permission.api));
            }
            if !permission.scopes.is_empty() {
                writes.push(Write::PutPermissionGrant(PermissionGrant {
                    id: ObjectId::from_uuid(derived(
                        tenant,
                        &format!("grant:{}:{}", client.id, api.id),
                    )),
                    client_id: client.id,
                    consent: GrantConsent::AllPrincipals,
                    resource_id: api.id,
                    scope: permission.scopes.join(" "),
                }));
            }
        }
    }
    Ok(writes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant_seed(app: &str) -> TenantSeed {
        let text = format!(
            "[[tenant]]\nkey = \"t\"\nid = \"77777777-7777-4777-8777-777777777777\"\ndisplay_name = \"T\"\ndomains = [\"t.onmicrosoft.com\", \"t.example\"]\n{app}"
        );
        let seed: super::super::format::SeedFile = toml::from_str(&text).unwrap();
        seed.tenants.into_iter().next().unwrap()
    }

    #[test]
    fn identifier_uris_outside_the_tenants_domains_are_refused() {
        let seed = tenant_seed("[[tenant.app]]\ndisplay_name = \"X\"\nclient_id = \"0d0e0003-0000-4000-8000-000000000003\"\nidentifier_uris = [\"https://elsewhere.example/x\"]\n");
        let tenant = TenantId::from_uuid(Uuid::nil());
        let problem = registration(tenant, &seed, &seed.apps[0]).unwrap_err();
        assert!(problem.contains("verified domain"), "{problem}");
        let seed = tenant_seed("[[tenant.app]]\ndisplay_name = \"X\"\nclient_id = \"0d0e0003-0000-4000-8000-000000000003\"\nidentifier_uris = [\"https://api.t.example/x\"]\nscopes = [{ value = \"X.Read\" }]\n");
        let built = registration(tenant, &seed, &seed.apps[0]).unwrap();
        assert_eq!(built.scopes[0].consent_type, ConsentType::User);
        assert_eq!(built.token_version(), 1);
    }
}
