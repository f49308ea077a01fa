//! The whole v1.0 user: `$select` of every property, `identities/any(…)` over two members and
//! the `signInActivity/…` filter paths.

use chrono::{TimeZone, Utc};
use portico_odata::{
    evaluate, parse_filter, parse_select, print_filter, Expr, Field, ODataError, Record, Stored,
    USER,
};

#[test]
fn every_property_but_the_filter_paths_is_selectable_and_unknown_names_are_refused() {
    let selectable: Vec<&str> = USER
        .properties
        .iter()
        .filter(|p| !p.name.contains('/'))
        .map(|p| p.name)
        .collect();
    assert_eq!(
        selectable.len(),
        81,
        "v1.0 user, directoryObject and entity properties"
    );
    let all = parse_select(&USER, &selectable.join(",")).unwrap();
    assert_eq!(all, selectable);
    assert_eq!(parse_select(&USER, "JOBTITLE").unwrap(), ["jobTitle"]);
    for bad in ["signInActivity/lastSignInDateTime", "jobtitles", "manager"] {
        let error = parse_select(&USER, bad).unwrap_err();
        assert!(
            matches!(&error, ODataError::BadRequest(m) if m.contains("Could not find a property")),
            "{bad}: {error:?}"
        );
    }
}

#[test]
fn stored_properties_name_distinct_columns_and_profile_ones_are_patchable() {
    let mut columns: Vec<&str> = USER.properties.iter().filter_map(|p| p.column()).collect();
    let count = columns.len();
    columns.sort_unstable();
    columns.dedup();
    assert_eq!(columns.len(), count, "a column serves two properties");
    for property in USER.properties {
        if let Stored::Profile(_) = property.stored {
            assert!(property.patchable, "{}", property.name);
        }
    }
}

struct Identities(Vec<Vec<(&'static str, String)>>);

impl Record for Identities {
    fn field(&self, property: &str) -> Field {
        match property {
            "identities" => Field::Objects(self.0.clone()),
            _ => Field::Null,
        }
    }
}

#[test]
fn identities_filter_compares_both_members_of_one_element() {
    let text = "identities/any(c:c/issuerAssignedId eq 'J.Smith@yahoo.com' and c/issuer eq 'contoso.onmicrosoft.com')";
    let (expr, advanced) = parse_filter(&USER, text).unwrap();
    assert!(!advanced);
    let printed = print_filter(&expr);
    assert_eq!(
        printed,
        "identities/any(x: x/issuerAssignedId eq 'J.Smith@yahoo.com' and x/issuer eq 'contoso.onmicrosoft.com')"
    );
    assert_eq!(parse_filter(&USER, &printed).unwrap().0, expr);
    let element = |issuer: &str, id: &str| {
        vec![
            ("signInType", "emailAddress".to_owned()),
            ("issuer", issuer.to_owned()),
            ("issuerAssignedId", id.to_owned()),
        ]
    };
    let matching = Identities(vec![element(
        "contoso.onmicrosoft.com",
        "j.smith@yahoo.com",
    )]);
    let split = Identities(vec![
        element("contoso.onmicrosoft.com", "other@yahoo.com"),
        element("fabrikam.com", "j.smith@yahoo.com"),
    ]);
    assert!(evaluate(&expr, &matching));
    assert!(
        !evaluate(&expr, &split),
        "both members must hold for one element"
    );
    assert!(!evaluate(&expr, &Identities(Vec::new())));
}

#[test]
fn identities_filter_needs_issuer_and_issuer_assigned_id_with_eq() {
    for bad in [
        "identities/any(c:c/issuer eq 'contoso.onmicrosoft.com')",
        "identities/any(c:c/issuerAssignedId ne 'a' and c/issuer eq 'b')",
        "identities/any(c:c/issuerAssignedId eq 'a' or c/issuer eq 'b')",
        "identities/any(c:c/issuerAssignedId eq 'a' and c/issuerAssignedId eq 'b')",
        "identities/any(c:startswith(c/issuerAssignedId, 'a') and c/issuer eq 'b')",
        "identities/any(c:c/nope eq 'a' and c/issuer eq 'b')",
        "identities/any(c:c eq 'a')",
        "identities/$count eq 1",
    ] {
        let error = parse_filter(&USER, bad).unwrap_err();
        assert!(
            matches!(error, ODataError::UnsupportedQuery(_)),
            "{bad}: {error:?}"
        );
    }
    let three = "identities/any(c:c/signInType eq 'emailAddress' and c/issuerAssignedId eq 'a' and c/issuer eq 'b')";
    assert!(parse_filter(&USER, three).is_ok());
}

#[test]
fn sign_in_activity_is_filtered_by_its_paths() {
    let (expr, advanced) = parse_filter(
        &USER,
        "signInActivity/lastSignInDateTime le 2026-01-01T00:00:00Z",
    )
    .unwrap();
    assert!(!advanced);
    assert!(
        matches!(&expr, Expr::Compare { property, .. } if property == "signInActivity/lastSignInDateTime")
    );
    assert!(parse_filter(&USER, "signInActivity/lastSuccessfulSignInDateTime eq null").is_ok());
    assert!(parse_filter(&USER, "signInActivity eq null").is_err());
    assert!(parse_filter(&USER, "signInActivity/lastSignInRequestId eq 'x'").is_err());
    let _ = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0);
}

#[test]
fn profile_texts_filter_like_names() {
    for filter in [
        "jobTitle eq 'Engineer'",
        "startswith(department, 'Sales')",
        "city in ('Tokyo', 'Osaka')",
        "employeeHireDate ge 2020-01-01T00:00:00Z",
        "ageGroup eq 'adult'",
        "usageLocation eq 'JP'",
    ] {
        assert!(parse_filter(&USER, filter).is_ok(), "{filter}");
    }
    assert!(parse_filter(&USER, "aboutMe eq 'x'").is_err());
}
