//! The interactive sign-in: `/authorize` validation, the pages' steps (account, password, MFA
//! registration or challenge) and completion with an authorization code. HTTP-free: the edge
//! renders the [`FlowOutcome`] this returns.

use super::errors::OAuthError;
use crate::secrets::digest_hex;
use crate::sign_in::{SignInAttempt, SignInKind};
use crate::sign_in_policy::enforce::Judged;
use crate::App;
use chrono::{DateTime, Duration, Utc};
use portico_model::application::Application;
use portico_model::oauth::{
    AuthorizationCode, AuthorizationRequest, FlowPurpose, FlowStep, LoginFlow, Session,
};
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::{ClientId, EmailAddress, ObjectId, TenantId, Upn};
use portico_store::Write;

/// The personal-accounts tenant that `/consumers` means.
pub const CONSUMERS_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// `/authorize` query parameters.
#[derive(Debug, Clone, Default)]
pub struct AuthorizeParams {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub response_mode: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub login_hint: Option<String>,
    pub domain_hint: Option<String>,
    pub max_age: Option<String>,
}

/// A form submitted by a sign-in page.
#[derive(Debug, Clone, Default)]
pub struct FlowForm {
    pub flow: String,
    pub csrf: String,
    pub login: Option<String>,
    pub password: Option<String>,
    pub keep_signed_in: bool,
    pub otp: Option<String>,
    /// The consent page's "Accept".
    pub accept: bool,
    /// Self-service sign-up: the new account's display name and password.
    pub display_name: Option<String>,
    pub new_password: Option<String>,
    /// The request the form came with.
    pub request: crate::sign_in_policy::ClientRequest,
}

/// Which page to show, with what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Identify {
        login_hint: Option<String>,
    },
    Password {
        username: String,
    },
    RegisterMfa {
        username: String,
        secret_base32: String,
    },
    ChallengeMfa {
        username: String,
    },
    SignUp {
        email: String,
    },
    /// A one-time passcode was mailed to `address`.
    Passcode {
        address: String,
    },
    /// "Review permissions" before a guest's first access.
    Consent {
        organization: String,
        username: String,
    },
    /// Terms of use a Conditional Access policy requires.
    Terms {
        agreements: Vec<AgreementView>,
    },
}

/// A terms-of-use agreement as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementView {
    pub id: String,
    pub display_name: String,
    pub text: String,
}

/// Whether a completion reuses a session (SSO) or starts one, and for how long.
pub(crate) struct SessionUse {
    pub existing: Option<Session>,
    pub persistent: bool,
}

/// What the completion's log row says beyond the attempt itself.
pub(crate) struct Logged<'a> {
    pub judged: Option<&'a Judged>,
    pub correlation: ObjectId,
}

/// A page to render for a flow in progress.
#[derive(Debug, Clone)]
pub struct ShownPage {
    pub page: Page,
    pub tenant: Tenant,
    pub app_name: String,
    /// The flow's secret: goes in the form and in the flow cookie.
    pub flow_secret: String,
    pub csrf: String,
    /// An error to show on the page (AADSTS code, message).
    pub error: Option<(u32, String)>,
    /// Where the flow ends: the page's forms may lead there (CSP `form-action`).
    pub redirect_uri: String,
}

/// Where the browser goes with the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    Query(String),
    FormPost {
        action: String,
        fields: Vec<(String, String)>,
    },
}

/// A page that explains a failure and who can fix it; never redirects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorPage {
    pub code: u32,
    pub title: String,
    pub message: String,
    pub remedy: String,
    pub status: u16,
    /// Who must act, when a policy decided (`decisions.md` 16).
    pub who: Option<String>,
    /// The setting that decided.
    pub setting: Option<String>,
}

