//! The tenant isolation matrix (security.md D-1): every Graph operation of the committed OpenAPI,
//! called by Bravo's administrator (an app and a delegated Global Administrator) with Alpha's ids
//! and with random ids, answers identically for both (no existence oracle) and never shows Alpha's
//! data; Alpha's own callers never see Bravo's. A token of Bravo with its `tid` rewritten to Alpha
//! is refused (the permission matrix).

use crate::matrix::*;
use portico_http::graph::openapi::ENDPOINTS;

/// Alpha's objects, one per kind, that Bravo's callers name.
async fn alpha_ids(server: &crate::harness::TestServer, token: &str) -> Vec<String> {
    let mut ids = vec![ALPHA.to_owned()];
    for path in [
        "/v1.0/users",
        "/v1.0/groups",
        "/v1.0/servicePrincipals",
        // Alpha's rows so far are its apps' (service principal sign-ins: beta lists them).
        "/beta/auditLogs/signIns?$filter=signInEventTypes/any(t:t%20eq%20'servicePrincipal')",
    ] {
        ids.push(first_id(server, token, path).await);
    }
    ids
}

/// An answer without what differs between any two requests (the request id and date).
fn comparable(body: &str, id: &str) -> String {
    let mut value: serde_json::Value =
        serde_json::from_str(body).unwrap_or(serde_json::Value::String(body.to_owned()));
    if let Some(error) = value.get_mut("error").and_then(|e| e.as_object_mut()) {
        error.remove("innerError");
    }
    value.to_string().replace(id, "<id>")
}

fn assert_no_canaries(canaries: &[&str], answer: &str, cell: &str) {
    for canary in canaries {
        assert!(!answer.contains(canary), "{canary} leaked: {cell}");
    }
}

#[tokio::test]
async fn foreign_ids_answer_as_random_ids_and_no_tenant_sees_the_other() {
    let server = spawn_world().await;
    let alpha_app = app_token(&server, ALPHA, ALL_APP, "all-secret").await;
    let foreign = alpha_ids(&server, &alpha_app).await;
    let bravo = vec![
        (
            "Bravo app",
            app_token(&server, BRAVO, BRAVO_ALL_APP, "all-secret").await,
        ),
        (
            "Bravo admin",
            user_token(&server, "bravo.example", BRAVO_CLI, "ga@bravo.example").await,
        ),
    ];
    let mut cells = 0;
    for (name, token) in &bravo {
        for endpoint in ENDPOINTS {
            let templated = endpoint.path.contains("{id}") || endpoint.path.contains("{tenant}");
            let (random_status, random_body) = call(
                &server,
                endpoint,
                Some(token),
                &path_of(endpoint, BRAVO, RANDOM_ID),
            )
            .await;
            let random_body = comparable(&random_body, RANDOM_ID);
            for id in foreign.iter().filter(|_| templated) {
                let path = path_of(endpoint, ALPHA, id);
                let (status, body) = call(&server, endpoint, Some(token), &path).await;
                // The requested ids are echoed in the message; only they may name Alpha.
                let body = comparable(&body, id).replace(ALPHA, "<tenant>");
                let cell = format!("{name}: {} {path} → {status} {body}", endpoint.method);
                assert!(
                    !(200..300).contains(&status) || endpoint.method == "get",
                    "{cell}"
                );
                if endpoint.path.contains("{tenant}") {
                    assert!(
                        [403, 404].contains(&status),
                        "another tenant's path: {cell}"
                    );
                } else {
                    assert_eq!((status, &body), (random_status, &random_body), "{cell}");
                }
                assert_no_canaries(ALPHA_CANARIES, &body, &cell);
                cells += 1;
            }
            let cell = format!("{name}: {} {}", endpoint.method, endpoint.path);
            assert_no_canaries(ALPHA_CANARIES, &random_body, &cell);
            cells += 1;
        }
    }
    // Alpha's callers, on every read, never see Bravo.
    let alpha_admin = user_token(&server, "alpha.example", CLI, "ga@alpha.example").await;
    for token in [&alpha_app, &alpha_admin] {
        for endpoint in reads() {
            let path = path_of(endpoint, ALPHA, RANDOM_ID);
            let (status, body) = call(&server, endpoint, Some(token), &path).await;
            assert!(status < 500, "{path} → {status}");
            assert_no_canaries(BRAVO_CANARIES, &body, &path);
            cells += 1;
        }
    }
    assert!(cells > ENDPOINTS.len() * 4, "{cells} cells");
}
