//! Crash and availability (security.md D-8, D-12), CI-sized: the real `portico` binary killed
//! with `kill -9` mid-write, stopped with SIGTERM under load, and cut off from PostgreSQL.
//! Longer runs: `docs/operations-testing.md`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

mod postgres;
mod server;

use portico_model::{EmailAddress, ObjectId, TenantId};
use portico_store::{SqlStore, Store, StoreConfig};
use server::{created, Load, Outcome, Served, CONTOSO};
use std::time::Duration;

/// `PORTICO_CRASH_TRIALS` runs the kill tests that many times (default 1).
fn trials() -> usize {
    std::env::var("PORTICO_CRASH_TRIALS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

/// The ids among `ids` whose invitation the store does not have.
async fn missing_invitations(store: &dyn Store, ids: &[String]) -> Vec<String> {
    let tenant = TenantId::parse(CONTOSO).unwrap();
    let mut missing = Vec::new();
    for id in ids {
        let found = store
            .find_invitation(tenant, ObjectId::parse(id).unwrap())
            .await
            .unwrap();
        if found.is_none() {
            missing.push(id.clone());
        }
    }
    missing
}

/// `kill -9` during a stream of invitations on an SQLite data directory: after a restart every
/// acknowledged (201) invitation is there, and the file passes `PRAGMA quick_check` (the store
/// refuses to open otherwise).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_invitations_loses_nothing_acknowledged_on_sqlite() {
    for trial in 0..trials() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let data_arg = data.to_str().unwrap();
        let mut served = Served::start(dir.path(), &["--demo", "--data-dir", data_arg]);
        let token = served.app_token().await.unwrap();
        let load = Load::start(&served, &token, 8);
        load.wait_for(20 + 10 * trial, Duration::from_secs(30))
            .await;
        served.signal("-KILL");
        served.wait();
        let acknowledged = created(&load.finish().await);
        let store = SqlStore::open(&StoreConfig::SqliteFile(data.join("portico.db")))
            .await
            .expect("the database opens and passes quick_check after kill -9");
        let missing = missing_invitations(&store, &acknowledged).await;
        assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
        store.close().await;

        let restarted = Served::start(dir.path(), &["--demo", "--data-dir", data_arg]);
        restarted.wait_ready(Duration::from_secs(20)).await;
        restarted
            .app_token()
            .await
            .expect("a token after the restart");
        eprintln!(
            "trial {trial}: {} acknowledged invitations survived kill -9",
            acknowledged.len()
        );
    }
}

/// SIGTERM while invitations stream in: every request the server received is answered (no
/// failed in-flight request), it then stops accepting, exits cleanly, and what it acknowledged
/// is stored. A request whose connection closed unanswered must have had no effect: the server
/// closed that connection before reading the request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_fails_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut served = Served::start(
        dir.path(),
        &["--demo", "--data-dir", data.to_str().unwrap()],
    );
    let token = served.app_token().await.unwrap();
    let load = Load::start(&served, &token, 8);
    load.wait_for(30, Duration::from_secs(30)).await;
    served.signal("-TERM");
    let status = served.wait();
    let outcomes = load.finish().await;
    let failed: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed(why) => Some(why.as_str()),
            _ => None,
        })
        .collect();
    assert!(failed.is_empty(), "failed requests: {failed:?}");
    assert!(
        status.success(),
        "portico exits cleanly on SIGTERM: {status}"
    );
    let acknowledged = created(&outcomes);
    let store = SqlStore::open(&StoreConfig::SqliteFile(data.join("portico.db")))
        .await
        .unwrap();
    let missing = missing_invitations(&store, &acknowledged).await;
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    let tenant = TenantId::parse(CONTOSO).unwrap();
    let mut unanswered = 0;
    for outcome in &outcomes {
        if let Outcome::Unanswered { address, why } = outcome {
            let address = EmailAddress::parse(address).unwrap();
            let guests = store.list_users_by_address(tenant, &address).await.unwrap();
            assert!(guests.is_empty(), "processed but not answered ({why})");
            unanswered += 1;
        }
    }
    store.close().await;
    eprintln!(
        "{} invitations acknowledged, none failed, {unanswered} refused unread across SIGTERM",
        acknowledged.len()
    );
}
