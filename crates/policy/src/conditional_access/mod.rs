//! Conditional Access: every policy of the resource tenant, in order. Disabled policies do
//! nothing, report-only policies are recorded but never enforced, and among enforced policies a
//! denial beats an interrupt, which beats success.

pub mod conditions;
pub mod grants;

pub mod session;

use crate::decision::{
    Denial, Interrupt, InterruptKind, Outcome, PolicyOutcome, PolicyResult, SessionLimits, Step,
};
use crate::facts::{Origin, SignIn};
use grants::Control;
use portico_model::conditional_access::{
    BuiltInControl, ConditionalAccessPolicy, GrantOperator, PolicyState,
};
use portico_model::user::UserType;

/// What one policy asks of this sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    NotApplied(String),
    Satisfied { by_home_mfa: bool },
    Interrupt(Interrupt),
    Deny { denial: Denial, block: bool },
}

fn judge(
    policy: &ConditionalAccessPolicy,
    sign_in: &SignIn,
    subject: &conditions::Subject<'_>,
) -> Verdict {
    if let Err(conditions::NotApplicable(why)) = conditions::applies_to(policy, sign_in, subject) {
        return Verdict::NotApplied(why);
    }
    let granted = judge_grant(policy, sign_in);
    // Credentials too old: sign in again first; the grant controls are judged on that sign-in.
    match (&granted, session::reauthenticate(policy, sign_in)) {
        (Verdict::Deny { .. }, _) | (_, None) => granted,
        (_, Some(interrupt)) => Verdict::Interrupt(interrupt),
    }
}

fn judge_grant(policy: &ConditionalAccessPolicy, sign_in: &SignIn) -> Verdict {
    let Some(grant) = &policy.grant_controls else {
        return Verdict::Satisfied { by_home_mfa: false };
    };
    if grant.built_in_controls.contains(&BuiltInControl::Block) {
        return Verdict::Deny {
            denial: grants::blocked(policy, sign_in, "grant › block"),
            block: true,
        };
    }
    let mut controls: Vec<Control> = grant
        .built_in_controls
        .iter()
        .map(|control| grants::built_in(policy, sign_in, *control))
        .collect();
    if !grant.terms_of_use.is_empty() {
        controls.push(grants::terms(policy, sign_in, &grant.terms_of_use));
    }
    if controls.is_empty() {
        return Verdict::Satisfied { by_home_mfa: false };
    }
    let satisfied = controls.iter().filter_map(|c| match c {
        Control::Satisfied { by_home_mfa } => Some(*by_home_mfa),
        _ => None,
    });
    let interrupt = controls.iter().find_map(|c| match c {
        Control::Interrupt(interrupt) => Some(interrupt.clone()),
        _ => None,
    });
    let denial = controls.iter().find_map(|c| match c {
        Control::Unsatisfiable(denial) => Some(denial.clone()),
        _ => None,
    });
    match grant.operator {
        GrantOperator::Or => {
            let satisfied: Vec<bool> = satisfied.collect();
            if !satisfied.is_empty() {
                // Prefer a control satisfied here over home MFA, so the token says what happened.
                return Verdict::Satisfied {
                    by_home_mfa: satisfied.iter().all(|by_home| *by_home),
                };
            }
            match (interrupt, denial) {
                (Some(interrupt), _) => Verdict::Interrupt(interrupt),
                (None, Some(denial)) => Verdict::Deny {
                    denial,
                    block: false,
                },
                (None, None) => Verdict::Satisfied { by_home_mfa: false },
            }
        }
        GrantOperator::And => match (denial, interrupt) {
            (Some(denial), _) => Verdict::Deny {
                denial,
                block: false,
            },
            (None, Some(interrupt)) => Verdict::Interrupt(interrupt),
            (None, None) => Verdict::Satisfied {
                by_home_mfa: satisfied.into_iter().any(|by_home| by_home),
            },
        },
    }
}

