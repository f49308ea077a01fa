//! `/authorize`: validating the request, single sign-on with a live session (decided again by
//! the policies), and starting the sign-in pages. The pages' steps are `crate::sign_in`.

use super::flow::oauth_redirect;
use super::flow::{encode, AuthorizeParams, CONSUMERS_TENANT};
use crate::secrets::digest_hex;
use crate::sign_in::machine::{Authenticated, Who};
use crate::sign_in::outcome::attempt;
use crate::sign_in::outcome::{ErrorPage, FlowOutcome, Page, ShownPage};
use crate::sign_in::SignInKind;
use crate::sign_in::{Ctx, Logged, SessionUse};
use crate::sign_in_policy::enforce::denial_page;
use crate::App;
use chrono::{DateTime, Duration, Utc};
use portico_model::application::Application;
use portico_model::oauth::{
    AuthorizationRequest, FlowPurpose, FlowStep, GuestContinuation, LoginFlow, Session,
};
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::ClientId;
use portico_policy::decision::{Decision, InterruptKind};
use portico_store::Write;

/// A validated `/authorize` request and who sent it.
struct Sso<'a> {
    tenant: &'a Tenant,
    app: &'a Application,
    request: &'a AuthorizationRequest,
    client: &'a crate::sign_in_policy::ClientRequest,
    prompt: &'a str,
}

impl App {
    /// `GET /{tenant}/oauth2/v2.0/authorize`. `raw_query` is the request's query string (used to
    /// forward `/common` requests); `session_secret` is the tenant's session cookie, if any.
    pub async fn authorize(
        &self,
        segment: &str,
        params: AuthorizeParams,
        raw_query: &str,
        session_secret: Option<String>,
        client: crate::sign_in_policy::ClientRequest,
    ) -> FlowOutcome {
        let now = self.now();
        let segment = match segment.eq_ignore_ascii_case("consumers") {
            true => CONSUMERS_TENANT,
            false => segment,
        };
        if segment.eq_ignore_ascii_case("common") || segment.eq_ignore_ascii_case("organizations") {
            return self.forward_common(&params, raw_query).await;
        }
        let Some(tenant) = attempt!(self.resolve_tenant(segment).await) else {
            let remedy = "Check the tenant id or domain in the app's authority.";
            return ErrorPage::tenant_not_found(segment, remedy).into();
        };
        let (app, request) = match self.validate_authorize(&tenant, &params).await {
            Ok(valid) => valid,
            Err(outcome) => return *outcome,
        };
        let prompt = params.prompt.as_deref().unwrap_or_default();
        let session = match session_secret {
            Some(secret) if prompt != "login" && prompt != "select_account" => attempt!(
                self.live_session(&tenant, &secret, request.max_age, now)
                    .await
            ),
            _ => None,
        };
        let sso = Sso {
            tenant: &tenant,
            app: &app,
            request: &request,
            client: &client,
            prompt,
        };
        match session {
            Some((session, user)) => self.single_sign_on(&sso, session, &user, now).await,
            None if prompt == "none" => oauth_redirect(
                &request,
                &self.issuer(tenant.id),
                "login_required",
                50058,
                "A silent sign-in request was sent but no user is signed in.",
            ),
            None => self.first_page(&sso, now).await,
        }
    }

    /// `/common` and `/organizations`: the hint's domain picks the tenant.
    async fn forward_common(&self, params: &AuthorizeParams, raw_query: &str) -> FlowOutcome {
        let hint = params
            .login_hint
            .as_deref()
            .or(params.domain_hint.as_deref())
            .unwrap_or_default();
        match self.tenant_of_address(hint).await {
            Some(tenant) => FlowOutcome::Location(format!(
                "{}{}/oauth2/v2.0/authorize?{raw_query}",
                self.public_base(),
                tenant.id
            )),
            None => ErrorPage::which_organization().into(),
        }
    }

    /// A new flow's first page: the password of the hinted member, or the account name.
    async fn first_page(&self, sso: &Sso<'_>, now: DateTime<Utc>) -> FlowOutcome {
        let user = match &sso.request.login_hint {
            Some(hint) => attempt!(self.find_member(sso.tenant, hint).await),
            None => None,
        };
        self.sign_in_page(sso, user, now).await
    }

