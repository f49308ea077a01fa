//! Graph shapes of Conditional Access: `conditionalAccessPolicy` (with its condition set and
//! grant controls) and the request bodies that create and change it. Bodies are strict (P6):
//! unknown properties, unknown enum values, casts and settings Portico cannot evaluate are
//! refused with a message that names the property.

use super::session_controls::{session_controls_json, SessionControlsBody};
use super::timestamp;
use portico_model::conditional_access::{
    ApplicationConditions, BuiltInControl, ConditionalAccessPolicy, Conditions, ExternalTenants,
    GrantControls, GrantOperator, GuestOrExternalUserType, GuestsOrExternalUsers,
    LocationConditions, PlatformConditions, PolicyState, RiskLevel, SessionControls,
    UserConditions,
};
use portico_model::{invalid, Invalid, TenantId};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Map, Value};

mod form;
pub use form::{policy_body_from_form, policy_form_pairs};

const ALL_EXTERNAL_TENANTS: &str = "conditionalAccessAllExternalTenants";
const ENUMERATED_EXTERNAL_TENANTS: &str = "conditionalAccessEnumeratedExternalTenants";

/// Whether a nested `@odata.type` names `expected` (no casts to other types, P6).
pub(crate) fn check_type(given: Option<&str>, expected: &str, at: &str) -> Result<(), Invalid> {
    match given {
        None => Ok(()),
        Some(name) if is_type(name, expected) => Ok(()),
        Some(name) => Err(invalid!(at,
            "The type '{name}' is not valid for '{at}'; expected '#microsoft.graph.{expected}' or no @odata.type."
        )),
    }
}

pub(crate) fn is_type(given: &str, expected: &str) -> bool {
    given
        .trim_start_matches('#')
        .eq_ignore_ascii_case(&format!("microsoft.graph.{expected}"))
}

/// Distinguishes `"x": null` (`Some(None)`) from a property left out (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Read-only properties may be echoed back only as `null`.
pub(crate) fn refuse_read_only(name: &str, value: &Option<Value>) -> Result<(), Invalid> {
    match value {
        None | Some(Value::Null) => Ok(()),
        Some(_) => Err(invalid!(
            name,
            "Property '{name}' is read-only and cannot be set; leave it out of the request."
        )),
    }
}

/// Settings Portico cannot evaluate are refused unless empty, rather than silently ignored.
pub(crate) fn refuse_unsupported(name: &str, value: &Option<Value>) -> Result<(), Invalid> {
    let empty = match value {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    };
    if empty {
        Ok(())
    } else {
        Err(invalid!(name,
            "Portico does not support '{name}' in Conditional Access policies; leave it out or send null."
        ))
    }
}

/// A model enum from Graph's spelling, case-insensitively, or a message listing the values.
pub(crate) fn enum_value<T: serde::de::DeserializeOwned>(
    property: &str,
    value: &str,
    allowed: &[&str],
) -> Result<T, Invalid> {
    let invalid = || {
        invalid!(
            property,
            "Invalid value '{value}' for '{property}'. Use one of: {}.",
            allowed.join(", ")
        )
    };
    let name = allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value.trim()))
        .ok_or_else(invalid)?;
    serde_json::from_value(Value::String((*name).to_owned())).map_err(|_| invalid())
}

const STATES: &[&str] = &["enabled", "disabled", "enabledForReportingButNotEnforced"];
const RISK_LEVELS: &[&str] = &["none", "low", "medium", "high"];
const CONTROLS: &[&str] = &[
    "block",
    "mfa",
    "compliantDevice",
    "domainJoinedDevice",
    "approvedApplication",
    "compliantApplication",
    "passwordChange",
];
const GUEST_TYPES: &[&str] = &[
    "internalGuest",
    "b2bCollaborationGuest",
    "b2bCollaborationMember",
    "b2bDirectConnectUser",
    "otherExternalUser",
    "serviceProvider",
];

fn risk_levels(property: &str, values: Option<Vec<String>>) -> Result<Vec<RiskLevel>, Invalid> {
    values
        .unwrap_or_default()
        .iter()
        .map(|v| enum_value(property, v, RISK_LEVELS))
        .collect()
}

// ---- request bodies ------------------------------------------------------------------------

