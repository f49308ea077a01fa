//! Start-up, persistence, backends and shutdown.

use crate::harness::{spawn, spawn_demo, Spawn};
use chrono::{TimeZone, Utc};
use portico_model::user::User;
use portico_model::{ClientId, ObjectId, TenantId, Upn};
use portico_store::{StoreConfig, Write};

const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";

#[tokio::test]
async fn the_public_url_follows_the_bound_port_and_flows_into_the_demo_apps() {
    let server = spawn_demo().await;
    let port = server.running().local_addr.port();
    assert_eq!(server.base, format!("https://localhost:{port}/"));
    let web = server
        .running()
        .app
        .store_for_tests()
        .find_application(
            TenantId::parse(CONTOSO).unwrap(),
            ClientId::parse("c0c0a002-0000-4000-8000-000000000002").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        web.redirect_uris[0].as_str(),
        format!("https://localhost:{port}/portico/callback")
    );
}

#[tokio::test]
async fn the_ca_is_reused_across_starts_and_served_certificates_chain_to_it() {
    let first = spawn_demo().await;
    let pem = std::fs::read_to_string(&first.running().ca_cert_path).unwrap();
    let ca_dir = first.ca_dir;
    let second = spawn(Spawn {
        ca_dir: Some(ca_dir),
        ..Default::default()
    })
    .await;
    assert_eq!(
        std::fs::read_to_string(&second.running().ca_cert_path).unwrap(),
        pem
    );
    // The client trusts only the CA file: a successful TLS handshake proves the chain.
    assert_eq!(
        second
            .client
            .get(second.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let by_ip = second
        .client
        .get(format!(
            "https://127.0.0.1:{}/healthz",
            second.running().local_addr.port()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(by_ip.status(), 200);
}

#[tokio::test]
async fn a_data_directory_keeps_changes_across_restarts_without_reseeding() {
    let data = tempfile::tempdir().unwrap();
    let store = || StoreConfig::SqliteFile(data.path().join("portico.db"));
    let contoso = TenantId::parse(CONTOSO).unwrap();
    let id = ObjectId::parse("00000000-0000-4000-8000-000000000042").unwrap();
    let mut first = spawn(Spawn {
        store: store(),
        ..Default::default()
    })
    .await;
    let user = User::member(
        id,
        Upn::parse("kept@contoso.com").unwrap(),
        "Kept".into(),
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
    );
    first
        .running()
        .app
        .store_for_tests()
        .apply(contoso, vec![Write::InsertUser(user)])
        .await
        .unwrap();
    first.stop().await;

    let second = spawn(Spawn {
        store: store(),
        ..Default::default()
    })
    .await;
    let kept = second
        .running()
        .app
        .store_for_tests()
        .get_user(contoso, id)
        .await
        .unwrap();
    assert_eq!(kept.display_name, "Kept");
    assert_eq!(
        second
            .running()
            .app
            .store_for_tests()
            .list_tenants()
            .await
            .unwrap()
            .len(),
        5
    );
}

#[tokio::test]
async fn shutdown_turns_readiness_off_and_stops_serving() {
    let mut server = spawn_demo().await;
    let url = server.url("/healthz");
    assert_eq!(server.client.get(&url).send().await.unwrap().status(), 200);
    server.stop().await;
    assert!(
        server.client.get(&url).send().await.is_err(),
        "no longer serving after shutdown"
    );
}

#[tokio::test]
async fn the_demo_world_serves_from_postgresql() {
    let Ok(url) = std::env::var("PORTICO_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("PORTICO_REQUIRE_POSTGRES").is_err(),
            "PORTICO_REQUIRE_POSTGRES is set but PORTICO_TEST_DATABASE_URL is not"
        );
        eprintln!("skipped: PORTICO_TEST_DATABASE_URL is not set");
        return;
    };
    let schema = format!("server_{}", uuid::Uuid::new_v4().simple());
    let server = spawn(Spawn {
        store: StoreConfig::Postgres {
            url,
            schema: Some(schema),
            max_connections: 4,
        },
        ..Default::default()
    })
    .await;
    assert_eq!(
        server.running().app.store_for_tests().backend().to_string(),
        "postgres"
    );
    let body: serde_json::Value = server
        .client
        .get(server.url("/portico/v1/tenants/woodgrovebank.com"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["id"], "44444444-4444-4444-8444-444444444444");
    assert_eq!(
        server
            .client
            .get(server.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        server
            .client
            .post(server.url("/portico/v1/reset"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
}
