//! Conditional Access policies through Graph: who may manage them, the rules a policy must keep
//! (checked for Graph writes and for seeds alike), and create / read / update / delete.

use super::access::{Caller, GraphError};
use super::permissions::Operation;
use crate::App;
use portico_model::conditional_access::{
    ApplicationConditions, BuiltInControl, ConditionalAccessPolicy, Conditions, ExternalTenants,
    GrantControls, GrantOperator, GuestsOrExternalUsers, LocationConditions, NamedLocation,
    PlatformConditions, PolicyState, SessionControls, TermsOfUse, UserConditions,
};
use portico_model::{invalid, Invalid, ObjectId};
use portico_store::{StoreError, Write};

/// A create or `PATCH` body: the properties present replace the stored ones (complex properties
/// such as `conditions` are replaced whole, as Graph does).
#[derive(Debug, Clone, Default)]
pub struct PolicyPatch {
    pub display_name: Option<String>,
    /// `Some(None)` clears it.
    pub description: Option<Option<String>>,
    pub state: Option<PolicyState>,
    pub conditions: Option<Conditions>,
    /// `Some(None)` is an explicit `null`.
    pub grant_controls: Option<Option<GrantControls>>,
    /// `Some(None)` is an explicit `null`.
    pub session_controls: Option<Option<SessionControls>>,
}

const USER_KEYWORDS: &[&str] = &["All", "None", "GuestsOrExternalUsers"];
const APP_KEYWORDS: &[&str] = &["All", "None", "Office365", "MicrosoftAdminPortals"];
const LOCATION_KEYWORDS: &[&str] = &["All", "AllTrusted"];
const CLIENT_APP_TYPES: &[&str] = &[
    "all",
    "browser",
    "mobileAppsAndDesktopClients",
    "exchangeActiveSync",
    "easSupported",
    "other",
];
const PLATFORMS: &[&str] = &[
    "all",
    "android",
    "iOS",
    "windows",
    "windowsPhone",
    "macOS",
    "linux",
];

/// `value` spelled as in `allowed` (case-insensitively), or an error naming the property.
fn canonical(property: &str, value: &str, allowed: &[&str]) -> Result<String, Invalid> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .map(|a| (*a).to_owned())
        .ok_or_else(|| {
            Invalid::new(
                property,
                format!(
                    "Invalid value '{value}' in '{property}'. Use one of: {}.",
                    allowed.join(", ")
                ),
            )
        })
}

/// Keywords are normalised to Graph's spelling; anything else must be an object id.
fn keyword_or_id(property: &str, value: &str, keywords: &[&str]) -> Result<String, Invalid> {
    if let Ok(keyword) = canonical(property, value, keywords) {
        return Ok(keyword);
    }
    ObjectId::parse(value)
        .map(|id| id.to_string())
        .map_err(|_| {
            let expected = if keywords.is_empty() {
                "an object id (GUID)".to_owned()
            } else {
                format!("{} or an object id (GUID)", keywords.join(", "))
            };
            Invalid::new(
                property,
                format!("Invalid value '{value}' in '{property}': expected {expected}."),
            )
        })
}

fn keywords_or_ids(
    property: &str,
    values: &mut [String],
    keywords: &[&str],
) -> Result<(), Invalid> {
    for value in values.iter_mut() {
        *value = keyword_or_id(property, value, keywords)?;
    }
    // A keyword that means "everyone" or "no one" stands alone.
    if values.len() > 1 {
        if let Some(alone) = values.iter().find(|v| *v == "All" || *v == "None") {
            return Err(Invalid::new(
                property,
                format!("'{alone}' in '{property}' cannot be combined with other values; send it alone."),
            ));
        }
    }
    Ok(())
}

