//! Graph shapes of cross-tenant access settings: `crossTenantAccessPolicy`, its `default`
//! configuration and its `partners`, and the request bodies that change them.

mod form;

use portico_model::cross_tenant::{
    default_configuration_id, policy_id, AccessType, B2bSetting, CloudEndpoint,
    CrossTenantAccessSettings, CrossTenantPolicy, InboundTrust, PartnerConfiguration,
    PrimaryProvider, RedemptionOrder, Target, TargetType, Targets,
};
use portico_model::{invalid, Invalid, TenantId};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Map, Value};

/// A property of a PATCH body: left out, sent as `null`, or sent with a value. Graph gives the
/// three different meanings (keep, inherit, set) on partner configurations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Field<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            None => Self::Null,
            Some(value) => Self::Value(value),
        })
    }
}

/// Described as `T` or `null`, as the body's schema in the OpenAPI document.
impl<T: schemars::JsonSchema> schemars::JsonSchema for Field<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        Option::<T>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Option::<T>::json_schema(generator)
    }
}

impl<T> Field<T> {
    /// The value, treating `null` like a property left out.
    pub fn value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }
}

/// Whether a nested `@odata.type` names `expected` (no casts to other types, P6).
fn check_type(given: Option<&str>, expected: &str, at: &str) -> Result<(), Invalid> {
    match given {
        None => Ok(()),
        Some(name)
            if name
                .trim_start_matches('#')
                .eq_ignore_ascii_case(&format!("microsoft.graph.{expected}")) =>
        {
            Ok(())
        }
        Some(name) => Err(invalid!(at,
            "The type '{name}' is not valid for {at}; expected '#microsoft.graph.{expected}' or no @odata.type."
        )),
    }
}

// ---- names -------------------------------------------------------------------------------

pub fn access_type_name(value: AccessType) -> &'static str {
    match value {
        AccessType::Allowed => "allowed",
        AccessType::Blocked => "blocked",
    }
}

pub fn target_type_name(value: TargetType) -> &'static str {
    match value {
        TargetType::User => "user",
        TargetType::Group => "group",
        TargetType::Application => "application",
    }
}

pub fn cloud_endpoint_name(value: CloudEndpoint) -> &'static str {
    match value {
        CloudEndpoint::MicrosoftOnlineCom => "microsoftonline.com",
        CloudEndpoint::MicrosoftOnlineUs => "microsoftonline.us",
        CloudEndpoint::PartnerMicrosoftOnlineCn => "partner.microsoftonline.cn",
    }
}

pub fn parse_cloud_endpoint(name: &str) -> Result<CloudEndpoint, Invalid> {
    [
        CloudEndpoint::MicrosoftOnlineCom,
        CloudEndpoint::MicrosoftOnlineUs,
        CloudEndpoint::PartnerMicrosoftOnlineCn,
    ]
    .into_iter()
    .find(|v| cloud_endpoint_name(*v).eq_ignore_ascii_case(name))
    .ok_or_else(|| {
        invalid!("allowedCloudEndpoints", "'{name}' is not a supported value for allowedCloudEndpoints; use microsoftonline.com, microsoftonline.us or partner.microsoftonline.cn.")
    })
}

// ---- responses ---------------------------------------------------------------------------

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub fn targets_json(targets: &Targets) -> Value {
    let list: Vec<Value> = targets
        .targets
        .iter()
        .map(|t| json!({"target": t.target, "targetType": target_type_name(t.target_type)}))
        .collect();
    json!({"accessType": access_type_name(targets.access_type), "targets": list})
}

pub fn b2b_setting_json(setting: &B2bSetting) -> Value {
    json!({
        "usersAndGroups": targets_json(&setting.users_and_groups),
        "applications": targets_json(&setting.applications),
    })
}

/// `crossTenantAccessPolicyTenantRestrictions`: a B2B setting plus `devices`, which Graph does
/// not yet enforce and Portico does not model.
pub fn tenant_restrictions_json(setting: &B2bSetting) -> Value {
    json!({
        "devices": null,
        "usersAndGroups": targets_json(&setting.users_and_groups),
        "applications": targets_json(&setting.applications),
    })
}

pub fn inbound_trust_json(trust: &InboundTrust) -> Value {
    json!({
        "isMfaAccepted": trust.is_mfa_accepted,
        "isCompliantDeviceAccepted": trust.is_compliant_device_accepted,
        "isHybridAzureADJoinedDeviceAccepted": trust.is_hybrid_azure_ad_joined_device_accepted,
    })
}

