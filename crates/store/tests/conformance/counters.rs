//! Counters that must hold under parallel requests: a flow's code attempts, smart lockout and
//! rate quotas. Each case races many claims and expects exactly the limit to succeed.

use crate::fixtures::*;
use chrono::Duration;
use portico_model::lockout::{LockoutAccount, LockoutKey, LOCKOUT_THRESHOLD};
use portico_model::oauth::{AuthorizationRequest, FlowStep, LoginFlow};
use portico_model::ClientId;
use portico_store::{Conflict, StoreError, Write};

pub(crate) fn flow(hash: &str) -> LoginFlow {
    LoginFlow {
        flow_hash: hash.into(),
        csrf_token: "csrf".into(),
        request: AuthorizationRequest {
            client_id: ClientId::parse("c0c0a003-0000-4000-8000-000000000003").unwrap(),
            redirect_uri: "http://localhost".into(),
            scopes: vec!["openid".into()],
            state: None,
            nonce: None,
            code_challenge: Some("c".into()),
            response_mode: "query".into(),
            login_hint: None,
            max_age: None,
        },
        purpose: Default::default(),
        step: FlowStep::Identify,
        keep_signed_in: false,
        failed_attempts: 0,
        created_at: at(2),
        expires_at: at(3),
    }
}

/// Runs `count` applies of `write` at once; returns how many succeeded. Every failure must be a
/// refused precondition, never a database error.
pub(crate) async fn race(
    store: &DynStore,
    tenant: portico_model::TenantId,
    write: Write,
    count: usize,
) -> usize {
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let store = store.clone();
            let write = write.clone();
            tokio::spawn(async move { store.apply(tenant, vec![write]).await })
        })
        .collect();
    let mut succeeded = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => succeeded += 1,
            Err(StoreError::Conflict(Conflict::Precondition(_))) => {}
            Err(other) => panic!("a claim failed with {other:?}"),
        }
    }
    succeeded
}

pub async fn flow_attempts_are_claimed_atomically(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(tenant_a(), vec![Write::InsertLoginFlow(flow("f-race"))])
        .await
        .unwrap();
    let claim = Write::ClaimFlowAttempt {
        flow_hash: "f-race".into(),
        max: 5,
    };
    assert_eq!(race(&store, tenant_a(), claim.clone(), 40).await, 5);
    let stored = store
        .find_login_flow(tenant_a(), "f-race")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.failed_attempts, 5, "the counter is the column's");
    // Rewriting the flow (a new step) keeps the counter: it is one counter per flow.
    let mut next = stored.clone();
    next.step = FlowStep::Password { user_id: oid(1) };
    next.failed_attempts = 0;
    store
        .apply(tenant_a(), vec![Write::UpdateLoginFlow(next)])
        .await
        .unwrap();
    assert_eq!(race(&store, tenant_a(), claim.clone(), 3).await, 0);
    // Another tenant's flow of the same hash is not this one; an ended flow has no attempts.
    assert_eq!(race(&store, tenant_b(), claim.clone(), 3).await, 0);
    store
        .apply(
            tenant_a(),
            vec![Write::DeleteLoginFlow {
                flow_hash: "f-race".into(),
            }],
        )
        .await
        .unwrap();
    assert_eq!(race(&store, tenant_a(), claim, 3).await, 0);
}

pub async fn lockout_claims_lock_at_the_threshold_and_grow(store: DynStore) {
    two_tenants(&store).await;
    let account = LockoutAccount::User(oid(7));
    let key = LockoutKey {
        account,
        familiar: false,
    };
    let now = at(5);
    let claim = |now| Write::ClaimCredentialCheck { key, now };
    let granted = race(&store, tenant_a(), claim(now), 30).await;
    assert_eq!(granted, LOCKOUT_THRESHOLD as usize);
    let states = store.list_lockouts(tenant_a()).await.unwrap();
    assert_eq!(states.len(), 1);
    assert!(states[0].locked_at(now));
    assert_eq!(states[0].lockouts, 1);
    assert_eq!(states[0].locked_until, Some(now + Duration::seconds(60)));
    // The familiar bucket and the other tenant are untouched.
    let familiar = LockoutKey {
        account,
        familiar: true,
    };
    assert_eq!(
        race(
            &store,
            tenant_a(),
            Write::ClaimCredentialCheck { key: familiar, now },
            1
        )
        .await,
        1
    );
    assert!(store.list_lockouts(tenant_b()).await.unwrap().is_empty());
    // After the period one check runs, and the next lockout is longer.
    let later = now + Duration::seconds(61);
    assert_eq!(race(&store, tenant_a(), claim(later), 5).await, 1);
    let state = store.list_lockouts(tenant_a()).await.unwrap().remove(0);
    assert_eq!(state.lockouts, 2);
    assert_eq!(state.locked_until, Some(later + Duration::seconds(300)));
    // A right credential gives its claim back: below the threshold, nothing is locked.
    store
        .apply(tenant_a(), vec![Write::RefundCredentialCheck { key }])
        .await
        .unwrap();
    let state = store.list_lockouts(tenant_a()).await.unwrap().remove(0);
    assert!(!state.locked_at(later));
    assert_eq!(
        (state.failures, state.lockouts),
        (9, 1),
        "its lockout is undone"
    );
    // An administrator clears both buckets.
    store
        .apply(
            tenant_a(),
            vec![Write::ClearLockout {
                account,
                familiar: None,
            }],
        )
        .await
        .unwrap();
    assert!(store.list_lockouts(tenant_a()).await.unwrap().is_empty());
}

pub async fn familiar_addresses_and_quotas(store: DynStore) {
    two_tenants(&store).await;
    let account = LockoutAccount::User(oid(8));
    assert!(!store
        .is_familiar_address(tenant_a(), account, "192.0.2.1")
        .await
        .unwrap());
    store
        .apply(
            tenant_a(),
            vec![Write::RecordFamiliarAddress {
                account,
                address: "192.0.2.1".into(),
                at: at(2),
            }],
        )
        .await
        .unwrap();
    assert!(store
        .is_familiar_address(tenant_a(), account, "192.0.2.1")
        .await
        .unwrap());
    assert!(!store
        .is_familiar_address(tenant_b(), account, "192.0.2.1")
        .await
        .unwrap());
    let quota = |now| Write::ClaimQuota {
        key: "otp:dave@example.net".into(),
        now,
        window_seconds: 900,
        max: 5,
    };
    assert_eq!(race(&store, tenant_a(), quota(at(2)), 25).await, 5);
    assert_eq!(
        race(&store, tenant_b(), quota(at(2)), 2).await,
        2,
        "per tenant"
    );
    let next_window = at(2) + Duration::seconds(901);
    assert_eq!(race(&store, tenant_a(), quota(next_window), 25).await, 5);
}
