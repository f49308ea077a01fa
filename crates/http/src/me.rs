//! "Organisations I belong to" (S14): `GET /portico/v1/me/tenants` for a bearer token, and the
//! list on the page where the direct sign-in link ends, with a switch to each organisation.

use crate::errors::ApiError;
use crate::graph::auth::GraphCaller;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use portico_app::b2b::organizations::Membership;
use portico_wire::me::{MyTenant, MyTenants};

fn state_name(state: Option<portico_model::user::ExternalUserState>) -> Option<String> {
    let value = serde_json::to_value(state?).ok()?;
    value.as_str().map(str::to_owned)
}

/// The wire form of one membership; `base` is the public URL (ends with `/`).
pub fn my_tenant(membership: &Membership, base: &str) -> MyTenant {
    MyTenant {
        tenant_id: membership.tenant.id.to_string(),
        display_name: membership.tenant.display_name.clone(),
        default_domain: membership
            .tenant
            .other_domains
            .first()
            .unwrap_or(&membership.tenant.initial_domain)
            .to_string(),
        relationship: membership.relationship.name().to_owned(),
        user_id: membership.user_id.to_string(),
        external_user_state: state_name(membership.external_user_state),
        is_current: membership.current,
        sign_in_url: format!("{base}{}", membership.tenant.id),
    }
}

/// `GET /portico/v1/me/tenants`: needs a delegated token (a user's), from any of its tenants.
pub async fn my_tenants(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<MyTenants>, ApiError> {
    if caller.claims.app_only {
        return Err(ApiError::Forbidden(
            "This API is for a signed-in user; an app-only token has no organisations.".into(),
        ));
    }
    let memberships = state
        .app
        .organizations_of(caller.claims.tenant, caller.claims.oid)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let base = state.app.public_base();
    Ok(Json(MyTenants {
        value: memberships.iter().map(|m| my_tenant(m, &base)).collect(),
    }))
}
