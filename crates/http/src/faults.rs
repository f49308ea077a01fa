//! Fault injection (dev mode only, `docs/test-tooling.md`): `/portico/v1/faults` adds, lists and
//! clears faults, and `inject`, a middleware at the edge, applies the first live one whose path
//! pattern and method match a request — latency, 429 with `Retry-After`, 500, or an AADSTS error
//! in the token endpoint's shape — for a count of requests or until a time on the server's clock.

use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use portico_app::tokens::errors::OAuthError;
use portico_model::Invalid;
use portico_wire::devtools::{Fault, FaultList, FaultSpec};
use std::sync::{Mutex, PoisonError};

/// The control API's own path: never faulted, so a test can always clear what it added.
const FAULTS_PATH: &str = "/portico/v1/faults";
/// The longest latency, well inside the 30-second request timeout.
const MAX_LATENCY_MS: u64 = 25_000;

/// The faults in force, in the order they were added.
#[derive(Debug, Default)]
pub struct Faults {
    entries: Mutex<Vec<Entry>>,
}

#[derive(Debug, Clone)]
struct Entry {
    id: String,
    spec: FaultSpec,
    pattern: Vec<String>,
    method: Option<Method>,
    effect: Effect,
    expires: Option<DateTime<Utc>>,
    applied: u32,
}

#[derive(Debug, Clone)]
enum Effect {
    Latency(std::time::Duration),
    Throttle(u64),
    ServerError,
    Aadsts(OAuthError),
}

fn invalid(property: &str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(Invalid::new(property, message))
}

/// The OAuth `error` values an injected AADSTS error may carry, with the status Entra sends.
fn oauth_error(name: &str) -> Option<(&'static str, u16)> {
    [
        ("invalid_request", 400),
        ("invalid_grant", 400),
        ("invalid_scope", 400),
        ("interaction_required", 400),
        ("unauthorized_client", 400),
        ("invalid_client", 401),
        ("server_error", 500),
        ("temporarily_unavailable", 503),
    ]
    .into_iter()
    .find(|(error, _)| *error == name)
}

fn effect(spec: &FaultSpec) -> Result<Effect, ApiError> {
    match spec.kind.as_str() {
        "latency" => match spec.latency_ms {
            Some(ms) if ms <= MAX_LATENCY_MS => {
                Ok(Effect::Latency(std::time::Duration::from_millis(ms)))
            }
            _ => Err(invalid(
                "latencyMs",
                format!("a latency fault needs latencyMs from 0 to {MAX_LATENCY_MS}"),
            )),
        },
        "throttle" => Ok(Effect::Throttle(spec.retry_after_seconds.unwrap_or(1))),
        "error" => Ok(Effect::ServerError),
        "aadsts" => {
            let name = spec.error.as_deref().unwrap_or("invalid_grant");
            let (error, status) = oauth_error(name).ok_or_else(|| {
                invalid(
                    "error",
                    format!("'{name}' is not an OAuth error Entra returns"),
                )
            })?;
            Ok(Effect::Aadsts(OAuthError {
                error,
                code: spec.aadsts_code.unwrap_or(50076),
                message: spec
                    .message
                    .clone()
                    .unwrap_or_else(|| "Injected by Portico's fault injection.".into()),
                status,
                claims: None,
            }))
        }
        other => Err(invalid(
            "kind",
            format!("'{other}' is not latency, throttle, error or aadsts"),
        )),
    }
}

fn entry(spec: FaultSpec, id: String, now: DateTime<Utc>) -> Result<Entry, ApiError> {
    if !spec.path.starts_with('/') {
        return Err(invalid("path", "the path pattern starts with '/'"));
    }
    let method = spec
        .method
        .as_deref()
        .map(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()))
        .transpose()
        .map_err(|_| invalid("method", "not an HTTP method"))?;
    if spec.count == Some(0) {
        return Err(invalid("count", "count is at least 1"));
    }
    let expires = match spec.duration_seconds {
        Some(seconds) if seconds > 0 => Some(now + Duration::seconds(seconds.min(86_400 * 365))),
        Some(_) => return Err(invalid("durationSeconds", "durationSeconds is at least 1")),
        None => None,
    };
    Ok(Entry {
        id,
        pattern: segments(&spec.path).map(str::to_owned).collect(),
        method,
        effect: effect(&spec)?,
        expires,
        applied: 0,
        spec,
    })
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// `*` is one segment, a final `**` any rest; other segments match case-insensitively.
fn path_matches(pattern: &[String], path: &str) -> bool {
    let mut parts = segments(path);
    for (index, wanted) in pattern.iter().enumerate() {
        if wanted == "**" && index + 1 == pattern.len() {
            return true;
        }
        match parts.next() {
            Some(part) if wanted == "*" || wanted.eq_ignore_ascii_case(part) => {}
            _ => return false,
        }
    }
    parts.next().is_none()
}