fn controls_of(policy: &ConditionalAccessPolicy) -> Vec<String> {
    let Some(grant) = &policy.grant_controls else {
        return Vec::new();
    };
    let mut names: Vec<String> = grant
        .built_in_controls
        .iter()
        .map(|c| grants::control_name(*c).to_owned())
        .collect();
    if !grant.terms_of_use.is_empty() {
        names.push("termsOfUse".into());
    }
    names
}

/// The combined answer of Conditional Access and security defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Combined {
    pub denial: Option<Denial>,
    pub interrupt: Option<Interrupt>,
    pub mfa_from_home: bool,
    pub policies: Vec<PolicyResult>,
    pub steps: Vec<Step>,
    pub session: SessionLimits,
}

/// Interrupts are satisfied one at a time: signing in again first, then MFA, then every
/// missing agreement together.
fn merge_interrupt(current: Option<Interrupt>, next: Interrupt) -> Option<Interrupt> {
    let Some(mut current) = current else {
        return Some(next);
    };
    match (&mut current.kind, next.kind) {
        (InterruptKind::Reauthenticate, _) => Some(current),
        (_, InterruptKind::Reauthenticate) => Some(Interrupt {
            kind: InterruptKind::Reauthenticate,
            ..next
        }),
        (InterruptKind::AcceptTerms { terms }, InterruptKind::AcceptTerms { terms: more }) => {
            for term in more {
                if !terms.contains(&term) {
                    terms.push(term);
                }
            }
            Some(current)
        }
        (InterruptKind::AcceptTerms { .. }, mfa) => Some(Interrupt { kind: mfa, ..next }),
        _ => Some(current),
    }
}

pub fn evaluate(sign_in: &SignIn) -> Combined {
    let mut combined = Combined::default();
    let mut block_denial: Option<Denial> = None;
    security_defaults(sign_in, &mut combined);
    let subject = conditions::Subject::of(sign_in);
    for policy in &sign_in.resource.conditional_access {
        let verdict = if policy.state == PolicyState::Disabled {
            Verdict::NotApplied("the policy is off".into())
        } else {
            judge(policy, sign_in, &subject)
        };
        let report_only = policy.state == PolicyState::EnabledForReportingButNotEnforced;
        let (result, detail) = match (&verdict, policy.state) {
            (_, PolicyState::Disabled) => {
                (PolicyOutcome::NotEnabled, "The policy is off.".to_owned())
            }
            (Verdict::NotApplied(why), _) if report_only => (
                PolicyOutcome::ReportOnlyNotApplied,
                format!("Not applied: {why}."),
            ),
            (Verdict::NotApplied(why), _) => {
                (PolicyOutcome::NotApplied, format!("Not applied: {why}."))
            }
            (Verdict::Satisfied { .. }, _) if report_only => (
                PolicyOutcome::ReportOnlySuccess,
                "Report-only: it would be satisfied.".to_owned(),
            ),
            (Verdict::Satisfied { by_home_mfa: true }, _) => (
                PolicyOutcome::Success,
                "Satisfied by MFA at home, accepted through inbound trust.".to_owned(),
            ),
            (Verdict::Satisfied { .. }, _) => {
                (PolicyOutcome::Success, "Applied and satisfied.".to_owned())
            }
            (Verdict::Interrupt(i), _) if report_only => (
                PolicyOutcome::ReportOnlyInterrupted,
                format!("Report-only: it would ask the user to act ({}).", i.reason),
            ),
            (Verdict::Interrupt(i), _) => (
                PolicyOutcome::Failure,
                format!("Requires the user to act: {}", i.reason),
            ),
            (Verdict::Deny { denial, .. }, _) if report_only => (
                PolicyOutcome::ReportOnlyFailure,
                format!("Report-only: it would deny ({}).", denial.reason),
            ),
            (Verdict::Deny { denial, .. }, _) => (PolicyOutcome::Failure, denial.reason.clone()),
        };
        combined.policies.push(PolicyResult {
            id: policy.id,
            display_name: policy.display_name.clone(),
            result,
            enforced_grant_controls: controls_of(policy),
            detail,
        });
        if report_only {
            continue;
        }
        if !matches!(verdict, Verdict::NotApplied(_)) {
            session::tighten(&mut combined.session, policy);
        }
        match verdict {
            Verdict::NotApplied(_) => {}
            Verdict::Satisfied { by_home_mfa } => combined.mfa_from_home |= by_home_mfa,
            Verdict::Interrupt(interrupt) => {
                combined.interrupt = merge_interrupt(combined.interrupt.take(), interrupt);
            }
            // An explicit block is reported before any other denial.
            Verdict::Deny { denial, block } => {
                if block && block_denial.is_none() {
                    block_denial = Some(denial);
                } else if combined.denial.is_none() {
                    combined.denial = Some(denial);
                }
            }
        }
    }
    if block_denial.is_some() {
        combined.denial = block_denial;
    }
    let outcome = if combined.denial.is_some() {
        Outcome::Failed
    } else if combined.interrupt.is_some() {
        Outcome::Interrupted
    } else {
        Outcome::Passed
    };
    let applied: Vec<&str> = combined
        .policies
        .iter()
        .filter(|p| matches!(p.result, PolicyOutcome::Success | PolicyOutcome::Failure))
        .map(|p| p.display_name.as_str())
        .collect();
    combined.steps.push(Step {
        check: "conditionalAccess",
        tenant: Some(sign_in.resource.tenant.clone()),
        outcome,
        setting: format!(
            "{} › Conditional Access ({} {})",
            sign_in.resource.tenant.display_name,
            sign_in.resource.conditional_access.len(),
            if sign_in.resource.conditional_access.len() == 1 {
                "policy"
            } else {
                "policies"
            }
        ),
        detail: match (&combined.denial, &combined.interrupt) {
            (Some(denial), _) => format!("Denied by {}.", denial.setting),
            (None, Some(interrupt)) => format!("The user must act: {}", interrupt.reason),
            (None, None) if applied.is_empty() => "No enforced policy applies.".into(),
            (None, None) => format!("Satisfied: {}.", applied.join(", ")),
        },
    });
    combined
}