/// `POST /identity/conditionalAccess/policies` and `PATCH …/policies/{id}`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    id: Option<Value>,
    created_date_time: Option<Value>,
    modified_date_time: Option<Value>,
    template_id: Option<Value>,
    display_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    state: Option<String>,
    conditions: Option<ConditionsBody>,
    #[serde(default, deserialize_with = "present")]
    grant_controls: Option<Option<GrantControlsBody>>,
    #[serde(default, deserialize_with = "present")]
    session_controls: Option<Option<SessionControlsBody>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConditionsBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    users: Option<UsersBody>,
    applications: Option<ApplicationsBody>,
    client_app_types: Option<Vec<String>>,
    locations: Option<LocationsBody>,
    platforms: Option<PlatformsBody>,
    sign_in_risk_levels: Option<Vec<String>>,
    user_risk_levels: Option<Vec<String>>,
    service_principal_risk_levels: Option<Value>,
    insider_risk_levels: Option<Value>,
    devices: Option<Value>,
    client_applications: Option<Value>,
    authentication_flows: Option<Value>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UsersBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    include_users: Option<Vec<String>>,
    exclude_users: Option<Vec<String>>,
    include_groups: Option<Vec<String>>,
    exclude_groups: Option<Vec<String>>,
    include_roles: Option<Vec<String>>,
    exclude_roles: Option<Vec<String>>,
    include_guests_or_external_users: Option<GuestsBody>,
    exclude_guests_or_external_users: Option<GuestsBody>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GuestsBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    guest_or_external_user_types: Option<String>,
    external_tenants: Option<ExternalTenantsBody>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExternalTenantsBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    membership_kind: Option<String>,
    members: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ApplicationsBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    include_applications: Option<Vec<String>>,
    exclude_applications: Option<Vec<String>>,
    include_user_actions: Option<Value>,
    include_authentication_context_class_references: Option<Value>,
    application_filter: Option<Value>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LocationsBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    include_locations: Option<Vec<String>>,
    exclude_locations: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PlatformsBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    include_platforms: Option<Vec<String>>,
    exclude_platforms: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GrantControlsBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    operator: Option<String>,
    built_in_controls: Option<Vec<String>>,
    custom_authentication_factors: Option<Value>,
    terms_of_use: Option<Vec<String>>,
    authentication_strength: Option<Value>,
}

/// The properties a policy body sets, in model types. Business rules (block stands alone,
/// references exist …) are `portico_app`'s.
#[derive(Debug, Default)]
pub struct PolicyFields {
    pub display_name: Option<String>,
    /// `Some(None)`: sent as `null` (cleared).
    pub description: Option<Option<String>>,
    pub state: Option<PolicyState>,
    pub conditions: Option<Conditions>,
    /// `Some(None)`: sent as `null`.
    pub grant_controls: Option<Option<GrantControls>>,
    /// `Some(None)`: sent as `null`.
    pub session_controls: Option<Option<SessionControls>>,
}

impl PolicyBody {
    pub fn into_fields(self) -> Result<PolicyFields, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "conditionalAccessPolicy",
            "policy",
        )?;
        refuse_read_only("id", &self.id)?;
        refuse_read_only("createdDateTime", &self.created_date_time)?;
        refuse_read_only("modifiedDateTime", &self.modified_date_time)?;
        refuse_read_only("templateId", &self.template_id)?;
        Ok(PolicyFields {
            display_name: self.display_name,
            description: self.description,
            state: self
                .state
                .map(|s| enum_value("state", &s, STATES))
                .transpose()?,
            conditions: self
                .conditions
                .map(ConditionsBody::into_model)
                .transpose()?,
            grant_controls: match self.grant_controls {
                None => None,
                Some(None) => Some(None),
                Some(Some(grant)) => Some(Some(grant.into_model()?)),
            },
            session_controls: match self.session_controls {
                None => None,
                Some(None) => Some(None),
                Some(Some(session)) => Some(Some(session.into_model()?)),
            },
        })
    }
}

