//! `/portal/deleted-users`: the deleted items of the tenant — users deleted in the last 30 days,
//! newest first, with when they were deleted and when they go for good — restored or deleted
//! permanently through the same use cases as Graph's `/directory/deletedItems`.

use super::{render, render_status, see_other, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use portico_app::directory::{DeletedQuery, GraphError, Operation};
use serde::Deserialize;

/// Graph keeps a deleted user restorable this long (the retention job purges it after).
const RETENTION_DAYS: i64 = 30;

pub struct DeletedRow {
    pub id: String,
    pub name: String,
    pub upn: String,
    pub user_type: String,
    pub deleted: String,
    pub purged: String,
}

#[derive(Template)]
#[template(path = "portal/deleted_users.html")]
struct DeletedPage {
    chrome: Chrome,
    users: Vec<DeletedRow>,
    can_restore: bool,
    can_purge: bool,
    notice: Option<&'static str>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    session: &Session,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<DeletedPage, PortalError> {
    let caller = &session.caller;
    if !caller.administers(Operation::ListDeletedUsers) {
        return Err(GraphError::Forbidden.into());
    }
    let users = state
        .app
        .graph_list_deleted_users(caller, &DeletedQuery::default())
        .await?;
    let day = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
    Ok(DeletedPage {
        chrome: Chrome::of(state, session, "deleted-users").await,
        users: users
            .iter()
            .map(|u| DeletedRow {
                id: u.id.to_string(),
                name: u.display_name.clone(),
                upn: u.user_principal_name.to_string(),
                user_type: format!("{:?}", u.user_type),
                deleted: u.deleted_at.map_or_else(String::new, day),
                purged: u.deleted_at.map_or_else(String::new, |at| {
                    day(at + chrono::Duration::days(RETENTION_DAYS))
                }),
            })
            .collect(),
        can_restore: caller.administers(Operation::RestoreDeletedItem),
        can_purge: caller.administers(Operation::PurgeDeletedItem),
        notice,
        error,
    })
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// `GET /portal/deleted-users`.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<Done>,
) -> Result<Response, PortalError> {
    let notice = q.done.as_deref().map(|what| match what {
        "purged" => "Deleted the user permanently. This cannot be undone.",
        _ => "Restored the user with the same id, properties and the groups and apps that still exist. They can sign in again.",
    });
    Ok(render(&page(&state, &session, notice, None).await?))
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    /// `restore` or `purge`.
    action: String,
    confirm: Option<String>,
}

/// `POST /portal/deleted-users/{id}`: restore, or delete permanently (confirmed).
pub async fn act(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PortalError> {
    session.check_csrf(&form.csrf)?;
    let caller = &session.caller;
    let outcome = match form.action.as_str() {
        "restore" => state
            .app
            .graph_restore_deleted_item(caller, &id)
            .await
            .map(|_| "restored"),
        "purge" if form.confirm.as_deref() == Some("yes") => state
            .app
            .graph_purge_deleted_item(caller, &id)
            .await
            .map(|()| "purged"),
        "purge" => Err(GraphError::bad_request(
            "Tick the confirmation to delete the user permanently.",
        )),
        _ => Err(GraphError::bad_request(
            "Choose restore or delete permanently.",
        )),
    };
    match outcome {
        Ok(done) => Ok(see_other(&format!("/portal/deleted-users?done={done}"))),
        Err(GraphError::BadRequest { message, .. }) => Ok(render_status(
            StatusCode::BAD_REQUEST,
            &page(&state, &session, None, Some(message)).await?,
        )),
        Err(other) => Err(other.into()),
    }
}