/// Security defaults require MFA of the tenant's own members (guests authenticate at home).
fn security_defaults(sign_in: &SignIn, combined: &mut Combined) {
    let resource = &sign_in.resource.tenant;
    let applies = sign_in.resource.security_defaults
        && matches!(sign_in.origin, Origin::Local)
        && sign_in.user.user_type == UserType::Member;
    let setting = format!("{} › security defaults", resource.display_name);
    if !applies {
        combined.steps.push(Step {
            check: "securityDefaults",
            tenant: Some(resource.clone()),
            outcome: Outcome::NotApplicable,
            setting,
            detail: if sign_in.resource.security_defaults {
                "Security defaults ask MFA only of the tenant's own members.".into()
            } else {
                "Security defaults are off.".into()
            },
        });
        return;
    }
    if sign_in.auth.mfa_here {
        combined.steps.push(Step {
            check: "securityDefaults",
            tenant: Some(resource.clone()),
            outcome: Outcome::Passed,
            setting,
            detail: "MFA done.".into(),
        });
        return;
    }
    let (kind, code, verb) = if sign_in.user.mfa_registered {
        (InterruptKind::ChallengeMfa, 50076, "use")
    } else {
        (InterruptKind::RegisterMfa, 50079, "enroll in")
    };
    let interrupt = Interrupt {
        kind,
        code,
        reason: format!("Due to a configuration change made by your administrator, or because you moved to a new location, you must {verb} multi-factor authentication to access '{}'.", resource.display_name),
        setting: setting.clone(),
    };
    combined.steps.push(Step {
        check: "securityDefaults",
        tenant: Some(resource.clone()),
        outcome: Outcome::Interrupted,
        setting,
        detail: "Members must use MFA.".into(),
    });
    combined.interrupt = merge_interrupt(combined.interrupt.take(), interrupt);
}
