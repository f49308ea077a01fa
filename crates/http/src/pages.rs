//! Server-rendered pages (askama) and the headers every page carries: no framing, no caching,
//! no scripts unless a page brings its own nonce.

use crate::context;
use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use portico_app::sign_in::outcome::ErrorPage;

#[derive(Template)]
#[template(path = "identify.html")]
pub struct IdentifyPage<'a> {
    pub tenant_name: &'a str,
    pub app_name: &'a str,
    pub action: &'a str,
    pub flow: &'a str,
    pub csrf: &'a str,
    pub login_hint: &'a str,
    pub error: Option<(u32, String)>,
}

#[derive(Template)]
#[template(path = "discover.html")]
pub struct DiscoverPage<'a> {
    pub action: &'a str,
    pub query: &'a str,
}

#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage<'a> {
    pub tenant_name: &'a str,
    pub username: &'a str,
    pub action: &'a str,
    pub flow: &'a str,
    pub csrf: &'a str,
    pub error: Option<(u32, String)>,
}

#[derive(Template)]
#[template(path = "mfa_register.html")]
pub struct MfaRegisterPage<'a> {
    pub tenant_name: &'a str,
    pub username: &'a str,
    pub secret: &'a str,
    pub uri: &'a str,
    pub action: &'a str,
    pub flow: &'a str,
    pub csrf: &'a str,
    pub error: Option<(u32, String)>,
}

#[derive(Template)]
#[template(path = "mfa_challenge.html")]
pub struct MfaChallengePage<'a> {
    pub tenant_name: &'a str,
    pub username: &'a str,
    pub action: &'a str,
    pub flow: &'a str,
    pub csrf: &'a str,
    pub error: Option<(u32, String)>,
}

#[derive(Template)]
#[template(path = "sign_up.html")]
pub struct SignUpPage<'a> {
    pub tenant_name: &'a str,
    pub app_name: &'a str,
    pub email: &'a str,
    pub action: &'a str,
    pub flow: &'a str,
    pub csrf: &'a str,
    pub error: Option<(u32, String)>,
}

#[derive(Template)]
#[template(path = "passcode.html")]
pub struct PasscodePage<'a> {
    pub tenant_name: &'a str,
    pub address: &'a str,
    pub action: &'a str,
    pub flow: &'a str,
    pub csrf: &'a str,
    pub error: Option<(u32, String)>,
}

#[derive(Template)]
#[template(path = "consent.html")]
pub struct ConsentPage<'a> {
    pub organization: &'a str,
    pub username: &'a str,
    pub action: &'a str,
    pub flow: &'a str,
    pub csrf: &'a str,
}

#[derive(Template)]
#[template(path = "terms.html")]
pub struct TermsPage<'a> {
    pub organization: &'a str,
    pub agreements: &'a [portico_app::sign_in::outcome::AgreementView],
    pub action: &'a str,
    pub flow: &'a str,
    pub csrf: &'a str,
}

#[derive(Template)]
#[template(path = "signed_in.html")]
pub struct SignedInPage<'a> {
    pub tenant_name: &'a str,
    /// The organisations the signed-in identity belongs to, with a switch to each.
    pub organizations: &'a [portico_wire::me::MyTenant],
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorTemplate<'a> {
    pub code: u32,
    pub title: &'a str,
    pub message: &'a str,
    pub remedy: &'a str,
    pub request_id: &'a str,
    pub who: Option<&'a str>,
    pub setting: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "form_post.html")]
pub struct FormPostPage<'a> {
    pub action: &'a str,
    pub fields: &'a [(String, String)],
    pub nonce: &'a str,
}

/// The device code flow's verification page: the code form.
#[derive(Template)]
#[template(path = "device_login.html")]
pub struct DeviceLoginPage<'a> {
    pub tenant_name: &'a str,
    pub action: &'a str,
    pub error: Option<&'a str>,
}

/// "Are you trying to sign in to …?" for a typed code.
#[derive(Template)]
#[template(path = "device_confirm.html")]
pub struct DeviceConfirmPage<'a> {
    pub tenant_name: &'a str,
    pub app_name: &'a str,
    pub action: &'a str,
    pub user_code: &'a str,
}

/// The end of a device sign-in (approved or declined).
#[derive(Template)]
#[template(path = "device_done.html")]
pub struct DeviceDonePage<'a> {
    pub title: &'a str,
    pub message: &'a str,
}

#[derive(Template)]
#[template(path = "signed_out.html")]
pub struct SignedOutPage;

/// Logout without a valid `id_token_hint`: a button, so a cross-site link alone ends no session.
#[derive(Template)]
#[template(path = "logout_confirm.html")]
pub struct LogoutConfirmPage<'a> {
    pub tenant_name: &'a str,
    pub action: &'a str,
    pub csrf: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
}

/// Renders a page with the security headers; `script_nonce` allows that one inline script.
pub fn render(
    status: StatusCode,
    template: &impl Template,
    script_nonce: Option<&str>,
    form_target: Option<&str>,
) -> Response {
    let body = match template.render() {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "page rendering failed");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be rendered.",
            )
                .into_response();
        }
    };
    let mut response = (status, Html(body)).into_response();
    security_headers(response.headers_mut(), script_nonce, form_target);
    response
}

/// The headers every page carries (also a page streamed in parts).
pub fn security_headers(
    headers: &mut axum::http::HeaderMap,
    script_nonce: Option<&str>,
    form_target: Option<&str>,
) {
    let script =
        script_nonce.map_or_else(|| "'none'".to_owned(), |nonce| format!("'nonce-{nonce}'"));
    let form_action =
        form_target.map_or_else(|| "'self'".to_owned(), |target| format!("'self' {target}"));
    let csp = format!("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src {script}; form-action {form_action}; frame-ancestors 'none'; base-uri 'none'");
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// An error page: what happened, who can fix it, the AADSTS code and the request id.
pub fn error_page(page: &ErrorPage) -> Response {
    let request_id = context::current().request_id;
    let template = ErrorTemplate {
        code: page.code,
        title: &page.title,
        message: &page.message,
        remedy: &page.remedy,
        request_id: &request_id,
        who: page.who.as_deref(),
        setting: page.setting.as_deref(),
    };
    render(
        StatusCode::from_u16(page.status).unwrap_or(StatusCode::BAD_REQUEST),
        &template,
        None,
        None,
    )
}
