//! `/metrics` on its own port: requests by route template and status, business events counted
//! where they happen, the store's figures; nothing of it on the public port.

use crate::b2b::{admin, invite};
use crate::harness::{spawn, Spawn, TestServer};
use crate::oidc_client::{app_token, ADMIN_APP};
use serde_json::json;

/// The metrics port's text.
async fn scrape(server: &TestServer) -> String {
    let addr = server.running().metrics_addr.expect("metrics served");
    let response = server
        .client
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let kind = response.headers()["content-type"].to_str().unwrap();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    response.text().await.unwrap()
}

/// The value of the sample written exactly `series` (name and labels), if there is one.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|value| value.parse().unwrap())
}

#[tokio::test]
async fn metrics_count_requests_tokens_sign_ins_and_invitations_on_their_own_port() {
    let server = spawn(Spawn {
        metrics: true,
        ..Default::default()
    })
    .await;
    // On the public port `/metrics` is only a tenant segment that names no tenant.
    let public = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap();
    let status = public.status();
    let body = public.text().await.unwrap();
    assert!(
        status.is_client_error() && !body.contains("portico_"),
        "no metrics on the public port: {status} {body}"
    );

    let token = admin(&server).await;
    let refused = app_token(&server, "contoso.com", ADMIN_APP, "not-the-secret").await;
    assert_eq!(refused["error"], "invalid_client", "{refused}");
    let (status, invitation) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "alice@fabrikam.com", "inviteRedirectUrl": "https://myapps.example.com/", "sendInvitationMessage": true}),
    )
    .await;
    assert_eq!(status, 201, "{invitation}");
    let guest = invitation["invitedUser"]["id"].as_str().unwrap();
    let read = server
        .client
        .get(server.url(&format!("/v1.0/users/{guest}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);

    let stray = server
        .client
        .get(server.url("/zz-stray-path/a/b/c/d/e/f"))
        .send()
        .await
        .unwrap();
    assert!(stray.status().is_client_error());

    let text = scrape(&server).await;
    let expect = |series: &str, value: f64| {
        assert_eq!(sample(&text, series), Some(value), "{series} in\n{text}");
    };
    expect(
        r#"portico_tokens_issued_total{grant_type="client_credentials"}"#,
        1.0,
    );
    expect(
        r#"portico_sign_ins_total{outcome="success",error_code="0"}"#,
        1.0,
    );
    expect(
        r#"portico_sign_ins_total{outcome="failure",error_code="7000215"}"#,
        1.0,
    );
    expect("portico_invitations_created_total", 1.0);
    expect("portico_mail_queue_depth", 1.0);
    expect(
        r#"portico_http_requests_total{method="POST",route="/{tenant}/oauth2/v2.0/token",status="200",class="2xx"}"#,
        1.0,
    );
    expect(
        r#"portico_http_requests_total{method="POST",route="/{tenant}/oauth2/v2.0/token",status="401",class="4xx"}"#,
        1.0,
    );
    expect(
        r#"portico_http_requests_total{method="POST",route="/v1.0/invitations",status="201",class="2xx"}"#,
        1.0,
    );
    expect(
        r#"portico_http_requests_total{method="GET",route="/v1.0/users/{id}",status="200",class="2xx"}"#,
        1.0,
    );
    expect(
        r#"portico_http_request_duration_seconds_count{method="GET",route="/v1.0/users/{id}"}"#,
        1.0,
    );
    // Route templates only: no id ever becomes a label.
    assert!(!text.contains(guest), "a raw path leaked into a label");
    assert!(!text.contains("zz-stray"), "a raw path leaked into a label");
    // SQLite in memory: one shared pool, and every write went through a group commit.
    assert!(sample(&text, r#"portico_store_pool_connections{pool="shared"}"#).unwrap() >= 1.0);
    assert!(sample(&text, "portico_store_group_commit_batch_size_count").unwrap() >= 3.0);
    assert!(sample(&text, "portico_store_write_duration_seconds_count").unwrap() >= 3.0);
    assert!(text.ends_with("# EOF\n"));
}

#[tokio::test]
async fn without_the_option_no_metrics_port_is_opened() {
    let server = spawn(Spawn::default()).await;
    assert_eq!(server.running().metrics_addr, None);
}

/// `/readyz` asks the store (a query on Portico's tables through a use case): a database that
/// lost them answers 503 with the reason, while `/healthz` (liveness) stays 200.
#[tokio::test]
async fn readyz_turns_503_with_a_reason_when_the_database_breaks() {
    let Ok(url) = std::env::var("PORTICO_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("PORTICO_REQUIRE_POSTGRES").is_err(),
            "PORTICO_REQUIRE_POSTGRES is set but PORTICO_TEST_DATABASE_URL is not"
        );
        eprintln!("skipped: PORTICO_TEST_DATABASE_URL is not set");
        return;
    };
    let schema = format!("ready_{}", uuid::Uuid::new_v4().simple());
    let server = spawn(Spawn {
        store: portico_store::StoreConfig::Postgres {
            url: url.clone(),
            schema: Some(schema.clone()),
            max_connections: 4,
        },
        metrics: true,
        ..Default::default()
    })
    .await;
    let status = |path: &'static str| {
        let request = server.client.get(server.url(path));
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    assert_eq!(status("/readyz").await.0, 200);
    let text = scrape(&server).await;
    assert!(sample(&text, r#"portico_store_pool_connections{pool="shared"}"#).is_some());
    // PostgreSQL writers run in parallel: no group commit there.
    assert_eq!(
        sample(&text, "portico_store_group_commit_batch_size_count"),
        Some(0.0)
    );

    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&admin)
        .await
        .unwrap();
    let (code, body) = status("/readyz").await;
    assert_eq!(code, 503, "{body}");
    assert!(body.contains("database"), "the reason is given: {body}");
    assert_eq!(status("/healthz").await.0, 200, "still alive");
    // The scrape still answers, without the gauges it could not read.
    assert!(scrape(&server)
        .await
        .contains("portico_http_requests_total"));
}
