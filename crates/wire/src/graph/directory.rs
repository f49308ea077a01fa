//! Graph shapes of groups, contacts, the organization, domains, roles, apps and the
//! authorization policy.

use super::{project, timestamp};
use portico_model::group::{Group, MailContact};
use portico_model::role::DirectoryRole;
use portico_model::settings::{AllowInvitesFrom, AuthorizationPolicy};
use portico_model::tenant::Tenant;
use serde_json::{json, Map, Value};

fn strings<T: ToString>(items: &[T]) -> Value {
    json!(items.iter().map(ToString::to_string).collect::<Vec<_>>())
}

pub const DEFAULT_GROUP_PROPERTIES: &[&str] = &[
    "id",
    "createdDateTime",
    "description",
    "displayName",
    "groupTypes",
    "mail",
    "mailEnabled",
    "mailNickname",
    "membershipRule",
    "membershipRuleProcessingState",
    "proxyAddresses",
    "securityEnabled",
    "visibility",
];

pub fn group_json(group: &Group, select: Option<&[&str]>) -> Map<String, Value> {
    let dynamic = group.kind.dynamic.as_ref();
    let all = vec![
        ("id", json!(group.id.to_string())),
        ("createdDateTime", timestamp(group.created_at)),
        ("description", json!(group.description)),
        ("displayName", json!(group.display_name)),
        ("groupTypes", json!(group.kind.group_types())),
        ("mail", json!(group.mail.as_ref().map(ToString::to_string))),
        ("mailEnabled", json!(group.mail_enabled)),
        ("mailNickname", json!(group.mail_nickname)),
        ("membershipRule", json!(dynamic.map(|d| d.rule.clone()))),
        (
            "membershipRuleProcessingState",
            json!(dynamic.map(|d| if d.paused { "Paused" } else { "On" })),
        ),
        ("proxyAddresses", strings(&group.proxy_addresses)),
        ("securityEnabled", json!(group.security_enabled)),
        ("visibility", json!(group.kind.visibility)),
    ];
    project(all, DEFAULT_GROUP_PROPERTIES, select)
}

pub const DEFAULT_CONTACT_PROPERTIES: &[&str] = &[
    "id",
    "displayName",
    "mail",
    "mailNickname",
    "proxyAddresses",
];

pub fn contact_json(contact: &MailContact, select: Option<&[&str]>) -> Map<String, Value> {
    let all = vec![
        ("id", json!(contact.id.to_string())),
        ("displayName", json!(contact.display_name)),
        ("mail", json!(contact.mail.to_string())),
        ("mailNickname", json!(contact.mail.local_part())),
        ("proxyAddresses", strings(&contact.proxy_addresses)),
    ];
    project(all, DEFAULT_CONTACT_PROPERTIES, select)
}

pub fn organization_json(tenant: &Tenant) -> Map<String, Value> {
    let domains: Vec<Value> = tenant
        .domains()
        .map(|d| json!({"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": *d == tenant.initial_domain, "isInitial": *d == tenant.initial_domain, "name": d.to_string(), "type": "Managed"}))
        .collect();
    let mut object = Map::new();
    object.insert("id".into(), json!(tenant.id.to_string()));
    object.insert("displayName".into(), json!(tenant.display_name));
    object.insert("createdDateTime".into(), timestamp(tenant.created_at));
    object.insert("tenantType".into(), json!("AAD"));
    object.insert("verifiedDomains".into(), Value::Array(domains));
    object
}

pub fn domain_json(tenant: &Tenant, name: &portico_model::DomainName) -> Map<String, Value> {
    let initial = name == &tenant.initial_domain;
    let mut object = Map::new();
    object.insert("id".into(), json!(name.to_string()));
    object.insert("authenticationType".into(), json!("Managed"));
    object.insert("isDefault".into(), json!(initial));
    object.insert("isInitial".into(), json!(initial));
    object.insert("isRoot".into(), json!(true));
    object.insert("isVerified".into(), json!(true));
    object.insert("supportedServices".into(), json!(["Email"]));
    object
}

/// An activated directory role; its id is the template id, as Portico activates every role.
pub fn directory_role_json(role: DirectoryRole) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("id".into(), json!(role.template_id().to_string()));
    object.insert("displayName".into(), json!(role.display_name()));
    object.insert("description".into(), json!(role.display_name()));
    object.insert(
        "roleTemplateId".into(),
        json!(role.template_id().to_string()),
    );
    object
}

pub use super::applications::{application_json, service_principal_json};

