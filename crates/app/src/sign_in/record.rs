//! The one place a sign-in attempt becomes a sign-in log row. Every path that authenticates
//! someone — the sign-in pages, every grant of the token endpoint — builds a [`SignInAttempt`] and
//! commits [`App::sign_in_record`] in the same transaction as what the attempt produced, so a token
//! is never issued without its log row and a failure is never silent. Writing the row also moves
//! the user's `signInActivity` (the store does it in the same transaction, narrowly: only those
//! columns, never backwards).

use crate::sign_in_policy::judged::Judged;
use crate::sign_in_policy::ClientRequest;
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::application::Application;
use portico_model::conditional_access::RiskLevel;
use portico_model::logs::{AppliedPolicy, CrossTenantAccessType, SignInRecord};
use portico_model::risk::RiskState;
use portico_model::user::{User, UserType};
use portico_model::{ObjectId, TenantId};
use portico_policy::decision::{Decision, Evaluation, InterruptKind, Party};
use portico_store::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInKind {
    Interactive,
    NonInteractive,
    ServicePrincipal,
}

impl SignInKind {
    fn event_type(self) -> &'static str {
        match self {
            Self::Interactive => "interactiveUser",
            Self::NonInteractive => "nonInteractiveUser",
            Self::ServicePrincipal => "servicePrincipal",
        }
    }
}

/// What happened, as the log will tell it.
#[derive(Debug, Clone)]
pub struct SignInAttempt {
    kind: SignInKind,
    user_id: Option<ObjectId>,
    user_principal_name: Option<String>,
    user_display_name: Option<String>,
    user_type: Option<UserType>,
    app: Option<(portico_model::ClientId, String)>,
    error: Option<(u32, String)>,
    ip_address: Option<String>,
    client_app_used: &'static str,
    /// A guest's sign-in: (home tenant, resource tenant).
    cross_tenant: Option<(TenantId, TenantId)>,
    /// Who must act on a failure, for `status.additionalDetails`.
    responsible: Option<String>,
    /// The policy engine's verdict, when it was asked.
    policy: Option<PolicyOutcome>,
    /// Shared by the rows one cross-tenant sign-in writes in each tenant.
    correlation_id: Option<ObjectId>,
    /// The resource the token is for: (app id, name).
    resource: Option<(String, String)>,
    /// User risk (`riskLevelAggregated`) and sign-in risk (`riskLevelDuringSignIn`).
    risk: Option<(RiskLevel, RiskLevel)>,
    tenant_restricted: bool,
    user_agent: Option<String>,
    service_principal: Option<ObjectId>,
    /// The home tenant's copy of a guest's sign-in: without the resource tenant's app name and
    /// Conditional Access policies.
    home_copy: bool,
}

/// Microsoft Graph, the resource of every non-OIDC scope Portico grants.
const GRAPH_RESOURCE: (&str, &str) = ("00000003-0000-0000-c000-000000000000", "Microsoft Graph");

/// What the policy engine said, as the log keeps it.
#[derive(Debug, Clone)]
struct PolicyOutcome {
    conditional_access_status: &'static str,
    applied: Vec<AppliedPolicy>,
    party: Option<&'static str>,
    tenant: Option<TenantId>,
    setting: Option<String>,
}

impl SignInAttempt {
    pub fn user(user: &User, app: &Application, kind: SignInKind) -> Self {
        // A guest's row names the address they sign in with, not the `#EXT#` UPN (as Entra's log).
        let name = match (&user.user_type, &user.mail) {
            (UserType::Guest, Some(mail)) if user.user_principal_name.is_external() => {
                mail.as_str().to_ascii_lowercase()
            }
            _ => user.user_principal_name.to_string(),
        };
        Self {
            kind,
            user_id: Some(user.id),
            user_principal_name: Some(name),
            user_display_name: Some(user.display_name.clone()),
            user_type: Some(user.user_type),
            app: Some((app.client_id, app.display_name.clone())),
            error: None,
            ip_address: None,
            cross_tenant: None,
            responsible: None,
            policy: None,
            correlation_id: None,
            resource: None,
            risk: None,
            tenant_restricted: false,
            user_agent: None,
            service_principal: None,
            home_copy: false,
            client_app_used: if kind == SignInKind::Interactive {
                "Browser"
            } else {
                "Mobile Apps and Desktop clients"
            },
        }
    }

    /// An attempt for an account name that matched no user.
    pub fn unknown_user(name: &str, app: &Application) -> Self {
        Self {
            kind: SignInKind::Interactive,
            // The name as typed, but storable: PostgreSQL refuses U+0000 in text, and a sign-in
            // with it must be logged and refused like any other, not fail (found by fuzzing).
            user_principal_name: Some(name.replace('\0', "\u{fffd}")),
            client_app_used: "Browser",
            ..Self::app_only(app)
        }
    }

