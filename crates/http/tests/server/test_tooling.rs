//! The test tooling of `docs/test-tooling.md`: minted tokens, injected faults, the frozen clock,
//! the world's snapshot and restore — in dev mode, and absent (404) outside it.

use crate::harness::{call, spawn, spawn_demo, Spawn, TestServer};
use crate::oidc_client::{app_token, ADMIN_APP, CONTOSO};
use serde_json::{json, Value};

const TOKEN_PATH: &str = "/contoso.com/oauth2/v2.0/token";

async fn post(server: &TestServer, path: &str, body: Value) -> (u16, Value) {
    call(server, "POST", "", path, Some(body)).await
}

/// The claims of the demo's admin app: a token Graph accepts as that app's.
fn admin_app_claims() -> Value {
    json!({"azp": ADMIN_APP, "idtyp": "app", "roles": ["Directory.ReadWrite.All"],
           "oid": "b5a1e1e7-0000-4000-8000-000000000001", "sub": "b5a1e1e7-0000-4000-8000-000000000001"})
}

async fn mint(server: &TestServer, body: Value) -> String {
    let (status, minted) = post(server, "/portico/v1/tenants/contoso.com/tokens", body).await;
    assert_eq!(status, 201, "{minted}");
    minted["token"].as_str().unwrap().to_owned()
}

async fn graph_status(server: &TestServer, token: &str) -> u16 {
    call(server, "GET", token, "/v1.0/organization", None)
        .await
        .0
}

#[tokio::test]
async fn minted_tokens_carry_the_chosen_claims_and_are_signed_by_the_tenants_key() {
    let server = spawn_demo().await;
    let (status, minted) = post(
        &server,
        "/portico/v1/tenants/contoso.com/tokens",
        json!({"claims": admin_app_claims(), "lifetimeSeconds": 600}),
    )
    .await;
    assert_eq!(status, 201, "{minted}");
    let token = minted["token"].as_str().unwrap();
    let jwks: Value = server
        .client
        .get(server.url(&format!("/{CONTOSO}/discovery/v2.0/keys")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert!(kids.contains(&minted["kid"].as_str().unwrap()));
    assert!(minted["expiresOn"].is_string());
    assert_eq!(
        graph_status(&server, token).await,
        200,
        "a valid minted token"
    );

    let mut broken = json!({"claims": admin_app_claims(), "signature": "broken"});
    assert_eq!(
        graph_status(&server, &mint(&server, broken.clone()).await).await,
        401
    );
    broken["signature"] = json!("valid");
    broken["lifetimeSeconds"] = json!(-600); // past the five minutes of clock skew
    assert_eq!(
        graph_status(&server, &mint(&server, broken.clone()).await).await,
        401
    );
    let mut claims = admin_app_claims();
    claims["aud"] = json!("api://someone-else");
    assert_eq!(
        graph_status(&server, &mint(&server, json!({"claims": claims})).await).await,
        401
    );
    let mut claims = admin_app_claims();
    claims["tid"] = Value::Null;
    assert_eq!(
        graph_status(&server, &mint(&server, json!({"claims": claims})).await).await,
        401
    );
    let id_typed = json!({"claims": admin_app_claims(), "typ": "JWT"});
    assert_eq!(
        graph_status(&server, &mint(&server, id_typed).await).await,
        401
    );

    for bad in [
        json!({"signature": "maybe"}),
        json!({"lifetimeSeconds": 10_000_000_000i64}),
        json!({"unknown": 1}),
    ] {
        let (status, body) = post(
            &server,
            "/portico/v1/tenants/contoso.com/tokens",
            bad.clone(),
        )
        .await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (status, _) = post(&server, "/portico/v1/tenants/example.net/tokens", json!({})).await;
    assert_eq!(status, 404);
}

async fn client_credentials(server: &TestServer) -> reqwest::Response {
    server
        .client
        .post(server.url(TOKEN_PATH))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", ADMIN_APP),
            ("client_secret", "contoso-admin-secret"),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap()
}

async fn faults(server: &TestServer) -> Vec<Value> {
    let (status, body) = call(server, "GET", "", "/portico/v1/faults", None).await;
    assert_eq!(status, 200);
    body["value"].as_array().unwrap().clone()
}

#[tokio::test]
async fn throttle_and_aadsts_faults_apply_for_their_count() {
    let server = spawn_demo().await;
    let (status, added) = post(
        &server,
        "/portico/v1/faults",
        json!({"path": "/*/oauth2/v2.0/token", "method": "post", "kind": "throttle",
               "retryAfterSeconds": 7, "count": 2}),
    )
    .await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["applied"], 0);
    assert_eq!(faults(&server).await.len(), 1);
    for _ in 0..2 {
        let response = client_credentials(&server).await;
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], "7");
    }
    assert_eq!(client_credentials(&server).await.status(), 200, "spent");
    assert!(faults(&server).await.is_empty(), "a spent fault is gone");

    let (status, _) = post(
        &server,
        "/portico/v1/faults",
        json!({"path": "/contoso.com/oauth2/v2.0/token", "kind": "aadsts", "aadstsCode": 50076,
               "error": "interaction_required", "count": 1}),
    )
    .await;
    assert_eq!(status, 201);
    let response = client_credentials(&server).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "interaction_required");
    assert_eq!(body["error_codes"], json!([50076]));
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS50076: "));
    let token = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    assert!(
        token["access_token"].is_string(),
        "the next request is served"
    );
}

