//! The whole v1.0 user through Graph: `$select` of every property on lists and single reads
//! (and Graph's 400 for names that are not properties), profile properties stored and PATCHed,
//! `identities/any(…)`, and `signInActivity` after real sign-ins.

use crate::harness::{call, spawn_demo, TestServer};
use crate::oidc_client::*;
use portico_model::user::ObjectIdentity;
use portico_model::{ObjectId, TenantId};
use portico_odata::USER;
use portico_store::{UserChanges, Write};
use serde_json::{json, Value};

const MEGAN: &str = "megan@contoso.com";

async fn admin_token(server: &TestServer) -> String {
    app_token(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn get(server: &TestServer, token: &str, path: &str) -> (u16, Value) {
    call(server, "GET", token, path, None).await
}

/// The names `$select` may carry: every v1.0 property of the user.
fn selectable() -> Vec<&'static str> {
    USER.properties
        .iter()
        .filter(|p| p.selectable)
        .map(|p| p.name)
        .collect()
}

fn keys(object: &Value) -> Vec<String> {
    let mut keys: Vec<String> = object
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| !k.starts_with('@'))
        .cloned()
        .collect();
    keys.sort();
    keys
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn every_property_is_selectable_on_lists_and_single_reads() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let all = selectable();
    assert_eq!(all.len(), 81);
    let select = all.join(",");
    let (status, list) = get(&server, &token, &format!("/v1.0/users?$select={select}")).await;
    assert_eq!(status, 200, "{list}");
    for user in list["value"].as_array().unwrap() {
        assert_eq!(keys(user), sorted(&all));
    }
    for path in [
        format!("/v1.0/users/{MEGAN}"),
        "/v1.0/users/admin@contoso.com".to_owned(),
    ] {
        let (status, user) = get(&server, &token, &format!("{path}?$select={select}")).await;
        assert_eq!(status, 200, "{user}");
        assert_eq!(keys(&user), sorted(&all));
        // One property at a time: exactly it, plus id.
        for name in &all {
            let (status, one) = get(&server, &token, &format!("{path}?$select={name}")).await;
            assert_eq!(status, 200, "{name}: {one}");
            assert_eq!(
                keys(&one),
                sorted(
                    &["id", name]
                        .iter()
                        .copied()
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                ),
                "{name}"
            );
        }
    }
    // Without $select: Graph's default set, on lists and single reads alike.
    let defaults = USER.default_select();
    let (_, megan) = get(&server, &token, &format!("/v1.0/users/{MEGAN}")).await;
    assert_eq!(keys(&megan), sorted(&defaults));
    assert_eq!(megan["businessPhones"], json!([]));
    assert_eq!(megan["jobTitle"], Value::Null);
    let (_, list) = get(&server, &token, "/v1.0/users").await;
    assert_eq!(keys(&list["value"][0]), sorted(&defaults));
}

#[tokio::test]
async fn unknown_names_in_select_are_refused_on_lists_and_single_reads() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    for path in ["/v1.0/users", "/v1.0/users/megan@contoso.com", "/v1.0/me"] {
        for select in [
            "displayName,favouriteColour",
            "signInActivity/lastSignInDateTime",
        ] {
            let (status, body) = get(&server, &token, &format!("{path}?$select={select}")).await;
            if path == "/v1.0/me" {
                // An app has no /me: the query is not what fails first.
                assert_eq!(status, 400, "{body}");
                continue;
            }
            assert_eq!(status, 400, "{path} {select}: {body}");
            assert_eq!(body["error"]["code"], "Request_BadRequest");
            assert!(
                body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("Could not find a property named"),
                "{body}"
            );
        }
    }
}

/// Every profile property with a value an administrator would set, and how Graph returns it.
fn profile_body() -> (Value, Value) {
    let sent = json!({
        "jobTitle": "Product Manager",
        "department": "Marketing",
        "companyName": "Contoso",
        "officeLocation": "Tokyo 12/1110",
        "businessPhones": ["+81 3 1234 5678"],
        "mobilePhone": "+81 90 1234 5678",
        "employeeId": "E1234",
        "employeeType": "Employee",
        "employeeHireDate": "2020-04-01T00:00:00Z",
        "employeeLeaveDateTime": "2030-03-31T00:00:00Z",
        "faxNumber": "+81 3 1234 0000",
        "city": "Chiyoda",
        "country": "Japan",
        "state": "Tokyo",
        "streetAddress": "1-1 Marunouchi",
        "postalCode": "100-0005",
        "usageLocation": "jp",
        "preferredLanguage": "ja-JP",
        "preferredDataLocation": "JPN",
        "ageGroup": "adult",
        "consentProvidedForMinor": "NotRequired",
        "mailNickname": "megan",
        "passwordPolicies": "DisablePasswordExpiration",
    });
    let mut returned = sent.clone();
    returned["usageLocation"] = json!("JP");
    returned["ageGroup"] = json!("Adult");
    (sent, returned)
}

