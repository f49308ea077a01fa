//! `/policies/crossTenantAccessPolicy`, its `default` and its `partners`. Writes check the
//! caller's permission before reading the body, so a caller without it learns nothing from a
//! validation message.

use super::query::check_odata_type;
use super::{json_body, GraphCaller};
use crate::errors::ApiError;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use portico_app::directory::{
    B2bSettingInput, Change, CrossTenantPolicyPatch, DefaultPatch, InboundTrustInput, Operation,
    PartnerPatch,
};
use portico_model::TenantId;
use portico_wire::graph::collection::{collection, entity};
use portico_wire::graph::cross_tenant::{
    cross_tenant_policy_json, default_configuration_json, parse_cloud_endpoint,
    parse_redemption_configuration, partner_json, B2bSettingBody, ConsentBody, DefaultBody, Field,
    Halves, InboundTrustBody, PartnerBody, PolicyBody, TenantRestrictionsBody,
};
use serde_json::Value;

const POLICY: &str = "policies/crossTenantAccessPolicy";
const DEFAULT: &str = "policies/crossTenantAccessPolicy/default";
const PARTNERS: &str = "policies/crossTenantAccessPolicy/partners";

fn read_only(message: String) -> ApiError {
    ApiError::Rejected {
        code: "Request_BadRequest",
        reason: "readOnlyProperty",
        message,
    }
}

