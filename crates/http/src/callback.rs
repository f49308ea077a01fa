//! `/portico/callback`, the demo apps' redirect URI: shows what arrived (code or error, state), and
//! for a sign-in started at `/portico/try` redeems the code and shows the decoded tokens, like
//! jwt.ms. `/portico/try` starts such a sign-in with PKCE.

use crate::pages;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use axum_extra::extract::cookie::CookieJar;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use portico_app::tokens::TokenRequest;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const TRY_COOKIE: &str = "__Host-portico_try";
const DEMO_TENANT: &str = "contoso.com";
const DEMO_CLIENT: &str = "c0c0a002-0000-4000-8000-000000000002";

#[derive(Template)]
#[template(path = "callback.html")]
struct CallbackPage {
    code: Option<String>,
    code_value: String,
    state: String,
    iss: Option<String>,
    error: Option<String>,
    error_description: String,
    redeemable: bool,
    redeem_action: String,
    client_name: String,
    secret_hint: String,
    tokens: Vec<(String, String, String)>,
    try_link: String,
}

/// The sign-in `/portico/try` started, kept in a cookie until the callback redeems it.
#[derive(Debug, Serialize, Deserialize)]
struct TrySignIn {
    tenant: String,
    client_id: String,
    verifier: String,
}

fn try_from_cookie(jar: &CookieJar) -> Option<TrySignIn> {
    let cookie = jar.get(TRY_COOKIE)?;
    let bytes = URL_SAFE_NO_PAD.decode(cookie.value()).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn page(
    state: &AppState,
    params: &HashMap<String, String>,
    jar: &CookieJar,
    tokens: Vec<(String, String, String)>,
) -> CallbackPage {
    let code = params.get("code").cloned();
    let pending = try_from_cookie(jar);
    CallbackPage {
        redeemable: code.is_some() && pending.is_some() && tokens.is_empty(),
        code_value: code.clone().unwrap_or_default(),
        code,
        state: params.get("state").cloned().unwrap_or_default(),
        iss: params.get("iss").cloned(),
        error: params.get("error").cloned(),
        error_description: params.get("error_description").cloned().unwrap_or_default(),
        redeem_action: format!("{}portico/callback/redeem", state.app.public_base()),
        client_name: pending
            .as_ref()
            .map_or_else(String::new, |p| p.client_id.clone()),
        secret_hint: if pending.as_ref().is_some_and(|p| p.client_id == DEMO_CLIENT) {
            "contoso-web-secret".into()
        } else {
            String::new()
        },
        tokens,
        try_link: format!("{}portico/try", state.app.public_base()),
    }
}

pub async fn callback_get(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
    jar: CookieJar,
) -> Response {
    pages::render(
        StatusCode::OK,
        &page(&state, &params, &jar, Vec::new()),
        None,
        None,
    )
}

/// `response_mode=form_post` lands here.
pub async fn callback_post(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(params): Form<HashMap<String, String>>,
) -> Response {
    pages::render(
        StatusCode::OK,
        &page(&state, &params, &jar, Vec::new()),
        None,
        None,
    )
}

fn decode_part(part: &str) -> String {
    URL_SAFE_NO_PAD
        .decode(part)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| "(not JSON)".into())
}

/// `POST /portico/callback/redeem`: redeems the code with the verifier from `/portico/try`.
pub async fn redeem(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some(pending) = try_from_cookie(&jar) else {
        return (
            StatusCode::BAD_REQUEST,
            "Start the sign-in from /portico/try to redeem its code here.",
        )
            .into_response();
    };
    let mut request = TokenRequest {
        grant_type: Some("authorization_code".into()),
        code: form.get("code").cloned(),
        redirect_uri: Some(format!("{}portico/callback", state.app.public_base())),
        code_verifier: Some(pending.verifier.clone()),
        ..Default::default()
    };
    request.client.client_id = Some(pending.client_id.clone());
    request.client.client_secret = form.get("client_secret").filter(|s| !s.is_empty()).cloned();
    let params: HashMap<String, String> = form
        .get("code")
        .map(|c| [("code".to_owned(), c.clone())].into_iter().collect())
        .unwrap_or_default();
    let tokens = match state.app.token(&pending.tenant, request).await {
        Ok(response) => [
            ("Access token", Some(response.access_token)),
            ("ID token", response.id_token),
        ]
        .into_iter()
        .filter_map(|(name, token)| {
            let token = token?;
            let mut parts = token.split('.');
            Some((
                name.to_owned(),
                decode_part(parts.next()?),
                decode_part(parts.next()?),
            ))
        })
        .collect(),
        Err(error) => vec![(
            "Token request failed".to_owned(),
            error.error.to_owned(),
            error.to_string(),
        )],
    };
    let removal = crate::oidc::host_cookie(TRY_COOKIE.into(), String::new());
    let page = page(&state, &params, &jar, tokens);
    (
        jar.remove(removal),
        pages::render(StatusCode::OK, &page, None, None),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct TryQuery {
    tenant: Option<String>,
    client_id: Option<String>,
    scope: Option<String>,
}

/// `GET /portico/try`: starts an authorization-code sign-in (PKCE) that comes back to the callback.
pub async fn start(
    State(state): State<AppState>,
    Query(query): Query<TryQuery>,
    jar: CookieJar,
) -> Response {
    let random = state.app.random();
    let (verifier, csrf_state, nonce) = (random.secret(), random.secret(), random.secret());
    let pending = TrySignIn {
        tenant: query.tenant.unwrap_or_else(|| DEMO_TENANT.into()),
        client_id: query.client_id.unwrap_or_else(|| DEMO_CLIENT.into()),
        verifier,
    };
    let challenge =
        URL_SAFE_NO_PAD.encode(portico_app::secrets::sha256(pending.verifier.as_bytes()));
    let base = state.app.public_base();
    let params = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", &pending.client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", &format!("{base}portico/callback"))
        .append_pair(
            "scope",
            query
                .scope
                .as_deref()
                .unwrap_or("openid profile offline_access User.Read"),
        )
        .append_pair("state", &csrf_state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    let tenant: String = url::form_urlencoded::byte_serialize(pending.tenant.as_bytes()).collect();
    let location = format!("{base}{tenant}/oauth2/v2.0/authorize?{params}");
    let Ok(value) = serde_json::to_vec(&pending) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let cookie = crate::oidc::host_cookie(TRY_COOKIE.into(), URL_SAFE_NO_PAD.encode(value));
    (
        jar.add(cookie),
        (StatusCode::FOUND, [(header::LOCATION, location)]),
    )
        .into_response()
}