    /// A new flow at the password of `user` (a member), or at the account name.
    async fn sign_in_page(
        &self,
        sso: &Sso<'_>,
        user: Option<User>,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let (tenant, request) = (sso.tenant, sso.request);
        let (step, page) = match user {
            Some(user) => (
                FlowStep::Password { user_id: user.id },
                Page::Password {
                    username: user.user_principal_name.to_string(),
                },
            ),
            None => (
                FlowStep::Identify,
                Page::Identify {
                    login_hint: request.login_hint.clone(),
                },
            ),
        };
        let (flow, secret) = self.new_flow(request, step, now);
        let insert = vec![Write::InsertLoginFlow(flow.clone())];
        attempt!(self.store().apply(tenant.id, insert).await);
        FlowOutcome::Show(Box::new(ShownPage {
            page,
            tenant: tenant.clone(),
            app_name: sso.app.display_name.clone(),
            flow_secret: secret,
            csrf: flow.csrf_token,
            error: None,
            redirect_uri: request.redirect_uri.clone(),
        }))
    }

    /// A live session: the policies decide again, as on every sign-in. A pending MFA or terms
    /// step starts a flow at that step (or, with `prompt=none`, answers `interaction_required`).
    async fn single_sign_on(
        &self,
        sso: &Sso<'_>,
        session: Session,
        user: &User,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let tenant = sso.tenant;
        let home = attempt!(self.store().find_binding_of_guest(tenant.id, user.id).await)
            .map(|binding| crate::sign_in_policy::facts::home_of_binding(&binding));
        let amr = session.amr.clone();
        let attempt = crate::sign_in_policy::Attempt {
            resource: tenant,
            user,
            app: sso.app,
            home: home.as_ref(),
            amr: &amr,
            entered_at: Some(session.auth_time),
            request: sso.client,
            stage: portico_policy::facts::Stage::Interactive,
        };
        let judged = attempt!(self.judge(&attempt).await);
        let silent = sso.prompt == "none";
        let refuse = |error: &str, code: u32, reason: &str| {
            oauth_redirect(sso.request, &self.issuer(tenant.id), error, code, reason)
        };
        match &judged.evaluation.decision {
            Decision::Allow { .. } => {
                self.sso_complete(sso, session, &attempt, &judged, now)
                    .await
            }
            Decision::Deny(denial) => {
                self.log_refusal(&attempt, &judged, SignInKind::NonInteractive, now)
                    .await;
                match silent {
                    true => refuse("access_denied", denial.code, &denial.reason),
                    false => denial_page(denial, &judged.facts).into(),
                }
            }
            // Sign-in frequency: the session is too old to reuse; the user signs in again.
            Decision::Interrupt(interrupt) if interrupt.kind == InterruptKind::Reauthenticate => {
                self.log_refusal(&attempt, &judged, SignInKind::NonInteractive, now)
                    .await;
                match silent {
                    true => refuse("login_required", interrupt.code, &interrupt.reason),
                    false => {
                        let member = (home.is_none()).then(|| user.clone());
                        self.sign_in_page(sso, member, now).await
                    }
                }
            }
            Decision::Interrupt(interrupt) if silent => {
                refuse("interaction_required", interrupt.code, &interrupt.reason)
            }
            Decision::Interrupt(_) => {
                let guest = home.map(|home| GuestContinuation {
                    home,
                    amr: amr.clone(),
                });
                let who = Authenticated {
                    who: Who::Existing(user.id),
                    guest,
                    amr,
                    writes: Vec::new(),
                };
                self.sso_interrupted(sso, who, now).await
            }
        }
    }

