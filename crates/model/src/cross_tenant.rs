//! Cross-tenant access settings (XTAP): the tenant default and per-partner overrides.

use crate::TenantId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AccessType {
    Allowed,
    Blocked,
}

/// What kind of object a target names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TargetType {
    User,
    Group,
    Application,
}

/// One target: an object id or client id, or a keyword (`AllUsers`, `AllApplications`,
/// `AllMicrosoftApps`, `Office365`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub target: String,
    pub target_type: TargetType,
}

pub const ALL_USERS: &str = "AllUsers";
pub const ALL_APPLICATIONS: &str = "AllApplications";

/// Who or what a setting applies to, and whether they are allowed or blocked. Everyone not
/// listed gets the opposite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Targets {
    pub access_type: AccessType,
    pub targets: Vec<Target>,
}

impl Targets {
    pub fn all(access_type: AccessType, keyword: &str, target_type: TargetType) -> Self {
        Self {
            access_type,
            targets: vec![Target {
                target: keyword.to_owned(),
                target_type,
            }],
        }
    }

    /// Whether the list names everyone (`AllUsers` / `AllApplications`).
    pub fn names_all(&self) -> bool {
        self.targets
            .iter()
            .any(|t| t.target == ALL_USERS || t.target == ALL_APPLICATIONS)
    }
}

/// One direction of B2B collaboration or direct connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct B2bSetting {
    pub users_and_groups: Targets,
    pub applications: Targets,
}

impl B2bSetting {
    pub fn allow_all() -> Self {
        Self {
            users_and_groups: Targets::all(AccessType::Allowed, ALL_USERS, TargetType::User),
            applications: Targets::all(
                AccessType::Allowed,
                ALL_APPLICATIONS,
                TargetType::Application,
            ),
        }
    }
    pub fn block_all() -> Self {
        Self {
            users_and_groups: Targets::all(AccessType::Blocked, ALL_USERS, TargetType::User),
            applications: Targets::all(
                AccessType::Blocked,
                ALL_APPLICATIONS,
                TargetType::Application,
            ),
        }
    }
}

/// Which claims from the guest's home tenant the resource tenant accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboundTrust {
    pub is_mfa_accepted: bool,
    pub is_compliant_device_accepted: bool,
    pub is_hybrid_azure_ad_joined_device_accepted: bool,
}

/// The default configuration (every field set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrossTenantAccessSettings {
    pub b2b_collaboration_inbound: B2bSetting,
    pub b2b_collaboration_outbound: B2bSetting,
    pub b2b_direct_connect_inbound: B2bSetting,
    pub b2b_direct_connect_outbound: B2bSetting,
    pub inbound_trust: InboundTrust,
    /// Automatic redemption (`automaticUserConsentSettings`); off unless both sides turn it on.
    pub automatic_user_consent_inbound: bool,
    pub automatic_user_consent_outbound: bool,
    /// Tenant restrictions v2: which external tenants' users and apps this tenant's users may
    /// use when a device or network adds this tenant's policy header. Entra's default blocks all.
    #[serde(default = "B2bSetting::block_all")]
    pub tenant_restrictions: B2bSetting,
    /// Which identity provider a guest redeems an invitation with (Graph
    /// `invitationRedemptionIdentityProviderConfiguration`).
    #[serde(default)]
    pub redemption_order: RedemptionOrder,
    /// Whether an administrator (or a seed) has changed the default since the service default:
    /// Graph's `isServiceDefault` is its negation. Documents written before it existed read as
    /// the service default.
    #[serde(default)]
    pub customized: bool,
}

/// Entra's service defaults: B2B collaboration allowed both ways, direct connect blocked, no trust.
impl Default for CrossTenantAccessSettings {
    fn default() -> Self {
        Self {
            b2b_collaboration_inbound: B2bSetting::allow_all(),
            b2b_collaboration_outbound: B2bSetting::allow_all(),
            b2b_direct_connect_inbound: B2bSetting::block_all(),
            b2b_direct_connect_outbound: B2bSetting::block_all(),
            inbound_trust: InboundTrust::default(),
            automatic_user_consent_inbound: false,
            automatic_user_consent_outbound: false,
            tenant_restrictions: B2bSetting::block_all(),
            redemption_order: RedemptionOrder::default(),
            customized: false,
        }
    }
}

