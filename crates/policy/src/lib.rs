//! Portico's sign-in policy engine: pure functions from the facts of one sign-in (both tenants'
//! settings included) to a decision, the setting that decided, who must act, and a trace of
//! every check. No I/O, no clock, no randomness: the app loads the facts and acts on the answer.
//!
//! Every check runs in this fixed order, and the first failure decides:
//!
//! 1. tenant restrictions v1 (`Restrict-Access-To-Tenants`, network) — AADSTS500021
//! 2. tenant restrictions v2 (`sec-Restrict-Tenant-Access-Policy`, network) — AADSTS5000211
//! 3. accounts: the home account, then the object in the resource tenant — AADSTS50057
//! 4. the home tenant's B2B collaboration outbound setting — AADSTS500212
//! 5. the resource tenant's B2B collaboration inbound setting — AADSTS500213
//! 6. app assignment — AADSTS50105
//! 7. security defaults and Conditional Access (block beats every grant; report-only never
//!    enforces) — AADSTS53003, 530032, 53000–53002, 53004, 50142, or an interrupt: 50079/50076
//!    (register or use MFA in the resource tenant), 50158 (accept terms of use)
//!
//! Checks after the first failure still run, so the trace shows everything that would have to
//! change.

pub mod conditional_access;
pub mod cross_tenant;
pub mod decision;
pub mod facts;
pub mod report;
pub mod tenant_restrictions;

use decision::{Decision, Denial, Evaluation, Outcome, Party, Step};
use facts::{Origin, SignIn};

/// Evaluates one sign-in.
pub fn evaluate(sign_in: &SignIn) -> Evaluation {
    let resource = &sign_in.resource.tenant;
    let mut checks = Checks::default();
    let mut log_tenant = None;

    // 1–2. Tenant restrictions.
    match &sign_in.restrictions.v1 {
        Some(v1) => {
            let checked = tenant_restrictions::v1(v1, resource);
            if checked.1.is_some() {
                log_tenant = v1.context.clone();
            }
            checks.record(checked);
        }
        None => checks.skip(
            "tenantRestrictionsV1",
            "No Restrict-Access-To-Tenants header.",
        ),
    }
    match &sign_in.restrictions.v2 {
        Some(v2) => checks.record(tenant_restrictions::v2(
            v2,
            resource,
            &sign_in.user,
            &sign_in.app,
        )),
        None => checks.skip(
            "tenantRestrictionsV2",
            "No sec-Restrict-Tenant-Access-Policy header.",
        ),
    }

    // 3. Accounts.
    checks.record(accounts(sign_in));

    // 4–5. Cross-tenant access settings.
    match &sign_in.origin {
        Origin::Local => {
            checks.skip("homeOutbound", "The user belongs to the resource tenant.");
            checks.skip(
                "resourceInbound",
                "The user belongs to the resource tenant.",
            );
        }
        Origin::Tenant { home, account } => {
            checks.record(cross_tenant::home_outbound(
                home,
                account,
                resource,
                &sign_in.app,
            ));
            checks.record(cross_tenant::resource_inbound(
                &sign_in.resource,
                Some(&home.tenant),
                &home.tenant.display_name,
                Some(account),
                Some(&sign_in.app),
            ));
        }
        Origin::External { issuer } => {
            checks.skip(
                "homeOutbound",
                "The user's home is not a directory with cross-tenant settings.",
            );
            let name = format!("external accounts ({issuer})");
            checks.record(cross_tenant::resource_inbound(
                &sign_in.resource,
                None,
                &name,
                None,
                Some(&sign_in.app),
            ));
        }
    }

    // 6. App assignment.
    checks.record(assignment(sign_in));

    // 7. Security defaults and Conditional Access.
    let combined = conditional_access::evaluate(sign_in);
    checks.trace.extend(combined.steps.iter().cloned());

    let decision = match checks.denials.into_iter().next().or(combined.denial) {
        Some(denial) => Decision::Deny(denial),
        None => match combined.interrupt {
            Some(interrupt) => Decision::Interrupt(interrupt),
            None => Decision::Allow {
                mfa_from_home: combined.mfa_from_home && !sign_in.auth.mfa_here,
            },
        },
    };
    // Only a v1 block that decided goes to the context tenant's log.
    if !matches!(&decision, Decision::Deny(d) if d.code == 500021) {
        log_tenant = None;
    }
    Evaluation {
        decision,
        trace: checks.trace,
        policies: combined.policies,
        session: combined.session,
        log_tenant,
    }
}

/// The trace so far and the denials in check order.
#[derive(Default)]
struct Checks {
    trace: Vec<Step>,
    denials: Vec<Denial>,
}