    /// Single sign-on allowed: a code on the existing session, the home tenant's row for a guest.
    async fn sso_complete(
        &self,
        sso: &Sso<'_>,
        session: Session,
        attempt: &crate::sign_in_policy::Attempt<'_>,
        judged: &crate::sign_in_policy::enforce::Judged,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let correlation = self.random().object_id();
        let persistent = judged.evaluation.session.persistent(session.persistent);
        let outcome = self
            .complete(
                sso.tenant,
                sso.app,
                sso.request,
                &FlowPurpose::Authorize,
                attempt.user,
                attempt.amr,
                SessionUse {
                    existing: Some(session),
                    persistent,
                },
                Vec::new(),
                Logged {
                    judged: Some(judged),
                    correlation,
                },
                now,
            )
            .await;
        let kind = SignInKind::NonInteractive;
        let home_row = self.home_row(attempt, judged, kind, correlation, now).await;
        if let Some((home_tenant, row)) = home_row {
            if let Err(error) = self.store().apply(home_tenant, vec![row]).await {
                tracing::warn!(%error, "cannot write the home tenant's sign-in row");
            }
        }
        outcome
    }

    /// Single sign-on that the policies interrupt (MFA, terms): a flow starts at that step.
    async fn sso_interrupted(
        &self,
        sso: &Sso<'_>,
        who: Authenticated,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let (flow, secret) = self.new_flow(sso.request, FlowStep::Identify, now);
        // The flow starts here: inserted once, then its steps are updates.
        let insert = vec![Write::InsertLoginFlow(flow.clone())];
        attempt!(self.store().apply(sso.tenant.id, insert).await);
        let ctx = Ctx {
            tenant: sso.tenant,
            app: sso.app,
            flow_secret: secret,
            request: sso.client.clone(),
        };
        self.authenticated(&ctx, flow, who, Vec::new(), now).await
    }

    /// A new flow for `request` at `step`, and the secret its browser holds.
    fn new_flow(
        &self,
        request: &AuthorizationRequest,
        step: FlowStep,
        now: DateTime<Utc>,
    ) -> (LoginFlow, String) {
        let (secret, csrf) = (self.random().secret(), self.random().secret());
        let flow = LoginFlow {
            flow_hash: digest_hex(&secret),
            csrf_token: csrf,
            request: request.clone(),
            purpose: Default::default(),
            step,
            keep_signed_in: false,
            failed_attempts: 0,
            created_at: now,
            expires_at: now + self.lifetimes().login_flow,
        };
        (flow, secret)
    }

    /// Checks client and redirect URI (failures show a page), then the rest (failures redirect).
    async fn validate_authorize(
        &self,
        tenant: &Tenant,
        params: &AuthorizeParams,
    ) -> Result<(Application, AuthorizationRequest), Box<FlowOutcome>> {
        let (app, redirect_uri) = self.authorize_client(tenant, params).await?;
        let request = request_of(params, app.client_id, redirect_uri);
        if let Some((error, code, message)) = request_problem(params, &app, &request) {
            let issuer = self.issuer(tenant.id);
            let answer = oauth_redirect(&request, &issuer, error, code, &message);
            return Err(Box::new(answer));
        }
        Ok((app, request))
    }

    /// The client and where it wants the answer; a problem here is shown, never redirected.
    async fn authorize_client(
        &self,
        tenant: &Tenant,
        params: &AuthorizeParams,
    ) -> Result<(Application, String), Box<FlowOutcome>> {
        let raw_client = params
            .client_id
            .as_deref()
            .ok_or_else(|| Box::new(ErrorPage::missing_client_id().into()))?;
        let unknown =
            || Box::new(ErrorPage::unknown_application(raw_client, &tenant.display_name).into());
        let client_id = ClientId::parse(raw_client).map_err(|_| unknown())?;
        let app = self
            .client_for_sign_in(tenant, client_id)
            .await
            .map_err(|e| Box::new(ErrorPage::server(e).into()))?
            .ok_or_else(unknown)?;
        let redirect_uri = match (&params.redirect_uri, app.redirect_uris.as_slice()) {
            (Some(uri), registered) if registered.iter().any(|r| r.matches(uri)) => uri.clone(),
            (None, [only]) => only.to_string(),
            (requested, _) => {
                let requested = requested.as_deref().unwrap_or("");
                let page =
                    ErrorPage::redirect_uri_not_registered(requested, &client_id.to_string());
                return Err(Box::new(page.into()));
            }
        };
        Ok((app, redirect_uri))
    }

