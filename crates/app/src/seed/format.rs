//! The seed file format (TOML), as written by users. Documented in `docs/seed-format.md`;
//! `seeds/demo.toml` is the demo world. Unknown keys are errors, so typos do not pass silently.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    /// Password for users that do not set one.
    pub default_password: Option<String>,
    #[serde(default, rename = "tenant")]
    pub tenants: Vec<TenantSeed>,
}

#[derive(Debug, Clone, Deserialize)]
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
    #[serde(default, rename = "conditional_access")]
    pub conditional_access: Vec<ConditionalAccessSeed>,
    #[serde(default, rename = "federation")]
    pub federations: Vec<FederationSeed>,
}

/// An external OpenID Connect provider for guests of a domain.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederationSeed {
    pub domain: String,
    /// `{public_url}` is replaced by the server's public URL.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
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
}

#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSeed {
    pub display_name: String,
    pub client_id: String,
    pub id: Option<String>,
    /// Stored only as a hash.
    pub secret: Option<String>,
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
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerSeed {
    /// The partner tenant's key in this seed, or its tenant id.
    pub tenant: String,
    /// `allow` or `block` (all users, all applications); absent inherits the default.
    pub b2b_collaboration_inbound: Option<String>,
    pub b2b_collaboration_outbound: Option<String>,
    pub inbound_trust_mfa: Option<bool>,
    pub inbound_trust_compliant_device: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionalAccessSeed {
    pub display_name: String,
    pub id: Option<String>,
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
    /// Built-in grant controls: `block`, `mfa`, `compliantDevice`, `domainJoinedDevice`, `approvedApplication`.
    pub grant: Vec<String>,
    /// `OR` (default) or `AND`.
    pub grant_operator: Option<String>,
}

fn yes() -> bool {
    true
}