#[tokio::test]
async fn profile_properties_are_stored_patched_cleared_and_filtered() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let (sent, returned) = profile_body();
    let path = format!("/v1.0/users/{MEGAN}");
    let (status, body) = call(&server, "PATCH", &token, &path, Some(sent.clone())).await;
    assert_eq!(status, 204, "{body}");
    let names: Vec<&str> = sent
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let (_, megan) = get(
        &server,
        &token,
        &format!("{path}?$select={}", names.join(",")),
    )
    .await;
    for name in &names {
        assert_eq!(megan[name], returned[name], "{name}");
    }
    let (_, list) = get(
        &server,
        &token,
        "/v1.0/users?$filter=jobTitle eq 'product manager'&$select=jobTitle",
    )
    .await;
    assert_eq!(list["value"].as_array().unwrap().len(), 1, "{list}");
    let (_, list) = get(
        &server,
        &token,
        "/v1.0/users?$filter=startswith(department,'Mark') and usageLocation eq 'JP'",
    )
    .await;
    assert_eq!(
        list["value"][0]["businessPhones"],
        json!(["+81 3 1234 5678"])
    );
    // A second PATCH changes only what it names; null and [] clear.
    let clear = json!({"jobTitle": null, "businessPhones": [], "city": "Minato"});
    let (status, _) = call(&server, "PATCH", &token, &path, Some(clear)).await;
    assert_eq!(status, 204);
    let (_, megan) = get(
        &server,
        &token,
        &format!("{path}?$select=jobTitle,businessPhones,city,department"),
    )
    .await;
    assert_eq!(megan["jobTitle"], Value::Null);
    assert_eq!(megan["businessPhones"], json!([]));
    assert_eq!(megan["city"], "Minato");
    assert_eq!(megan["department"], "Marketing");
    // Refusals: Graph's limits, read-only and unknown names; nothing is written.
    for (bad, message) in [
        (
            json!({"usageLocation": "XX"}),
            "Invalid value specified for property 'usageLocation'",
        ),
        (
            json!({"businessPhones": ["1", "2"]}),
            "Invalid value specified for property 'businessPhones'",
        ),
        (
            json!({"employeeId": "12345678901234567"}),
            "Invalid value specified for property 'employeeId'",
        ),
        (
            json!({"ageGroup": "Teen"}),
            "Invalid value specified for property 'ageGroup'",
        ),
        (
            json!({"jobTitle": 7}),
            "Invalid value specified for property 'jobTitle'",
        ),
        (
            json!({"createdDateTime": "2020-01-01T00:00:00Z"}),
            "Property 'createdDateTime' is read-only",
        ),
        (
            json!({"department": "X", "favouriteColour": "blue"}),
            "Property 'favouriteColour' does not exist",
        ),
    ] {
        let (status, body) = call(&server, "PATCH", &token, &path, Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(message),
            "{body}"
        );
    }
    let (_, megan) = get(&server, &token, &format!("{path}?$select=department")).await;
    assert_eq!(megan["department"], "Marketing");
}

#[tokio::test]
async fn created_users_keep_their_profile_and_mail_nickname() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let body = json!({
        "accountEnabled": true,
        "displayName": "Adele Vance",
        "mailNickname": "AdeleV",
        "userPrincipalName": "adele@contoso.com",
        "passwordProfile": {"password": "Portico-dev-1-Adele"},
        "jobTitle": "Retail Manager",
        "officeLocation": "18/2111",
    });
    let (status, created) = call(&server, "POST", &token, "/v1.0/users", Some(body)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["jobTitle"], "Retail Manager");
    let (_, adele) = get(
        &server,
        &token,
        "/v1.0/users/adele@contoso.com?$select=mailNickname,officeLocation",
    )
    .await;
    assert_eq!(adele["mailNickname"], "AdeleV");
    assert_eq!(adele["officeLocation"], "18/2111");
}

