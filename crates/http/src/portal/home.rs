//! `/` (what this server is), the favicon, `/portal` (sign in, or the first page the caller
//! administers) and `/portal/me` (every user's own profile and organizations).

use super::chrome::default_domain;
use super::{render, see_other, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use portico_app::directory::Operation;
use portico_app::portal::UserSource;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    chrome: Chrome,
    base: String,
    now: String,
}

/// `GET /`.
pub async fn home(State(state): State<AppState>) -> Response {
    render(&HomePage {
        chrome: Chrome::public(&state, "home"),
        base: state.app.public_base(),
        now: state.app.now().format("%Y-%m-%d %H:%M:%S").to_string(),
    })
}

static FAVICON: &[u8] = include_bytes!("../../static/favicon.ico");

/// `GET /favicon.ico`: Portico's arch.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/x-icon"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
        .into_response()
}

/// `GET /portico/openapi.json`: the Graph API description the docs link to.
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::graph::openapi::document_text(),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "portal/choose.html")]
struct ChoosePage {
    chrome: Chrome,
    tenant: String,
    return_to: String,
    /// Dev mode only: the organizations to pick from (name, domain).
    tenants: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct PortalQuery {
    #[serde(rename = "return")]
    return_to: Option<String>,
    tenant: Option<String>,
}

/// `GET /portal`: the first page the caller administers, or the organization chooser.
pub async fn portal(
    State(state): State<AppState>,
    session: Result<Session, PortalError>,
    Query(query): Query<PortalQuery>,
) -> Result<Response, PortalError> {
    if let Ok(session) = session {
        let caller = &session.caller;
        let first = [
            (Operation::ListUsers, "/portal/users"),
            (Operation::Invite, "/portal/invite"),
            (Operation::ListSignIns, "/portal/sign-ins"),
        ]
        .into_iter()
        .find(|(op, _)| caller.administers(*op))
        .map_or("/portal/me", |(_, path)| path);
        return Ok(see_other(first));
    }
    let tenants = if state.app.config().dev_mode {
        state
            .app
            .list_tenants()
            .await
            .map_err(PortalError::internal)?
            .iter()
            .map(|t| (t.display_name.clone(), default_domain(t)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&ChoosePage {
        chrome: Chrome::public(&state, "portal"),
        tenant: query.tenant.unwrap_or_default(),
        return_to: query
            .return_to
            .filter(|r| r.starts_with("/portal/"))
            .unwrap_or_else(|| "/portal".into()),
        tenants,
    }))
}

#[derive(Template)]
#[template(path = "portal/me.html")]
struct MePage {
    chrome: Chrome,
    user: portico_model::user::User,
    mail: String,
    user_type: &'static str,
    source: &'static str,
    roles: Vec<&'static str>,
    nothing_else: bool,
    tenant_name: String,
}

/// `GET /portal/me`: the signed-in user's own object, as `/me` shows it to every user.
pub async fn me(State(state): State<AppState>, session: Session) -> Result<Response, PortalError> {
    session.caller.require(Operation::GetMe)?;
    let user = session.caller.user.clone().ok_or_else(|| {
        PortalError::page(
            StatusCode::BAD_REQUEST,
            "No user",
            "This session has no signed-in user.",
        )
    })?;
    let chrome = Chrome::of(&state, &session, "me").await;
    let nothing_else = chrome
        .signed_in
        .as_ref()
        .is_some_and(|s| !(s.nav.users || s.nav.invite || s.nav.sign_ins));
    Ok(render(&MePage {
        mail: user
            .mail
            .as_ref()
            .map_or_else(String::new, ToString::to_string),
        user_type: user_type_name(user.user_type),
        source: UserSource::of(&user).label(),
        roles: session
            .caller
            .roles
            .iter()
            .map(|r| r.display_name())
            .collect(),
        nothing_else,
        tenant_name: session.tenant.display_name.clone(),
        chrome,
        user,
    }))
}

pub fn user_type_name(kind: portico_model::user::UserType) -> &'static str {
    match kind {
        portico_model::user::UserType::Member => "Member",
        portico_model::user::UserType::Guest => "Guest",
    }
}