fn check_guests(property: &str, guests: &GuestsOrExternalUsers) -> Result<(), Invalid> {
    if guests.guest_or_external_user_types.is_empty() {
        return Err(Invalid::new(format!("{property}.guestOrExternalUserTypes"), format!(
            "'{property}.guestOrExternalUserTypes' is empty: name at least one type (for example b2bCollaborationGuest), or send null for the whole property."
        )));
    }
    if let ExternalTenants::Enumerated { members } = &guests.external_tenants {
        if members.is_empty() {
            return Err(Invalid::new(format!("{property}.externalTenants"), format!(
                "'{property}.externalTenants' enumerates no tenants: list tenant ids in 'members', or use #microsoft.graph.conditionalAccessAllExternalTenants."
            )));
        }
    }
    Ok(())
}

/// Checks a policy before it is stored and normalises keyword spelling. `locations` and `terms`
/// are the tenant's own: a policy may only refer to those. The message says what is wrong and
/// what to change.
pub fn validate_policy(
    policy: &mut ConditionalAccessPolicy,
    locations: &[NamedLocation],
    terms: &[TermsOfUse],
) -> Result<(), Invalid> {
    if policy.display_name.trim().is_empty() {
        return Err(Invalid::new(
            "displayName",
            "'displayName' is required and cannot be empty.",
        ));
    }
    let conditions = &mut policy.conditions;
    check_users(&mut conditions.users)?;
    check_applications(&mut conditions.applications)?;
    check_client_app_types(&mut conditions.client_app_types)?;
    if let Some(platforms) = &mut conditions.platforms {
        check_platforms(platforms)?;
    }
    if let Some(places) = &mut conditions.locations {
        check_locations(places, locations)?;
    }
    check_session(policy)?;
    check_grant(policy, terms)
}

/// `sessionControls`: Entra's ranges for sign-in frequency, and a persistent browser session
/// only for a policy on all apps. An empty object reads as none.
fn check_session(policy: &mut ConditionalAccessPolicy) -> Result<(), Invalid> {
    use portico_model::conditional_access::{FrequencyInterval, FrequencyUnit};
    let Some(session) = policy.session_controls else {
        return Ok(());
    };
    if session.sign_in_frequency.is_none() && session.persistent_browser.is_none() {
        policy.session_controls = None;
        return Ok(());
    }
    if let Some(frequency) = session.sign_in_frequency {
        if let FrequencyInterval::TimeBased { value, unit } = frequency.interval {
            let (most, unit_name) = match unit {
                FrequencyUnit::Hours => (23, "hours"),
                FrequencyUnit::Days => (365, "days"),
            };
            if !(1..=most).contains(&value) {
                return Err(invalid!("sessionControls.signInFrequency.value", "'sessionControls.signInFrequency.value' must be between 1 and {most} {unit_name}; for a day or more use type 'days'."));
            }
        }
    }
    if session.persistent_browser.is_some()
        && policy.conditions.applications.include_applications != ["All"]
    {
        return Err(Invalid::new("sessionControls.persistentBrowser", "A persistent browser session can only be set in a policy for all cloud apps: set 'conditions.applications.includeApplications' to [\"All\"]."));
    }
    Ok(())
}

/// `conditions.users`: keywords spelled right, ids well formed, and someone included.
fn check_users(users: &mut UserConditions) -> Result<(), Invalid> {
    keywords_or_ids(
        "conditions.users.includeUsers",
        &mut users.include_users,
        USER_KEYWORDS,
    )?;
    keywords_or_ids(
        "conditions.users.excludeUsers",
        &mut users.exclude_users,
        &["GuestsOrExternalUsers"],
    )?;
    for (property, list) in [
        ("conditions.users.includeGroups", &mut users.include_groups),
        ("conditions.users.excludeGroups", &mut users.exclude_groups),
        ("conditions.users.includeRoles", &mut users.include_roles),
        ("conditions.users.excludeRoles", &mut users.exclude_roles),
    ] {
        keywords_or_ids(property, list, &[])?;
    }
    if let Some(guests) = &users.include_guests_or_external_users {
        check_guests("conditions.users.includeGuestsOrExternalUsers", guests)?;
    }
    if let Some(guests) = &users.exclude_guests_or_external_users {
        check_guests("conditions.users.excludeGuestsOrExternalUsers", guests)?;
    }
    if users.include_users.is_empty()
        && users.include_groups.is_empty()
        && users.include_roles.is_empty()
        && users.include_guests_or_external_users.is_none()
    {
        return Err(Invalid::new("conditions.users", "The policy applies to no users: set 'conditions.users' with includeUsers (for example [\"All\"] or [\"GuestsOrExternalUsers\"]), includeGroups, includeRoles or includeGuestsOrExternalUsers."));
    }
    Ok(())
}

