//! The admin portal: server-rendered pages (askama, `templates/portal/`) over the same use cases
//! as Graph. Signing in is the tenant's own sign-in (`session.rs`); every page asks the
//! permission table what the caller administers (`Caller::administers`) and every action goes
//! through the Graph use case, which checks the caller again.

mod audit;
mod bulk;
mod chrome;
mod conditional_access;
mod cross_tenant;
mod cross_tenant_form;
mod cross_tenant_settings;
mod deleted_users;
mod diagnose;
mod form;
mod home;
mod invite;
mod named_locations;
mod policy_editor;
mod session;
mod settings;
mod sign_in_rows;
mod sign_ins;
mod terms;
mod usage;
mod users;

pub use chrome::Chrome;
pub use session::Session;

use crate::pages;
use crate::state::AppState;
use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use portico_app::directory::GraphError;

pub fn routes(dev_mode: bool) -> Router<AppState> {
    let mut routes = Router::new()
        .route("/", get(home::home))
        .route("/favicon.ico", get(home::favicon))
        .route("/portal", get(home::portal))
        .route("/portal/sign-in", get(session::start))
        .route("/portal/callback", get(session::callback))
        .route("/portal/sign-out", post(session::sign_out))
        .route("/portal/me", get(home::me))
        .route("/portal/users", get(users::list))
        .route("/portal/users/{id}", get(users::details).post(users::act))
        .route("/portal/deleted-users", get(deleted_users::list))
        .route("/portal/deleted-users/{id}", post(deleted_users::act))
        .route("/portal/invite", get(invite::form).post(invite::send))
        .route("/portal/invite/bulk", get(bulk::form).post(bulk::upload))
        .route("/portal/invite/bulk/template.csv", get(bulk::template))
        .route("/portal/sign-ins", get(sign_ins::list))
        .route("/portal/sign-ins/{id}", get(sign_ins::details))
        .route("/portal/diagnose", get(diagnose::diagnose))
        .route("/portal/usage", get(usage::usage))
        .route("/portal/audit", get(audit::audit))
        .route("/portal/conditional-access", get(conditional_access::show))
        .route(
            "/portal/conditional-access/{id}",
            post(conditional_access::set_state),
        )
        .route(
            "/portal/conditional-access/new",
            get(policy_editor::new_form).post(policy_editor::create),
        )
        .route(
            "/portal/conditional-access/{id}/edit",
            get(policy_editor::edit_form).post(policy_editor::update),
        )
        .route(
            "/portal/conditional-access/{id}/delete",
            post(policy_editor::delete),
        )
        .route("/portal/named-locations", get(named_locations::list))
        .route(
            "/portal/named-locations/new",
            get(named_locations::new_form).post(named_locations::create),
        )
        .route(
            "/portal/named-locations/{id}",
            get(named_locations::edit_form).post(named_locations::update),
        )
        .route(
            "/portal/named-locations/{id}/delete",
            post(named_locations::delete),
        )
        .route("/portal/terms-of-use", get(terms::list).post(terms::create))
        .route("/portal/terms-of-use/{id}/delete", post(terms::delete))
        .route(
            "/portal/cross-tenant",
            get(cross_tenant::show).post(cross_tenant::save),
        )
        .route(
            "/portal/cross-tenant/default",
            get(cross_tenant_settings::show_default).post(cross_tenant_settings::save_default),
        )
        .route(
            "/portal/cross-tenant/partners",
            post(cross_tenant_settings::add_partner),
        )
        .route(
            "/portal/cross-tenant/partners/{id}",
            get(cross_tenant_settings::show_partner).post(cross_tenant_settings::save_partner),
        )
        .route(
            "/portal/cross-tenant/partners/{id}/delete",
            post(cross_tenant_settings::remove_partner),
        )
        .route(
            "/portal/settings/collaboration",
            get(settings::show).post(settings::save),
        )
        .route("/portico/openapi.json", get(home::openapi));
    if dev_mode {
        routes = routes.route("/portal/outbox", get(invite::outbox));
    }
    routes
}

/// Why a portal request did not produce its page.
#[derive(Debug)]
pub enum PortalError {
    /// No (valid) session: sign in, to `tenant` when known, then come back.
    SignIn {
        tenant: Option<String>,
        return_to: String,
    },
    Page {
        status: StatusCode,
        title: String,
        message: String,
    },
}

impl PortalError {
    pub fn page(status: StatusCode, title: &str, message: &str) -> Self {
        Self::Page {
            status,
            title: title.to_owned(),
            message: message.to_owned(),
        }
    }

    /// Something broke: logged with the request id, never shown.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "portal request failed");
        Self::page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "The portal could not complete this request. Try again; if it keeps failing, the server log has the details under this request's id.",
        )
    }
}

impl From<GraphError> for PortalError {
    fn from(error: GraphError) -> Self {
        match error {
            GraphError::NotFound(_) => Self::page(StatusCode::NOT_FOUND, "Not found", "This object does not exist, or was deleted."),
            GraphError::Forbidden => Self::page(StatusCode::FORBIDDEN, "You don't have access", "Your roles in this organization do not allow this page or action. An administrator of the organization can assign you a role that does."),
            GraphError::Denied { message, .. } => Self::page(StatusCode::FORBIDDEN, "Not allowed", &message),
            GraphError::BadRequest { message, .. }
            | GraphError::Conflict { message, .. }
            | GraphError::Invalid(portico_model::Invalid { message, .. }) => {
                Self::page(StatusCode::BAD_REQUEST, "The request was refused", &message)
            }
            GraphError::Internal(message) => Self::internal(message),
        }
    }
}

#[derive(Template)]
#[template(path = "portal/error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    title: &'a str,
    message: &'a str,
    request_id: &'a str,
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn { tenant, return_to } => {
                let enc = |s: &str| {
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                };
                let location = match tenant {
                    Some(tenant) => format!(
                        "/portal/sign-in?tenant={}&return={}",
                        enc(&tenant),
                        enc(&return_to)
                    ),
                    None => format!("/portal?return={}", enc(&return_to)),
                };
                (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
            }
            Self::Page {
                status,
                title,
                message,
            } => {
                let request_id = crate::context::current().request_id;
                let page = ErrorPage {
                    chrome: Chrome::anonymous(),
                    title: &title,
                    message: &message,
                    request_id: &request_id,
                };
                pages::render(status, &page, None, None)
            }
        }
    }
}

/// A page for a signed-in user.
pub fn render(template: &impl Template) -> Response {
    pages::render(StatusCode::OK, template, None, None)
}

/// A page with another status (a form shown again with its error).
pub fn render_status(status: StatusCode, template: &impl Template) -> Response {
    pages::render(status, template, None, None)
}

/// After a form post: back to a page with a GET (post/redirect/get).
pub fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response()
}
