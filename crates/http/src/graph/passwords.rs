//! `POST /me/changePassword`: a user changes their own password.

use super::json_body;
use super::GraphCaller;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use portico_wire::graph::users::ChangePasswordBody;

pub async fn change_password(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<ChangePasswordBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let body = json_body(body)?;
    state
        .app
        .graph_change_password(&caller, body.current_password, body.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
