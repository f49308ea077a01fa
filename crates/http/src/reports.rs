//! The monthly-active-users report under `/portico/v1/` (`docs/decisions.md` 17). Not dev-only: in
//! dev mode it is open like the rest of the control API; otherwise a tenant's report needs an
//! access token of that tenant allowed to read its sign-in log (`AuditLog.Read.All`). The
//! tenant-group report is mounted in dev mode only, since one request carries one tenant's token.

use crate::context::record_tenant;
use crate::errors::ApiError;
use crate::oidc_bearer;
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use portico_app::reports::{
    require_report_reader, MauGroupReport, MauHistory, MauReport, FREE_TIER,
};
use portico_model::month::Month;
use portico_model::tenant::Tenant;
use portico_model::TenantId;
use portico_wire::reports as wire;
use serde::Deserialize;

/// The most tenants one group report adds up.
const MAX_GROUP_TENANTS: usize = 100;

pub fn report_body(report: &MauReport) -> wire::MauReport {
    wire::MauReport {
        tenant_id: report.tenant.to_string(),
        month: report.month.to_string(),
        monthly_active_users: report.monthly_active_users,
        free_tier: FREE_TIER,
        billable: report.billable(),
    }
}

pub fn group_body(group: &MauGroupReport) -> wire::MauGroupReport {
    wire::MauGroupReport {
        month: group.month.to_string(),
        tenants: group
            .tenants
            .iter()
            .map(|t| wire::MauGroupMember {
                tenant_id: t.tenant.to_string(),
                monthly_active_users: t.monthly_active_users,
            })
            .collect(),
        monthly_active_users: group.monthly_active_users(),
        free_tier: FREE_TIER,
        billable: group.billable(),
    }
}

pub fn history_body(history: &MauHistory) -> wire::MauHistory {
    wire::MauHistory {
        tenant_id: history.tenant.to_string(),
        months: history
            .months
            .iter()
            .map(|m| wire::MauMonth {
                month: m.month.to_string(),
                monthly_active_users: m.monthly_active_users,
                billable: m.billable(),
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct GroupQuery {
    tenants: Option<String>,
    month: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /portico/v1/tenants/{tenant}/reports/mau?month=YYYY-MM` (default: this month).
pub async fn tenant_report(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    query: Result<Query<MonthQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Json<wire::MauReport>, ApiError> {
    let tenant = known_tenant(&state, &segment).await?;
    authorize(&state, &headers, tenant.id).await?;
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let month =
        month_param("month", query.month.as_deref())?.unwrap_or_else(|| state.app.current_month());
    let report = state.app.mau_report(tenant.id, month).await?;
    Ok(Json(report_body(&report)))
}

/// `GET /portico/v1/tenants/{tenant}/reports/mau/history?from=YYYY-MM&to=YYYY-MM` (default: the
/// twelve months up to this one; at most 36).
pub async fn tenant_history(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    query: Result<Query<HistoryQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Json<wire::MauHistory>, ApiError> {
    let tenant = known_tenant(&state, &segment).await?;
    authorize(&state, &headers, tenant.id).await?;
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let (first, last) = state.app.history_range(
        month_param("from", query.from.as_deref())?,
        month_param("to", query.to.as_deref())?,
    );
    let history = state.app.mau_history(tenant.id, first, last).await?;
    Ok(Json(history_body(&history)))
}

/// `GET /portico/v1/reports/mau?tenants=<id or domain>,…&month=YYYY-MM` (dev mode).
pub async fn group_report(
    State(state): State<AppState>,
    query: Result<Query<GroupQuery>, QueryRejection>,
) -> Result<Json<wire::MauGroupReport>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let listed: Vec<&str> = query
        .tenants
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if listed.is_empty() {
        return Err(ApiError::bad_request(
            "List the tenants of the subscription: ?tenants=<id or domain>,<id or domain>.",
        ));
    }
    if listed.len() > MAX_GROUP_TENANTS {
        return Err(ApiError::bad_request(format!(
            "A group report adds up at most {MAX_GROUP_TENANTS} tenants."
        )));
    }
    let month =
        month_param("month", query.month.as_deref())?.unwrap_or_else(|| state.app.current_month());
    let mut tenants: Vec<TenantId> = Vec::with_capacity(listed.len());
    for segment in listed {
        tenants.push(known_tenant(&state, segment).await?.id);
    }
    let group = state.app.mau_group_report(&tenants, month).await?;
    Ok(Json(group_body(&group)))
}

async fn known_tenant(state: &AppState, segment: &str) -> Result<Tenant, ApiError> {
    let tenant = state.app.resolve_tenant(segment).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "No tenant has the id or verified domain '{segment}'."
        ))
    })?;
    record_tenant(&tenant.id);
    Ok(tenant)
}

fn month_param(name: &str, value: Option<&str>) -> Result<Option<Month>, ApiError> {
    value
        .map(|text| {
            Month::parse(text.trim())
                .map_err(|e| ApiError::bad_request(format!("Query parameter '{name}': {e}.")))
        })
        .transpose()
}

/// Outside dev mode: a verified Graph token of `tenant` whose holder may read its sign-in log.
async fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    tenant: TenantId,
) -> Result<(), ApiError> {
    if state.app.dev_mode() {
        return Ok(());
    }
    let token = oidc_bearer(headers)
        .ok_or_else(|| ApiError::Unauthorized("Access token is empty.".into()))?;
    let claims = state
        .app
        .verify_graph_token(token, None)
        .await
        .map_err(|rejected| {
            ApiError::Unauthorized(format!("Access token validation failure: {rejected}"))
        })?;
    if claims.tenant != tenant {
        return Err(ApiError::Forbidden(format!(
            "The access token is for tenant {}; a tenant's report needs a token of that tenant.",
            claims.tenant
        )));
    }
    state.throttle(&claims)?;
    let caller = state.app.graph_caller(claims).await?;
    require_report_reader(&caller)?;
    Ok(())
}
