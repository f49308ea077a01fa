//! `/portal/invite`: one invitation through the Graph use case (the checks of `decisions.md` 2,
//! in order), showing the redeem link, the warnings and any refusal with its explanation; and
//! `/portal/outbox` (dev mode): the messages Portico queued, with their links and passcodes.

use super::{render, render_status, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use portico_app::b2b::InvitationRequest;
use portico_app::directory::{GraphError, Operation};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    redirect_url: String,
    #[serde(default)]
    send_message: Option<String>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    cc: String,
    #[serde(default)]
    user_type: String,
}

/// What an invitation did.
pub struct Sent {
    pub user_id: String,
    pub user_name: String,
    pub status: &'static str,
    pub redeem_url: String,
    pub mailed: bool,
    pub warnings: Vec<String>,
}

/// Why it was refused: the reason code Graph returns and its explanation.
pub struct Refusal {
    pub reason: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "portal/invite.html")]
struct InvitePage {
    chrome: Chrome,
    form: InviteForm,
    send_checked: bool,
    sent: Option<Sent>,
    refusal: Option<Refusal>,
    can_view_users: bool,
}

fn refusal(error: &GraphError) -> Refusal {
    let reason = match error {
        GraphError::Denied { reason, .. } => (*reason).to_owned(),
        GraphError::BadRequest { reason, code, .. } => reason.unwrap_or(code).to_owned(),
        GraphError::Conflict { code, .. } => (*code).to_owned(),
        GraphError::Invalid(invalid) => invalid.property.clone(),
        GraphError::Forbidden => "Authorization_RequestDenied".to_owned(),
        GraphError::NotFound(_) | GraphError::Internal(_) => String::new(),
    };
    Refusal {
        reason,
        message: error.to_string(),
    }
}

fn require(session: &Session) -> Result<(), PortalError> {
    if session.caller.administers(Operation::Invite) {
        Ok(())
    } else {
        Err(GraphError::Forbidden.into())
    }
}

async fn page(
    state: &AppState,
    session: &Session,
    form: InviteForm,
    send_checked: bool,
) -> InvitePage {
    InvitePage {
        chrome: Chrome::of(state, session, "invite").await,
        form,
        send_checked,
        sent: None,
        refusal: None,
        can_view_users: session.caller.administers(Operation::GetUser),
    }
}

/// `GET /portal/invite`.
pub async fn form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, PortalError> {
    require(&session)?;
    let form = InviteForm {
        redirect_url: state.app.tenant_link(&session.tenant),
        user_type: "Guest".into(),
        ..InviteForm::default()
    };
    Ok(render(&page(&state, &session, form, true).await))
}

fn request_of(form: &InviteForm) -> InvitationRequest {
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    InvitationRequest {
        invited_user_email_address: text(&form.email),
        invited_user_display_name: text(&form.display_name),
        invite_redirect_url: text(&form.redirect_url),
        send_invitation_message: form.send_message.is_some(),
        cc_recipients: text(&form.cc).into_iter().collect(),
        customized_message_body: text(&form.message),
        invited_user_type: text(&form.user_type),
        ..InvitationRequest::default()
    }
}

/// `POST /portal/invite`.
pub async fn send(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<InviteForm>,
) -> Result<Response, PortalError> {
    session.check_csrf(&form.csrf)?;
    require(&session)?;
    let outcome = state.app.invite(&session.caller, request_of(&form)).await;
    let send_checked = form.send_message.is_some();
    match outcome {
        Ok(outcome) => {
            let warnings = state
                .app
                .invitation_warnings(&outcome.invitation.invited_email)
                .await;
            let mut page = page(&state, &session, form, send_checked).await;
            page.sent = Some(Sent {
                user_id: outcome.user.id.to_string(),
                user_name: outcome.user.display_name.clone(),
                status: outcome.status,
                redeem_url: outcome.invite_redeem_url,
                mailed: outcome.send_invitation_message,
                warnings,
            });
            Ok(render(&page))
        }
        Err(GraphError::Internal(message)) => Err(PortalError::internal(message)),
        Err(error) => {
            let mut page = page(&state, &session, form, send_checked).await;
            page.refusal = Some(refusal(&error));
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
    }
}

/// One message of the outbox.
pub struct Message {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub links: Vec<String>,
    pub sent: String,
    pub delivered: String,
}

#[derive(Template)]
#[template(path = "portal/outbox.html")]
struct OutboxPage {
    chrome: Chrome,
    messages: Vec<Message>,
}

/// `GET /portal/outbox` (dev mode only, like the control API it mirrors: open, every tenant's).
pub async fn outbox(
    State(state): State<AppState>,
    session: Result<Session, PortalError>,
) -> Result<Response, PortalError> {
    let chrome = match &session {
        Ok(session) => Chrome::of(&state, session, "outbox").await,
        Err(_) => Chrome::public(&state, "outbox"),
    };
    let messages = state
        .app
        .outbox(None, 100)
        .await
        .map_err(PortalError::internal)?;
    let messages = messages
        .into_iter()
        .map(|m| Message {
            to: m
                .to
                .iter()
                .chain(&m.cc)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            subject: m.subject,
            text: m.text,
            links: m.links,
            sent: m.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            delivered: match (m.delivered_at, m.last_error) {
                (Some(at), _) => format!("Delivered {}", at.format("%H:%M:%S")),
                (None, Some(error)) => format!("Not delivered: {error}"),
                (None, None) => "Kept in the outbox (no SMTP relay)".into(),
            },
        })
        .collect();
    Ok(render(&OutboxPage { chrome, messages }))
}
