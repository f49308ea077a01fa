//! Acting on the engine's answer: every refusal is logged in the tenants concerned and shown the
//! same way — an error page that says who must act, or an Entra-shaped protocol error.

use super::facts::Attempt;
use crate::sign_in::outcome::ErrorPage;
use crate::sign_in::{SignInAttempt, SignInKind};
use crate::tokens::errors::OAuthError;
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::ObjectId;
use portico_policy::decision::{Decision, Denial, Interrupt, InterruptKind, Party};
use portico_policy::facts::{Origin, SignIn};
use portico_store::StoreError;

pub use super::judged::Judged;

impl App {
    /// Gathers the facts of `attempt` and evaluates them.
    pub(crate) async fn judge(&self, attempt: &Attempt<'_>) -> Result<Judged, StoreError> {
        let facts = self.sign_in_facts(attempt).await?;
        let evaluation = portico_policy::evaluate(&facts);
        Ok(Judged {
            evaluation,
            facts,
            user_agent: attempt.request.user_agent.clone(),
        })
    }

    /// The sign-in row for `attempt` in the resource tenant, with the engine's verdict.
    pub(crate) fn judged_row(
        &self,
        attempt: &Attempt<'_>,
        judged: &Judged,
        kind: SignInKind,
        correlation: ObjectId,
        now: DateTime<Utc>,
    ) -> portico_store::Write {
        let mut row = SignInAttempt::user(attempt.user, attempt.app, kind)
            .judged(judged)
            .from_request(attempt.request)
            .correlated(correlation);
        if let Some(home) = judged.facts.origin.home_tenant() {
            row = row.cross_tenant(home.id, attempt.resource.id);
        }
        self.sign_in_record(attempt.resource.id, row, now)
    }

    /// The row Entra writes when Conditional Access interrupts an interactive sign-in to ask for
    /// MFA (50074) or its registration (50079): the prompt is a logged failure, and the sign-in
    /// that goes on after it is a row of its own.
    pub(crate) fn interrupt_row(
        &self,
        attempt: &Attempt<'_>,
        judged: &Judged,
        now: DateTime<Utc>,
    ) -> Option<portico_store::Write> {
        let Decision::Interrupt(interrupt) = &judged.evaluation.decision else {
            return None;
        };
        let mfa = [InterruptKind::ChallengeMfa, InterruptKind::RegisterMfa];
        if !mfa.contains(&interrupt.kind) {
            return None;
        }
        let correlation = self.random().object_id();
        Some(self.judged_row(attempt, judged, SignInKind::Interactive, correlation, now))
    }

    /// Logs a refused sign-in: in the resource tenant and, for a guest from another Portico
    /// tenant, in the home tenant too (same correlation id); a tenant-restrictions v1 block goes
    /// to the tenant that owns the restriction instead. Logging failures are reported, not fatal:
    /// the user still gets the refusal.
    pub(crate) async fn log_refusal(
        &self,
        attempt: &Attempt<'_>,
        judged: &Judged,
        kind: SignInKind,
        now: DateTime<Utc>,
    ) {
        let correlation = self.random().object_id();
        let mut rows = Vec::new();
        match &judged.evaluation.log_tenant {
            Some(context) => {
                let row = SignInAttempt::user(attempt.user, attempt.app, kind)
                    .judged(judged)
                    .from_request(attempt.request)
                    .correlated(correlation)
                    .cross_tenant(
                        judged
                            .facts
                            .origin
                            .home_tenant()
                            .map_or(attempt.resource.id, |t| t.id),
                        attempt.resource.id,
                    );
                rows.push((context.id, self.sign_in_record(context.id, row, now)));
            }
            None => {
                rows.push((
                    attempt.resource.id,
                    self.judged_row(attempt, judged, kind, correlation, now),
                ));
                if let Some(row) = self.home_row(attempt, judged, kind, correlation, now).await {
                    rows.push(row);
                }
            }
        }
        for (tenant, row) in rows {
            if let Err(error) = self.store().apply(tenant, vec![row]).await {
                tracing::warn!(%error, %tenant, "cannot write a sign-in row");
            }
        }
    }

    /// The home tenant's row for a guest's sign-in elsewhere.
    pub(crate) async fn home_row(
        &self,
        attempt: &Attempt<'_>,
        judged: &Judged,
        kind: SignInKind,
        correlation: ObjectId,
        now: DateTime<Utc>,
    ) -> Option<(portico_model::TenantId, portico_store::Write)> {
        let Origin::Tenant { home, account } = &judged.facts.origin else {
            return None;
        };
        let home_user = self
            .store()
            .get_user(home.tenant.id, account.id)
            .await
            .ok()?;
        let row = SignInAttempt::user(&home_user, attempt.app, kind)
            .judged(judged)
            .from_request(attempt.request)
            .correlated(correlation)
            .cross_tenant(home.tenant.id, attempt.resource.id)
            .at_home();
        Some((
            home.tenant.id,
            self.sign_in_record(home.tenant.id, row, now),
        ))
    }
}

/// "Who must act", in the words of `docs/decisions.md` 16.
pub fn who_must_act(denial: &Denial, facts: &SignIn) -> String {
    let tenant = denial
        .responsible_tenant
        .as_ref()
        .map(|t| t.display_name.clone());
    match denial.responsible {
        Party::Home => format!(
            "Your organization's admin ({})",
            tenant.unwrap_or_else(|| "your identity provider".into())
        ),
        Party::Resource if !facts.origin.is_external() => format!(
            "Your organization's admin ({})",
            tenant.unwrap_or_else(|| facts.resource.tenant.display_name.clone())
        ),
        Party::Resource => format!(
            "{}'s admin",
            tenant.unwrap_or_else(|| facts.resource.tenant.display_name.clone())
        ),
        Party::Network => "Your network administrator".into(),
        Party::User => "You".into(),
    }
}

/// The page a browser sees for a denial.
pub fn denial_page(denial: &Denial, facts: &SignIn) -> ErrorPage {
    let title = match denial.responsible {
        Party::Home => "Blocked by your organization",
        Party::Resource => "Access blocked by the organization you are signing in to",
        Party::Network => "Blocked by your network",
        Party::User => "You can't get there from here",
    };
    ErrorPage {
        code: denial.code,
        title: title.into(),
        message: denial.reason.clone(),
        remedy: denial.remediation.clone(),
        status: 400,
        who: Some(who_must_act(denial, facts)),
        setting: Some(denial.setting.clone()),
    }
}

pub fn denial_error(denial: &Denial) -> OAuthError {
    OAuthError::denied_by_policy(denial.code, &denial.reason)
}

pub fn interrupt_error(interrupt: &Interrupt) -> OAuthError {
    match interrupt.kind {
        // Entra answers an expired sign-in frequency at the token endpoint with invalid_grant.
        InterruptKind::Reauthenticate => {
            OAuthError::denied_by_policy(interrupt.code, &interrupt.reason)
        }
        _ => OAuthError::interaction_required(interrupt.code, &interrupt.reason),
    }
}

/// The token endpoint's answer when the engine does not allow.
pub fn refusal_error(decision: &Decision) -> Option<OAuthError> {
    match decision {
        Decision::Allow { .. } => None,
        Decision::Interrupt(interrupt) => Some(interrupt_error(interrupt)),
        Decision::Deny(denial) => Some(denial_error(denial)),
    }
}
