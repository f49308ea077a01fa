//! `/portal/conditional-access/new` and `/portal/conditional-access/{id}/edit`: a Conditional
//! Access policy's every condition and control the engine evaluates, as one form. The form's
//! fields are Graph property paths; a post becomes the same `PolicyBody` a Graph client sends and
//! goes through the same use case, so a refusal is the same `Invalid {property, message}`, shown
//! next to its field. Deleting asks for a confirmation.

use super::form::{csrf_of, error_at, form_error, ConfirmForm, FormValues};
use super::{render, render_status, see_other, Chrome, PortalError, Session};
use crate::graph::conditional_access::policy_patch;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use portico_app::directory::{GraphError, Operation};
use portico_model::Invalid;
use portico_wire::graph::conditional_access::{policy_body_from_form, policy_form_pairs};

type Choices = &'static [(&'static str, &'static str)];

const GUEST_TYPES: Choices = &[
    ("b2bCollaborationGuest", "B2B collaboration guest users"),
    ("b2bCollaborationMember", "B2B collaboration member users"),
    ("b2bDirectConnectUser", "B2B direct connect users"),
    ("internalGuest", "Local guest users"),
    ("serviceProvider", "Service provider users"),
    ("otherExternalUser", "Other external users"),
];
const CLIENT_APP_TYPES: Choices = &[
    ("all", "All client apps"),
    ("browser", "Browser"),
    (
        "mobileAppsAndDesktopClients",
        "Mobile apps and desktop clients",
    ),
    ("exchangeActiveSync", "Exchange ActiveSync clients"),
    ("other", "Other clients"),
];
const PLATFORMS: Choices = &[
    ("all", "Any device"),
    ("android", "Android"),
    ("iOS", "iOS"),
    ("windows", "Windows"),
    ("windowsPhone", "Windows Phone"),
    ("macOS", "macOS"),
    ("linux", "Linux"),
];
const RISK_LEVELS: Choices = &[
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
    ("none", "No risk"),
];
const CONTROLS: Choices = &[
    ("block", "Block access (alone)"),
    ("mfa", "Require multifactor authentication"),
    (
        "compliantDevice",
        "Require device to be marked as compliant",
    ),
    (
        "domainJoinedDevice",
        "Require Microsoft Entra hybrid joined device",
    ),
    ("approvedApplication", "Require approved client app"),
    ("compliantApplication", "Require app protection policy"),
    ("passwordChange", "Require password change"),
];

#[derive(Template)]
#[template(path = "portal/policy_editor.html")]
struct EditorPage {
    chrome: Chrome,
    /// `None` for a new policy.
    id: Option<String>,
    values: FormValues,
    error: Option<Invalid>,
    /// The tenant's named locations and agreements: `(id, name)`.
    locations: Vec<(String, String)>,
    terms: Vec<(String, String)>,
    can_delete: bool,
    guest_types: Choices,
    client_app_types: Choices,
    platforms: Choices,
    risk_levels: Choices,
    controls: Choices,
}

impl EditorPage {
    fn error_at(&self, prefix: &str) -> Option<&str> {
        error_at(&self.error, prefix)
    }
}

async fn editor(
    state: &AppState,
    session: &Session,
    id: Option<String>,
    values: FormValues,
    error: Option<Invalid>,
) -> Result<EditorPage, PortalError> {
    let caller = &session.caller;
    let wanted = if id.is_some() {
        Operation::UpdateConditionalAccessPolicy
    } else {
        Operation::CreateConditionalAccessPolicy
    };
    if !caller.administers(wanted) {
        return Err(GraphError::Forbidden.into());
    }
    let locations = state.app.graph_list_named_locations(caller).await?;
    let terms = state.app.graph_list_agreements(caller).await?;
    Ok(EditorPage {
        chrome: Chrome::of(state, session, "conditional-access").await,
        can_delete: id.is_some() && caller.administers(Operation::DeleteConditionalAccessPolicy),
        id,
        values,
        error,
        locations: locations
            .iter()
            .map(|l| (l.id.to_string(), l.display_name.clone()))
            .collect(),
        terms: terms
            .iter()
            .map(|t| (t.id.to_string(), t.display_name.clone()))
            .collect(),
        guest_types: GUEST_TYPES,
        client_app_types: CLIENT_APP_TYPES,
        platforms: PLATFORMS,
        risk_levels: RISK_LEVELS,
        controls: CONTROLS,
    })
}

/// A new policy starts report-only, for all applications, requiring MFA (as Entra's does).
fn new_policy_values() -> FormValues {
    let pair = |n: &str, v: &str| (n.to_owned(), v.to_owned());
    FormValues::new(vec![
        pair("state", "enabledForReportingButNotEnforced"),
        pair("conditions.applications.includeApplications", "All"),
        pair("grantControls.operator", "OR"),
        pair("grantControls.builtInControls", "mfa"),
    ])
}

/// `GET /portal/conditional-access/new`.
pub async fn new_form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, PortalError> {
    Ok(render(
        &editor(&state, &session, None, new_policy_values(), None).await?,
    ))
}

/// `GET /portal/conditional-access/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let policy = state
        .app
        .graph_get_conditional_access_policy(&session.caller, &id)
        .await?;
    let values = FormValues::new(policy_form_pairs(&policy));
    Ok(render(
        &editor(&state, &session, Some(id), values, None).await?,
    ))
}

/// Runs the form through Graph's body and the use case: `Ok` when saved.
async fn save(
    state: &AppState,
    session: &Session,
    id: Option<&str>,
    pairs: &[(String, String)],
) -> Result<(), GraphError> {
    let patch = policy_patch(policy_body_from_form(pairs).into_fields()?);
    let caller = &session.caller;
    match id {
        None => state
            .app
            .graph_create_conditional_access_policy(caller, patch)
            .await
            .map(|_| ()),
        Some(id) => {
            state
                .app
                .graph_update_conditional_access_policy(caller, id, patch)
                .await
        }
    }
}

async fn submit(
    state: AppState,
    session: Session,
    id: Option<String>,
    pairs: Vec<(String, String)>,
) -> Result<Response, PortalError> {
    session.check_csrf(csrf_of(&pairs))?;
    match save(&state, &session, id.as_deref(), &pairs).await {
        Ok(()) => Ok(see_other("/portal/conditional-access?saved=policy")),
        Err(error) => {
            let invalid = form_error(error)?;
            let page = editor(&state, &session, id, FormValues::new(pairs), Some(invalid)).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
    }
}

/// `POST /portal/conditional-access/new`.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PortalError> {
    submit(state, session, None, pairs).await
}

/// `POST /portal/conditional-access/{id}/edit`.
pub async fn update(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PortalError> {
    submit(state, session, Some(id), pairs).await
}

/// `POST /portal/conditional-access/{id}/delete`: only with the confirmation ticked.
pub async fn delete(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PortalError> {
    form.check(&session, "delete the policy")?;
    state
        .app
        .graph_delete_conditional_access_policy(&session.caller, &id)
        .await?;
    Ok(see_other("/portal/conditional-access?saved=deleted"))
}
