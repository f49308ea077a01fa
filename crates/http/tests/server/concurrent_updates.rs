//! Concurrent changes to one user: each request writes only what it changed, so none is lost.

use crate::harness::spawn_demo;
use crate::oidc_client::{app_token, ADMIN_APP};
use serde_json::{json, Value};

/// Parallel Graph PATCHes of different properties of one user all land. With whole-row writes
/// each request wrote back the user as it read it, undoing the others (and an `accountEnabled:
/// false` could be undone the same way by a sign-in).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_patches_of_different_properties_all_land() {
    let server = spawn_demo().await;
    let token = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let token = token["access_token"].as_str().unwrap().to_owned();
    let created: Value = server
        .client
        .post(server.url("/v1.0/users"))
        .bearer_auth(&token)
        .json(&json!({
            "accountEnabled": true,
            "displayName": "Race Subject",
            "mailNickname": "race",
            "userPrincipalName": "race@contoso.com",
            "passwordProfile": {"password": "Portico-dev-1"}
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = server.url(&format!("/v1.0/users/{}", created["id"].as_str().unwrap()));
    for round in 0..6 {
        let enabled = round % 2 == 1;
        let patches = [
            json!({"displayName": format!("Display {round}")}),
            json!({"givenName": format!("Given {round}")}),
            json!({"surname": format!("Surname {round}")}),
            json!({"otherMails": [format!("other{round}@example.net")]}),
            json!({"accountEnabled": enabled}),
        ];
        let mut tasks = Vec::new();
        for patch in patches {
            let request = server.client.patch(&user).bearer_auth(&token).json(&patch);
            tasks.push(tokio::spawn(async move {
                request.send().await.unwrap().status().as_u16()
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), 204);
        }
        let select = "?$select=displayName,givenName,surname,otherMails,accountEnabled";
        let stored: Value = server
            .client
            .get(format!("{user}{select}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            stored["displayName"],
            format!("Display {round}"),
            "{stored}"
        );
        assert_eq!(stored["givenName"], format!("Given {round}"), "{stored}");
        assert_eq!(stored["surname"], format!("Surname {round}"), "{stored}");
        assert_eq!(
            stored["otherMails"],
            json!([format!("other{round}@example.net")]),
            "{stored}"
        );
        assert_eq!(stored["accountEnabled"], enabled, "{stored}");
    }
}