/// `conditions.applications`: keywords or app ids, and some app included.
fn check_applications(apps: &mut ApplicationConditions) -> Result<(), Invalid> {
    keywords_or_ids(
        "conditions.applications.includeApplications",
        &mut apps.include_applications,
        APP_KEYWORDS,
    )?;
    keywords_or_ids(
        "conditions.applications.excludeApplications",
        &mut apps.exclude_applications,
        &["Office365", "MicrosoftAdminPortals"],
    )?;
    if apps.include_applications.is_empty() {
        return Err(Invalid::new("conditions.applications.includeApplications", "The policy applies to no applications: set 'conditions.applications.includeApplications' (for example [\"All\"] or app ids)."));
    }
    Ok(())
}

/// `conditions.clientAppTypes`: known types, `all` alone.
fn check_client_app_types(kinds: &mut [String]) -> Result<(), Invalid> {
    for kind in kinds.iter_mut() {
        *kind = canonical("conditions.clientAppTypes", kind, CLIENT_APP_TYPES)?;
    }
    if kinds.len() > 1 && kinds.iter().any(|k| k == "all") {
        return Err(Invalid::new("conditions.clientAppTypes", "'all' in 'conditions.clientAppTypes' cannot be combined with other client app types; send it alone."));
    }
    Ok(())
}

/// `conditions.platforms`: known platforms, some included.
fn check_platforms(platforms: &mut PlatformConditions) -> Result<(), Invalid> {
    for (property, list) in [
        (
            "conditions.platforms.includePlatforms",
            &mut platforms.include_platforms,
        ),
        (
            "conditions.platforms.excludePlatforms",
            &mut platforms.exclude_platforms,
        ),
    ] {
        for platform in list.iter_mut() {
            *platform = canonical(property, platform, PLATFORMS)?;
        }
    }
    if platforms.include_platforms.is_empty() {
        return Err(Invalid::new("conditions.platforms.includePlatforms", "'conditions.platforms.includePlatforms' is required when 'conditions.platforms' is set (for example [\"all\"]); or send platforms: null."));
    }
    Ok(())
}

/// `conditions.locations`: keywords or the tenant's own named locations, some included.
fn check_locations(
    places: &mut LocationConditions,
    locations: &[NamedLocation],
) -> Result<(), Invalid> {
    for (property, list) in [
        (
            "conditions.locations.includeLocations",
            &mut places.include_locations,
        ),
        (
            "conditions.locations.excludeLocations",
            &mut places.exclude_locations,
        ),
    ] {
        for place in list.iter_mut() {
            *place = keyword_or_id(property, place, LOCATION_KEYWORDS)?;
            if !LOCATION_KEYWORDS.contains(&place.as_str())
                && !locations.iter().any(|l| l.id.to_string() == *place)
            {
                return Err(Invalid::new(property, format!(
                    "'{property}' refers to named location '{place}', which does not exist in this tenant. Create it first (POST /identity/conditionalAccess/namedLocations) or use All / AllTrusted."
                )));
            }
        }
    }
    if places.include_locations.is_empty() {
        return Err(Invalid::new("conditions.locations.includeLocations", "'conditions.locations.includeLocations' is required when 'conditions.locations' is set (for example [\"All\"]); or send locations: null."));
    }
    Ok(())
}

