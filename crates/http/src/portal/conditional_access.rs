//! `/portal/conditional-access`: the tenant's Conditional Access policies with their conditions
//! and controls in words, and each one's state (on, report-only, off) changed through the Graph
//! use case. Creating, editing and deleting a policy is `policy_editor.rs`.

use super::{render, see_other, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use portico_app::directory::{GraphError, Operation, PolicyPatch};
use portico_model::conditional_access::{ConditionalAccessPolicy, PolicyState};
use serde::Deserialize;

pub struct PolicyRow {
    pub id: String,
    pub name: String,
    pub state: &'static str,
    pub conditions: Vec<String>,
    pub grant: String,
}

fn state_key(state: PolicyState) -> &'static str {
    match state {
        PolicyState::Enabled => "enabled",
        PolicyState::EnabledForReportingButNotEnforced => "reportOnly",
        PolicyState::Disabled => "disabled",
    }
}

fn list(name: &str, include: &[String], exclude: &[String]) -> Option<String> {
    if include.is_empty() && exclude.is_empty() {
        return None;
    }
    let mut text = format!("{name}: {}", include.join(", "));
    if !exclude.is_empty() {
        text.push_str(&format!(" (except {})", exclude.join(", ")));
    }
    Some(text)
}

fn row(policy: &ConditionalAccessPolicy) -> PolicyRow {
    let c = &policy.conditions;
    let mut conditions: Vec<String> = [
        list("Users", &c.users.include_users, &c.users.exclude_users),
        list("Groups", &c.users.include_groups, &c.users.exclude_groups),
        list("Roles", &c.users.include_roles, &c.users.exclude_roles),
        c.users
            .include_guests_or_external_users
            .as_ref()
            .map(|g| format!("Guest types: {:?}", g.guest_or_external_user_types)),
        list(
            "Applications",
            &c.applications.include_applications,
            &c.applications.exclude_applications,
        ),
        c.locations
            .as_ref()
            .and_then(|l| list("Locations", &l.include_locations, &l.exclude_locations)),
        (!c.client_app_types.is_empty())
            .then(|| format!("Client apps: {}", c.client_app_types.join(", "))),
        (!c.user_risk_levels.is_empty()).then(|| {
            format!(
                "User risk: {}",
                c.user_risk_levels
                    .iter()
                    .map(|r| r.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }),
        (!c.sign_in_risk_levels.is_empty()).then(|| {
            format!(
                "Sign-in risk: {}",
                c.sign_in_risk_levels
                    .iter()
                    .map(|r| r.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    if conditions.is_empty() {
        conditions.push("No conditions".into());
    }
    conditions.extend(session_summary(policy));
    let grant = policy.grant_controls.as_ref().map_or_else(
        || "No grant controls".to_owned(),
        |g| {
            let mut controls: Vec<String> = g
                .built_in_controls
                .iter()
                .map(|c| format!("{c:?}"))
                .collect();
            controls.extend(g.terms_of_use.iter().map(|t| format!("terms of use {t}")));
            format!("{:?} of: {}", g.operator, controls.join(", "))
        },
    );
    PolicyRow {
        id: policy.id.to_string(),
        name: policy.display_name.clone(),
        state: state_key(policy.state),
        conditions,
        grant,
    }
}

/// The policy's session controls in words, one line each.
fn session_summary(policy: &ConditionalAccessPolicy) -> Vec<String> {
    use portico_model::conditional_access::FrequencyInterval;
    let Some(session) = policy.session_controls else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    if let Some(frequency) = session.sign_in_frequency.filter(|f| f.is_enabled) {
        lines.push(match frequency.interval {
            FrequencyInterval::TimeBased { value, unit } => {
                format!("Sign-in frequency: every {value} {}", unit.name())
            }
            FrequencyInterval::EveryTime => "Sign-in frequency: every time".to_owned(),
        });
    }
    if let Some(browser) = session.persistent_browser.filter(|b| b.is_enabled) {
        lines.push(format!(
            "Persistent browser session: {}",
            browser.mode.name()
        ));
    }
    lines
}

#[derive(Template)]
#[template(path = "portal/conditional_access.html")]
struct PoliciesPage {
    chrome: Chrome,
    policies: Vec<PolicyRow>,
    can_edit: bool,
    can_create: bool,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `GET /portal/conditional-access`.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PortalError> {
    if !session
        .caller
        .administers(Operation::ListConditionalAccessPolicies)
    {
        return Err(GraphError::Forbidden.into());
    }
    let policies = state
        .app
        .graph_list_conditional_access_policies(&session.caller)
        .await?;
    Ok(render(&PoliciesPage {
        chrome: Chrome::of(&state, &session, "conditional-access").await,
        policies: policies.iter().map(row).collect(),
        can_edit: session
            .caller
            .administers(Operation::UpdateConditionalAccessPolicy),
        can_create: session
            .caller
            .administers(Operation::CreateConditionalAccessPolicy),
        notice: q.saved.as_deref().map(|what| match what {
            "policy" => "Saved the policy. The next sign-ins are evaluated with it.",
            "deleted" => "Deleted the policy.",
            _ => "Saved the policy's state. The next sign-ins are evaluated with it.",
        }),
    }))
}

#[derive(Deserialize)]
pub struct StateForm {
    csrf: String,
    state: String,
}

/// `POST /portal/conditional-access/{id}`: the policy's state.
pub async fn set_state(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<StateForm>,
) -> Result<Response, PortalError> {
    session.check_csrf(&form.csrf)?;
    let new_state = match form.state.as_str() {
        "enabled" => PolicyState::Enabled,
        "reportOnly" => PolicyState::EnabledForReportingButNotEnforced,
        "disabled" => PolicyState::Disabled,
        _ => return Err(GraphError::bad_request("Choose on, report-only or off.").into()),
    };
    let patch = PolicyPatch {
        state: Some(new_state),
        ..PolicyPatch::default()
    };
    state
        .app
        .graph_update_conditional_access_policy(&session.caller, &id, patch)
        .await?;
    Ok(see_other("/portal/conditional-access?saved=1"))
}
