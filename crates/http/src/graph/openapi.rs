//! The OpenAPI description of Portico's Graph subset, generated from this table and the
//! permission table (`portico_app::directory::permissions`). The router is built from the same
//! rows (`graph::routes`), so every route names its operation. The committed copy
//! (`docs/openapi/graph.json`) is checked against it by the tests.

mod endpoint_table;
mod entities;

pub use endpoint_table::endpoint_table_text;

use portico_app::directory::permissions::{Guests, Rule, Users};
use portico_app::directory::Operation;
use serde_json::{json, Map, Value};

/// One Graph operation Portico serves.
pub struct Endpoint {
    /// The operation it serves: its row of the permission table.
    pub operation: Operation,
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Whether it is a collection that takes OData query options.
    pub collection: bool,
}

const fn op(
    operation: Operation,
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    collection: bool,
) -> Endpoint {
    Endpoint {
        operation,
        method,
        path,
        summary,
        collection,
    }
}

/// Graph actions that answer 200 with a result.
const ACTIONS_WITH_RESULT: &[&str] = &["/revokeSignInSessions", "/restore", "/addPassword"];

/// Graph actions that answer 204 No Content.
const ACTIONS_WITHOUT_CONTENT: &[&str] = &[
    "/dismiss",
    "/confirmCompromised",
    "/changePassword",
    "/resetToSystemDefault",
    "/removePassword",
];