impl ConditionsBody {
    fn into_model(self) -> Result<Conditions, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "conditionalAccessConditionSet",
            "conditions",
        )?;
        refuse_unsupported(
            "conditions.servicePrincipalRiskLevels",
            &self.service_principal_risk_levels,
        )?;
        refuse_unsupported("conditions.insiderRiskLevels", &self.insider_risk_levels)?;
        refuse_unsupported("conditions.devices", &self.devices)?;
        refuse_unsupported("conditions.clientApplications", &self.client_applications)?;
        refuse_unsupported("conditions.authenticationFlows", &self.authentication_flows)?;
        let users = self.users.map(UsersBody::into_model).transpose()?;
        let applications = self
            .applications
            .map(ApplicationsBody::into_model)
            .transpose()?;
        let locations = self
            .locations
            .map(|l| {
                check_type(
                    l.odata_type.as_deref(),
                    "conditionalAccessLocations",
                    "conditions.locations",
                )?;
                Ok::<_, Invalid>(LocationConditions {
                    include_locations: l.include_locations.unwrap_or_default(),
                    exclude_locations: l.exclude_locations.unwrap_or_default(),
                })
            })
            .transpose()?;
        let platforms = self
            .platforms
            .map(|p| {
                check_type(
                    p.odata_type.as_deref(),
                    "conditionalAccessPlatforms",
                    "conditions.platforms",
                )?;
                Ok::<_, Invalid>(PlatformConditions {
                    include_platforms: p.include_platforms.unwrap_or_default(),
                    exclude_platforms: p.exclude_platforms.unwrap_or_default(),
                })
            })
            .transpose()?;
        Ok(Conditions {
            users: users.unwrap_or_default(),
            applications: applications.unwrap_or_default(),
            locations,
            client_app_types: self.client_app_types.unwrap_or_default(),
            user_risk_levels: risk_levels("conditions.userRiskLevels", self.user_risk_levels)?,
            sign_in_risk_levels: risk_levels(
                "conditions.signInRiskLevels",
                self.sign_in_risk_levels,
            )?,
            platforms,
        })
    }
}

impl UsersBody {
    fn into_model(self) -> Result<UserConditions, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "conditionalAccessUsers",
            "conditions.users",
        )?;
        let guests = |body: Option<GuestsBody>, at: &str| {
            body.map(|g| g.into_model(at))
                .transpose()
                .map(Option::flatten)
        };
        Ok(UserConditions {
            include_users: self.include_users.unwrap_or_default(),
            exclude_users: self.exclude_users.unwrap_or_default(),
            include_groups: self.include_groups.unwrap_or_default(),
            exclude_groups: self.exclude_groups.unwrap_or_default(),
            include_roles: self.include_roles.unwrap_or_default(),
            exclude_roles: self.exclude_roles.unwrap_or_default(),
            include_guests_or_external_users: guests(
                self.include_guests_or_external_users,
                "conditions.users.includeGuestsOrExternalUsers",
            )?,
            exclude_guests_or_external_users: guests(
                self.exclude_guests_or_external_users,
                "conditions.users.excludeGuestsOrExternalUsers",
            )?,
        })
    }
}

impl GuestsBody {
    /// `None` when no type is named (`""` or `"none"`): the condition is off.
    fn into_model(self, at: &str) -> Result<Option<GuestsOrExternalUsers>, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "conditionalAccessGuestsOrExternalUsers",
            at,
        )?;
        let types_property = format!("{at}.guestOrExternalUserTypes");
        let mut types: Vec<GuestOrExternalUserType> = Vec::new();
        for name in self
            .guest_or_external_user_types
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("none"))
        {
            let kind = enum_value(&types_property, name, GUEST_TYPES)?;
            if !types.contains(&kind) {
                types.push(kind);
            }
        }
        let tenants_property = format!("{at}.externalTenants");
        if types.is_empty() {
            if self.external_tenants.is_some() {
                return Err(invalid!(&tenants_property, "'{tenants_property}' can only be set when '{types_property}' names at least one type (for example \"b2bCollaborationGuest\")."));
            }
            return Ok(None);
        }
        let external_tenants = match self.external_tenants {
            None => ExternalTenants::All,
            Some(body) => body.into_model(&tenants_property)?,
        };
        Ok(Some(GuestsOrExternalUsers {
            guest_or_external_user_types: types,
            external_tenants,
        }))
    }
}

