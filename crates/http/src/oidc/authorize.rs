//! `/authorize` and the sign-in pages' form posts.

use super::client::Client;
use super::{federation_cookie_name, host_cookie as cookie, session_cookie_name, FLOW_COOKIE};
use crate::context::record_tenant;
use crate::pages::{
    self, ConsentPage, DiscoverPage, FormPostPage, IdentifyPage, MfaChallengePage, MfaRegisterPage,
    PasscodePage, PasswordPage, SignUpPage,
};
use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use axum_extra::extract::cookie::CookieJar;
use portico_app::sign_in::outcome::{FlowOutcome, Page, Redirect, ShownPage};
use portico_app::tokens::flow::{AuthorizeParams, FlowForm};
use std::collections::HashMap;

fn param(query: &HashMap<String, String>, name: &str) -> Option<String> {
    query.get(name).filter(|v| !v.is_empty()).cloned()
}

fn authorize_params(query: &HashMap<String, String>) -> AuthorizeParams {
    AuthorizeParams {
        client_id: param(query, "client_id"),
        redirect_uri: param(query, "redirect_uri"),
        response_type: param(query, "response_type"),
        response_mode: param(query, "response_mode"),
        scope: param(query, "scope"),
        state: param(query, "state"),
        nonce: param(query, "nonce"),
        code_challenge: param(query, "code_challenge"),
        code_challenge_method: param(query, "code_challenge_method"),
        prompt: param(query, "prompt"),
        login_hint: param(query, "login_hint"),
        domain_hint: param(query, "domain_hint"),
        max_age: param(query, "max_age"),
    }
}

/// `GET /{tenant}/oauth2/v2.0/authorize`.
pub async fn authorize(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    RawQuery(raw): RawQuery,
    Client(client): Client,
    jar: CookieJar,
) -> Response {
    let raw = raw.unwrap_or_default();
    let query: HashMap<String, String> = url::form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect();
    let params = authorize_params(&query);
    let multi_tenant = ["common", "organizations"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(&segment));
    if multi_tenant && params.login_hint.is_none() && params.domain_hint.is_none() {
        let action = format!(
            "{}{}/oauth2/v2.0/authorize",
            state.app.public_base(),
            segment.to_lowercase()
        );
        return pages::render(
            StatusCode::OK,
            &DiscoverPage {
                action: &action,
                query: &raw,
            },
            None,
            None,
        );
    }
    let session = match state.app.resolve_tenant(&segment).await {
        Ok(Some(tenant)) => {
            record_tenant(&tenant.id);
            jar.get(&session_cookie_name(&tenant.id))
                .map(|c| c.value().to_owned())
        }
        _ => None,
    };
    let outcome = state
        .app
        .authorize(&segment, params, &raw, session, client)
        .await;
    outcome_response(&state, outcome, jar)
}

/// `POST /{common|organizations}/oauth2/v2.0/authorize`: the account picks the tenant.
pub async fn discover(
    State(state): State<AppState>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let login = form.get("login").cloned().unwrap_or_default();
    let query = form.get("query").cloned().unwrap_or_default();
    let outcome = state.app.discover_tenant(login.trim(), &query).await;
    outcome_response(&state, outcome, CookieJar::new())
}

/// `POST /{tenant}/login`: a sign-in page's form.
pub async fn submit(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Client(client): Client,
    jar: CookieJar,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let flow_form = FlowForm {
        flow: form.get("flow").cloned().unwrap_or_default(),
        csrf: form.get("csrf").cloned().unwrap_or_default(),
        login: form.get("login").cloned(),
        password: form.get("password").cloned(),
        keep_signed_in: form.get("kmsi").is_some_and(|v| v == "true" || v == "on"),
        otp: form.get("otp").cloned(),
        display_name: form.get("displayName").cloned(),
        new_password: form.get("newPassword").cloned(),
        accept: form.get("accept").is_some_and(|v| v == "true"),
        request: client,
    };
    let cookie_flow = jar.get(FLOW_COOKIE).map(|c| c.value().to_owned());
    let outcome = state
        .app
        .submit_flow(&segment, flow_form, cookie_flow)
        .await;
    outcome_response(&state, outcome, jar)
}

