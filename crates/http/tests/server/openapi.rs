//! The committed OpenAPI description matches the code, and every operation it lists is served.

use crate::harness::spawn_demo;
use portico_http::graph::openapi::{document_text, endpoint_table_text, ENDPOINTS};

#[test]
fn the_committed_openapi_description_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi/graph.json");
    let committed = std::fs::read_to_string(path).expect("docs/openapi/graph.json exists");
    assert!(committed == document_text(), "docs/openapi/graph.json is out of date: run `cargo run -p portico -- openapi > docs/openapi/graph.json`");
}

#[test]
fn the_committed_endpoint_table_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/endpoints.md");
    let committed = std::fs::read_to_string(path).expect("docs/endpoints.md exists");
    assert!(committed == endpoint_table_text(), "docs/endpoints.md is out of date: run `cargo run -p portico -- openapi --markdown > docs/endpoints.md`");
    for endpoint in ENDPOINTS {
        let row = endpoint
            .path
            .trim_start_matches("/v1.0")
            .trim_start_matches("/beta");
        assert!(
            committed.contains(row),
            "{} is not in the table",
            endpoint.path
        );
    }
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_demands_a_token() {
    let server = spawn_demo().await;
    for endpoint in ENDPOINTS {
        let path = endpoint
            .path
            .replace("{tenant}", "contoso.com")
            .replace("{memberId}", "99999999-9999-4999-8999-999999999999")
            .replace("{id}", "99999999-9999-4999-8999-999999999999");
        let response = server
            .client
            .request(
                endpoint.method.to_uppercase().parse().unwrap(),
                server.url(&path),
            )
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            401,
            "{} {}",
            endpoint.method,
            endpoint.path
        );
    }
}
