//! The machine's [`State::Authenticated`]: credentials are proved, the policy engine decides, and
//! the interpreter carries out what [`advance`] makes of the verdict — the next page (MFA, terms,
//! review permissions), completion, or a refusal.

use super::context::Ctx;
use super::load::{broke, display_name_for, Subjects};
use super::machine::{
    advance, Authenticated, Consent, Decided, Facts, Input, Loaded, State, Transition, Verdict, Who,
};
use super::outcome::{attempt, AgreementView, ErrorPage, FlowOutcome};
use super::show::Shown;
use super::SignInKind;
use crate::sign_in_policy::enforce::{denial_page, Judged};
use crate::sign_in_policy::facts::device_markers;
use crate::sign_in_policy::Attempt;
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::conditional_access::TermsAcceptance;
use portico_model::logs::AuditTarget;
use portico_model::oauth::{FlowPurpose, HomeRef, LoginFlow};
use portico_model::user::{ExternalUserState, User};
use portico_model::ObjectId;
use portico_policy::decision::{Decision, InterruptKind};
use portico_policy::facts::Stage;
use portico_store::{StoreError, Write};

impl App {
    /// Credentials proved: terms just accepted are recorded (so the decision sees them), the
    /// policies decide, and the machine turns the verdict into the next move.
    pub(crate) async fn authenticated(
        &self,
        ctx: &Ctx<'_>,
        flow: LoginFlow,
        who: Authenticated,
        terms: Vec<ObjectId>,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let user = match self.authenticated_user(ctx, &who, terms, now).await {
            Ok(user) => user,
            Err(outcome) => return outcome,
        };
        let stage = match flow.purpose {
            FlowPurpose::Redeem { .. } => Stage::Redemption,
            _ => Stage::Interactive,
        };
        let home = who.guest.as_ref().map(|g| g.home.clone());
        let amr = who.amr.clone();
        let attempt = Attempt {
            resource: ctx.tenant,
            user: &user,
            app: ctx.app,
            home: home.as_ref(),
            amr: &amr,
            entered_at: None,
            request: &ctx.request,
            stage,
        };
        let judged = attempt!(self.judge(&attempt).await);
        let verdict = match self.verdict(ctx, &flow, &user, &who, &judged).await {
            Ok(verdict) => verdict,
            Err(outcome) => return outcome,
        };
        let facts = Facts {
            organization: ctx.tenant.display_name.clone(),
            loaded: Loaded::Verdict(verdict),
        };
        let pending = who.writes.clone();
        let state = State::Authenticated(Box::new(who));
        match advance(&state, &Input::Verdict, &facts, now) {
            Transition::Show {
                next,
                page,
                error,
                writes,
                log,
            } => {
                let mut writes = writes;
                writes.extend(self.interrupt_row(&attempt, &judged, now));
                let shown = Shown {
                    page,
                    error,
                    writes,
                };
                self.show_next(ctx, flow, next, shown, log, &Subjects::default(), now)
                    .await
            }
            Transition::Refuse { page, writes } => {
                let ended = self.fail_flow(ctx.tenant.id, &flow, writes, page).await;
                self.log_refusal(&attempt, &judged, SignInKind::Interactive, now)
                    .await;
                ended
            }
            Transition::Complete { who, amr } => {
                self.complete_flow(ctx, &flow, &user, *who, amr, &judged, now)
                    .await
            }
            Transition::Redeem {
                guest_id,
                home,
                amr,
            } => {
                let redeem = (guest_id, home, amr);
                self.redeem_automatically(ctx, flow, pending, redeem, now)
                    .await
            }
            _ => ErrorPage::expired().into(),
        }
    }

    /// Automatic redemption: what the consent page would have saved, then the redemption.
    async fn redeem_automatically(
        &self,
        ctx: &Ctx<'_>,
        flow: LoginFlow,
        pending: Vec<Write>,
        (guest_id, home, amr): (ObjectId, HomeRef, Vec<String>),
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        if !pending.is_empty() {
            attempt!(self.store().apply(ctx.tenant.id, pending).await);
        }
        self.redeem(ctx, flow, guest_id, home, &amr, now).await
    }

    /// The account that proved itself, with the terms it just accepted recorded.
    async fn authenticated_user(
        &self,
        ctx: &Ctx<'_>,
        who: &Authenticated,
        terms: Vec<ObjectId>,
        now: DateTime<Utc>,
    ) -> Result<User, FlowOutcome> {
        let user = match &who.who {
            Who::New(user) => (**user).clone(),
            Who::Existing(id) => match self.store().get_user(ctx.tenant.id, *id).await {
                Ok(user) => user,
                Err(StoreError::NotFound) if who.guest.is_some() => {
                    return Err(ErrorPage::invalid_link().into())
                }
                Err(error) => return Err(broke(error)),
            },
        };
        if !terms.is_empty() {
            let accepted = self.terms_accepted(&user, terms, now);
            self.store()
                .apply(ctx.tenant.id, accepted)
                .await
                .map_err(broke)?;
        }
        Ok(user)
    }

