//! `/applications`, `/servicePrincipals` (beyond listing) and `/oauth2PermissionGrants`
//! (issue #16): Graph's bodies read into the use cases' inputs, their answers in v1.0 shapes.

use super::{json_body, GraphCaller};
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use portico_app::directory::{ApplicationChanges, NewKeyCredential, NewPermissionGrant};
use portico_model::Invalid;
use portico_wire::graph::applications::{
    application_json, federated_credential_json, password_credential_json, permission_grant_json,
    role_assignment_json, service_principal_json, AddPasswordBody, ApplicationBody,
    FederatedCredentialBody, PermissionGrantBody, PermissionGrantPatch, RemovePasswordBody,
    ServicePrincipalBody, ServicePrincipalPatch,
};
use portico_wire::graph::collection::{collection, entity};
use serde_json::Value;

fn changes(body: ApplicationBody) -> Result<ApplicationChanges, Invalid> {
    let api = body.api.unwrap_or_default();
    let list = |items: Option<Vec<_>>| items;
    Ok(ApplicationChanges {
        display_name: body.display_name,
        sign_in_audience: body.sign_in_audience,
        identifier_uris: body.identifier_uris,
        scopes: list(api.oauth2_permission_scopes)
            .map(|s| s.iter().map(|s| s.to_model()).collect::<Result<_, _>>())
            .transpose()?,
        app_roles: body
            .app_roles
            .map(|r| r.iter().map(|r| r.to_model()).collect::<Result<_, _>>())
            .transpose()?,
        requested_access_token_version: api.requested_access_token_version,
        required_resource_access: body
            .required_resource_access
            .map(|r| r.iter().map(|r| r.to_model()).collect::<Result<_, _>>())
            .transpose()?,
        web_redirect_uris: body.web.and_then(|w| w.redirect_uris),
        spa_redirect_uris: body.spa.and_then(|w| w.redirect_uris),
        public_client_redirect_uris: body.public_client.and_then(|w| w.redirect_uris),
        is_fallback_public_client: body.is_fallback_public_client,
        key_credentials: body
            .key_credentials
            .map(|keys| {
                keys.iter()
                    .map(|k| {
                        let (key, display_name, start, end) = k.parts()?;
                        Ok(NewKeyCredential {
                            key,
                            display_name,
                            start,
                            end,
                        })
                    })
                    .collect::<Result<_, Invalid>>()
            })
            .transpose()?,
    })
}

pub async fn get(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let app = state.app.graph_application(&caller, &id).await?;
    Ok(Json(entity("applications", application_json(&app))))
}

pub async fn create(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<ApplicationBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let changes = changes(json_body(body)?).map_err(ApiError::Invalid)?;
    let app = state.app.graph_create_application(&caller, changes).await?;
    Ok((
        StatusCode::CREATED,
        Json(entity("applications", application_json(&app))),
    ))
}

pub async fn patch(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<ApplicationBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let changes = changes(json_body(body)?).map_err(ApiError::Invalid)?;
    state
        .app
        .graph_update_application(&caller, &id, changes)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.graph_delete_application(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `addPassword`: the new `passwordCredential` with its `secretText`, the only time it is shown.
pub async fn add_password(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<AddPasswordBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let credential = json_body(body)?.password_credential.unwrap_or_default();
    let end = credential.end().map_err(ApiError::Invalid)?;
    let added = state
        .app
        .graph_add_password(&caller, &id, credential.display_name, end)
        .await?;
    let object = password_credential_json(
        &added.credential,
        Some(added.start),
        Some(&added.secret_text),
    );
    Ok(Json(entity("microsoft.graph.passwordCredential", object)))
}

pub async fn remove_password(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<RemovePasswordBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let body = json_body(body)?;
    state
        .app
        .graph_remove_password(&caller, &id, &body.key_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn federated_credentials(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let credentials = state.app.graph_federated_credentials(&caller, &id).await?;
    let value = credentials.iter().map(federated_credential_json).collect();
    let context = format!("applications('{id}')/federatedIdentityCredentials");
    Ok(Json(collection(&context, value, None, None)))
}

pub async fn add_federated_credential(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<FederatedCredentialBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let credential = json_body(body)?.to_model();
    let added = state
        .app
        .graph_add_federated_credential(&caller, &id, credential)
        .await?;
    let context = format!("applications('{id}')/federatedIdentityCredentials");
    Ok((
        StatusCode::CREATED,
        Json(entity(&context, federated_credential_json(&added))),
    ))
}

pub async fn remove_federated_credential(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path((id, credential)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .graph_remove_federated_credential(&caller, &id, &credential)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn get_service_principal(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let app = state.app.graph_service_principal(&caller, &id).await?;
    Ok(Json(entity(
        "servicePrincipals",
        service_principal_json(&app),
    )))
}

pub async fn create_service_principal(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<ServicePrincipalBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_body(body)?;
    let app = state
        .app
        .graph_create_service_principal(&caller, &body.app_id)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(entity("servicePrincipals", service_principal_json(&app))),
    ))
}

pub async fn patch_service_principal(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<ServicePrincipalPatch>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let body = json_body(body)?;
    state
        .app
        .graph_update_service_principal(&caller, &id, body.app_role_assignment_required)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete_service_principal(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .graph_delete_service_principal(&caller, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /servicePrincipals/{id}/appRoleAssignments`: the app roles the principal holds.
pub async fn app_role_assignments(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let assignments = state.app.graph_app_roles_of(&caller, &id).await?;
    let value = assignments
        .iter()
        .map(|(a, name)| role_assignment_json(a, name))
        .collect();
    let context = format!("servicePrincipals('{id}')/appRoleAssignments");
    Ok(Json(collection(&context, value, None, None)))
}

pub async fn remove_app_role_assignment(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path((id, assignment)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .graph_remove_app_role_assignment(&caller, &id, &assignment)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn permission_grants(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let grants = state.app.graph_permission_grants(&caller).await?;
    let value = grants.iter().map(permission_grant_json).collect();
    Ok(Json(collection(
        "oauth2PermissionGrants",
        value,
        None,
        None,
    )))
}

pub async fn create_permission_grant(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<PermissionGrantBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_body(body)?;
    let new = NewPermissionGrant {
        client_id: body.client_id,
        consent_type: body.consent_type,
        principal_id: body.principal_id,
        resource_id: body.resource_id,
        scope: body.scope,
    };
    let grant = state
        .app
        .graph_create_permission_grant(&caller, new)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(entity(
            "oauth2PermissionGrants",
            permission_grant_json(&grant),
        )),
    ))
}

pub async fn patch_permission_grant(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<PermissionGrantPatch>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let body = json_body(body)?;
    state
        .app
        .graph_update_permission_grant(&caller, &id, body.scope)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete_permission_grant(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .graph_delete_permission_grant(&caller, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
