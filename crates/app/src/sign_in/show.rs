//! Carrying out the machine's page and failure transitions: the next step saved with its writes
//! and log rows, or the error page (ending the flow when the machine says so).

use super::context::Ctx;
use super::load::Subjects;
use super::machine::{Failure, Subject};
use super::outcome::{attempt, commit_step, ErrorPage, FlowOutcome, InlineError, Page};
use super::{SignInAttempt, SignInKind};
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::oauth::{FlowStep, LoginFlow};
use portico_store::Write;

/// A page to show with what to commit first.
pub(crate) struct Shown {
    pub page: Page,
    pub error: Option<InlineError>,
    pub writes: Vec<Write>,
}

impl App {
    /// Saves the next step (when there is one) with `writes` and the log row, then shows the page.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn show_next(
        &self,
        ctx: &Ctx<'_>,
        mut flow: LoginFlow,
        next: Option<FlowStep>,
        shown: Shown,
        log: Option<Failure>,
        subjects: &Subjects,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let Shown {
            page,
            error,
            mut writes,
        } = shown;
        if let Some(log) = log {
            writes.extend(self.failure_rows(ctx, log, subjects, now).await);
        }
        match next {
            Some(step) => {
                flow.step = step;
                writes.push(Write::UpdateLoginFlow(flow.clone()));
                commit_step!(self.store().apply(ctx.tenant.id, writes).await);
            }
            None if !writes.is_empty() => {
                attempt!(self.store().apply(ctx.tenant.id, writes).await);
            }
            None => {}
        }
        ctx.show(&flow, page, error)
    }

    /// A failure's page, with its log row, ending the flow when `end` says so.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn fail(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        page: ErrorPage,
        end: bool,
        log: Option<Failure>,
        subjects: &Subjects,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let rows = match log {
            Some(log) => self.failure_rows(ctx, log, subjects, now).await,
            None => Vec::new(),
        };
        if end {
            return self.fail_flow(ctx.tenant.id, flow, rows, page).await;
        }
        if !rows.is_empty() {
            attempt!(self.store().apply(ctx.tenant.id, rows).await);
        }
        page.into()
    }

    /// The resource tenant's log rows of a failure; a guest's rows (in both tenants) are
    /// written at once, best effort, as the home tenant's cannot share the transaction.
    async fn failure_rows(
        &self,
        ctx: &Ctx<'_>,
        log: Failure,
        subjects: &Subjects,
        now: DateTime<Utc>,
    ) -> Vec<Write> {
        let Failure {
            subject,
            code,
            message,
        } = log;
        let attempt = match (subject, &subjects.account) {
            (Subject::Unknown(name), _) => SignInAttempt::unknown_user(&name, ctx.app),
            (Subject::Account { with_ip }, Some(user)) => {
                let attempt = SignInAttempt::user(user, ctx.app, SignInKind::Interactive);
                let attempt = match with_ip {
                    true => attempt.from_request(&ctx.request),
                    false => attempt,
                };
                // A guest's failure here (a wrong MFA code in the resource tenant) is still a
                // cross-tenant sign-in from their home tenant.
                let home = match &subjects.home {
                    Some((home, _)) => Some(home.id),
                    None => self.bound_home(ctx.tenant.id, user).await,
                };
                match home {
                    Some(home) => attempt.cross_tenant(home, ctx.tenant.id),
                    None => attempt,
                }
            }
            (Subject::Guest, _) => {
                if let (Some((home, user)), Some(guest_id)) = (&subjects.home, subjects.guest_id) {
                    let failure = Some((code, message.as_str()));
                    self.log_b2b(ctx, home, Some(user), guest_id, failure, now)
                        .await;
                }
                return Vec::new();
            }
            (Subject::Account { .. }, None) => return Vec::new(),
        };
        let row = attempt.failed(code, &message);
        vec![self.sign_in_record(ctx.tenant.id, row, now)]
    }
}