#[derive(Debug, Clone)]
pub enum FlowOutcome {
    Show(Box<ShownPage>),
    /// Signed in: send the code (and keep the session).
    Complete {
        redirect: Redirect,
        session_secret: Option<String>,
        persistent: bool,
        tenant: TenantId,
    },
    /// Back to the client with an OAuth error.
    Redirect(Redirect),
    /// Elsewhere in Portico (`/common` resolved to a tenant).
    Location(String),
    /// To an external identity provider. Its answer comes back to `callback_path`, which alone
    /// sees the flow's secret: the provider may be another tenant of this server, whose own
    /// sign-in would replace the ordinary flow cookie.
    Federate {
        url: String,
        callback_path: String,
        flow_secret: String,
    },
    Error(ErrorPage),
}

fn error_page(code: u32, title: &str, message: impl Into<String>, remedy: &str) -> FlowOutcome {
    FlowOutcome::Error(ErrorPage {
        code,
        title: title.into(),
        message: message.into(),
        remedy: remedy.into(),
        status: 400,
        who: None,
        setting: None,
    })
}

pub(crate) fn error_page_outcome(
    code: u32,
    title: &str,
    message: impl Into<String>,
    remedy: &str,
) -> FlowOutcome {
    error_page(code, title, message, remedy)
}

pub(crate) fn server_error_outcome<E: std::fmt::Display>(error: E) -> FlowOutcome {
    server_error(error)
}

fn server_error<E: std::fmt::Display>(error: E) -> FlowOutcome {
    tracing::error!(%error, "sign-in failed");
    FlowOutcome::Error(ErrorPage {
        code: 90033,
        title: "Something went wrong".into(),
        message: "A transient error has occurred.".into(),
        remedy: "Try again in a moment.".into(),
        status: 500,
        who: None,
        setting: None,
    })
}

macro_rules! attempt {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(error) => return server_error(error),
        }
    };
}