/// Turns a flow outcome into a page, a redirect or an auto-submitting form.
pub fn outcome_response(state: &AppState, outcome: FlowOutcome, jar: CookieJar) -> Response {
    match outcome {
        FlowOutcome::Show(shown) => {
            let jar = jar.add(cookie(FLOW_COOKIE.into(), shown.flow_secret.clone()));
            (jar, show_page(state, &shown)).into_response()
        }
        FlowOutcome::Complete {
            redirect,
            session_secret,
            persistent,
            tenant,
        } => {
            let mut jar = jar.remove(cookie(FLOW_COOKIE.into(), String::new()));
            if let Some(secret) = session_secret {
                let mut session = cookie(session_cookie_name(&tenant), secret);
                if persistent {
                    session.set_max_age(time::Duration::days(90));
                }
                jar = jar.add(session);
            }
            (jar, redirect_response(state, &redirect)).into_response()
        }
        FlowOutcome::Redirect(redirect) => redirect_response(state, &redirect),
        FlowOutcome::Location(url) => {
            (StatusCode::FOUND, [(header::LOCATION, url)]).into_response()
        }
        FlowOutcome::Federate {
            url,
            callback_path,
            flow_secret,
        } => {
            let federation = cookie(federation_cookie_name(&callback_path), flow_secret);
            (
                jar.add(federation),
                (StatusCode::FOUND, [(header::LOCATION, url)]),
            )
                .into_response()
        }
        FlowOutcome::Error(page) => pages::error_page(&page),
    }
}

fn redirect_response(state: &AppState, redirect: &Redirect) -> Response {
    match redirect {
        Redirect::Query(url) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, url.clone()),
                (header::CACHE_CONTROL, "no-store".into()),
            ],
        )
            .into_response(),
        Redirect::FormPost { action, fields } => {
            let nonce = state.app.random().token(16);
            let target = origin_of(action);
            pages::render(
                StatusCode::OK,
                &FormPostPage {
                    action,
                    fields,
                    nonce: &nonce,
                },
                Some(&nonce),
                target.as_deref(),
            )
        }
    }
}

fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    Some(parsed.origin().ascii_serialization())
}

