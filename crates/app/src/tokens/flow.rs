//! The interactive sign-in's pages: their types, the account and password steps, sign-up, and
//! completion with an authorization code and a session. `/authorize` itself is `authorize.rs`;
//! what follows authentication (policies, MFA, terms) is `policy_steps.rs`. HTTP-free: the edge
//! renders the [`FlowOutcome`] these return.

use super::errors::OAuthError;
use crate::secrets::digest_hex;
use crate::sign_in::outcome::{inline, ErrorPage, FlowOutcome, Page, Redirect, ShownPage};
use crate::sign_in::{SignInAttempt, SignInKind};
use crate::sign_in_policy::enforce::Judged;
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::application::Application;
use portico_model::oauth::{
    AuthorizationCode, AuthorizationRequest, FlowPurpose, FlowStep, LoginFlow, Session,
};
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::{ClientId, EmailAddress, ObjectId, TenantId};
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

impl App {
    /// Ends a flow that cannot go on (declined, refused, too many wrong codes) and shows `page`:
    /// `writes` (a log row, an MFA registration) are committed with the end of the flow.
    pub(crate) async fn fail_flow(
        &self,
        tenant: TenantId,
        flow: &LoginFlow,
        mut writes: Vec<Write>,
        page: ErrorPage,
    ) -> FlowOutcome {
        let nothing_else = writes.is_empty();
        writes.push(Write::DeleteLoginFlow {
            flow_hash: flow.flow_hash.clone(),
        });
        match self.store().apply(tenant, writes).await {
            Ok(()) => page.into(),
            // A parallel request ended it first: with nothing else to record, the page stands.
            Err(portico_store::StoreError::NotFound) if nothing_else => page.into(),
            Err(portico_store::StoreError::NotFound) => ErrorPage::expired().into(),
            Err(error) => ErrorPage::server(error).into(),
        }
    }
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

/// `?` for the sign-in pages: a store failure becomes the "something went wrong" page.
macro_rules! attempt {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(error) => return $crate::sign_in::outcome::ErrorPage::server(error).into(),
        }
    };
}
pub(crate) use attempt;

/// [`attempt`] for the write of a flow's next step (`Write::UpdateLoginFlow`): a flow that ended
/// meanwhile — finished or given up by a parallel request — shows the expired page rather than
/// a server error, and is not brought back.
macro_rules! commit_step {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(portico_store::StoreError::NotFound) => {
                return $crate::sign_in::outcome::ErrorPage::expired().into()
            }
            Err(error) => return $crate::sign_in::outcome::ErrorPage::server(error).into(),
        }
    };
}
pub(crate) use commit_step;

/// Appends OAuth response parameters to the redirect URI (or a form for `form_post`).
pub(super) fn respond(
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
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    let separator = if request.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    Redirect::Query(format!("{}{separator}{query}", request.redirect_uri))
}

pub(super) fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

pub(super) fn oauth_redirect(
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
    /// A sign-in page's form.
    pub async fn submit_flow(
        &self,
        segment: &str,
        form: FlowForm,
        cookie_flow: Option<String>,
    ) -> FlowOutcome {
        let now = self.now();
        let expired = || FlowOutcome::from(ErrorPage::expired());
        let Some(tenant) = attempt!(self.resolve_tenant(segment).await) else {
            return expired();
        };
        if cookie_flow.as_deref() != Some(form.flow.as_str()) {
            return ErrorPage::not_this_browser().into();
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
                        commit_step!(
                            self.store()
                                .apply(tenant.id, vec![Write::UpdateLoginFlow(flow.clone())])
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
                            None => show(
                                &flow,
                                Page::Identify {
                                    login_hint: Some(login.clone()),
                                },
                                Some(inline::unknown_username()),
                            ),
                        }
                    }
                    None if attempt!(self.offers_sign_up(&tenant, login.trim()).await) => {
                        flow.step = FlowStep::SignUp {
                            email: login.trim().to_owned(),
                        };
                        commit_step!(
                            self.store()
                                .apply(tenant.id, vec![Write::UpdateLoginFlow(flow.clone())])
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
                        let message = inline::UNKNOWN_USERNAME;
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
                let account = portico_model::lockout::LockoutAccount::User(user.id);
                let key =
                    match attempt!(self.claim_check(tenant.id, account, form.request.ip).await) {
                        super::lockout::Claim::Granted(key) => key,
                        super::lockout::Claim::Locked => {
                            let page = Page::Password { username };
                            return self.locked_page(&ctx, &flow, &user, page, now).await;
                        }
                    };
                if !attempt!(self.check_password(&user, password).await) {
                    let message = inline::WRONG_PASSWORD;
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
                let refunded = super::lockout::refund(key);
                attempt!(self.store().apply(tenant.id, vec![refunded]).await);
                if !user.account_enabled {
                    let error = OAuthError::account_disabled();
                    let log = self.sign_in_record(
                        tenant.id,
                        SignInAttempt::user(&user, &app, SignInKind::Interactive)
                            .failed(error.code, &error.message),
                        now,
                    );
                    let page = ErrorPage::account_disabled(&tenant.display_name);
                    return self.fail_flow(tenant.id, &flow, vec![log], page).await;
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
    pub(super) async fn complete(
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
            return ErrorPage::server("no random source").into();
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
        if existing.is_none() {
            // Credentials proved: the lockout counter starts again, the address is familiar.
            let ip = logged.judged.and_then(|judged| judged.facts.client.ip);
            let account = portico_model::lockout::LockoutAccount::User(user.id);
            writes.extend(attempt!(
                self.signed_in_writes(tenant.id, account, ip, now).await
            ));
        }
        match self.store().apply(tenant.id, writes).await {
            Ok(()) => {}
            // A parallel request finished (or ended) this flow first.
            Err(portico_store::StoreError::NotFound) => return ErrorPage::expired().into(),
            Err(portico_store::StoreError::Conflict(portico_store::Conflict::Precondition(_))) => {
                return ErrorPage::invitation_already_accepted().into();
            }
            Err(error) => return ErrorPage::server(error).into(),
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
