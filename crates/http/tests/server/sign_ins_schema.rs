//! Schema conformance of the sign-in log: Microsoft's v1.0 and beta metadata for `signIn`
//! (committed subsets, `metadata/signIn-v1.0.xml` and `metadata/signIn-beta.xml`, with their
//! sources) against Portico's two property tables and against real rows of every kind —
//! interactive, non-interactive, service principal, a guest's in both tenants, a refusal.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::{app_token, redeem as redeem_code, refresh, sign_in_megan, VERIFIER};
use crate::schema_metadata::{check, parse, Metadata};
use crate::walk::*;
use portico_odata::{Entity, SIGN_IN, SIGN_IN_BETA};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

const V1: &str = include_str!("metadata/signIn-v1.0.xml");
const BETA: &str = include_str!("metadata/signIn-beta.xml");
const CONTOSO_ADMIN_APP: &str = "c0c0a001-0000-4000-8000-000000000001";
const EVERY_KIND: &str = "signInEventTypes/any(t: t eq 'interactiveUser') \
    or signInEventTypes/any(t: t eq 'nonInteractiveUser') \
    or signInEventTypes/any(t: t eq 'servicePrincipal')";

fn selectable(entity: &Entity) -> BTreeSet<&'static str> {
    entity
        .properties
        .iter()
        .filter(|p| p.selectable)
        .map(|p| p.name)
        .collect()
}

#[test]
fn v1_serves_exactly_the_v1_sign_in_and_beta_only_beta_properties() {
    let v1 = parse(V1);
    let names: BTreeSet<&str> = v1["signIn"].keys().map(String::as_str).collect();
    assert_eq!(names.len(), 30, "entity and signIn properties");
    assert_eq!(selectable(&SIGN_IN), names);
    let beta = parse(BETA);
    let beta_names: BTreeSet<&str> = beta["signIn"].keys().map(String::as_str).collect();
    let ours = selectable(&SIGN_IN_BETA);
    assert!(
        ours.is_subset(&beta_names),
        "{:?}",
        ours.difference(&beta_names)
    );
    for beta_only in ["crossTenantAccessType", "userType", "signInEventTypes"] {
        assert!(ours.contains(beta_only) && !names.contains(beta_only));
    }
    // Filter-only paths are members of the complex property they go into.
    for (entity, metadata) in [(&SIGN_IN, &v1), (&SIGN_IN_BETA, &beta)] {
        for property in entity.properties.iter().filter(|p| !p.selectable) {
            let (complex, member) = property.name.split_once('/').unwrap();
            let type_name = &metadata["signIn"][complex].type_name;
            let short = type_name.trim_start_matches("microsoft.graph.");
            assert!(metadata[short].contains_key(member), "{}", property.name);
        }
    }
}

/// Rows of every kind in Contoso's log (and Alice's home row in Fabrikam's).
async fn every_kind_of_row(server: &TestServer) {
    let contoso = admin(server, "contoso").await;
    let client = crate::oidc_client::browser(server);
    let params = sign_in_megan(server, &client).await;
    let tokens: Value = redeem_code(server, &params["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let refreshed = refresh(server, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed.status(), 200);
    app_token(
        server,
        "contoso.com",
        CONTOSO_ADMIN_APP,
        "contoso-admin-secret",
    )
    .await;
    let alice = Person {
        totp: Some("JBSWY3DPEHPK3PXP".into()),
        ..Person::new("alice@fabrikam.com")
    };
    let invitation = invite(server, &contoso, "alice@fabrikam.com").await;
    let (walk, _) = redeem(server, &invitation, &alice, &[]).await;
    assert_eq!(walk.error_code(), None, "{walk:?}");
    let invitation = invite(server, &contoso, "eve@woodgrovebank.com").await;
    let eve = Person::new("eve@woodgrovebank.com");
    let (walk, _) = redeem(server, &invitation, &eve, &[]).await;
    assert_eq!(walk.error_code(), Some(500212), "{walk:?}");
}

async fn list(server: &TestServer, token: &str, path: &str, query: &[(&str, &str)]) -> Vec<Value> {
    let response = server
        .client
        .get(server.url(path))
        .query(query)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path} {query:?}");
    let body: Value = response.json().await.unwrap();
    // Each version's body names its own metadata.
    let version = path.split('/').nth(1).unwrap();
    let context = format!("https://graph.microsoft.com/{version}/$metadata#auditLogs/signIns");
    assert_eq!(body["@odata.context"], context);
    body["value"].as_array().unwrap().clone()
}

/// Every property of `row` is declared by `metadata` with a matching value; Portico's own facts
/// are only in its annotation.
fn conforms(metadata: &Metadata, row: &Map<String, Value>, expected: &BTreeSet<&str>) {
    let properties: BTreeSet<&str> = row
        .keys()
        .map(String::as_str)
        .filter(|k| !k.starts_with('@'))
        .collect();
    assert_eq!(&properties, expected, "{row:?}");
    for (name, value) in row.iter().filter(|(k, _)| !k.starts_with('@')) {
        let declared = &metadata["signIn"][name.as_str()];
        check(
            metadata,
            name,
            &declared.type_name,
            declared.nullable,
            value,
        )
        .unwrap();
    }
    for key in row.keys().filter(|k| k.starts_with('@')) {
        assert_eq!(key, "@portico.diagnosis", "{row:?}");
    }
}

#[tokio::test]
async fn rows_of_every_kind_conform_to_their_versions_metadata() {
    let server = spawn_demo().await;
    every_kind_of_row(&server).await;
    let contoso = admin(&server, "contoso").await;
    let fabrikam = admin(&server, "fabrikam").await;
    for (path, source, entity) in [
        ("/v1.0/auditLogs/signIns", V1, &SIGN_IN),
        ("/beta/auditLogs/signIns", BETA, &SIGN_IN_BETA),
    ] {
        let metadata = parse(source);
        let names = selectable(entity);
        let all = names.iter().copied().collect::<Vec<_>>().join(",");
        let beta = path.starts_with("/beta");
        let filter = if beta {
            EVERY_KIND
        } else {
            "createdDateTime ge 2000-01-01T00:00:00Z"
        };
        let mut kinds = BTreeSet::new();
        for token in [&contoso, &fabrikam] {
            for query in [
                vec![("$filter", filter)],
                vec![("$filter", filter), ("$select", &all)],
            ] {
                for row in list(&server, token, path, &query).await {
                    let row = row.as_object().unwrap();
                    conforms(&metadata, row, &names);
                    kinds.insert(row["isInteractive"].to_string());
                    if beta {
                        kinds.insert(row["signInEventTypes"][0].as_str().unwrap().to_owned());
                    }
                }
            }
        }
        if beta {
            assert!(kinds.contains("servicePrincipal") && kinds.contains("nonInteractiveUser"));
        } else {
            assert_eq!(
                kinds,
                BTreeSet::from(["true".to_owned()]),
                "v1.0 is interactive only"
            );
        }
        // Each property alone: `$select` accepts it, and the row has it and the id only.
        for name in &names {
            let rows = list(&server, &contoso, path, &[("$select", name), ("$top", "1")]).await;
            let keys: BTreeSet<&str> = rows[0]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .filter(|k| !k.starts_with('@'))
                .collect();
            assert_eq!(keys, BTreeSet::from(["id", name]), "{path} $select={name}");
        }
    }
}
