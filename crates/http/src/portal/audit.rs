//! `/portal/audit`: the tenant's audit log (every directory change) with filters for date,
//! category, activity, who initiated it and result — Graph's `directoryAudits` use case.

use super::{render, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use portico_app::directory::{AuditView, GraphError, Operation};
use portico_model::logs::Actor;
use portico_odata::{parse_query, RawQuery, DIRECTORY_AUDIT};
use serde::Deserialize;

const PAGE_SIZE: u32 = 50;
const CATEGORIES: &[&str] = &[
    "UserManagement",
    "GroupManagement",
    "ContactManagement",
    "ApplicationManagement",
    "RoleManagement",
    "Policy",
];

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    activity: String,
    #[serde(default)]
    by: String,
    #[serde(default)]
    result: String,
    after: Option<String>,
}

pub struct AuditRow {
    pub time: String,
    pub category: String,
    pub activity: String,
    pub by: String,
    pub targets: String,
    pub success: bool,
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.trim().replace('\'', "''"))
}

impl AuditQuery {
    fn odata(&self) -> Option<String> {
        let mut terms = Vec::new();
        let date = |d: &str, time: &str| format!("{}T{time}Z", d.trim());
        if !self.from.trim().is_empty() {
            terms.push(format!(
                "activityDateTime ge {}",
                date(&self.from, "00:00:00")
            ));
        }
        if !self.to.trim().is_empty() {
            terms.push(format!(
                "activityDateTime le {}",
                date(&self.to, "23:59:59")
            ));
        }
        if !self.category.is_empty() {
            terms.push(format!("category eq {}", quoted(&self.category)));
        }
        if !self.activity.trim().is_empty() {
            terms.push(format!(
                "startsWith(activityDisplayName,{})",
                quoted(&self.activity)
            ));
        }
        if !self.by.trim().is_empty() {
            terms.push(format!(
                "startsWith(initiatedBy/user/userPrincipalName,{})",
                quoted(&self.by)
            ));
        }
        if !self.result.is_empty() {
            terms.push(format!("result eq {}", quoted(&self.result)));
        }
        (!terms.is_empty()).then(|| terms.join(" and "))
    }

    fn link(&self, after: Option<&str>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("from", &self.from),
            ("to", &self.to),
            ("category", &self.category),
            ("activity", &self.activity),
            ("by", &self.by),
            ("result", &self.result),
        ] {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
        if let Some(after) = after {
            query.append_pair("after", after);
        }
        format!("/portal/audit?{}", query.finish())
    }
}

fn row(view: &AuditView) -> AuditRow {
    let r = &view.record;
    AuditRow {
        time: r.activity_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        category: r.category.clone(),
        activity: r.activity.clone(),
        by: match &r.initiated_by {
            Actor::User {
                user_principal_name,
                ..
            } => user_principal_name.clone(),
            Actor::App { display_name, .. } => format!("{display_name} (app)"),
            Actor::System { what } => format!("Portico ({what})"),
        },
        targets: r
            .targets
            .iter()
            .map(|t| t.display_name.clone().unwrap_or_else(|| t.id.clone()))
            .collect::<Vec<_>>()
            .join(", "),
        success: r.success,
    }
}

#[derive(Template)]
#[template(path = "portal/audit.html")]
struct AuditPage {
    chrome: Chrome,
    query: AuditQuery,
    categories: &'static [&'static str],
    rows: Vec<AuditRow>,
    next: Option<String>,
    error: Option<String>,
}

/// `GET /portal/audit`.
pub async fn audit(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PortalError> {
    if !session.caller.administers(Operation::ListDirectoryAudits) {
        return Err(GraphError::Forbidden.into());
    }
    let raw = RawQuery {
        filter: query.odata(),
        top: Some(PAGE_SIZE.to_string()),
        ..RawQuery::default()
    };
    let listed = match parse_query(&DIRECTORY_AUDIT, &raw, false) {
        Ok(options) => {
            state
                .app
                .graph_list_directory_audits(&session.caller, &options, query.after.as_deref())
                .await
        }
        Err(error) => Err(GraphError::bad_request(error.to_string())),
    };
    let (rows, next, error) = match listed {
        Ok(listing) => (
            listing.items.iter().map(row).collect(),
            listing.next.map(|cursor| query.link(Some(&cursor))),
            None,
        ),
        Err(GraphError::BadRequest { message, .. }) => (Vec::new(), None, Some(message)),
        Err(other) => return Err(other.into()),
    };
    Ok(render(&AuditPage {
        chrome: Chrome::of(&state, &session, "audit").await,
        categories: CATEGORIES,
        rows,
        next,
        error,
        query,
    }))
}
