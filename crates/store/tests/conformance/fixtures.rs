//! Opening stores for the suite, and a small two-tenant world.

use chrono::{DateTime, TimeZone, Utc};
use portico_model::settings::TenantSettings;
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::{DomainName, EmailAddress, ObjectId, ProxyAddress, TenantId, Upn};
use portico_store::{SqlStore, Store, StoreConfig, Write};
use std::sync::Arc;

pub type DynStore = Arc<dyn Store>;

pub async fn open_sqlite_memory() -> DynStore {
    Arc::new(
        SqlStore::open(&StoreConfig::SqliteMemory)
            .await
            .expect("open in-memory sqlite"),
    )
}

pub async fn open_sqlite_file() -> (DynStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqlStore::open(&StoreConfig::SqliteFile(dir.path().join("portico.db")))
        .await
        .expect("open sqlite file");
    (Arc::new(store), dir)
}

/// A store in a fresh schema of the test database, or `None` (with a note) when none is set.
pub async fn open_postgres(case: &str) -> Option<DynStore> {
    let Ok(url) = std::env::var("PORTICO_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("PORTICO_REQUIRE_POSTGRES").is_err(),
            "PORTICO_REQUIRE_POSTGRES is set but PORTICO_TEST_DATABASE_URL is not"
        );
        eprintln!("skipped on PostgreSQL: PORTICO_TEST_DATABASE_URL is not set");
        return None;
    };
    // PostgreSQL truncates identifiers at 63 bytes: keep the random part whole.
    let prefix: String = case.chars().take(24).collect();
    let schema = format!("t_{prefix}_{}", uuid::Uuid::new_v4().simple());
    let config = StoreConfig::Postgres {
        url,
        schema: Some(schema),
        max_connections: 8,
    };
    Some(Arc::new(
        SqlStore::open(&config).await.expect("open postgres"),
    ))
}

pub fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0)
        .single()
        .expect("valid date")
}

pub fn oid(n: u32) -> ObjectId {
    ObjectId::parse(&format!("00000000-0000-4000-8000-{n:012}")).expect("valid id")
}

pub const TENANT_A: &str = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
pub const TENANT_B: &str = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

pub fn tenant_a() -> TenantId {
    TenantId::parse(TENANT_A).expect("valid")
}
pub fn tenant_b() -> TenantId {
    TenantId::parse(TENANT_B).expect("valid")
}

pub fn tenant(id: TenantId, name: &str, domains: &[&str]) -> Tenant {
    let mut domains = domains
        .iter()
        .map(|d| DomainName::parse(d).expect("valid domain"));
    Tenant {
        id,
        display_name: name.to_owned(),
        initial_domain: domains.next().expect("a domain"),
        other_domains: domains.collect(),
        created_at: at(1),
    }
}

pub fn email(text: &str) -> EmailAddress {
    EmailAddress::parse(text).expect("valid address")
}

pub fn member(id: u32, upn: &str) -> User {
    let mut user = User::member(
        oid(id),
        Upn::parse(upn).expect("valid upn"),
        format!("User {id}"),
        at(2),
    );
    user.mail = Some(email(upn));
    user.proxy_addresses = vec![ProxyAddress::primary(email(upn))];
    user
}

/// Two tenants, `a.example.com` and `b.example.com`, each with no users.
pub async fn two_tenants(store: &DynStore) {
    store
        .apply(
            tenant_a(),
            vec![Write::CreateTenant(
                tenant(tenant_a(), "A", &["a.onmicrosoft.com", "a.example.com"]),
                TenantSettings::default(),
            )],
        )
        .await
        .expect("tenant A");
    store
        .apply(
            tenant_b(),
            vec![Write::CreateTenant(
                tenant(tenant_b(), "B", &["b.onmicrosoft.com", "b.example.com"]),
                TenantSettings::default(),
            )],
        )
        .await
        .expect("tenant B");
}

pub async fn sqlite_file_survives_reopen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("portico.db");
    {
        let store = SqlStore::open(&StoreConfig::SqliteFile(path.clone()))
            .await
            .expect("open");
        let store: DynStore = Arc::new(store);
        two_tenants(&store).await;
        store
            .apply(
                tenant_a(),
                vec![Write::InsertUser(member(1, "one@a.example.com"))],
            )
            .await
            .expect("insert");
    }
    let reopened = SqlStore::open(&StoreConfig::SqliteFile(path.clone()))
        .await
        .expect("reopen");
    let user = reopened
        .get_user(tenant_a(), oid(1))
        .await
        .expect("user persisted");
    assert_eq!(user.user_principal_name.as_str(), "one@a.example.com");
    reopened.close().await;
    let header = std::fs::read(&path).expect("read db file");
    // Bytes 18 and 19 of the SQLite header are 2 when the database is in WAL mode.
    assert_eq!(
        (header[18], header[19]),
        (2, 2),
        "the database file is in WAL mode"
    );
}
