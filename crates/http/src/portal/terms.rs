//! `/portal/terms-of-use`: the tenant's agreements (Graph's terms of use) listed, created and
//! deleted — as Graph allows, no editing. The form becomes the same `AgreementBody` a Graph
//! client sends (the text as the file's base64 data) and goes through the same use case.

use super::form::{error_at, form_error, ConfirmForm};
use super::{render, render_status, see_other, Chrome, PortalError, Session};
use crate::graph::terms::new_agreement;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use base64::Engine;
use portico_app::directory::{GraphError, Operation};
use portico_model::conditional_access::TermsOfUse;
use portico_model::Invalid;
use portico_wire::graph::terms::AgreementBody;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "portal/terms.html")]
struct TermsPage {
    chrome: Chrome,
    agreements: Vec<TermsOfUse>,
    can_create: bool,
    can_delete: bool,
    notice: Option<&'static str>,
    form: NewForm,
    error: Option<Invalid>,
}

impl TermsPage {
    fn error_at(&self, prefix: &str) -> Option<&str> {
        error_at(&self.error, prefix)
    }
}

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    text: String,
    viewing_required: Option<String>,
}

async fn page(
    state: &AppState,
    session: &Session,
    notice: Option<&'static str>,
    form: NewForm,
    error: Option<Invalid>,
) -> Result<TermsPage, PortalError> {
    let caller = &session.caller;
    if !caller.administers(Operation::ListAgreements) {
        return Err(GraphError::Forbidden.into());
    }
    Ok(TermsPage {
        chrome: Chrome::of(state, session, "conditional-access").await,
        agreements: state.app.graph_list_agreements(caller).await?,
        can_create: caller.administers(Operation::CreateAgreement),
        can_delete: caller.administers(Operation::DeleteAgreement),
        notice,
        form,
        error,
    })
}

#[derive(Deserialize, Default)]
pub struct Saved {
    saved: Option<String>,
}

/// `GET /portal/terms-of-use`.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<Saved>,
) -> Result<Response, PortalError> {
    let notice = q.saved.as_deref().map(|what| match what {
        "deleted" => "Deleted the terms of use.",
        _ => {
            "Created the terms of use. A policy can now require them (grant: accept terms of use)."
        }
    });
    Ok(render(
        &page(&state, &session, notice, NewForm::default(), None).await?,
    ))
}

/// `POST /portal/terms-of-use`: a new agreement.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<NewForm>,
) -> Result<Response, PortalError> {
    session.check_csrf(&form.csrf)?;
    let data = base64::engine::general_purpose::STANDARD.encode(form.text.as_bytes());
    let body = AgreementBody::from_form(&form.name, data, form.viewing_required.is_some());
    let outcome = match body.into_fields() {
        Ok(fields) => state
            .app
            .graph_create_agreement(&session.caller, new_agreement(fields))
            .await
            .map(|_| ()),
        Err(invalid) => Err(invalid.into()),
    };
    match outcome {
        Ok(()) => Ok(see_other("/portal/terms-of-use?saved=1")),
        Err(error) => {
            let invalid = form_error(error)?;
            let page = page(&state, &session, None, form, Some(invalid)).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
    }
}

/// `POST /portal/terms-of-use/{id}/delete`: refused (and said why) while a policy requires it.
pub async fn delete(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PortalError> {
    form.check(&session, "delete the terms of use")?;
    match state.app.graph_delete_agreement(&session.caller, &id).await {
        Ok(()) => Ok(see_other("/portal/terms-of-use?saved=deleted")),
        Err(error) => {
            let invalid = form_error(error)?;
            let page = page(&state, &session, None, NewForm::default(), Some(invalid)).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
    }
}
