//! `/organization`, `/domains`, `/directoryRoles`, `/applications`, `/servicePrincipals`.

use super::groups::{referenced_id, Reference};
use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use portico_app::directory::Operation;
use portico_model::role::DirectoryRole;
use portico_wire::graph::applications::role_assignment_json;
use portico_wire::graph::collection::{collection, entity};
use portico_wire::graph::directory::{
    app_role_assignment_json, application_json, directory_role_json, domain_json,
    organization_json, service_principal_json, user_reference_json,
};
use serde_json::Value;

pub async fn organization(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let tenant = state
        .app
        .graph_organization(&caller, Operation::GetOrganization)
        .await?;
    Ok(Json(collection(
        "organization",
        vec![organization_json(&tenant)],
        None,
        None,
    )))
}

pub async fn domains(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let tenant = state
        .app
        .graph_organization(&caller, Operation::ListDomains)
        .await?;
    let value = tenant.domains().map(|d| domain_json(&tenant, d)).collect();
    Ok(Json(collection("domains", value, None, None)))
}

fn role(id: &str) -> Result<DirectoryRole, ApiError> {
    uuid::Uuid::parse_str(id)
        .ok()
        .and_then(|u| DirectoryRole::from_template_id(&u))
        .ok_or_else(|| ApiError::NotFound(format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present.")))
}

pub async fn directory_roles(GraphCaller(caller): GraphCaller) -> Result<Json<Value>, ApiError> {
    caller.require(Operation::ListDirectoryRoles)?;
    let value = DirectoryRole::ALL
        .into_iter()
        .map(directory_role_json)
        .collect();
    Ok(Json(collection("directoryRoles", value, None, None)))
}

pub async fn directory_role_members(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let role = role(&id)?;
    let value = state
        .app
        .graph_directory_role_members(&caller, role)
        .await?
        .iter()
        .map(user_reference_json)
        .collect();
    Ok(Json(collection("directoryObjects", value, None, None)))
}

/// `POST /directoryRoles/{id}/members/$ref`: assigns the role.
pub async fn add_directory_role_member(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<Reference>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    caller.require(Operation::AssignDirectoryRole)?;
    let role = role(&id)?;
    let Json(reference) = body.map_err(ApiError::from)?;
    state
        .app
        .assign_directory_role(&caller, role, referenced_id(&reference.odata_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn applications(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let apps = state
        .app
        .graph_applications(&caller, Operation::ListApplications)
        .await?;
    Ok(Json(collection(
        "applications",
        apps.iter().map(application_json).collect(),
        None,
        None,
    )))
}

pub async fn service_principals(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let apps = state
        .app
        .graph_applications(&caller, Operation::ListServicePrincipals)
        .await?;
    Ok(Json(collection(
        "servicePrincipals",
        apps.iter().map(service_principal_json).collect(),
        None,
        None,
    )))
}

/// `GET /servicePrincipals/{id}/appRoleAssignedTo`: who is assigned to an "assignment required" app.
pub async fn app_role_assigned_to(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (app, assigned) = state.app.graph_app_role_assigned_to(&caller, &id).await?;
    let mut value: Vec<_> = assigned
        .iter()
        .map(|principal| app_role_assignment_json(*principal, app.id, Some(&app.display_name)))
        .collect();
    let roles = state
        .app
        .graph_app_roles_assigned_to(&caller, app.id)
        .await?;
    value.extend(roles.iter().map(|(a, name)| role_assignment_json(a, name)));
    Ok(Json(collection("appRoleAssignments", value, None, None)))
}

/// `GET /organization/{id}`: the caller's own organization only; any other id is 404, as for
/// any object that is not in the caller's tenant.
pub async fn get_organization_entity(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let tenant = state
        .app
        .graph_organization(&caller, Operation::GetOrganizationById)
        .await?;
    if !id.eq_ignore_ascii_case(&tenant.id.to_string()) {
        return Err(ApiError::NotFound(format!(
            "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
        )));
    }
    Ok(Json(entity("organization", organization_json(&tenant))))
}

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentBody {
    principal_id: String,
    #[allow(dead_code)] // Accepted as Graph requires it; the path names the resource.
    resource_id: Option<String>,
    /// One of the resource's app roles; absent or the zero GUID is default access.
    app_role_id: Option<String>,
}

/// `POST /servicePrincipals/{id}/appRoleAssignedTo`.
pub async fn assign_app(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<AssignmentBody>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Json(body) = body.map_err(ApiError::from)?;
    let role = match body.app_role_id.as_deref().map(uuid::Uuid::parse_str) {
        Some(Ok(role)) if !role.is_nil() => Some(role),
        Some(Err(_)) => {
            return Err(ApiError::Invalid(portico_model::invalid!(
                "appRoleId",
                "The appRoleId is not a GUID."
            )))
        }
        _ => None,
    };
    if let Some(role) = role {
        let (assignment, api) = state
            .app
            .graph_assign_app_role(&caller, &id, &body.principal_id, role)
            .await?;
        let object = role_assignment_json(&assignment, &api.display_name);
        return Ok((StatusCode::CREATED, Json(Value::Object(object))));
    }
    let (app, principal) = state
        .app
        .graph_assign_app(&caller, &id, &body.principal_id)
        .await?;
    let assignment = Value::Object(app_role_assignment_json(principal, app, None));
    Ok((StatusCode::CREATED, Json(assignment)))
}
