//! Durability cases: data outlives callers that go away, and narrow writes keep concurrent changes.

use crate::fixtures::*;
use portico_model::user::MfaMethod;
use portico_model::{DomainName, ProxyAddress, Upn};
use portico_store::{Conflict, Page, StoreError, UserChanges, Write};
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

/// An administrator disables an account while a sign-in that read it earlier saves its TOTP
/// step: the sign-in's narrow write keeps the disable (a whole-row write undid it).
pub async fn narrow_user_writes_keep_a_concurrent_disable(store: DynStore) {
    two_tenants(&store).await;
    let mut user = member(1, "one@a.example.com");
    user.mfa_methods = vec![totp(None)];
    store
        .apply(tenant_a(), vec![Write::InsertUser(user.clone())])
        .await
        .unwrap();
    // The sign-in reads the user, then verifies a code (the window).
    let read_by_sign_in = store.get_user(tenant_a(), user.id).await.unwrap();
    let disable = UserChanges {
        account_enabled: Some(false),
        ..UserChanges::default()
    };
    store
        .apply(
            tenant_a(),
            vec![Write::PatchUser {
                id: user.id,
                changes: disable.clone(),
            }],
        )
        .await
        .unwrap();
    let mut after_sign_in = read_by_sign_in.clone();
    after_sign_in.mfa_methods = vec![totp(Some(7))];
    let changes = UserChanges::between(&read_by_sign_in, &after_sign_in);
    assert_eq!(changes, UserChanges::mfa_methods(vec![totp(Some(7))]));
    store
        .apply(
            tenant_a(),
            vec![Write::PatchUser {
                id: user.id,
                changes,
            }],
        )
        .await
        .unwrap();
    let stored = store.get_user(tenant_a(), user.id).await.unwrap();
    assert!(!stored.account_enabled, "the disable survives the sign-in");
    assert_eq!(stored.mfa_methods, vec![totp(Some(7))]);

    // The same race run in parallel: many sign-ins from one stale read, one disable among them.
    let mut enable = disable;
    enable.account_enabled = Some(true);
    store
        .apply(
            tenant_a(),
            vec![Write::PatchUser {
                id: user.id,
                changes: enable,
            }],
        )
        .await
        .unwrap();
    let stale = store.get_user(tenant_a(), user.id).await.unwrap();
    let mut tasks = Vec::new();
    for n in 0..24u64 {
        let store = store.clone();
        let id = user.id;
        let changes = if n == 12 {
            UserChanges {
                account_enabled: Some(false),
                ..UserChanges::default()
            }
        } else {
            let mut signed_in = stale.clone();
            signed_in.mfa_methods = vec![totp(Some(100 + n))];
            UserChanges::between(&stale, &signed_in)
        };
        tasks.push(tokio::spawn(async move {
            store
                .apply(tenant_a(), vec![Write::PatchUser { id, changes }])
                .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let stored = store.get_user(tenant_a(), user.id).await.unwrap();
    assert!(!stored.account_enabled, "the parallel disable survives");
}

/// A patch keeps the address side tables in step and leaves the properties it does not name
/// alone.
pub async fn user_patches_set_only_what_they_name(store: DynStore) {
    two_tenants(&store).await;
    let user = member(1, "one@a.example.com");
    store
        .apply(tenant_a(), vec![Write::InsertUser(user.clone())])
        .await
        .unwrap();
    let changes = UserChanges {
        user_principal_name: Some(Upn::parse("uno@a.example.com").unwrap()),
        display_name: Some("Uno".into()),
        given_name: Some(Some("Una".into())),
        other_mails: Some(vec![email("una@fabrikam.com")]),
        proxy_addresses: Some(vec![ProxyAddress::primary(email("uno@a.example.com"))]),
        external_user_state_changed_at: Some(Some(at(5))),
        password_hash: Some(Some("$argon2id$x".into())),
        ..UserChanges::default()
    };
    store
        .apply(
            tenant_a(),
            vec![Write::PatchUser {
                id: user.id,
                changes: changes.clone(),
            }],
        )
        .await
        .unwrap();
    let stored = store.get_user(tenant_a(), user.id).await.unwrap();
    let mut expected = user.clone();
    expected.user_principal_name = Upn::parse("uno@a.example.com").unwrap();
    expected.display_name = "Uno".into();
    expected.given_name = Some("Una".into());
    expected.other_mails = vec![email("una@fabrikam.com")];
    expected.proxy_addresses = vec![ProxyAddress::primary(email("uno@a.example.com"))];
    expected.external_user_state_changed_at = Some(at(5));
    expected.password_hash = Some("$argon2id$x".into());
    assert_eq!(stored, expected);
    assert_eq!(UserChanges::between(&user, &stored), changes);
    let found = |address: &str| {
        let store = store.clone();
        let address = email(address);
        async move {
            let users = store
                .list_users_by_address(tenant_a(), &address)
                .await
                .unwrap();
            users.iter().map(|u| u.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(found("una@fabrikam.com").await, vec![user.id]);
    assert_eq!(found("uno@a.example.com").await, vec![user.id]);
    assert!(store
        .find_proxy_owner(tenant_a(), &email("one@a.example.com"))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .find_user_by_upn(tenant_a(), &Upn::parse("UNO@a.example.com").unwrap())
        .await
        .unwrap()
        .is_some());
}

/// A patch to a taken UPN is a conflict; one to a missing user (or another tenant's) is
/// `NotFound`, even when it sets nothing; neither changes anything.
pub async fn user_patches_report_conflicts_and_missing_users(store: DynStore) {
    two_tenants(&store).await;
    let user = member(1, "one@a.example.com");
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertUser(user.clone()),
                Write::InsertUser(member(2, "two@a.example.com")),
            ],
        )
        .await
        .unwrap();
    let taken = UserChanges {
        user_principal_name: Some(Upn::parse("two@a.example.com").unwrap()),
        ..UserChanges::default()
    };
    let result = store
        .apply(
            tenant_a(),
            vec![Write::PatchUser {
                id: user.id,
                changes: taken,
            }],
        )
        .await;
    assert!(
        matches!(
            result,
            Err(StoreError::Conflict(Conflict::UserPrincipalName(_)))
        ),
        "{result:?}"
    );
    for changes in [UserChanges::default(), UserChanges::mfa_methods(Vec::new())] {
        let missing = store
            .apply(
                tenant_a(),
                vec![Write::PatchUser {
                    id: oid(99),
                    changes,
                }],
            )
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
        let other_tenant = store
            .apply(
                tenant_b(),
                vec![Write::PatchUser {
                    id: user.id,
                    changes: UserChanges::default(),
                }],
            )
            .await;
        assert!(
            matches!(other_tenant, Err(StoreError::NotFound)),
            "{other_tenant:?}"
        );
    }
    assert_eq!(store.get_user(tenant_a(), user.id).await.unwrap(), user);
}

fn totp(last_used_step: Option<u64>) -> MfaMethod {
    MfaMethod::Totp {
        id: oid(70),
        secret_base32: "JBSWY3DPEHPK3PXP".into(),
        registered_at: at(4),
        last_used_step,
    }
}
