//! Identity Protection state of a user in their home tenant.

use crate::conditional_access::RiskLevel;
use crate::ObjectId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RiskState {
    None,
    AtRisk,
    ConfirmedCompromised,
    Dismissed,
    Remediated,
}

/// Graph `riskyUser`, kept per (tenant, user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskyUser {
    pub user_id: ObjectId,
    pub risk_level: RiskLevel,
    pub risk_state: RiskState,
    /// e.g. `adminConfirmedUserCompromised`, `adminDismissedAllRiskForUser`, `userPerformedSecuredPasswordReset`.
    pub risk_detail: String,
    pub updated_at: DateTime<Utc>,
    /// Dev mode: the sign-in risk the next sign-ins of this user are given (Portico cannot
    /// detect real sign-in risk; tests and demos raise it through the control API).
    #[serde(default = "no_risk")]
    pub simulated_sign_in_risk: RiskLevel,
}

fn no_risk() -> RiskLevel {
    RiskLevel::None
}
