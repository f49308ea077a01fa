//! Conditional Access policies, named locations and terms of use, as stored.
//! `portico-policy` evaluates them; here they are only data.

use crate::{ObjectId, TenantId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PolicyState {
    Enabled,
    Disabled,
    EnabledForReportingButNotEnforced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RiskLevel {
    None,
    Low,
    Medium,
    High,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 4] = [Self::None, Self::Low, Self::Medium, Self::High];

    /// Graph's name: `none`, `low`, `medium`, `high`.
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    pub fn parse(text: &str) -> Result<Self, UnknownRiskLevel> {
        Self::ALL
            .into_iter()
            .find(|level| level.name() == text.trim())
            .ok_or_else(|| UnknownRiskLevel(text.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a risk level: use none, low, medium or high.")]
pub struct UnknownRiskLevel(pub String);

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserConditions {
    /// `"All"`, `"None"`, `"GuestsOrExternalUsers"` or user ids.
    pub include_users: Vec<String>,
    pub exclude_users: Vec<String>,
    pub include_groups: Vec<String>,
    pub exclude_groups: Vec<String>,
    /// Role template ids.
    pub include_roles: Vec<String>,
    pub exclude_roles: Vec<String>,
    /// Guest and external user types, with their home tenants.
    pub include_guests_or_external_users: Option<GuestsOrExternalUsers>,
    pub exclude_guests_or_external_users: Option<GuestsOrExternalUsers>,
}

/// Graph `conditionalAccessGuestsOrExternalUsers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuestsOrExternalUsers {
    pub guest_or_external_user_types: Vec<GuestOrExternalUserType>,
    pub external_tenants: ExternalTenants,
}

/// The categories of `docs/decisions.md`-cited Entra doc "authentication-conditional-access".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GuestOrExternalUserType {
    /// Local credentials, userType Guest.
    InternalGuest,
    /// External credentials, userType Guest.
    B2bCollaborationGuest,
    /// External credentials, userType Member.
    B2bCollaborationMember,
    /// No directory object (direct connect).
    B2bDirectConnectUser,
    /// Any other user who is not an internal member.
    OtherExternalUser,
    /// From a partner marked as a service provider.
    ServiceProvider,
}

/// Which home tenants a guest condition covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "membershipKind", rename_all = "camelCase")]
pub enum ExternalTenants {
    All,
    Enumerated { members: Vec<TenantId> },
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApplicationConditions {
    /// `"All"`, `"None"` or client ids.
    pub include_applications: Vec<String>,
    pub exclude_applications: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LocationConditions {
    /// `"All"`, `"AllTrusted"` or named-location ids.
    pub include_locations: Vec<String>,
    pub exclude_locations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Conditions {
    pub users: UserConditions,
    pub applications: ApplicationConditions,
    pub locations: Option<LocationConditions>,
    /// `"all"`, `"browser"`, `"mobileAppsAndDesktopClients"`, `"exchangeActiveSync"`, `"other"`.
    pub client_app_types: Vec<String>,
    pub user_risk_levels: Vec<RiskLevel>,
    pub sign_in_risk_levels: Vec<RiskLevel>,
    pub platforms: Option<PlatformConditions>,
}

/// Device platforms, as Graph names them: `all`, `android`, `iOS`, `windows`, `macOS`, `linux`,
/// `windowsPhone`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PlatformConditions {
    pub include_platforms: Vec<String>,
    pub exclude_platforms: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BuiltInControl {
    Block,
    Mfa,
    CompliantDevice,
    DomainJoinedDevice,
    ApprovedApplication,
    CompliantApplication,
    PasswordChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantOperator {
    #[serde(rename = "AND")]
    And,
    #[serde(rename = "OR")]
    Or,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantControls {
    pub operator: GrantOperator,
    pub built_in_controls: Vec<BuiltInControl>,
    /// Terms-of-use agreement ids.
    #[serde(default)]
    pub terms_of_use: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionalAccessPolicy {
    pub id: ObjectId,
    pub display_name: String,
    /// What the policy is for, in the administrator's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub state: PolicyState,
    pub conditions: Conditions,
    pub grant_controls: Option<GrantControls>,
    /// Graph `sessionControls`: how long the sign-in lasts once granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_controls: Option<SessionControls>,
    pub created_at: DateTime<Utc>,
    pub modified_at: Option<DateTime<Utc>>,
}

/// Graph `conditionalAccessSessionControls`, the two Portico enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionControls {
    pub sign_in_frequency: Option<SignInFrequency>,
    pub persistent_browser: Option<PersistentBrowser>,
}

/// Graph `signInFrequencySessionControl`: credentials must have been entered this recently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInFrequency {
    pub is_enabled: bool,
    pub interval: FrequencyInterval,
    /// Graph `authenticationType`: `secondaryAuthentication` limits only how old the MFA may be.
    /// Portico keeps one authentication time, so both are checked against it.
    pub secondary_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "frequencyInterval", rename_all = "camelCase")]
pub enum FrequencyInterval {
    /// `timeBased` with `value` hours or days.
    TimeBased { value: u32, unit: FrequencyUnit },
    /// `everyTime`: a fresh sign-in each time (Entra allows five minutes of clock skew).
    EveryTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FrequencyUnit {
    Hours,
    Days,
}

impl FrequencyUnit {
    /// Graph's name: `hours` or `days`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Hours => "hours",
            Self::Days => "days",
        }
    }
}

impl PersistentBrowserMode {
    /// Graph's name: `always` or `never`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::Never => "never",
        }
    }
}

/// Entra honours `everyTime` for a sign-in made within this many seconds.
pub const EVERY_TIME_SKEW_SECONDS: i64 = 300;

impl FrequencyInterval {
    /// The oldest authentication this interval accepts, in seconds.
    pub fn max_age_seconds(self) -> i64 {
        match self {
            Self::TimeBased {
                value,
                unit: FrequencyUnit::Hours,
            } => i64::from(value) * 3600,
            Self::TimeBased {
                value,
                unit: FrequencyUnit::Days,
            } => i64::from(value) * 86_400,
            Self::EveryTime => EVERY_TIME_SKEW_SECONDS,
        }
    }
}

/// Graph `persistentBrowserSessionControl`: whether the browser session survives closing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersistentBrowser {
    pub is_enabled: bool,
    pub mode: PersistentBrowserMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PersistentBrowserMode {
    Always,
    Never,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum LocationKind {
    /// IPv4/IPv6 CIDR ranges.
    Ip {
        ranges: Vec<String>,
        is_trusted: bool,
    },
    /// ISO 3166 alpha-2 country codes.
    Country {
        countries: Vec<String>,
        include_unknown: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedLocation {
    pub id: ObjectId,
    pub display_name: String,
    pub location: LocationKind,
    pub created_at: DateTime<Utc>,
    /// The last change through Graph; `None` until the first.
    #[serde(default)]
    pub modified_at: Option<DateTime<Utc>>,
}

/// A terms-of-use agreement that Conditional Access can require.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TermsOfUse {
    pub id: ObjectId,
    pub display_name: String,
    /// The text shown to the user (Markdown or plain text).
    pub text: String,
    pub created_at: DateTime<Utc>,
    /// Graph `isViewingBeforeAcceptanceRequired`: the user must open the text before accepting.
    #[serde(default)]
    pub is_viewing_before_acceptance_required: bool,
}

/// A user's acceptance of a terms-of-use agreement, recorded once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TermsAcceptance {
    pub user_id: ObjectId,
    pub terms_id: ObjectId,
    pub accepted_at: DateTime<Utc>,
}