pub const ENDPOINTS: &[Endpoint] = &[
    op(
        Operation::ListUsers,
        "get",
        "/v1.0/users",
        "List users",
        true,
    ),
    op(
        Operation::CreateUser,
        "post",
        "/v1.0/users",
        "Create a user",
        false,
    ),
    op(
        Operation::CountUsers,
        "get",
        "/v1.0/users/$count",
        "Count users (ConsistencyLevel: eventual)",
        false,
    ),
    op(
        Operation::GetUser,
        "get",
        "/v1.0/users/{id}",
        "Get a user by id or userPrincipalName",
        false,
    ),
    op(
        Operation::UpdateUser,
        "patch",
        "/v1.0/users/{id}",
        "Update a user (displayName, mail, otherMails, accountEnabled, userType and the profile properties marked x-patchable in the user schema)",
        false,
    ),
    op(
        Operation::DeleteUser,
        "delete",
        "/v1.0/users/{id}",
        "Delete a user",
        false,
    ),
    op(
        Operation::RevokeSignInSessions,
        "post",
        "/v1.0/users/{id}/revokeSignInSessions",
        "Invalidate every refresh token and sign-in session of the user (answers value: true)",
        false,
    ),
    op(
        Operation::ListDeletedUsers,
        "get",
        "/v1.0/directory/deletedItems/microsoft.graph.user",
        "List deleted users ($filter on user properties, $orderby=deletedDateTime, $top, $count, $select); also at …/graph.user, as the SDKs spell the cast",
        true,
    ),
    op(
        Operation::GetDeletedItem,
        "get",
        "/v1.0/directory/deletedItems/{id}",
        "Get a deleted user",
        false,
    ),
    op(
        Operation::RestoreDeletedItem,
        "post",
        "/v1.0/directory/deletedItems/{id}/restore",
        "Restore a deleted user with the same id, properties, groups, app assignments and sponsors",
        false,
    ),
    op(
        Operation::PurgeDeletedItem,
        "delete",
        "/v1.0/directory/deletedItems/{id}",
        "Permanently delete a deleted user",
        false,
    ),
    op(
        Operation::ClearLockout,
        "post",
        "/v1.0/users/{id}/portico.clearLockout",
        "Portico: clear the user's smart lockout (all locations)",
        false,
    ),
    op(
        Operation::GetMe,
        "get",
        "/v1.0/me",
        "The signed-in user",
        false,
    ),
    op(
        Operation::Invite,
        "post",
        "/v1.0/invitations",
        "Invite an external user (guest or member), re-invite, or reset a redemption",
        false,
    ),
    op(
        Operation::ListSignIns,
        "get",
        "/v1.0/auditLogs/signIns",
        "List this tenant's interactive sign-ins, newest first ($filter, $top up to 1000, default 1000)",
        true,
    ),
    op(
        Operation::GetSignIn,
        "get",
        "/v1.0/auditLogs/signIns/{id}",
        "Get a sign-in",
        false,
    ),
    op(
        Operation::ListBetaSignIns,
        "get",
        "/beta/auditLogs/signIns",
        "List this tenant's sign-ins in beta's shape: interactive ones, or the event types \
         `$filter=signInEventTypes/any(t: t eq '…')` asks for",
        true,
    ),
    op(
        Operation::GetBetaSignIn,
        "get",
        "/beta/auditLogs/signIns/{id}",
        "Get a sign-in in beta's shape",
        false,
    ),
    op(
        Operation::ListDirectoryAudits,
        "get",
        "/v1.0/auditLogs/directoryAudits",
        "List this tenant's directory audit records, newest first ($filter, $top up to 1000)",
        true,
    ),
    op(
        Operation::GetDirectoryAudit,
        "get",
        "/v1.0/auditLogs/directoryAudits/{id}",
        "Get a directory audit record",
        false,
    ),
    op(
        Operation::ListGroups,
        "get",
        "/v1.0/groups",
        "List groups",
        true,
    ),
    op(
        Operation::CreateGroup,
        "post",
        "/v1.0/groups",
        "Create a group",
        false,
    ),
    op(
        Operation::GetGroup,
        "get",
        "/v1.0/groups/{id}",
        "Get a group",
        false,
    ),
    op(
        Operation::UpdateGroup,
        "patch",
        "/v1.0/groups/{id}",
        "Update a group (displayName, description, visibility, membershipRule, membershipRuleProcessingState)",
        false,
    ),
    op(
        Operation::DeleteGroup,
        "delete",
        "/v1.0/groups/{id}",
        "Delete a group",
        false,
    ),
    op(
        Operation::ListSponsors,
        "get",
        "/v1.0/users/{id}/sponsors",
        "List a user's sponsors",
        false,
    ),
    op(
        Operation::AddSponsor,
        "post",
        "/v1.0/users/{id}/sponsors/$ref",
        "Add a sponsor",
        false,
    ),
    op(
        Operation::RemoveSponsor,
        "delete",
        "/v1.0/users/{id}/sponsors/{sponsorId}/$ref",
        "Remove a sponsor",
        false,
    ),
    op(
        Operation::ListGroupMembers,
        "get",
        "/v1.0/groups/{id}/members",
        "List a group's members",
        false,
    ),
    op(
        Operation::AddGroupMember,
        "post",
        "/v1.0/groups/{id}/members/$ref",
        "Add a member",
        false,
    ),
    op(
        Operation::RemoveGroupMember,
        "delete",
        "/v1.0/groups/{id}/members/{memberId}/$ref",
        "Remove a member",
        false,
    ),
    op(
        Operation::ListContacts,
        "get",
        "/v1.0/contacts",
        "List organizational contacts",
        true,
    ),
    op(
        Operation::CreateContact,
        "post",
        "/v1.0/contacts",
        "Create a mail contact (Portico's addition, as Exchange's New-MailContact)",
        false,
    ),
    op(
        Operation::GetContact,
        "get",
        "/v1.0/contacts/{id}",
        "Get an organizational contact",
        false,
    ),
    op(
        Operation::GetOrganization,
        "get",
        "/v1.0/organization",
        "The tenant",
        false,
    ),
    op(
        Operation::GetOrganizationById,
        "get",
        "/v1.0/organization/{id}",
        "The tenant by id",
        false,
    ),
    op(
        Operation::ListDomains,
        "get",
        "/v1.0/domains",
        "Verified domains",
        false,
    ),
    op(
        Operation::ListDirectoryRoles,
        "get",
        "/v1.0/directoryRoles",
        "Activated directory roles",
        false,
    ),
    op(
        Operation::ListDirectoryRoleMembers,
        "get",
        "/v1.0/directoryRoles/{id}/members",
        "Members of a directory role",
        false,
    ),
    op(
        Operation::AssignDirectoryRole,
        "post",
        "/v1.0/directoryRoles/{id}/members/$ref",
        "Assign a directory role",
        false,
    ),
    op(
        Operation::ListApplications,
        "get",
        "/v1.0/applications",
        "App registrations",
        false,
    ),
    op(
        Operation::GetApplication,
        "get",
        "/v1.0/applications/{id}",
        "Get an app registration",
        false,
    ),
    op(
        Operation::CreateApplication,
        "post",
        "/v1.0/applications",
        "Register an application (identifierUris, api.oauth2PermissionScopes, api.requestedAccessTokenVersion, appRoles, requiredResourceAccess, web/spa/publicClient redirect URIs, signInAudience, keyCredentials); its service principal is created with POST /servicePrincipals",
        false,
    ),
    op(
        Operation::UpdateApplication,
        "patch",
        "/v1.0/applications/{id}",
        "Update an app registration (the properties of POST)",
        false,
    ),
    op(
        Operation::DeleteApplication,
        "delete",
        "/v1.0/applications/{id}",
        "Delete an app registration with its service principal, assignments and grants",
        false,
    ),
    op(
        Operation::AddApplicationPassword,
        "post",
        "/v1.0/applications/{id}/addPassword",
        "Add a client secret (secretText is returned once)",
        false,
    ),
    op(
        Operation::RemoveApplicationPassword,
        "post",
        "/v1.0/applications/{id}/removePassword",
        "Remove a client secret by keyId",
        false,
    ),
    op(
        Operation::ListFederatedCredentials,
        "get",
        "/v1.0/applications/{id}/federatedIdentityCredentials",
        "List federated identity credentials",
        false,
    ),
    op(
        Operation::CreateFederatedCredential,
        "post",
        "/v1.0/applications/{id}/federatedIdentityCredentials",
        "Add a federated identity credential (issuer, subject, audiences)",
        false,
    ),
    op(
        Operation::DeleteFederatedCredential,
        "delete",
        "/v1.0/applications/{id}/federatedIdentityCredentials/{credentialId}",
        "Delete a federated identity credential (by id or name)",
        false,
    ),
    op(
        Operation::ListServicePrincipals,
        "get",
        "/v1.0/servicePrincipals",
        "Service principals",
        false,
    ),
    op(
        Operation::GetServicePrincipal,
        "get",
        "/v1.0/servicePrincipals/{id}",
        "Get a service principal",
        false,
    ),
    op(
        Operation::CreateServicePrincipal,
        "post",
        "/v1.0/servicePrincipals",
        "Create the service principal of an application of the tenant ({appId})",
        false,
    ),
    op(
        Operation::UpdateServicePrincipal,
        "patch",
        "/v1.0/servicePrincipals/{id}",
        "Update a service principal (appRoleAssignmentRequired)",
        false,
    ),
    op(
        Operation::DeleteServicePrincipal,
        "delete",
        "/v1.0/servicePrincipals/{id}",
        "Delete a service principal (the application stays)",
        false,
    ),
    op(
        Operation::ListAppRoleAssignments,
        "get",
        "/v1.0/servicePrincipals/{id}/appRoleAssignedTo",
        "Who is assigned to an app",
        false,
    ),
    op(
        Operation::AssignApp,
        "post",
        "/v1.0/servicePrincipals/{id}/appRoleAssignedTo",
        "Assign a user, group or service principal to an app (appRoleId: one of its app roles; absent: default access)",
        false,
    ),
    op(
        Operation::RemoveAppRoleAssignment,
        "delete",
        "/v1.0/servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}",
        "Remove an app role assignment",
        false,
    ),
    op(
        Operation::ListServicePrincipalAppRoles,
        "get",
        "/v1.0/servicePrincipals/{id}/appRoleAssignments",
        "App roles a service principal holds",
        false,
    ),
    op(
        Operation::ListPermissionGrants,
        "get",
        "/v1.0/oauth2PermissionGrants",
        "Delegated permission grants",
        false,
    ),
    op(
        Operation::CreatePermissionGrant,
        "post",
        "/v1.0/oauth2PermissionGrants",
        "Grant delegated scopes of an API to a client (AllPrincipals: admin consent; Principal: one user)",
        false,
    ),
    op(
        Operation::UpdatePermissionGrant,
        "patch",
        "/v1.0/oauth2PermissionGrants/{id}",
        "Replace a grant's scopes",
        false,
    ),
    op(
        Operation::DeletePermissionGrant,
        "delete",
        "/v1.0/oauth2PermissionGrants/{id}",
        "Revoke a delegated permission grant",
        false,
    ),
    op(
        Operation::GetAuthorizationPolicy,
        "get",
        "/v1.0/policies/authorizationPolicy",
        "The authorization policy",
        false,
    ),
    op(
        Operation::UpdateAuthorizationPolicy,
        "patch",
        "/v1.0/policies/authorizationPolicy",
        "Update the authorization policy (allowInvitesFrom, guestUserRoleId …)",
        false,
    ),
    op(
        Operation::GetSecurityDefaults,
        "get",
        "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
        "Security defaults",
        false,
    ),
    op(
        Operation::UpdateSecurityDefaults,
        "patch",
        "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
        "Turn security defaults on or off",
        false,
    ),
    op(
        Operation::GetCrossTenantPolicy,
        "get",
        "/v1.0/policies/crossTenantAccessPolicy",
        "The cross-tenant access policy (displayName, allowedCloudEndpoints)",
        false,
    ),
    op(
        Operation::UpdateCrossTenantPolicy,
        "patch",
        "/v1.0/policies/crossTenantAccessPolicy",
        "Update the cross-tenant access policy",
        false,
    ),
    op(
        Operation::GetCrossTenantDefault,
        "get",
        "/v1.0/policies/crossTenantAccessPolicy/default",
        "The default cross-tenant access settings",
        false,
    ),
    op(
        Operation::UpdateCrossTenantDefault,
        "patch",
        "/v1.0/policies/crossTenantAccessPolicy/default",
        "Update the default cross-tenant access settings (B2B collaboration, direct connect, trust, tenant restrictions)",
        false,
    ),
    op(
        Operation::ResetCrossTenantDefault,
        "post",
        "/v1.0/policies/crossTenantAccessPolicy/default/resetToSystemDefault",
        "Reset the default cross-tenant access settings to the service default",
        false,
    ),
    op(
        Operation::ListCrossTenantPartners,
        "get",
        "/v1.0/policies/crossTenantAccessPolicy/partners",
        "List partner-specific cross-tenant access settings",
        false,
    ),
    op(
        Operation::CreateCrossTenantPartner,
        "post",
        "/v1.0/policies/crossTenantAccessPolicy/partners",
        "Add a partner configuration (409 if the tenant already has one)",
        false,
    ),
    op(
        Operation::GetCrossTenantPartner,
        "get",
        "/v1.0/policies/crossTenantAccessPolicy/partners/{id}",
        "A partner configuration by tenant id (null properties inherit the default)",
        false,
    ),
    op(
        Operation::UpdateCrossTenantPartner,
        "patch",
        "/v1.0/policies/crossTenantAccessPolicy/partners/{id}",
        "Update a partner configuration (null resets a property to inherit)",
        false,
    ),
    op(
        Operation::DeleteCrossTenantPartner,
        "delete",
        "/v1.0/policies/crossTenantAccessPolicy/partners/{id}",
        "Delete a partner configuration",
        false,
    ),
    op(
        Operation::ChangeOwnPassword,
        "post",
        "/v1.0/me/changePassword",
        "Change the signed-in user's password (remediates their user risk)",
        false,
    ),
    op(
        Operation::ListConditionalAccessPolicies,
        "get",
        "/v1.0/identity/conditionalAccess/policies",
        "List Conditional Access policies",
        false,
    ),
    op(
        Operation::CreateConditionalAccessPolicy,
        "post",
        "/v1.0/identity/conditionalAccess/policies",
        "Create a Conditional Access policy",
        false,
    ),
    op(
        Operation::GetConditionalAccessPolicy,
        "get",
        "/v1.0/identity/conditionalAccess/policies/{id}",
        "Get a Conditional Access policy",
        false,
    ),
    op(
        Operation::UpdateConditionalAccessPolicy,
        "patch",
        "/v1.0/identity/conditionalAccess/policies/{id}",
        "Update a Conditional Access policy",
        false,
    ),
    op(
        Operation::DeleteConditionalAccessPolicy,
        "delete",
        "/v1.0/identity/conditionalAccess/policies/{id}",
        "Delete a Conditional Access policy",
        false,
    ),
    op(
        Operation::ListNamedLocations,
        "get",
        "/v1.0/identity/conditionalAccess/namedLocations",
        "List named locations (IP ranges and countries)",
        false,
    ),
    op(
        Operation::CreateNamedLocation,
        "post",
        "/v1.0/identity/conditionalAccess/namedLocations",
        "Create an ipNamedLocation or countryNamedLocation",
        false,
    ),
    op(
        Operation::GetNamedLocation,
        "get",
        "/v1.0/identity/conditionalAccess/namedLocations/{id}",
        "Get a named location",
        false,
    ),
    op(
        Operation::UpdateNamedLocation,
        "patch",
        "/v1.0/identity/conditionalAccess/namedLocations/{id}",
        "Update a named location",
        false,
    ),
    op(
        Operation::DeleteNamedLocation,
        "delete",
        "/v1.0/identity/conditionalAccess/namedLocations/{id}",
        "Delete a named location no policy uses",
        false,
    ),
    op(
        Operation::ListRiskyUsers,
        "get",
        "/v1.0/identityProtection/riskyUsers",
        "List this tenant's risky users (never guests)",
        false,
    ),
    op(
        Operation::GetRiskyUser,
        "get",
        "/v1.0/identityProtection/riskyUsers/{id}",
        "Get a risky user",
        false,
    ),
    op(
        Operation::ConfirmCompromised,
        "post",
        "/v1.0/identityProtection/riskyUsers/confirmCompromised",
        "Confirm users compromised (this tenant's own users)",
        false,
    ),
    op(
        Operation::DismissRisk,
        "post",
        "/v1.0/identityProtection/riskyUsers/dismiss",
        "Dismiss users' risk (this tenant's own users; a guest's risk is dismissed at home)",
        false,
    ),
    op(
        Operation::ListAgreements,
        "get",
        "/v1.0/identityGovernance/termsOfUse/agreements",
        "List terms of use",
        false,
    ),
    op(
        Operation::CreateAgreement,
        "post",
        "/v1.0/identityGovernance/termsOfUse/agreements",
        "Create terms of use (text as the file's base64 data)",
        false,
    ),
    op(
        Operation::GetAgreement,
        "get",
        "/v1.0/identityGovernance/termsOfUse/agreements/{id}",
        "Get terms of use",
        false,
    ),
    op(
        Operation::DeleteAgreement,
        "delete",
        "/v1.0/identityGovernance/termsOfUse/agreements/{id}",
        "Delete terms of use no policy requires",
        false,
    ),
    op(
        Operation::ListRecipients,
        "get",
        "/portico/v1/tenants/{tenant}/recipients",
        "Exchange view of the tenant's recipients (Portico)",
        false,
    ),
    op(
        Operation::UpdateRecipient,
        "patch",
        "/portico/v1/tenants/{tenant}/recipients/{id}",
        "Show or hide a recipient in the address lists (Portico)",
        false,
    ),
];