/// `grantControls`: the tenant's own terms, at least one control, `block` alone, Entra's rule
/// for `passwordChange`.
fn check_grant(policy: &mut ConditionalAccessPolicy, terms: &[TermsOfUse]) -> Result<(), Invalid> {
    let Some(grant) = &mut policy.grant_controls else {
        if policy.session_controls.is_some() {
            return Ok(());
        }
        return Err(Invalid::new("grantControls", "The policy has no grant or session controls: set 'grantControls' with builtInControls (for example [\"mfa\"] or [\"block\"]) or termsOfUse, or 'sessionControls'."));
    };
    for id in grant.terms_of_use.iter_mut() {
        *id = keyword_or_id("grantControls.termsOfUse", id, &[])?;
        if !terms.iter().any(|t| t.id.to_string() == *id) {
            return Err(Invalid::new("grantControls.termsOfUse", format!(
                "'grantControls.termsOfUse' refers to agreement '{id}', which does not exist in this tenant. Create it first (POST /identityGovernance/termsOfUse/agreements)."
            )));
        }
    }
    let controls = &grant.built_in_controls;
    if controls.is_empty() && grant.terms_of_use.is_empty() {
        return Err(Invalid::new("grantControls", "'grantControls' requires at least one control: set builtInControls (for example [\"mfa\"]) or termsOfUse."));
    }
    if controls.contains(&BuiltInControl::Block)
        && (controls.len() > 1 || !grant.terms_of_use.is_empty())
    {
        return Err(Invalid::new("grantControls.builtInControls", "'block' cannot be combined with other controls: a policy either blocks access or grants it when controls are met. Remove 'block', or remove the other controls."));
    }
    if controls.contains(&BuiltInControl::PasswordChange) {
        check_password_change(&policy.conditions, grant)?;
    }
    Ok(())
}

/// Entra's rule for `passwordChange`: with `mfa` through AND, for user risk, on all apps, and
/// with no other conditions.
fn check_password_change(conditions: &Conditions, grant: &GrantControls) -> Result<(), Invalid> {
    let only_mfa_besides = grant
        .built_in_controls
        .iter()
        .all(|c| matches!(c, BuiltInControl::Mfa | BuiltInControl::PasswordChange));
    if grant.operator != GrantOperator::And
        || !grant.built_in_controls.contains(&BuiltInControl::Mfa)
        || !only_mfa_besides
        || !grant.terms_of_use.is_empty()
    {
        return Err(Invalid::new("grantControls.builtInControls", "'passwordChange' must be combined with 'mfa' and nothing else, with operator 'AND': set builtInControls [\"mfa\", \"passwordChange\"] and operator \"AND\"."));
    }
    if conditions.user_risk_levels.is_empty() {
        return Err(Invalid::new("conditions.userRiskLevels", "'passwordChange' is only allowed in a user-risk policy: set 'conditions.userRiskLevels' (for example [\"high\"])."));
    }
    if conditions.applications.include_applications != ["All"] {
        return Err(Invalid::new("conditions.applications.includeApplications", "'passwordChange' requires the policy to target all applications: set 'conditions.applications.includeApplications' to [\"All\"]."));
    }
    let other_conditions = !conditions.sign_in_risk_levels.is_empty()
        || conditions.locations.is_some()
        || conditions.platforms.is_some()
        || conditions.client_app_types.iter().any(|k| k != "all");
    if other_conditions {
        return Err(Invalid::new("conditions", "A 'passwordChange' policy may have no conditions besides users, applications and userRiskLevels: remove signInRiskLevels, locations, platforms and clientAppTypes."));
    }
    Ok(())
}

fn parse_id(id: &str) -> Result<ObjectId, GraphError> {
    ObjectId::parse(id).map_err(|_| GraphError::NotFound(id.to_owned()))
}

impl App {
    pub async fn graph_list_conditional_access_policies(
        &self,
        caller: &Caller,
    ) -> Result<Vec<ConditionalAccessPolicy>, GraphError> {
        caller.require(Operation::ListConditionalAccessPolicies)?;
        Ok(self
            .store()
            .list_conditional_access_policies(caller.tenant())
            .await?)
    }