pub fn allow_invites_from_name(value: AllowInvitesFrom) -> &'static str {
    match value {
        AllowInvitesFrom::None => "none",
        AllowInvitesFrom::AdminsAndGuestInviters => "adminsAndGuestInviters",
        AllowInvitesFrom::AdminsGuestInvitersAndAllMembers => "adminsGuestInvitersAndAllMembers",
        AllowInvitesFrom::Everyone => "everyone",
    }
}

pub fn parse_allow_invites_from(name: &str) -> Option<AllowInvitesFrom> {
    [
        AllowInvitesFrom::None,
        AllowInvitesFrom::AdminsAndGuestInviters,
        AllowInvitesFrom::AdminsGuestInvitersAndAllMembers,
        AllowInvitesFrom::Everyone,
    ]
    .into_iter()
    .find(|v| allow_invites_from_name(*v).eq_ignore_ascii_case(name))
}

pub fn authorization_policy_json(policy: &AuthorizationPolicy) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("id".into(), json!("authorizationPolicy"));
    object.insert("displayName".into(), json!("Authorization Policy"));
    object.insert(
        "description".into(),
        json!("Used to manage authorization related settings across the company."),
    );
    object.insert(
        "allowInvitesFrom".into(),
        json!(allow_invites_from_name(policy.allow_invites_from)),
    );
    object.insert(
        "allowedToSignUpEmailBasedSubscriptions".into(),
        json!(policy.allowed_to_sign_up_email_based_subscriptions),
    );
    object.insert("allowedToUseSSPR".into(), json!(policy.allowed_to_use_sspr));
    object.insert(
        "allowEmailVerifiedUsersToJoinOrganization".into(),
        json!(policy.allow_email_verified_users_to_join_organization),
    );
    object.insert(
        "blockMsolPowerShell".into(),
        json!(policy.block_msol_powershell),
    );
    object.insert(
        "guestUserRoleId".into(),
        json!(policy.guest_access.role_id().to_string()),
    );
    let grant_policies: Vec<&str> = if policy.allow_user_consent {
        vec![USER_CONSENT_POLICY]
    } else {
        Vec::new()
    };
    object.insert("defaultUserRolePermissions".into(), json!({"allowedToReadOtherUsers": policy.allowed_to_read_other_users, "allowedToCreateApps": true, "allowedToCreateSecurityGroups": true, "permissionGrantPoliciesAssigned": grant_policies}));
    object
}

/// Entra's permission grant policy that lets users consent to apps for themselves.
pub const USER_CONSENT_POLICY: &str = "ManagePermissionGrantsForSelf.microsoft-user-default-legacy";

/// Whether `permissionGrantPoliciesAssigned` lets users consent for themselves (any
/// `ManagePermissionGrantsForSelf.` policy).
pub fn allows_user_consent(policies: &[String]) -> bool {
    policies
        .iter()
        .any(|p| p.starts_with("ManagePermissionGrantsForSelf."))
}

/// A user as a member or role holder in a `directoryObject` collection.
pub fn user_reference_json(user: &portico_model::user::User) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("@odata.type".into(), "#microsoft.graph.user".into());
    object.insert("id".into(), user.id.to_string().into());
    object.insert("displayName".into(), user.display_name.clone().into());
    object.insert(
        "userPrincipalName".into(),
        user.user_principal_name.to_string().into(),
    );
    object.insert(
        "mail".into(),
        user.mail
            .as_ref()
            .map_or(Value::Null, |m| m.to_string().into()),
    );
    object
}

/// A group as a member in a `directoryObject` collection.
pub fn group_reference_json(group: &Group) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("@odata.type".into(), "#microsoft.graph.group".into());
    object.insert("id".into(), group.id.to_string().into());
    object.insert("displayName".into(), group.display_name.clone().into());
    object
}

/// One app role assignment of the default role (Portico has no others yet) of `principal` to the
/// application `resource` (with its name when the answer carries it).
pub fn app_role_assignment_json(
    principal: portico_model::ObjectId,
    resource: portico_model::ObjectId,
    resource_display_name: Option<&str>,
) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("id".into(), principal.to_string().into());
    object.insert("principalId".into(), principal.to_string().into());
    object.insert("resourceId".into(), resource.to_string().into());
    if let Some(name) = resource_display_name {
        object.insert("resourceDisplayName".into(), name.into());
    }
    object.insert(
        "appRoleId".into(),
        "00000000-0000-0000-0000-000000000000".into(),
    );
    object
}

/// `identitySecurityDefaultsEnforcementPolicy`.
pub fn security_defaults_json(enabled: bool) -> Value {
    serde_json::json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity",
        "id": "00000000-0000-0000-0000-000000000005",
        "displayName": "Security Defaults",
        "description": "Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.",
        "isEnabled": enabled,
    })
}
