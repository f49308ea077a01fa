//! The whole v1.0 user in the store: profile values by name (insert, patch, replace), the
//! identities side table behind `identities/any(…)`, and signInActivity moved by sign-in rows.

use crate::cases::sign_in;
use crate::fixtures::*;
use portico_model::user::{ObjectIdentity, ProfileValue, User};
use portico_odata::{evaluate, parse_filter, USER};
use portico_store::records::UserRecord;
use portico_store::{DirectoryQuery, Start, UserChanges, Write};
use std::collections::BTreeMap;

fn text(value: &str) -> ProfileValue {
    ProfileValue::Text(value.to_owned())
}

fn identity(issuer: &str, id: &str) -> ObjectIdentity {
    ObjectIdentity {
        sign_in_type: "emailAddress".into(),
        issuer: issuer.into(),
        issuer_assigned_id: id.into(),
    }
}

fn profiled(n: u32, job: &str, city: Option<&str>, identities: Vec<ObjectIdentity>) -> User {
    let mut user = member(n, &format!("p{n}@a.example.com"));
    user.profile.insert("jobTitle".into(), text(job));
    if let Some(city) = city {
        user.profile.insert("city".into(), text(city));
    }
    user.profile.insert(
        "businessPhones".into(),
        ProfileValue::Texts(vec![format!("+81 3 0000 000{n}")]),
    );
    user.profile
        .insert("employeeHireDate".into(), ProfileValue::Time(at(n)));
    user.identities = identities;
    user
}

pub async fn user_profiles_round_trip_and_patch_by_name(store: DynStore) {
    two_tenants(&store).await;
    let user = profiled(
        1,
        "Engineer",
        Some("Tokyo"),
        vec![identity("a.example.com", "p1")],
    );
    store
        .apply(tenant_a(), vec![Write::InsertUser(user.clone())])
        .await
        .unwrap();
    assert_eq!(store.get_user(tenant_a(), user.id).await.unwrap(), user);
    let mut after = user.clone();
    after.profile.insert("jobTitle".into(), text("Manager"));
    after.profile.remove("city");
    after.profile.insert("usageLocation".into(), text("JP"));
    let changes = UserChanges::between(&user, &after);
    let expected: BTreeMap<String, Option<ProfileValue>> = [
        ("city".to_owned(), None),
        ("jobTitle".to_owned(), Some(text("Manager"))),
        ("usageLocation".to_owned(), Some(text("JP"))),
    ]
    .into();
    assert_eq!(changes.profile, expected);
    store
        .apply(
            tenant_a(),
            vec![Write::PatchUser {
                id: user.id,
                changes,
            }],
        )
        .await
        .unwrap();
    assert_eq!(store.get_user(tenant_a(), user.id).await.unwrap(), after);
    // A whole-row replacement writes the profile too, and an empty collection is the default.
    let mut replaced = after.clone();
    replaced
        .profile
        .insert("businessPhones".into(), ProfileValue::Texts(vec![]));
    store
        .apply(tenant_a(), vec![Write::UpdateUser(replaced.clone())])
        .await
        .unwrap();
    let stored = store.get_user(tenant_a(), user.id).await.unwrap();
    assert_eq!(stored.profile.get("businessPhones"), None);
    assert_eq!(stored.profile.get("jobTitle"), Some(&text("Manager")));
}

async fn query(store: &DynStore, filter: &str) -> Vec<portico_model::ObjectId> {
    let (expr, _) = parse_filter(&USER, filter).unwrap();
    let query = DirectoryQuery {
        filter: Some(expr),
        order_by: Vec::new(),
        start: Start::AfterId(None),
        limit: 100,
    };
    let users = store.query_users(tenant_a(), &query).await.unwrap();
    users.iter().map(|u| u.id).collect()
}

