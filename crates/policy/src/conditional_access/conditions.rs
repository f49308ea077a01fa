//! Whether a Conditional Access policy applies to a sign-in: every condition it sets must match,
//! and an exclusion beats an inclusion.

use crate::facts::{Origin, SignIn};
use ipnet::IpNet;
use portico_model::conditional_access::{
    ConditionalAccessPolicy, ExternalTenants, GuestOrExternalUserType, GuestsOrExternalUsers,
    LocationConditions, LocationKind, NamedLocation, PlatformConditions, RiskLevel, UserConditions,
};
use portico_model::user::UserType;

const ALL: &str = "All";
const NONE: &str = "None";
const GUESTS: &str = "GuestsOrExternalUsers";
const ALL_TRUSTED: &str = "AllTrusted";

/// Why a policy does not apply: the condition that did not match, for the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotApplicable(pub String);

/// What every policy compares against, worked out once per sign-in rather than once per policy
/// (ids as text, the guest types, the named locations the request comes from).
pub struct Subject<'a> {
    id: String,
    groups: Vec<String>,
    client_id: String,
    guest: bool,
    types: Vec<GuestOrExternalUserType>,
    here: Vec<&'a NamedLocation>,
    here_ids: Vec<String>,
    trusted: bool,
}

impl<'a> Subject<'a> {
    pub fn of(sign_in: &'a SignIn) -> Self {
        let here = locations_of(&sign_in.resource.named_locations, sign_in);
        Self {
            id: sign_in.user.id.to_string(),
            groups: sign_in
                .user
                .groups
                .iter()
                .map(ToString::to_string)
                .collect(),
            client_id: sign_in.app.client_id.to_string(),
            guest: is_guest_or_external(sign_in),
            types: user_types(sign_in),
            here_ids: here.iter().map(|l| l.id.to_string()).collect(),
            trusted: here.iter().any(|l| is_trusted(l)),
            here,
        }
    }
}

/// `Ok` if the policy applies; `Err` says which condition did not match.
pub fn applies(policy: &ConditionalAccessPolicy, sign_in: &SignIn) -> Result<(), NotApplicable> {
    applies_to(policy, sign_in, &Subject::of(sign_in))
}

/// [`applies`] with the sign-in's [`Subject`] worked out already.
pub fn applies_to(
    policy: &ConditionalAccessPolicy,
    sign_in: &SignIn,
    subject: &Subject<'_>,
) -> Result<(), NotApplicable> {
    let conditions = &policy.conditions;
    users(&conditions.users, sign_in, subject)?;
    applications(policy, sign_in, subject)?;
    client_app_types(&conditions.client_app_types, sign_in)?;
    if let Some(locations) = &conditions.locations {
        self::locations(locations, sign_in, subject)?;
    }
    if let Some(platforms) = &conditions.platforms {
        self::platforms(platforms, sign_in)?;
    }
    risk(&conditions.user_risk_levels, sign_in.risk.user, "user risk")?;
    risk(
        &conditions.sign_in_risk_levels,
        sign_in.risk.sign_in,
        "sign-in risk",
    )?;
    Ok(())
}

fn is_guest_or_external(sign_in: &SignIn) -> bool {
    sign_in.user.user_type == UserType::Guest || sign_in.origin.is_external()
}

/// The guest or external user types this user belongs to.
pub fn user_types(sign_in: &SignIn) -> Vec<GuestOrExternalUserType> {
    let mut types = Vec::new();
    let guest = sign_in.user.user_type == UserType::Guest;
    match (&sign_in.origin, guest) {
        (Origin::Local, true) => types.push(GuestOrExternalUserType::InternalGuest),
        (Origin::Local, false) => {}
        (_, true) => types.push(GuestOrExternalUserType::B2bCollaborationGuest),
        (_, false) => types.push(GuestOrExternalUserType::B2bCollaborationMember),
    }
    let service_provider = sign_in
        .resource
        .partner
        .as_ref()
        .is_some_and(|p| p.is_service_provider);
    if matches!(sign_in.origin, Origin::Tenant { .. }) && service_provider {
        types.push(GuestOrExternalUserType::ServiceProvider);
    }
    types
}

fn matches_guests(
    condition: &GuestsOrExternalUsers,
    sign_in: &SignIn,
    subject: &Subject<'_>,
) -> bool {
    let typed = condition
        .guest_or_external_user_types
        .iter()
        .any(|t| subject.types.contains(t));
    let tenant_ok = match &condition.external_tenants {
        ExternalTenants::All => true,
        ExternalTenants::Enumerated { members } => sign_in
            .origin
            .home_tenant()
            .is_some_and(|home| members.contains(&home.id)),
    };
    typed && tenant_ok
}

fn listed(list: &[String], id: &str) -> bool {
    list.iter().any(|entry| entry.eq_ignore_ascii_case(id))
}

