//! `/portal/cross-tenant`: this tenant's cross-tenant access settings (default and partners),
//! a partner's B2B collaboration inbound and outbound set to allow, block or inherit (the Graph
//! partner use cases), and the relationship view: pick another organization and a direction,
//! see both halves side by side and the outcome of each combination, with who must act.

use super::chrome::default_domain;
use super::{render, render_status, see_other, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use portico_app::directory::{B2bSettingInput, Change, GraphError, Operation, PartnerPatch};
use portico_app::portal::Relationship;
use portico_model::cross_tenant::{AccessType, TargetType, Targets, ALL_APPLICATIONS, ALL_USERS};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct ViewQuery {
    #[serde(default)]
    partner: String,
    /// `in`: the partner's users come here; `out`: this tenant's users go there.
    #[serde(default)]
    direction: String,
    saved: Option<String>,
}

/// One partner entry in words.
pub struct PartnerRow {
    pub name: String,
    pub id: String,
    pub inbound: String,
    pub outbound: String,
}

#[derive(Template)]
#[template(path = "portal/cross_tenant.html")]
struct CrossTenantPage {
    chrome: Chrome,
    default_inbound: String,
    default_outbound: String,
    partners: Vec<PartnerRow>,
    tenants: Vec<(String, String)>,
    query: ViewQuery,
    relationship: Option<Relationship>,
    can_edit: bool,
    can_edit_default: bool,
    can_add: bool,
    error: Option<String>,
}

fn words(setting: Option<&portico_model::cross_tenant::B2bSetting>) -> String {
    let Some(setting) = setting else {
        return "inherits the default".into();
    };
    let one = |t: &Targets| {
        let names: Vec<&str> = t.targets.iter().map(|x| x.target.as_str()).collect();
        let access = format!("{:?}", t.access_type).to_lowercase();
        format!("{access} ({})", names.join(", "))
    };
    format!(
        "users {}; apps {}",
        one(&setting.users_and_groups),
        one(&setting.applications)
    )
}

async fn page(
    state: &AppState,
    session: &Session,
    query: ViewQuery,
    error: Option<String>,
) -> Result<CrossTenantPage, PortalError> {
    let caller = &session.caller;
    if !caller.administers(Operation::GetCrossTenantPolicy) {
        return Err(GraphError::Forbidden.into());
    }
    let default = state.app.graph_cross_tenant_default(caller).await?;
    let all = state
        .app
        .list_tenants()
        .await
        .map_err(PortalError::internal)?;
    let name_of = |id| {
        all.iter()
            .find(|t| t.id == id)
            .map_or_else(|| id.to_string(), |t| t.display_name.clone())
    };
    let partners = state
        .app
        .graph_cross_tenant_partners(caller)
        .await?
        .iter()
        .map(|p| PartnerRow {
            name: name_of(p.partner_tenant_id),
            id: p.partner_tenant_id.to_string(),
            inbound: words(p.b2b_collaboration_inbound.as_ref()),
            outbound: words(p.b2b_collaboration_outbound.as_ref()),
        })
        .collect();
    let mut relationship = None;
    let mut error = error;
    if !query.partner.trim().is_empty() {
        match state
            .app
            .resolve_tenant(query.partner.trim())
            .await
            .map_err(PortalError::internal)?
        {
            Some(other) => {
                let (home, resource) = if query.direction == "out" {
                    (&session.tenant, &other)
                } else {
                    (&other, &session.tenant)
                };
                match state.app.relationship(caller, home, resource).await {
                    Ok(found) => relationship = Some(found),
                    Err(GraphError::BadRequest { message, .. }) => error = Some(message),
                    Err(other) => return Err(other.into()),
                }
            }
            None => {
                error = Some(format!(
                    "No organization here has the id or domain '{}'.",
                    query.partner.trim()
                ))
            }
        }
    }
    // Dev mode lists the organizations to pick from, as the sign-in chooser does.
    let tenants = if state.app.config().dev_mode {
        all.iter()
            .filter(|t| t.id != session.tenant.id)
            .map(|t| (t.display_name.clone(), default_domain(t)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(CrossTenantPage {
        chrome: Chrome::of(state, session, "cross-tenant").await,
        default_inbound: words(Some(&default.b2b_collaboration_inbound)),
        default_outbound: words(Some(&default.b2b_collaboration_outbound)),
        partners,
        tenants,
        relationship,
        can_edit: caller.administers(Operation::UpdateCrossTenantPartner),
        can_edit_default: caller.administers(Operation::GetCrossTenantDefault),
        can_add: caller.administers(Operation::CreateCrossTenantPartner),
        query,
        error,
    })
}

/// `GET /portal/cross-tenant`.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ViewQuery>,
) -> Result<Response, PortalError> {
    Ok(render(&page(&state, &session, query, None).await?))
}

#[derive(Deserialize)]
pub struct PartnerForm {
    csrf: String,
    partner: String,
    #[serde(default)]
    direction: String,
    /// `allow`, `block` or `inherit`, for each direction.
    inbound: String,
    outbound: String,
}

fn change(choice: &str) -> Result<Change<B2bSettingInput>, GraphError> {
    let all = |access| B2bSettingInput {
        users_and_groups: Some(Targets::all(access, ALL_USERS, TargetType::User)),
        applications: Some(Targets::all(
            access,
            ALL_APPLICATIONS,
            TargetType::Application,
        )),
    };
    match choice {
        "allow" => Ok(Change::Set(all(AccessType::Allowed))),
        "block" => Ok(Change::Set(all(AccessType::Blocked))),
        "inherit" => Ok(Change::Inherit),
        _ => Err(GraphError::bad_request(
            "Choose allow, block or inherit for each direction.",
        )),
    }
}

/// `POST /portal/cross-tenant`: this tenant's partner entry for one organization.
pub async fn save(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<PartnerForm>,
) -> Result<Response, PortalError> {
    session.check_csrf(&form.csrf)?;
    let partner = state
        .app
        .resolve_tenant(form.partner.trim())
        .await
        .map_err(PortalError::internal)?
        .ok_or_else(|| GraphError::bad_request("Unknown organization."))?;
    let patch = || -> Result<PartnerPatch, GraphError> {
        Ok(PartnerPatch {
            b2b_collaboration_inbound: change(&form.inbound)?,
            b2b_collaboration_outbound: change(&form.outbound)?,
            ..PartnerPatch::default()
        })
    };
    let caller = &session.caller;
    let outcome = match patch() {
        Ok(p) => match state
            .app
            .graph_update_cross_tenant_partner(caller, partner.id, p)
            .await
        {
            Err(GraphError::NotFound(_)) => state
                .app
                .graph_create_cross_tenant_partner(caller, partner.id, patch()?)
                .await
                .map(|_| ()),
            other => other,
        },
        Err(error) => Err(error),
    };
    let query = ViewQuery {
        partner: default_domain(&partner),
        direction: form.direction.clone(),
        saved: None,
    };
    match outcome {
        Ok(()) => {
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            Ok(see_other(&format!(
                "/portal/cross-tenant?partner={}&direction={}&saved=1",
                enc(&query.partner),
                enc(&query.direction)
            )))
        }
        Err(GraphError::BadRequest { message, .. }) => Ok(render_status(
            StatusCode::BAD_REQUEST,
            &page(&state, &session, query, Some(message)).await?,
        )),
        Err(other) => Err(other.into()),
    }
}
