//! `/portal/settings/collaboration`: external collaboration settings — guest access level and
//! who may invite (the authorization policy's use case), then e-mail one-time passcode,
//! invitation lifetime, redirect URL restriction and the domain allow/deny list. Two forms,
//! each one transaction.

use super::{render, render_status, see_other, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use portico_app::directory::{AuthorizationPolicyPatch, GraphError, Operation};
use portico_app::portal::CollaborationPatch;
use portico_model::settings::{AllowInvitesFrom, DomainRestriction, GuestAccessLevel};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "portal/collaboration.html")]
struct SettingsPage {
    chrome: Chrome,
    can_edit: bool,
    guest_access: &'static str,
    invites_from: &'static str,
    otp: bool,
    lifetime: String,
    restrict_redirects: bool,
    domain_mode: &'static str,
    domains: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

fn guest_access_key(level: GuestAccessLevel) -> &'static str {
    match level {
        GuestAccessLevel::SameAsMembers => "same",
        GuestAccessLevel::Limited => "limited",
        GuestAccessLevel::Restricted => "restricted",
    }
}

fn invites_key(from: AllowInvitesFrom) -> &'static str {
    match from {
        AllowInvitesFrom::None => "none",
        AllowInvitesFrom::AdminsAndGuestInviters => "adminsAndGuestInviters",
        AllowInvitesFrom::AdminsGuestInvitersAndAllMembers => "adminsGuestInvitersAndAllMembers",
        AllowInvitesFrom::Everyone => "everyone",
    }
}

async fn page(
    state: &AppState,
    session: &Session,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<SettingsPage, PortalError> {
    if !session
        .caller
        .administers(Operation::GetAuthorizationPolicy)
    {
        return Err(GraphError::Forbidden.into());
    }
    let policy = state
        .app
        .graph_authorization_policy(&session.caller)
        .await?;
    let collaboration = state.app.collaboration_settings(&session.caller).await?;
    let (domain_mode, domains) = match &collaboration.domain_restriction {
        DomainRestriction::AllowAll => ("allowAll", Vec::new()),
        DomainRestriction::AllowOnly(list) => ("allowOnly", list.clone()),
        DomainRestriction::Block(list) => ("block", list.clone()),
    };
    Ok(SettingsPage {
        chrome: Chrome::of(state, session, "collaboration").await,
        can_edit: session
            .caller
            .administers(Operation::UpdateAuthorizationPolicy),
        guest_access: guest_access_key(policy.guest_access),
        invites_from: invites_key(policy.allow_invites_from),
        otp: collaboration.email_otp_enabled,
        lifetime: collaboration
            .invitation_lifetime_days
            .map_or_else(String::new, |d| d.to_string()),
        restrict_redirects: collaboration.restrict_invite_redirect_urls,
        domain_mode,
        domains: domains
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        notice,
        error,
    })
}

#[derive(Deserialize, Default)]
pub struct Saved {
    saved: Option<String>,
}

/// `GET /portal/settings/collaboration`.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<Saved>,
) -> Result<Response, PortalError> {
    let notice = q
        .saved
        .map(|_| "Saved. New invitations and sign-ins follow these settings.");
    Ok(render(&page(&state, &session, notice, None).await?))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    csrf: String,
    section: String,
    #[serde(default)]
    guest_access: String,
    #[serde(default)]
    invites_from: String,
    #[serde(default)]
    otp: Option<String>,
    #[serde(default)]
    lifetime: String,
    #[serde(default)]
    restrict_redirects: Option<String>,
    #[serde(default)]
    domain_mode: String,
    #[serde(default)]
    domains: String,
}

fn authorization_patch(form: &SettingsForm) -> Result<AuthorizationPolicyPatch, GraphError> {
    let level = match form.guest_access.as_str() {
        "same" => GuestAccessLevel::SameAsMembers,
        "limited" => GuestAccessLevel::Limited,
        "restricted" => GuestAccessLevel::Restricted,
        _ => return Err(GraphError::bad_request("Choose a guest access level.")),
    };
    let from = match form.invites_from.as_str() {
        "none" => AllowInvitesFrom::None,
        "adminsAndGuestInviters" => AllowInvitesFrom::AdminsAndGuestInviters,
        "adminsGuestInvitersAndAllMembers" => AllowInvitesFrom::AdminsGuestInvitersAndAllMembers,
        "everyone" => AllowInvitesFrom::Everyone,
        _ => return Err(GraphError::bad_request("Choose who may invite.")),
    };
    Ok(AuthorizationPolicyPatch {
        guest_user_role_id: Some(level.role_id()),
        allow_invites_from: Some(from),
        ..AuthorizationPolicyPatch::default()
    })
}

/// `POST /portal/settings/collaboration`: one of the two forms.
pub async fn save(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SettingsForm>,
) -> Result<Response, PortalError> {
    session.check_csrf(&form.csrf)?;
    let caller = &session.caller;
    let outcome = match form.section.as_str() {
        "authorization" => match authorization_patch(&form) {
            Ok(patch) => {
                state
                    .app
                    .graph_update_authorization_policy(caller, patch)
                    .await
            }
            Err(error) => Err(error),
        },
        _ => {
            let patch = CollaborationPatch {
                email_otp_enabled: form.otp.is_some(),
                invitation_lifetime_days: Some(form.lifetime.clone()),
                restrict_invite_redirect_urls: form.restrict_redirects.is_some(),
                domain_mode: form.domain_mode.clone(),
                domains: form.domains.clone(),
            };
            state.app.update_collaboration_settings(caller, patch).await
        }
    };
    match outcome {
        Ok(()) => Ok(see_other("/portal/settings/collaboration?saved=1")),
        Err(GraphError::BadRequest { message, .. }) => {
            let page = page(&state, &session, None, Some(message)).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(other) => Err(other.into()),
    }
}
