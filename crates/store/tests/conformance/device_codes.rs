//! Device codes (RFC 8628): approved or declined once, redeemed once, polls claimed per interval,
//! and only in their own tenant.

use crate::counters::race;
use crate::fixtures::*;
use chrono::Duration;
use portico_model::oauth::{DeviceApproval, DeviceCode, DeviceCodeStatus};
use portico_model::ClientId;
use portico_store::{Conflict, StoreError, Write};

/// `seconds` after the code was issued.
fn t(seconds: i64) -> chrono::DateTime<chrono::Utc> {
    at(1) + Duration::seconds(seconds)
}

fn device_code(device: &str, user: &str) -> DeviceCode {
    DeviceCode {
        device_code_hash: device.into(),
        user_code_hash: user.into(),
        client_id: ClientId::from_uuid(uuid::Uuid::from_u128(7)),
        scopes: vec!["openid".into(), "User.Read".into()],
        interval_seconds: 5,
        created_at: t(0),
        expires_at: t(900),
        status: DeviceCodeStatus::Pending,
        approval: None,
        polled_at: None,
    }
}

fn settle(device: &str, from: DeviceCodeStatus, to: DeviceCodeStatus) -> Write {
    let approval = (to == DeviceCodeStatus::Approved).then(|| DeviceApproval {
        user_id: oid(1),
        auth_time: t(30),
        amr: vec!["pwd".into()],
    });
    Write::SettleDeviceCode {
        device_code_hash: device.into(),
        from,
        to,
        approval,
    }
}

fn poll(device: &str, seconds: i64) -> Write {
    Write::PollDeviceCode {
        device_code_hash: device.into(),
        at: t(seconds),
        not_before: t(seconds) - Duration::seconds(5),
    }
}

pub async fn device_codes_settle_once_and_polls_keep_their_interval(store: DynStore) {
    use DeviceCodeStatus::*;
    two_tenants(&store).await;
    let insert = |d: &str, u: &str| Write::InsertDeviceCode(device_code(d, u));
    store
        .apply(
            tenant_a(),
            vec![insert("dc-1", "uc-1"), insert("dc-2", "uc-2")],
        )
        .await
        .unwrap();
    // A user code is unique in its tenant, and the batch that reuses one writes nothing.
    let taken = store
        .apply(
            tenant_a(),
            vec![insert("dc-3", "uc-3"), insert("dc-4", "uc-1")],
        )
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert_eq!(
        store.find_device_code(tenant_a(), "dc-3").await.unwrap(),
        None
    );
    // Found by either code, pending, never polled; another tenant sees nothing.
    let found = store
        .find_device_code(tenant_a(), "dc-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.status, found.polled_at), (Pending, None));
    assert_eq!(
        found.scopes,
        vec!["openid".to_owned(), "User.Read".to_owned()]
    );
    let by_user = store
        .find_device_code_by_user_code(tenant_a(), "uc-1")
        .await
        .unwrap();
    assert_eq!(by_user.map(|c| c.device_code_hash), Some("dc-1".to_owned()));
    assert_eq!(
        store.find_device_code(tenant_b(), "dc-1").await.unwrap(),
        None
    );
    assert_eq!(
        store
            .find_device_code_by_user_code(tenant_b(), "uc-1")
            .await
            .unwrap(),
        None
    );
    let elsewhere = store
        .apply(tenant_b(), vec![settle("dc-1", Pending, Approved)])
        .await;
    assert!(
        matches!(elsewhere, Err(StoreError::NotFound)),
        "{elsewhere:?}"
    );

    // Polls: parallel polls inside one interval pass once; the next interval passes again.
    assert_eq!(race(&store, tenant_a(), poll("dc-1", 10), 20).await, 1);
    assert_eq!(race(&store, tenant_a(), poll("dc-1", 12), 5).await, 0);
    assert_eq!(race(&store, tenant_a(), poll("dc-1", 15), 5).await, 1);
    let polled = store
        .find_device_code(tenant_a(), "dc-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(polled.polled_at, Some(t(15)));

    // Approved once, in parallel, with its approval; then redeemed once.
    assert_eq!(
        race(&store, tenant_a(), settle("dc-1", Pending, Approved), 20).await,
        1
    );
    assert_eq!(
        race(&store, tenant_a(), settle("dc-1", Pending, Declined), 3).await,
        0
    );
    let approved = store
        .find_device_code(tenant_a(), "dc-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(approved.status, Approved);
    assert_eq!(
        approved.approval.map(|a| (a.user_id, a.amr)),
        Some((oid(1), vec!["pwd".to_owned()]))
    );
    assert_eq!(
        race(&store, tenant_a(), settle("dc-1", Approved, Redeemed), 20).await,
        1
    );
    let redeemed = store
        .find_device_code(tenant_a(), "dc-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(redeemed.status, Redeemed);
    assert!(redeemed.approval.is_some(), "redeeming keeps the approval");

    // A declined code stays declined.
    store
        .apply(tenant_a(), vec![settle("dc-2", Pending, Declined)])
        .await
        .unwrap();
    let again = store
        .apply(tenant_a(), vec![settle("dc-2", Pending, Approved)])
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(Conflict::Precondition(_)))),
        "{again:?}"
    );
    let declined = store
        .find_device_code(tenant_a(), "dc-2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((declined.status, declined.approval), (Declined, None));
    let unknown = store.apply(tenant_a(), vec![poll("dc-none", 1)]).await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
}
