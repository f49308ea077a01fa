//! The portal's HTML form for a Conditional Access policy, in both directions: the submitted
//! name/value pairs become the same `PolicyBody` a Graph client sends (so the same parsing and
//! the same `Invalid {property, message}` apply), and a stored policy becomes the pairs that fill
//! the form. Field names are the Graph property paths (`conditions.users.includeUsers`), so an
//! error's `property` names the field it belongs to.

use super::{
    name_of, ApplicationsBody, ConditionsBody, ExternalTenantsBody, GrantControlsBody, GuestsBody,
    LocationsBody, PlatformsBody, PolicyBody, UsersBody,
};
use crate::graph::session_controls::{session_body_from_form, session_form_pairs};
use portico_model::conditional_access::{
    ConditionalAccessPolicy, ExternalTenants, GuestsOrExternalUsers,
};

const USERS: &str = "conditions.users";
const INCLUDE_GUESTS: &str = "conditions.users.includeGuestsOrExternalUsers";
const EXCLUDE_GUESTS: &str = "conditions.users.excludeGuestsOrExternalUsers";

/// The submitted pairs of one form.
struct Pairs<'a>(&'a [(String, String)]);

impl Pairs<'_> {
    /// Every value of `name`; a text area's lines (or comma-separated items) count one each.
    fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| v.split(['\n', ',']))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn text(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_owned())
    }

    /// `None` when the field was left empty, as Graph's "property left out".
    fn some_list(&self, name: &str) -> Option<Vec<String>> {
        Some(self.list(name)).filter(|l| !l.is_empty())
    }

    fn guests(&self, at: &str) -> Option<GuestsBody> {
        let types = self.list(&format!("{at}.guestOrExternalUserTypes"));
        let members = self.list(&format!("{at}.externalTenants.members"));
        if types.is_empty() && members.is_empty() {
            return None;
        }
        Some(GuestsBody {
            odata_type: None,
            guest_or_external_user_types: Some(types.join(",")),
            external_tenants: (!members.is_empty()).then(|| ExternalTenantsBody {
                odata_type: None,
                membership_kind: Some("enumerated".into()),
                members: Some(members),
            }),
        })
    }
}

/// The Graph body the portal's policy form stands for: every property is sent (an edit
/// replaces conditions and grant controls whole, as a Graph `PATCH` with them does).
pub fn policy_body_from_form(pairs: &[(String, String)]) -> PolicyBody {
    let form = Pairs(pairs);
    let users = UsersBody {
        odata_type: None,
        include_users: form.some_list(&format!("{USERS}.includeUsers")),
        exclude_users: form.some_list(&format!("{USERS}.excludeUsers")),
        include_groups: form.some_list(&format!("{USERS}.includeGroups")),
        exclude_groups: form.some_list(&format!("{USERS}.excludeGroups")),
        include_roles: form.some_list(&format!("{USERS}.includeRoles")),
        exclude_roles: form.some_list(&format!("{USERS}.excludeRoles")),
        include_guests_or_external_users: form.guests(INCLUDE_GUESTS),
        exclude_guests_or_external_users: form.guests(EXCLUDE_GUESTS),
    };
    let include_locations = form.list("conditions.locations.includeLocations");
    let exclude_locations = form.list("conditions.locations.excludeLocations");
    let include_platforms = form.list("conditions.platforms.includePlatforms");
    let exclude_platforms = form.list("conditions.platforms.excludePlatforms");
    let conditions = ConditionsBody {
        odata_type: None,
        users: Some(users),
        applications: Some(ApplicationsBody {
            odata_type: None,
            include_applications: form.some_list("conditions.applications.includeApplications"),
            exclude_applications: form.some_list("conditions.applications.excludeApplications"),
            include_user_actions: None,
            include_authentication_context_class_references: None,
            application_filter: None,
        }),
        client_app_types: form.some_list("conditions.clientAppTypes"),
        // Nothing ticked: the condition is not set (Graph's null).
        locations: (!include_locations.is_empty() || !exclude_locations.is_empty()).then_some(
            LocationsBody {
                odata_type: None,
                include_locations: Some(include_locations),
                exclude_locations: Some(exclude_locations),
            },
        ),
        platforms: (!include_platforms.is_empty() || !exclude_platforms.is_empty()).then_some(
            PlatformsBody {
                odata_type: None,
                include_platforms: Some(include_platforms),
                exclude_platforms: Some(exclude_platforms),
            },
        ),
        sign_in_risk_levels: form.some_list("conditions.signInRiskLevels"),
        user_risk_levels: form.some_list("conditions.userRiskLevels"),
        service_principal_risk_levels: None,
        insider_risk_levels: None,
        devices: None,
        client_applications: None,
        authentication_flows: None,
    };
    let controls = form.list("grantControls.builtInControls");
    let terms = form.list("grantControls.termsOfUse");
    let session = session_body_from_form(|name| form.text(name));
    // A policy with session controls only has no grant controls (Graph's null).
    let grant = (session.is_none() || !controls.is_empty() || !terms.is_empty()).then(|| {
        GrantControlsBody {
            odata_type: None,
            operator: form.text("grantControls.operator"),
            built_in_controls: Some(controls),
            custom_authentication_factors: None,
            terms_of_use: Some(terms),
            authentication_strength: None,
        }
    });
    PolicyBody {
        odata_type: None,
        id: None,
        created_date_time: None,
        modified_date_time: None,
        template_id: None,
        display_name: Some(form.text("displayName").unwrap_or_default()),
        description: Some(form.text("description").filter(|d| !d.is_empty())),
        state: form.text("state"),
        conditions: Some(conditions),
        grant_controls: Some(grant),
        session_controls: Some(session),
    }
}