/// Appends OAuth response parameters to the redirect URI (or a form for `form_post`).
fn respond(
    request: &AuthorizationRequest,
    issuer: &str,
    mut params: Vec<(String, String)>,
) -> Redirect {
    if let Some(state) = &request.state {
        params.push(("state".into(), state.clone()));
    }
    params.push(("iss".into(), issuer.to_owned()));
    if request.response_mode == "form_post" {
        return Redirect::FormPost {
            action: request.redirect_uri.clone(),
            fields: params,
        };
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let separator = if request.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    Redirect::Query(format!(
        "{}{separator}{}",
        request.redirect_uri,
        query.join("&")
    ))
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn oauth_redirect(
    request: &AuthorizationRequest,
    issuer: &str,
    error: &str,
    code: u32,
    message: &str,
) -> FlowOutcome {
    let params = vec![
        ("error".into(), error.into()),
        (
            "error_description".into(),
            format!("AADSTS{code}: {message}"),
        ),
        ("error_codes".into(), format!("[{code}]")),
    ];
    FlowOutcome::Redirect(respond(request, issuer, params))
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
        let segment = if segment.eq_ignore_ascii_case("consumers") {
            CONSUMERS_TENANT
        } else {
            segment
        };
        if segment.eq_ignore_ascii_case("common") || segment.eq_ignore_ascii_case("organizations") {
            let hint = params
                .login_hint
                .as_deref()
                .or(params.domain_hint.as_deref())
                .unwrap_or_default();
            return match self.tenant_of_address(hint).await {
                Some(tenant) => FlowOutcome::Location(format!("{}{}/oauth2/v2.0/authorize?{raw_query}", self.public_base(), tenant.id)),
                None => error_page(
                    900144,
                    "Tell us which organization",
                    "This sign-in request does not say which organization to use.",
                    "The app should use its tenant's authority (its id or domain), or pass login_hint or domain_hint.",
                ),
            };
        }
        let tenant = match attempt!(self.resolve_tenant(segment).await) {
            Some(tenant) => tenant,
            None => {
                return error_page(
                    90002,
                    "We couldn't find that organization",
                    format!("Tenant '{segment}' not found."),
                    "Check the tenant id or domain in the app's authority.",
                )
            }
        };
        let (app, request) = match self.validate_authorize(&tenant, &params).await {
            Ok(valid) => valid,
            Err(outcome) => return *outcome,
        };
        let issuer = self.issuer(tenant.id);
        let prompt = params.prompt.as_deref().unwrap_or_default();
        let session = match session_secret {
            Some(secret) if prompt != "login" && prompt != "select_account" => attempt!(
                self.live_session(&tenant, &secret, request.max_age, now)
                    .await
            ),
            _ => None,
        };
        if let Some((session, user)) = session {
            return self
                .single_sign_on(
                    &tenant, &app, &request, session, &user, &client, prompt, now,
                )
                .await;
        }
        if prompt == "none" {
            return oauth_redirect(
                &request,
                &issuer,
                "login_required",
                50058,
                "A silent sign-in request was sent but no user is signed in.",
            );
        }
        let user = match &request.login_hint {
            Some(hint) => attempt!(self.find_member(&tenant, hint).await),
            None => None,
        };
        let step = match &user {
            Some(user) => FlowStep::Password { user_id: user.id },
            None => FlowStep::Identify,
        };
        let (secret, csrf) = match (super::new_secret(), super::new_secret()) {
            (Some(secret), Some(csrf)) => (secret, csrf),
            _ => return server_error("no random source"),
        };
        let flow = LoginFlow {
            flow_hash: digest_hex(&secret),
            csrf_token: csrf.clone(),
            request: request.clone(),
            purpose: Default::default(),
            step,
            keep_signed_in: false,
            failed_attempts: 0,
            created_at: now,
            expires_at: now + self.lifetimes().login_flow,
        };
        attempt!(
            self.store()
                .apply(tenant.id, vec![Write::PutLoginFlow(flow)])
                .await
        );
        let page = match user {
            Some(user) => Page::Password {
                username: user.user_principal_name.to_string(),
            },
            None => Page::Identify {
                login_hint: request.login_hint.clone(),
            },
        };
        FlowOutcome::Show(Box::new(ShownPage {
            page,
            tenant,
            app_name: app.display_name,
            flow_secret: secret,
            csrf,
            error: None,
            redirect_uri: request.redirect_uri.clone(),
        }))
    }

    /// A live session: the policies decide again, as on every sign-in. A pending MFA or terms
    /// step starts a flow at that step (or, with `prompt=none`, answers `interaction_required`).
    #[allow(clippy::too_many_arguments)]
    async fn single_sign_on(
        &self,
        tenant: &Tenant,
        app: &Application,
        request: &AuthorizationRequest,
        session: Session,
        user: &User,
        client: &crate::sign_in_policy::ClientRequest,
        prompt: &str,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let issuer = self.issuer(tenant.id);
        let home = attempt!(self.store().find_binding_of_guest(tenant.id, user.id).await)
            .map(|binding| crate::sign_in_policy::facts::home_of_binding(&binding));
        let amr = session.amr.clone();
        let attempt = crate::sign_in_policy::Attempt {
            resource: tenant,
            user,
            app,
            home: home.as_ref(),
            amr: &amr,
            request: client,
            stage: portico_policy::facts::Stage::Interactive,
        };
        let judged = attempt!(self.judge(&attempt).await);
        match &judged.evaluation.decision {
            portico_policy::decision::Decision::Allow { .. } => {
                let correlation = ObjectId::from_uuid(uuid::Uuid::new_v4());
                let persistent = session.persistent;
                let outcome = self
                    .complete(
                        tenant,
                        app,
                        request,
                        &FlowPurpose::Authorize,
                        user,
                        &amr,
                        SessionUse {
                            existing: Some(session),
                            persistent,
                        },
                        Vec::new(),
                        Logged {
                            judged: Some(&judged),
                            correlation,
                        },
                        now,
                    )
                    .await;
                if let Some((home_tenant, row)) = self
                    .home_row(
                        &attempt,
                        &judged,
                        SignInKind::NonInteractive,
                        correlation,
                        now,
                    )
                    .await
                {
                    if let Err(error) = self.store().apply(home_tenant, vec![row]).await {
                        tracing::warn!(%error, "cannot write the home tenant's sign-in row");
                    }
                }
                outcome
            }
            portico_policy::decision::Decision::Deny(denial) => {
                self.log_refusal(&attempt, &judged, SignInKind::NonInteractive, now)
                    .await;
                if prompt == "none" {
                    return oauth_redirect(
                        request,
                        &issuer,
                        "access_denied",
                        denial.code,
                        &denial.reason,
                    );
                }
                FlowOutcome::Error(crate::sign_in_policy::enforce::denial_page(
                    denial,
                    &judged.facts,
                ))
            }
            portico_policy::decision::Decision::Interrupt(interrupt) => {
                if prompt == "none" {
                    return oauth_redirect(
                        request,
                        &issuer,
                        "interaction_required",
                        interrupt.code,
                        &interrupt.reason,
                    );
                }
                let Some((flow, secret)) = self.new_flow(request, FlowStep::Identify, now) else {
                    return server_error("no random source");
                };
                let ctx = super::guest_flow::Ctx {
                    tenant,
                    app,
                    flow_secret: secret,
                    request: client.clone(),
                };
                let guest = home.map(|home| portico_model::oauth::GuestContinuation {
                    home,
                    amr: amr.clone(),
                });
                self.proceed(&ctx, flow, user, guest, amr.clone(), Vec::new(), now)
                    .await
            }
        }
    }

    /// A new flow for `request` at `step`, and the secret its browser holds.
    fn new_flow(
        &self,
        request: &AuthorizationRequest,
        step: FlowStep,
        now: DateTime<Utc>,
    ) -> Option<(LoginFlow, String)> {
        let (secret, csrf) = (super::new_secret()?, super::new_secret()?);
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
        Some((flow, secret))
    }

    /// Checks client and redirect URI (failures show a page), then the rest (failures redirect).
    async fn validate_authorize(
        &self,
        tenant: &Tenant,
        params: &AuthorizeParams,
    ) -> Result<(Application, AuthorizationRequest), Box<FlowOutcome>> {
        let raw_client = params.client_id.as_deref().ok_or_else(|| {
            Box::new(error_page(
                900144,
                "Sign-in request is incomplete",
                "The request must contain the parameter 'client_id'.",
                "The app's developer must fix the sign-in request.",
            ))
        })?;
        let unknown = || {
            Box::new(error_page(
                700016,
                "Application not found",
                format!("Application with identifier '{raw_client}' was not found in the directory '{}'.", tenant.display_name),
                "The app's developer must register the app in this organization, or use the right tenant.",
            ))
        };
        let client_id = ClientId::parse(raw_client).map_err(|_| unknown())?;
        let app = self
            .store()
            .find_application(tenant.id, client_id)
            .await
            .map_err(|e| Box::new(server_error(e)))?
            .ok_or_else(unknown)?;
        let redirect_uri = match (&params.redirect_uri, app.redirect_uris.as_slice()) {
            (Some(uri), registered) if registered.iter().any(|r| r.matches(uri)) => uri.clone(),
            (None, [only]) => only.to_string(),
            (requested, _) => {
                return Err(Box::new(error_page(
                    50011,
                    "The redirect URI is not registered",
                    format!(
                        "The redirect URI '{}' specified in the request does not match the redirect URIs configured for the application '{}'.",
                        requested.as_deref().unwrap_or(""),
                        app.client_id
                    ),
                    "The app's developer must register this exact redirect URI, or send one that is registered.",
                )));
            }
        };
        let mut request = AuthorizationRequest {
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
            response_mode: "query".into(),
            login_hint: params.login_hint.clone(),
            max_age: params.max_age.as_deref().and_then(|m| m.parse().ok()),
        };
        let issuer = self.issuer(tenant.id);
        let fail = |request: &AuthorizationRequest, error: &str, code: u32, message: &str| {
            Box::new(oauth_redirect(request, &issuer, error, code, message))
        };
        match params.response_mode.as_deref() {
            None | Some("query") => {}
            Some("form_post") => request.response_mode = "form_post".into(),
            Some(other) => {
                return Err(fail(
                    &request,
                    "invalid_request",
                    9002313,
                    &format!("The response_mode '{other}' is not supported."),
                ))
            }
        }
        if params.response_type.as_deref() != Some("code") {
            return Err(fail(
                &request,
                "unsupported_response_type",
                700054,
                "Only response_type 'code' is supported (the implicit grant is not offered).",
            ));
        }
        if request.scopes.is_empty() {
            return Err(fail(
                &request,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'scope'.",
            ));
        }
        match (
            &params.code_challenge,
            params.code_challenge_method.as_deref(),
        ) {
            (Some(challenge), None | Some("S256")) if is_pkce_challenge(challenge) => {}
            (Some(_), _) => {
                return Err(fail(
                    &request,
                    "invalid_request",
                    501491,
                    "Only S256 code challenges of 43 base64url characters are accepted.",
                ))
            }
            (None, _) if app.public_client => {
                return Err(fail(
                    &request,
                    "invalid_request",
                    9002325,
                    "Proof Key for Code Exchange is required for public clients.",
                ));
            }
            (None, _) => {}
        }
        Ok((app, request))
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
            None => error_page(
                50034,
                "We couldn't find that account",
                format!("No organization here owns the domain of '{login}'."),
                "Check the account name, or ask the app for the right organization.",
            ),
        }
    }

    async fn tenant_of_address(&self, text: &str) -> Option<Tenant> {
        let domain = text.rsplit('@').next()?;
        self.resolve_tenant(domain).await.ok().flatten()
    }

    /// A member of `tenant` by UPN or any of their addresses.
    async fn find_member(
        &self,
        tenant: &Tenant,
        name: &str,
    ) -> Result<Option<User>, portico_store::StoreError> {
        let local =
            |user: &User| user.creation_type != Some(portico_model::user::CreationType::Invitation);
        if let Ok(upn) = Upn::parse(name) {
            if let Some(user) = self.store().find_user_by_upn(tenant.id, &upn).await? {
                return Ok(local(&user).then_some(user));
            }
        }
        let Ok(address) = EmailAddress::parse(name) else {
            return Ok(None);
        };
        let mut users = self
            .store()
            .list_users_by_address(tenant.id, &address)
            .await?;
        users.retain(local);
        Ok(if users.len() == 1 { users.pop() } else { None })
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
            || max_age.is_some_and(|age| now - session.auth_time > Duration::seconds(age))
        {
            return Ok(None);
        }
        let user = match self.store().get_user(tenant.id, session.user_id).await {
            Ok(user) if user.account_enabled => user,
            _ => return Ok(None),
        };
        Ok(Some((session, user)))
    }

    /// A sign-in page's form.
    pub async fn submit_flow(
        &self,
        segment: &str,
        form: FlowForm,
        cookie_flow: Option<String>,
    ) -> FlowOutcome {
        let now = self.now();
        let expired = || {
            error_page(
                9002313,
                "This sign-in has expired",
                "The sign-in request is no longer valid.",
                "Go back to the app and sign in again.",
            )
        };
        let Some(tenant) = attempt!(self.resolve_tenant(segment).await) else {
            return expired();
        };
        if cookie_flow.as_deref() != Some(form.flow.as_str()) {
            return error_page(
                9002313,
                "This sign-in could not be verified",
                "The sign-in form did not come from this browser's sign-in.",
                "Go back to the app and sign in again; allow cookies for this site.",
            );
        }
        let Some(mut flow) = attempt!(
            self.store()
                .find_login_flow(tenant.id, &digest_hex(&form.flow))
                .await
        ) else {
            return expired();
        };
        if now >= flow.expires_at || !crate::secrets::constant_time_eq(&flow.csrf_token, &form.csrf)
        {
            return expired();
        }
        let Some(app) = attempt!(self.flow_app(&tenant, &flow, now).await) else {
            return expired();
        };
        let ctx = super::guest_flow::Ctx {
            tenant: &tenant,
            app: &app,
            flow_secret: form.flow.clone(),
            request: form.request.clone(),
        };
        match flow.step {
            FlowStep::Identify | FlowStep::Password { .. } | FlowStep::SignUp { .. } => {}
            FlowStep::RegisterMfa { .. }
            | FlowStep::ChallengeMfa { .. }
            | FlowStep::AcceptTerms { .. } => {
                return self.policy_step(&ctx, flow, &form, now).await;
            }
            _ => return self.guest_step(&ctx, flow, &form, now).await,
        }
        let show = |flow: &LoginFlow, page: Page, error: Option<(u32, String)>| {
            FlowOutcome::Show(Box::new(ShownPage {
                page,
                tenant: tenant.clone(),
                app_name: app.display_name.clone(),
                flow_secret: form.flow.clone(),
                csrf: flow.csrf_token.clone(),
                error,
                redirect_uri: flow.request.redirect_uri.clone(),
            }))
        };
        match flow.step.clone() {
            FlowStep::Identify => {
                let login = form.login.clone().unwrap_or_default();
                match attempt!(self.find_member(&tenant, login.trim()).await) {
                    Some(user) => {
                        flow.step = FlowStep::Password { user_id: user.id };
                        attempt!(
                            self.store()
                                .apply(tenant.id, vec![Write::PutLoginFlow(flow.clone())])
                                .await
                        );
                        show(
                            &flow,
                            Page::Password {
                                username: user.user_principal_name.to_string(),
                            },
                            None,
                        )
                    }
                    None if !tenant.owns_domain(
                        &EmailAddress::parse(login.trim())
                            .map(|a| a.domain())
                            .unwrap_or_else(|_| tenant.initial_domain.clone()),
                    ) =>
                    {
                        match self.identify_guest(&ctx, flow.clone(), login.trim()).await {
                            Some(outcome) => outcome,
                            None => show(&flow, Page::Identify { login_hint: Some(login.clone()) }, Some((50034, "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.".into()))),
                        }
                    }
                    None if attempt!(self.offers_sign_up(&tenant, login.trim()).await) => {
                        flow.step = FlowStep::SignUp {
                            email: login.trim().to_owned(),
                        };
                        attempt!(
                            self.store()
                                .apply(tenant.id, vec![Write::PutLoginFlow(flow.clone())])
                                .await
                        );
                        show(
                            &flow,
                            Page::SignUp {
                                email: login.trim().to_owned(),
                            },
                            None,
                        )
                    }
                    None => {
                        let message = "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.";
                        let log = self.sign_in_record(
                            tenant.id,
                            SignInAttempt::unknown_user(&login, &app).failed(50034, message),
                            now,
                        );
                        attempt!(self.store().apply(tenant.id, vec![log]).await);
                        show(
                            &flow,
                            Page::Identify {
                                login_hint: Some(login),
                            },
                            Some((50034, message.into())),
                        )
                    }
                }
            }
            FlowStep::Password { user_id } => {
                let user = attempt!(self.store().get_user(tenant.id, user_id).await);
                let username = user.user_principal_name.to_string();
                let password = form.password.clone().unwrap_or_default();
                if !attempt!(self.check_password(&user, password).await) {
                    let message = "Your account or password is incorrect.";
                    let log = self.sign_in_record(
                        tenant.id,
                        SignInAttempt::user(&user, &app, SignInKind::Interactive)
                            .failed(50126, message),
                        now,
                    );
                    attempt!(self.store().apply(tenant.id, vec![log]).await);
                    return show(
                        &flow,
                        Page::Password { username },
                        Some((50126, message.into())),
                    );
                }
                if !user.account_enabled {
                    let error = OAuthError::account_disabled();
                    let log = self.sign_in_record(
                        tenant.id,
                        SignInAttempt::user(&user, &app, SignInKind::Interactive)
                            .failed(error.code, &error.message),
                        now,
                    );
                    attempt!(
                        self.store()
                            .apply(
                                tenant.id,
                                vec![
                                    log,
                                    Write::DeleteLoginFlow {
                                        flow_hash: flow.flow_hash.clone()
                                    }
                                ]
                            )
                            .await
                    );
                    return error_page(
                        50057,
                        "Your account is disabled",
                        "The user account is disabled.",
                        &format!(
                            "Ask an administrator of {} to enable your account.",
                            tenant.display_name
                        ),
                    );
                }
                flow.keep_signed_in = form.keep_signed_in;
                self.proceed(
                    &ctx,
                    flow,
                    &user,
                    None,
                    vec!["pwd".to_owned()],
                    Vec::new(),
                    now,
                )
                .await
            }
            FlowStep::SignUp { email } => {
                let display_name = form.display_name.clone().unwrap_or_default();
                let password = form.new_password.clone().unwrap_or_default();
                match attempt!(
                    self.sign_up(&tenant, &email, display_name.trim(), password, now)
                        .await
                ) {
                    Ok((user, writes)) => {
                        self.proceed(&ctx, flow, &user, None, vec!["pwd".to_owned()], writes, now)
                            .await
                    }
                    Err(problem) => show(&flow, Page::SignUp { email }, Some((9002313, problem))),
                }
            }
            // Dispatched above.
            _ => expired(),
        }
    }

    /// Completes the flow for `user`; `judged` is the policy answer that allowed it, for the log
    /// row, and `correlation` ties that row to a guest's home-tenant row.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn finish_flow_for(
        &self,
        tenant: &Tenant,
        app: &Application,
        flow: &LoginFlow,
        user: &User,
        amr: &[String],
        mut writes: Vec<Write>,
        judged: Option<&Judged>,
        correlation: ObjectId,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        writes.push(Write::DeleteLoginFlow {
            flow_hash: flow.flow_hash.clone(),
        });
        let session = SessionUse {
            existing: None,
            persistent: flow.keep_signed_in,
        };
        self.complete(
            tenant,
            app,
            &flow.request,
            &flow.purpose,
            user,
            amr,
            session,
            writes,
            Logged {
                judged,
                correlation,
            },
            now,
        )
        .await
    }

    /// Issues the code, starts (or reuses) the session, logs the sign-in — one transaction.
    #[allow(clippy::too_many_arguments)]
    async fn complete(
        &self,
        tenant: &Tenant,
        app: &Application,
        request: &AuthorizationRequest,
        purpose: &FlowPurpose,
        user: &User,
        amr: &[String],
        session: SessionUse,
        mut writes: Vec<Write>,
        logged: Logged<'_>,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let SessionUse {
            existing,
            persistent,
        } = session;
        let (Some(code), Some(session_secret)) = (super::new_secret(), super::new_secret()) else {
            return server_error("no random source");
        };
        let auth_time = existing.as_ref().map_or(now, |s| s.auth_time);
        let authorize = *purpose == FlowPurpose::Authorize;
        let mut issued = vec![Write::InsertAuthorizationCode(AuthorizationCode {
            code_hash: digest_hex(&code),
            family_id: ObjectId::from_uuid(uuid::Uuid::new_v4()),
            client_id: app.client_id,
            redirect_uri: request.redirect_uri.clone(),
            user_id: user.id,
            scopes: request.scopes.clone(),
            nonce: request.nonce.clone(),
            code_challenge: request.code_challenge.clone(),
            auth_time,
            amr: amr.to_vec(),
            created_at: now,
            expires_at: now + self.lifetimes().code,
            redeemed_at: None,
        })];
        if authorize {
            writes.append(&mut issued);
        }
        let new_session = if existing.is_none() {
            let lifetime = if persistent {
                self.lifetimes().persistent_session
            } else {
                self.lifetimes().session
            };
            writes.push(Write::PutSession(Session {
                session_hash: digest_hex(&session_secret),
                user_id: user.id,
                auth_time,
                amr: amr.to_vec(),
                persistent,
                created_at: now,
                expires_at: now + lifetime,
            }));
            Some(session_secret)
        } else {
            None
        };
        let kind = if existing.is_some() {
            SignInKind::NonInteractive
        } else {
            SignInKind::Interactive
        };
        let mut attempt = SignInAttempt::user(user, app, kind)
            .correlated(logged.correlation)
            .for_scopes(&request.scopes);
        match logged.judged {
            Some(judged) => {
                attempt = attempt
                    .judged(judged)
                    .from_ip(judged.facts.client.ip.map(|ip| ip.to_string()));
                if let Some(home) = judged.facts.origin.home_tenant() {
                    attempt = attempt.cross_tenant(home.id, tenant.id);
                }
            }
            None => {
                if let Ok(Some(binding)) =
                    self.store().find_binding_of_guest(tenant.id, user.id).await
                {
                    if let Ok(home) = portico_model::TenantId::parse(&binding.issuer) {
                        attempt = attempt.cross_tenant(home, tenant.id);
                    }
                }
            }
        }
        writes.push(self.sign_in_record(tenant.id, attempt, now));
        match self.store().apply(tenant.id, writes).await {
            Ok(()) => {}
            Err(portico_store::StoreError::Conflict(portico_store::Conflict::Precondition(_))) => {
                return error_page(
                    90076,
                    "This invitation was already accepted",
                    "Someone already accepted this invitation.",
                    "Sign in with the organization's sign-in link instead.",
                );
            }
            Err(error) => return server_error(error),
        }
        let redirect = if authorize {
            respond(
                request,
                &self.issuer(tenant.id),
                vec![("code".into(), code)],
            )
        } else {
            Redirect::Query(request.redirect_uri.clone())
        };
        FlowOutcome::Complete {
            redirect,
            session_secret: new_session,
            persistent,
            tenant: tenant.id,
        }
    }

    /// Ends the tenant's session (logout).
    pub async fn end_session(&self, tenant: TenantId, session_secret: &str) {
        if let Err(error) = self
            .store()
            .apply(
                tenant,
                vec![Write::DeleteSession {
                    session_hash: digest_hex(session_secret),
                }],
            )
            .await
        {
            tracing::debug!(%error, "no session to end");
        }
    }
}