/// A partner's tenant id from the path; anything that is not one is simply not found.
fn partner_id(id: &str) -> Result<TenantId, ApiError> {
    TenantId::parse(id).map_err(|_| {
        ApiError::NotFound(format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."))
    })
}

fn setting_input((users_and_groups, applications): Halves) -> B2bSettingInput {
    B2bSettingInput {
        users_and_groups,
        applications,
    }
}

fn b2b_input(body: &B2bSettingBody, at: &str) -> Result<B2bSettingInput, ApiError> {
    body.halves(at)
        .map(setting_input)
        .map_err(ApiError::Invalid)
}

fn restrictions_input(
    body: &TenantRestrictionsBody,
    at: &str,
) -> Result<B2bSettingInput, ApiError> {
    body.halves(at)
        .map(setting_input)
        .map_err(ApiError::Invalid)
}

fn trust_input(body: &InboundTrustBody) -> Result<InboundTrustInput, ApiError> {
    body.check("inboundTrust").map_err(ApiError::Invalid)?;
    Ok(InboundTrustInput {
        is_mfa_accepted: body.is_mfa_accepted,
        is_compliant_device_accepted: body.is_compliant_device_accepted,
        is_hybrid_azure_ad_joined_device_accepted: body.is_hybrid_azure_ad_joined_device_accepted,
    })
}

fn consent(body: &ConsentBody) -> Result<(), ApiError> {
    body.check("automaticUserConsentSettings")
        .map_err(ApiError::Invalid)
}

// ---- the policy object -------------------------------------------------------------------

pub async fn get_policy(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let policy = state.app.graph_cross_tenant_policy(&caller).await?;
    Ok(Json(entity(
        POLICY,
        cross_tenant_policy_json(caller.tenant(), &policy),
    )))
}

pub async fn patch_policy(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<PolicyBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    caller.require(Operation::UpdateCrossTenantPolicy)?;
    let body = json_body(body)?;
    check_odata_type(body.odata_type.as_deref(), "crossTenantAccessPolicy")?;
    let allowed_cloud_endpoints = match body.allowed_cloud_endpoints {
        Some(names) => Some(
            names
                .iter()
                .map(|n| parse_cloud_endpoint(n))
                .collect::<Result<Vec<_>, _>>()
                .map_err(ApiError::Invalid)?,
        ),
        None => None,
    };
    let patch = CrossTenantPolicyPatch {
        display_name: body.display_name,
        allowed_cloud_endpoints,
    };
    state
        .app
        .graph_update_cross_tenant_policy(&caller, patch)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- the default -------------------------------------------------------------------------

pub async fn get_default(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let settings = state.app.graph_cross_tenant_default(&caller).await?;
    Ok(Json(entity(
        DEFAULT,
        default_configuration_json(caller.tenant(), &settings),
    )))
}

/// A default setting may be changed but never be `null`: the default has every setting.
fn required<T>(field: Field<T>, property: &str) -> Result<Option<T>, ApiError> {
    match field {
        Field::Absent => Ok(None),
        Field::Null => Err(ApiError::bad_request(format!("{property} can't be null in the default configuration, which has every setting. Give a value, or POST /policies/crossTenantAccessPolicy/default/resetToSystemDefault to return to the service default."))),
        Field::Value(value) => Ok(Some(value)),
    }
}

fn default_patch(body: DefaultBody) -> Result<DefaultPatch, ApiError> {
    check_odata_type(
        body.odata_type.as_deref(),
        "crossTenantAccessPolicyConfigurationDefault",
    )?;
    if !matches!(body.is_service_default, Field::Absent) {
        return Err(read_only("isServiceDefault is read-only: it turns false when the default is changed. To return to the service default, POST /policies/crossTenantAccessPolicy/default/resetToSystemDefault.".into()));
    }
    let redemption_order = match required(
        body.invitation_redemption_identity_provider_configuration,
        "invitationRedemptionIdentityProviderConfiguration",
    )? {
        Some(value) => Some(parse_redemption_configuration(&value).map_err(ApiError::Invalid)?),
        None => None,
    };
    let b2b = |field: Field<B2bSettingBody>, property: &str| {
        required(field, property)?
            .map(|b| b2b_input(&b, property))
            .transpose()
    };
    let (automatic_user_consent_inbound, automatic_user_consent_outbound) =
        match body.automatic_user_consent_settings.value() {
            Some(settings) => {
                consent(&settings)?;
                (
                    settings.inbound_allowed.value(),
                    settings.outbound_allowed.value(),
                )
            }
            None => (None, None),
        };
    Ok(DefaultPatch {
        b2b_collaboration_inbound: b2b(body.b2b_collaboration_inbound, "b2bCollaborationInbound")?,
        b2b_collaboration_outbound: b2b(
            body.b2b_collaboration_outbound,
            "b2bCollaborationOutbound",
        )?,
        b2b_direct_connect_inbound: b2b(
            body.b2b_direct_connect_inbound,
            "b2bDirectConnectInbound",
        )?,
        b2b_direct_connect_outbound: b2b(
            body.b2b_direct_connect_outbound,
            "b2bDirectConnectOutbound",
        )?,
        tenant_restrictions: required(body.tenant_restrictions, "tenantRestrictions")?
            .map(|b| restrictions_input(&b, "tenantRestrictions"))
            .transpose()?,
        inbound_trust: required(body.inbound_trust, "inboundTrust")?
            .map(|b| trust_input(&b))
            .transpose()?,
        automatic_user_consent_inbound,
        automatic_user_consent_outbound,
        redemption_order,
    })
}

pub async fn patch_default(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<DefaultBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    caller.require(Operation::UpdateCrossTenantDefault)?;
    let patch = default_patch(json_body(body)?)?;
    state
        .app
        .graph_update_cross_tenant_default(&caller, patch)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reset_default(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<StatusCode, ApiError> {
    state.app.graph_reset_cross_tenant_default(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- partners ----------------------------------------------------------------------------

/// Graph's partner semantics: left out keeps, `null` inherits the default, a value sets.
fn change<B, T>(
    field: Field<B>,
    convert: impl FnOnce(&B) -> Result<T, ApiError>,
) -> Result<Change<T>, ApiError> {
    Ok(match field {
        Field::Absent => Change::Keep,
        Field::Null => Change::Inherit,
        Field::Value(body) => Change::Set(convert(&body)?),
    })
}

fn flag(field: Field<bool>) -> Change<bool> {
    match field {
        Field::Absent => Change::Keep,
        Field::Null => Change::Inherit,
        Field::Value(value) => Change::Set(value),
    }
}

fn partner_patch(body: PartnerBody) -> Result<PartnerPatch, ApiError> {
    check_odata_type(
        body.odata_type.as_deref(),
        "crossTenantAccessPolicyConfigurationPartner",
    )?;
    if body.is_in_multi_tenant_organization == Field::Value(true) {
        return Err(read_only("isInMultiTenantOrganization is read-only, and Portico has no multitenant organizations. Leave it out.".into()));
    }
    let (automatic_user_consent_inbound, automatic_user_consent_outbound) =
        match body.automatic_user_consent_settings {
            Field::Absent => (Change::Keep, Change::Keep),
            Field::Null => (Change::Inherit, Change::Inherit),
            Field::Value(settings) => {
                consent(&settings)?;
                (
                    flag(settings.inbound_allowed),
                    flag(settings.outbound_allowed),
                )
            }
        };
    Ok(PartnerPatch {
        b2b_collaboration_inbound: change(body.b2b_collaboration_inbound, |b| {
            b2b_input(b, "b2bCollaborationInbound")
        })?,
        b2b_collaboration_outbound: change(body.b2b_collaboration_outbound, |b| {
            b2b_input(b, "b2bCollaborationOutbound")
        })?,
        b2b_direct_connect_inbound: change(body.b2b_direct_connect_inbound, |b| {
            b2b_input(b, "b2bDirectConnectInbound")
        })?,
        b2b_direct_connect_outbound: change(body.b2b_direct_connect_outbound, |b| {
            b2b_input(b, "b2bDirectConnectOutbound")
        })?,
        tenant_restrictions: change(body.tenant_restrictions, |b| {
            restrictions_input(b, "tenantRestrictions")
        })?,
        inbound_trust: change(body.inbound_trust, trust_input)?,
        automatic_user_consent_inbound,
        automatic_user_consent_outbound,
        is_service_provider: match body.is_service_provider {
            Field::Absent => None,
            Field::Null => Some(false),
            Field::Value(value) => Some(value),
        },
    })
}

pub async fn list_partners(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
) -> Result<Json<Value>, ApiError> {
    let partners = state.app.graph_cross_tenant_partners(&caller).await?;
    let value = partners.iter().map(partner_json).collect();
    Ok(Json(collection(PARTNERS, value, None, None)))
}

pub async fn create_partner(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    body: Result<Json<PartnerBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Operation::CreateCrossTenantPartner)?;
    let mut body = json_body(body)?;
    let partner = match std::mem::take(&mut body.tenant_id) {
        Field::Value(id) => TenantId::parse(&id).map_err(|_| {
            ApiError::bad_request(format!(
                "tenantId '{id}' is not a tenant id. Give the partner organization's tenant id (a GUID)."
            ))
        })?,
        Field::Absent | Field::Null => {
            return Err(ApiError::bad_request(
                "tenantId is required: give the partner organization's tenant id (a GUID).",
            ))
        }
    };
    let patch = partner_patch(body)?;
    let created = state
        .app
        .graph_create_cross_tenant_partner(&caller, partner, patch)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(entity(PARTNERS, partner_json(&created))),
    ))
}

pub async fn get_partner(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Operation::GetCrossTenantPartner)?;
    let partner = partner_id(&id)?;
    let config = state
        .app
        .graph_cross_tenant_partner(&caller, partner)
        .await?;
    Ok(Json(entity(PARTNERS, partner_json(&config))))
}

pub async fn patch_partner(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
    body: Result<Json<PartnerBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    caller.require(Operation::UpdateCrossTenantPartner)?;
    let partner = partner_id(&id)?;
    let mut body = json_body(body)?;
    match std::mem::take(&mut body.tenant_id) {
        Field::Absent => {}
        Field::Value(given) if TenantId::parse(&given).ok() == Some(partner) => {}
        Field::Value(_) | Field::Null => {
            return Err(read_only(format!("tenantId is the key of a partner configuration and can't be changed. To configure another tenant, POST /policies/crossTenantAccessPolicy/partners with its tenantId; to drop {partner}, DELETE this one.")));
        }
    }
    let patch = partner_patch(body)?;
    state
        .app
        .graph_update_cross_tenant_partner(&caller, partner, patch)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete_partner(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(Operation::DeleteCrossTenantPartner)?;
    let partner = partner_id(&id)?;
    state
        .app
        .graph_delete_cross_tenant_partner(&caller, partner)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
