//! Profile properties an administrator sets on a user (`jobTitle`, `businessPhones`,
//! `usageLocation` …): which names a `PATCH` or `POST /users` may carry and what each accepts,
//! read from the one user table (`portico_odata::USER`: type, `patchable`, length limit).

use super::access::GraphError;
use portico_model::user::{ProfileValue, UserProfile};
use portico_odata::{Kind, Property, Stored, USER};

/// A body value as sent, before it meets its property's type.
#[derive(Debug, Clone, PartialEq)]
pub enum PatchValue {
    Null,
    Text(String),
    Texts(Vec<String>),
    /// A number, a flag or an object where the table has none.
    Other,
}

/// Graph's values for `passwordPolicies`, comma-separated.
const PASSWORD_POLICIES: &[&str] = &["DisablePasswordExpiration", "DisableStrongPassword", "None"];

fn invalid_value(property: &str) -> GraphError {
    GraphError::bad_request(format!(
        "Invalid value specified for property '{property}' of resource 'User'."
    ))
}

/// The profile row named `name` (any letter case), or Graph's refusal for any other name.
fn profile_property(name: &str) -> Result<&'static Property, GraphError> {
    match USER.selectable(name) {
        Some(property) if matches!(property.stored, Stored::Profile(_)) => Ok(property),
        Some(property) => Err(GraphError::bad_request(format!(
            "Property '{}' is read-only and cannot be set.",
            property.name
        ))),
        None => Err(GraphError::bad_request(format!(
            "Property '{name}' does not exist as a declared property or extension property."
        ))),
    }
}

/// One text checked against the property's limit and special rules; empty text clears.
fn checked_text(property: &Property, text: String) -> Result<Option<String>, GraphError> {
    let name = property.name;
    if text.is_empty() {
        return Ok(None);
    }
    if property
        .max_length
        .is_some_and(|max| text.chars().count() > max)
    {
        return Err(invalid_value(name));
    }
    let text = match (name, property.kind) {
        (_, Kind::Enum(values)) => values
            .iter()
            .find(|v| v.eq_ignore_ascii_case(&text))
            .map(|v| (*v).to_owned())
            .ok_or_else(|| invalid_value(name))?,
        ("usageLocation", _) => {
            super::countries::iso_alpha2(&text).ok_or_else(|| invalid_value(name))?
        }
        ("preferredLanguage", _) if !is_language_tag(&text) => return Err(invalid_value(name)),
        ("passwordPolicies", _) => {
            let known = text
                .split(',')
                .all(|p| PASSWORD_POLICIES.contains(&p.trim()));
            if !known {
                return Err(invalid_value(name));
            }
            text
        }
        _ => text,
    };
    Ok(Some(text))
}

/// ISO 639-1 with an optional ISO 3166 region: `en`, `ja-JP`, `en-US`.
fn is_language_tag(text: &str) -> bool {
    let mut parts = text.split('-');
    let language = parts.next().unwrap_or_default();
    let region = parts.next();
    let letters = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_alphabetic());
    letters(language, 2) && region.is_none_or(|r| letters(r, 2)) && parts.next().is_none()
}

/// The stored value for `value` sent for `property` (`None`: cleared).
fn profile_value(
    property: &'static Property,
    value: PatchValue,
) -> Result<Option<ProfileValue>, GraphError> {
    let name = property.name;
    Ok(match (property.kind, value) {
        (_, PatchValue::Null) => None,
        (Kind::DateTime, PatchValue::Text(text)) => {
            let at = chrono::DateTime::parse_from_rfc3339(&text)
                .map_err(|_| invalid_value(name))?
                .with_timezone(&chrono::Utc);
            Some(ProfileValue::Time(at))
        }
        (Kind::StringCollection, PatchValue::Texts(items)) => {
            // businessPhones: "Only one number can be set for this property."
            if items.len() > 1 || items.iter().any(|i| i.is_empty()) {
                return Err(invalid_value(name));
            }
            let mut checked = Vec::new();
            for item in items {
                checked.extend(checked_text(property, item)?);
            }
            (!checked.is_empty()).then_some(ProfileValue::Texts(checked))
        }
        (Kind::String | Kind::Enum(_), PatchValue::Text(text)) => {
            checked_text(property, text)?.map(ProfileValue::Text)
        }
        _ => return Err(invalid_value(name)),
    })
}

/// Applies the body's profile values to `profile`, refusing names that are not settable.
pub(crate) fn apply_profile(
    profile: &mut UserProfile,
    values: Vec<(String, PatchValue)>,
) -> Result<(), GraphError> {
    for (name, value) in values {
        let property = profile_property(&name)?;
        match profile_value(property, value)? {
            Some(value) => profile.insert(property.name.to_owned(), value),
            None => profile.remove(property.name),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(name: &str, value: PatchValue) -> Result<UserProfile, GraphError> {
        let mut profile = UserProfile::new();
        apply_profile(&mut profile, vec![(name.to_owned(), value)]).map(|()| profile)
    }

    #[test]
    fn values_follow_the_table() {
        let text = |t: &str| PatchValue::Text(t.to_owned());
        let profile = applied("JobTitle", text("Engineer")).unwrap();
        assert_eq!(
            profile.get("jobTitle"),
            Some(&ProfileValue::Text("Engineer".into()))
        );
        let profile = applied("usageLocation", text("jp")).unwrap();
        assert_eq!(
            profile.get("usageLocation"),
            Some(&ProfileValue::Text("JP".into()))
        );
        let profile = applied("ageGroup", text("adult")).unwrap();
        assert_eq!(
            profile.get("ageGroup"),
            Some(&ProfileValue::Text("Adult".into()))
        );
        assert!(applied("usageLocation", text("XX")).is_err());
        assert!(applied("ageGroup", text("Teen")).is_err());
        assert!(applied("employeeId", text(&"9".repeat(17))).is_err());
        assert!(applied("preferredLanguage", text("japanese")).is_err());
        assert!(applied("preferredLanguage", text("ja-JP")).is_ok());
        assert!(applied(
            "passwordPolicies",
            text("DisablePasswordExpiration, DisableStrongPassword")
        )
        .is_ok());
        assert!(applied("passwordPolicies", text("Never")).is_err());
        let two = PatchValue::Texts(vec!["1".into(), "2".into()]);
        assert!(applied("businessPhones", two).is_err());
        assert!(applied("employeeHireDate", text("2020-01-01T00:00:00Z")).is_ok());
        assert!(applied("employeeHireDate", text("yesterday")).is_err());
        assert!(applied("jobTitle", PatchValue::Other).is_err());
        let read_only = applied("createdDateTime", text("x")).unwrap_err();
        assert!(read_only.to_string().contains("read-only"), "{read_only}");
        let unknown = applied("favouriteColour", text("x")).unwrap_err();
        assert!(unknown.to_string().contains("does not exist"), "{unknown}");
    }
}
