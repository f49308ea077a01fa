//! The one interpreter of the sign-in machine: it opens the flow a form belongs to, loads the
//! facts the current state needs (`load.rs`), asks [`advance`] for the transition, and carries
//! it out — saving the next step, committing writes and log rows, asking the policies, mailing
//! a passcode, sending the browser to a provider, completing or ending the flow.

use super::context::Ctx;
use super::federation::ProviderAnswer;
use super::load::{broke, Subjects};
use super::machine::{advance, Facts, Input, Loaded, State, Transition};
use super::outcome::{ErrorPage, FlowOutcome};
use super::show::Shown;
use crate::secrets::digest_hex;
use crate::tokens::flow::FlowForm;
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::application::Application;
use portico_model::oauth::{FlowStep, LoginFlow};
use portico_model::tenant::Tenant;
use portico_model::EmailAddress;

/// A flow opened for a request: its tenant, the flow row and the app it signs in to.
pub(crate) struct Opened {
    pub tenant: Tenant,
    pub flow: LoginFlow,
    pub app: Application,
}

impl App {
    /// A sign-in page's form.
    pub async fn submit_flow(
        &self,
        segment: &str,
        form: FlowForm,
        cookie_flow: Option<String>,
    ) -> FlowOutcome {
        let now = self.now();
        if cookie_flow.as_deref() != Some(form.flow.as_str()) {
            return ErrorPage::not_this_browser().into();
        }
        let Opened {
            tenant,
            mut flow,
            app,
        } = match self.open_flow(segment, &form, now).await {
            Ok(opened) => opened,
            Err(outcome) => return outcome,
        };
        let ctx = Ctx {
            tenant: &tenant,
            app: &app,
            flow_secret: form.flow.clone(),
            request: form.request.clone(),
        };
        let input = input_of(&flow.step, &form);
        let mut subjects = Subjects::default();
        let loaded = match self.load(&ctx, &flow, &form, now, &mut subjects).await {
            Ok(loaded) => loaded,
            Err(outcome) => return outcome,
        };
        if matches!(
            flow.step,
            FlowStep::Password { .. } | FlowStep::HomePassword { .. }
        ) {
            flow.keep_signed_in = form.keep_signed_in;
        }
        let state = State::At(flow.step.clone());
        self.run(&ctx, flow, &state, &input, loaded, subjects, now)
            .await
    }

    /// The flow the form names, if it is alive and the form is its own (CSRF token).
    async fn open_flow(
        &self,
        segment: &str,
        form: &FlowForm,
        now: DateTime<Utc>,
    ) -> Result<Opened, FlowOutcome> {
        let expired = || FlowOutcome::from(ErrorPage::expired());
        let tenant = self.resolve_tenant(segment).await.map_err(broke)?;
        let tenant = tenant.ok_or_else(expired)?;
        let flow = self
            .store()
            .find_login_flow(tenant.id, &digest_hex(&form.flow))
            .await
            .map_err(broke)?
            .ok_or_else(expired)?;
        if now >= flow.expires_at || !crate::secrets::constant_time_eq(&flow.csrf_token, &form.csrf)
        {
            return Err(expired());
        }
        let app = self.flow_app(&tenant, &flow, now).await.map_err(broke)?;
        let app = app.ok_or_else(expired)?;
        Ok(Opened { tenant, flow, app })
    }

    /// The facts the flow's state needs for this form.
    async fn load(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        form: &FlowForm,
        now: DateTime<Utc>,
        subjects: &mut Subjects,
    ) -> Result<Loaded, FlowOutcome> {
        let password = || form.password.clone().unwrap_or_default();
        Ok(match &flow.step {
            FlowStep::Identify => {
                let login = form.login.clone().unwrap_or_default();
                Loaded::Account(self.login_facts(ctx, flow, login.trim()).await?)
            }
            FlowStep::Password { user_id } => {
                self.member_password_facts(ctx, *user_id, password(), subjects)
                    .await?
            }
            step @ FlowStep::HomePassword { .. } => {
                self.home_password_facts(ctx, step, password(), subjects)
                    .await?
            }
            FlowStep::SignUp { email } => {
                let name = form.display_name.clone().unwrap_or_default();
                let password = form.new_password.clone().unwrap_or_default();
                let made = self.sign_up(ctx.tenant, email, name.trim(), password, now);
                let made = made.await.map_err(broke)?;
                Loaded::NewAccount(made.map(|(user, writes)| (Box::new(user), writes)))
            }
            FlowStep::RegisterMfa { .. }
            | FlowStep::ChallengeMfa { .. }
            | FlowStep::HomeMfa { .. }
            | FlowStep::OneTimePasscode { .. } => {
                let code = form.otp.clone().unwrap_or_default();
                self.code_facts(ctx, flow, &code, now, subjects).await?
            }
            FlowStep::AcceptTerms { .. } | FlowStep::Consent { .. } => Loaded::Nothing,
            // Only the provider's callback answers this step.
            FlowStep::Federated { .. } => return Err(ErrorPage::invalid_link().into()),
        })
    }

