//! Cross-tenant access settings (XTAP): the tenant default and per-partner overrides.

use crate::TenantId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AccessType {
    Allowed,
    Blocked,
}

/// Who or what a setting applies to: `AllUsers` / `AllApplications`, or listed ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Targets {
    pub access_type: AccessType,
    /// `"AllUsers"`, `"AllApplications"`, or object / client ids.
    pub targets: Vec<String>,
}

impl Targets {
    pub fn all(access_type: AccessType, all_keyword: &str) -> Self {
        Self {
            access_type,
            targets: vec![all_keyword.to_owned()],
        }
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
            users_and_groups: Targets::all(AccessType::Allowed, "AllUsers"),
            applications: Targets::all(AccessType::Allowed, "AllApplications"),
        }
    }
    pub fn block_all() -> Self {
        Self {
            users_and_groups: Targets::all(AccessType::Blocked, "AllUsers"),
            applications: Targets::all(AccessType::Blocked, "AllApplications"),
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
        }
    }
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
        }
    }
}
