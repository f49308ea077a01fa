//! What the engine is told about one sign-in. The app gathers these facts from the store and the
//! request; the engine only reads them.

use portico_model::conditional_access::{ConditionalAccessPolicy, NamedLocation, RiskLevel};
use portico_model::cross_tenant::{
    B2bSetting, CrossTenantAccessSettings, InboundTrust, PartnerConfiguration,
};
use portico_model::user::UserType;
use portico_model::{ClientId, DomainName, ObjectId, TenantId};
use std::net::IpAddr;

/// A tenant as traces and messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRef {
    pub id: TenantId,
    pub display_name: String,
    pub domains: Vec<DomainName>,
}

impl TenantRef {
    /// Whether `name` (a tenant id or a verified domain, any case) names this tenant.
    pub fn is_named_by(&self, name: &str) -> bool {
        let name = name.trim();
        name.eq_ignore_ascii_case(&self.id.to_string())
            || self
                .domains
                .iter()
                .any(|domain| domain.as_str().eq_ignore_ascii_case(name))
    }
}

/// One tenant's policies, as loaded for this sign-in.
#[derive(Debug, Clone)]
pub struct TenantPolicies {
    pub tenant: TenantRef,
    pub cross_tenant_default: CrossTenantAccessSettings,
    /// This tenant's partner entry for the other tenant of the sign-in, if it has one.
    pub partner: Option<PartnerConfiguration>,
    pub conditional_access: Vec<ConditionalAccessPolicy>,
    pub named_locations: Vec<NamedLocation>,
    /// Security defaults: members must use MFA.
    pub security_defaults: bool,
}

impl TenantPolicies {
    /// A tenant with Entra's defaults and no policies.
    pub fn defaults(tenant: TenantRef) -> Self {
        Self {
            tenant,
            cross_tenant_default: CrossTenantAccessSettings::default(),
            partner: None,
            conditional_access: Vec::new(),
            named_locations: Vec::new(),
            security_defaults: false,
        }
    }

    /// The effective inbound trust for the partner tenant: its entry, else the default.
    pub fn inbound_trust(&self) -> InboundTrust {
        self.partner
            .as_ref()
            .and_then(|p| p.inbound_trust)
            .unwrap_or(self.cross_tenant_default.inbound_trust)
    }
}

/// A user object: an account in its own tenant, or a guest object in the resource tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: ObjectId,
    pub display_name: String,
    /// The sign-in name shown in messages (UPN, or the guest's address).
    pub name: String,
    pub user_type: UserType,
    pub enabled: bool,
    /// Groups the account is a direct member of, in its tenant.
    pub groups: Vec<ObjectId>,
    /// Directory role template ids the account holds, in its tenant.
    pub roles: Vec<String>,
    /// Whether an authenticator is registered on this object (for MFA in this tenant).
    pub mfa_registered: bool,
}

/// Where the signing-in user's credentials live.
#[derive(Debug, Clone)]
pub enum Origin {
    /// The user belongs to the resource tenant.
    Local,
    /// A guest (or external member) whose home is another Portico tenant; `home.partner` is the
    /// home tenant's entry for the resource tenant.
    Tenant {
        home: Box<TenantPolicies>,
        account: Account,
    },
    /// A guest whose home is outside Portico: a one-time passcode (`mail`) or an external
    /// identity provider, named by its issuer.
    External { issuer: String },
}

impl Origin {
    pub fn is_external(&self) -> bool {
        !matches!(self, Self::Local)
    }

    pub fn home_tenant(&self) -> Option<&TenantRef> {
        match self {
            Self::Tenant { home, .. } => Some(&home.tenant),
            _ => None,
        }
    }
}

/// The application the token is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppFacts {
    pub client_id: ClientId,
    pub display_name: String,
    pub assignment_required: bool,
    /// The user (or one of their groups) is assigned to the app.
    pub assigned: bool,
}

/// Graph `clientAppTypes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAppType {
    Browser,
    MobileAppsAndDesktopClients,
    ExchangeActiveSync,
    Other,
}

impl ClientAppType {
    pub fn graph_name(self) -> &'static str {
        match self {
            Self::Browser => "browser",
            Self::MobileAppsAndDesktopClients => "mobileAppsAndDesktopClients",
            Self::ExchangeActiveSync => "exchangeActiveSync",
            Self::Other => "other",
        }
    }
}

/// Graph device platforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Android,
    Ios,
    Windows,
    WindowsPhone,
    MacOs,
    Linux,
}

impl Platform {
    pub fn graph_name(self) -> &'static str {
        match self {
            Self::Android => "android",
            Self::Ios => "iOS",
            Self::Windows => "windows",
            Self::WindowsPhone => "windowsPhone",
            Self::MacOs => "macOS",
            Self::Linux => "linux",
        }
    }
}

/// Where the request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFacts {
    pub app_type: ClientAppType,
    pub ip: Option<IpAddr>,
    pub platform: Option<Platform>,
}

/// Device state asserted by the user's home tenant (or own tenant, for members).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeviceClaims {
    pub compliant: bool,
    pub domain_joined: bool,
}

/// What the user has proved so far in this sign-in (or the session or token it continues).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuthFacts {
    /// MFA performed with an authenticator registered in the resource tenant (for members: theirs).
    pub mfa_here: bool,
    /// MFA performed at the guest's home tenant.
    pub mfa_at_home: bool,
    pub device: DeviceClaims,
    /// How long ago the user last entered credentials, when this sign-in continues a session or a
    /// token (`None`: they just did). Conditional Access sign-in frequency limits it.
    pub credentials_age_seconds: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskFacts {
    /// User risk, computed where the account lives (the home tenant for guests).
    pub user: RiskLevel,
    /// Sign-in risk of this sign-in.
    pub sign_in: RiskLevel,
}

impl Default for RiskFacts {
    fn default() -> Self {
        Self {
            user: RiskLevel::None,
            sign_in: RiskLevel::None,
        }
    }
}

/// Tenant restrictions v1: the proxy's `Restrict-Access-To-Tenants` and `Restrict-Access-Context`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictionsV1 {
    /// Tenant ids or domains, as the header lists them.
    pub allowed: Vec<String>,
    /// The tenant whose policy this is (it receives the log), if the header names a known one.
    pub context: Option<TenantRef>,
}

/// Tenant restrictions v2: the `sec-Restrict-Tenant-Access-Policy` header, resolved by the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestrictionsV2 {
    /// The header does not name a known tenant's policy.
    Unresolved { header: String },
    /// The owner's setting for the resource tenant: its partner entry, else its default.
    Policy {
        owner: TenantRef,
        setting: B2bSetting,
        from_partner_entry: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Restrictions {
    pub v1: Option<RestrictionsV1>,
    pub v2: Option<RestrictionsV2>,
}

/// Which path asks for the decision; interactive paths can satisfy interrupts, the others
/// answer with `interaction_required`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Interactive,
    Redemption,
    CodeRedemption,
    Refresh,
    WhatIf,
}

/// Everything about one sign-in to `resource`.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub stage: Stage,
    pub resource: TenantPolicies,
    /// The user object in the resource tenant (the guest object for guests).
    pub user: Account,
    pub origin: Origin,
    pub app: AppFacts,
    pub client: ClientFacts,
    pub auth: AuthFacts,
    pub risk: RiskFacts,
    /// Terms-of-use agreements this user has accepted in the resource tenant.
    pub terms_accepted: Vec<ObjectId>,
    pub restrictions: Restrictions,
}