fn users(
    conditions: &UserConditions,
    sign_in: &SignIn,
    subject: &Subject<'_>,
) -> Result<(), NotApplicable> {
    let user = &sign_in.user;
    let id = subject.id.as_str();
    let guest = subject.guest;
    let in_group = |groups: &[String]| subject.groups.iter().any(|g| listed(groups, g));
    let in_role = |roles: &[String]| user.roles.iter().any(|r| listed(roles, r));
    let excluded = listed(&conditions.exclude_users, id)
        || (guest && listed(&conditions.exclude_users, GUESTS))
        || in_group(&conditions.exclude_groups)
        || in_role(&conditions.exclude_roles)
        || conditions
            .exclude_guests_or_external_users
            .as_ref()
            .is_some_and(|c| matches_guests(c, sign_in, subject));
    if excluded {
        return Err(NotApplicable(format!(
            "{} is excluded from the policy's users",
            user.name
        )));
    }
    let included = listed(&conditions.include_users, ALL)
        || (guest && listed(&conditions.include_users, GUESTS))
        || listed(&conditions.include_users, id)
        || in_group(&conditions.include_groups)
        || in_role(&conditions.include_roles)
        || conditions
            .include_guests_or_external_users
            .as_ref()
            .is_some_and(|c| matches_guests(c, sign_in, subject));
    if included && !listed(&conditions.include_users, NONE) {
        Ok(())
    } else {
        Err(NotApplicable(format!(
            "{} is not among the policy's users",
            user.name
        )))
    }
}

fn applications(
    policy: &ConditionalAccessPolicy,
    sign_in: &SignIn,
    subject: &Subject<'_>,
) -> Result<(), NotApplicable> {
    let apps = &policy.conditions.applications;
    let client_id = subject.client_id.as_str();
    if listed(&apps.exclude_applications, client_id) {
        return Err(NotApplicable(format!(
            "{} is excluded from the policy's apps",
            sign_in.app.display_name
        )));
    }
    if listed(&apps.include_applications, ALL) || listed(&apps.include_applications, client_id) {
        Ok(())
    } else {
        Err(NotApplicable(format!(
            "{} is not among the policy's apps",
            sign_in.app.display_name
        )))
    }
}

fn client_app_types(types: &[String], sign_in: &SignIn) -> Result<(), NotApplicable> {
    let name = sign_in.client.app_type.graph_name();
    if types.is_empty() || listed(types, "all") || listed(types, name) {
        Ok(())
    } else {
        Err(NotApplicable(format!(
            "the client app type {name} is not among the policy's"
        )))
    }
}

/// The resource tenant's named locations the request comes from. A location defined in another
/// tenant never counts (S26).
fn locations_of<'a>(named: &'a [NamedLocation], sign_in: &SignIn) -> Vec<&'a NamedLocation> {
    named
        .iter()
        .filter(|location| match &location.location {
            LocationKind::Ip { ranges, .. } => sign_in.client.ip.is_some_and(|ip| {
                ranges
                    .iter()
                    .filter_map(|range| range.parse::<IpNet>().ok())
                    .any(|net| net.contains(&ip))
            }),
            // Portico has no geolocation: every address is in an unknown country.
            LocationKind::Country {
                include_unknown, ..
            } => *include_unknown,
        })
        .collect()
}

fn is_trusted(location: &NamedLocation) -> bool {
    matches!(
        location.location,
        LocationKind::Ip {
            is_trusted: true,
            ..
        }
    )
}

fn locations(
    conditions: &LocationConditions,
    sign_in: &SignIn,
    subject: &Subject<'_>,
) -> Result<(), NotApplicable> {
    let trusted = subject.trusted;
    let names = |list: &[String]| {
        subject
            .here
            .iter()
            .zip(&subject.here_ids)
            .find(|(_, id)| listed(list, id))
            .map(|(l, _)| l.display_name.clone())
    };
    if let Some(name) = names(&conditions.exclude_locations) {
        return Err(NotApplicable(format!(
            "the request comes from the excluded location {name}"
        )));
    }
    if trusted && listed(&conditions.exclude_locations, ALL_TRUSTED) {
        return Err(NotApplicable(
            "the request comes from a trusted location, which the policy excludes".into(),
        ));
    }
    let included = listed(&conditions.include_locations, ALL)
        || (trusted && listed(&conditions.include_locations, ALL_TRUSTED))
        || names(&conditions.include_locations).is_some();
    if included {
        Ok(())
    } else {
        let ip = sign_in
            .client
            .ip
            .map_or("an unknown address".to_owned(), |ip| ip.to_string());
        Err(NotApplicable(format!(
            "{ip} is in none of the policy's locations (only {}'s named locations count)",
            sign_in.resource.tenant.display_name
        )))
    }
}

fn platforms(conditions: &PlatformConditions, sign_in: &SignIn) -> Result<(), NotApplicable> {
    let platform = sign_in.client.platform.map(|p| p.graph_name());
    if let Some(name) = platform {
        if listed(&conditions.exclude_platforms, name)
            || listed(&conditions.exclude_platforms, "all")
        {
            return Err(NotApplicable(format!("the platform {name} is excluded")));
        }
    }
    let included = listed(&conditions.include_platforms, "all")
        || platform.is_some_and(|name| listed(&conditions.include_platforms, name));
    if included {
        Ok(())
    } else {
        Err(NotApplicable(format!(
            "the platform {} is not among the policy's",
            platform.unwrap_or("(unknown)")
        )))
    }
}

fn risk(levels: &[RiskLevel], level: RiskLevel, what: &str) -> Result<(), NotApplicable> {
    if levels.is_empty() || levels.contains(&level) {
        Ok(())
    } else {
        Err(NotApplicable(format!(
            "the {what} ({}) is not among the policy's levels",
            level.name()
        )))
    }
}
