//! The control API under `/portico/v1/`: reset, clock and outbox (dev mode only — the router
//! does not mount them otherwise), and tenant resolution.

use crate::context::record_tenant;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, SecondsFormat, Utc};
use portico_model::EmailAddress;
use portico_wire::control::{
    Clock, ClockChange, Outbox, OutboxMessage, SignInRiskChange, SignInRiskState, Tenant,
};
use serde::Deserialize;

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub async fn reset(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    state.app.reset().await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn get_clock(State(state): State<AppState>) -> Json<Clock> {
    Json(clock(&state))
}

fn clock(state: &AppState) -> Clock {
    Clock {
        now: rfc3339(state.app.now()),
        frozen: state.app.clock_frozen(),
    }
}

/// `POST /portico/v1/clock`: `frozen` first (so `{"now", "frozen": true}` stops the clock
/// exactly at `now`), then at most one of `now` or `advanceSeconds`.
pub async fn set_clock(
    State(state): State<AppState>,
    body: Result<Json<ClockChange>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Clock>, ApiError> {
    let Json(change) = body.map_err(|e| {
        ApiError::bad_request(format!(
            "Expected {{\"now\": \"<RFC 3339>\"}}, {{\"advanceSeconds\": <n>}} and/or {{\"frozen\": <bool>}}: {e}"
        ))
    })?;
    let target = match (change.now, change.advance_seconds, change.frozen) {
        (Some(_), Some(_), _) | (None, None, None) => {
            return Err(ApiError::bad_request(
                "Give one of \"now\" or \"advanceSeconds\", \"frozen\", or both kinds.",
            ))
        }
        (Some(text), None, _) => Some(
            DateTime::parse_from_rfc3339(&text)
                .map_err(|e| {
                    ApiError::bad_request(format!("'{text}' is not an RFC 3339 time: {e}"))
                })?
                .with_timezone(&Utc),
        ),
        _ => None,
    };
    if let Some(frozen) = change.frozen {
        state.app.freeze_clock(frozen)?;
    }
    if let Some(at) = target {
        state.app.set_clock(at)?;
    } else if let Some(seconds) = change.advance_seconds {
        state.app.advance_clock(seconds)?;
    }
    Ok(Json(clock(&state)))
}

#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    to: Option<String>,
    top: Option<u32>,
}

pub async fn outbox(
    State(state): State<AppState>,
    Query(query): Query<OutboxQuery>,
) -> Result<Json<Outbox>, ApiError> {
    let to = query
        .to
        .as_deref()
        .map(|to| EmailAddress::parse(to).map_err(|e| ApiError::bad_request(e.to_string())))
        .transpose()?;
    let top = query.top.unwrap_or(100).clamp(1, 1000);
    let messages = state.app.outbox(to.as_ref(), top).await?;
    let value = messages
        .into_iter()
        .map(|m| OutboxMessage {
            id: m.id.to_string(),
            from: m.from.to_string(),
            to: m.to.iter().map(ToString::to_string).collect(),
            cc: m.cc.iter().map(ToString::to_string).collect(),
            subject: m.subject,
            text: m.text,
            html: m.html,
            links: m.links,
            sent_date_time: rfc3339(m.created_at),
        })
        .collect();
    Ok(Json(Outbox { value }))
}

/// `GET /portico/v1/tenants/{tenant}`: the tenant an id or verified domain names.
pub async fn tenant(
    State(state): State<AppState>,
    Path(segment): Path<String>,
) -> Result<Json<Tenant>, ApiError> {
    let tenant = state.app.resolve_tenant(&segment).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "No tenant has the id or verified domain '{segment}'."
        ))
    })?;
    record_tenant(&tenant.id);
    Ok(Json(Tenant {
        id: tenant.id.to_string(),
        display_name: tenant.display_name.clone(),
        initial_domain: tenant.initial_domain.to_string(),
        verified_domains: tenant.domains().map(ToString::to_string).collect(),
    }))
}

