//! `/portal/cross-tenant/default` and `/portal/cross-tenant/partners/{tenantId}`: editing the
//! default and one organization's cross-tenant access settings (B2B collaboration inbound and
//! outbound, tenant restrictions, inbound trust), adding and removing an organization — the
//! use cases of Graph's `/policies/crossTenantAccessPolicy`, with its target parsing and rules.

use super::cross_tenant_form::{
    setting_change, setting_views, settings_pairs, trust_change, trust_view, SettingView, TrustView,
};
use super::form::{csrf_of, form_error, ConfirmForm, FormValues};
use super::{render, render_status, see_other, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use portico_app::directory::{Change, DefaultPatch, GraphError, Operation, PartnerPatch};
use portico_model::{Invalid, TenantId};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "portal/cross_tenant_settings.html")]
struct SettingsPage {
    chrome: Chrome,
    /// `None`: the default. Else the partner's tenant id and name.
    partner: Option<(String, String)>,
    settings: Vec<SettingView>,
    trust: TrustView,
    error: Option<Invalid>,
    can_edit: bool,
    can_delete: bool,
}

impl SettingsPage {
    fn error_at(&self, prefix: &str) -> Option<&str> {
        super::form::error_at(&self.error, prefix)
    }

    /// A refusal without a property (the use case's rules) that names this setting.
    fn error_about(&self, name: &str) -> Option<&str> {
        self.error_at(name).or_else(|| {
            self.error
                .as_ref()
                .filter(|e| e.property.is_empty() && e.message.contains(name))
                .map(|e| e.message.as_str())
        })
    }
}

fn partner_id(id: &str) -> Result<TenantId, PortalError> {
    TenantId::parse(id).map_err(|_| GraphError::NotFound(id.to_owned()).into())
}

async fn tenant_name(state: &AppState, id: TenantId) -> String {
    match state.app.find_tenant(id).await {
        Ok(Some(t)) => t.display_name,
        _ => id.to_string(),
    }
}

/// The form's values as stored: the partner's own settings, or the default's.
async fn stored_values(
    state: &AppState,
    session: &Session,
    partner: Option<TenantId>,
) -> Result<FormValues, PortalError> {
    let caller = &session.caller;
    let default = state.app.graph_cross_tenant_default(caller).await?;
    let pairs = match partner {
        None => settings_pairs(
            [
                (
                    Some(&default.b2b_collaboration_inbound),
                    &default.b2b_collaboration_inbound,
                ),
                (
                    Some(&default.b2b_collaboration_outbound),
                    &default.b2b_collaboration_outbound,
                ),
                (
                    Some(&default.tenant_restrictions),
                    &default.tenant_restrictions,
                ),
            ],
            (Some(default.inbound_trust), default.inbound_trust),
        ),
        Some(id) => {
            let p = state.app.graph_cross_tenant_partner(caller, id).await?;
            settings_pairs(
                [
                    (
                        p.b2b_collaboration_inbound.as_ref(),
                        &default.b2b_collaboration_inbound,
                    ),
                    (
                        p.b2b_collaboration_outbound.as_ref(),
                        &default.b2b_collaboration_outbound,
                    ),
                    (p.tenant_restrictions.as_ref(), &default.tenant_restrictions),
                ],
                (p.inbound_trust, default.inbound_trust),
            )
        }
    };
    Ok(FormValues::new(pairs))
}

async fn page(
    state: &AppState,
    session: &Session,
    partner: Option<TenantId>,
    values: FormValues,
    error: Option<Invalid>,
) -> Result<SettingsPage, PortalError> {
    let caller = &session.caller;
    let (read, edit) = match partner {
        None => (
            Operation::GetCrossTenantDefault,
            Operation::UpdateCrossTenantDefault,
        ),
        Some(_) => (
            Operation::GetCrossTenantPartner,
            Operation::UpdateCrossTenantPartner,
        ),
    };
    if !caller.administers(read) {
        return Err(GraphError::Forbidden.into());
    }
    let partner = match partner {
        Some(id) => Some((id.to_string(), tenant_name(state, id).await)),
        None => None,
    };
    Ok(SettingsPage {
        chrome: Chrome::of(state, session, "cross-tenant").await,
        can_delete: partner.is_some() && caller.administers(Operation::DeleteCrossTenantPartner),
        partner,
        settings: setting_views(&values),
        trust: trust_view(&values),
        error,
        can_edit: caller.administers(edit),
    })
}