pub async fn identities_and_profile_filters_agree_with_the_evaluator(store: DynStore) {
    two_tenants(&store).await;
    let users = [
        profiled(
            1,
            "Engineer",
            Some("Tokyo"),
            vec![identity("contoso.com", "J.Smith@yahoo.com")],
        ),
        profiled(
            2,
            "engineer",
            None,
            vec![
                identity("contoso.com", "other"),
                identity("fabrikam.com", "j.smith@yahoo.com"),
            ],
        ),
        profiled(3, "Sales", Some("Osaka"), vec![]),
    ];
    store
        .apply(
            tenant_a(),
            users.iter().cloned().map(Write::InsertUser).collect(),
        )
        .await
        .unwrap();
    for filter in [
        "identities/any(c:c/issuerAssignedId eq 'j.smith@yahoo.com' and c/issuer eq 'CONTOSO.com')",
        "identities/any(c:c/issuerAssignedId eq 'j.smith@yahoo.com' and c/issuer eq 'fabrikam.com')",
        "identities/any(c:c/issuerAssignedId eq 'other' and c/issuer eq 'fabrikam.com')",
        "not identities/any(c:c/issuerAssignedId eq 'other' and c/issuer eq 'contoso.com')",
        "jobTitle eq 'ENGINEER'",
        "city eq null",
        "startswith(city, 'tok') or city in ('Osaka')",
        "employeeHireDate ge 2026-03-02T00:00:00Z",
    ] {
        let (expr, _) = parse_filter(&USER, filter).unwrap();
        let expected: Vec<_> = users
            .iter()
            .filter(|u| evaluate(&expr, &UserRecord(u)))
            .map(|u| u.id)
            .collect();
        assert_eq!(query(&store, filter).await, expected, "{filter}");
    }
}

pub async fn sign_in_rows_move_the_users_sign_in_activity(store: DynStore) {
    two_tenants(&store).await;
    let user = member(1, "one@a.example.com");
    store
        .apply(tenant_a(), vec![Write::InsertUser(user.clone())])
        .await
        .unwrap();
    let failed_interactive = sign_in(10, tenant_a(), 5);
    let mut non_interactive = sign_in(11, tenant_a(), 6);
    non_interactive.sign_in_event_type = "nonInteractiveUser".into();
    non_interactive.error_code = 0;
    let mut older_success = sign_in(12, tenant_a(), 3);
    older_success.error_code = 0;
    for row in [failed_interactive, non_interactive, older_success] {
        store
            .apply(tenant_a(), vec![Write::InsertSignIn(row)])
            .await
            .unwrap();
    }
    let activity = store
        .get_user(tenant_a(), user.id)
        .await
        .unwrap()
        .sign_in_activity;
    assert_eq!(activity.last_sign_in, Some((at(5), oid(10).to_string())));
    assert_eq!(
        activity.last_non_interactive_sign_in,
        Some((at(6), oid(11).to_string()))
    );
    assert_eq!(
        activity.last_successful_sign_in,
        Some((at(6), oid(11).to_string()))
    );
    assert_eq!(
        query(
            &store,
            "signInActivity/lastSignInDateTime le 2026-03-05T12:00:00Z"
        )
        .await,
        vec![user.id]
    );
    assert!(query(
        &store,
        "signInActivity/lastSignInDateTime lt 2026-03-05T12:00:00Z"
    )
    .await
    .is_empty());
    assert!(query(&store, "signInActivity/lastSignInDateTime eq null")
        .await
        .is_empty());
    // Another tenant's row for the same object id leaves this user alone.
    let mut elsewhere = sign_in(13, tenant_b(), 9);
    elsewhere.error_code = 0;
    store
        .apply(tenant_b(), vec![Write::InsertSignIn(elsewhere)])
        .await
        .unwrap();
    let after = store.get_user(tenant_a(), user.id).await.unwrap();
    assert_eq!(after.sign_in_activity, activity);
    // Replacing the row does not undo the activity.
    store
        .apply(tenant_a(), vec![Write::UpdateUser(user.clone())])
        .await
        .unwrap();
    let replaced = store.get_user(tenant_a(), user.id).await.unwrap();
    assert_eq!(replaced.sign_in_activity, activity);
}
