//! Reproducible runs (`--frozen-clock`, `--random-seed`, dev mode): the clock stands still and
//! ids come from a seeded generator, so a test names exact times and two runs agree.

use crate::b2b::{admin, invite};
use crate::harness::{call, spawn, Spawn, TestServer};
use crate::oidc_client::decode;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

fn ten_o_clock() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap()
}

async fn reproducible_server() -> TestServer {
    spawn(Spawn {
        frozen_clock: Some(ten_o_clock()),
        random_seed: Some(42),
        ..Spawn::default()
    })
    .await
}

async fn invite_hanako(server: &TestServer, token: &str) -> Value {
    let body = json!({"invitedUserEmailAddress": "hanako@fabrikam.com",
        "inviteRedirectUrl": "https://myapps.example.com/welcome"});
    let (status, invitation) = invite(server, token, body).await;
    assert_eq!(status, 201, "{invitation}");
    invitation
}

#[tokio::test]
async fn a_frozen_clock_gives_exact_times() {
    let server = reproducible_server().await;
    let token = admin(&server).await;
    let claims = decode(&token, 1);
    assert_eq!(claims["iat"], json!(ten_o_clock().timestamp()));
    assert_eq!(claims["nbf"], json!(ten_o_clock().timestamp()));

    let invitation = invite_hanako(&server, &token).await;
    let id = invitation["invitedUser"]["id"].as_str().unwrap();
    let select = "createdDateTime,externalUserStateChangeDateTime";
    let path = format!("/v1.0/users/{id}?$select={select}");
    let (_, user) = call(&server, "GET", &token, &path, None).await;
    assert_eq!(user["createdDateTime"], "2026-03-01T10:00:00Z", "{user}");
    assert_eq!(
        user["externalUserStateChangeDateTime"], "2026-03-01T10:00:00Z",
        "{user}"
    );

    // The control API still moves it, and it stays where it is put.
    let moved: Value = server
        .client
        .post(server.url("/portico/v1/clock"))
        .json(&json!({"advanceSeconds": 90}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(moved["now"], "2026-03-01T10:01:30Z", "{moved}");
    let later = decode(&admin(&server).await, 1);
    assert_eq!(later["iat"], json!(ten_o_clock().timestamp() + 90));
}

#[tokio::test]
async fn the_same_seed_gives_the_same_ids_and_another_run_agrees() {
    let first = reproducible_server().await;
    let second = reproducible_server().await;
    let (one, two) = (admin(&first).await, admin(&second).await);
    let a = invite_hanako(&first, &one).await;
    let b = invite_hanako(&second, &two).await;
    assert_eq!(a["id"], b["id"]);
    assert_eq!(a["invitedUser"]["id"], b["invitedUser"]["id"]);
    // The same ticket (the servers' ports differ).
    let ticket = |invitation: &Value| {
        let url = invitation["inviteRedeemUrl"].as_str().unwrap().to_owned();
        url.split_once("ticket=").unwrap().1.to_owned()
    };
    assert_eq!(ticket(&a), ticket(&b));
    // Without a seed, two servers draw different ids.
    let (plain_one, plain_two) = (spawn(Spawn::default()).await, spawn(Spawn::default()).await);
    let c = invite_hanako(&plain_one, &admin(&plain_one).await).await;
    let d = invite_hanako(&plain_two, &admin(&plain_two).await).await;
    assert_ne!(c["invitedUser"]["id"], d["invitedUser"]["id"]);
}

#[tokio::test]
async fn reproducible_runs_need_dev_mode() {
    let ca_dir = tempfile::tempdir().unwrap();
    let error = portico_http::start(portico_http::ServerOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
        store: portico_store::StoreConfig::SqliteMemory,
        seed: None,
        dev_mode: false,
        ca_dir: ca_dir.path().to_owned(),
        smtp_url: None,
        master_key: portico_http::MasterKeySource::Ephemeral,
        throttle: portico_http::ThrottleLimits::default(),
        frozen_clock: None,
        random_seed: Some(1),
        managed_identity: None,
        metrics_listen: None,
    })
    .await
    .err()
    .expect("a seeded generator outside dev mode is refused");
    assert!(error.to_string().contains("dev mode"), "{error}");
}
