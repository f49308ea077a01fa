//! `POST /portico/v1/whatif` (dev mode): evaluates a hypothetical sign-in and returns the
//! decision with the full trace across both tenants. Nothing is written.

use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use portico_app::sign_in_policy::whatif::{WhatIfError, WhatIfRequest};
use portico_model::conditional_access::RiskLevel;
use portico_model::Invalid;
use portico_wire::whatif::{WhatIfAnswer, WhatIfBody};

/// The app's request from the wire body.
pub fn request_of(body: WhatIfBody) -> Result<WhatIfRequest, Invalid> {
    let sign_in_risk = body
        .sign_in_risk
        .map(|level| RiskLevel::parse(&level))
        .transpose()
        .map_err(|e| Invalid::new("signInRisk", e.to_string()))?;
    Ok(WhatIfRequest {
        user: body.user,
        resource_tenant: body.resource_tenant,
        app_id: body.app_id,
        ip_address: body.ip_address,
        headers: body.headers,
        device_compliant: body.device_compliant,
        device_domain_joined: body.device_domain_joined,
        home_mfa_satisfied: body.home_mfa_satisfied,
        mfa_satisfied: body.mfa_satisfied,
        sign_in_risk,
    })
}

pub async fn what_if(
    State(state): State<AppState>,
    body: Result<Json<WhatIfBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<WhatIfAnswer>, ApiError> {
    let Json(body) = body.map_err(|e| {
        ApiError::bad_request(format!(
            "Expected {{\"user\", \"resourceTenant\", \"appId\", \"ipAddress\"?, \"headers\"?, \"deviceCompliant\"?, \"deviceDomainJoined\"?, \"homeMfaSatisfied\"?, \"mfaSatisfied\"?, \"signInRisk\"?}}: {e}"
        ))
    })?;
    let request = request_of(body).map_err(ApiError::Invalid)?;
    let answer = state
        .app
        .what_if(&request)
        .await
        .map_err(|error| match error {
            WhatIfError::UnknownTenant(_)
            | WhatIfError::UnknownApp(..)
            | WhatIfError::UnknownUser(..) => ApiError::NotFound(error.to_string()),
            WhatIfError::Invalid(message) => ApiError::bad_request(message),
            other => ApiError::Internal(other.to_string()),
        })?;
    Ok(Json(WhatIfAnswer::new(
        &answer.evaluation,
        answer.user_exists,
    )))
}