    /// Advances the machine from `state` and carries the transition out.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn run(
        &self,
        ctx: &Ctx<'_>,
        flow: LoginFlow,
        state: &State,
        input: &Input,
        loaded: Loaded,
        subjects: Subjects,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let facts = Facts {
            organization: ctx.tenant.display_name.clone(),
            loaded,
        };
        match advance(state, input, &facts, now) {
            Transition::Show {
                next,
                page,
                error,
                writes,
                log,
            } => {
                let shown = Shown {
                    page,
                    error,
                    writes,
                };
                self.show_next(ctx, flow, next, shown, log, &subjects, now)
                    .await
            }
            Transition::Fail { page, end, log } => {
                self.fail(ctx, &flow, page, end, log, &subjects, now).await
            }
            Transition::Authenticate { who, terms } => {
                self.authenticated(ctx, flow, *who, terms, now).await
            }
            Transition::SendPasscode { guest_id, address } => {
                let Ok(address) = EmailAddress::parse(&address) else {
                    return ErrorPage::invalid_link().into();
                };
                self.send_passcode(ctx, flow, guest_id, &address).await
            }
            Transition::Federate {
                guest_id,
                federation,
                address,
            } => {
                let Ok(address) = EmailAddress::parse(&address) else {
                    return ErrorPage::invalid_link().into();
                };
                self.start_federation(ctx, flow, guest_id, &federation, &address)
                    .await
            }
            Transition::Redeem {
                guest_id,
                home,
                amr,
            } => self.redeem(ctx, flow, guest_id, home, &amr, now).await,
            // Only the policies' verdict completes or refuses (see `authenticated`).
            Transition::Complete { .. } | Transition::Refuse { .. } => ErrorPage::expired().into(),
        }
    }
}

/// What the form brings for the flow's state.
fn input_of(step: &FlowStep, form: &FlowForm) -> Input {
    match step {
        FlowStep::Identify => Input::Login(form.login.clone().unwrap_or_default()),
        FlowStep::Password { .. } | FlowStep::HomePassword { .. } => Input::Password,
        FlowStep::SignUp { .. } => Input::NewAccount,
        FlowStep::RegisterMfa { .. }
        | FlowStep::ChallengeMfa { .. }
        | FlowStep::HomeMfa { .. }
        | FlowStep::OneTimePasscode { .. } => Input::Code(form.otp.clone().unwrap_or_default()),
        FlowStep::AcceptTerms { .. } | FlowStep::Consent { .. } => Input::Accept(form.accept),
        FlowStep::Federated { .. } => Input::ProviderAnswer,
    }
}

impl App {
    /// `GET /{tenant}/federation/callback`: the provider's answer for the flow in `flow_secret`,
    /// verified here and handed to the sign-in machine.
    pub async fn federation_callback(
        &self,
        segment: &str,
        flow_secret: Option<String>,
        answer: ProviderAnswer,
        client: crate::sign_in_policy::ClientRequest,
    ) -> FlowOutcome {
        let (tenant, flow, secret) = match self.callback_flow(segment, flow_secret, &answer).await {
            Ok(opened) => opened,
            Err(outcome) => return outcome,
        };
        let unexpected = |why: &str| FlowOutcome::from(ErrorPage::provider_answer_unexpected(why));
        let app = match self.flow_app(&tenant, &flow, self.now()).await {
            Ok(Some(app)) => app,
            Ok(None) => return unexpected("the app it signs in to no longer exists"),
            Err(error) => return ErrorPage::server(error).into(),
        };
        let ctx = Ctx {
            tenant: &tenant,
            app: &app,
            flow_secret: secret,
            request: client,
        };
        let asserted = match self.provider_claims(&ctx, &flow, answer).await {
            Ok(asserted) => asserted,
            Err(outcome) => return outcome,
        };
        let state = State::At(flow.step.clone());
        let loaded = Loaded::Provider(asserted);
        let now = self.now();
        let subjects = Default::default();
        self.run(
            &ctx,
            flow,
            &state,
            &Input::ProviderAnswer,
            loaded,
            subjects,
            now,
        )
        .await
    }
}
