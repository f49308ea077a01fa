//! Guests signing in to a resource tenant: the account name leads to the home account (a
//! Portico tenant's user, or a one-time passcode for an address no tenant owns); authentication
//! happens at home (home password, home MFA); a guest's first sign-in reviews permissions and
//! redeems the invitation (`docs/decisions.md` 7, 10–13).

use super::context::Ctx;
use super::outcome::attempt;
use crate::secrets::digest_hex;
use crate::sign_in::outcome::{ErrorPage, FlowOutcome, Page};
use crate::sign_in::{SignInAttempt, SignInKind};
use crate::sign_in_policy::enforce::{denial_page, Judged};
use crate::sign_in_policy::Attempt;
use crate::App;
use chrono::{DateTime, Duration, Utc};
use portico_model::invitation::{GuestBinding, Invitation, InvitationStatus};
use portico_model::lockout::LockoutAccount;
use portico_model::mail::OutboxMessage;
use portico_model::oauth::{FlowPurpose, FlowStep, HomeRef, LoginFlow};
use portico_model::tenant::Tenant;
use portico_model::user::{ExternalUserState, ObjectIdentity, User};
use portico_model::{EmailAddress, ObjectId, TenantId};
use portico_policy::decision::Decision;
use portico_policy::facts::Stage;
use portico_store::{StoreError, UserChanges, Write};

const OTP_DIGITS: u32 = 8;

/// The tenant that stands for personal Microsoft accounts.
pub const CONSUMERS: &str = crate::tokens::flow::CONSUMERS_TENANT;

/// The issuer a guest's tokens name as `idp`, and the identity issuer its user object shows.
pub(crate) fn home_issuers(app: &App, binding: &GuestBinding) -> (String, String) {
    if binding.issuer == GuestBinding::MAIL_ISSUER {
        ("mail".to_owned(), "mail".to_owned())
    } else if binding.issuer == CONSUMERS {
        ("live.com".to_owned(), "MicrosoftAccount".to_owned())
    } else if TenantId::parse(&binding.issuer).is_ok() {
        (
            format!("{}{}/v2.0", app.public_base(), binding.issuer),
            "ExternalAzureAD".to_owned(),
        )
    } else {
        // An external OpenID Connect provider: its issuer names it (`docs/decisions.md` 13).
        (binding.issuer.clone(), binding.issuer.clone())
    }
}

impl App {
    /// E-mails a one-time passcode (8 digits, stored hashed, single use).
    pub(crate) async fn send_passcode(
        &self,
        ctx: &Ctx<'_>,
        mut flow: LoginFlow,
        guest_id: ObjectId,
        address: &EmailAddress,
    ) -> FlowOutcome {
        let settings = attempt!(self.store().get_settings(ctx.tenant.id).await);
        if !settings.collaboration.email_otp_enabled {
            return ErrorPage::passcodes_disabled(address.as_str(), &ctx.tenant.display_name)
                .into();
        }
        let code = self.random().digits(OTP_DIGITS);
        let minutes = settings
            .entra_compat
            .otp_lifetime_minutes
            .unwrap_or(10)
            .clamp(1, 30);
        let now = self.now();
        flow.step = FlowStep::OneTimePasscode {
            guest_id,
            address: address.to_string(),
            code_sha256_hex: digest_hex(&code),
            expires_at: now + Duration::minutes(i64::from(minutes)),
        };
        let mail = passcode_mail(
            self.random().object_id(),
            ctx.tenant,
            address,
            &code,
            minutes,
            now,
        );
        let mut writes = passcode_quotas(address, now);
        writes.push(Write::UpdateLoginFlow(flow.clone()));
        if let Some(mail) = mail {
            writes.push(Write::EnqueueMail(attempt!(self.seal_mail(mail))));
        }
        match self.store().apply(ctx.tenant.id, writes).await {
            Ok(()) => {}
            Err(StoreError::Conflict(portico_store::Conflict::Precondition(_))) => {
                return ErrorPage::too_many_passcodes().into();
            }
            Err(StoreError::NotFound) => return ErrorPage::expired().into(),
            Err(error) => return ErrorPage::server(error).into(),
        }
        self.mail_wakeup().notify_one();
        ctx.show(
            &flow,
            Page::Passcode {
                address: address.to_string(),
            },
            None,
        )
    }