/// Graph `b2bIdentityProvidersType`, the primary providers of the redemption order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PrimaryProvider {
    /// An account of another (organisation) tenant that owns the address's domain.
    AzureActiveDirectory,
    /// An external OpenID Connect provider this tenant federates the domain with.
    ExternalFederation,
    /// Google and other social providers; Portico has none, so it matches no one.
    SocialIdentityProviders,
}

/// What a guest redeems with when no primary provider knows the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FallbackProvider {
    /// An existing personal account, else a one-time passcode.
    DefaultConfiguredIdp,
    /// A one-time passcode even when a personal account exists.
    EmailOneTimePasscode,
}

/// The redemption order: primary providers in precedence, then the fallback
/// (`docs/decisions.md` 10 is the default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedemptionOrder {
    pub primary: Vec<PrimaryProvider>,
    pub fallback: FallbackProvider,
}

impl Default for RedemptionOrder {
    fn default() -> Self {
        Self {
            primary: vec![
                PrimaryProvider::AzureActiveDirectory,
                PrimaryProvider::ExternalFederation,
                PrimaryProvider::SocialIdentityProviders,
            ],
            fallback: FallbackProvider::DefaultConfiguredIdp,
        }
    }
}

/// The clouds a tenant may collaborate with (`allowedCloudEndpoints`). Portico is one cloud, so
/// the list is stored and shown but changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CloudEndpoint {
    MicrosoftOnlineCom,
    MicrosoftOnlineUs,
    PartnerMicrosoftOnlineCn,
}

/// The cross-tenant access policy object itself (the parent of the default and the partners).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CrossTenantPolicy {
    pub display_name: String,
    pub allowed_cloud_endpoints: Vec<CloudEndpoint>,
}

impl Default for CrossTenantPolicy {
    fn default() -> Self {
        Self {
            display_name: "CrossTenantAccessPolicy".to_owned(),
            allowed_cloud_endpoints: Vec::new(),
        }
    }
}

/// The stable `id` of a tenant's cross-tenant access policy object.
pub fn policy_id(tenant: TenantId) -> uuid::Uuid {
    uuid::Uuid::new_v5(tenant.as_uuid(), b"crossTenantAccessPolicy")
}

/// The stable `id` of a tenant's default configuration. Tenant restrictions v2 name it in the
/// `sec-Restrict-Tenant-Access-Policy: <tenant id>:<policy id>` header.
pub fn default_configuration_id(tenant: TenantId) -> uuid::Uuid {
    uuid::Uuid::new_v5(tenant.as_uuid(), b"crossTenantAccessPolicy/default")
}

/// A partner entry: each field left `None` inherits the tenant's default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerConfiguration {
    pub partner_tenant_id: TenantId,
    pub b2b_collaboration_inbound: Option<B2bSetting>,
    pub b2b_collaboration_outbound: Option<B2bSetting>,
    pub b2b_direct_connect_inbound: Option<B2bSetting>,
    pub b2b_direct_connect_outbound: Option<B2bSetting>,
    pub inbound_trust: Option<InboundTrust>,
    pub automatic_user_consent_inbound: Option<bool>,
    pub automatic_user_consent_outbound: Option<bool>,
    #[serde(default)]
    pub tenant_restrictions: Option<B2bSetting>,
    /// A cloud service provider relationship (CA's `serviceProvider` user type).
    #[serde(default)]
    pub is_service_provider: bool,
}

impl PartnerConfiguration {
    /// A partner entry that overrides nothing.
    pub fn inheriting(partner_tenant_id: TenantId) -> Self {
        Self {
            partner_tenant_id,
            b2b_collaboration_inbound: None,
            b2b_collaboration_outbound: None,
            b2b_direct_connect_inbound: None,
            b2b_direct_connect_outbound: None,
            inbound_trust: None,
            automatic_user_consent_inbound: None,
            automatic_user_consent_outbound: None,
            tenant_restrictions: None,
            is_service_provider: false,
        }
    }
}
