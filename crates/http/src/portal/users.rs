//! The users table (`/portal/users`) and one user's page (`/portal/users/{id}`): the Graph use
//! cases for listing, reading and changing users, with the admin center's filters and Source.

use super::{render, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use portico_app::directory::{GraphError, Operation};
use portico_app::portal::{UserFilter, UserSource};
use portico_model::user::{User, UserType};
use portico_model::ObjectId;
use serde::Deserialize;

mod details;

pub use details::{act, details};

const PAGE_SIZE: usize = 50;

pub fn user_type_name(kind: UserType) -> &'static str {
    match kind {
        UserType::Member => "Member",
        UserType::Guest => "Guest",
    }
}

/// Graph's words for the invitation state (`externalUserState`), or a dash.
pub fn invitation_state(user: &User) -> &'static str {
    use portico_model::user::ExternalUserState;
    match user.external_user_state {
        Some(ExternalUserState::PendingAcceptance) => "PendingAcceptance",
        Some(ExternalUserState::Accepted) => "Accepted",
        None => "—",
    }
}

/// One row of the table.
pub struct Row {
    pub id: String,
    pub name: String,
    pub upn: String,
    pub user_type: &'static str,
    pub source: &'static str,
    pub state: &'static str,
    pub created: String,
}

impl Row {
    fn of(user: &User) -> Self {
        Self {
            id: user.id.to_string(),
            name: user.display_name.clone(),
            upn: user.user_principal_name.to_string(),
            user_type: user_type_name(user.user_type),
            source: UserSource::of(user).label(),
            state: invitation_state(user),
            created: user.created_at.format("%Y-%m-%d").to_string(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default, rename = "type")]
    user_type: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    creation: String,
    #[serde(default)]
    source: String,
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/users.html")]
struct UsersPage {
    chrome: Chrome,
    query: ListQuery,
    sources: Vec<(&'static str, &'static str)>,
    rows: Vec<Row>,
    next: Option<String>,
    first: Option<String>,
    error: Option<String>,
}

fn some(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl ListQuery {
    fn filter(&self) -> UserFilter {
        UserFilter {
            search: some(&self.q),
            user_type: some(&self.user_type),
            invitation_state: some(&self.state),
            creation_type: some(&self.creation),
            source: UserSource::from_key(&self.source),
        }
    }

    /// This query's link, starting after `after`.
    fn link(&self, after: Option<&str>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("q", &self.q),
            ("type", &self.user_type),
            ("state", &self.state),
            ("creation", &self.creation),
            ("source", &self.source),
        ] {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
        if let Some(after) = after {
            query.append_pair("after", after);
        }
        format!("/portal/users?{}", query.finish())
    }
}

/// `GET /portal/users`.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ListQuery>,
) -> Result<Response, PortalError> {
    if !session.caller.administers(Operation::ListUsers) {
        return Err(GraphError::Forbidden.into());
    }
    let after = query
        .after
        .as_deref()
        .map(ObjectId::parse)
        .transpose()
        .map_err(|_| GraphError::bad_request("The page link is not valid."))?;
    let listed = state
        .app
        .portal_list_users(&session.caller, &query.filter(), after, PAGE_SIZE)
        .await;
    let (rows, next, error) = match listed {
        Ok(page) => (
            page.users.iter().map(Row::of).collect(),
            page.next.map(|id| query.link(Some(&id.to_string()))),
            None,
        ),
        Err(GraphError::BadRequest { message, .. }) => (Vec::new(), None, Some(message)),
        Err(other) => return Err(other.into()),
    };
    Ok(render(&UsersPage {
        chrome: Chrome::of(&state, &session, "users").await,
        first: query.after.as_ref().map(|_| query.link(None)),
        sources: UserSource::ALL
            .iter()
            .map(|s| (s.key(), s.label()))
            .collect(),
        rows,
        next,
        error,
        query,
    }))
}
