//! Schema conformance of the user: Microsoft's v1.0 metadata (a committed subset,
//! `metadata/user-v1.0.xml`, with its source commit) against Portico's user table and against
//! real responses — every property by name and type, nested complex values included.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::*;
use crate::schema_metadata::{check, parse, Metadata};
use portico_model::user::ObjectIdentity;
use portico_model::{ObjectId, TenantId};
use portico_odata::USER;
use portico_store::{UserChanges, Write};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const METADATA: &str = include_str!("metadata/user-v1.0.xml");

fn metadata() -> Metadata {
    parse(METADATA)
}

#[test]
fn the_user_table_declares_every_v1_property_with_its_metadata_type() {
    let metadata = metadata();
    let user = &metadata["user"];
    assert_eq!(
        user.len(),
        81,
        "entity, directoryObject and user properties"
    );
    let ours: BTreeMap<&str, String> = USER
        .properties
        .iter()
        .filter(|p| p.selectable)
        .map(|p| (p.name, p.kind.odata_type()))
        .collect();
    let names: Vec<&str> = user.keys().map(String::as_str).collect();
    assert_eq!(ours.keys().copied().collect::<Vec<_>>(), names);
    for (name, declared) in user {
        assert_eq!(ours[name.as_str()], declared.type_name, "{name}");
        let property = USER.property(name).unwrap();
        assert_eq!(property.nullable, declared.nullable, "{name} nullability");
    }
    // The filter-only paths are members of signInActivity.
    for property in USER.properties.iter().filter(|p| !p.selectable) {
        let (complex, member) = property.name.split_once('/').unwrap();
        let type_name = &user[complex].type_name;
        let short = type_name.trim_start_matches("microsoft.graph.");
        assert!(metadata[short].contains_key(member), "{}", property.name);
    }
}

async fn patched_id(server: &TestServer, token: &str) -> String {
    let megan: Value = server
        .client
        .get(server.url("/v1.0/users/megan@contoso.com?$select=id"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    megan["id"].as_str().unwrap().to_owned()
}

async fn admin_token(server: &TestServer) -> String {
    app_token(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn responses_carry_every_v1_property_with_its_metadata_type() {
    let metadata = metadata();
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    // Values where Portico keeps them: a profile, identities (the seed's guests), sign-in activity.
    let profile = json!({
        "jobTitle": "Engineer", "businessPhones": ["+1 425 555 0100"], "employeeHireDate": "2020-01-01T00:00:00Z",
        "ageGroup": "Adult", "usageLocation": "US", "mailNickname": "megan",
    });
    let patched = server
        .client
        .patch(server.url("/v1.0/users/megan@contoso.com"))
        .bearer_auth(&token)
        .json(&profile)
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 204);
    let megan = ObjectId::parse(patched_id(&server, &token).await.as_str()).unwrap();
    let changes = UserChanges {
        identities: Some(vec![ObjectIdentity {
            sign_in_type: "userPrincipalName".into(),
            issuer: "contoso.com".into(),
            issuer_assigned_id: "megan@contoso.com".into(),
        }]),
        ..UserChanges::default()
    };
    let write = Write::PatchUser { id: megan, changes };
    let tenant = TenantId::parse(CONTOSO).unwrap();
    server
        .running()
        .app
        .store_for_tests()
        .apply(tenant, vec![write])
        .await
        .unwrap();
    let client = browser(&server);
    let params = sign_in_megan(&server, &client).await;
    assert_eq!(
        redeem(&server, &params["code"], VERIFIER).await.status(),
        200
    );
    let names: Vec<&str> = metadata["user"].keys().map(String::as_str).collect();
    let select = names.join(",");
    let list: Value = server
        .client
        .get(server.url(&format!("/v1.0/users?$select={select}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let users = list["value"].as_array().unwrap();
    assert!(users.len() >= 3);
    let mut non_null: BTreeMap<&str, usize> = BTreeMap::new();
    for user in users {
        let object = user.as_object().unwrap();
        assert_eq!(object.len(), names.len(), "{user}");
        for (name, declared) in &metadata["user"] {
            let value = &object[name.as_str()];
            check(
                &metadata,
                name,
                &declared.type_name,
                declared.nullable,
                value,
            )
            .unwrap();
            if !value.is_null() && value != &json!([]) {
                *non_null.entry(name.as_str()).or_default() += 1;
            }
        }
    }
    // The checks saw real values, not only defaults.
    for name in [
        "jobTitle",
        "businessPhones",
        "employeeHireDate",
        "signInActivity",
        "securityIdentifier",
        "identities",
    ] {
        assert!(
            non_null.contains_key(name),
            "{name} was never filled: {non_null:?}"
        );
    }
}