    /// Accepting the invitation: single use, binds the guest to the home account that proved
    /// itself, takes the home display name (once), and records the redemption.
    pub(crate) async fn redeem(
        &self,
        ctx: &Ctx<'_>,
        flow: LoginFlow,
        guest_id: ObjectId,
        home: HomeRef,
        amr: &[String],
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let mut guest = attempt!(self.store().get_user(ctx.tenant.id, guest_id).await);
        let mut writes = Vec::new();
        if guest.external_user_state == Some(ExternalUserState::PendingAcceptance) {
            let invitation = attempt!(self.invitation_redeemed(ctx, &flow, guest.id).await);
            let Some(invitation) = invitation else {
                return ErrorPage::invalid_link().into();
            };
            if let Some(outcome) = unusable(&invitation, ctx.tenant, now, self) {
                return outcome;
            }
            writes = self.redemption(&mut guest, &invitation, &home, now).await;
        }
        // Decide again right before issuing: the settings may have changed since the first page.
        let attempt = Attempt {
            resource: ctx.tenant,
            user: &guest,
            app: ctx.app,
            home: Some(&home),
            amr,
            entered_at: None,
            request: &ctx.request,
            stage: Stage::Redemption,
        };
        let judged = attempt!(self.judge(&attempt).await);
        if let Decision::Deny(denial) = &judged.evaluation.decision {
            self.log_refusal(&attempt, &judged, SignInKind::Interactive, now)
                .await;
            return FlowOutcome::Error(denial_page(denial, &judged.facts));
        }
        self.finish_guest(ctx, &flow, &guest, &home, amr, writes, &judged, now)
            .await
    }

    /// The invitation a sign-in redeems: the link's, or the guest's newest pending one.
    async fn invitation_redeemed(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        guest_id: ObjectId,
    ) -> Result<Option<Invitation>, StoreError> {
        let invitations = self
            .store()
            .list_invitations_for_user(ctx.tenant.id, guest_id)
            .await?;
        Ok(match &flow.purpose {
            FlowPurpose::Redeem { invitation_id } => {
                invitations.into_iter().find(|i| i.id == *invitation_id)
            }
            _ => invitations
                .into_iter()
                .filter(|i| i.status == InvitationStatus::PendingAcceptance)
                .max_by_key(|i| i.created_at),
        })
    }

    /// The writes of a redemption: the invitation used, the guest bound to the home account
    /// that proved itself (taking its display name once), and the audit row.
    async fn redemption(
        &self,
        guest: &mut User,
        invitation: &Invitation,
        home: &HomeRef,
        now: DateTime<Utc>,
    ) -> Vec<Write> {
        let binding = GuestBinding {
            guest_id: guest.id,
            issuer: issuer_of(home),
            subject: subject_of(home),
            confirmed: true,
        };
        let (_, identity_issuer) = home_issuers(self, &binding);
        if let HomeRef::Tenant { tenant_id, user_id } = home {
            if let Ok(home_user) = self.store().get_user(*tenant_id, *user_id).await {
                guest.display_name = home_user.display_name;
            }
        }
        guest.external_user_state = Some(ExternalUserState::Accepted);
        guest.external_user_state_changed_at = Some(now);
        guest.identities = vec![ObjectIdentity {
            sign_in_type: "federated".into(),
            issuer: identity_issuer.to_owned(),
            issuer_assigned_id: binding.subject.clone(),
        }];
        let changes = UserChanges {
            display_name: Some(guest.display_name.clone()),
            external_user_state: Some(guest.external_user_state),
            external_user_state_changed_at: Some(guest.external_user_state_changed_at),
            identities: Some(guest.identities.clone()),
            ..UserChanges::default()
        };
        vec![
            Write::RedeemInvitation {
                id: invitation.id,
                at: now,
            },
            Write::PatchUser {
                id: guest.id,
                changes,
            },
            Write::PutGuestBinding(binding),
            self.self_service_audit(
                guest,
                "UserManagement",
                "Redeem external user invite",
                crate::audit::user_target(guest),
            ),
        ]
    }