    /// Done: a member's code and session, or a guest's (with the home tenant's row).
    #[allow(clippy::too_many_arguments)]
    async fn complete_flow(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        user: &User,
        who: Authenticated,
        amr: Vec<String>,
        judged: &Judged,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        match &who.guest {
            None => {
                let correlation = self.random().object_id();
                self.finish_flow_for(
                    ctx.tenant,
                    ctx.app,
                    flow,
                    user,
                    &amr,
                    who.writes,
                    Some(judged),
                    correlation,
                    now,
                )
                .await
            }
            Some(guest) => {
                self.finish_guest(ctx, flow, user, &guest.home, &amr, who.writes, judged, now)
                    .await
            }
        }
    }

    /// The engine's answer as the machine's facts: the verdict, and what its pages need.
    async fn verdict(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        user: &User,
        who: &Authenticated,
        judged: &Judged,
    ) -> Result<Verdict, FlowOutcome> {
        let decision = match &judged.evaluation.decision {
            Decision::Deny(denial) => Decided::Deny(denial_page(denial, &judged.facts)),
            Decision::Allow { .. } => Decided::Allow,
            Decision::Interrupt(interrupt) => match &interrupt.kind {
                InterruptKind::ChallengeMfa => Decided::ChallengeMfa,
                InterruptKind::RegisterMfa => {
                    let secret = self.new_totp_secret(ctx.tenant.id, user.id);
                    let (plain, sealed) = secret.map_err(broke)?;
                    Decided::RegisterMfa { plain, sealed }
                }
                // Credentials entered in this flow are never too old; a policy that says so
                // anyway is answered with the page that asks to start again.
                InterruptKind::Reauthenticate => {
                    Decided::Deny(ErrorPage::session_too_old(&interrupt.reason))
                }
                InterruptKind::AcceptTerms { terms } => Decided::AcceptTerms {
                    terms: terms.clone(),
                    agreements: self.agreements(ctx, terms).await?,
                },
            },
        };
        Ok(Verdict {
            decision,
            username: display_name_for(user, who.guest.is_some()),
            device_markers: device_markers(judged.facts.auth.device),
            consent: consent_step(user, flow, &judged.facts),
        })
    }

    /// The terms of use a policy requires, as the page shows them.
    async fn agreements(
        &self,
        ctx: &Ctx<'_>,
        terms: &[ObjectId],
    ) -> Result<Vec<AgreementView>, FlowOutcome> {
        let all = self.store().list_terms_of_use(ctx.tenant.id).await;
        Ok(all
            .map_err(broke)?
            .into_iter()
            .filter(|t| terms.contains(&t.id))
            .map(|t| AgreementView {
                id: t.id.to_string(),
                display_name: t.display_name,
                text: t.text,
            })
            .collect())
    }

    /// The acceptances of `terms` by `user`, each with Entra's audit entry.
    fn terms_accepted(&self, user: &User, terms: Vec<ObjectId>, now: DateTime<Utc>) -> Vec<Write> {
        let mut accepted = Vec::new();
        for terms_id in terms {
            accepted.push(Write::AcceptTerms(TermsAcceptance {
                user_id: user.id,
                terms_id,
                accepted_at: now,
            }));
            accepted.push(self.self_service_audit(
                user,
                "Policy",
                "Accept Terms of use",
                AuditTarget {
                    id: terms_id.to_string(),
                    kind: "Agreement".into(),
                    display_name: None,
                },
            ));
        }
        accepted
    }

    /// Entra's audit entry for an authenticator registered at sign-in.
    pub(crate) fn registered_security_info(&self, user: &User) -> Write {
        self.self_service_audit(
            user,
            "UserManagement",
            "User registered security info",
            AuditTarget {
                id: user.id.to_string(),
                kind: "User".into(),
                display_name: Some(user.user_principal_name.to_string()),
            },
        )
    }
}

/// A pending guest (or a redeem link) reviews permissions, unless both tenants' cross-tenant
/// settings redeem automatically.
fn consent_step(user: &User, flow: &LoginFlow, facts: &portico_policy::facts::SignIn) -> Consent {
    let pending = user.external_user_state == Some(ExternalUserState::PendingAcceptance)
        || matches!(flow.purpose, FlowPurpose::Redeem { .. });
    match (
        pending,
        portico_policy::cross_tenant::automatic_redemption(facts),
    ) {
        (false, _) => Consent::NotNeeded,
        (true, true) => Consent::Automatic,
        (true, false) => Consent::Ask,
    }
}
