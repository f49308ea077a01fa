//! Seeds for Conditional Access's companions — named locations and terms of use — and the
//! references policies make to them (by display name or id). Everything is checked with the
//! same rules as Graph writes.

use super::format::{ConditionalAccessSeed, NamedLocationSeed, TermsOfUseSeed};
use crate::directory::{validate_location, validate_policy};
use chrono::{DateTime, Utc};
use portico_model::conditional_access::{
    ConditionalAccessPolicy, ExternalTenants, GuestOrExternalUserType, GuestsOrExternalUsers,
    LocationConditions, LocationKind, NamedLocation, PlatformConditions, TermsOfUse,
};
use portico_model::{Invalid, ObjectId};

/// A named location from its seed; `id` is the seed's fixed id or a derived one.
pub fn named_location(
    seed: &NamedLocationSeed,
    id: ObjectId,
    now: DateTime<Utc>,
) -> Result<NamedLocation, Invalid> {
    let location = match (seed.ip_ranges.is_empty(), seed.countries.is_empty()) {
        (false, true) if !seed.include_unknown_countries => LocationKind::Ip {
            ranges: seed.ip_ranges.clone(),
            is_trusted: seed.is_trusted,
        },
        (true, false) if !seed.is_trusted => LocationKind::Country {
            countries: seed.countries.clone(),
            include_unknown: seed.include_unknown_countries,
        },
        _ => {
            return Err(Invalid::new(
                "named_location",
                format!(
                    "named location '{}': give either ip_ranges (with is_trusted) or countries (with include_unknown_countries)",
                    seed.display_name
                ),
            ))
        }
    };
    let mut built = NamedLocation {
        id,
        display_name: seed.display_name.clone(),
        location,
        created_at: now,
        modified_at: None,
    };
    validate_location(&mut built).map_err(|e| {
        Invalid::new(
            e.property,
            format!("named location '{}': {}", seed.display_name, e.message),
        )
    })?;
    Ok(built)
}

pub fn terms_of_use(
    seed: &TermsOfUseSeed,
    id: ObjectId,
    now: DateTime<Utc>,
) -> Result<TermsOfUse, Invalid> {
    if seed.text.trim().is_empty() {
        return Err(Invalid::new(
            "text",
            format!("terms of use '{}': text is empty", seed.display_name),
        ));
    }
    Ok(TermsOfUse {
        id,
        display_name: seed.display_name.clone(),
        text: seed.text.clone(),
        created_at: now,
        is_viewing_before_acceptance_required: false,
    })
}

/// A keyword stays; a display name becomes the id of the object it names; an id stays.
fn resolve<'a>(
    what: &str,
    value: &str,
    keywords: &[&str],
    mut by_name: impl Iterator<Item = (&'a str, ObjectId)>,
) -> Result<String, Invalid> {
    if keywords.iter().any(|k| k.eq_ignore_ascii_case(value)) || ObjectId::parse(value).is_ok() {
        return Ok(value.to_owned());
    }
    by_name
        .find(|(name, _)| name.eq_ignore_ascii_case(value))
        .map(|(_, id)| id.to_string())
        .ok_or_else(|| Invalid::new(what, format!("no {what} '{value}' in this tenant")))
}

fn guests(types: &[String]) -> Result<Option<GuestsOrExternalUsers>, Invalid> {
    if types.is_empty() {
        return Ok(None);
    }
    let parsed = types
        .iter()
        .map(|t| {
            serde_json::from_value::<GuestOrExternalUserType>(serde_json::Value::String(t.clone()))
                .map_err(|_| Invalid::new("guest_or_external_user_types", format!("guest or external user type '{t}' is not known (use b2bCollaborationGuest, b2bCollaborationMember, b2bDirectConnectUser, internalGuest, otherExternalUser or serviceProvider)")))
        })
        .collect::<Result<_, _>>()?;
    Ok(Some(GuestsOrExternalUsers {
        guest_or_external_user_types: parsed,
        external_tenants: ExternalTenants::All,
    }))
}