fn is_pkce_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The stand-in "application" of sign-ins that are not for an app: redemption and the tenant's
/// direct sign-in link.
impl App {
    /// The application a flow signs in to: the client's, or the tenant's own portal for
    /// redemption and portal sign-in. `None` when the client has been deleted meanwhile.
    pub(crate) async fn flow_app(
        &self,
        tenant: &Tenant,
        flow: &LoginFlow,
        now: DateTime<Utc>,
    ) -> Result<Option<Application>, portico_store::StoreError> {
        match flow.purpose {
            FlowPurpose::Authorize => {
                self.store()
                    .find_application(tenant.id, flow.request.client_id)
                    .await
            }
            _ => Ok(Some(portal_app(tenant, now))),
        }
    }
}

pub(crate) fn portal_app(tenant: &Tenant, now: DateTime<Utc>) -> Application {
    Application {
        id: ObjectId::from_uuid(uuid::Uuid::nil()),
        client_id: ClientId::from_uuid(uuid::Uuid::nil()),
        display_name: format!("{} sign-in", tenant.display_name),
        redirect_uris: Vec::new(),
        public_client: true,
        assignment_required: false,
        allow_password_grant: false,
        graph_app_permissions: Vec::new(),
        secrets: Vec::new(),
        created_at: now,
    }
}
