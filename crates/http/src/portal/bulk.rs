//! `/portal/invite/bulk`: bulk invitation from the admin center's CSV template. The results
//! page is streamed: its top first, then one table row per invitation as it completes, then
//! the summary — live progress without JavaScript, and without keeping a job on the server.

use super::{render, render_status, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use portico_app::directory::{GraphError, Operation};
use portico_app::portal::{parse_bulk_csv, BulkRow, BULK_TEMPLATE, MAX_ROWS};
use std::convert::Infallible;

/// Where the rows go in the streamed page.
const ROWS_MARK: &str = "<!--bulk-rows-->";

#[derive(Template)]
#[template(path = "portal/bulk.html")]
struct BulkPage {
    chrome: Chrome,
    max_rows: usize,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/bulk_results.html")]
struct ResultsPage {
    chrome: Chrome,
    total: usize,
    mark: &'static str,
}

#[derive(Template)]
#[template(path = "portal/bulk_row.html")]
struct RowResult<'a> {
    line: usize,
    email: &'a str,
    ok: bool,
    status: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "portal/bulk_summary.html")]
struct Summary {
    invited: usize,
    refused: usize,
}

fn require(session: &Session) -> Result<(), PortalError> {
    if session.caller.administers(Operation::Invite) {
        Ok(())
    } else {
        Err(GraphError::Forbidden.into())
    }
}

/// `GET /portal/invite/bulk`.
pub async fn form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, PortalError> {
    require(&session)?;
    Ok(render(&BulkPage {
        chrome: Chrome::of(&state, &session, "invite").await,
        max_rows: MAX_ROWS,
        error: None,
    }))
}

/// `GET /portal/invite/bulk/template.csv`.
pub async fn template() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"BulkInviteTemplate.csv\"",
            ),
        ],
        BULK_TEMPLATE,
    )
        .into_response()
}

/// Why an upload could not be read; the page shows the message.
#[derive(Debug, thiserror::Error)]
enum UploadError {
    #[error("The upload could not be read: {0}")]
    Unreadable(#[from] axum::extract::multipart::MultipartError),
    #[error("The file is not UTF-8 text: save it as CSV UTF-8.")]
    NotUtf8,
    #[error("Choose a CSV file.")]
    NoFile,
}

/// The form's fields: the CSRF value and the file's text.
async fn read_upload(mut multipart: Multipart) -> Result<(String, String), UploadError> {
    let (mut csrf, mut file) = (String::new(), None);
    while let Some(field) = multipart.next_field().await? {
        match field.name() {
            Some("csrf") => csrf = field.text().await?,
            Some("file") => {
                file = Some(field.text().await.map_err(|_| UploadError::NotUtf8)?);
            }
            _ => {}
        }
    }
    Ok((csrf, file.ok_or(UploadError::NoFile)?))
}

async fn refuse(
    state: &AppState,
    session: &Session,
    message: String,
) -> Result<Response, PortalError> {
    let page = BulkPage {
        chrome: Chrome::of(state, session, "invite").await,
        max_rows: MAX_ROWS,
        error: Some(message),
    };
    Ok(render_status(StatusCode::BAD_REQUEST, &page))
}

/// `POST /portal/invite/bulk`: the rows, invited one by one while the page streams.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    multipart: Multipart,
) -> Result<Response, PortalError> {
    require(&session)?;
    let (csrf, text) = match read_upload(multipart).await {
        Ok(found) => found,
        Err(error) => return refuse(&state, &session, error.to_string()).await,
    };
    session.check_csrf(&csrf)?;
    let rows = match parse_bulk_csv(&text) {
        Ok(rows) => rows,
        Err(invalid) => return refuse(&state, &session, invalid.message).await,
    };
    let page = ResultsPage {
        chrome: Chrome::of(&state, &session, "invite").await,
        total: rows.len(),
        mark: ROWS_MARK,
    };
    let html = page.render().map_err(PortalError::internal)?;
    let (top, bottom) = html
        .split_once(ROWS_MARK)
        .ok_or_else(|| PortalError::internal("no rows mark"))?;
    let (top, bottom) = (top.to_owned(), bottom.to_owned());
    let chunks = stream::unfold(
        Progress::Top {
            top,
            rows,
            state,
            session,
            bottom,
        },
        next_chunk,
    );
    let mut response = Response::new(Body::from_stream(chunks));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    crate::pages::security_headers(response.headers_mut(), None, None);
    Ok(response)
}

/// Where the streamed page is.
enum Progress {
    Top {
        top: String,
        rows: Vec<BulkRow>,
        state: AppState,
        session: Session,
        bottom: String,
    },
    Rows {
        rows: std::vec::IntoIter<BulkRow>,
        state: AppState,
        session: Session,
        bottom: String,
        invited: usize,
        refused: usize,
    },
    Done,
}

async fn next_chunk(progress: Progress) -> Option<(Result<String, Infallible>, Progress)> {
    match progress {
        Progress::Top {
            top,
            rows,
            state,
            session,
            bottom,
        } => Some((
            Ok(top),
            Progress::Rows {
                rows: rows.into_iter(),
                state,
                session,
                bottom,
                invited: 0,
                refused: 0,
            },
        )),
        Progress::Rows {
            mut rows,
            state,
            session,
            bottom,
            mut invited,
            mut refused,
        } => {
            let Some(row) = rows.next() else {
                let summary = Summary { invited, refused }.render().unwrap_or_default();
                return Some((Ok(format!("{summary}{bottom}")), Progress::Done));
            };
            let result = match state.app.bulk_invite_row(&session.caller, &row).await {
                Ok(outcome) => {
                    invited += 1;
                    RowResult {
                        line: row.line,
                        email: &row.email,
                        ok: true,
                        status: outcome.status.to_owned(),
                        detail: outcome.invite_redeem_url,
                    }
                }
                Err(error) => {
                    refused += 1;
                    RowResult {
                        line: row.line,
                        email: &row.email,
                        ok: false,
                        status: "Refused".into(),
                        detail: error.to_string(),
                    }
                }
            };
            let chunk = result.render().unwrap_or_default();
            Some((
                Ok(chunk),
                Progress::Rows {
                    rows,
                    state,
                    session,
                    bottom,
                    invited,
                    refused,
                },
            ))
        }
        Progress::Done => None,
    }
}