/// Adds the seed's guest, location, platform, client-app and terms-of-use settings to `policy`
/// and checks the whole policy against this tenant's locations and agreements.
pub fn complete_policy(
    policy: &mut ConditionalAccessPolicy,
    seed: &ConditionalAccessSeed,
    locations: &[NamedLocation],
    terms: &[TermsOfUse],
) -> Result<(), Invalid> {
    let context = |e: Invalid| {
        let message = format!(
            "conditional access policy '{}': {}",
            seed.display_name, e.message
        );
        Invalid::new(e.property, message)
    };
    let users = &mut policy.conditions.users;
    users.include_guests_or_external_users =
        guests(&seed.include_guests_or_external_users).map_err(context)?;
    users.exclude_guests_or_external_users =
        guests(&seed.exclude_guests_or_external_users).map_err(context)?;
    let location_names = || locations.iter().map(|l| (l.display_name.as_str(), l.id));
    let places = |list: &[String]| -> Result<Vec<String>, Invalid> {
        list.iter()
            .map(|p| {
                resolve(
                    "named location",
                    p,
                    &["All", "AllTrusted"],
                    location_names(),
                )
            })
            .collect()
    };
    if !seed.include_locations.is_empty() || !seed.exclude_locations.is_empty() {
        policy.conditions.locations = Some(LocationConditions {
            include_locations: places(&seed.include_locations).map_err(context)?,
            exclude_locations: places(&seed.exclude_locations).map_err(context)?,
        });
    }
    if !seed.include_platforms.is_empty() || !seed.exclude_platforms.is_empty() {
        policy.conditions.platforms = Some(PlatformConditions {
            include_platforms: seed.include_platforms.clone(),
            exclude_platforms: seed.exclude_platforms.clone(),
        });
    }
    policy.conditions.client_app_types = seed.client_app_types.clone();
    if let Some(grant) = &mut policy.grant_controls {
        grant.terms_of_use = seed
            .terms_of_use
            .iter()
            .map(|t| {
                resolve(
                    "terms of use",
                    t,
                    &[],
                    terms.iter().map(|t| (t.display_name.as_str(), t.id)),
                )
            })
            .collect::<Result<_, _>>()
            .map_err(context)?;
    }
    validate_policy(policy, locations, terms).map_err(context)
}

#[cfg(test)]
mod tests {
    use crate::seed::{build_world, parse};
    use chrono::TimeZone;
    use portico_model::conditional_access::{GuestOrExternalUserType, LocationKind};
    use portico_store::Write;

    const SEED: &str = r#"
[[tenant]]
key = "t"
id = "55555555-5555-4555-8555-555555555555"
display_name = "T"
domains = ["t.onmicrosoft.com"]

[[tenant.named_location]]
display_name = "Office"
ip_ranges = ["203.0.113.0/24"]
is_trusted = true

[[tenant.named_location]]
display_name = "Japan"
countries = ["jp"]

[[tenant.terms_of_use]]
display_name = "Guest terms"
id = "66666666-6666-4666-8666-666666666666"
text = "Be nice."

[[tenant.conditional_access]]
display_name = "Guests accept terms outside the office"
state = "enabled"
include_guests_or_external_users = ["b2bCollaborationGuest"]
include_applications = ["All"]
include_locations = ["All"]
exclude_locations = ["office"]
include_platforms = ["all"]
client_app_types = ["browser"]
terms_of_use = ["Guest terms"]
"#;

    fn build(text: &str) -> Result<Vec<Write>, String> {
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let seed = parse(text).map_err(|e| e.to_string())?;
        build_world(&seed, "https://localhost:8443", now)
            .map(|mut batches| batches.remove(0).writes)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn policies_refer_to_locations_and_terms_by_name() {
        let writes = build(SEED).unwrap();
        let office = writes
            .iter()
            .find_map(|w| match w {
                Write::PutNamedLocation(l) if l.display_name == "Office" => Some(l.clone()),
                _ => None,
            })
            .unwrap();
        let japan = writes
            .iter()
            .find_map(|w| match w {
                Write::PutNamedLocation(l) if l.display_name == "Japan" => Some(l.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(
            japan.location,
            LocationKind::Country {
                countries: vec!["JP".into()],
                include_unknown: false
            }
        );
        let policy = writes
            .iter()
            .find_map(|w| match w {
                Write::PutConditionalAccessPolicy(p) => Some(p.clone()),
                _ => None,
            })
            .unwrap();
        let places = policy.conditions.locations.unwrap();
        assert_eq!(places.exclude_locations, [office.id.to_string()]);
        let grant = policy.grant_controls.unwrap();
        assert_eq!(grant.terms_of_use, ["66666666-6666-4666-8666-666666666666"]);
        assert_eq!(
            policy
                .conditions
                .users
                .include_guests_or_external_users
                .unwrap()
                .guest_or_external_user_types,
            [GuestOrExternalUserType::B2bCollaborationGuest]
        );
    }

    #[test]
    fn bad_references_and_unknown_keys_are_errors() {
        let unknown_location = SEED.replace(
            "exclude_locations = [\"office\"]",
            "exclude_locations = [\"Mars\"]",
        );
        assert!(build(&unknown_location)
            .unwrap_err()
            .contains("no named location 'Mars'"));
        let bad_cidr = SEED.replace("203.0.113.0/24", "203.0.113.0/99");
        assert!(build(&bad_cidr).unwrap_err().contains("not a CIDR range"));
        let typo = SEED.replace("is_trusted = true", "is_trusted = true\ntrusted = true");
        assert!(build(&typo).unwrap_err().contains("unknown field"));
        let blocked_with_terms = SEED.replace(
            "client_app_types = [\"browser\"]",
            "client_app_types = [\"browser\"]\ngrant = [\"block\"]",
        );
        assert!(build(&blocked_with_terms)
            .unwrap_err()
            .contains("'block' cannot be combined"));
    }
}
