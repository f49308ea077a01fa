//! `POST /portico/v1/tenants/{tenant}/tokens` (dev mode only, `docs/test-tooling.md`): a token
//! with chosen claims, lifetime or a broken signature, signed by the tenant's current key.

use crate::context::record_tenant;
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::SecondsFormat;
use portico_app::tokens::mint::MintRequest;
use portico_model::Invalid;
use portico_wire::devtools::{MintToken, MintedToken};

pub async fn mint(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    body: Result<Json<MintToken>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<MintedToken>), ApiError> {
    let Json(body) = body.map_err(|e| {
        ApiError::bad_request(format!(
            "Expected {{\"claims\"?, \"lifetimeSeconds\"?, \"signature\"?, \"typ\"?}}: {e}"
        ))
    })?;
    let broken_signature = match body.signature.as_deref() {
        None | Some("valid") => false,
        Some("broken") => true,
        Some(other) => {
            return Err(ApiError::Invalid(Invalid::new(
                "signature",
                format!("'{other}' is not valid or broken"),
            )))
        }
    };
    let tenant = state.app.resolve_tenant(&segment).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "No tenant has the id or verified domain '{segment}'."
        ))
    })?;
    record_tenant(&tenant.id);
    let minted = state
        .app
        .mint_test_token(
            tenant.id,
            MintRequest {
                claims: body.claims,
                lifetime_seconds: body.lifetime_seconds.unwrap_or(3600),
                broken_signature,
                typ: body.typ.unwrap_or_else(|| "at+jwt".into()),
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(MintedToken {
            token: minted.token,
            kid: minted.kid,
            expires_on: minted
                .expires_at
                .map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        }),
    ))
}