fn collection_parameters() -> Vec<Value> {
    let query = |name: &str, description: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": description});
    vec![
        query(
            "$filter",
            "OData filter; advanced operators need ConsistencyLevel: eventual and $count=true",
        ),
        query("$select", "Comma-separated properties"),
        query("$top", "Page size (1–999, default 100)"),
        query("$orderby", "Property and direction"),
        query(
            "$count",
            "true to include @odata.count (with ConsistencyLevel: eventual)",
        ),
        query(
            "$search",
            "\"property:text\" clauses (with ConsistencyLevel: eventual)",
        ),
        query("$skiptoken", "From @odata.nextLink"),
        json!({"name": "ConsistencyLevel", "in": "header", "required": false, "schema": {"type": "string", "enum": ["eventual"]}}),
    ]
}

/// The logs' options: no advanced queries, larger pages, the late-enum-member preference.
fn log_collection_parameters() -> Vec<Value> {
    let query = |name: &str, description: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": description});
    vec![
        query(
            "$filter",
            "OData filter (see docs/graph.md, Logs); ne and not need no header",
        ),
        query("$select", "Comma-separated properties"),
        query("$top", "Page size (1–1000, default 1000)"),
        query("$orderby", "The time, asc or desc (default: newest first)"),
        query("$skiptoken", "From @odata.nextLink"),
        json!({"name": "Prefer", "in": "header", "required": false, "schema": {"type": "string", "enum": ["include-unknown-enum-members"]}}),
    ]
}

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect()
}

