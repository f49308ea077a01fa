//! Monthly active guests (`docs/decisions.md` 17) and log retention.

use crate::cases::{audit, sign_in};
use crate::fixtures::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use portico_model::logs::{AuditRecord, AuditTarget, SignInRecord};
use portico_model::month::Month;
use portico_model::user::UserType;
use portico_model::TenantId;
use portico_store::Write;

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

fn time(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).single().unwrap()
}

/// Row `n` of `tenant`'s log: user `user` of `user_type` signing in to `resource` at `when`.
fn row(
    n: u32,
    user: Option<u32>,
    user_type: UserType,
    resource: TenantId,
    when: DateTime<Utc>,
    error_code: u32,
) -> SignInRecord {
    SignInRecord {
        created_at: when,
        user_id: user.map(oid),
        user_type: Some(user_type),
        error_code,
        failure_reason: None,
        ..sign_in(n, resource, 1)
    }
}

fn success(n: u32, user: u32, resource: TenantId, when: DateTime<Utc>) -> Write {
    Write::InsertSignIn(row(n, Some(user), UserType::Guest, resource, when, 0))
}

pub async fn monthly_active_guests_count_each_successful_guest_once_per_month(store: DynStore) {
    two_tenants(&store).await;
    let (a, b) = (tenant_a(), tenant_b());
    let last_instant_of_march = time(2027, 3, 31, 23, 59, 59) + Duration::microseconds(999_999);
    let first_of_april = time(2027, 4, 1, 0, 0, 0);
    let mid_march = time(2027, 3, 10, 9, 0, 0);
    store
        .apply(
            a,
            vec![
                // Guest 1 at the very end of March, guest 2 at the very start of April.
                success(1, 1, a, last_instant_of_march),
                success(2, 2, a, first_of_april),
                // Guest 3 twice in March: once.
                success(3, 3, a, mid_march),
                success(4, 3, a, mid_march + Duration::days(5)),
                // A failure, a member, a guest row for another resource, a row without a user.
                Write::InsertSignIn(row(5, Some(4), UserType::Guest, a, mid_march, 50126)),
                Write::InsertSignIn(row(6, Some(5), UserType::Member, a, mid_march, 0)),
                Write::InsertSignIn(row(7, Some(6), UserType::Guest, b, mid_march, 0)),
                Write::InsertSignIn(row(8, None, UserType::Guest, a, mid_march, 0)),
            ],
        )
        .await
        .unwrap();
    // Tenant B's own guests, one of them the same object id as A's guest 1.
    store
        .apply(
            b,
            vec![success(9, 1, b, mid_march), success(10, 7, b, mid_march)],
        )
        .await
        .unwrap();

    let count = |tenant, m: &str| {
        let store = store.clone();
        let m = month(m);
        async move { store.count_monthly_active_guests(tenant, m).await.unwrap() }
    };
    assert_eq!(count(a, "2027-03").await, 2, "guests 1 and 3");
    assert_eq!(count(a, "2027-04").await, 1, "guest 2");
    assert_eq!(count(a, "2027-02").await, 0);
    assert_eq!(count(b, "2027-03").await, 2, "B's rows only");
    assert_eq!(count(b, "2027-04").await, 0);

    // Guest 1 again in April: one more active guest in April, March unchanged.
    store
        .apply(
            a,
            vec![success(11, 1, a, first_of_april + Duration::days(3))],
        )
        .await
        .unwrap();
    assert_eq!(count(a, "2027-04").await, 2);
    assert_eq!(count(a, "2027-03").await, 2);

    let history = store
        .list_monthly_active_guests(a, month("2026-12"), month("2027-06"))
        .await
        .unwrap();
    assert_eq!(
        history,
        vec![(month("2027-03"), 2), (month("2027-04"), 2)],
        "months with none are left out, oldest first"
    );
    let april_only = store
        .list_monthly_active_guests(a, month("2027-04"), month("2027-04"))
        .await
        .unwrap();
    assert_eq!(april_only, vec![(month("2027-04"), 2)]);
    let across_the_year = store
        .list_monthly_active_guests(b, month("2026-12"), month("2028-01"))
        .await
        .unwrap();
    assert_eq!(across_the_year, vec![(month("2027-03"), 2)]);

    // A rolled-back batch counts no one.
    let refused = store
        .apply(
            a,
            vec![
                success(12, 8, a, mid_march),
                success(1, 9, a, mid_march), // id 1 is taken: the batch fails
            ],
        )
        .await;
    assert!(refused.is_err());
    assert_eq!(count(a, "2027-03").await, 2);

    store.reset(Vec::new()).await.unwrap();
    assert_eq!(count(a, "2027-03").await, 0, "reset clears the counts");
}

pub async fn log_purges_go_in_batches_per_tenant_and_keep_monthly_active_guests(store: DynStore) {
    two_tenants(&store).await;
    let (a, b) = (tenant_a(), tenant_b());
    // Five sign-ins in A on March 1-5 at noon, and one in B on March 1.
    let writes = (1..=5)
        .map(|day| success(day, day, a, at(day)))
        .collect::<Vec<_>>();
    store.apply(a, writes).await.unwrap();
    store
        .apply(b, vec![success(20, 20, b, at(1))])
        .await
        .unwrap();
    store
        .apply(
            a,
            vec![
                Write::Audit(audit(30, 1)),
                // A record with a target: its target rows go with it.
                Write::Audit(AuditRecord {
                    targets: vec![AuditTarget {
                        id: oid(1).to_string(),
                        kind: "User".into(),
                        display_name: None,
                    }],
                    ..audit(31, 2)
                }),
                Write::Audit(audit(32, 4)),
            ],
        )
        .await
        .unwrap();
    store
        .apply(b, vec![Write::Audit(audit(33, 1))])
        .await
        .unwrap();

    // Everything before March 4 at noon goes: days 1, 2 and 3, two at a time, oldest first.
    let before = at(4);
    assert_eq!(store.purge_sign_ins(a, before, 2).await.unwrap(), 2);
    let left: Vec<_> = store.list_sign_ins(a, 10).await.unwrap();
    assert_eq!(
        left.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![oid(5), oid(4), oid(3)],
        "the oldest went first"
    );
    assert_eq!(store.purge_sign_ins(a, before, 2).await.unwrap(), 1);
    assert_eq!(store.purge_sign_ins(a, before, 2).await.unwrap(), 0);
    assert_eq!(store.list_sign_ins(a, 10).await.unwrap().len(), 2);
    assert_eq!(
        store.list_sign_ins(b, 10).await.unwrap().len(),
        1,
        "other tenants keep their rows"
    );

    assert_eq!(store.purge_audit_records(a, before, 10).await.unwrap(), 2);
    assert_eq!(
        store
            .list_audit_records(a, 10)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        vec![oid(32)]
    );
    assert_eq!(store.list_audit_records(b, 10).await.unwrap().len(), 1);

    // The month's active guests outlive its log rows.
    assert_eq!(
        store
            .count_monthly_active_guests(a, Month::of(at(1)))
            .await
            .unwrap(),
        5
    );
    assert_eq!(store.purge_sign_ins(a, at(31), 100).await.unwrap(), 2);
    assert_eq!(
        store
            .count_monthly_active_guests(a, Month::of(at(1)))
            .await
            .unwrap(),
        5
    );
}