/// `GET /portal/cross-tenant/default`.
pub async fn show_default(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, PortalError> {
    let values = stored_values(&state, &session, None).await?;
    Ok(render(&page(&state, &session, None, values, None).await?))
}

/// `GET /portal/cross-tenant/partners/{tenantId}`.
pub async fn show_partner(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let partner = partner_id(&id)?;
    let values = stored_values(&state, &session, Some(partner)).await?;
    Ok(render(
        &page(&state, &session, Some(partner), values, None).await?,
    ))
}

async fn save(
    state: &AppState,
    session: &Session,
    partner: Option<TenantId>,
    values: &FormValues,
) -> Result<(), GraphError> {
    let caller = &session.caller;
    let inbound = setting_change(values, "b2bCollaborationInbound")?;
    let outbound = setting_change(values, "b2bCollaborationOutbound")?;
    let restrictions = setting_change(values, "tenantRestrictions")?;
    let trust = trust_change(values);
    match partner {
        None => {
            let set = |change| match change {
                Change::Set(input) => Some(input),
                Change::Keep | Change::Inherit => None,
            };
            let patch = DefaultPatch {
                b2b_collaboration_inbound: set(inbound),
                b2b_collaboration_outbound: set(outbound),
                tenant_restrictions: set(restrictions),
                inbound_trust: match trust {
                    Change::Set(input) => Some(input),
                    Change::Keep | Change::Inherit => None,
                },
                ..DefaultPatch::default()
            };
            state
                .app
                .graph_update_cross_tenant_default(caller, patch)
                .await
        }
        Some(id) => {
            let patch = PartnerPatch {
                b2b_collaboration_inbound: inbound,
                b2b_collaboration_outbound: outbound,
                tenant_restrictions: restrictions,
                inbound_trust: trust,
                ..PartnerPatch::default()
            };
            state
                .app
                .graph_update_cross_tenant_partner(caller, id, patch)
                .await
        }
    }
}

async fn submit(
    state: AppState,
    session: Session,
    partner: Option<TenantId>,
    pairs: Vec<(String, String)>,
) -> Result<Response, PortalError> {
    session.check_csrf(csrf_of(&pairs))?;
    let values = FormValues::new(pairs);
    match save(&state, &session, partner, &values).await {
        Ok(()) => Ok(see_other("/portal/cross-tenant?saved=1")),
        Err(error) => {
            let invalid = form_error(error)?;
            let page = page(&state, &session, partner, values, Some(invalid)).await?;
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
    }
}

/// `POST /portal/cross-tenant/default`.
pub async fn save_default(
    State(state): State<AppState>,
    session: Session,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PortalError> {
    submit(state, session, None, pairs).await
}

/// `POST /portal/cross-tenant/partners/{tenantId}`.
pub async fn save_partner(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PortalError> {
    let partner = partner_id(&id)?;
    submit(state, session, Some(partner), pairs).await
}

#[derive(Deserialize)]
pub struct AddForm {
    csrf: String,
    organization: String,
}

/// `POST /portal/cross-tenant/partners`: an organization of its own, inheriting every setting
/// until changed (a domain of this server, or any tenant id).
pub async fn add_partner(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<AddForm>,
) -> Result<Response, PortalError> {
    session.check_csrf(&form.csrf)?;
    let given = form.organization.trim();
    let partner = match state
        .app
        .resolve_tenant(given)
        .await
        .map_err(PortalError::internal)?
    {
        Some(tenant) => tenant.id,
        None => TenantId::parse(given).map_err(|_| {
            PortalError::page(
                StatusCode::BAD_REQUEST,
                "Organization not found",
                &format!("No organization here has the domain '{given}'. Give its tenant id (a GUID) instead."),
            )
        })?,
    };
    match state
        .app
        .graph_create_cross_tenant_partner(&session.caller, partner, PartnerPatch::default())
        .await
    {
        // Already there: open it.
        Ok(_) | Err(GraphError::Conflict { .. }) => Ok(see_other(&format!(
            "/portal/cross-tenant/partners/{partner}"
        ))),
        Err(other) => Err(other.into()),
    }
}

/// `POST /portal/cross-tenant/partners/{tenantId}/delete`: the organization falls back to the
/// default settings.
pub async fn remove_partner(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PortalError> {
    form.check(&session, "remove the organization's settings")?;
    let partner = partner_id(&id)?;
    state
        .app
        .graph_delete_cross_tenant_partner(&session.caller, partner)
        .await?;
    Ok(see_other("/portal/cross-tenant?saved=removed"))
}