#[tokio::test]
async fn identities_are_filtered_by_issuer_and_issuer_assigned_id() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let (_, megan) = get(&server, &token, &format!("/v1.0/users/{MEGAN}")).await;
    let id = ObjectId::parse(megan["id"].as_str().unwrap()).unwrap();
    let identities = vec![
        ObjectIdentity {
            sign_in_type: "userPrincipalName".into(),
            issuer: "contoso.com".into(),
            issuer_assigned_id: MEGAN.into(),
        },
        ObjectIdentity {
            sign_in_type: "emailAddress".into(),
            issuer: "contosob2c.onmicrosoft.com".into(),
            issuer_assigned_id: "megan@example.org".into(),
        },
    ];
    let changes = UserChanges {
        identities: Some(identities),
        ..UserChanges::default()
    };
    server
        .running()
        .app
        .store_for_tests()
        .apply(
            TenantId::parse(CONTOSO).unwrap(),
            vec![Write::PatchUser { id, changes }],
        )
        .await
        .unwrap();
    let filter = |issuer: &str, value: &str| {
        format!("/v1.0/users?$filter=identities/any(c:c/issuerAssignedId eq '{value}' and c/issuer eq '{issuer}')&$select=displayName,identities")
    };
    let (status, found) = get(
        &server,
        &token,
        &filter("contosob2c.onmicrosoft.com", "Megan@Example.org"),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    let value = found["value"].as_array().unwrap();
    assert_eq!(value.len(), 1);
    assert_eq!(value[0]["displayName"], "Megan Bowen");
    assert_eq!(value[0]["identities"][1]["signInType"], "emailAddress");
    // Both members must match the same identity.
    let (_, none) = get(&server, &token, &filter("contoso.com", "megan@example.org")).await;
    assert_eq!(none["value"], json!([]));
    let (status, body) = get(
        &server,
        &token,
        "/v1.0/users?$filter=identities/any(c:c/issuer eq 'contoso.com')",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "Request_UnsupportedQuery");
}

/// Megan signs in on the pages (interactive), then refreshes (non-interactive).
async fn megan_signs_in(server: &TestServer) -> String {
    let client = browser(server);
    let params = sign_in_megan(server, &client).await;
    let tokens: Value = redeem(server, &params["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let refreshed = refresh(server, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed.status(), 200);
    tokens["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sign_in_activity_follows_sign_ins_and_needs_the_audit_log_permission() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let path = format!("/v1.0/users/{MEGAN}?$select=displayName,signInActivity");
    let (_, before) = get(&server, &token, &path).await;
    assert_eq!(before["signInActivity"], Value::Null, "{before}");
    let megan_token = megan_signs_in(&server).await;
    let (status, after) = get(&server, &token, &path).await;
    assert_eq!(status, 200, "{after}");
    let activity = &after["signInActivity"];
    for name in [
        "lastSignInDateTime",
        "lastSignInRequestId",
        "lastNonInteractiveSignInDateTime",
        "lastNonInteractiveSignInRequestId",
        "lastSuccessfulSignInDateTime",
        "lastSuccessfulSignInRequestId",
    ] {
        assert!(activity[name].is_string(), "{name}: {activity}");
    }
    // The request ids are the sign-in log rows' ids.
    let request = activity["lastSignInRequestId"].as_str().unwrap();
    let (status, row) = get(
        &server,
        &token,
        &format!("/v1.0/auditLogs/signIns/{request}"),
    )
    .await;
    assert_eq!(status, 200, "{row}");
    assert_eq!(row["userPrincipalName"], MEGAN);
    assert_eq!(
        activity["lastSuccessfulSignInRequestId"],
        activity["lastNonInteractiveSignInRequestId"]
    );
    // Filterable as in Graph: stale users are those before a date, or never signed in.
    let since = activity["lastSignInDateTime"].as_str().unwrap();
    let (status, recent) = get(
        &server,
        &token,
        &format!("/v1.0/users?$filter=signInActivity/lastSignInDateTime ge {since}&$select=userPrincipalName"),
    )
    .await;
    assert_eq!(status, 200, "{recent}");
    assert_eq!(recent["value"].as_array().unwrap().len(), 1);
    assert_eq!(recent["value"][0]["userPrincipalName"], MEGAN);
    let (_, never) = get(
        &server,
        &token,
        "/v1.0/users?$filter=signInActivity/lastSignInDateTime eq null&$select=userPrincipalName",
    )
    .await;
    let never: Vec<&Value> = never["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| &u["userPrincipalName"])
        .collect();
    assert!(
        !never.contains(&&json!(MEGAN)) && !never.is_empty(),
        "{never:?}"
    );
    // Megan is no audit-log reader: signInActivity (selected or filtered) is refused, the rest not.
    let (status, body) = get(&server, &megan_token, "/v1.0/me?$select=signInActivity").await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
    let (status, body) = get(
        &server,
        &megan_token,
        "/v1.0/users?$filter=signInActivity/lastSignInDateTime eq null",
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = get(
        &server,
        &megan_token,
        "/v1.0/me?$select=jobTitle,usageLocation",
    )
    .await;
    assert_eq!(status, 200, "{body}");
}