fn push_all(pairs: &mut Vec<(String, String)>, name: &str, values: &[String]) {
    pairs.extend(values.iter().map(|v| (name.to_owned(), v.clone())));
}

fn push_guests(
    pairs: &mut Vec<(String, String)>,
    at: &str,
    guests: &Option<GuestsOrExternalUsers>,
) {
    let Some(guests) = guests else { return };
    for kind in &guests.guest_or_external_user_types {
        if let Some(name) = name_of(kind).as_str() {
            pairs.push((format!("{at}.guestOrExternalUserTypes"), name.to_owned()));
        }
    }
    if let ExternalTenants::Enumerated { members } = &guests.external_tenants {
        let members: Vec<String> = members.iter().map(ToString::to_string).collect();
        push_all(pairs, &format!("{at}.externalTenants.members"), &members);
    }
}

fn names<T: serde::Serialize>(values: &[T]) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| name_of(v).as_str().map(str::to_owned))
        .collect()
}

/// The form's pairs for a stored policy (to edit it).
pub fn policy_form_pairs(policy: &ConditionalAccessPolicy) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("displayName".to_owned(), policy.display_name.clone()),
        (
            "description".to_owned(),
            policy.description.clone().unwrap_or_default(),
        ),
    ];
    if let Some(state) = name_of(&policy.state).as_str() {
        pairs.push(("state".into(), state.to_owned()));
    }
    let c = &policy.conditions;
    let u = &c.users;
    for (name, values) in [
        ("includeUsers", &u.include_users),
        ("excludeUsers", &u.exclude_users),
        ("includeGroups", &u.include_groups),
        ("excludeGroups", &u.exclude_groups),
        ("includeRoles", &u.include_roles),
        ("excludeRoles", &u.exclude_roles),
    ] {
        push_all(&mut pairs, &format!("{USERS}.{name}"), values);
    }
    push_guests(
        &mut pairs,
        INCLUDE_GUESTS,
        &u.include_guests_or_external_users,
    );
    push_guests(
        &mut pairs,
        EXCLUDE_GUESTS,
        &u.exclude_guests_or_external_users,
    );
    let apps = &c.applications;
    push_all(
        &mut pairs,
        "conditions.applications.includeApplications",
        &apps.include_applications,
    );
    push_all(
        &mut pairs,
        "conditions.applications.excludeApplications",
        &apps.exclude_applications,
    );
    push_all(&mut pairs, "conditions.clientAppTypes", &c.client_app_types);
    if let Some(l) = &c.locations {
        push_all(
            &mut pairs,
            "conditions.locations.includeLocations",
            &l.include_locations,
        );
        push_all(
            &mut pairs,
            "conditions.locations.excludeLocations",
            &l.exclude_locations,
        );
    }
    if let Some(p) = &c.platforms {
        push_all(
            &mut pairs,
            "conditions.platforms.includePlatforms",
            &p.include_platforms,
        );
        push_all(
            &mut pairs,
            "conditions.platforms.excludePlatforms",
            &p.exclude_platforms,
        );
    }
    push_all(
        &mut pairs,
        "conditions.signInRiskLevels",
        &names(&c.sign_in_risk_levels),
    );
    push_all(
        &mut pairs,
        "conditions.userRiskLevels",
        &names(&c.user_risk_levels),
    );
    if let Some(g) = &policy.grant_controls {
        if let Some(operator) = name_of(&g.operator).as_str() {
            pairs.push(("grantControls.operator".into(), operator.to_owned()));
        }
        push_all(
            &mut pairs,
            "grantControls.builtInControls",
            &names(&g.built_in_controls),
        );
        push_all(&mut pairs, "grantControls.termsOfUse", &g.terms_of_use);
    }
    pairs.extend(session_form_pairs(&policy.session_controls));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_form_becomes_the_graph_body_and_back() {
        let submitted = pairs(&[
            ("displayName", "Guests need MFA"),
            ("state", "enabledForReportingButNotEnforced"),
            (
                "conditions.users.includeGuestsOrExternalUsers.guestOrExternalUserTypes",
                "b2bCollaborationGuest",
            ),
            (
                "conditions.users.includeGuestsOrExternalUsers.guestOrExternalUserTypes",
                "b2bCollaborationMember",
            ),
            ("conditions.users.excludeUsers", "\n"),
            ("conditions.applications.includeApplications", "All"),
            ("conditions.clientAppTypes", "browser"),
            ("conditions.signInRiskLevels", "high"),
            ("grantControls.operator", "OR"),
            ("grantControls.builtInControls", "mfa"),
        ]);
        let fields = policy_body_from_form(&submitted).into_fields().unwrap();
        let conditions = fields.conditions.clone().unwrap();
        let guests = conditions
            .users
            .include_guests_or_external_users
            .clone()
            .unwrap();
        assert_eq!(guests.guest_or_external_user_types.len(), 2);
        assert_eq!(guests.external_tenants, ExternalTenants::All);
        assert!(conditions.users.exclude_users.is_empty());
        assert!(conditions.locations.is_none() && conditions.platforms.is_none());
        assert_eq!(fields.description, Some(None));
        let policy = ConditionalAccessPolicy {
            id: portico_model::ObjectId::parse("00000000-0000-4000-8000-000000000001").unwrap(),
            display_name: fields.display_name.unwrap(),
            description: None,
            state: fields.state.unwrap(),
            conditions,
            grant_controls: fields.grant_controls.unwrap(),
            session_controls: None,
            created_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
            modified_at: None,
        };
        let mut again = policy_form_pairs(&policy);
        again.retain(|(n, _)| n != "description");
        let mut expected = submitted.clone();
        expected.retain(|(_, v)| v != "\n");
        again.sort();
        expected.sort();
        assert_eq!(again, expected);
    }

    #[test]
    fn tenants_without_a_guest_type_are_the_graph_error() {
        let body = policy_body_from_form(&pairs(&[(
            "conditions.users.includeGuestsOrExternalUsers.externalTenants.members",
            "22222222-2222-4222-8222-222222222222",
        )]));
        let invalid = body.into_fields().unwrap_err();
        assert_eq!(
            invalid.property,
            "conditions.users.includeGuestsOrExternalUsers.externalTenants"
        );
    }
}
