//! Microsoft Graph (`/v1.0/…`). Bearer tokens are verified against the issuing tenant's keys and
//! act only in that tenant; authorization is the permission table's
//! (`portico_app::directory::permissions`), applied by `GraphCaller` to the route's operation.

mod applications;
mod audit_logs;
pub(crate) mod auth;
pub(crate) mod conditional_access;
mod cross_tenant;
mod deleted_items;
mod directory;
mod groups;
mod invitations;
pub(crate) mod named_locations;
pub mod openapi;
mod openapi_bodies;
mod passwords;
mod policies;
mod query;
mod recipients;
mod risk;
mod sponsors;
pub(crate) mod terms;
mod users;

use crate::state::AppState;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::{Extension, Router};
use openapi::ENDPOINTS;
use portico_app::directory::Operation;

pub use auth::GraphCaller;

/// Every Graph route, built from the OpenAPI table: each row's method and path serve its
/// operation, and the operation rides with the request so that `GraphCaller` applies its row of
/// the permission table before the handler runs.
/// A member or sponsor as an entry of a `directoryObjects` collection.
pub(crate) fn directory_object_json(
    object: &portico_app::directory::DirectoryObject,
) -> serde_json::Map<String, serde_json::Value> {
    use portico_app::directory::DirectoryObject;
    use portico_wire::graph::directory::{group_reference_json, user_reference_json};
    match object {
        DirectoryObject::User(user) => user_reference_json(user),
        DirectoryObject::Group(group) => group_reference_json(group),
    }
}