    /// `POST /{tenant}/oauth2/v2.0/authorize` from `/common`: the account name picks the tenant.
    pub async fn discover_tenant(&self, login: &str, raw_query: &str) -> FlowOutcome {
        match self.tenant_of_address(login).await {
            Some(tenant) => {
                let hint = format!("login_hint={}", encode(login));
                FlowOutcome::Location(format!(
                    "{}{}/oauth2/v2.0/authorize?{raw_query}&{hint}",
                    self.public_base(),
                    tenant.id
                ))
            }
            None => ErrorPage::no_organization_for(login).into(),
        }
    }

    async fn tenant_of_address(&self, text: &str) -> Option<Tenant> {
        let domain = text.rsplit('@').next()?;
        self.resolve_tenant(domain).await.ok().flatten()
    }

    pub(crate) async fn live_session(
        &self,
        tenant: &Tenant,
        secret: &str,
        max_age: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, User)>, portico_store::StoreError> {
        let Some(session) = self
            .store()
            .find_session(tenant.id, &digest_hex(secret))
            .await?
        else {
            return Ok(None);
        };
        if now >= session.expires_at
            || max_age.is_some_and(|age| max_age_elapsed(age, now - session.auth_time))
        {
            return Ok(None);
        }
        let user = match self.store().get_user(tenant.id, session.user_id).await {
            Ok(user) if user.account_enabled => user,
            _ => return Ok(None),
        };
        Ok(Some((session, user)))
    }
}

/// The request as the flow keeps it.
fn request_of(
    params: &AuthorizeParams,
    client_id: ClientId,
    redirect_uri: String,
) -> AuthorizationRequest {
    let form_post = params.response_mode.as_deref() == Some("form_post");
    AuthorizationRequest {
        client_id,
        redirect_uri,
        scopes: params
            .scope
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        state: params.state.clone(),
        nonce: params.nonce.clone(),
        code_challenge: params.code_challenge.clone(),
        response_mode: if form_post { "form_post" } else { "query" }.into(),
        login_hint: params.login_hint.clone(),
        max_age: params.max_age.as_deref().and_then(|m| m.parse().ok()),
    }
}

/// What is wrong with a request whose client and redirect URI are fine: the OAuth error, its
/// AADSTS code and message, sent back to the client.
fn request_problem(
    params: &AuthorizeParams,
    app: &Application,
    request: &AuthorizationRequest,
) -> Option<(&'static str, u32, String)> {
    let invalid = |code, message: &str| Some(("invalid_request", code, message.to_owned()));
    if let Some(other) = params
        .response_mode
        .as_deref()
        .filter(|m| !matches!(*m, "query" | "form_post"))
    {
        return invalid(
            9002313,
            &format!("The response_mode '{other}' is not supported."),
        );
    }
    if params.response_type.as_deref() != Some("code") {
        let message = "Only response_type 'code' is supported (the implicit grant is not offered).";
        return Some(("unsupported_response_type", 700054, message.to_owned()));
    }
    if request.scopes.is_empty() {
        return invalid(
            900144,
            "The request body must contain the following parameter: 'scope'.",
        );
    }
    let method = params.code_challenge_method.as_deref();
    match (&params.code_challenge, method) {
        (Some(challenge), None | Some("S256")) if is_pkce_challenge(challenge) => None,
        (Some(_), _) => invalid(
            501491,
            "Only S256 code challenges of 43 base64url characters are accepted.",
        ),
        (None, _) if app.public_client => invalid(
            9002325,
            "Proof Key for Code Exchange is required for public clients.",
        ),
        (None, _) => None,
    }
}

/// Whether a session of this age is older than `max_age` seconds. A `max_age` too large for a
/// duration (near `i64::MAX`) is no limit rather than a panic; a negative one always asks again.
fn max_age_elapsed(max_age: i64, age: Duration) -> bool {
    Duration::try_seconds(max_age).is_some_and(|limit| age > limit)
}

fn is_pkce_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
