//! Billing past the free tier and log retention, with generated sign-ins: what 50,001 browser
//! sign-ins would show, without the browser.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

use chrono::{DateTime, TimeZone, Utc};
use portico_app::reports::FREE_TIER;
use portico_app::sign_in::{SignInAttempt, SignInKind};
use portico_app::tokens::master_key::{MasterKey, MasterKeySource};
use portico_app::{App, AppConfig};
use portico_model::application::Application;
use portico_model::month::Month;
use portico_model::user::{User, UserType};
use portico_model::{ClientId, ObjectId, TenantId, Upn};
use portico_store::{SqlStore, Store, StoreConfig, Write};
use std::sync::Arc;

const A: &str = "a0000000-0000-4000-8000-00000000000a";
const B: &str = "b0000000-0000-4000-8000-00000000000b";

const SEED: &str = r#"
[[tenant]]
key = "a"
id = "a0000000-0000-4000-8000-00000000000a"
display_name = "A"
domains = ["a.example.com"]

[tenant.settings]
sign_in_retention_days = 30

[[tenant.app]]
display_name = "A App"
client_id = "a0000000-0000-4000-8000-0000000000a1"
public_client = true
redirect_uris = ["http://localhost"]

[[tenant]]
key = "b"
id = "b0000000-0000-4000-8000-00000000000b"
display_name = "B"
domains = ["b.example.com"]

[tenant.settings]
sign_in_retention_days = 90

[[tenant.app]]
display_name = "B App"
client_id = "b0000000-0000-4000-8000-0000000000b1"
public_client = true
redirect_uris = ["http://localhost"]
"#;

fn tid(text: &str) -> TenantId {
    TenantId::parse(text).unwrap()
}

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

fn march(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, day, 10, 0, 0).unwrap()
}

async fn start() -> App {
    let store: Arc<dyn Store> = Arc::new(SqlStore::open(&StoreConfig::SqliteMemory).await.unwrap());
    let config = AppConfig {
        public_url: "https://localhost:8443".parse().unwrap(),
        dev_mode: true,
        seed: Some(portico_app::seed::parse(SEED).unwrap()),
        extra_root_pem: None,
    };
    App::start(
        store,
        config,
        MasterKey::load(&MasterKeySource::Ephemeral).unwrap(),
    )
    .await
    .unwrap()
}

async fn application(app: &App, tenant: &str, client_id: &str) -> Application {
    app.store_for_tests()
        .find_application(tid(tenant), ClientId::parse(client_id).unwrap())
        .await
        .unwrap()
        .unwrap()
}

fn user(n: u32, user_type: UserType) -> User {
    let mut user = User::member(
        ObjectId::from_uuid(uuid::Uuid::from_u128(u128::from(n) + 1)),
        Upn::parse(&format!("user{n}@home.example.org")).unwrap(),
        format!("User {n}"),
        march(1),
    );
    user.user_type = user_type;
    user
}

/// Successful interactive sign-ins of guests `users` in `tenant` on `at`.
fn guest_sign_ins(
    app: &App,
    tenant: &str,
    client: &Application,
    users: std::ops::Range<u32>,
    at: DateTime<Utc>,
) -> Vec<Write> {
    users
        .map(|n| {
            let attempt =
                SignInAttempt::user(&user(n, UserType::Guest), client, SignInKind::Interactive);
            app.sign_in_record(tid(tenant), attempt, at)
        })
        .collect()
}