    pub async fn graph_get_conditional_access_policy(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<ConditionalAccessPolicy, GraphError> {
        caller.require(Operation::GetConditionalAccessPolicy)?;
        let wanted = parse_id(id)?;
        self.store()
            .list_conditional_access_policies(caller.tenant())
            .await?
            .into_iter()
            .find(|p| p.id == wanted)
            .ok_or_else(|| GraphError::NotFound(id.to_owned()))
    }

    /// Validates against this tenant's named locations and agreements, and stores with one audit
    /// record.
    async fn save_policy(
        &self,
        caller: &Caller,
        mut policy: ConditionalAccessPolicy,
        activity: &str,
    ) -> Result<ConditionalAccessPolicy, GraphError> {
        let tenant = caller.tenant();
        let locations = self.store().list_named_locations(tenant).await?;
        let terms = self.store().list_terms_of_use(tenant).await?;
        validate_policy(&mut policy, &locations, &terms)?;
        let audit = self.directory_audit(
            caller,
            "Policy",
            activity,
            "Policy",
            policy.id,
            &policy.display_name,
        );
        self.store()
            .apply(
                tenant,
                vec![Write::PutConditionalAccessPolicy(policy.clone()), audit],
            )
            .await?;
        Ok(policy)
    }

    pub async fn graph_create_conditional_access_policy(
        &self,
        caller: &Caller,
        patch: PolicyPatch,
    ) -> Result<ConditionalAccessPolicy, GraphError> {
        caller.require(Operation::CreateConditionalAccessPolicy)?;
        let missing = |name: &str| {
            invalid!(
                name,
                "Property '{name}' is required when creating a conditionalAccessPolicy."
            )
        };
        let policy = ConditionalAccessPolicy {
            id: self.random().object_id(),
            display_name: patch.display_name.ok_or_else(|| missing("displayName"))?,
            description: patch.description.flatten(),
            state: patch.state.ok_or_else(|| missing("state"))?,
            conditions: patch.conditions.ok_or_else(|| missing("conditions"))?,
            grant_controls: patch.grant_controls.flatten(),
            session_controls: patch.session_controls.flatten(),
            created_at: self.now(),
            modified_at: None,
        };
        self.save_policy(caller, policy, "Add conditional access policy")
            .await
    }

    pub async fn graph_update_conditional_access_policy(
        &self,
        caller: &Caller,
        id: &str,
        patch: PolicyPatch,
    ) -> Result<(), GraphError> {
        caller.require(Operation::UpdateConditionalAccessPolicy)?;
        let mut policy = self.graph_get_conditional_access_policy(caller, id).await?;
        if let Some(name) = patch.display_name {
            policy.display_name = name;
        }
        if let Some(description) = patch.description {
            policy.description = description;
        }
        if let Some(state) = patch.state {
            policy.state = state;
        }
        if let Some(conditions) = patch.conditions {
            policy.conditions = conditions;
        }
        if let Some(grant) = patch.grant_controls {
            policy.grant_controls = grant;
        }
        if let Some(session) = patch.session_controls {
            policy.session_controls = session;
        }
        policy.modified_at = Some(self.now());
        self.save_policy(caller, policy, "Update conditional access policy")
            .await
            .map(|_| ())
    }

    pub async fn graph_delete_conditional_access_policy(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(), GraphError> {
        caller.require(Operation::DeleteConditionalAccessPolicy)?;
        let policy = self.graph_get_conditional_access_policy(caller, id).await?;
        let audit = self.directory_audit(
            caller,
            "Policy",
            "Delete conditional access policy",
            "Policy",
            policy.id,
            &policy.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::DeleteConditionalAccessPolicy(policy.id), audit],
            )
            .await
            .map_err(|e| match e {
                StoreError::NotFound => GraphError::NotFound(id.to_owned()),
                other => other.into(),
            })
    }

    /// The first policy of the tenant that refers to `reference` (a named location or agreement
    /// id), so a deletion can say which policy still needs it.
    pub(crate) async fn policy_referring_to(
        &self,
        caller: &Caller,
        reference: ObjectId,
    ) -> Result<Option<ConditionalAccessPolicy>, GraphError> {
        let id = reference.to_string();
        Ok(self
            .store()
            .list_conditional_access_policies(caller.tenant())
            .await?
            .into_iter()
            .find(|p| {
                let in_locations = p.conditions.locations.as_ref().is_some_and(|l| {
                    l.include_locations.contains(&id) || l.exclude_locations.contains(&id)
                });
                let in_terms = p
                    .grant_controls
                    .as_ref()
                    .is_some_and(|g| g.terms_of_use.contains(&id));
                in_locations || in_terms
            }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use portico_model::conditional_access::{
        ApplicationConditions, LocationConditions, RiskLevel, UserConditions,
    };

    fn policy(controls: Vec<BuiltInControl>, operator: GrantOperator) -> ConditionalAccessPolicy {
        ConditionalAccessPolicy {
            id: ObjectId::from_uuid(uuid::Uuid::nil()),
            display_name: "P".into(),
            description: None,
            state: PolicyState::Enabled,
            conditions: Conditions {
                users: UserConditions {
                    include_users: vec!["all".into()],
                    ..Default::default()
                },
                applications: ApplicationConditions {
                    include_applications: vec!["All".into()],
                    ..Default::default()
                },
                ..Default::default()
            },
            grant_controls: Some(GrantControls {
                operator,
                built_in_controls: controls,
                terms_of_use: Vec::new(),
            }),
            session_controls: None,
            created_at: chrono::Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
            modified_at: None,
        }
    }

    #[test]
    fn keywords_are_normalised_and_block_stands_alone() {
        let mut ok = policy(vec![BuiltInControl::Mfa], GrantOperator::Or);
        validate_policy(&mut ok, &[], &[]).unwrap();
        assert_eq!(ok.conditions.users.include_users, ["All"]);
        let mut mixed = policy(
            vec![BuiltInControl::Block, BuiltInControl::Mfa],
            GrantOperator::Or,
        );
        let invalid = validate_policy(&mut mixed, &[], &[]).unwrap_err();
        assert!(
            invalid.message.contains("'block' cannot be combined"),
            "{invalid}"
        );
        assert_eq!(invalid.property, "grantControls.builtInControls");
    }

    #[test]
    fn password_change_needs_mfa_and_user_risk() {
        let mut alone = policy(vec![BuiltInControl::PasswordChange], GrantOperator::And);
        assert!(validate_policy(&mut alone, &[], &[])
            .unwrap_err()
            .message
            .contains("combined with 'mfa'"));
        let mut no_risk = policy(
            vec![BuiltInControl::Mfa, BuiltInControl::PasswordChange],
            GrantOperator::And,
        );
        assert!(validate_policy(&mut no_risk, &[], &[])
            .unwrap_err()
            .message
            .contains("userRiskLevels"));
        let mut good = no_risk.clone();
        good.conditions.user_risk_levels = vec![RiskLevel::High];
        validate_policy(&mut good, &[], &[]).unwrap();
        good.conditions.locations = Some(LocationConditions {
            include_locations: vec!["All".into()],
            exclude_locations: Vec::new(),
        });
        assert!(validate_policy(&mut good, &[], &[])
            .unwrap_err()
            .message
            .contains("no conditions besides"));
    }

    #[test]
    fn unknown_locations_and_missing_users_are_refused() {
        let mut p = policy(vec![BuiltInControl::Mfa], GrantOperator::Or);
        p.conditions.locations = Some(LocationConditions {
            include_locations: vec!["99999999-9999-4999-8999-999999999999".into()],
            exclude_locations: Vec::new(),
        });
        let invalid = validate_policy(&mut p, &[], &[]).unwrap_err();
        assert!(invalid.message.contains("does not exist in this tenant"));
        assert_eq!(invalid.property, "conditions.locations.includeLocations");
        let mut nobody = policy(vec![BuiltInControl::Mfa], GrantOperator::Or);
        nobody.conditions.users.include_users.clear();
        assert!(validate_policy(&mut nobody, &[], &[])
            .unwrap_err()
            .message
            .contains("applies to no users"));
    }
}