/// `POST /portico/v1/tenants/{tenant}/keys/rotate`: publishes the next signing key now; it signs
/// from an hour later, and the current key stays published until its tokens have expired.
pub async fn rotate_keys(
    State(state): State<AppState>,
    Path(segment): Path<String>,
) -> Result<Json<portico_wire::control::RotatedKey>, ApiError> {
    let tenant = state.app.resolve_tenant(&segment).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "No tenant has the id or verified domain '{segment}'."
        ))
    })?;
    record_tenant(&tenant.id);
    let (kid, active_from) = state
        .app
        .keys()
        .rotate(tenant.id, state.app.now())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(portico_wire::control::RotatedKey {
        kid,
        active_from: rfc3339(active_from),
    }))
}

/// `POST /portico/v1/tenants/{tenant}/users/{user}/signInRisk`: the sign-in risk the user's next
/// sign-ins are given (Portico cannot detect real sign-in risk, so tests and demos set it).
pub async fn set_sign_in_risk(
    State(state): State<AppState>,
    Path((segment, user)): Path<(String, String)>,
    body: Result<Json<SignInRiskChange>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<SignInRiskState>, ApiError> {
    let Json(change) = body.map_err(|e| {
        ApiError::bad_request(format!(
            "Expected {{\"level\": \"none\" | \"low\" | \"medium\" | \"high\"}}: {e}"
        ))
    })?;
    let level = portico_model::conditional_access::RiskLevel::parse(&change.level)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let tenant = state.app.resolve_tenant(&segment).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "No tenant has the id or verified domain '{segment}'."
        ))
    })?;
    record_tenant(&tenant.id);
    let risk = state
        .app
        .set_simulated_sign_in_risk(tenant.id, &user, level)
        .await
        .map_err(|e| match e {
            portico_app::AppError::Store(portico_store::StoreError::NotFound) => {
                ApiError::NotFound(format!(
                    "Tenant '{segment}' has no user with the id or userPrincipalName '{user}'."
                ))
            }
            other => other.into(),
        })?;
    let name = |value: serde_json::Value| value.as_str().unwrap_or_default().to_owned();
    Ok(Json(SignInRiskState {
        tenant_id: tenant.id.to_string(),
        user_id: risk.user_id.to_string(),
        sign_in_risk_level: name(
            serde_json::to_value(risk.simulated_sign_in_risk).unwrap_or_default(),
        ),
        risk_level: name(serde_json::to_value(risk.risk_level).unwrap_or_default()),
        risk_state: name(serde_json::to_value(risk.risk_state).unwrap_or_default()),
        risk_detail: risk.risk_detail,
    }))
}

/// `POST /portico/v1/tenants/{tenant}/applications/{appId}/keyCredentials`: registers a
/// certificate on an app for `private_key_jwt` client assertions.
pub async fn add_key_credential(
    State(state): State<AppState>,
    Path((segment, client_id)): Path<(String, String)>,
    body: Result<
        Json<portico_wire::control::KeyCredentialAdd>,
        axum::extract::rejection::JsonRejection,
    >,
) -> Result<(StatusCode, Json<portico_wire::control::KeyCredentialAdded>), ApiError> {
    use base64::Engine;
    let Json(add) = body.map_err(|e| {
        ApiError::bad_request(format!("Expected {{\"key\": \"<certificate>\"}}: {e}"))
    })?;
    let tenant = state.app.resolve_tenant(&segment).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "No tenant has the id or verified domain '{segment}'."
        ))
    })?;
    record_tenant(&tenant.id);
    let (credential, key) = state
        .app
        .add_key_credential(tenant.id, &client_id, &add.key, add.display_name)
        .await
        .map_err(|e| match e {
            portico_app::AppError::Store(portico_store::StoreError::NotFound) => {
                ApiError::NotFound(format!(
                    "Tenant '{segment}' has no application with the appId '{client_id}'."
                ))
            }
            other => other.into(),
        })?;
    let sha1 = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&key.x5t)
        .unwrap_or_default();
    let hex: String = sha1.iter().map(|b| format!("{b:02X}")).collect();
    let added = portico_wire::control::KeyCredentialAdded {
        key_id: credential.key_id.to_string(),
        display_name: credential.display_name,
        custom_key_identifier: hex,
        kind: "AsymmetricX509Cert".into(),
        usage: "Verify".into(),
        start_date_time: credential.start_at.map(rfc3339),
        end_date_time: credential.end_at.map(rfc3339),
    };
    Ok((StatusCode::CREATED, Json(added)))
}
