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
use portico_model::ObjectId;
use portico_store::StoreError;
use portico_wire::graph::collection::{collection, entity};
use portico_wire::graph::directory::{
    application_json, directory_role_json, domain_json, organization_json, service_principal_json,
};
use serde_json::{json, Value};

fn internal(error: StoreError) -> ApiError {
    ApiError::Internal(error.to_string())
}

async fn tenant_of(
    state: &AppState,
    caller: &portico_app::directory::Caller,
) -> Result<portico_model::tenant::Tenant, ApiError> {
    state
        .app
        .store()
        .find_tenant(caller.tenant())
        .await
        .map_err(internal)?
        .ok_or_else(|| ApiError::Internal("tenant vanished".into()))
}

pub async fn organization(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    caller.require(Operation::GetOrganization)?;
    let tenant = tenant_of(&state, &caller).await?;
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
    caller.require(Operation::ListDomains)?;
    let tenant = tenant_of(&state, &caller).await?;
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
    caller.require(Operation::ListDirectoryRoleMembers)?;
    let role = role(&id)?;
    let assignments = state
        .app
        .store()
        .list_role_assignments(caller.tenant())
        .await
        .map_err(internal)?;
    let mut value = Vec::new();
    for assignment in assignments.into_iter().filter(|a| a.role == role) {
        if let Ok(user) = state
            .app
            .store()
            .get_user(caller.tenant(), assignment.principal_id)
            .await
        {
            if let Value::Object(map) = json!({"@odata.type": "#microsoft.graph.user", "id": user.id.to_string(), "displayName": user.display_name, "userPrincipalName": user.user_principal_name.to_string()})
            {
                value.push(map);
            }
        }
    }
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
    let Json(reference) = body
        .map_err(|e| ApiError::bad_request(format!("Invalid request body: {}", e.body_text())))?;
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
    caller.require(Operation::ListApplications)?;
    let apps = state
        .app
        .store()
        .list_applications(caller.tenant())
        .await
        .map_err(internal)?;
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
    caller.require(Operation::ListServicePrincipals)?;
    let apps = state
        .app
        .store()
        .list_applications(caller.tenant())
        .await
        .map_err(internal)?;
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
    caller.require(Operation::ListAppRoleAssignments)?;
    let not_found = || {
        ApiError::NotFound(format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."))
    };
    let object_id = ObjectId::parse(&id).map_err(|_| not_found())?;
    let apps = state
        .app
        .store()
        .list_applications(caller.tenant())
        .await
        .map_err(internal)?;
    let app = apps
        .into_iter()
        .find(|a| a.id == object_id)
        .ok_or_else(not_found)?;
    let assigned = state
        .app
        .store()
        .list_app_assignments(caller.tenant(), app.id)
        .await
        .map_err(internal)?;
    let value = assigned
        .iter()
        .filter_map(|principal| {
            let object = json!({"id": principal.to_string(), "principalId": principal.to_string(), "resourceId": app.id.to_string(), "resourceDisplayName": app.display_name, "appRoleId": "00000000-0000-0000-0000-000000000000"});
            object.as_object().cloned()
        })
        .collect();
    Ok(Json(collection("appRoleAssignments", value, None, None)))
}

/// `GET /organization/{id}`: the caller's own organization only; any other id is 404, as for
/// any object that is not in the caller's tenant.
pub async fn get_organization_entity(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Operation::GetOrganizationById)?;
    let tenant = tenant_of(&state, &caller).await?;
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
    #[allow(dead_code)] // Accepted as Graph requires it; Portico has the default role only.
    resource_id: Option<String>,
    #[allow(dead_code)]
    app_role_id: Option<String>,
}

/// `POST /servicePrincipals/{id}/appRoleAssignedTo`.
pub async fn assign_app(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<AssignmentBody>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Json(body) = body
        .map_err(|e| ApiError::bad_request(format!("Invalid request body: {}", e.body_text())))?;
    let (app, principal) = state
        .app
        .graph_assign_app(&caller, &id, &body.principal_id)
        .await?;
    let assignment = json!({"id": principal.to_string(), "principalId": principal.to_string(), "resourceId": app.to_string(), "appRoleId": "00000000-0000-0000-0000-000000000000"});
    Ok((StatusCode::CREATED, Json(assignment)))
}
