//! The `/authorize` request's and the sign-in forms' parameters, and OAuth answers sent back
//! to the client (a code or an error, by query or form post). The sign-in itself is
//! `crate::sign_in`.

use crate::secrets::digest_hex;
use crate::sign_in::outcome::{FlowOutcome, Redirect};
use crate::App;
use portico_model::oauth::AuthorizationRequest;
use portico_model::TenantId;
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

/// Appends OAuth response parameters to the redirect URI (or a form for `form_post`).
pub(crate) fn respond(
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

pub(crate) fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

pub(crate) fn oauth_redirect(
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
