//! `/portico/v1/tenants/{tenant}/recipients`: the Exchange view of a tenant's address book, for
//! the tenant's own admin tokens (`docs/decisions.md` 19).

use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use portico_app::directory::{Caller, Recipient};
use portico_wire::graph::recipients::{
    contact_recipient, group_recipient, recipient_list, user_recipient,
};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The path's tenant must be the token's: another tenant's recipients do not exist for it.
async fn check_tenant(state: &AppState, caller: &Caller, segment: &str) -> Result<(), ApiError> {
    let tenant = state.app.resolve_tenant(segment).await?;
    match tenant {
        Some(tenant) if tenant.id == caller.tenant() => Ok(()),
        _ => Err(ApiError::NotFound(format!("Resource '{segment}' does not exist or one of its queried reference-property objects are not present."))),
    }
}

fn json_of(recipient: &Recipient) -> Map<String, Value> {
    match recipient {
        Recipient::User(user) => user_recipient(user),
        Recipient::Group(group) => group_recipient(group),
        Recipient::Contact(contact) => contact_recipient(contact),
    }
}

pub async fn list(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(tenant): Path<String>,
) -> Result<Json<Value>, ApiError> {
    check_tenant(&state, &caller, &tenant).await?;
    let recipients = state.app.list_recipients(&caller).await?;
    Ok(Json(recipient_list(
        recipients.iter().map(json_of).collect(),
    )))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecipientPatch {
    hidden_from_address_lists_enabled: bool,
}

/// `PATCH …/recipients/{id}` with `{"hiddenFromAddressListsEnabled": false}`.
pub async fn patch(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path((tenant, id)): Path<(String, String)>,
    body: Result<Json<RecipientPatch>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    check_tenant(&state, &caller, &tenant).await?;
    let Json(patch) = body.map_err(ApiError::from)?;
    let recipient = state
        .app
        .set_hidden_from_address_lists(&caller, &id, patch.hidden_from_address_lists_enabled)
        .await?;
    Ok(Json(Value::Object(json_of(&recipient))))
}