impl Checks {
    fn record(&mut self, (step, denial): (Step, Option<Denial>)) {
        self.trace.push(step);
        if let Some(denial) = denial {
            self.denials.push(denial);
        }
    }

    fn skip(&mut self, check: &'static str, detail: &str) {
        self.trace.push(Step {
            check,
            tenant: None,
            outcome: Outcome::NotApplicable,
            setting: String::new(),
            detail: detail.into(),
        });
    }
}

/// A disabled home account fails at home; a disabled object in the resource tenant fails there.
fn accounts(sign_in: &SignIn) -> (Step, Option<Denial>) {
    let resource = &sign_in.resource.tenant;
    let reason = "The user account is disabled.".to_owned();
    if let Origin::Tenant { home, account } = &sign_in.origin {
        if !account.enabled {
            let setting = format!(
                "{} › users › {} › accountEnabled: false",
                home.tenant.display_name, account.name
            );
            let denial = Denial {
                code: 50057,
                reason,
                responsible: Party::Home,
                responsible_tenant: Some(home.tenant.clone()),
                setting: setting.clone(),
                remediation: format!("Your account is disabled in your own organization, {home}. Ask an administrator of {home} (not {resource}) to enable it.", home = home.tenant.display_name, resource = resource.display_name),
            };
            return (
                failed(
                    "accounts",
                    &home.tenant,
                    setting,
                    "The home account is disabled.",
                ),
                Some(denial),
            );
        }
    }
    if !sign_in.user.enabled {
        let setting = format!(
            "{} › users › {} › accountEnabled: false",
            resource.display_name, sign_in.user.name
        );
        let what = if sign_in.origin.is_external() {
            "guest account"
        } else {
            "account"
        };
        let denial = Denial {
            code: 50057,
            reason,
            responsible: Party::Resource,
            responsible_tenant: Some(resource.clone()),
            setting: setting.clone(),
            remediation: format!("Your {what} in {resource} is disabled. Ask an administrator of {resource} to enable it.", resource = resource.display_name),
        };
        return (
            failed(
                "accounts",
                resource,
                setting,
                &format!("The {what} is disabled."),
            ),
            Some(denial),
        );
    }
    let step = Step {
        check: "accounts",
        tenant: Some(resource.clone()),
        outcome: Outcome::Passed,
        setting: String::new(),
        detail: "The accounts are enabled.".into(),
    };
    (step, None)
}

fn assignment(sign_in: &SignIn) -> (Step, Option<Denial>) {
    let resource = &sign_in.resource.tenant;
    let app = &sign_in.app;
    let setting = format!(
        "{} › enterprise apps › {} › assignment required: {}",
        resource.display_name,
        app.display_name,
        if app.assignment_required { "yes" } else { "no" }
    );
    if !app.assignment_required || app.assigned {
        let step = Step {
            check: "appAssignment",
            tenant: Some(resource.clone()),
            outcome: Outcome::Passed,
            setting,
            detail: if app.assignment_required {
                "The user is assigned."
            } else {
                "The app admits every user."
            }
            .into(),
        };
        return (step, None);
    }
    let denial = Denial {
        code: 50105,
        reason: format!(
            "Your administrator has configured the application {} ('{}') to block users unless they are specifically granted ('assigned') access to the application. The signed in user '{}' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application.",
            app.display_name, app.client_id, sign_in.user.name
        ),
        responsible: Party::Resource,
        responsible_tenant: Some(resource.clone()),
        setting: setting.clone(),
        remediation: format!("An administrator of {} must assign you (or a group you are in) to {}.", resource.display_name, app.display_name),
    };
    (
        failed(
            "appAssignment",
            resource,
            setting,
            "The user is not assigned to the app.",
        ),
        Some(denial),
    )
}

fn failed(check: &'static str, tenant: &facts::TenantRef, setting: String, detail: &str) -> Step {
    Step {
        check,
        tenant: Some(tenant.clone()),
        outcome: Outcome::Failed,
        setting,
        detail: detail.into(),
    }
}

/// Invitation time: may the resource tenant's inbound setting admit `account` of `home` (or, for
/// an address without a Portico tenant, "all users")? Only users are judged: there is no app yet.
pub fn inbound_admits(
    resource: &facts::TenantPolicies,
    home: Option<&facts::TenantRef>,
    account: Option<&facts::Account>,
) -> (Step, Option<Denial>) {
    let name = home.map_or("external accounts".to_owned(), |h| h.display_name.clone());
    cross_tenant::resource_inbound(resource, home, &name, account, None)
}
