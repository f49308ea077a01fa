//! `POST /portico/v1/whatif`: a hypothetical sign-in and the engine's full answer. The request
//! and the top-level answer fields are fixed by the product spec; `trace` and
//! `conditionalAccess` explain them.

use portico_policy::decision::{Decision, Evaluation, Party};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WhatIfBody {
    /// A member's or guest's UPN, or a home account's address.
    pub user: String,
    /// The tenant signed in to (id or verified domain).
    pub resource_tenant: String,
    pub app_id: String,
    pub ip_address: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub device_compliant: bool,
    #[serde(default)]
    pub device_domain_joined: bool,
    /// MFA done at the guest's home tenant.
    #[serde(default)]
    pub home_mfa_satisfied: bool,
    /// MFA done in the resource tenant.
    #[serde(default)]
    pub mfa_satisfied: bool,
    /// `none`, `low`, `medium` or `high`.
    pub sign_in_risk: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIfAnswer {
    /// `allow`, `interrupt` or `deny`.
    pub decision: String,
    pub error_code: Option<u32>,
    /// `home`, `resource`, `network` or `user`; null when allowed.
    pub responsible: Option<String>,
    pub responsible_tenant_id: Option<String>,
    pub responsible_tenant: Option<String>,
    /// The setting that decided.
    pub setting: Option<String>,
    /// Entra's message for the code.
    pub reason: Option<String>,
    pub remediation: Option<String>,
    /// Whether the user already has an object in the resource tenant.
    pub user_exists: bool,
    pub trace: Vec<TraceStep>,
    pub conditional_access: Vec<PolicyApplied>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceStep {
    pub check: String,
    pub tenant_id: Option<String>,
    pub tenant: Option<String>,
    /// `passed`, `failed`, `interrupted` or `notApplicable`.
    pub outcome: String,
    pub setting: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyApplied {
    pub id: String,
    pub display_name: String,
    /// Graph `appliedConditionalAccessPolicy.result`.
    pub result: String,
    pub enforced_grant_controls: Vec<String>,
    pub detail: String,
}

impl WhatIfAnswer {
    pub fn new(evaluation: &Evaluation, user_exists: bool) -> Self {
        let mut answer = Self {
            decision: evaluation.decision.name().to_owned(),
            error_code: evaluation.decision.code(),
            responsible: None,
            responsible_tenant_id: None,
            responsible_tenant: None,
            setting: None,
            reason: None,
            remediation: None,
            user_exists,
            trace: evaluation
                .trace
                .iter()
                .map(|step| TraceStep {
                    check: step.check.to_owned(),
                    tenant_id: step.tenant.as_ref().map(|t| t.id.to_string()),
                    tenant: step.tenant.as_ref().map(|t| t.display_name.clone()),
                    outcome: step.outcome.name().to_owned(),
                    setting: step.setting.clone(),
                    detail: step.detail.clone(),
                })
                .collect(),
            conditional_access: evaluation
                .policies
                .iter()
                .map(|p| PolicyApplied {
                    id: p.id.to_string(),
                    display_name: p.display_name.clone(),
                    result: p.result.graph_name().to_owned(),
                    enforced_grant_controls: p.enforced_grant_controls.clone(),
                    detail: p.detail.clone(),
                })
                .collect(),
        };
        match &evaluation.decision {
            Decision::Allow { .. } => {}
            Decision::Interrupt(interrupt) => {
                answer.responsible = Some(Party::User.name().to_owned());
                answer.setting = Some(interrupt.setting.clone());
                answer.reason = Some(interrupt.reason.clone());
                answer.remediation = Some(interrupt.reason.clone());
            }
            Decision::Deny(denial) => {
                answer.responsible = Some(denial.responsible.name().to_owned());
                answer.responsible_tenant_id =
                    denial.responsible_tenant.as_ref().map(|t| t.id.to_string());
                answer.responsible_tenant = denial
                    .responsible_tenant
                    .as_ref()
                    .map(|t| t.display_name.clone());
                answer.setting = Some(denial.setting.clone());
                answer.reason = Some(denial.reason.clone());
                answer.remediation = Some(denial.remediation.clone());
            }
        }
        answer
    }
}