#[tokio::test]
async fn timed_faults_end_by_the_servers_clock_and_can_be_cleared() {
    let server = spawn(Spawn {
        frozen_clock: Some("2026-03-01T10:00:00Z".parse().unwrap()),
        ..Default::default()
    })
    .await;
    let body = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let token = body["access_token"].as_str().unwrap().to_owned();
    let (status, added) = post(
        &server,
        "/portico/v1/faults",
        json!({"path": "/v1.0/**", "method": "GET", "kind": "error", "durationSeconds": 60}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(added["expires"], "2026-03-01T10:01:00Z");
    let (status, body) = call(&server, "GET", &token, "/v1.0/users", None).await;
    assert_eq!(status, 500);
    assert!(body["error"]["code"].is_string());
    assert_eq!(
        call(&server, "GET", &token, "/v1.0/organization", None)
            .await
            .0,
        500
    );
    // Another method is not faulted; the control API never is.
    let (status, _) = post(&server, "/portico/v1/clock", json!({"advanceSeconds": 61})).await;
    assert_eq!(status, 200);
    assert_eq!(
        call(&server, "GET", &token, "/v1.0/users", None).await.0,
        200,
        "expired"
    );

    let (_, latency) = post(
        &server,
        "/portico/v1/faults",
        json!({"path": "/healthz", "kind": "latency", "latencyMs": 20, "count": 3}),
    )
    .await;
    let health = server
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "a delayed request is still served");
    let listed = faults(&server).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["applied"], 1);
    let one = format!("/portico/v1/faults/{}", latency["id"].as_str().unwrap());
    assert_eq!(call(&server, "DELETE", "", &one, None).await.0, 204);
    assert_eq!(call(&server, "DELETE", "", &one, None).await.0, 404);

    post(
        &server,
        "/portico/v1/faults",
        json!({"path": "/**", "kind": "error"}),
    )
    .await;
    assert_eq!(
        call(&server, "GET", &token, "/v1.0/users", None).await.0,
        500
    );
    assert_eq!(
        call(&server, "DELETE", "", "/portico/v1/faults", None)
            .await
            .0,
        204
    );
    assert!(faults(&server).await.is_empty());
    assert_eq!(
        call(&server, "GET", &token, "/v1.0/users", None).await.0,
        200
    );

    for bad in [
        json!({"path": "v1.0/users", "kind": "error"}),
        json!({"path": "/x", "kind": "explode"}),
        json!({"path": "/x", "kind": "latency"}),
        json!({"path": "/x", "kind": "latency", "latencyMs": 60_000}),
        json!({"path": "/x", "kind": "aadsts", "error": "made_up"}),
        json!({"path": "/x", "kind": "error", "count": 0}),
        json!({"path": "/x", "kind": "error", "durationSeconds": 0}),
        json!({"path": "/x", "kind": "error", "method": "NOT A METHOD"}),
    ] {
        let (status, body) = post(&server, "/portico/v1/faults", bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
}

#[tokio::test]
async fn the_clock_freezes_and_flows_again() {
    let server = spawn_demo().await;
    let (status, frozen) = post(
        &server,
        "/portico/v1/clock",
        json!({"now": "2026-03-01T10:00:00Z", "frozen": true}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        frozen,
        json!({"now": "2026-03-01T10:00:00Z", "frozen": true})
    );
    let (_, read) = call(&server, "GET", "", "/portico/v1/clock", None).await;
    assert_eq!(read, frozen, "a frozen clock stands still");
    let (_, advanced) = post(&server, "/portico/v1/clock", json!({"advanceSeconds": 90})).await;
    assert_eq!(
        advanced,
        json!({"now": "2026-03-01T10:01:30Z", "frozen": true})
    );
    let (_, flowing) = post(&server, "/portico/v1/clock", json!({"frozen": false})).await;
    assert_eq!(flowing["frozen"], false);
    let resumed: chrono::DateTime<chrono::Utc> = flowing["now"].as_str().unwrap().parse().unwrap();
    let stood: chrono::DateTime<chrono::Utc> = "2026-03-01T10:01:30Z".parse().unwrap();
    assert!(
        resumed >= stood && (resumed - stood).num_seconds() < 5,
        "flows on from where it stood"
    );
    let (_, refrozen) = post(&server, "/portico/v1/clock", json!({"frozen": true})).await;
    assert_eq!(refrozen["frozen"], true);
}

#[tokio::test]
async fn the_test_tooling_is_absent_outside_dev_mode() {
    let server = spawn(Spawn {
        demo: true,
        dev_mode: false,
        ..Default::default()
    })
    .await;
    let body = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let token = body["access_token"].as_str().unwrap();
    for (method, path) in [
        ("POST", "/portico/v1/tenants/contoso.com/tokens"),
        (
            "POST",
            "/portico/v1/tenants/11111111-1111-4111-8111-111111111111/tokens",
        ),
        ("GET", "/portico/v1/faults"),
        ("POST", "/portico/v1/faults"),
        ("DELETE", "/portico/v1/faults"),
        (
            "DELETE",
            "/portico/v1/faults/00000000-0000-4000-8000-000000000001",
        ),
        ("GET", "/portico/v1/clock"),
        ("POST", "/portico/v1/clock"),
        ("GET", "/portico/v1/world"),
        ("PUT", "/portico/v1/world"),
    ] {
        let body = json!({"path": "/**", "kind": "error", "frozen": true});
        let (status, _) = call(&server, method, token, path, Some(body)).await;
        assert_eq!(status, 404, "{method} {path}");
    }
    assert!(server.running().app.freeze_clock(true).is_err());
    assert!(!server.running().app.clock_frozen());
    let minted = server
        .running()
        .app
        .mint_test_token(
            portico_model::TenantId::parse(CONTOSO).unwrap(),
            portico_app::tokens::mint::MintRequest {
                claims: serde_json::Map::new(),
                lifetime_seconds: 60,
                broken_signature: false,
                typ: "at+jwt".into(),
            },
        )
        .await;
    assert!(minted.is_err(), "the app refuses too");
    assert_eq!(
        call(&server, "GET", token, "/v1.0/organization", None)
            .await
            .0,
        200
    );
}

async fn export_world(server: &TestServer) -> String {
    let response = server
        .client
        .get(server.url("/portico/v1/world"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/toml"));
    response.text().await.unwrap()
}

async fn import_world(server: &TestServer, seed: &str) -> (u16, Value) {
    let response = server
        .client
        .put(server.url("/portico/v1/world"))
        .header("content-type", "application/toml")
        .body(seed.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn the_world_is_exported_as_a_seed_and_restored_all_or_nothing() {
    let server = spawn_demo().await;
    let snapshot = export_world(&server).await;
    let parsed = portico_app::seed::parse(&snapshot).expect("the export is a valid seed");
    let demo = portico_app::seed::demo().unwrap();
    assert_eq!(
        parsed.tenants.len(),
        demo.tenants.len(),
        "every demo tenant"
    );
    assert!(
        !snapshot.contains("contoso-admin-secret"),
        "no secret in the clear"
    );
    assert!(
        !snapshot.contains("Portico-dev-1"),
        "no password in the clear"
    );
    assert!(snapshot.contains("password_hash = \"$argon2"));
    assert!(snapshot.contains("[[tenant.app.secret_digest]]"));

    // A change after the snapshot.
    let body = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let admin = body["access_token"].as_str().unwrap().to_owned();
    let new_user = json!({"accountEnabled": true, "displayName": "After the snapshot",
        "mailNickname": "after", "userPrincipalName": "after@contoso.com",
        "passwordProfile": {"password": "Portico-dev-2-long"}});
    let (status, created) = call(&server, "POST", &admin, "/v1.0/users", Some(new_user)).await;
    assert_eq!(status, 201, "{created}");

    // A seed that does not build (its last tenant names an unknown role) changes nothing.
    let broken = format!(
        "{snapshot}\n[[tenant]]\nkey = \"x\"\nid = \"77777777-7777-4777-8777-777777777777\"\n\
         display_name = \"X\"\ndomains = [\"x.example.com\"]\n\n[[tenant.user]]\n\
         upn = \"a@x.example.com\"\ndisplay_name = \"A\"\nroles = [\"Emperor\"]\n"
    );
    let (status, error) = import_world(&server, &broken).await;
    assert_eq!(status, 400, "{error}");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Emperor"));
    let (status, _) = import_world(&server, "this is = not [toml").await;
    assert_eq!(status, 400);
    let user_path = "/v1.0/users/after@contoso.com";
    assert_eq!(
        call(&server, "GET", &admin, user_path, None).await.0,
        200,
        "unchanged"
    );

    // The snapshot restored: the change is gone, the same secrets and passwords work.
    let (status, _) = import_world(&server, &snapshot).await;
    assert_eq!(status, 204);
    let body = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let admin = body["access_token"]
        .as_str()
        .expect("the same client secret works");
    assert_eq!(call(&server, "GET", admin, user_path, None).await.0, 404);
    let megan =
        crate::oidc_client::sign_in_megan(&server, &crate::oidc_client::browser(&server)).await;
    assert!(
        megan.contains_key("code"),
        "the same password works: {megan:?}"
    );
    assert_eq!(
        export_world(&server).await,
        snapshot,
        "export, import, export is stable"
    );
}