pub fn cross_tenant_policy_json(
    tenant: TenantId,
    policy: &CrossTenantPolicy,
) -> Map<String, Value> {
    let endpoints: Vec<&str> = policy
        .allowed_cloud_endpoints
        .iter()
        .map(|e| cloud_endpoint_name(*e))
        .collect();
    object(json!({
        "id": policy_id(tenant).to_string(),
        "displayName": policy.display_name,
        "allowedCloudEndpoints": endpoints,
    }))
}

/// The tenant's redemption order (`docs/decisions.md` 10 unless changed).
pub fn invitation_redemption_configuration_json(order: &RedemptionOrder) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.defaultInvitationRedemptionIdentityProviderConfiguration",
        "primaryIdentityProviderPrecedenceOrder": order.primary,
        "fallbackIdentityProvider": order.fallback,
    })
}

const REDEMPTION: &str = "invitationRedemptionIdentityProviderConfiguration";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RedemptionBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    primary_identity_provider_precedence_order: Option<Vec<String>>,
    fallback_identity_provider: Option<String>,
}

/// A `PATCH`'s redemption order: each primary provider at most once, and a fallback.
pub fn parse_redemption_configuration(value: &Value) -> Result<RedemptionOrder, Invalid> {
    let body: RedemptionBody = serde_json::from_value(value.clone())
        .map_err(|e| invalid!(REDEMPTION, "'{REDEMPTION}' is not valid: {e}."))?;
    if let Some(kind) = &body.odata_type {
        let known = [
            "invitationRedemptionIdentityProviderConfiguration",
            "defaultInvitationRedemptionIdentityProviderConfiguration",
        ];
        if !known.iter().any(|k| {
            kind.trim_start_matches('#')
                .eq_ignore_ascii_case(&format!("microsoft.graph.{k}"))
        }) {
            return Err(invalid!(
                REDEMPTION,
                "The type '{kind}' is not valid for '{REDEMPTION}'."
            ));
        }
    }
    let primary_at = format!("{REDEMPTION}.primaryIdentityProviderPrecedenceOrder");
    let names = body
        .primary_identity_provider_precedence_order
        .unwrap_or_default();
    if names.is_empty() {
        return Err(invalid!(&primary_at, "'{primary_at}' must name at least one of azureActiveDirectory, externalFederation, socialIdentityProviders, in the order to try them."));
    }
    let mut primary: Vec<PrimaryProvider> = Vec::new();
    for name in &names {
        let provider: PrimaryProvider = serde_json::from_value(Value::String(name.clone()))
            .map_err(|_| invalid!(&primary_at, "'{name}' is not a primary identity provider: use azureActiveDirectory, externalFederation or socialIdentityProviders."))?;
        if primary.contains(&provider) {
            return Err(invalid!(
                &primary_at,
                "'{name}' appears twice in '{primary_at}'."
            ));
        }
        primary.push(provider);
    }
    let fallback_at = format!("{REDEMPTION}.fallbackIdentityProvider");
    let fallback = match body.fallback_identity_provider.as_deref() {
        None => return Err(invalid!(&fallback_at, "'{fallback_at}' is required: defaultConfiguredIdp or emailOneTimePasscode.")),
        Some("microsoftAccount") => return Err(invalid!(&fallback_at, "Portico cannot create personal accounts during redemption, so 'microsoftAccount' is not available: use defaultConfiguredIdp (an existing personal account, else a one-time passcode) or emailOneTimePasscode.")),
        Some(name) => serde_json::from_value(Value::String(name.to_owned()))
            .map_err(|_| invalid!(&fallback_at, "'{name}' is not a fallback identity provider: use defaultConfiguredIdp or emailOneTimePasscode."))?,
    };
    Ok(RedemptionOrder { primary, fallback })
}

pub fn default_configuration_json(
    tenant: TenantId,
    settings: &CrossTenantAccessSettings,
) -> Map<String, Value> {
    object(json!({
        "id": default_configuration_id(tenant).to_string(),
        "isServiceDefault": !settings.customized,
        "inboundTrust": inbound_trust_json(&settings.inbound_trust),
        "b2bCollaborationOutbound": b2b_setting_json(&settings.b2b_collaboration_outbound),
        "b2bCollaborationInbound": b2b_setting_json(&settings.b2b_collaboration_inbound),
        "b2bDirectConnectOutbound": b2b_setting_json(&settings.b2b_direct_connect_outbound),
        "b2bDirectConnectInbound": b2b_setting_json(&settings.b2b_direct_connect_inbound),
        "automaticUserConsentSettings": {"inboundAllowed": false, "outboundAllowed": false},
        "tenantRestrictions": tenant_restrictions_json(&settings.tenant_restrictions),
        "invitationRedemptionIdentityProviderConfiguration": invitation_redemption_configuration_json(&settings.redemption_order),
    }))
}