    pub fn service_principal(app: &Application) -> Self {
        let mut attempt = Self::app_only(app);
        attempt.service_principal = Some(app.id);
        attempt
    }

    fn app_only(app: &Application) -> Self {
        Self {
            kind: SignInKind::ServicePrincipal,
            user_id: None,
            user_principal_name: None,
            user_display_name: None,
            user_type: None,
            app: Some((app.client_id, app.display_name.clone())),
            error: None,
            ip_address: None,
            cross_tenant: None,
            responsible: None,
            policy: None,
            correlation_id: None,
            resource: None,
            risk: None,
            tenant_restricted: false,
            user_agent: None,
            service_principal: None,
            home_copy: false,
            client_app_used: "Client credentials",
        }
    }

    pub fn failed(mut self, code: u32, reason: &str) -> Self {
        self.error = Some((code, reason.to_owned()));
        self
    }

    /// A B2B collaboration sign-in of a home tenant's user into a resource tenant.
    pub fn cross_tenant(mut self, home: TenantId, resource: TenantId) -> Self {
        self.cross_tenant = Some((home, resource));
        self
    }

    /// Who must act on the failure (`docs/decisions.md` 16).
    pub fn responsible(mut self, who: &str) -> Self {
        self.responsible = Some(who.to_owned());
        self
    }

    pub fn from_ip(mut self, ip: Option<String>) -> Self {
        self.ip_address = ip;
        self
    }

    /// The client's address and `User-Agent`.
    pub fn from_request(mut self, request: &ClientRequest) -> Self {
        self.ip_address = request.ip.map(|ip| ip.to_string());
        self.user_agent = request.user_agent.clone();
        self
    }

    /// The home tenant's copy of a guest's sign-in elsewhere: the resource tenant's app name and
    /// Conditional Access policies are the resource tenant's own, not shown at home.
    pub fn at_home(mut self) -> Self {
        self.home_copy = true;
        self
    }

    /// The scopes asked for: Graph's when any is not an OpenID Connect scope and none names
    /// another resource (those callers name it with `for_resource`), else the app's own.
    pub fn for_scopes(mut self, scopes: &[String]) -> Self {
        let oidc = ["openid", "profile", "email", "offline_access"];
        let permissions = || scopes.iter().filter(|s| !oidc.contains(&s.as_str()));
        if permissions().next().is_some() && permissions().all(|s| crate::tokens::names_graph(s)) {
            self.resource = Some((GRAPH_RESOURCE.0.into(), GRAPH_RESOURCE.1.into()));
        }
        self
    }

    /// The resource the token is for (an API registered in the tenant): its app id and name.
    pub fn for_resource(mut self, app_id: String, name: String) -> Self {
        self.resource = Some((app_id, name));
        self
    }

    /// The policy engine's answer together with the facts it judged (risk, restrictions).
    pub fn judged(self, judged: &Judged) -> Self {
        let mut attempt = self.evaluated(&judged.evaluation);
        attempt.risk = Some((judged.facts.risk.user, judged.facts.risk.sign_in));
        attempt.tenant_restricted =
            judged.facts.restrictions.v1.is_some() || judged.facts.restrictions.v2.is_some();
        if attempt.user_agent.is_none() {
            attempt.user_agent = judged.user_agent.clone();
        }
        attempt
    }

    pub fn correlated(mut self, id: ObjectId) -> Self {
        self.correlation_id = Some(id);
        self
    }

    /// Records the policy engine's answer: Conditional Access results, and for a denial or a
    /// pending interrupt, the failure, who must act and the setting that decided.
    pub fn evaluated(mut self, evaluation: &Evaluation) -> Self {
        let mut outcome = PolicyOutcome {
            conditional_access_status: evaluation.conditional_access_status(),
            applied: evaluation
                .policies
                .iter()
                .map(|p| AppliedPolicy {
                    id: p.id,
                    display_name: p.display_name.clone(),
                    result: p.result.graph_name().to_owned(),
                    enforced_grant_controls: p.enforced_grant_controls.clone(),
                })
                .collect(),
            party: None,
            tenant: None,
            setting: None,
        };
        match &evaluation.decision {
            Decision::Allow { .. } => {}
            Decision::Interrupt(interrupt) => {
                // On the pages, Entra logs an MFA prompt as 50074; token requests get 50076.
                self.error = Some(match interrupt.kind {
                    InterruptKind::ChallengeMfa if self.kind == SignInKind::Interactive => {
                        (50074, "Strong Authentication is required.".to_owned())
                    }
                    _ => (interrupt.code, interrupt.reason.clone()),
                });
                self.responsible = Some(format!("user: {}", interrupt.reason));
                outcome.party = Some(Party::User.name());
                outcome.setting = Some(interrupt.setting.clone());
            }
            Decision::Deny(denial) => {
                self.error = Some((denial.code, denial.reason.clone()));
                let tenant = denial
                    .responsible_tenant
                    .as_ref()
                    .map_or(String::new(), |t| format!(" ({})", t.display_name));
                self.responsible = Some(format!(
                    "{}{tenant}: {}",
                    denial.responsible.name(),
                    denial.remediation
                ));
                outcome.party = Some(denial.responsible.name());
                outcome.tenant = denial.responsible_tenant.as_ref().map(|t| t.id);
                outcome.setting = Some(denial.setting.clone());
            }
        }
        self.policy = Some(outcome);
        self
    }
}