impl Entry {
    fn live(&self, now: DateTime<Utc>) -> bool {
        self.expires.is_none_or(|at| now < at) && self.spec.count.is_none_or(|n| self.applied < n)
    }

    fn view(&self) -> Fault {
        Fault {
            id: self.id.clone(),
            spec: self.spec.clone(),
            applied: self.applied,
            expires: self
                .expires
                .map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        }
    }
}

impl Faults {
    fn entries(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The effect for this request, counted as applied; spent and expired faults are dropped.
    fn take(&self, method: &Method, path: &str, now: DateTime<Utc>) -> Option<Effect> {
        let mut entries = self.entries();
        entries.retain(|entry| entry.live(now));
        let entry = entries.iter_mut().find(|entry| {
            entry.method.as_ref().is_none_or(|m| m == method) && path_matches(&entry.pattern, path)
        })?;
        entry.applied += 1;
        Some(entry.effect.clone())
    }
}

/// The middleware: applies the first live matching fault, else passes the request on.
pub async fn inject(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let own = path.to_ascii_lowercase();
    if own.trim_end_matches('/') == FAULTS_PATH || own.starts_with(&format!("{FAULTS_PATH}/")) {
        return next.run(request).await;
    }
    let now = state.app.now();
    match state.faults.take(request.method(), path, now) {
        None => next.run(request).await,
        Some(Effect::Latency(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(Effect::Throttle(retry_after)) => ApiError::Throttled { retry_after }.into_response(),
        Some(Effect::ServerError) => {
            ApiError::Internal("an injected fault (POST /portico/v1/faults)".into()).into_response()
        }
        Some(Effect::Aadsts(error)) => crate::oidc::token::error_response(&error, now),
    }
}

/// `POST /portico/v1/faults`.
pub async fn add(
    State(state): State<AppState>,
    body: Result<Json<FaultSpec>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Fault>), ApiError> {
    let Json(spec) = body.map_err(|e| {
        ApiError::bad_request(format!(
            "Expected {{\"path\", \"kind\", …}} (docs/test-tooling.md): {e}"
        ))
    })?;
    let id = state.app.random().object_id().to_string();
    let entry = entry(spec, id, state.app.now())?;
    let view = entry.view();
    state.faults.entries().push(entry);
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /portico/v1/faults`: the live faults.
pub async fn list(State(state): State<AppState>) -> Json<FaultList> {
    let now = state.app.now();
    let mut entries = state.faults.entries();
    entries.retain(|entry| entry.live(now));
    Json(FaultList {
        value: entries.iter().map(Entry::view).collect(),
    })
}

/// `DELETE /portico/v1/faults`: clears every fault.
pub async fn clear(State(state): State<AppState>) -> StatusCode {
    state.faults.entries().clear();
    StatusCode::NO_CONTENT
}

/// `DELETE /portico/v1/faults/{id}`.
pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let mut entries = state.faults.entries();
    let before = entries.len();
    entries.retain(|entry| !entry.id.eq_ignore_ascii_case(&id));
    if entries.len() == before {
        return Err(ApiError::NotFound(format!("No fault has the id '{id}'.")));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> Vec<String> {
        segments(text).map(str::to_owned).collect()
    }

    #[test]
    fn patterns_match_segments() {
        let token = pattern("/*/oauth2/v2.0/token");
        assert!(path_matches(&token, "/contoso.com/oauth2/v2.0/token"));
        assert!(path_matches(&token, "/Contoso.com/OAuth2/v2.0/token/"));
        assert!(!path_matches(&token, "/contoso.com/oauth2/v2.0/authorize"));
        assert!(!path_matches(&token, "/a/b/oauth2/v2.0/token"));
        let users = pattern("/v1.0/users/**");
        assert!(path_matches(&users, "/v1.0/users"));
        assert!(path_matches(&users, "/v1.0/users/x/memberOf"));
        assert!(!path_matches(&users, "/v1.0/groups"));
        assert!(path_matches(&pattern("/v1.0/me"), "/v1.0/me"));
        assert!(!path_matches(&pattern("/v1.0/me"), "/v1.0/me/x"));
    }
}