/// A partner entry; `null` marks a property inherited from the default.
pub fn partner_json(partner: &PartnerConfiguration) -> Map<String, Value> {
    let setting = |s: &Option<B2bSetting>| s.as_ref().map_or(Value::Null, b2b_setting_json);
    object(json!({
        "tenantId": partner.partner_tenant_id.to_string(),
        "isServiceProvider": partner.is_service_provider,
        "isInMultiTenantOrganization": false,
        "inboundTrust": partner.inbound_trust.as_ref().map_or(Value::Null, inbound_trust_json),
        "automaticUserConsentSettings": {
            "inboundAllowed": partner.automatic_user_consent_inbound,
            "outboundAllowed": partner.automatic_user_consent_outbound,
        },
        "b2bCollaborationOutbound": setting(&partner.b2b_collaboration_outbound),
        "b2bCollaborationInbound": setting(&partner.b2b_collaboration_inbound),
        "b2bDirectConnectOutbound": setting(&partner.b2b_direct_connect_outbound),
        "b2bDirectConnectInbound": setting(&partner.b2b_direct_connect_inbound),
        "tenantRestrictions": partner.tenant_restrictions.as_ref().map_or(Value::Null, tenant_restrictions_json),
    }))
}

// ---- requests ----------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    target: Option<String>,
    target_type: Option<String>,
}

/// `crossTenantAccessPolicyTargetConfiguration`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetConfigurationBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    access_type: Option<String>,
    targets: Option<Vec<TargetBody>>,
}

impl TargetConfigurationBody {
    /// The whole target configuration; `at` names it in messages (e.g.
    /// `b2bCollaborationInbound.usersAndGroups`).
    pub fn to_model(&self, at: &str) -> Result<Targets, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "crossTenantAccessPolicyTargetConfiguration",
            at,
        )?;
        let access_type = match self.access_type.as_deref() {
            Some(name) if name.eq_ignore_ascii_case("allowed") => AccessType::Allowed,
            Some(name) if name.eq_ignore_ascii_case("blocked") => AccessType::Blocked,
            Some(other) => {
                return Err(invalid!(
                    format!("{at}.accessType"),
                    "'{other}' is not a valid accessType for {at}; use 'allowed' or 'blocked'."
                ))
            }
            None => {
                return Err(invalid!(
                    format!("{at}.accessType"),
                    "{at} needs an accessType ('allowed' or 'blocked') and its targets."
                ))
            }
        };
        let Some(list) = &self.targets else {
            return Err(invalid!(format!("{at}.targets"),
                "{at} needs its targets, e.g. [{{\"target\": \"AllUsers\", \"targetType\": \"user\"}}]."
            ));
        };
        let targets = list
            .iter()
            .map(|t| target_to_model(t, at))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Targets {
            access_type,
            targets,
        })
    }
}

fn target_to_model(body: &TargetBody, at: &str) -> Result<Target, Invalid> {
    check_type(
        body.odata_type.as_deref(),
        "crossTenantAccessPolicyTarget",
        &format!("a target of {at}"),
    )?;
    let Some(target) = body.target.as_deref().filter(|t| !t.trim().is_empty()) else {
        return Err(invalid!(format!("{at}.targets"),
            "A target of {at} has no 'target': give an object id, an appId or a keyword such as AllUsers."
        ));
    };
    let target_type = match body.target_type.as_deref() {
        Some(name) if name.eq_ignore_ascii_case("user") => TargetType::User,
        Some(name) if name.eq_ignore_ascii_case("group") => TargetType::Group,
        Some(name) if name.eq_ignore_ascii_case("application") => TargetType::Application,
        Some(other) => {
            return Err(invalid!(format!("{at}.targets"),
                "'{other}' is not a valid targetType for target '{target}' in {at}; use 'user', 'group' or 'application'."
            ))
        }
        None => {
            return Err(invalid!(format!("{at}.targets"),
                "Target '{target}' in {at} has no targetType; use 'user', 'group' or 'application'."
            ))
        }
    };
    Ok(Target {
        target: target.trim().to_owned(),
        target_type,
    })
}

