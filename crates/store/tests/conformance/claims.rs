//! Security-hardening claims (issue 10): a TOTP time step is accepted once per user even in
//! parallel, an ended sign-in flow is never written back, and familiar addresses stay bounded.

use crate::counters::{flow, race};
use crate::fixtures::*;
use chrono::Duration;
use portico_model::lockout::{
    LockoutAccount, FAMILIAR_ADDRESSES_PER_ACCOUNT, FAMILIAR_ADDRESS_DAYS,
};
use portico_model::oauth::FlowStep;
use portico_store::{Conflict, StoreError, Write};

fn step(user: u32, step: u64) -> Write {
    Write::ClaimTotpStep {
        user_id: oid(user),
        step,
    }
}

pub async fn totp_steps_are_claimed_once(store: DynStore) {
    two_tenants(&store).await;
    for tenant in [tenant_a(), tenant_b()] {
        store
            .apply(
                tenant,
                vec![Write::InsertUser(member(1, "u1@a.example.com"))],
            )
            .await
            .unwrap();
    }
    // One code, many parallel sign-ins: exactly one has its step.
    assert_eq!(race(&store, tenant_a(), step(1, 100), 30).await, 1);
    // The same or an earlier step is refused; a later one is accepted once.
    assert_eq!(race(&store, tenant_a(), step(1, 100), 3).await, 0);
    assert_eq!(race(&store, tenant_a(), step(1, 99), 3).await, 0);
    assert_eq!(race(&store, tenant_a(), step(1, 101), 10).await, 1);
    // Another tenant's user of the same id has its own steps.
    assert_eq!(race(&store, tenant_b(), step(1, 100), 10).await, 1);
    // A deleted user's claims go with it.
    store
        .apply(tenant_a(), vec![Write::DeleteUser(oid(1))])
        .await
        .unwrap();
    store
        .apply(
            tenant_a(),
            vec![Write::InsertUser(member(1, "u1@a.example.com"))],
        )
        .await
        .unwrap();
    assert_eq!(race(&store, tenant_a(), step(1, 50), 5).await, 1);
}

pub async fn ended_login_flows_stay_ended(store: DynStore) {
    two_tenants(&store).await;
    let mut started = flow("f-end");
    store
        .apply(tenant_a(), vec![Write::InsertLoginFlow(started.clone())])
        .await
        .unwrap();
    assert!(matches!(
        store
            .apply(tenant_a(), vec![Write::InsertLoginFlow(started.clone())])
            .await,
        Err(StoreError::Conflict(Conflict::ObjectId(_)))
    ));
    // Another tenant cannot write a step of this flow (nor create it by trying).
    started.step = FlowStep::Password { user_id: oid(1) };
    let update = Write::UpdateLoginFlow(started.clone());
    assert!(matches!(
        store.apply(tenant_b(), vec![update.clone()]).await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .find_login_flow(tenant_b(), "f-end")
        .await
        .unwrap()
        .is_none());
    // Late steps racing the flow's end: each lands before it or finds no flow; none survives.
    let end = Write::DeleteLoginFlow {
        flow_hash: "f-end".into(),
    };
    let mut tasks = Vec::new();
    for n in 0..20 {
        let store = store.clone();
        let write = if n == 10 { end.clone() } else { update.clone() };
        tasks.push(tokio::spawn(async move {
            store.apply(tenant_a(), vec![write]).await
        }));
    }
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(other) => panic!("a flow write failed with {other:?}"),
        }
    }
    assert!(store
        .find_login_flow(tenant_a(), "f-end")
        .await
        .unwrap()
        .is_none());
    // Once ended, a step is refused and the flow is not recreated.
    assert!(matches!(
        store.apply(tenant_a(), vec![update]).await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .find_login_flow(tenant_a(), "f-end")
        .await
        .unwrap()
        .is_none());
    // Nor is a step of a flow that never existed stored.
    assert!(matches!(
        store
            .apply(tenant_a(), vec![Write::UpdateLoginFlow(flow("f-never"))])
            .await,
        Err(StoreError::NotFound)
    ));
}

fn seen(account: LockoutAccount, address: String, at: chrono::DateTime<chrono::Utc>) -> Write {
    Write::RecordFamiliarAddress {
        account,
        address,
        at,
    }
}

async fn familiar(
    store: &DynStore,
    tenant: portico_model::TenantId,
    account: LockoutAccount,
    address: &str,
) -> bool {
    store
        .is_familiar_address(tenant, account, address)
        .await
        .unwrap()
}

pub async fn familiar_addresses_are_bounded_per_account_and_by_age(store: DynStore) {
    two_tenants(&store).await;
    let busy = LockoutAccount::User(oid(1));
    let quiet = LockoutAccount::User(oid(2));
    store
        .apply(tenant_a(), vec![seen(quiet, "198.51.100.1".into(), at(2))])
        .await
        .unwrap();
    let kept = FAMILIAR_ADDRESSES_PER_ACCOUNT as usize;
    let extra = 5;
    for n in 0..kept + extra {
        let when = at(2) + Duration::minutes(n as i64);
        store
            .apply(tenant_a(), vec![seen(busy, format!("192.0.2.{n}"), when)])
            .await
            .unwrap();
    }
    // The newest are kept, the oldest dropped; other accounts are not touched.
    for n in 0..kept + extra {
        let address = format!("192.0.2.{n}");
        assert_eq!(
            familiar(&store, tenant_a(), busy, &address).await,
            n >= extra,
            "{address}"
        );
    }
    assert!(familiar(&store, tenant_a(), quiet, "198.51.100.1").await);
    // An address unused for longer than the window goes when the account signs in again.
    let later = at(2) + Duration::days(FAMILIAR_ADDRESS_DAYS + 1);
    store
        .apply(tenant_a(), vec![seen(busy, "203.0.113.9".into(), later)])
        .await
        .unwrap();
    assert!(familiar(&store, tenant_a(), busy, "203.0.113.9").await);
    assert!(!familiar(&store, tenant_a(), busy, "192.0.2.24").await);
    // Accounts that stopped signing in are purged by age, in batches, per tenant.
    store
        .apply(tenant_b(), vec![seen(quiet, "198.51.100.1".into(), at(2))])
        .await
        .unwrap();
    let before = at(2) + Duration::days(1);
    assert_eq!(
        store
            .purge_familiar_addresses(tenant_a(), before, 10)
            .await
            .unwrap(),
        1
    );
    assert!(!familiar(&store, tenant_a(), quiet, "198.51.100.1").await);
    assert!(familiar(&store, tenant_a(), busy, "203.0.113.9").await);
    assert!(familiar(&store, tenant_b(), quiet, "198.51.100.1").await);
}
