//! Availability: clients that hang up mid-request cannot take the in-memory world with them.

use crate::harness::spawn_demo;
use crate::oidc_client::{app_token, ADMIN_APP};
use std::time::Duration;

/// A burst of requests cancelled after a few milliseconds (the server drops their futures while
/// they hold or wait for the database connection), then the server must still be ready and serve.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_hung_up_requests_leaves_the_in_memory_world_intact() {
    let server = spawn_demo().await;
    let discovery = server.url("/contoso.com/v2.0/.well-known/openid-configuration");
    let users = server.url("/v1.0/users?$top=999");
    let bearer = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let bearer = bearer["access_token"].as_str().unwrap().to_owned();
    for round in 0..20u64 {
        let mut tasks = Vec::new();
        for n in 0..128u64 {
            let client = server.client.clone();
            let timeout = Duration::from_millis(1 + (round * 128 + n) % 100);
            let request = if n % 2 == 0 {
                client.get(&discovery)
            } else {
                client.get(&users).bearer_auth(&bearer)
            };
            tasks.push(tokio::spawn(async move {
                let _ = request.timeout(timeout).send().await;
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    }
    let ready = server
        .client
        .get(server.url("/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200, "{}", ready.text().await.unwrap());
    let found = server.client.get(&discovery).send().await.unwrap();
    assert_eq!(found.status(), 200, "{}", found.text().await.unwrap());
    let body = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    assert!(body["access_token"].is_string(), "{body}");
}
