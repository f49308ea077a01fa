//! What every step of a sign-in in progress knows: the tenant, the app, the flow's secret and
//! the request being answered.

use super::outcome::{FlowOutcome, InlineError, Page, ShownPage};
use portico_model::application::Application;
use portico_model::oauth::LoginFlow;
use portico_model::tenant::Tenant;

/// A sign-in in progress, as one request sees it.
pub(crate) struct Ctx<'a> {
    pub tenant: &'a Tenant,
    pub app: &'a Application,
    pub flow_secret: String,
    /// The request being answered: its address, software and tenant-restriction headers.
    pub request: crate::sign_in_policy::ClientRequest,
}

impl Ctx<'_> {
    /// `page` for `flow`, with an inline error.
    pub(crate) fn show(
        &self,
        flow: &LoginFlow,
        page: Page,
        error: Option<InlineError>,
    ) -> FlowOutcome {
        FlowOutcome::Show(Box::new(ShownPage {
            page,
            tenant: self.tenant.clone(),
            app_name: self.app.display_name.clone(),
            flow_secret: self.flow_secret.clone(),
            csrf: flow.csrf_token.clone(),
            error,
            redirect_uri: flow.request.redirect_uri.clone(),
        }))
    }
}
