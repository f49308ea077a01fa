//! Completing a sign-in: the authorization code (or the portal's redirect), the session, the
//! sign-in row and the lockout reset, one transaction; and ending a flow that cannot go on.

use super::outcome::{attempt, ErrorPage, FlowOutcome, Redirect};
use super::{SignInAttempt, SignInKind};
use crate::secrets::digest_hex;
use crate::sign_in_policy::enforce::Judged;
use crate::tokens::flow::respond;
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::application::Application;
use portico_model::oauth::{
    AuthorizationCode, AuthorizationRequest, FlowPurpose, LoginFlow, Session,
};
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::{ClientId, ObjectId, TenantId};
use portico_store::Write;

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

impl App {
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
        // Conditional Access may decide whether the browser session outlives the browser.
        let persistent = judged.map_or(flow.keep_signed_in, |j| {
            j.evaluation.session.persistent(flow.keep_signed_in)
        });
        let session = SessionUse {
            existing: None,
            persistent,
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
    pub(crate) async fn complete(
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
        match self.service_principal_write(tenant, app).await {
            Ok(write) => writes.extend(write),
            Err(error) => return ErrorPage::server(error).into(),
        }
        let (code, session_secret) = (self.new_code(tenant), self.random().secret());
        let auth_time = existing.as_ref().map_or(now, |s| s.auth_time);
        let authorize = *purpose == FlowPurpose::Authorize;
        let session_id = session_guid(
            &existing
                .as_ref()
                .map_or_else(|| digest_hex(&session_secret), |s| s.session_hash.clone()),
        );
        let issued = Issued {
            user,
            amr,
            auth_time,
            now,
            session_id: &session_id,
        };
        writes.extend(self.purpose_write(purpose, &issued, app, request, &code));
        let new_session = existing.is_none().then(|| {
            writes.push(self.session_write(&issued, persistent, &session_secret));
            session_secret
        });
        let kind = match existing {
            Some(_) => SignInKind::NonInteractive,
            None => SignInKind::Interactive,
        };
        let attempt = SignInAttempt::user(user, app, kind)
            .correlated(logged.correlation)
            .for_scopes(&request.scopes);
        let attempt = self.with_logged_resource(tenant, attempt, &request.scopes);
        let attempt = self
            .completion_attempt(attempt.await, tenant, user, logged.judged)
            .await;
        writes.push(self.sign_in_record(tenant.id, attempt, now));
        if new_session.is_some() {
            // Credentials proved: the lockout counter starts again, the address is familiar.
            let ip = logged.judged.and_then(|judged| judged.facts.client.ip);
            let account = portico_model::lockout::LockoutAccount::User(user.id);
            writes.extend(attempt!(
                self.signed_in_writes(tenant.id, account, ip, now).await
            ));
        }
        if let Err(outcome) = self.commit_completion(tenant.id, writes).await {
            return outcome;
        }
        let redirect = match authorize {
            true => respond(
                request,
                &self.issuer(tenant.id),
                vec![("code".into(), code), ("session_state".into(), session_id)],
            ),
            false => Redirect::Query(request.redirect_uri.clone()),
        };
        FlowOutcome::Complete {
            redirect,
            session_secret: new_session,
            persistent,
            tenant: tenant.id,
        }
    }

    /// What the flow's purpose issues: an authorization code for `/authorize`, the approval
    /// of a device code for the device code flow.
    fn purpose_write(
        &self,
        purpose: &FlowPurpose,
        issued: &Issued<'_>,
        app: &Application,
        request: &AuthorizationRequest,
        code: &str,
    ) -> Option<Write> {
        match purpose {
            FlowPurpose::Authorize => Some(self.code_write(issued, app, request, code)),
            FlowPurpose::DeviceCode { device_code_hash } => Some(crate::tokens::device_approval(
                device_code_hash,
                issued.user.id,
                issued.auth_time,
                issued.amr,
            )),
            FlowPurpose::Redeem { .. } | FlowPurpose::Portal => None,
        }
    }

    /// A new authorization code. It names its tenant, so `/common` and `/organizations` can
    /// redeem it.
    fn new_code(&self, tenant: &Tenant) -> String {
        format!("{}.{}", tenant.id, self.random().secret())
    }

    /// The authorization code for `code`.
    fn code_write(
        &self,
        issued: &Issued<'_>,
        app: &Application,
        request: &AuthorizationRequest,
        code: &str,
    ) -> Write {
        Write::InsertAuthorizationCode(AuthorizationCode {
            code_hash: digest_hex(code),
            family_id: self.random().object_id(),
            client_id: app.client_id,
            redirect_uri: request.redirect_uri.clone(),
            user_id: issued.user.id,
            scopes: request.scopes.clone(),
            nonce: request.nonce.clone(),
            code_challenge: request.code_challenge.clone(),
            auth_time: issued.auth_time,
            amr: issued.amr.to_vec(),
            created_at: issued.now,
            expires_at: issued.now + self.lifetimes().code,
            redeemed_at: None,
            session_id: Some(issued.session_id.to_owned()),
        })
    }

    /// A new session for `secret`, for a day or (kept signed in) for months.
    fn session_write(&self, issued: &Issued<'_>, persistent: bool, secret: &str) -> Write {
        let lifetime = match persistent {
            true => self.lifetimes().persistent_session,
            false => self.lifetimes().session,
        };
        Write::PutSession(Session {
            session_hash: digest_hex(secret),
            user_id: issued.user.id,
            auth_time: issued.auth_time,
            amr: issued.amr.to_vec(),
            persistent,
            created_at: issued.now,
            expires_at: issued.now + lifetime,
        })
    }

    /// The completion's log row: the engine's verdict when it was asked, and a guest's home.
    async fn completion_attempt(
        &self,
        attempt: SignInAttempt,
        tenant: &Tenant,
        user: &User,
        judged: Option<&Judged>,
    ) -> SignInAttempt {
        if let Some(judged) = judged {
            let attempt = attempt
                .judged(judged)
                .from_ip(judged.facts.client.ip.map(|ip| ip.to_string()));
            return match judged.facts.origin.home_tenant() {
                Some(home) => attempt.cross_tenant(home.id, tenant.id),
                None => attempt,
            };
        }
        match self.bound_home(tenant.id, user).await {
            Some(home) => attempt.cross_tenant(home, tenant.id),
            None => attempt,
        }
    }

    /// A guest's home tenant in Portico, from their binding (`None` for members, and for guests
    /// whose home is a mail address or another identity provider).
    pub(crate) async fn bound_home(&self, tenant: TenantId, user: &User) -> Option<TenantId> {
        if user.user_type != portico_model::user::UserType::Guest {
            return None;
        }
        let binding = self.store().find_binding_of_guest(tenant, user.id).await;
        TenantId::parse(&binding.ok().flatten()?.issuer).ok()
    }

    /// Commits a completion; a flow finished (or an invitation redeemed) by a parallel request
    /// first is shown as such.
    async fn commit_completion(
        &self,
        tenant: TenantId,
        writes: Vec<Write>,
    ) -> Result<(), FlowOutcome> {
        use portico_store::{Conflict, StoreError};
        match self.store().apply(tenant, writes).await {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(ErrorPage::expired().into()),
            Err(StoreError::Conflict(Conflict::Precondition(_))) => {
                Err(ErrorPage::invitation_already_accepted().into())
            }
            Err(error) => Err(ErrorPage::server(error).into()),
        }
    }
}

/// What a completion issues, for whom, and when.
struct Issued<'a> {
    user: &'a User,
    amr: &'a [String],
    auth_time: DateTime<Utc>,
    now: DateTime<Utc>,
    session_id: &'a str,
}

/// A session's public id (`session_state`, `sid`): a GUID derived from its stored hash, so it
/// is stable for the session and reveals nothing of its secret.
fn session_guid(session_hash: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, session_hash.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest.as_ref()[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
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
            FlowPurpose::Authorize | FlowPurpose::DeviceCode { .. } => {
                self.client_for_sign_in(tenant, flow.request.client_id)
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
        key_credentials: Vec::new(),
        registration: Default::default(),
        created_at: now,
    }
}
