//! Sign-in and audit log records.

use crate::{ClientId, ObjectId, TenantId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Graph `crossTenantAccessType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CrossTenantAccessType {
    None,
    B2bCollaboration,
    B2bDirectConnect,
    MicrosoftSupport,
    ServiceProvider,
    Passthrough,
}

/// One sign-in attempt as seen by one tenant (a cross-tenant sign-in writes a row in each).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInRecord {
    pub id: ObjectId,
    pub created_at: DateTime<Utc>,
    /// `interactiveUser`, `nonInteractiveUser` or `servicePrincipal`.
    pub sign_in_event_type: String,
    pub correlation_id: ObjectId,
    pub user_id: Option<ObjectId>,
    pub user_principal_name: Option<String>,
    pub user_display_name: Option<String>,
    pub user_type: Option<crate::user::UserType>,
    pub app_id: Option<ClientId>,
    pub app_display_name: Option<String>,
    pub ip_address: Option<String>,
    pub client_app_used: Option<String>,
    pub cross_tenant_access_type: CrossTenantAccessType,
    pub home_tenant_id: Option<TenantId>,
    pub resource_tenant_id: TenantId,
    /// 0 on success, else the AADSTS number.
    pub error_code: u32,
    pub failure_reason: Option<String>,
    /// Who must act on a failure and how (`docs/decisions.md` 16).
    pub additional_details: Option<String>,
    /// `home`, `resource`, `network` or `user`: who must act on a failure.
    #[serde(default)]
    pub responsible_party: Option<String>,
    #[serde(default)]
    pub responsible_tenant_id: Option<TenantId>,
    /// The setting that decided a failure ("Woodgrove Bank › cross-tenant access › …").
    #[serde(default)]
    pub decided_by: Option<String>,
    pub conditional_access_status: Option<String>,
    /// Applied policies as Graph `appliedConditionalAccessPolicy` documents.
    pub applied_conditional_access_policies: Vec<AppliedPolicy>,
    /// The resource the token is for (Graph's app id and name), when there is one.
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub resource_display_name: Option<String>,
    /// The sign-in risk the policies saw (`none` … `high`). Rows written before
    /// `risk_level_aggregated` existed hold the user risk here.
    #[serde(default)]
    pub risk_level_during_sign_in: Option<crate::conditional_access::RiskLevel>,
    /// The user risk the policies saw (Graph's `riskLevelAggregated`).
    #[serde(default)]
    pub risk_level_aggregated: Option<crate::conditional_access::RiskLevel>,
    #[serde(default)]
    pub risk_state: Option<crate::risk::RiskState>,
    /// The request carried tenant restrictions (v1 or v2 headers).
    #[serde(default)]
    pub is_tenant_restricted: bool,
    /// The client's `User-Agent` header, when the request had one.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// A service principal sign-in's principal (Portico's application object stands for it).
    #[serde(default)]
    pub service_principal_id: Option<ObjectId>,
}

impl SignInRecord {
    pub fn is_interactive(&self) -> bool {
        self.sign_in_event_type == "interactiveUser"
    }

    pub fn is_service_principal(&self) -> bool {
        self.sign_in_event_type == "servicePrincipal"
    }
}

/// Who performed an audited change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Actor {
    User {
        id: ObjectId,
        user_principal_name: String,
    },
    App {
        id: ObjectId,
        display_name: String,
    },
    /// Portico itself: seeding, the control API, maintenance.
    System {
        what: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditTarget {
    pub id: String,
    pub kind: String,
    pub display_name: Option<String>,
}

/// One directory change, written in the same transaction as the change itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    pub id: ObjectId,
    pub activity_at: DateTime<Utc>,
    /// Entra's categories: `UserManagement`, `GroupManagement`, `Policy`, `ApplicationManagement` …
    pub category: String,
    /// Entra's activity names, e.g. "Invite external user", "Add user".
    pub activity: String,
    pub initiated_by: Actor,
    pub targets: Vec<AuditTarget>,
    pub success: bool,
    pub correlation_id: Option<ObjectId>,
}

/// How one Conditional Access policy applied to a sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedPolicy {
    pub id: ObjectId,
    pub display_name: String,
    /// `success`, `failure`, `notApplied`, `reportOnlySuccess`, `reportOnlyFailure` …
    pub result: String,
    pub enforced_grant_controls: Vec<String>,
}