/// `crossTenantAccessPolicyB2BSetting`. Either half may be left out.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct B2bSettingBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    #[serde(default)]
    users_and_groups: Field<TargetConfigurationBody>,
    #[serde(default)]
    applications: Field<TargetConfigurationBody>,
}

/// The halves a request gives (`usersAndGroups`, `applications`); a half left out or `null` is
/// `None`.
pub type Halves = (Option<Targets>, Option<Targets>);

fn halves(
    users_and_groups: &Field<TargetConfigurationBody>,
    applications: &Field<TargetConfigurationBody>,
    at: &str,
) -> Result<Halves, Invalid> {
    let half = |field: &Field<TargetConfigurationBody>, name: &str| match field {
        Field::Value(body) => body.to_model(&format!("{at}.{name}")).map(Some),
        Field::Absent | Field::Null => Ok(None),
    };
    Ok((
        half(users_and_groups, "usersAndGroups")?,
        half(applications, "applications")?,
    ))
}

impl B2bSettingBody {
    pub fn halves(&self, at: &str) -> Result<Halves, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "crossTenantAccessPolicyB2BSetting",
            at,
        )?;
        halves(&self.users_and_groups, &self.applications, at)
    }
}

/// `crossTenantAccessPolicyTenantRestrictions`: a B2B setting plus `devices` (not supported).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantRestrictionsBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    #[serde(default)]
    users_and_groups: Field<TargetConfigurationBody>,
    #[serde(default)]
    applications: Field<TargetConfigurationBody>,
    #[serde(default)]
    devices: Field<Value>,
}

impl TenantRestrictionsBody {
    pub fn halves(&self, at: &str) -> Result<Halves, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "crossTenantAccessPolicyTenantRestrictions",
            at,
        )?;
        if let Field::Value(_) = self.devices {
            return Err(invalid!(format!("{at}.devices"),
                "{at}.devices is not supported: Portico's tenant restrictions apply to users, groups and applications. Leave devices out or null."
            ));
        }
        halves(&self.users_and_groups, &self.applications, at)
    }
}

/// `crossTenantAccessPolicyInboundTrust`; a flag left out (or `null`) keeps its value.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InboundTrustBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    pub is_mfa_accepted: Option<bool>,
    pub is_compliant_device_accepted: Option<bool>,
    #[serde(rename = "isHybridAzureADJoinedDeviceAccepted")]
    pub is_hybrid_azure_ad_joined_device_accepted: Option<bool>,
}

impl InboundTrustBody {
    pub fn check(&self, at: &str) -> Result<(), Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "crossTenantAccessPolicyInboundTrust",
            at,
        )
    }
}

/// `inboundOutboundPolicyConfiguration` (`automaticUserConsentSettings`).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    #[serde(default)]
    pub inbound_allowed: Field<bool>,
    #[serde(default)]
    pub outbound_allowed: Field<bool>,
}

impl ConsentBody {
    pub fn check(&self, at: &str) -> Result<(), Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "inboundOutboundPolicyConfiguration",
            at,
        )
    }
}

/// `PATCH /policies/crossTenantAccessPolicy`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyBody {
    #[serde(rename = "@odata.type")]
    pub odata_type: Option<String>,
    pub display_name: Option<String>,
    pub allowed_cloud_endpoints: Option<Vec<String>>,
}

/// `PATCH /policies/crossTenantAccessPolicy/default`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DefaultBody {
    #[serde(rename = "@odata.type")]
    pub odata_type: Option<String>,
    /// Read-only; present only to be refused with a message rather than as an unknown property.
    #[serde(default)]
    pub is_service_default: Field<bool>,
    #[serde(default)]
    pub inbound_trust: Field<InboundTrustBody>,
    #[serde(default)]
    pub b2b_collaboration_inbound: Field<B2bSettingBody>,
    #[serde(default)]
    pub b2b_collaboration_outbound: Field<B2bSettingBody>,
    #[serde(default)]
    pub b2b_direct_connect_inbound: Field<B2bSettingBody>,
    #[serde(default)]
    pub b2b_direct_connect_outbound: Field<B2bSettingBody>,
    #[serde(default)]
    pub automatic_user_consent_settings: Field<ConsentBody>,
    #[serde(default)]
    pub tenant_restrictions: Field<TenantRestrictionsBody>,
    #[serde(default)]
    pub invitation_redemption_identity_provider_configuration: Field<Value>,
}

