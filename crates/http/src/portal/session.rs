//! Signing in to the portal through the tenant's own sign-in: `/portal/sign-in` starts an
//! authorization-code flow with PKCE for the tenant's Portico Portal registration, the callback
//! redeems the code in-process at the same token service MSAL uses, and the session is the
//! access token itself in a `__Host-` cookie — verified on every request like a Graph bearer
//! token, so the portal keeps no server-side state and a disabled account loses it at once.

use super::PortalError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use portico_app::directory::Caller;
use portico_app::portal::{portal_client_id, PORTAL_SCOPES};
use portico_app::tokens::TokenRequest;
use portico_model::tenant::Tenant;
use serde::{Deserialize, Serialize};

pub(crate) const SESSION_COOKIE: &str = "__Host-portico_portal";
const PENDING_COOKIE: &str = "__Host-portico_portal_signin";

/// What the session cookie holds, as `{csrf}.{token}` (the CSRF value has no dot).
struct Stored {
    /// The double-submit value every form post must echo.
    csrf: String,
    /// The portal's access token for the signed-in user in one tenant.
    token: String,
}

impl Stored {
    fn parse(value: &str) -> Option<Self> {
        let (csrf, token) = value.split_once('.')?;
        Some(Self {
            csrf: csrf.to_owned(),
            token: token.to_owned(),
        })
    }

    fn value(&self) -> String {
        format!("{}.{}", self.csrf, self.token)
    }
}

/// A sign-in under way, kept until the callback.
#[derive(Serialize, Deserialize)]
struct Pending {
    tenant: String,
    verifier: String,
    state: String,
    return_to: String,
}

/// A signed-in portal user: the same `Caller` a Graph request of theirs would be.
pub struct Session {
    pub caller: Caller,
    pub tenant: Tenant,
    pub csrf: String,
}

impl Session {
    /// Refuses a form post whose CSRF value is not this session's.
    pub fn check_csrf(&self, presented: &str) -> Result<(), PortalError> {
        if portico_app::secrets::constant_time_eq(presented, &self.csrf) {
            Ok(())
        } else {
            Err(PortalError::page(
                StatusCode::FORBIDDEN,
                "The form expired",
                "This form was not sent from your current portal session. Go back, reload the page and try again.",
            ))
        }
    }
}

fn decode<T: for<'de> Deserialize<'de>>(value: &str) -> Option<T> {
    let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn encode<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_vec(value)
        .ok()
        .map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
}

/// The path and query of a request to come back to after signing in: only portal paths.
fn return_path(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .filter(|p| p.starts_with("/portal/") && parts.method == axum::http::Method::GET)
        .unwrap_or_else(|| "/portal".to_owned())
}

impl FromRequestParts<AppState> for Session {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PortalError> {
        let jar = CookieJar::from_headers(&parts.headers);
        let sign_in = || PortalError::SignIn {
            tenant: None,
            return_to: return_path(parts),
        };
        let stored: Stored = jar
            .get(SESSION_COOKIE)
            .and_then(|c| Stored::parse(c.value()))
            .ok_or_else(sign_in)?;
        let claims = state
            .app
            .verify_graph_token(&stored.token, None)
            .await
            .map_err(|_| sign_in())?;
        // Only the portal's own tokens open a portal session.
        if claims.app_only || claims.client_id != portal_client_id(claims.tenant).to_string() {
            return Err(sign_in());
        }
        crate::context::record_tenant(&claims.tenant);
        let tenant = state
            .app
            .find_tenant(claims.tenant)
            .await
            .ok()
            .flatten()
            .ok_or_else(sign_in)?;
        let caller = state
            .app
            .graph_caller(claims)
            .await
            .map_err(|_| PortalError::SignIn {
                tenant: Some(tenant.id.to_string()),
                return_to: return_path(parts),
            })?;
        Ok(Self {
            caller,
            tenant,
            csrf: stored.csrf,
        })
    }
}

#[derive(Deserialize)]
pub struct SignInQuery {
    tenant: Option<String>,
    login_hint: Option<String>,
    #[serde(rename = "return")]
    return_to: Option<String>,
}

