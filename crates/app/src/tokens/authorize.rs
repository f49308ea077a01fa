//! `/authorize`: validating the request, single sign-on with a live session (decided again by
//! the policies), and starting the sign-in pages. The pages' steps are in `flow.rs`.

use super::flow::oauth_redirect;
use super::flow::{encode, AuthorizeParams, CONSUMERS_TENANT};
use crate::secrets::digest_hex;
use crate::sign_in::machine::{Authenticated, Who};
use crate::sign_in::outcome::attempt;
use crate::sign_in::outcome::{ErrorPage, FlowOutcome, Page, ShownPage};
use crate::sign_in::SignInKind;
use crate::sign_in::{Ctx, Logged, SessionUse};
use crate::App;
use chrono::{DateTime, Duration, Utc};
use portico_model::application::Application;
use portico_model::oauth::{AuthorizationRequest, FlowPurpose, FlowStep, LoginFlow, Session};
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::{ClientId, ObjectId};
use portico_store::Write;

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
                Some(tenant) => FlowOutcome::Location(format!(
                    "{}{}/oauth2/v2.0/authorize?{raw_query}",
                    self.public_base(),
                    tenant.id
                )),
                None => ErrorPage::which_organization().into(),
            };
        }
        let tenant = match attempt!(self.resolve_tenant(segment).await) {
            Some(tenant) => tenant,
            None => {
                return ErrorPage::tenant_not_found(
                    segment,
                    "Check the tenant id or domain in the app's authority.",
                )
                .into()
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
        let (secret, csrf) = match (crate::tokens::new_secret(), crate::tokens::new_secret()) {
            (Some(secret), Some(csrf)) => (secret, csrf),
            _ => return ErrorPage::server("no random source").into(),
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
                .apply(tenant.id, vec![Write::InsertLoginFlow(flow)])
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
                    return ErrorPage::server("no random source").into();
                };
                // The flow starts here: inserted once, then its steps are updates.
                let insert = vec![Write::InsertLoginFlow(flow.clone())];
                attempt!(self.store().apply(tenant.id, insert).await);
                let ctx = Ctx {
                    tenant,
                    app,
                    flow_secret: secret,
                    request: client.clone(),
                };
                let guest = home.map(|home| portico_model::oauth::GuestContinuation {
                    home,
                    amr: amr.clone(),
                });
                let who = Authenticated {
                    who: Who::Existing(user.id),
                    guest,
                    amr,
                    writes: Vec::new(),
                };
                self.authenticated(&ctx, flow, who, Vec::new(), now).await
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
        let (secret, csrf) = (crate::tokens::new_secret()?, crate::tokens::new_secret()?);
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
        let raw_client = params
            .client_id
            .as_deref()
            .ok_or_else(|| Box::new(ErrorPage::missing_client_id().into()))?;
        let unknown =
            || Box::new(ErrorPage::unknown_application(raw_client, &tenant.display_name).into());
        let client_id = ClientId::parse(raw_client).map_err(|_| unknown())?;
        let app = self
            .store()
            .find_application(tenant.id, client_id)
            .await
            .map_err(|e| Box::new(ErrorPage::server(e).into()))?
            .ok_or_else(unknown)?;
        let redirect_uri = match (&params.redirect_uri, app.redirect_uris.as_slice()) {
            (Some(uri), registered) if registered.iter().any(|r| r.matches(uri)) => uri.clone(),
            (None, [only]) => only.to_string(),
            (requested, _) => {
                return Err(Box::new(
                    ErrorPage::redirect_uri_not_registered(
                        requested.as_deref().unwrap_or(""),
                        &app.client_id.to_string(),
                    )
                    .into(),
                ));
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