/// A Graph request body, or the 400 that says what is wrong with it (`ApiError::from`).
pub(crate) fn json_body<T>(
    body: Result<axum::Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, crate::errors::ApiError> {
    body.map(|axum::Json(value)| value)
        .map_err(crate::errors::ApiError::from)
}

pub fn routes() -> Router<AppState> {
    let routes = ENDPOINTS.iter().fold(Router::new(), |router, endpoint| {
        let method = method_filter(endpoint.method);
        match handler(endpoint.operation, method) {
            Some(route) => router.route(endpoint.path, route.layer(Extension(endpoint.operation))),
            None => router,
        }
    });
    // The Graph SDKs spell the cast `graph.user` (Graph accepts both): the same operation.
    routes.route(
        "/v1.0/directory/deletedItems/graph.user",
        on(MethodFilter::GET, deleted_items::list_users)
            .layer(Extension(Operation::ListDeletedUsers)),
    )
}

fn method_filter(method: &str) -> MethodFilter {
    match method {
        "post" => MethodFilter::POST,
        "patch" => MethodFilter::PATCH,
        "delete" => MethodFilter::DELETE,
        _ => MethodFilter::GET,
    }
}

/// The handler of each operation (`None`: not a Graph route).
fn handler(operation: Operation, method: MethodFilter) -> Option<MethodRouter<AppState>> {
    use Operation::*;
    Some(match operation {
        ListUsers => on(method, users::list),
        CreateUser => on(method, users::create),
        CountUsers => on(method, users::count),
        GetUser => on(method, users::get),
        UpdateUser => on(method, users::patch),
        DeleteUser => on(method, users::delete),
        RevokeSignInSessions => on(method, users::revoke_sign_in_sessions),
        ListDeletedUsers => on(method, deleted_items::list_users),
        GetDeletedItem => on(method, deleted_items::get),
        RestoreDeletedItem => on(method, deleted_items::restore),
        PurgeDeletedItem => on(method, deleted_items::purge),
        UpdateGroup => on(method, groups::patch),
        ClearLockout => on(method, crate::lockouts::graph_clear),
        GetMe => on(method, users::me),
        ChangeOwnPassword => on(method, passwords::change_password),
        ListConditionalAccessPolicies => on(method, conditional_access::list),
        CreateConditionalAccessPolicy => on(method, conditional_access::create),
        GetConditionalAccessPolicy => on(method, conditional_access::get),
        UpdateConditionalAccessPolicy => on(method, conditional_access::patch),
        DeleteConditionalAccessPolicy => on(method, conditional_access::delete),
        ListNamedLocations => on(method, named_locations::list),
        CreateNamedLocation => on(method, named_locations::create),
        GetNamedLocation => on(method, named_locations::get),
        UpdateNamedLocation => on(method, named_locations::patch),
        DeleteNamedLocation => on(method, named_locations::delete),
        ListRiskyUsers => on(method, risk::list),
        GetRiskyUser => on(method, risk::get),
        ConfirmCompromised => on(method, risk::confirm_compromised),
        DismissRisk => on(method, risk::dismiss),
        ListAgreements => on(method, terms::list),
        CreateAgreement => on(method, terms::create),
        GetAgreement => on(method, terms::get),
        DeleteAgreement => on(method, terms::delete),
        Invite => on(method, invitations::create),
        ListSignIns => on(method, audit_logs::list_sign_ins),
        GetSignIn => on(method, audit_logs::get_sign_in),
        ListBetaSignIns => on(method, audit_logs::list_beta_sign_ins),
        GetBetaSignIn => on(method, audit_logs::get_beta_sign_in),
        ListDirectoryAudits => on(method, audit_logs::list_directory_audits),
        GetDirectoryAudit => on(method, audit_logs::get_directory_audit),
        ListRecipients => on(method, recipients::list),
        UpdateRecipient => on(method, recipients::patch),
        ListGroups => on(method, groups::list),
        CreateGroup => on(method, groups::create),
        GetGroup => on(method, groups::get),
        DeleteGroup => on(method, groups::delete),
        ListSponsors => on(method, sponsors::list),
        AddSponsor => on(method, sponsors::add),
        RemoveSponsor => on(method, sponsors::remove),
        ListGroupMembers => on(method, groups::members),
        AddGroupMember => on(method, groups::add_member),
        RemoveGroupMember => on(method, groups::remove_member),
        ListContacts => on(method, groups::list_contacts),
        CreateContact => on(method, groups::create_contact),
        GetContact => on(method, groups::get_contact),
        GetOrganization => on(method, directory::organization),
        GetOrganizationById => on(method, directory::get_organization_entity),
        ListDomains => on(method, directory::domains),
        ListDirectoryRoles => on(method, directory::directory_roles),
        ListDirectoryRoleMembers => on(method, directory::directory_role_members),
        AssignDirectoryRole => on(method, directory::add_directory_role_member),
        ListApplications => on(method, directory::applications),
        GetApplication => on(method, applications::get),
        CreateApplication => on(method, applications::create),
        UpdateApplication => on(method, applications::patch),
        DeleteApplication => on(method, applications::delete),
        AddApplicationPassword => on(method, applications::add_password),
        RemoveApplicationPassword => on(method, applications::remove_password),
        ListFederatedCredentials => on(method, applications::federated_credentials),
        CreateFederatedCredential => on(method, applications::add_federated_credential),
        DeleteFederatedCredential => on(method, applications::remove_federated_credential),
        ListServicePrincipals => on(method, directory::service_principals),
        GetServicePrincipal => on(method, applications::get_service_principal),
        CreateServicePrincipal => on(method, applications::create_service_principal),
        UpdateServicePrincipal => on(method, applications::patch_service_principal),
        DeleteServicePrincipal => on(method, applications::delete_service_principal),
        ListAppRoleAssignments => on(method, directory::app_role_assigned_to),
        AssignApp => on(method, directory::assign_app),
        RemoveAppRoleAssignment => on(method, applications::remove_app_role_assignment),
        ListServicePrincipalAppRoles => on(method, applications::app_role_assignments),
        ListPermissionGrants => on(method, applications::permission_grants),
        CreatePermissionGrant => on(method, applications::create_permission_grant),
        UpdatePermissionGrant => on(method, applications::patch_permission_grant),
        DeletePermissionGrant => on(method, applications::delete_permission_grant),
        GetAuthorizationPolicy => on(method, policies::get_authorization_policy),
        UpdateAuthorizationPolicy => on(method, policies::patch_authorization_policy),
        GetSecurityDefaults => on(method, policies::get_security_defaults),
        UpdateSecurityDefaults => on(method, policies::patch_security_defaults),
        GetCrossTenantPolicy => on(method, cross_tenant::get_policy),
        UpdateCrossTenantPolicy => on(method, cross_tenant::patch_policy),
        GetCrossTenantDefault => on(method, cross_tenant::get_default),
        UpdateCrossTenantDefault => on(method, cross_tenant::patch_default),
        ResetCrossTenantDefault => on(method, cross_tenant::reset_default),
        ListCrossTenantPartners => on(method, cross_tenant::list_partners),
        CreateCrossTenantPartner => on(method, cross_tenant::create_partner),
        GetCrossTenantPartner => on(method, cross_tenant::get_partner),
        UpdateCrossTenantPartner => on(method, cross_tenant::patch_partner),
        DeleteCrossTenantPartner => on(method, cross_tenant::delete_partner),
        // Portico's MAU report is routed with the control API (its own token rules).
        ReadMauReport => return None,
        // A user's signInActivity: checked by the user routes when a query names it.
        ReadSignInActivity => return None,
    })
}