/// `riskState` as Entra derives it from the user risk: `atRisk` while any remains.
fn risk_state(user_risk: RiskLevel) -> RiskState {
    if user_risk == RiskLevel::None {
        RiskState::None
    } else {
        RiskState::AtRisk
    }
}

impl SignInAttempt {
    /// The app (id, name) as this tenant's row shows it: the home tenant's copy of a guest's
    /// sign-in names no resource-tenant app.
    fn shown_app(&self) -> (Option<portico_model::ClientId>, Option<String>) {
        let id = self.app.as_ref().map(|(id, _)| *id);
        let name = self.app.as_ref().map(|(_, name)| name.clone());
        (id, name.filter(|_| !self.home_copy))
    }

    /// The resource the token is for: Graph, else the app itself.
    fn resource_shown(&self) -> (Option<String>, Option<String>) {
        match &self.resource {
            Some((id, name)) => (Some(id.clone()), Some(name.clone())),
            None => (
                self.app.as_ref().map(|(id, _)| id.to_string()),
                self.shown_app().1,
            ),
        }
    }

    /// Conditional Access status and applied policies: the home copy shows none (they are the
    /// resource tenant's).
    fn conditional_access(&self) -> (Option<String>, Vec<AppliedPolicy>) {
        match &self.policy {
            _ if self.home_copy => (Some("notApplied".to_owned()), Vec::new()),
            Some(policy) => (
                Some(policy.conditional_access_status.to_owned()),
                policy.applied.clone(),
            ),
            None => (None, Vec::new()),
        }
    }
}

impl App {
    /// The log row for `attempt` in `tenant`, to commit with the attempt's other writes.
    pub fn sign_in_record(
        &self,
        tenant: TenantId,
        attempt: SignInAttempt,
        now: DateTime<Utc>,
    ) -> Write {
        let policy = attempt.policy.clone();
        let (error_code, failure_reason) = match attempt.error.clone() {
            Some((code, reason)) => (code, Some(reason)),
            None => (0, None),
        };
        // Counted with the row it builds: every sign-in attempt's row is built here.
        self.metrics().sign_in(error_code);
        let (app_id, app_display_name) = attempt.shown_app();
        let (resource_id, resource_display_name) = attempt.resource_shown();
        let (conditional_access_status, applied) = attempt.conditional_access();
        Write::InsertSignIn(SignInRecord {
            id: self.random().object_id(),
            created_at: now,
            sign_in_event_type: attempt.kind.event_type().to_owned(),
            correlation_id: attempt
                .correlation_id
                .unwrap_or_else(|| self.random().object_id()),
            user_id: attempt.user_id,
            user_principal_name: attempt.user_principal_name,
            user_display_name: attempt.user_display_name,
            user_type: attempt.user_type,
            app_id,
            app_display_name,
            ip_address: attempt.ip_address,
            client_app_used: Some(attempt.client_app_used.to_owned()),
            cross_tenant_access_type: if attempt.cross_tenant.is_some() {
                CrossTenantAccessType::B2bCollaboration
            } else {
                CrossTenantAccessType::None
            },
            home_tenant_id: Some(attempt.cross_tenant.map_or(tenant, |(home, _)| home)),
            resource_tenant_id: attempt
                .cross_tenant
                .map_or(tenant, |(_, resource)| resource),
            error_code,
            failure_reason,
            additional_details: attempt.responsible,
            responsible_party: policy.as_ref().and_then(|p| p.party).map(str::to_owned),
            responsible_tenant_id: policy.as_ref().and_then(|p| p.tenant),
            decided_by: policy.as_ref().and_then(|p| p.setting.clone()),
            conditional_access_status,
            applied_conditional_access_policies: applied,
            resource_id,
            resource_display_name,
            risk_level_during_sign_in: attempt.risk.map(|(_, sign_in)| sign_in),
            risk_level_aggregated: attempt.risk.map(|(user, _)| user),
            risk_state: attempt.risk.map(|(user, _)| risk_state(user)),
            is_tenant_restricted: attempt.tenant_restricted,
            user_agent: attempt.user_agent,
            service_principal_id: attempt.service_principal,
        })
    }
}