fn show_page(state: &AppState, shown: &ShownPage) -> Response {
    // A form post that completes the flow is answered with a redirect to the client, which the
    // browser checks against `form-action` too.
    let target = origin_of(&shown.redirect_uri);
    let target = target.as_deref();
    let action = format!("{}{}/login", state.app.public_base(), shown.tenant.id);
    let tenant_name = shown.tenant.display_name.as_str();
    let (flow, csrf, error) = (
        shown.flow_secret.as_str(),
        shown.csrf.as_str(),
        shown.error.clone(),
    );
    match &shown.page {
        Page::Identify { login_hint } => {
            let page = IdentifyPage {
                tenant_name,
                app_name: &shown.app_name,
                action: &action,
                flow,
                csrf,
                login_hint: login_hint.as_deref().unwrap_or(""),
                error,
            };
            pages::render(StatusCode::OK, &page, None, target)
        }
        Page::Password { username } => pages::render(
            StatusCode::OK,
            &PasswordPage {
                tenant_name,
                username,
                action: &action,
                flow,
                csrf,
                error,
            },
            None,
            target,
        ),
        Page::RegisterMfa {
            username,
            secret_base32,
        } => {
            let label: String = url::form_urlencoded::byte_serialize(
                format!("{tenant_name}:{username}").as_bytes(),
            )
            .collect();
            let issuer: String =
                url::form_urlencoded::byte_serialize(tenant_name.as_bytes()).collect();
            let uri = format!("otpauth://totp/{label}?secret={secret_base32}&issuer={issuer}&algorithm=SHA1&digits=6&period=30");
            let page = MfaRegisterPage {
                tenant_name,
                username,
                secret: secret_base32,
                uri: &uri,
                action: &action,
                flow,
                csrf,
                error,
            };
            pages::render(StatusCode::OK, &page, None, target)
        }
        Page::ChallengeMfa { username } => pages::render(
            StatusCode::OK,
            &MfaChallengePage {
                tenant_name,
                username,
                action: &action,
                flow,
                csrf,
                error,
            },
            None,
            target,
        ),
        Page::Passcode { address } => pages::render(
            StatusCode::OK,
            &PasscodePage {
                tenant_name,
                address,
                action: &action,
                flow,
                csrf,
                error,
            },
            None,
            target,
        ),
        Page::Consent {
            organization,
            username,
        } => pages::render(
            StatusCode::OK,
            &ConsentPage {
                organization,
                username,
                action: &action,
                flow,
                csrf,
            },
            None,
            target,
        ),
        Page::Terms { agreements } => pages::render(
            StatusCode::OK,
            &pages::TermsPage {
                organization: tenant_name,
                agreements,
                action: &action,
                flow,
                csrf,
            },
            None,
            target,
        ),
        Page::SignUp { email } => {
            let page = SignUpPage {
                tenant_name,
                app_name: &shown.app_name,
                email,
                action: &action,
                flow,
                csrf,
                error,
            };
            pages::render(StatusCode::OK, &page, None, target)
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct RedeemQuery {
    tenant: Option<String>,
    ticket: Option<String>,
}

/// `GET /redeem?tenant=…&ticket=…`: an invitation's redeem link.
pub async fn redeem(
    State(state): State<AppState>,
    axum::extract::Query(query): axum::extract::Query<RedeemQuery>,
    jar: CookieJar,
) -> Response {
    let outcome = state
        .app
        .begin_redemption(
            query.tenant.as_deref().unwrap_or_default(),
            query.ticket.as_deref().unwrap_or_default(),
        )
        .await;
    outcome_response(&state, outcome, jar)
}

/// `GET /{tenant}`: the tenant's direct sign-in link.
pub async fn portal(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    jar: CookieJar,
) -> Response {
    let outcome = state.app.begin_portal(&segment).await;
    outcome_response(&state, outcome, jar)
}

#[derive(Debug, serde::Deserialize)]
pub struct SignedInQuery {
    tenant: Option<String>,
}

/// Where the direct sign-in link ends: the organisations of whoever holds the tenant's session,
/// with a switch to each (S14).
pub async fn signed_in(
    State(state): State<AppState>,
    axum::extract::Query(query): axum::extract::Query<SignedInQuery>,
    jar: CookieJar,
) -> Response {
    let tenant = state
        .app
        .resolve_tenant(query.tenant.as_deref().unwrap_or_default())
        .await
        .ok()
        .flatten();
    let mut organizations = Vec::new();
    if let Some(tenant) = &tenant {
        if let Some(cookie) = jar.get(&session_cookie_name(&tenant.id)) {
            if let Ok(Some(user)) = state.app.session_user(tenant, cookie.value()).await {
                let base = state.app.public_base();
                organizations = state
                    .app
                    .organizations_of(tenant.id, user.id)
                    .await
                    .map(|list| {
                        list.iter()
                            .map(|m| crate::me::my_tenant(m, &base))
                            .collect()
                    })
                    .unwrap_or_default();
            }
        }
    }
    let name = tenant.map_or_else(|| "the organization".to_owned(), |t| t.display_name);
    pages::render(
        StatusCode::OK,
        &crate::pages::SignedInPage {
            tenant_name: &name,
            organizations: &organizations,
        },
        None,
        None,
    )
}

#[derive(Debug, serde::Deserialize)]
pub struct FederationAnswer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /{tenant}/federation/callback`: an external identity provider's answer.
pub async fn federation_callback(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    uri: axum::http::Uri,
    axum::extract::Query(answer): axum::extract::Query<FederationAnswer>,
    Client(client): Client,
    jar: CookieJar,
) -> Response {
    let flow = jar
        .get(&federation_cookie_name(uri.path()))
        .map(|c| c.value().to_owned());
    let answer = portico_app::sign_in::ProviderAnswer {
        code: answer.code,
        state: answer.state,
        error: answer.error,
    };
    let outcome = state
        .app
        .federation_callback(&segment, flow, answer, client)
        .await;
    outcome_response(&state, outcome, jar)
}