/// `GET /portal/sign-in?tenant=…`: to the tenant's `/authorize` with PKCE.
pub async fn start(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
    jar: CookieJar,
) -> Result<Response, PortalError> {
    let segment = query.tenant.unwrap_or_default();
    let tenant = state
        .app
        .resolve_tenant(segment.trim())
        .await
        .map_err(PortalError::internal)?
        .ok_or_else(|| {
            PortalError::page(
                StatusCode::NOT_FOUND,
                "Organization not found",
                &format!("No organization here has the id or domain '{segment}'. Check the spelling, or use its id."),
            )
        })?;
    let random = state.app.random();
    let (verifier, csrf_state, nonce) = (random.secret(), random.secret(), random.secret());
    let return_to = query
        .return_to
        .filter(|r| r.starts_with("/portal/") && !r.starts_with("//"))
        .unwrap_or_else(|| "/portal".to_owned());
    let challenge = URL_SAFE_NO_PAD.encode(portico_app::secrets::sha256(verifier.as_bytes()));
    let base = state.app.public_base();
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let mut location = format!(
        "{base}{}/oauth2/v2.0/authorize?client_id={}&response_type=code&redirect_uri={}&scope={}&state={csrf_state}&nonce={nonce}&code_challenge={challenge}&code_challenge_method=S256",
        tenant.id,
        portal_client_id(tenant.id),
        enc(&format!("{base}portal/callback")),
        enc(&format!("openid profile {}", PORTAL_SCOPES.join(" "))),
    );
    if let Some(hint) = query.login_hint.filter(|h| !h.is_empty()) {
        location.push_str(&format!("&login_hint={}", enc(&hint)));
    }
    let pending = Pending {
        tenant: tenant.id.to_string(),
        verifier,
        state: csrf_state,
        return_to,
    };
    let value = encode(&pending).ok_or_else(|| PortalError::internal("encoding"))?;
    let cookie = crate::oidc::host_cookie(PENDING_COOKIE.into(), value);
    Ok((
        jar.add(cookie),
        (StatusCode::FOUND, [(header::LOCATION, location)]),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /portal/callback`: checks `state`, redeems the code with the verifier, opens the session.
pub async fn callback(
    State(state): State<AppState>,
    Query(query): Query<CallbackQuery>,
    jar: CookieJar,
) -> Result<Response, PortalError> {
    let pending: Pending = jar
        .get(PENDING_COOKIE)
        .and_then(|c| decode(c.value()))
        .ok_or_else(|| {
            PortalError::page(
                StatusCode::BAD_REQUEST,
                "Sign-in expired",
                "This sign-in was not started here, or took too long. Start again from the portal.",
            )
        })?;
    let same_state = query
        .state
        .as_deref()
        .is_some_and(|s| portico_app::secrets::constant_time_eq(s, &pending.state));
    if !same_state {
        return Err(PortalError::page(StatusCode::BAD_REQUEST, "Sign-in expired", "The answer of the sign-in does not belong to the sign-in this browser started. Start again from the portal."));
    }
    if let Some(error) = query.error {
        let description = query.error_description.unwrap_or_default();
        return Err(PortalError::page(
            StatusCode::FORBIDDEN,
            "Sign-in failed",
            &format!("{error}: {description}"),
        ));
    }
    let mut request = TokenRequest {
        grant_type: Some("authorization_code".into()),
        code: query.code,
        redirect_uri: Some(format!("{}portal/callback", state.app.public_base())),
        code_verifier: Some(pending.verifier.clone()),
        ..Default::default()
    };
    let tenant_id = portico_model::TenantId::parse(&pending.tenant)
        .map_err(|_| PortalError::internal("pending tenant"))?;
    request.client.client_id = Some(portal_client_id(tenant_id).to_string());
    let tokens = state
        .app
        .token(&pending.tenant, request)
        .await
        .map_err(|e| PortalError::page(StatusCode::FORBIDDEN, "Sign-in failed", &e.to_string()))?;
    let csrf = state.app.random().secret();
    let stored = Stored {
        csrf,
        token: tokens.access_token,
    };
    let value = stored.value();
    let jar = jar
        .remove(crate::oidc::host_cookie(
            PENDING_COOKIE.into(),
            String::new(),
        ))
        .add(crate::oidc::host_cookie(SESSION_COOKIE.into(), value));
    Ok((
        jar,
        (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, pending.return_to)],
        ),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

/// `POST /portal/sign-out`: ends the portal session, then the tenant's sign-in session.
pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Result<Response, PortalError> {
    session.check_csrf(&form.csrf)?;
    let location = format!(
        "{}{}/oauth2/v2.0/logout",
        state.app.public_base(),
        session.tenant.id
    );
    let jar = jar.remove(crate::oidc::host_cookie(
        SESSION_COOKIE.into(),
        String::new(),
    ));
    Ok((jar, (StatusCode::SEE_OTHER, [(header::LOCATION, location)])).into_response())
}