fn roles_text(users: Users) -> Value {
    match users {
        Users::Members => json!("members"),
        Users::Me => json!("the signed-in user"),
        Users::Roles(roles) => json!(roles.iter().map(|r| r.display_name()).collect::<Vec<_>>()),
    }
}

fn guests_text(guests: Guests) -> &'static str {
    match guests {
        Guests::Never => "never",
        Guests::SameAsMembers => "sameAsMembers",
        Guests::ById => "limited: by id; restricted: own object and groups",
        Guests::Always => "every level",
    }
}

/// The operation's row of the permission table, as the description's `x-permissions`.
pub fn permissions(rule: &Rule) -> Value {
    json!({
        "application": rule.application,
        "delegated": rule.delegated,
        "delegatedOwnObjectOnly": rule.own,
        "delegatedUsers": roles_text(rule.users),
        "guests": guests_text(rule.guests),
    })
}

/// The success response, with the user schema where the body is users.
fn success_response(operation: Operation) -> Value {
    let user = json!({"$ref": "#/components/schemas/microsoft.graph.user"});
    let schema = match operation {
        Operation::GetUser
        | Operation::GetMe
        | Operation::CreateUser
        | Operation::GetDeletedItem
        | Operation::RestoreDeletedItem => user,
        Operation::RevokeSignInSessions => {
            json!({"type": "object", "properties": {"value": {"type": "boolean"}}})
        }
        Operation::ListUsers | Operation::ListDeletedUsers => {
            json!({"type": "object", "properties": {"value": {"type": "array", "items": user}}})
        }
        _ => return json!({"description": "Success"}),
    };
    json!({"description": "Success", "content": {"application/json": {"schema": schema}}})
}

