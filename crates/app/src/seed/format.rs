//! The seed file format (TOML), as written by users. Documented in `docs/seed-format.md`;
//! `seeds/demo.toml` is the demo world. Unknown keys are errors, so typos do not pass silently.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    /// Password for users that do not set one.
    pub default_password: Option<String>,
    #[serde(default, rename = "tenant")]
    pub tenants: Vec<TenantSeed>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSeed {
    /// A short name other entries of the seed use to refer to this tenant.
    pub key: String,
    pub id: String,
    pub display_name: String,
    /// Verified domains, the initial (`*.onmicrosoft.com`) one first.
    pub domains: Vec<String>,
    #[serde(default)]
    pub settings: SettingsSeed,
    #[serde(default, rename = "user")]
    pub users: Vec<UserSeed>,
    #[serde(default, rename = "group")]
    pub groups: Vec<GroupSeed>,
    #[serde(default, rename = "app")]
    pub apps: Vec<AppSeed>,
    #[serde(default, rename = "partner")]
    pub partners: Vec<PartnerSeed>,
    /// The tenant's default cross-tenant access settings; absent keeps Entra's service default.
    pub cross_tenant_default: Option<CrossTenantDefaultSeed>,
    #[serde(default, rename = "named_location")]
    pub named_locations: Vec<NamedLocationSeed>,
    #[serde(default, rename = "terms_of_use")]
    pub terms_of_use: Vec<TermsOfUseSeed>,
    #[serde(default, rename = "conditional_access")]
    pub conditional_access: Vec<ConditionalAccessSeed>,
    #[serde(default, rename = "federation")]
    pub federations: Vec<FederationSeed>,
}

/// An external OpenID Connect provider for guests of a domain.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FederationSeed {
    pub domain: String,
    /// `{public_url}` is replaced by the server's public URL.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsSeed {
    /// `same_as_members`, `limited` (default) or `restricted`.
    pub guest_access: Option<String>,
    /// `none`, `admins_and_guest_inviters`, `admins_guest_inviters_and_all_members`, `everyone` (default).
    pub allow_invites_from: Option<String>,
    pub email_otp_enabled: Option<bool>,
    pub invitation_lifetime_days: Option<u32>,
    pub self_service_sign_up: Option<bool>,
    pub allowed_domains: Option<Vec<String>>,
    pub blocked_domains: Option<Vec<String>>,
    /// Days sign-in log rows are kept (default 30, at least 1).
    pub sign_in_retention_days: Option<u32>,
    /// Days audit log rows are kept (default 30, at least 1).
    pub audit_retention_days: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserSeed {
    pub upn: String,
    pub display_name: String,
    /// Fixed object id; derived from the tenant id and UPN when absent.
    pub id: Option<String>,
    /// Defaults to the UPN. Ignored when `mailbox = false`.
    pub mail: Option<String>,
    /// `false` for accounts that cannot receive e-mail (no mail, no proxy addresses).
    #[serde(default = "yes")]
    pub mailbox: bool,
    #[serde(default)]
    pub other_mails: Vec<String>,
    /// Defaults to `["SMTP:<mail>"]`.
    pub proxy_addresses: Option<Vec<String>>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    #[serde(default = "yes")]
    pub account_enabled: bool,
    pub password: Option<String>,
    /// The password's Argon2id hash (a PHC string) instead of `password`: what a world export
    /// holds, so a restored world signs the same people in.
    pub password_hash: Option<String>,
    /// Directory role display names, e.g. `Global Administrator`, `Guest Inviter`.
    #[serde(default)]
    pub roles: Vec<String>,
    /// A registered TOTP authenticator (base32 secret; SHA-1, 6 digits, 30 s).
    pub totp_secret: Option<String>,
    /// `Member` (default) or `Guest`: a local account can be a guest (seed 001's state 4).
    pub user_type: Option<String>,
    /// Synced from on-premises AD (seed 001's state 3, Source "Windows Server AD").
    #[serde(default)]
    pub synced: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSeed {
    pub display_name: String,
    pub id: Option<String>,
    pub description: Option<String>,
    /// A mail-enabled group's primary address.
    pub mail: Option<String>,
    #[serde(default = "yes")]
    pub security_enabled: bool,
    /// Members by UPN.
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppSeed {
    pub display_name: String,
    pub client_id: String,
    pub id: Option<String>,
    /// Stored only as a hash.
    pub secret: Option<String>,
    /// Client secrets by their SHA-256 digest (what a world export holds): the same secrets
    /// work after a restore.
    #[serde(
        default,
        rename = "secret_digest",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub secret_digests: Vec<SecretDigestSeed>,
    /// `{public_url}` is replaced by the server's public URL.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub public_client: bool,
    #[serde(default)]
    pub assignment_required: bool,
    #[serde(default)]
    pub allow_password_grant: bool,
    /// Microsoft Graph application permissions.
    #[serde(default)]
    pub graph_permissions: Vec<String>,
    /// Users (by UPN) assigned to the app.
    #[serde(default)]
    pub assigned: Vec<String>,
    /// Certificates (PEM, or base64 DER) for `private_key_jwt` client assertions.
    #[serde(default)]
    pub certificates: Vec<String>,
    /// The API it exposes (docs/apps.md): identifier URIs (`api://…` or a verified domain).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier_uris: Vec<String>,
    /// Delegated scopes it exposes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<ScopeSeed>,
    /// App roles it defines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub app_roles: Vec<AppRoleSeed>,
    /// 2 for v2.0 access tokens; absent for v1.0 (Entra's default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_version: Option<u8>,
    /// `AzureADMyOrg` (default) or `AzureADMultipleOrgs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in_audience: Option<String>,
    /// Permissions on other APIs of the tenant granted to this app.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_permissions: Vec<ApiPermissionSeed>,
}

/// A delegated scope an API exposes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeSeed {
    pub value: String,
    /// Only administrators may consent (Graph's `type: Admin`); users may otherwise.
    #[serde(default)]
    pub admin_consent_required: bool,
    pub description: Option<String>,
}

/// An app role an API defines.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppRoleSeed {
    pub value: String,
    /// `Application` and/or `User`; default `Application`.
    #[serde(default = "application_members")]
    pub members: Vec<String>,
    pub description: Option<String>,
}