    /// Completes the flow for a guest: the code (or the invitation's redirect), the session, and
    /// the sign-in row in the resource tenant and its twin in the home tenant (same correlation).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn finish_guest(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        guest: &User,
        home: &HomeRef,
        amr: &[String],
        writes: Vec<Write>,
        judged: &Judged,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let correlation = self.random().object_id();
        let outcome = self
            .finish_flow_for(
                ctx.tenant,
                ctx.app,
                flow,
                guest,
                amr,
                writes,
                Some(judged),
                correlation,
                now,
            )
            .await;
        if let FlowOutcome::Error(page) = &outcome {
            if page.code == 90033 {
                return outcome;
            }
        }
        let attempt = Attempt {
            resource: ctx.tenant,
            user: guest,
            app: ctx.app,
            home: Some(home),
            amr,
            entered_at: None,
            request: &ctx.request,
            stage: judged.facts.stage,
        };
        if let Some((home_tenant, row)) = self
            .home_row(&attempt, judged, SignInKind::Interactive, correlation, now)
            .await
        {
            if let Err(error) = self.store().apply(home_tenant, vec![row]).await {
                tracing::warn!(%error, "cannot write the home tenant's sign-in row");
            }
        }
        if let (FlowOutcome::Complete { .. }, HomeRef::Tenant { tenant_id, user_id }) =
            (&outcome, home)
        {
            // The home account proved itself: its lockout counter starts again.
            let account = LockoutAccount::User(*user_id);
            let cleared = self
                .signed_in_writes(*tenant_id, account, ctx.request.ip, now)
                .await;
            if let Err(error) = match cleared {
                Ok(writes) => self.store().apply(*tenant_id, writes).await,
                Err(error) => Err(error),
            } {
                tracing::warn!(%error, "cannot clear the home account's lockout counter");
            }
        }
        outcome
    }

    /// A failed guest sign-in, logged in the resource tenant and in the home tenant.
    pub(crate) async fn log_b2b(
        &self,
        ctx: &Ctx<'_>,
        home: &Tenant,
        home_user: Option<&User>,
        guest_id: ObjectId,
        failure: Option<(u32, &str)>,
        now: DateTime<Utc>,
    ) {
        let guest = self.store().get_user(ctx.tenant.id, guest_id).await.ok();
        let mut resource = match &guest {
            Some(guest) => SignInAttempt::user(guest, ctx.app, SignInKind::Interactive),
            None => SignInAttempt::unknown_user("", ctx.app),
        }
        .from_request(&ctx.request)
        .cross_tenant(home.id, ctx.tenant.id);
        if let Some((code, reason)) = failure {
            resource = resource
                .failed(code, reason)
                .responsible(&format!("home: {}", home.display_name));
        }
        let row = self.sign_in_record(ctx.tenant.id, resource, now);
        if let Err(error) = self.store().apply(ctx.tenant.id, vec![row]).await {
            tracing::warn!(%error, "cannot write a sign-in row");
        }
        if let Some(user) = home_user {
            let mut at_home = SignInAttempt::user(user, ctx.app, SignInKind::Interactive)
                .from_request(&ctx.request)
                .cross_tenant(home.id, ctx.tenant.id)
                .at_home();
            if let Some((code, reason)) = failure {
                at_home = at_home.failed(code, reason);
            }
            let row = self.sign_in_record(home.id, at_home, now);
            if let Err(error) = self.store().apply(home.id, vec![row]).await {
                tracing::warn!(%error, "cannot write the home sign-in row");
            }
        }
    }
}

fn issuer_of(home: &HomeRef) -> String {
    match home {
        HomeRef::Tenant { tenant_id, .. } => tenant_id.to_string(),
        HomeRef::Mail { .. } => GuestBinding::MAIL_ISSUER.to_owned(),
        HomeRef::Federated { issuer, .. } => issuer.clone(),
    }
}

fn subject_of(home: &HomeRef) -> String {
    match home {
        HomeRef::Tenant { user_id, .. } => user_id.to_string(),
        HomeRef::Mail { address } | HomeRef::Federated { address, .. } => {
            address.to_ascii_lowercase()
        }
    }
}

/// Why an invitation cannot be redeemed now, as a page.
pub(crate) fn unusable(
    invitation: &Invitation,
    tenant: &Tenant,
    now: DateTime<Utc>,
    app: &App,
) -> Option<FlowOutcome> {
    match invitation.status {
        InvitationStatus::Superseded => Some(ErrorPage::invitation_superseded().into()),
        InvitationStatus::Completed => Some(FlowOutcome::Location(app.tenant_link(tenant))),
        InvitationStatus::PendingAcceptance
            if invitation.expires_at.is_some_and(|at| now >= at) =>
        {
            Some(
                ErrorPage::invitation_expired(
                    &tenant.display_name,
                    &invitation
                        .expires_at
                        .map(|t| t.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                )
                .into(),
            )
        }
        InvitationStatus::PendingAcceptance => None,
    }
}

/// One-time passcode mail per address, and per tenant, in a window that starts at the first code.
const PASSCODES_PER_ADDRESS: u32 = 5;
const PASSCODES_PER_TENANT: u32 = 200;
const PASSCODE_WINDOW_SECONDS: i64 = 15 * 60;

/// The quota claims a passcode mail needs; they fail (and nothing is sent) when spent.
fn passcode_quotas(address: &EmailAddress, now: DateTime<Utc>) -> Vec<Write> {
    let quota = |key: String, max| Write::ClaimQuota {
        key,
        now,
        window_seconds: PASSCODE_WINDOW_SECONDS,
        max,
    };
    vec![
        quota(
            format!("otp-mail:{}", address.normalized()),
            PASSCODES_PER_ADDRESS,
        ),
        quota("otp-mail".to_owned(), PASSCODES_PER_TENANT),
    ]
}

fn passcode_mail(
    id: ObjectId,
    tenant: &Tenant,
    address: &EmailAddress,
    code: &str,
    minutes: u32,
    now: DateTime<Utc>,
) -> Option<OutboxMessage> {
    let from = EmailAddress::parse(&format!(
        "account-security-noreply@{}",
        tenant.initial_domain
    ))
    .ok()?;
    let bodies = crate::mail_bodies::passcode(code, &tenant.display_name, minutes).ok()?;
    Some(OutboxMessage {
        id,
        tenant_id: Some(TenantId::from_uuid(*tenant.id.as_uuid())),
        from,
        to: vec![address.clone()],
        cc: Vec::new(),
        subject: format!("{} account verification code", tenant.display_name),
        text: bodies.text,
        html: bodies.html,
        links: Vec::new(),
        created_at: now,
        delivered_at: None,
        delivery_attempts: 0,
        last_error: None,
        sealed_body: None,
    })
}
