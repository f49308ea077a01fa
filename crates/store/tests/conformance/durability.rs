//! Durability cases: data outlives callers that go away, and narrow writes keep concurrent changes.

use crate::fixtures::*;
use portico_model::DomainName;
use portico_store::{Page, Write};
use std::time::Duration;

/// Callers cancelled mid-query (a client hanging up) must not lose the database: on SQLite in
/// memory the data lived only as long as the one pooled connection.
pub async fn cancelled_callers_do_not_lose_data(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![Write::InsertUser(member(1, "one@a.example.com"))],
        )
        .await
        .unwrap();
    let domain = DomainName::parse("a.example.com").unwrap();
    for round in 0..20u64 {
        let mut tasks = Vec::new();
        for n in 0..16u64 {
            let store = store.clone();
            let domain = domain.clone();
            // Deadlines from 0 to a few hundred microseconds land before, during and after the query.
            let deadline = Duration::from_micros((round * 16 + n) % 40 * 10);
            tasks.push(tokio::spawn(async move {
                let _ = tokio::time::timeout(deadline, async {
                    let _ = store.find_tenant_by_domain(&domain).await;
                    let _ = store.list_users(tenant_a(), Page::first(50)).await;
                })
                .await;
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        store.ping().await.expect("the store still answers");
    }
    let found = store.find_tenant_by_domain(&domain).await.unwrap();
    assert_eq!(found.map(|t| t.id), Some(tenant_a()));
    let user = store.get_user(tenant_a(), oid(1)).await.unwrap();
    assert_eq!(user.user_principal_name.as_str(), "one@a.example.com");
}

/// The database file and the WAL files SQLite creates beside it are readable by their owner
/// only (they hold password hashes and sealed keys), whatever the process umask.
#[cfg(unix)]
pub async fn sqlite_files_are_private() {
    use portico_store::{SqlStore, StoreConfig};
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let path = data.join("portico.db");
    let store: DynStore = std::sync::Arc::new(
        SqlStore::open(&StoreConfig::SqliteFile(path.clone()))
            .await
            .unwrap(),
    );
    two_tenants(&store).await;
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(&data), 0o700, "the data directory");
    for file in ["portico.db", "portico.db-wal", "portico.db-shm"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
}
