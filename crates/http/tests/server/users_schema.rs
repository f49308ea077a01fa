//! Schema conformance of the user: Microsoft's v1.0 metadata (a committed subset,
//! `metadata/user-v1.0.xml`, with its source commit) against Portico's user table and against
//! real responses — every property by name and type, nested complex values included.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::*;
use portico_model::user::ObjectIdentity;
use portico_model::{ObjectId, TenantId};
use portico_odata::USER;
use portico_store::{UserChanges, Write};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const METADATA: &str = include_str!("metadata/user-v1.0.xml");

/// One declared property: its type and whether it may be null.
#[derive(Debug, Clone)]
struct Declared {
    type_name: String,
    nullable: bool,
}

/// Types by name (`user`, `signInActivity` …): their own properties, with base types' merged.
fn metadata() -> BTreeMap<String, BTreeMap<String, Declared>> {
    let mut types: BTreeMap<String, (Option<String>, BTreeMap<String, Declared>)> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in METADATA.lines().map(str::trim) {
        let attribute = |name: &str| {
            let start = line.find(&format!("{name}=\""))? + name.len() + 2;
            let end = line[start..].find('"')? + start;
            Some(line[start..end].to_owned())
        };
        if line.starts_with("<EntityType ") || line.starts_with("<ComplexType ") {
            let name = attribute("Name").unwrap();
            let base = attribute("BaseType").map(|b| b.trim_start_matches("graph.").to_owned());
            types.insert(name.clone(), (base, BTreeMap::new()));
            current = (!line.ends_with("/>")).then_some(name);
        } else if line.starts_with("<Property ") {
            let owner = current.as_ref().unwrap();
            let declared = Declared {
                type_name: attribute("Type")
                    .unwrap()
                    .replace("graph.", "microsoft.graph."),
                nullable: attribute("Nullable").as_deref() != Some("false"),
            };
            types
                .get_mut(owner)
                .unwrap()
                .1
                .insert(attribute("Name").unwrap(), declared);
        } else if line.starts_with("</EntityType>") || line.starts_with("</ComplexType>") {
            current = None;
        }
    }
    let mut merged = BTreeMap::new();
    for name in types.keys() {
        let mut properties = BTreeMap::new();
        let mut next = Some(name.clone());
        while let Some(type_name) = next {
            let (base, own) = &types[&type_name];
            properties.extend(own.clone());
            next = base.clone();
        }
        merged.insert(name.clone(), properties);
    }
    merged
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

/// Whether `value` is a valid `declared` value; the failure says where.
fn check(
    metadata: &BTreeMap<String, BTreeMap<String, Declared>>,
    path: &str,
    type_name: &str,
    nullable: bool,
    value: &Value,
) -> Result<(), String> {
    let fail = || Err(format!("{path}: {value} is not {type_name}"));
    if value.is_null() {
        return if nullable { Ok(()) } else { fail() };
    }
    if let Some(element) = type_name
        .strip_prefix("Collection(")
        .and_then(|t| t.strip_suffix(')'))
    {
        let Some(items) = value.as_array() else {
            return fail();
        };
        for (n, item) in items.iter().enumerate() {
            check(metadata, &format!("{path}[{n}]"), element, false, item)?;
        }
        return Ok(());
    }
    let ok = match type_name {
        "Edm.String" => value.is_string(),
        "Edm.Boolean" => value.is_boolean(),
        "Edm.Int32" => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        "Edm.Guid" => value
            .as_str()
            .is_some_and(|s| uuid::Uuid::parse_str(s).is_ok()),
        "Edm.DateTimeOffset" => value
            .as_str()
            .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()),
        complex => {
            let short = complex.trim_start_matches("microsoft.graph.");
            let Some(members) = metadata.get(short) else {
                return Err(format!("{path}: unknown type {complex}"));
            };
            let Some(object) = value.as_object() else {
                return fail();
            };
            for (name, member) in object {
                let Some(declared) = members.get(name) else {
                    return Err(format!("{path}/{name} is not a member of {complex}"));
                };
                check(
                    metadata,
                    &format!("{path}/{name}"),
                    &declared.type_name,
                    declared.nullable,
                    member,
                )?;
            }
            true
        }
    };
    if ok {
        Ok(())
    } else {
        fail()
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
