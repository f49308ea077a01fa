//! The sign-in pages after authentication: the policy engine decides, and the user registers or
//! uses MFA in this tenant, accepts terms of use, or sees who must act. Members and guests share
//! these steps; a guest's home sign-in rides along in a [`GuestContinuation`].

use super::flow::{attempt, commit_step};
use super::guest_flow::Ctx;
use super::lockout::{refund, Claim};
use crate::sign_in::outcome::{inline, AgreementView, ErrorPage, FlowOutcome, Page};
use crate::sign_in::SignInKind;
use crate::sign_in_policy::enforce::denial_page;
use crate::sign_in_policy::facts::device_markers;
use crate::sign_in_policy::{Attempt, AMR_MFA};
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::conditional_access::TermsAcceptance;
use portico_model::lockout::LockoutAccount;
use portico_model::logs::AuditTarget;
use portico_model::oauth::{FlowStep, GuestContinuation, LoginFlow};
use portico_model::user::User;
use portico_model::ObjectId;
use portico_policy::decision::{Decision, InterruptKind};
use portico_policy::facts::Stage;
use portico_store::Write;

impl App {
    /// Authentication is done (`amr` says how): ask the engine and act on its answer. `writes`
    /// (an MFA registration, say) are committed whatever the answer.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn proceed(
        &self,
        ctx: &Ctx<'_>,
        mut flow: LoginFlow,
        user: &User,
        guest: Option<GuestContinuation>,
        amr: Vec<String>,
        writes: Vec<Write>,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let stage = if matches!(
            flow.purpose,
            portico_model::oauth::FlowPurpose::Redeem { .. }
        ) {
            Stage::Redemption
        } else {
            Stage::Interactive
        };
        let attempt = Attempt {
            resource: ctx.tenant,
            user,
            app: ctx.app,
            home: guest.as_ref().map(|g| &g.home),
            amr: &amr,
            request: &ctx.request,
            stage,
        };
        let judged = attempt!(self.judge(&attempt).await);
        let username = match &guest {
            Some(_) => user
                .mail
                .as_ref()
                .map_or_else(|| user.display_name.clone(), ToString::to_string),
            None => user.user_principal_name.to_string(),
        };
        let (step, page) = match &judged.evaluation.decision {
            Decision::Deny(denial) => {
                let page = denial_page(denial, &judged.facts);
                let ended = self.fail_flow(ctx.tenant.id, &flow, writes, page).await;
                self.log_refusal(&attempt, &judged, SignInKind::Interactive, now)
                    .await;
                return ended;
            }
            Decision::Allow { .. } => {
                // The device state proved now holds for this sign-in's codes and refresh tokens.
                let mut amr = amr;
                for marker in device_markers(judged.facts.auth.device) {
                    if !amr.contains(&marker) {
                        amr.push(marker);
                    }
                }
                return match guest {
                    None => {
                        self.finish_flow_for(
                            ctx.tenant,
                            ctx.app,
                            &flow,
                            user,
                            &amr,
                            writes,
                            Some(&judged),
                            ObjectId::from_uuid(uuid::Uuid::new_v4()),
                            now,
                        )
                        .await
                    }
                    Some(guest) => {
                        self.guest_allowed(ctx, flow, user, guest, writes, &judged, now)
                            .await
                    }
                };
            }
            Decision::Interrupt(interrupt) => match &interrupt.kind {
                InterruptKind::ChallengeMfa => (
                    FlowStep::ChallengeMfa {
                        user_id: user.id,
                        guest,
                    },
                    Page::ChallengeMfa { username },
                ),
                InterruptKind::RegisterMfa => {
                    let (secret, sealed) = attempt!(self.new_totp_secret(ctx.tenant.id, user.id));
                    (
                        FlowStep::RegisterMfa {
                            user_id: user.id,
                            secret_base32: sealed,
                            guest,
                        },
                        Page::RegisterMfa {
                            username,
                            secret_base32: secret,
                        },
                    )
                }
                InterruptKind::AcceptTerms { terms } => {
                    let agreements = attempt!(self.store().list_terms_of_use(ctx.tenant.id).await)
                        .into_iter()
                        .filter(|t| terms.contains(&t.id))
                        .map(|t| AgreementView {
                            id: t.id.to_string(),
                            display_name: t.display_name,
                            text: t.text,
                        })
                        .collect::<Vec<_>>();
                    (
                        FlowStep::AcceptTerms {
                            user_id: user.id,
                            terms: terms.clone(),
                            amr: amr.clone(),
                            guest,
                        },
                        Page::Terms { agreements },
                    )
                }
            },
        };
        flow.step = step;
        let mut all = writes;
        all.push(Write::UpdateLoginFlow(flow.clone()));
        commit_step!(self.store().apply(ctx.tenant.id, all).await);
        ctx.show(&flow, page, None)
    }

    /// The MFA and terms-of-use pages' answers.
    pub(crate) async fn policy_step(
        &self,
        ctx: &Ctx<'_>,
        flow: LoginFlow,
        form: &super::flow::FlowForm,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        match flow.step.clone() {
            FlowStep::RegisterMfa {
                user_id,
                secret_base32,
                guest,
            } => {
                let mut user = attempt!(self.store().get_user(ctx.tenant.id, user_id).await);
                if let Some(end) = self.claim_code_attempt(ctx.tenant.id, &flow).await {
                    return end;
                }
                let code = form.otp.clone().unwrap_or_default();
                let tenant = ctx.tenant.id;
                match attempt!(
                    self.register_totp(tenant, &mut user, &secret_base32, &code, now)
                        .await
                ) {
                    Some(saved) => {
                        let audit = self.registered_security_info(&user);
                        self.after_mfa(ctx, flow, user, guest, vec![audit, saved], now)
                            .await
                    }
                    None => {
                        let page = Page::RegisterMfa {
                            username: self.display_name_for(&user, guest.is_some()),
                            secret_base32: attempt!(self.open_totp_secret(
                                tenant,
                                user.id,
                                &secret_base32
                            )),
                        };
                        self.mfa_failed(ctx, flow, &user, page, now).await
                    }
                }
            }
            FlowStep::ChallengeMfa { user_id, guest } => {
                let user = attempt!(self.store().get_user(ctx.tenant.id, user_id).await);
                let page = Page::ChallengeMfa {
                    username: self.display_name_for(&user, guest.is_some()),
                };
                if let Some(end) = self.claim_code_attempt(ctx.tenant.id, &flow).await {
                    return end;
                }
                let account = LockoutAccount::User(user.id);
                let key = match attempt!(
                    self.claim_check(ctx.tenant.id, account, ctx.request.ip)
                        .await
                ) {
                    Claim::Granted(key) => key,
                    Claim::Locked => return self.locked_page(ctx, &flow, &user, page, now).await,
                };
                let code = form.otp.clone().unwrap_or_default();
                match attempt!(self.check_totp(ctx.tenant.id, &user, &code, now).await) {
                    Some(mut writes) => {
                        writes.push(refund(key));
                        self.after_mfa(ctx, flow, user, guest, writes, now).await
                    }
                    None => self.mfa_failed(ctx, flow, &user, page, now).await,
                }
            }
            FlowStep::AcceptTerms {
                user_id,
                terms,
                amr,
                guest,
            } => {
                if !form.accept {
                    let page = ErrorPage::terms_declined(&ctx.tenant.display_name);
                    return self.fail_flow(ctx.tenant.id, &flow, Vec::new(), page).await;
                }
                let user = attempt!(self.store().get_user(ctx.tenant.id, user_id).await);
                let mut accepted: Vec<Write> = Vec::new();
                for terms_id in terms {
                    accepted.push(Write::AcceptTerms(TermsAcceptance {
                        user_id,
                        terms_id,
                        accepted_at: now,
                    }));
                    accepted.push(self.self_service_audit(
                        &user,
                        "Policy",
                        "Accept Terms of use",
                        AuditTarget {
                            id: terms_id.to_string(),
                            kind: "Agreement".into(),
                            display_name: None,
                        },
                    ));
                }
                // Recorded before deciding again, so the decision sees it.
                attempt!(self.store().apply(ctx.tenant.id, accepted).await);
                self.proceed(ctx, flow, &user, guest, amr, Vec::new(), now)
                    .await
            }
            _ => ErrorPage::expired().into(),
        }
    }

    /// MFA succeeded in this tenant: `writes` (a registration, say) are saved with what follows.
    async fn after_mfa(
        &self,
        ctx: &Ctx<'_>,
        flow: LoginFlow,
        user: User,
        guest: Option<GuestContinuation>,
        writes: Vec<Write>,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let mut amr = match &guest {
            Some(guest) => guest.amr.clone(),
            None => vec!["pwd".to_owned()],
        };
        if !amr.iter().any(|a| a == AMR_MFA) {
            amr.push(AMR_MFA.to_owned());
        }
        let guest = guest.map(|g| GuestContinuation {
            amr: amr.clone(),
            ..g
        });
        self.proceed(ctx, flow, &user, guest, amr, writes, now)
            .await
    }

    async fn mfa_failed(
        &self,
        ctx: &Ctx<'_>,
        flow: LoginFlow,
        user: &User,
        page: Page,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let message = inline::WRONG_CODE;
        let log = self.sign_in_record(
            ctx.tenant.id,
            crate::sign_in::SignInAttempt::user(user, ctx.app, SignInKind::Interactive)
                .failed(500121, message),
            now,
        );
        // The attempt was claimed before the check: only the log row is left to write.
        attempt!(self.store().apply(ctx.tenant.id, vec![log]).await);
        let shown = ctx.show(&flow, page, Some(inline::wrong_code()));
        self.after_wrong_code(ctx.tenant.id, &flow, shown).await
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

    fn display_name_for(&self, user: &User, guest: bool) -> String {
        if guest {
            user.mail
                .as_ref()
                .map_or_else(|| user.display_name.clone(), ToString::to_string)
        } else {
            user.user_principal_name.to_string()
        }
    }
}
