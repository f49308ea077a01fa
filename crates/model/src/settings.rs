//! Per-tenant settings: the authorization policy, external collaboration settings and the
//! `entraCompat…` switches of `docs/decisions.md`.

use crate::DomainName;
use serde::{Deserialize, Serialize};
use uuid::{uuid, Uuid};

/// What guests may see in the directory (`authorizationPolicy.guestUserRoleId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GuestAccessLevel {
    SameAsMembers,
    Limited,
    Restricted,
}

impl GuestAccessLevel {
    pub fn role_id(self) -> Uuid {
        match self {
            Self::SameAsMembers => uuid!("a0b1b346-4d3e-4e8b-98f8-753987be4970"),
            Self::Limited => uuid!("10dae51f-b6af-4016-8d66-8c2a99b929b3"),
            Self::Restricted => uuid!("2af84b1e-32c8-42b7-82bc-daa82404023b"),
        }
    }

    pub fn from_role_id(id: &Uuid) -> Option<Self> {
        [Self::SameAsMembers, Self::Limited, Self::Restricted]
            .into_iter()
            .find(|l| l.role_id() == *id)
    }
}

/// Who may send invitations (`authorizationPolicy.allowInvitesFrom`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AllowInvitesFrom {
    None,
    AdminsAndGuestInviters,
    AdminsGuestInvitersAndAllMembers,
    Everyone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationPolicy {
    pub guest_access: GuestAccessLevel,
    pub allow_invites_from: AllowInvitesFrom,
    pub allowed_to_sign_up_email_based_subscriptions: bool,
    pub allowed_to_use_sspr: bool,
    pub allow_email_verified_users_to_join_organization: bool,
    pub block_msol_powershell: bool,
    pub allowed_to_read_other_users: bool,
    /// Users may consent to apps for themselves (`permissionGrantPoliciesAssigned` holds
    /// Entra's `microsoft-user-default-legacy` policy); off, only administrators consent.
    #[serde(default = "crate::settings::yes")]
    pub allow_user_consent: bool,
}

fn yes() -> bool {
    true
}

impl Default for AuthorizationPolicy {
    fn default() -> Self {
        Self {
            guest_access: GuestAccessLevel::Limited,
            allow_invites_from: AllowInvitesFrom::Everyone,
            allowed_to_sign_up_email_based_subscriptions: true,
            allowed_to_use_sspr: true,
            allow_email_verified_users_to_join_organization: false,
            block_msol_powershell: false,
            allowed_to_read_other_users: true,
            allow_user_consent: true,
        }
    }
}

/// The collaboration restriction: an allow list or a deny list of invitee domains, never both.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", content = "domains", rename_all = "camelCase")]
pub enum DomainRestriction {
    #[default]
    AllowAll,
    AllowOnly(Vec<DomainName>),
    Block(Vec<DomainName>),
}

impl DomainRestriction {
    pub fn permits(&self, domain: &DomainName) -> bool {
        match self {
            Self::AllowAll => true,
            Self::AllowOnly(allowed) => allowed.contains(domain),
            Self::Block(blocked) => !blocked.contains(domain),
        }
    }
}

/// External collaboration settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollaborationSettings {
    pub domain_restriction: DomainRestriction,
    pub email_otp_enabled: bool,
    /// `None`: invitations never expire (Entra's default).
    pub invitation_lifetime_days: Option<u32>,
    /// Narrow `inviteRedirectUrl` to registered redirect URIs and verified domains.
    pub restrict_invite_redirect_urls: bool,
    /// Self-service sign-up (used by the consumers tenant).
    pub self_service_sign_up: bool,
}

impl Default for CollaborationSettings {
    fn default() -> Self {
        Self {
            domain_restriction: DomainRestriction::AllowAll,
            email_otp_enabled: true,
            invitation_lifetime_days: None,
            restrict_invite_redirect_urls: false,
            self_service_sign_up: false,
        }
    }
}

/// Switches that reproduce Entra behaviour weaker than Portico's safe default (`docs/decisions.md`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EntraCompat {
    /// Let any account redeem an e-mailed invitation link (decision 7).
    pub redeem_with_any_account: bool,
    /// One-time passcode lifetime; `None` means Portico's 10 minutes, at most 30 (decision 11).
    pub otp_lifetime_minutes: Option<u32>,
}

/// Every per-tenant setting that is a single document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantSettings {
    pub authorization: AuthorizationPolicy,
    pub collaboration: CollaborationSettings,
    pub entra_compat: EntraCompat,
    pub cross_tenant_default: crate::cross_tenant::CrossTenantAccessSettings,
    /// The cross-tenant access policy's own properties (`displayName`, `allowedCloudEndpoints`).
    pub cross_tenant_policy: crate::cross_tenant::CrossTenantPolicy,
    /// Security defaults (`identitySecurityDefaultsEnforcementPolicy`): every member must use MFA.
    pub security_defaults_enabled: bool,
    /// External OpenID Connect identity providers for guests of given domains.
    pub federations: Vec<DomainFederation>,
    /// Sign-in log rows older than this many days are purged (Entra P1 keeps 30). Monthly
    /// active users are counted apart from the log and survive it.
    pub sign_in_retention_days: u32,
    /// Audit log rows older than this many days are purged.
    pub audit_retention_days: u32,
}

/// Entra ID P1's retention of sign-in and audit logs.
pub const DEFAULT_LOG_RETENTION_DAYS: u32 = 30;

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            authorization: AuthorizationPolicy::default(),
            collaboration: CollaborationSettings::default(),
            entra_compat: EntraCompat::default(),
            cross_tenant_default: crate::cross_tenant::CrossTenantAccessSettings::default(),
            cross_tenant_policy: crate::cross_tenant::CrossTenantPolicy::default(),
            security_defaults_enabled: false,
            federations: Vec::new(),
            sign_in_retention_days: DEFAULT_LOG_RETENTION_DAYS,
            audit_retention_days: DEFAULT_LOG_RETENTION_DAYS,
        }
    }
}

/// Guests whose addresses are in `domain` sign in at an external OpenID Connect provider
/// (redemption order step 2, `docs/decisions.md` 10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainFederation {
    pub domain: DomainName,
    /// The provider's issuer; its discovery document is `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// Sealed with the master key (base64url) once stored; the seed gives it in the clear.
    pub client_secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_stored_before_retention_existed_keep_thirty_days() {
        let mut stored = serde_json::to_value(TenantSettings::default()).unwrap_or_default();
        if let Some(fields) = stored.as_object_mut() {
            fields.remove("sign_in_retention_days");
            fields.remove("audit_retention_days");
        }
        let loaded: TenantSettings =
            serde_json::from_value(stored).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.sign_in_retention_days, 30);
        assert_eq!(loaded.audit_retention_days, 30);
    }
}