/// The OpenAPI 3.0 document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for endpoint in ENDPOINTS {
        let mut parameters = path_parameters(endpoint.path);
        if endpoint.collection && endpoint.path.starts_with("/v1.0/auditLogs/") {
            parameters.extend(log_collection_parameters());
        } else if endpoint.collection {
            parameters.extend(collection_parameters());
        }
        let success = match endpoint.method {
            "post" if endpoint.path.ends_with("$ref") => "204",
            "post"
                if ACTIONS_WITHOUT_CONTENT
                    .iter()
                    .any(|a| endpoint.path.ends_with(a)) =>
            {
                "204"
            }
            "post"
                if ACTIONS_WITH_RESULT
                    .iter()
                    .any(|a| endpoint.path.ends_with(a)) =>
            {
                "200"
            }
            "post" => "201",
            "patch" if endpoint.path.contains("recipients") => "200",
            "patch" | "delete" => "204",
            _ => "200",
        };
        let mut operation = json!({
            "summary": endpoint.summary,
            "parameters": parameters,
            "security": [{"bearer": []}],
            "operationId": endpoint.operation.name(),
            "x-permissions": permissions(&endpoint.operation.rule()),
            "responses": {
                success: success_response(endpoint.operation),
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "429": {"$ref": "#/components/responses/Error"},
            },
        });
        if let (Some(body), Value::Object(fields)) = (
            super::openapi_bodies::request_body(endpoint.operation),
            &mut operation,
        ) {
            fields.insert("requestBody".to_owned(), body);
        }
        let item = paths
            .entry(endpoint.path.to_owned())
            .or_insert_with(|| json!({}));
        if let Value::Object(methods) = item {
            methods.insert(endpoint.method.to_owned(), operation);
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Portico — Microsoft Graph v1.0 subset", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "responses": {"Error": {"description": "The Graph error envelope", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}}},
            "schemas": {
                "ErrorEnvelope": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"},
                    "innerError": {"type": "object", "properties": {"code": {"type": "string"}, "date": {"type": "string"}, "request-id": {"type": "string"}, "client-request-id": {"type": "string"}}}
                }}}},
                "microsoft.graph.user": entities::entity_schema(&portico_odata::USER),
            },
        },
    })
}

/// The committed form: pretty JSON with a final newline.
pub fn document_text() -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(&document()).unwrap_or_default()
    )
}
