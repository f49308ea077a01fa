//! Microsoft Graph (`/v1.0/…`). Bearer tokens are verified against the issuing tenant's keys and
//! act only in that tenant; authorization decisions are `portico_app::directory::Caller`'s.

mod audit_logs;
pub(crate) mod auth;
mod conditional_access;
mod cross_tenant;
mod directory;
mod groups;
mod invitations;
mod named_locations;
pub mod openapi;
mod passwords;
mod policies;
mod query;
mod recipients;
mod risk;
mod terms;
mod users;

use crate::state::AppState;
use axum::routing::{delete, get, patch, post};
use axum::Router;

pub use auth::GraphCaller;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1.0/users", get(users::list).post(users::create))
        .route("/v1.0/users/$count", get(users::count))
        .route(
            "/v1.0/users/{key}",
            get(users::get).patch(users::patch).delete(users::delete),
        )
        .route(
            "/v1.0/users/{key}/portico.clearLockout",
            post(crate::lockouts::graph_clear),
        )
        .route("/v1.0/me", get(users::me))
        .route("/v1.0/me/changePassword", post(passwords::change_password))
        .route(
            "/v1.0/identity/conditionalAccess/policies",
            get(conditional_access::list).post(conditional_access::create),
        )
        .route(
            "/v1.0/identity/conditionalAccess/policies/{id}",
            get(conditional_access::get)
                .patch(conditional_access::patch)
                .delete(conditional_access::delete),
        )
        .route(
            "/v1.0/identity/conditionalAccess/namedLocations",
            get(named_locations::list).post(named_locations::create),
        )
        .route(
            "/v1.0/identity/conditionalAccess/namedLocations/{id}",
            get(named_locations::get)
                .patch(named_locations::patch)
                .delete(named_locations::delete),
        )
        .route("/v1.0/identityProtection/riskyUsers", get(risk::list))
        .route("/v1.0/identityProtection/riskyUsers/{id}", get(risk::get))
        .route(
            "/v1.0/identityProtection/riskyUsers/confirmCompromised",
            post(risk::confirm_compromised),
        )
        .route(
            "/v1.0/identityProtection/riskyUsers/dismiss",
            post(risk::dismiss),
        )
        .route(
            "/v1.0/identityGovernance/termsOfUse/agreements",
            get(terms::list).post(terms::create),
        )
        .route(
            "/v1.0/identityGovernance/termsOfUse/agreements/{id}",
            get(terms::get).delete(terms::delete),
        )
        .route("/v1.0/invitations", post(invitations::create))
        .route("/v1.0/auditLogs/signIns", get(audit_logs::list_sign_ins))
        .route("/v1.0/auditLogs/signIns/{id}", get(audit_logs::get_sign_in))
        .route(
            "/v1.0/auditLogs/directoryAudits",
            get(audit_logs::list_directory_audits),
        )
        .route(
            "/v1.0/auditLogs/directoryAudits/{id}",
            get(audit_logs::get_directory_audit),
        )
        .route(
            "/portico/v1/tenants/{tenant}/recipients",
            get(recipients::list),
        )
        .route(
            "/portico/v1/tenants/{tenant}/recipients/{id}",
            patch(recipients::patch),
        )
        .route("/v1.0/groups", get(groups::list).post(groups::create))
        .route("/v1.0/groups/{id}", get(groups::get).delete(groups::delete))
        .route("/v1.0/groups/{id}/members", get(groups::members))
        .route("/v1.0/groups/{id}/members/$ref", post(groups::add_member))
        .route(
            "/v1.0/groups/{id}/members/{member}/$ref",
            delete(groups::remove_member),
        )
        .route(
            "/v1.0/contacts",
            get(groups::list_contacts).post(groups::create_contact),
        )
        .route("/v1.0/contacts/{id}", get(groups::get_contact))
        .route("/v1.0/organization", get(directory::organization))
        .route(
            "/v1.0/organization/{id}",
            get(directory::get_organization_entity),
        )
        .route("/v1.0/domains", get(directory::domains))
        .route("/v1.0/directoryRoles", get(directory::directory_roles))
        .route(
            "/v1.0/directoryRoles/{id}/members",
            get(directory::directory_role_members),
        )
        .route(
            "/v1.0/directoryRoles/{id}/members/$ref",
            post(directory::add_directory_role_member),
        )
        .route("/v1.0/applications", get(directory::applications))
        .route(
            "/v1.0/servicePrincipals",
            get(directory::service_principals),
        )
        .route(
            "/v1.0/servicePrincipals/{id}/appRoleAssignedTo",
            get(directory::app_role_assigned_to).post(directory::assign_app),
        )
        .route(
            "/v1.0/policies/authorizationPolicy",
            get(policies::get_authorization_policy).patch(policies::patch_authorization_policy),
        )
        .route(
            "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
            get(policies::get_security_defaults).patch(policies::patch_security_defaults),
        )
        .route(
            "/v1.0/policies/crossTenantAccessPolicy",
            get(cross_tenant::get_policy).patch(cross_tenant::patch_policy),
        )
        .route(
            "/v1.0/policies/crossTenantAccessPolicy/default",
            get(cross_tenant::get_default).patch(cross_tenant::patch_default),
        )
        .route(
            "/v1.0/policies/crossTenantAccessPolicy/default/resetToSystemDefault",
            post(cross_tenant::reset_default),
        )
        .route(
            "/v1.0/policies/crossTenantAccessPolicy/partners",
            get(cross_tenant::list_partners).post(cross_tenant::create_partner),
        )
        .route(
            "/v1.0/policies/crossTenantAccessPolicy/partners/{id}",
            get(cross_tenant::get_partner)
                .patch(cross_tenant::patch_partner)
                .delete(cross_tenant::delete_partner),
        )
}
