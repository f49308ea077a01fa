//! `/portal/sign-ins`: the tenant's sign-in log with the admin center's filters (date, user,
//! app, status, cross-tenant access type, home tenant, correlation), and one row's details:
//! the applied Conditional Access policies and who must act.

use super::sign_in_rows::{access_type_name, diagnose_url, SignInRow};
use super::{render, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{NaiveDate, TimeZone, Utc};
use portico_app::directory::{GraphError, Operation, SignInView};
use portico_app::portal::{SignInFilter, SignInStatus};
use serde::Deserialize;

const PAGE_SIZE: usize = 50;

#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    app: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    access: String,
    #[serde(default)]
    home: String,
    #[serde(default)]
    correlation: String,
    after: Option<String>,
}

fn some(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

fn day(text: &str, end: bool) -> Result<Option<chrono::DateTime<Utc>>, GraphError> {
    let Some(text) = some(text) else {
        return Ok(None);
    };
    let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| GraphError::bad_request(format!("'{text}' is not a date (YYYY-MM-DD).")))?;
    let time = if end {
        date.and_hms_opt(23, 59, 59)
    } else {
        date.and_hms_opt(0, 0, 0)
    };
    Ok(time.map(|t| Utc.from_utc_datetime(&t)))
}

impl LogQuery {
    fn filter(&self) -> Result<SignInFilter, GraphError> {
        Ok(SignInFilter {
            from: day(&self.from, false)?,
            to: day(&self.to, true)?,
            user: some(&self.user),
            app: some(&self.app),
            status: match self.status.as_str() {
                "success" => Some(SignInStatus::Success),
                "failure" => Some(SignInStatus::Failure),
                _ => None,
            },
            access_type: some(&self.access),
            home_tenant: some(&self.home),
            correlation_id: some(&self.correlation),
        })
    }

    fn link(&self, after: Option<&str>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        let pairs = [
            ("from", &self.from),
            ("to", &self.to),
            ("user", &self.user),
            ("app", &self.app),
            ("status", &self.status),
            ("access", &self.access),
            ("home", &self.home),
            ("correlation", &self.correlation),
        ];
        for (name, value) in pairs {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
        if let Some(after) = after {
            query.append_pair("after", after);
        }
        format!("/portal/sign-ins?{}", query.finish())
    }
}

const ACCESS_TYPES: &[&str] = &[
    "none",
    "b2bCollaboration",
    "b2bDirectConnect",
    "microsoftSupport",
    "serviceProvider",
    "passthrough",
];

#[derive(Template)]
#[template(path = "portal/sign_ins.html")]
struct LogPage {
    chrome: Chrome,
    query: LogQuery,
    access_types: &'static [&'static str],
    rows: Vec<SignInRow>,
    next: Option<String>,
    first: Option<String>,
    error: Option<String>,
}

fn require(session: &Session) -> Result<(), PortalError> {
    if session.caller.administers(Operation::ListSignIns) {
        Ok(())
    } else {
        Err(GraphError::Forbidden.into())
    }
}

/// `GET /portal/sign-ins`.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<LogQuery>,
) -> Result<Response, PortalError> {
    require(&session)?;
    let listed = match query.filter() {
        Ok(filter) => {
            state
                .app
                .portal_list_sign_ins(&session.caller, &filter, query.after.as_deref(), PAGE_SIZE)
                .await
        }
        Err(error) => Err(error),
    };
    let (rows, next, error) = match listed {
        Ok(page) => (
            page.rows.iter().map(SignInRow::of).collect(),
            page.next.map(|cursor| query.link(Some(&cursor))),
            None,
        ),
        Err(GraphError::BadRequest { message, .. }) => (Vec::new(), None, Some(message)),
        Err(other) => return Err(other.into()),
    };
    Ok(render(&LogPage {
        chrome: Chrome::of(&state, &session, "sign-ins").await,
        first: query.after.as_ref().map(|_| query.link(None)),
        access_types: ACCESS_TYPES,
        rows,
        next,
        error,
        query,
    }))
}

#[derive(Template)]
#[template(path = "portal/sign_in.html")]
struct DetailsPage {
    chrome: Chrome,
    view: SignInView,
    row: SignInRow,
    props: Vec<(&'static str, String)>,
    responsible: Option<String>,
    correlation_url: String,
    diagnose_url: String,
}

fn text(value: Option<&String>) -> String {
    value.cloned().unwrap_or_else(|| "—".into())
}

fn properties(view: &SignInView) -> Vec<(&'static str, String)> {
    let r = &view.record;
    let id = |t: Option<portico_model::TenantId>| t.map_or_else(|| "—".into(), |t| t.to_string());
    vec![
        (
            "Date (UTC)",
            r.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        ),
        (
            "User",
            format!(
                "{} ({})",
                text(r.user_display_name.as_ref()),
                text(r.user_principal_name.as_ref())
            ),
        ),
        (
            "User type",
            r.user_type.map_or_else(|| "—".into(), |t| format!("{t:?}")),
        ),
        (
            "Application",
            format!(
                "{} ({})",
                text(r.app_display_name.as_ref()),
                r.app_id.map_or_else(|| "—".into(), |a| a.to_string())
            ),
        ),
        ("Resource", text(r.resource_display_name.as_ref())),
        ("IP address", text(r.ip_address.as_ref())),
        ("Client app", text(r.client_app_used.as_ref())),
        (
            "Cross-tenant access type",
            access_type_name(r.cross_tenant_access_type).to_owned(),
        ),
        ("Home tenant id", id(r.home_tenant_id)),
        ("Resource tenant id", r.resource_tenant_id.to_string()),
        ("Correlation id", r.correlation_id.to_string()),
        (
            "Conditional Access",
            text(r.conditional_access_status.as_ref()),
        ),
        (
            "Tenant restrictions",
            if r.is_tenant_restricted {
                "Applied"
            } else {
                "—"
            }
            .to_owned(),
        ),
    ]
}

/// `GET /portal/sign-ins/{id}`.
pub async fn details(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    require(&session)?;
    let view = state.app.graph_get_sign_in(&session.caller, &id).await?;
    let record = &view.record;
    let query = LogQuery {
        correlation: record.correlation_id.to_string(),
        ..LogQuery::default()
    };
    Ok(render(&DetailsPage {
        chrome: Chrome::of(&state, &session, "sign-ins").await,
        row: SignInRow::of(&view),
        props: properties(&view),
        responsible: view.additional_details.clone(),
        correlation_url: query.link(None),
        diagnose_url: diagnose_url(record),
        view,
    }))
}
