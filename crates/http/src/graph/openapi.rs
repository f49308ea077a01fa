//! The OpenAPI description of Portico's Graph subset, generated from this table. The committed
//! copy (`docs/openapi/graph.json`) is checked against it by the tests, and every row is checked
//! to be routed, so the description cannot drift from the server.

use serde_json::{json, Map, Value};

/// One Graph operation Portico serves.
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Application permissions that allow it (delegated callers need the matching scope).
    pub permissions: &'static [&'static str],
    /// Whether it is a collection that takes OData query options.
    pub collection: bool,
}

const fn op(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    permissions: &'static [&'static str],
    collection: bool,
) -> Endpoint {
    Endpoint {
        method,
        path,
        summary,
        permissions,
        collection,
    }
}

const USERS_READ: &[&str] = &[
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const USERS_WRITE: &[&str] = &["User.ReadWrite.All", "Directory.ReadWrite.All"];
const GROUPS_READ: &[&str] = &[
    "Group.Read.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const GROUPS_WRITE: &[&str] = &[
    "Group.ReadWrite.All",
    "GroupMember.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const DIRECTORY_READ: &[&str] = &["Directory.Read.All", "Directory.ReadWrite.All"];
const CONDITIONAL_ACCESS_READ: &[&str] = &["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"];
const CONDITIONAL_ACCESS_WRITE: &[&str] = &["Policy.ReadWrite.ConditionalAccess"];
const RISK_READ: &[&str] = &[
    "IdentityRiskyUser.Read.All",
    "IdentityRiskyUser.ReadWrite.All",
];
const RISK_WRITE: &[&str] = &["IdentityRiskyUser.ReadWrite.All"];
const AGREEMENTS_READ: &[&str] = &["Agreement.Read.All", "Agreement.ReadWrite.All"];
const AGREEMENTS_WRITE: &[&str] = &["Agreement.ReadWrite.All"];
/// Graph actions that answer 204 No Content.
const ACTIONS_WITHOUT_CONTENT: &[&str] = &[
    "/dismiss",
    "/confirmCompromised",
    "/changePassword",
    "/resetToSystemDefault",
];
const CROSS_TENANT_READ: &[&str] = &["Policy.Read.All", "Policy.ReadWrite.CrossTenantAccess"];
/// Delegated callers also need a role that may read reports (Global Administrator).
const AUDIT_LOG_READ: &[&str] = &["AuditLog.Read.All"];
const CROSS_TENANT_WRITE: &[&str] = &["Policy.ReadWrite.CrossTenantAccess"];

pub const ENDPOINTS: &[Endpoint] = &[
    op("get", "/v1.0/users", "List users", USERS_READ, true),
    op("post", "/v1.0/users", "Create a user", USERS_WRITE, false),
    op(
        "get",
        "/v1.0/users/$count",
        "Count users (ConsistencyLevel: eventual)",
        USERS_READ,
        false,
    ),
    op(
        "get",
        "/v1.0/users/{id}",
        "Get a user by id or userPrincipalName",
        USERS_READ,
        false,
    ),
    op(
        "patch",
        "/v1.0/users/{id}",
        "Update a user (displayName, mail, otherMails, accountEnabled, userType …)",
        USERS_WRITE,
        false,
    ),
    op(
        "delete",
        "/v1.0/users/{id}",
        "Delete a user",
        USERS_WRITE,
        false,
    ),
    op("get", "/v1.0/me", "The signed-in user", &[], false),
    op(
        "post",
        "/v1.0/invitations",
        "Invite an external user (guest or member), re-invite, or reset a redemption",
        &[
            "User.Invite.All",
            "User.ReadWrite.All",
            "Directory.ReadWrite.All",
        ],
        false,
    ),
    op(
        "get",
        "/v1.0/auditLogs/signIns",
        "List this tenant's sign-ins, newest first ($filter, $top up to 1000, default 1000)",
        AUDIT_LOG_READ,
        true,
    ),
    op(
        "get",
        "/v1.0/auditLogs/signIns/{id}",
        "Get a sign-in",
        AUDIT_LOG_READ,
        false,
    ),
    op(
        "get",
        "/v1.0/auditLogs/directoryAudits",
        "List this tenant's directory audit records, newest first ($filter, $top up to 1000)",
        AUDIT_LOG_READ,
        true,
    ),
    op(
        "get",
        "/v1.0/auditLogs/directoryAudits/{id}",
        "Get a directory audit record",
        AUDIT_LOG_READ,
        false,
    ),
    op("get", "/v1.0/groups", "List groups", GROUPS_READ, true),
    op(
        "post",
        "/v1.0/groups",
        "Create a group",
        GROUPS_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/groups/{id}",
        "Get a group",
        GROUPS_READ,
        false,
    ),
    op(
        "delete",
        "/v1.0/groups/{id}",
        "Delete a group",
        GROUPS_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/groups/{id}/members",
        "List a group's members",
        GROUPS_READ,
        false,
    ),
    op(
        "post",
        "/v1.0/groups/{id}/members/$ref",
        "Add a member",
        GROUPS_WRITE,
        false,
    ),
    op(
        "delete",
        "/v1.0/groups/{id}/members/{memberId}/$ref",
        "Remove a member",
        GROUPS_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/contacts",
        "List organizational contacts",
        DIRECTORY_READ,
        true,
    ),
    op(
        "post",
        "/v1.0/contacts",
        "Create a mail contact (Portico's addition, as Exchange's New-MailContact)",
        USERS_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/contacts/{id}",
        "Get an organizational contact",
        DIRECTORY_READ,
        false,
    ),
    op(
        "get",
        "/v1.0/organization",
        "The tenant",
        DIRECTORY_READ,
        false,
    ),
    op(
        "get",
        "/v1.0/organization/{id}",
        "The tenant by id",
        DIRECTORY_READ,
        false,
    ),
    op(
        "get",
        "/v1.0/domains",
        "Verified domains",
        DIRECTORY_READ,
        false,
    ),
    op(
        "get",
        "/v1.0/directoryRoles",
        "Activated directory roles",
        DIRECTORY_READ,
        false,
    ),
    op(
        "get",
        "/v1.0/directoryRoles/{id}/members",
        "Members of a directory role",
        DIRECTORY_READ,
        false,
    ),
    op(
        "post",
        "/v1.0/directoryRoles/{id}/members/$ref",
        "Assign a directory role",
        &[
            "RoleManagement.ReadWrite.Directory",
            "Directory.ReadWrite.All",
        ],
        false,
    ),
    op(
        "get",
        "/v1.0/applications",
        "App registrations",
        DIRECTORY_READ,
        false,
    ),
    op(
        "get",
        "/v1.0/servicePrincipals",
        "Service principals",
        DIRECTORY_READ,
        false,
    ),
    op(
        "get",
        "/v1.0/servicePrincipals/{id}/appRoleAssignedTo",
        "Who is assigned to an app",
        DIRECTORY_READ,
        false,
    ),
    op(
        "post",
        "/v1.0/servicePrincipals/{id}/appRoleAssignedTo",
        "Assign a user or group to an app",
        &[
            "AppRoleAssignment.ReadWrite.All",
            "Application.ReadWrite.All",
            "Directory.ReadWrite.All",
        ],
        false,
    ),
    op(
        "get",
        "/v1.0/policies/authorizationPolicy",
        "The authorization policy",
        &["Policy.Read.All", "Policy.ReadWrite.Authorization"],
        false,
    ),
    op(
        "patch",
        "/v1.0/policies/authorizationPolicy",
        "Update the authorization policy (allowInvitesFrom, guestUserRoleId …)",
        &["Policy.ReadWrite.Authorization"],
        false,
    ),
    op(
        "get",
        "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
        "Security defaults",
        &["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"],
        false,
    ),
    op(
        "patch",
        "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
        "Turn security defaults on or off",
        &["Policy.ReadWrite.ConditionalAccess"],
        false,
    ),
    op(
        "get",
        "/v1.0/policies/crossTenantAccessPolicy",
        "The cross-tenant access policy (displayName, allowedCloudEndpoints)",
        CROSS_TENANT_READ,
        false,
    ),
    op(
        "patch",
        "/v1.0/policies/crossTenantAccessPolicy",
        "Update the cross-tenant access policy",
        CROSS_TENANT_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/policies/crossTenantAccessPolicy/default",
        "The default cross-tenant access settings",
        CROSS_TENANT_READ,
        false,
    ),
    op(
        "patch",
        "/v1.0/policies/crossTenantAccessPolicy/default",
        "Update the default cross-tenant access settings (B2B collaboration, direct connect, trust, tenant restrictions)",
        CROSS_TENANT_WRITE,
        false,
    ),
    op(
        "post",
        "/v1.0/policies/crossTenantAccessPolicy/default/resetToSystemDefault",
        "Reset the default cross-tenant access settings to the service default",
        CROSS_TENANT_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/policies/crossTenantAccessPolicy/partners",
        "List partner-specific cross-tenant access settings",
        CROSS_TENANT_READ,
        false,
    ),
    op(
        "post",
        "/v1.0/policies/crossTenantAccessPolicy/partners",
        "Add a partner configuration (409 if the tenant already has one)",
        CROSS_TENANT_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/policies/crossTenantAccessPolicy/partners/{id}",
        "A partner configuration by tenant id (null properties inherit the default)",
        CROSS_TENANT_READ,
        false,
    ),
    op(
        "patch",
        "/v1.0/policies/crossTenantAccessPolicy/partners/{id}",
        "Update a partner configuration (null resets a property to inherit)",
        CROSS_TENANT_WRITE,
        false,
    ),
    op(
        "delete",
        "/v1.0/policies/crossTenantAccessPolicy/partners/{id}",
        "Delete a partner configuration",
        CROSS_TENANT_WRITE,
        false,
    ),
    op(
        "post",
        "/v1.0/users/{id}/portico.clearLockout",
        "Portico: end a user's smart lockout (every location)",
        USERS_WRITE,
        false,
    ),
    op(
        "post",
        "/v1.0/me/changePassword",
        "Change the signed-in user's password (remediates their user risk)",
        &[],
        false,
    ),
    op(
        "get",
        "/v1.0/identity/conditionalAccess/policies",
        "List Conditional Access policies",
        CONDITIONAL_ACCESS_READ,
        false,
    ),
    op(
        "post",
        "/v1.0/identity/conditionalAccess/policies",
        "Create a Conditional Access policy",
        CONDITIONAL_ACCESS_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/identity/conditionalAccess/policies/{id}",
        "Get a Conditional Access policy",
        CONDITIONAL_ACCESS_READ,
        false,
    ),
    op(
        "patch",
        "/v1.0/identity/conditionalAccess/policies/{id}",
        "Update a Conditional Access policy",
        CONDITIONAL_ACCESS_WRITE,
        false,
    ),
    op(
        "delete",
        "/v1.0/identity/conditionalAccess/policies/{id}",
        "Delete a Conditional Access policy",
        CONDITIONAL_ACCESS_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/identity/conditionalAccess/namedLocations",
        "List named locations (IP ranges and countries)",
        CONDITIONAL_ACCESS_READ,
        false,
    ),
    op(
        "post",
        "/v1.0/identity/conditionalAccess/namedLocations",
        "Create an ipNamedLocation or countryNamedLocation",
        CONDITIONAL_ACCESS_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/identity/conditionalAccess/namedLocations/{id}",
        "Get a named location",
        CONDITIONAL_ACCESS_READ,
        false,
    ),
    op(
        "patch",
        "/v1.0/identity/conditionalAccess/namedLocations/{id}",
        "Update a named location",
        CONDITIONAL_ACCESS_WRITE,
        false,
    ),
    op(
        "delete",
        "/v1.0/identity/conditionalAccess/namedLocations/{id}",
        "Delete a named location no policy uses",
        CONDITIONAL_ACCESS_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/identityProtection/riskyUsers",
        "List this tenant's risky users (never guests)",
        RISK_READ,
        false,
    ),
    op(
        "get",
        "/v1.0/identityProtection/riskyUsers/{id}",
        "Get a risky user",
        RISK_READ,
        false,
    ),
    op(
        "post",
        "/v1.0/identityProtection/riskyUsers/confirmCompromised",
        "Confirm users compromised (this tenant's own users)",
        RISK_WRITE,
        false,
    ),
    op(
        "post",
        "/v1.0/identityProtection/riskyUsers/dismiss",
        "Dismiss users' risk (this tenant's own users; a guest's risk is dismissed at home)",
        RISK_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/identityGovernance/termsOfUse/agreements",
        "List terms of use",
        AGREEMENTS_READ,
        false,
    ),
    op(
        "post",
        "/v1.0/identityGovernance/termsOfUse/agreements",
        "Create terms of use (text as the file's base64 data)",
        AGREEMENTS_WRITE,
        false,
    ),
    op(
        "get",
        "/v1.0/identityGovernance/termsOfUse/agreements/{id}",
        "Get terms of use",
        AGREEMENTS_READ,
        false,
    ),
    op(
        "delete",
        "/v1.0/identityGovernance/termsOfUse/agreements/{id}",
        "Delete terms of use no policy requires",
        AGREEMENTS_WRITE,
        false,
    ),
    op(
        "get",
        "/portico/v1/tenants/{tenant}/recipients",
        "Exchange view of the tenant's recipients (Portico)",
        USERS_READ,
        false,
    ),
    op(
        "patch",
        "/portico/v1/tenants/{tenant}/recipients/{id}",
        "Show or hide a recipient in the address lists (Portico)",
        USERS_WRITE,
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
            "post" => "201",
            "patch" if endpoint.path.contains("recipients") => "200",
            "patch" | "delete" => "204",
            _ => "200",
        };
        let operation = json!({
            "summary": endpoint.summary,
            "parameters": parameters,
            "security": [{"bearer": []}],
            "x-permissions": endpoint.permissions,
            "responses": {
                success: {"description": "Success"},
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "429": {"$ref": "#/components/responses/Error"},
            },
        });
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
            "schemas": {"ErrorEnvelope": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "innerError": {"type": "object", "properties": {"code": {"type": "string"}, "date": {"type": "string"}, "request-id": {"type": "string"}, "client-request-id": {"type": "string"}}}
            }}}}},
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
