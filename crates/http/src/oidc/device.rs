//! The device code flow: `/devicecode` for the device, and the verification page where the
//! user types the code, confirms the app and signs in (`docs/token-service.md`).

use super::authorize::outcome_response;
use super::client::Client;
use super::token::error_response;
use crate::context::record_tenant;
use crate::pages::{self, DeviceConfirmPage, DeviceDonePage, DeviceLoginPage};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use axum_extra::extract::cookie::CookieJar;
use portico_app::tokens::{DeviceLogin, DeviceLoginAction};
use portico_wire::oauth::DeviceCodeResponse;
use std::collections::HashMap;

/// `POST /{tenant}/oauth2/v2.0/devicecode` (`client_id`, `scope`).
pub async fn device_code(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let get = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let answer = state
        .app
        .device_authorization(&segment, get("client_id"), get("scope"))
        .await;
    match answer {
        Ok(device) => {
            let body = DeviceCodeResponse {
                user_code: device.user_code,
                device_code: device.device_code,
                verification_uri: device.verification_uri,
                expires_in: device.expires_in,
                interval: device.interval,
                message: device.message,
            };
            ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
        }
        Err(error) => error_response(&error, state.app.now()),
    }
}

/// `GET /{tenant}/devicelogin`: the code form.
pub async fn device_login_page(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    jar: CookieJar,
) -> Response {
    let view = state.app.device_login_page(&segment).await;
    render(&state, view, jar)
}

/// `POST /{tenant}/devicelogin`: `otc` and `action` (`enter`, `continue`, `cancel`).
pub async fn device_login(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Client(client): Client,
    jar: CookieJar,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let action = match form.get("action").map(String::as_str) {
        Some("continue") => DeviceLoginAction::Continue,
        Some("cancel") => DeviceLoginAction::Cancel,
        _ => DeviceLoginAction::Enter,
    };
    let code = form.get("otc").map(String::as_str).unwrap_or_default();
    let view = state
        .app
        .device_login(&segment, code, action, &client)
        .await;
    render(&state, view, jar)
}

/// `GET /{tenant}/devicelogin/done`: where an approving sign-in ends.
pub async fn device_login_done() -> Response {
    pages::render(
        StatusCode::OK,
        &DeviceDonePage {
            title: "You're signed in",
            message: "You have signed in to the application on your device.",
        },
        None,
        None,
    )
}

fn render(state: &AppState, view: DeviceLogin, jar: CookieJar) -> Response {
    let action = |tenant: &portico_model::TenantId| state.app.device_login_uri(*tenant);
    match view {
        DeviceLogin::Ask { tenant, error } => {
            record_tenant(&tenant.id);
            let page = DeviceLoginPage {
                tenant_name: &tenant.display_name,
                action: &action(&tenant.id),
                error,
            };
            pages::render(StatusCode::OK, &page, None, None)
        }
        DeviceLogin::Confirm {
            tenant,
            app_name,
            user_code,
        } => {
            record_tenant(&tenant.id);
            let page = DeviceConfirmPage {
                tenant_name: &tenant.display_name,
                app_name: &app_name,
                action: &action(&tenant.id),
                user_code: &user_code,
            };
            pages::render(StatusCode::OK, &page, None, None)
        }
        DeviceLogin::Declined { app_name, .. } => {
            let message = format!("You have declined to sign in to {app_name} on your device.");
            let page = DeviceDonePage {
                title: "Sign-in declined",
                message: &message,
            };
            pages::render(StatusCode::OK, &page, None, None)
        }
        DeviceLogin::Flow(outcome) => outcome_response(state, outcome, jar),
    }
}
