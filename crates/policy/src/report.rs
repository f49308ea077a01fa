//! The plain-text form of an evaluation: what `portico what-if` prints and the snapshot tests
//! compare. One line per check, then the policies, then the verdict.

use crate::decision::{Decision, Evaluation, Outcome};
use std::fmt::Write;

fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "ok  ",
        Outcome::Failed => "FAIL",
        Outcome::Interrupted => "ACT ",
        Outcome::NotApplicable => "--  ",
    }
}

pub fn render(evaluation: &Evaluation) -> String {
    let mut out = String::new();
    for step in &evaluation.trace {
        let line = format!("{} {:<22} {}", mark(step.outcome), step.check, step.setting);
        let _ = writeln!(out, "{}", line.trim_end());
        let _ = writeln!(out, "       {}", step.detail);
    }
    for policy in &evaluation.policies {
        let _ = writeln!(
            out,
            "policy \"{}\": {} — {}",
            policy.display_name,
            policy.result.graph_name(),
            policy.detail
        );
    }
    match &evaluation.decision {
        Decision::Allow { mfa_from_home } => {
            let _ = writeln!(
                out,
                "decision: allow{}",
                if *mfa_from_home {
                    " (MFA from home, trusted)"
                } else {
                    ""
                }
            );
        }
        Decision::Interrupt(interrupt) => {
            let _ = writeln!(
                out,
                "decision: interrupt AADSTS{} — {}",
                interrupt.code, interrupt.reason
            );
            let _ = writeln!(out, "setting: {}", interrupt.setting);
            let _ = writeln!(out, "who must act: user");
        }
        Decision::Deny(denial) => {
            let _ = writeln!(
                out,
                "decision: deny AADSTS{} — {}",
                denial.code, denial.reason
            );
            let _ = writeln!(out, "setting: {}", denial.setting);
            let tenant = denial
                .responsible_tenant
                .as_ref()
                .map_or(String::new(), |t| format!(" ({})", t.display_name));
            let _ = writeln!(out, "who must act: {}{tenant}", denial.responsible.name());
            let _ = writeln!(out, "remediation: {}", denial.remediation);
        }
    }
    out
}