fn application_members() -> Vec<String> {
    vec!["Application".to_owned()]
}

/// What this app may use of another API of the tenant (named by identifier URI or client id):
/// app roles assigned to it, delegated scopes consented for everyone (admin consent).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiPermissionSeed {
    pub api: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// A client secret known by its digest.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecretDigestSeed {
    pub id: Option<String>,
    /// Lower-case hex SHA-256 of the secret.
    pub sha256: String,
    /// The secret's first three characters, as Entra shows them.
    #[serde(default)]
    pub hint: String,
    pub display_name: Option<String>,
    /// RFC 3339; absent for a secret that does not expire.
    pub expires: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerSeed {
    /// The partner tenant's key in this seed, or its tenant id.
    pub tenant: String,
    /// `allow` or `block` (all users, all applications); absent inherits the default.
    pub b2b_collaboration_inbound: Option<String>,
    pub b2b_collaboration_outbound: Option<String>,
    pub inbound_trust_mfa: Option<bool>,
    pub inbound_trust_compliant_device: Option<bool>,
    /// Tenant restrictions for the partner's users and apps: `allow` or `block`; absent inherits.
    pub tenant_restrictions: Option<String>,
    /// A cloud service provider relationship.
    #[serde(default)]
    pub is_service_provider: bool,
}

/// The default cross-tenant access settings; each key left out keeps the service default.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CrossTenantDefaultSeed {
    /// `allow` or `block` (all users, all applications).
    pub b2b_collaboration_inbound: Option<String>,
    pub b2b_collaboration_outbound: Option<String>,
    /// Tenant restrictions v2 for every external tenant: `allow` or `block` (the service default).
    pub tenant_restrictions: Option<String>,
    pub inbound_trust_mfa: Option<bool>,
    pub inbound_trust_compliant_device: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionalAccessSeed {
    pub display_name: String,
    pub id: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// `enabled`, `disabled` or `enabledForReportingButNotEnforced`.
    pub state: String,
    #[serde(default)]
    pub include_users: Vec<String>,
    #[serde(default)]
    pub exclude_users: Vec<String>,
    #[serde(default)]
    pub include_applications: Vec<String>,
    #[serde(default)]
    pub user_risk_levels: Vec<String>,
    #[serde(default)]
    pub sign_in_risk_levels: Vec<String>,
    /// Built-in grant controls: `block`, `mfa`, `compliantDevice`, `domainJoinedDevice`,
    /// `approvedApplication`, `compliantApplication`, `passwordChange`.
    #[serde(default)]
    pub grant: Vec<String>,
    /// `OR` (default) or `AND`.
    pub grant_operator: Option<String>,
    /// Guest and external user types (`b2bCollaborationGuest`, …), from all external tenants.
    #[serde(default)]
    pub include_guests_or_external_users: Vec<String>,
    #[serde(default)]
    pub exclude_guests_or_external_users: Vec<String>,
    /// `All`, `AllTrusted`, or named locations of this tenant by display name or id.
    #[serde(default)]
    pub include_locations: Vec<String>,
    #[serde(default)]
    pub exclude_locations: Vec<String>,
    /// `all`, `android`, `iOS`, `windows`, `windowsPhone`, `macOS`, `linux`.
    #[serde(default)]
    pub include_platforms: Vec<String>,
    #[serde(default)]
    pub exclude_platforms: Vec<String>,
    /// `all`, `browser`, `mobileAppsAndDesktopClients`, `exchangeActiveSync`, `easSupported`, `other`.
    #[serde(default)]
    pub client_app_types: Vec<String>,
    /// Terms of use of this tenant, by display name or id, that users must accept.
    #[serde(default)]
    pub terms_of_use: Vec<String>,
}

/// A named location: IP ranges (`ip_ranges`, optionally trusted) or countries.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NamedLocationSeed {
    pub display_name: String,
    pub id: Option<String>,
    /// CIDR ranges, IPv4 or IPv6.
    #[serde(default)]
    pub ip_ranges: Vec<String>,
    /// ISO 3166-1 alpha-2 codes.
    #[serde(default)]
    pub countries: Vec<String>,
    /// For countries: whether addresses that map to no country count as inside.
    #[serde(default)]
    pub include_unknown_countries: bool,
    /// For IP ranges: a trusted location (`AllTrusted`).
    #[serde(default)]
    pub is_trusted: bool,
}

/// A terms-of-use agreement that Conditional Access policies can require.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TermsOfUseSeed {
    pub display_name: String,
    pub id: Option<String>,
    /// What the user reads and accepts (plain text or Markdown).
    pub text: String,
}

fn yes() -> bool {
    true
}