/// `POST /policies/crossTenantAccessPolicy/partners` and `PATCH …/partners/{id}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartnerBody {
    #[serde(rename = "@odata.type")]
    pub odata_type: Option<String>,
    #[serde(default)]
    pub tenant_id: Field<String>,
    #[serde(default)]
    pub inbound_trust: Field<InboundTrustBody>,
    #[serde(default)]
    pub b2b_collaboration_inbound: Field<B2bSettingBody>,
    #[serde(default)]
    pub b2b_collaboration_outbound: Field<B2bSettingBody>,
    #[serde(default)]
    pub b2b_direct_connect_inbound: Field<B2bSettingBody>,
    #[serde(default)]
    pub b2b_direct_connect_outbound: Field<B2bSettingBody>,
    #[serde(default)]
    pub automatic_user_consent_settings: Field<ConsentBody>,
    #[serde(default)]
    pub tenant_restrictions: Field<TenantRestrictionsBody>,
    #[serde(default)]
    pub is_service_provider: Field<bool>,
    /// Read-only (multitenant organizations are not modelled): only `false` or `null` pass.
    #[serde(default)]
    pub is_in_multi_tenant_organization: Field<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_model::cross_tenant::FallbackProvider;

    #[test]
    fn fields_tell_absent_from_null() {
        let body: PartnerBody =
            serde_json::from_value(json!({"inboundTrust": null, "isServiceProvider": true}))
                .unwrap();
        assert!(matches!(body.inbound_trust, Field::Null));
        assert!(matches!(body.b2b_collaboration_inbound, Field::Absent));
        assert_eq!(body.is_service_provider, Field::Value(true));
    }

    #[test]
    fn target_configurations_need_valid_names() {
        let parse = |v: Value| {
            serde_json::from_value::<TargetConfigurationBody>(v)
                .unwrap()
                .to_model("x.usersAndGroups")
        };
        let ok = parse(json!({"accessType": "blocked", "targets": [{"target": "AllUsers", "targetType": "user"}]})).unwrap();
        assert_eq!(
            ok,
            Targets::all(AccessType::Blocked, "AllUsers", TargetType::User)
        );
        let bad = parse(json!({"accessType": "unknownFutureValue", "targets": []})).unwrap_err();
        assert!(bad.message.contains("'allowed' or 'blocked'"), "{bad}");
        assert_eq!(bad.property, "x.usersAndGroups.accessType");
        let bad = parse(json!({"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "device"}]})).unwrap_err();
        assert!(
            bad.message.contains("'user', 'group' or 'application'"),
            "{bad}"
        );
        assert_eq!(bad.property, "x.usersAndGroups.targets");
        assert!(parse(json!({"accessType": "allowed"})).is_err());
    }

    #[test]
    fn redemption_orders_round_trip_and_explain_mistakes() {
        let order = RedemptionOrder::default();
        let shown = invitation_redemption_configuration_json(&order);
        assert_eq!(
            shown["primaryIdentityProviderPrecedenceOrder"],
            json!([
                "azureActiveDirectory",
                "externalFederation",
                "socialIdentityProviders"
            ])
        );
        assert_eq!(parse_redemption_configuration(&shown).unwrap(), order);
        let otp = parse_redemption_configuration(&json!({
            "primaryIdentityProviderPrecedenceOrder": ["externalFederation", "azureActiveDirectory"],
            "fallbackIdentityProvider": "emailOneTimePasscode"})).unwrap();
        assert_eq!(otp.fallback, FallbackProvider::EmailOneTimePasscode);
        assert_eq!(otp.primary[0], PrimaryProvider::ExternalFederation);
        let twice = parse_redemption_configuration(&json!({
            "primaryIdentityProviderPrecedenceOrder": ["externalFederation", "externalFederation"],
            "fallbackIdentityProvider": "defaultConfiguredIdp"}))
        .unwrap_err();
        assert!(twice.message.contains("appears twice"), "{twice}");
        let msa = parse_redemption_configuration(&json!({
            "primaryIdentityProviderPrecedenceOrder": ["azureActiveDirectory"],
            "fallbackIdentityProvider": "microsoftAccount"}))
        .unwrap_err();
        assert_eq!(
            msa.property,
            "invitationRedemptionIdentityProviderConfiguration.fallbackIdentityProvider"
        );
    }
}
