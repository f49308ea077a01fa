//! Entry points of guest sign-in that are not `/authorize`: the invitation's redeem link and the
//! tenant's direct sign-in link (`/{tenant id}` or `/{verified domain}`, for accounts that cannot
//! receive the invitation e-mail).

use crate::secrets::digest_hex;
use crate::sign_in::outcome::{ErrorPage, FlowOutcome, Page, ShownPage};
use crate::sign_in::portal_app;
use crate::App;
use portico_model::oauth::{AuthorizationRequest, FlowPurpose, FlowStep, LoginFlow};
use portico_model::tenant::Tenant;
use portico_model::ClientId;
use portico_store::Write;

impl App {
    /// `GET /redeem?tenant=…&ticket=…`.
    pub async fn begin_redemption(&self, tenant_segment: &str, ticket: &str) -> FlowOutcome {
        let invalid = || FlowOutcome::from(ErrorPage::invalid_invitation_link());
        let tenant = match self.resolve_tenant(tenant_segment).await {
            Ok(Some(tenant)) => tenant,
            Ok(None) => return invalid(),
            Err(error) => return ErrorPage::server(error).into(),
        };
        let invitation = match self
            .store()
            .find_invitation_by_ticket(tenant.id, &digest_hex(ticket))
            .await
        {
            Ok(Some(invitation)) => invitation,
            Ok(None) => return invalid(),
            Err(error) => return ErrorPage::server(error).into(),
        };
        if let Some(page) = crate::sign_in::unusable(&invitation, &tenant, self.now(), self) {
            return page;
        }
        let purpose = FlowPurpose::Redeem {
            invitation_id: invitation.id,
        };
        let request = portal_request(
            invitation.invite_redirect_url.clone(),
            Some(invitation.invited_email.to_string()),
        );
        let app_name = portal_app(&tenant, self.now()).display_name;
        self.start_flow(&tenant, purpose, request, app_name).await
    }

    /// `GET /{tenant}`: sign in to the tenant without an app (direct-link redemption).
    pub async fn begin_portal(&self, segment: &str) -> FlowOutcome {
        let tenant = match self.resolve_tenant(segment).await {
            Ok(Some(tenant)) => tenant,
            Ok(None) => return ErrorPage::tenant_not_found(segment, "Check the link.").into(),
            Err(error) => return ErrorPage::server(error).into(),
        };
        let target = format!(
            "{}portico/signed-in?tenant={}",
            self.public_base(),
            tenant.id
        );
        let request = portal_request(target, None);
        let app_name = portal_app(&tenant, self.now()).display_name;
        self.start_flow(&tenant, FlowPurpose::Portal, request, app_name)
            .await
    }

    /// A new flow at the account-name page for `request` (its `redirect_uri` is where a
    /// completed sign-in goes), signing in to `app_name`.
    pub(crate) async fn start_flow(
        &self,
        tenant: &Tenant,
        purpose: FlowPurpose,
        request: AuthorizationRequest,
        app_name: String,
    ) -> FlowOutcome {
        let now = self.now();
        let (secret, csrf) = (self.random().secret(), self.random().secret());
        let (redirect_uri, login_hint) = (request.redirect_uri.clone(), request.login_hint.clone());
        let flow = LoginFlow {
            flow_hash: digest_hex(&secret),
            csrf_token: csrf.clone(),
            request,
            purpose,
            step: FlowStep::Identify,
            keep_signed_in: false,
            failed_attempts: 0,
            created_at: now,
            expires_at: now + self.lifetimes().login_flow,
        };
        if let Err(error) = self
            .store()
            .apply(tenant.id, vec![Write::InsertLoginFlow(flow)])
            .await
        {
            return ErrorPage::server(error).into();
        }
        FlowOutcome::Show(Box::new(ShownPage {
            page: Page::Identify { login_hint },
            tenant: tenant.clone(),
            app_name,
            flow_secret: secret,
            csrf,
            error: None,
            redirect_uri,
        }))
    }
}

/// The request of a sign-in that is not for an app: it ends at `redirect_uri`.
fn portal_request(redirect_uri: String, login_hint: Option<String>) -> AuthorizationRequest {
    AuthorizationRequest {
        client_id: ClientId::from_uuid(uuid::Uuid::nil()),
        redirect_uri,
        scopes: vec!["openid".into()],
        state: None,
        nonce: None,
        code_challenge: None,
        response_mode: "query".into(),
        login_hint,
        max_age: None,
    }
}