#[tokio::test]
async fn billing_starts_after_fifty_thousand_and_a_group_shares_one_free_tier() {
    let app = start().await;
    let a_app = application(&app, A, "a0000000-0000-4000-8000-0000000000a1").await;
    let b_app = application(&app, B, "b0000000-0000-4000-8000-0000000000b1").await;

    let mut writes = guest_sign_ins(&app, A, &a_app, 0..50_001, march(10));
    // A second sign-in of the first guest, a failure and a member: none adds to the count.
    writes.extend(guest_sign_ins(&app, A, &a_app, 0..1, march(11)));
    let failed = SignInAttempt::user(
        &user(60_000, UserType::Guest),
        &a_app,
        SignInKind::Interactive,
    )
    .failed(50126, "Invalid username or password.");
    writes.push(app.sign_in_record(tid(A), failed, march(10)));
    let member = SignInAttempt::user(
        &user(60_001, UserType::Member),
        &a_app,
        SignInKind::Interactive,
    );
    writes.push(app.sign_in_record(tid(A), member, march(10)));
    app.store_for_tests().apply(tid(A), writes).await.unwrap();
    app.store_for_tests()
        .apply(tid(B), guest_sign_ins(&app, B, &b_app, 0..2, march(12)))
        .await
        .unwrap();

    let a = app.mau_report(tid(A), month("2027-03")).await.unwrap();
    assert_eq!(a.monthly_active_users, FREE_TIER + 1);
    assert_eq!(a.billable(), 1);
    let b = app.mau_report(tid(B), month("2027-03")).await.unwrap();
    assert_eq!((b.monthly_active_users, b.billable()), (2, 0));
    let group = app
        .mau_group_report(&[tid(A), tid(B), tid(A)], month("2027-03"))
        .await
        .unwrap();
    assert_eq!(group.tenants.len(), 2, "a tenant listed twice counts once");
    assert_eq!(group.monthly_active_users(), 50_003);
    assert_eq!(group.billable(), 3);

    let history = app
        .mau_history(tid(A), month("2027-02"), month("2027-04"))
        .await
        .unwrap();
    let counts: Vec<(String, u64, u64)> = history
        .months
        .iter()
        .map(|m| (m.month.to_string(), m.monthly_active_users, m.billable()))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("2027-02".to_owned(), 0, 0),
            ("2027-03".to_owned(), 50_001, 1),
            ("2027-04".to_owned(), 0, 0),
        ]
    );
    assert!(
        app.mau_history(tid(A), month("2024-01"), month("2027-01"))
            .await
            .is_err(),
        "37 months is more than a history gives"
    );
    assert!(app
        .mau_history(tid(A), month("2027-04"), month("2027-03"))
        .await
        .is_err());
}

#[tokio::test]
async fn purged_logs_leave_the_monthly_counts_alone() {
    let app = start().await;
    let a_app = application(&app, A, "a0000000-0000-4000-8000-0000000000a1").await;
    let b_app = application(&app, B, "b0000000-0000-4000-8000-0000000000b1").await;
    // More rows than one purge batch, so the purge takes several.
    app.store_for_tests()
        .apply(tid(A), guest_sign_ins(&app, A, &a_app, 0..1_201, march(10)))
        .await
        .unwrap();
    let april = Utc.with_ymd_and_hms(2027, 4, 10, 0, 0, 0).unwrap();
    app.store_for_tests()
        .apply(tid(A), guest_sign_ins(&app, A, &a_app, 0..3, april))
        .await
        .unwrap();
    app.store_for_tests()
        .apply(tid(B), guest_sign_ins(&app, B, &b_app, 0..2, march(12)))
        .await
        .unwrap();

    // On April 21 A keeps 30 days (from March 22): its March rows go. B keeps 90 days.
    app.set_clock(Utc.with_ymd_and_hms(2027, 4, 21, 0, 0, 0).unwrap())
        .unwrap();
    let purged = app.purge_logs().await.unwrap();
    assert_eq!(purged.sign_ins, 1_201);
    let left = app
        .store_for_tests()
        .list_sign_ins(tid(A), 100)
        .await
        .unwrap();
    assert_eq!(left.len(), 3);
    assert!(left.iter().all(|row| row.created_at == april));
    assert_eq!(
        app.store_for_tests()
            .list_sign_ins(tid(B), 10)
            .await
            .unwrap()
            .len(),
        2
    );
    let a = app.mau_report(tid(A), month("2027-03")).await.unwrap();
    assert_eq!(a.monthly_active_users, 1_201, "the bill outlives the log");
    assert_eq!(app.purge_logs().await.unwrap().sign_ins, 0);
}
