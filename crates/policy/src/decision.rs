//! What the engine answers: a decision, the trace of every check in order, and how each
//! Conditional Access policy applied. A denial is a value, not an error.

use crate::facts::TenantRef;
use portico_model::ObjectId;

/// Who must act for a denied sign-in to succeed (`docs/decisions.md` 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The guest's own organisation.
    Home,
    /// The organisation the user signs in to (the inviting one, for guests).
    Resource,
    /// The administrator of the network or device that added tenant restrictions.
    Network,
    /// The user themselves (register MFA, accept terms, use another device).
    User,
}

impl Party {
    pub fn name(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Resource => "resource",
            Self::Network => "network",
            Self::User => "user",
        }
    }
}

/// A sign-in that cannot succeed as things are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    /// The AADSTS number.
    pub code: u32,
    /// Entra's message, as the protocol error and the log's `failureReason` carry it.
    pub reason: String,
    pub responsible: Party,
    /// The tenant whose administrator must act, when it is a tenant.
    pub responsible_tenant: Option<TenantRef>,
    /// The setting that decided, as a path ("Woodgrove › cross-tenant access › …").
    pub setting: String,
    /// What to do, in a sentence addressed to the person who reads the error page.
    pub remediation: String,
}

/// Something the user can do now to continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterruptKind {
    /// Register an authenticator in the resource tenant, then use it.
    RegisterMfa,
    /// Use the authenticator registered in the resource tenant.
    ChallengeMfa,
    /// Accept these terms-of-use agreements of the resource tenant.
    AcceptTerms { terms: Vec<ObjectId> },
    /// Enter credentials again: the session or token is older than a policy's sign-in frequency.
    Reauthenticate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupt {
    pub kind: InterruptKind,
    /// The AADSTS number a non-interactive request gets (`interaction_required`).
    pub code: u32,
    pub reason: String,
    pub setting: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Issue the token. `mfa_from_home` says the home tenant's MFA satisfied the resource's
    /// requirement through inbound trust (the token's `amr` then says `mfa`).
    Allow {
        mfa_from_home: bool,
    },
    Interrupt(Interrupt),
    Deny(Denial),
}

impl Decision {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Allow { .. } => "allow",
            Self::Interrupt(_) => "interrupt",
            Self::Deny(_) => "deny",
        }
    }

    pub fn code(&self) -> Option<u32> {
        match self {
            Self::Allow { .. } => None,
            Self::Interrupt(interrupt) => Some(interrupt.code),
            Self::Deny(denial) => Some(denial.code),
        }
    }
}

/// How one check of the fixed order came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    Interrupted,
    /// The check does not concern this sign-in (e.g. cross-tenant checks for a member).
    NotApplicable,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
            Self::NotApplicable => "notApplicable",
        }
    }
}

/// One line of the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// A stable name: `tenantRestrictionsV1`, `homeOutbound`, `conditionalAccess` …
    pub check: &'static str,
    /// The tenant whose setting this is.
    pub tenant: Option<TenantRef>,
    pub outcome: Outcome,
    pub setting: String,
    pub detail: String,
}

/// Graph `appliedConditionalAccessPolicy.result` values Portico produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyOutcome {
    Success,
    Failure,
    NotApplied,
    NotEnabled,
    ReportOnlySuccess,
    ReportOnlyFailure,
    ReportOnlyNotApplied,
    ReportOnlyInterrupted,
}

impl PolicyOutcome {
    pub fn graph_name(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::NotApplied => "notApplied",
            Self::NotEnabled => "notEnabled",
            Self::ReportOnlySuccess => "reportOnlySuccess",
            Self::ReportOnlyFailure => "reportOnlyFailure",
            Self::ReportOnlyNotApplied => "reportOnlyNotApplied",
            Self::ReportOnlyInterrupted => "reportOnlyInterrupted",
        }
    }
}

/// How one Conditional Access policy applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyResult {
    pub id: ObjectId,
    pub display_name: String,
    pub result: PolicyOutcome,
    /// The grant controls it asked for (`block`, `mfa`, `termsOfUse` …).
    pub enforced_grant_controls: Vec<String>,
    /// Why it did or did not apply, in a sentence.
    pub detail: String,
}

/// The engine's whole answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    pub trace: Vec<Step>,
    pub policies: Vec<PolicyResult>,
    /// The session controls of the enforced policies that applied, strictest first.
    pub session: SessionLimits,
    /// Where a tenant-restrictions v1 block is logged (the `Restrict-Access-Context` tenant);
    /// `None` means the usual tenants.
    pub log_tenant: Option<TenantRef>,
}

/// What the applied Conditional Access policies say about the session the sign-in creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionLimits {
    /// The oldest authentication any applied policy accepts (its sign-in frequency), in seconds.
    pub max_credentials_age_seconds: Option<i64>,
    /// Whether the browser session must (`Always`) or must not (`Never`) outlive the browser;
    /// `Never` wins when policies disagree.
    pub persistent_browser: Option<portico_model::conditional_access::PersistentBrowserMode>,
}

impl SessionLimits {
    /// Whether the browser session persists, given what the user chose ("Stay signed in").
    pub fn persistent(&self, chosen: bool) -> bool {
        use portico_model::conditional_access::PersistentBrowserMode;
        match self.persistent_browser {
            Some(PersistentBrowserMode::Always) => true,
            Some(PersistentBrowserMode::Never) => false,
            None => chosen,
        }
    }
}

impl Evaluation {
    /// Graph `conditionalAccessStatus`: `success`, `failure` or `notApplied`.
    pub fn conditional_access_status(&self) -> &'static str {
        let enforced =
            |r: &&PolicyResult| matches!(r.result, PolicyOutcome::Success | PolicyOutcome::Failure);
        if self
            .policies
            .iter()
            .filter(enforced)
            .any(|r| r.result == PolicyOutcome::Failure)
        {
            "failure"
        } else if self.policies.iter().any(|r| enforced(&r)) {
            "success"
        } else {
            "notApplied"
        }
    }
}