impl ExternalTenantsBody {
    fn into_model(self, at: &str) -> Result<ExternalTenants, Invalid> {
        let by_type = match self.odata_type.as_deref() {
            None => None,
            Some(t) if is_type(t, ALL_EXTERNAL_TENANTS) => Some("all"),
            Some(t) if is_type(t, ENUMERATED_EXTERNAL_TENANTS) => Some("enumerated"),
            Some(t) => return Err(invalid!(at, "The type '{t}' is not valid for '{at}'; expected '#microsoft.graph.{ALL_EXTERNAL_TENANTS}' or '#microsoft.graph.{ENUMERATED_EXTERNAL_TENANTS}'.")),
        };
        let kind = match (by_type, self.membership_kind.as_deref()) {
            (None, None) => {
                return Err(invalid!(
                    at,
                    "'{at}' needs 'membershipKind' (all or enumerated) or an '@odata.type'."
                ))
            }
            (Some(kind), None) => kind.to_owned(),
            (by_type, Some(given)) => {
                let given = given.to_ascii_lowercase();
                if given != "all" && given != "enumerated" {
                    return Err(invalid!(format!("{at}.membershipKind"), "Invalid value '{given}' for '{at}.membershipKind'. Use one of: all, enumerated."));
                }
                if by_type.is_some_and(|t| t != given) {
                    return Err(invalid!(
                        format!("{at}.membershipKind"),
                        "'{at}.membershipKind' '{given}' does not match its '@odata.type'."
                    ));
                }
                given
            }
        };
        if kind == "all" {
            if self.members.is_some() {
                return Err(invalid!(format!("{at}.members"), "'{at}.members' is only for membershipKind 'enumerated' (#microsoft.graph.{ENUMERATED_EXTERNAL_TENANTS})."));
            }
            return Ok(ExternalTenants::All);
        }
        let members = self
            .members
            .unwrap_or_default()
            .iter()
            .map(|m| {
                TenantId::parse(m).map_err(|_| {
                    invalid!(
                        format!("{at}.members"),
                        "'{m}' in '{at}.members' is not a tenant id (GUID)."
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(ExternalTenants::Enumerated { members })
    }
}

impl ApplicationsBody {
    fn into_model(self) -> Result<ApplicationConditions, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "conditionalAccessApplications",
            "conditions.applications",
        )?;
        refuse_unsupported(
            "conditions.applications.includeUserActions",
            &self.include_user_actions,
        )?;
        refuse_unsupported(
            "conditions.applications.includeAuthenticationContextClassReferences",
            &self.include_authentication_context_class_references,
        )?;
        refuse_unsupported(
            "conditions.applications.applicationFilter",
            &self.application_filter,
        )?;
        Ok(ApplicationConditions {
            include_applications: self.include_applications.unwrap_or_default(),
            exclude_applications: self.exclude_applications.unwrap_or_default(),
        })
    }
}

impl GrantControlsBody {
    fn into_model(self) -> Result<GrantControls, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "conditionalAccessGrantControls",
            "grantControls",
        )?;
        refuse_unsupported(
            "grantControls.customAuthenticationFactors",
            &self.custom_authentication_factors,
        )?;
        refuse_unsupported(
            "grantControls.authenticationStrength",
            &self.authentication_strength,
        )?;
        let operator = match self.operator.as_deref().map(str::trim) {
            None => GrantOperator::Or,
            Some(o) if o.eq_ignore_ascii_case("OR") => GrantOperator::Or,
            Some(o) if o.eq_ignore_ascii_case("AND") => GrantOperator::And,
            Some(other) => {
                return Err(invalid!(
                    "grantControls.operator",
                    "Invalid value '{other}' for 'grantControls.operator'. Use one of: AND, OR."
                ))
            }
        };
        let mut built_in_controls: Vec<BuiltInControl> = Vec::new();
        for name in self.built_in_controls.unwrap_or_default() {
            let control = enum_value("grantControls.builtInControls", &name, CONTROLS)?;
            if !built_in_controls.contains(&control) {
                built_in_controls.push(control);
            }
        }
        Ok(GrantControls {
            operator,
            built_in_controls,
            terms_of_use: self.terms_of_use.unwrap_or_default(),
        })
    }
}

// ---- responses -----------------------------------------------------------------------------

fn name_of<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn guests_json(guests: &Option<GuestsOrExternalUsers>) -> Value {
    let Some(guests) = guests else {
        return Value::Null;
    };
    let types: Vec<String> = guests
        .guest_or_external_user_types
        .iter()
        .filter_map(|t| name_of(t).as_str().map(str::to_owned))
        .collect();
    let tenants = match &guests.external_tenants {
        ExternalTenants::All => json!({
            "@odata.type": format!("#microsoft.graph.{ALL_EXTERNAL_TENANTS}"),
            "membershipKind": "all",
        }),
        ExternalTenants::Enumerated { members } => json!({
            "@odata.type": format!("#microsoft.graph.{ENUMERATED_EXTERNAL_TENANTS}"),
            "membershipKind": "enumerated",
            "members": members.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }),
    };
    json!({"guestOrExternalUserTypes": types.join(","), "externalTenants": tenants})
}

/// A policy as Graph returns it.
pub fn policy_json(policy: &ConditionalAccessPolicy) -> Map<String, Value> {
    let c = &policy.conditions;
    let users = &c.users;
    let grant = policy.grant_controls.as_ref().map_or(Value::Null, |g| {
        json!({
            "operator": name_of(&g.operator),
            "builtInControls": g.built_in_controls.iter().map(name_of).collect::<Vec<_>>(),
            "customAuthenticationFactors": [],
            "termsOfUse": g.terms_of_use,
        })
    });
    let object = json!({
        "id": policy.id.to_string(),
        "templateId": null,
        "displayName": policy.display_name,
        "description": policy.description,
        "createdDateTime": timestamp(policy.created_at),
        "modifiedDateTime": policy.modified_at.map_or(Value::Null, timestamp),
        "state": name_of(&policy.state),
        "sessionControls": session_controls_json(&policy.session_controls),
        "conditions": {
            "userRiskLevels": c.user_risk_levels.iter().map(name_of).collect::<Vec<_>>(),
            "signInRiskLevels": c.sign_in_risk_levels.iter().map(name_of).collect::<Vec<_>>(),
            "clientAppTypes": c.client_app_types,
            "servicePrincipalRiskLevels": [],
            "platforms": c.platforms.as_ref().map_or(Value::Null, |p| json!({
                "includePlatforms": p.include_platforms,
                "excludePlatforms": p.exclude_platforms,
            })),
            "locations": c.locations.as_ref().map_or(Value::Null, |l| json!({
                "includeLocations": l.include_locations,
                "excludeLocations": l.exclude_locations,
            })),
            "devices": null,
            "clientApplications": null,
            "applications": {
                "includeApplications": c.applications.include_applications,
                "excludeApplications": c.applications.exclude_applications,
                "includeUserActions": [],
            },
            "users": {
                "includeUsers": users.include_users,
                "excludeUsers": users.exclude_users,
                "includeGroups": users.include_groups,
                "excludeGroups": users.exclude_groups,
                "includeRoles": users.include_roles,
                "excludeRoles": users.exclude_roles,
                "includeGuestsOrExternalUsers": guests_json(&users.include_guests_or_external_users),
                "excludeGuestsOrExternalUsers": guests_json(&users.exclude_guests_or_external_users),
            },
        },
        "grantControls": grant,
    });
    match object {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: Value) -> Result<PolicyFields, String> {
        serde_json::from_value::<PolicyBody>(body)
            .map_err(|e| e.to_string())?
            .into_fields()
            .map_err(|e| e.to_string())
    }

    #[test]
    fn guest_types_are_a_comma_separated_string() {
        let fields = parse(json!({"conditions": {"users": {"includeGuestsOrExternalUsers": {
            "guestOrExternalUserTypes": "b2bCollaborationGuest, b2bCollaborationMember",
            "externalTenants": {"@odata.type": "#microsoft.graph.conditionalAccessEnumeratedExternalTenants",
                                "members": ["22222222-2222-4222-8222-222222222222"]}}}}}))
        .unwrap();
        let guests = fields
            .conditions
            .unwrap()
            .users
            .include_guests_or_external_users
            .unwrap();
        assert_eq!(
            guests.guest_or_external_user_types,
            [
                GuestOrExternalUserType::B2bCollaborationGuest,
                GuestOrExternalUserType::B2bCollaborationMember
            ]
        );
        assert!(
            matches!(guests.external_tenants, ExternalTenants::Enumerated { ref members } if members.len() == 1)
        );
        let rendered = guests_json(&Some(guests));
        assert_eq!(
            rendered["guestOrExternalUserTypes"],
            "b2bCollaborationGuest,b2bCollaborationMember"
        );
        assert_eq!(rendered["externalTenants"]["membershipKind"], "enumerated");
    }

    #[test]
    fn strictness() {
        assert!(parse(json!({"state": "on"}))
            .unwrap_err()
            .contains("Use one of"));
        assert!(parse(json!({"colour": "red"}))
            .unwrap_err()
            .contains("unknown field"));
        assert!(parse(json!({"id": "x"})).unwrap_err().contains("read-only"));
        assert!(
            parse(json!({"grantControls": {"builtInControls": ["mfaa"]}}))
                .unwrap_err()
                .contains("builtInControls")
        );
        assert!(parse(
            json!({"conditions": {"users": {"includeGuestsOrExternalUsers": {
            "guestOrExternalUserTypes": "none",
            "externalTenants": {"membershipKind": "all"}}}}})
        )
        .unwrap_err()
        .contains("can only be set when"));
        assert!(parse(json!({"sessionControls": {"signInFrequency": {}}}))
            .unwrap_err()
            .contains("needs 'value' and 'type'"));
        assert!(
            parse(json!({"sessionControls": null, "grantControls": null}))
                .unwrap()
                .grant_controls
                == Some(None)
        );
    }
}
