//! The log APIs' store side: pages in time order with a keyset cursor, `$filter` compiled to SQL
//! agreeing with the in-memory evaluator, lookups by id, and tenant scoping.

use crate::cases::{audit, sign_in};
use crate::fixtures::*;
use chrono::Duration;
use portico_model::logs::{Actor, AuditRecord, AuditTarget, CrossTenantAccessType, SignInRecord};
use portico_model::user::UserType;
use portico_model::ClientId;
use portico_odata::{evaluate, parse_filter, DIRECTORY_AUDIT, SIGN_IN_BETA};
use portico_store::records::{AuditLogRecord, SignInLogRecord};
use portico_store::{LogPosition, LogQuery, Write};

fn app(n: u32) -> ClientId {
    ClientId::parse(&format!("00000000-0000-4000-8000-a{n:011}")).unwrap()
}

/// Varied rows: three share one instant (ties are broken by id), the rest a minute apart.
pub(crate) fn sign_ins() -> Vec<SignInRecord> {
    (1..=24)
        .map(|n| {
            let mut row = sign_in(n, tenant_a(), 1);
            row.created_at = at(1) + Duration::minutes(i64::from(n.max(3)));
            row.user_id = Some(oid(n % 4));
            row.user_principal_name = Some(format!("User{}@Example.com", n % 5));
            row.user_type = Some(if n % 3 == 0 {
                UserType::Member
            } else {
                UserType::Guest
            });
            row.app_id = (n % 2 == 0).then(|| app(n % 6));
            row.app_display_name = Some(format!("App {}", n % 6));
            row.error_code = [0, 500212, 50126, 0][n as usize % 4];
            row.sign_in_event_type = if n % 5 == 0 {
                "nonInteractiveUser".into()
            } else {
                "interactiveUser".into()
            };
            row.cross_tenant_access_type = if n % 2 == 0 {
                CrossTenantAccessType::B2bCollaboration
            } else {
                CrossTenantAccessType::None
            };
            row.home_tenant_id =
                (n % 7 != 0).then(|| if n % 2 == 0 { tenant_b() } else { tenant_a() });
            row
        })
        .collect()
}

fn newest_first<T>(
    mut rows: Vec<T>,
    key: impl Fn(&T) -> (chrono::DateTime<chrono::Utc>, String),
) -> Vec<T> {
    rows.sort_by_key(|row| std::cmp::Reverse(key(row)));
    rows
}

fn query(filter: Option<&str>, entity: &portico_odata::Entity) -> LogQuery {
    LogQuery {
        filter: filter.map(|text| parse_filter(entity, text).unwrap().0),
        oldest_first: false,
        after: None,
        limit: 1000,
    }
}

pub async fn sign_in_log_pages_and_filters_agree_with_the_evaluator(store: DynStore) {
    two_tenants(&store).await;
    let rows = sign_ins();
    let writes = rows.iter().cloned().map(Write::InsertSignIn).collect();
    store.apply(tenant_a(), writes).await.unwrap();
    // Tenant B's own row, with ids and a correlation id that also occur in A's log.
    let mut foreign = sign_in(1000, tenant_b(), 2);
    foreign.correlation_id = rows[0].correlation_id;
    store
        .apply(tenant_b(), vec![Write::InsertSignIn(foreign.clone())])
        .await
        .unwrap();

    // Paging: newest first, ties by id, every row exactly once, in pages of 5.
    let expected = newest_first(rows.clone(), |r| (r.created_at, r.id.to_string()));
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .query_sign_ins(
                tenant_a(),
                &LogQuery {
                    after,
                    limit: 5,
                    ..query(None, &SIGN_IN_BETA)
                },
            )
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(LogPosition {
            at: last.created_at,
            id: last.id,
        });
        seen.extend(page);
    }
    assert_eq!(seen, expected);
    let oldest = store
        .query_sign_ins(
            tenant_a(),
            &LogQuery {
                oldest_first: true,
                limit: 3,
                ..query(None, &SIGN_IN_BETA)
            },
        )
        .await
        .unwrap();
    let mut reversed = expected.clone();
    reversed.reverse();
    assert_eq!(oldest, reversed[..3]);

    // Filters: the store's answer is the evaluator's, in the same order.
    let user = oid(2);
    let filters = [
        "crossTenantAccessType eq 'b2bCollaboration'".to_owned(),
        "crossTenantAccessType eq 'NONE'".to_owned(),
        "status/errorCode eq 500212".to_owned(),
        "status/errorCode ne 0".to_owned(),
        "not (status/errorCode eq 0) and userType eq 'guest'".to_owned(),
        "userType eq 'Member'".to_owned(),
        format!("userId eq '{user}'"),
        format!("userId eq '{}'", user.to_string().to_uppercase()),
        "userPrincipalName eq 'user1@example.com'".to_owned(),
        "startswith(userPrincipalName, 'USER2')".to_owned(),
        format!("appId eq '{}'", app(2)),
        "startswith(appDisplayName, 'app 4')".to_owned(),
        "isInteractive eq false".to_owned(),
        format!("homeTenantId eq '{}'", tenant_b()),
        format!("resourceTenantId eq '{}'", tenant_a()),
        format!("correlationId eq '{}'", rows[3].correlation_id),
        format!("id eq '{}'", rows[5].id),
        format!(
            "createdDateTime ge {} and createdDateTime lt {}",
            (at(1) + Duration::minutes(5)).to_rfc3339(),
            (at(1) + Duration::minutes(9)).to_rfc3339()
        ),
        format!(
            "createdDateTime eq {}",
            (at(1) + Duration::minutes(3)).to_rfc3339()
        ),
        format!(
            "createdDateTime gt {} or status/errorCode eq 50126",
            (at(1) + Duration::minutes(20)).to_rfc3339()
        ),
    ];
    for text in &filters {
        let found = store
            .query_sign_ins(tenant_a(), &query(Some(text), &SIGN_IN_BETA))
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let (expr, _) = parse_filter(&SIGN_IN_BETA, text).unwrap();
        let wanted: Vec<SignInRecord> = expected
            .iter()
            .filter(|row| evaluate(&expr, &SignInLogRecord(row)))
            .cloned()
            .collect();
        assert!(!wanted.is_empty(), "{text} should match something");
        assert_eq!(found, wanted, "filter {text}");
    }

    // By id, and only in its own tenant.
    assert_eq!(
        store.find_sign_in(tenant_a(), rows[4].id).await.unwrap(),
        Some(rows[4].clone())
    );
    assert_eq!(
        store.find_sign_in(tenant_a(), foreign.id).await.unwrap(),
        None
    );
    assert_eq!(
        store.find_sign_in(tenant_b(), rows[4].id).await.unwrap(),
        None
    );
    let correlated = format!("correlationId eq '{}'", rows[0].correlation_id);
    assert_eq!(
        store
            .query_sign_ins(tenant_b(), &query(Some(&correlated), &SIGN_IN_BETA))
            .await
            .unwrap(),
        vec![foreign]
    );
}

pub(crate) fn audits() -> Vec<AuditRecord> {
    (1..=12)
        .map(|n| {
            let mut record = audit(n, 1);
            record.activity_at = at(1) + Duration::hours(i64::from(n));
            record.category = if n % 2 == 0 {
                "UserManagement"
            } else {
                "Policy"
            }
            .into();
            record.activity = [
                "Invite external user",
                "Add user",
                "Update authorization policy",
            ][n as usize % 3]
                .into();
            record.success = n % 5 != 0;
            record.correlation_id = (n % 4 == 0).then(|| oid(900 + n));
            record.initiated_by = match n % 3 {
                0 => Actor::User {
                    id: oid(n % 2),
                    user_principal_name: format!("Admin{}@A.example.com", n % 2),
                },
                1 => Actor::App {
                    id: oid(77),
                    display_name: "Portico Admin".into(),
                },
                _ => Actor::System {
                    what: "seed".into(),
                },
            };
            record.targets = (0..n % 3)
                .map(|k| AuditTarget {
                    id: if k == 0 {
                        oid(n).to_string().to_uppercase()
                    } else {
                        "authorizationPolicy".into()
                    },
                    kind: "User".into(),
                    display_name: None,
                })
                .collect();
            record
        })
        .collect()
}

pub async fn audit_log_pages_and_filters_agree_with_the_evaluator(store: DynStore) {
    two_tenants(&store).await;
    let records = audits();
    let writes = records.iter().cloned().map(Write::Audit).collect();
    store.apply(tenant_a(), writes).await.unwrap();
    let foreign = audit(500, 1);
    store
        .apply(tenant_b(), vec![Write::Audit(foreign.clone())])
        .await
        .unwrap();
    let expected = newest_first(records.clone(), |r| (r.activity_at, r.id.to_string()));
    let first = store
        .query_audit_records(
            tenant_a(),
            &LogQuery {
                limit: 4,
                ..query(None, &DIRECTORY_AUDIT)
            },
        )
        .await
        .unwrap();
    assert_eq!(first, expected[..4]);
    let last = &first[3];
    let rest = store
        .query_audit_records(
            tenant_a(),
            &LogQuery {
                after: Some(LogPosition {
                    at: last.activity_at,
                    id: last.id,
                }),
                ..query(None, &DIRECTORY_AUDIT)
            },
        )
        .await
        .unwrap();
    assert_eq!(rest, expected[4..]);

    let filters = [
        "category eq 'policy'".to_owned(),
        "activityDisplayName eq 'Invite external user'".to_owned(),
        "startswith(activityDisplayName, 'add')".to_owned(),
        "result eq 'failure'".to_owned(),
        "result eq 'success' and not (category eq 'Policy')".to_owned(),
        format!("initiatedBy/user/id eq '{}'", oid(1)),
        "startswith(initiatedBy/user/userPrincipalName, 'admin0@')".to_owned(),
        "initiatedBy/app/displayName eq 'portico admin'".to_owned(),
        format!("correlationId eq '{}'", oid(908)),
        format!("targetResources/any(t: t/id eq '{}')", oid(4)),
        "targetResources/any(t: t/id eq 'AUTHORIZATIONPOLICY')".to_owned(),
        format!(
            "activityDateTime ge {} and activityDateTime le {}",
            (at(1) + Duration::hours(3)).to_rfc3339(),
            (at(1) + Duration::hours(6)).to_rfc3339()
        ),
    ];
    for text in &filters {
        let found = store
            .query_audit_records(tenant_a(), &query(Some(text), &DIRECTORY_AUDIT))
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let (expr, _) = parse_filter(&DIRECTORY_AUDIT, text).unwrap();
        let wanted: Vec<AuditRecord> = expected
            .iter()
            .filter(|record| evaluate(&expr, &AuditLogRecord(record)))
            .cloned()
            .collect();
        assert!(!wanted.is_empty(), "{text} should match something");
        assert_eq!(found, wanted, "filter {text}");
    }

    assert_eq!(
        store
            .find_audit_record(tenant_a(), records[2].id)
            .await
            .unwrap(),
        Some(records[2].clone())
    );
    assert_eq!(
        store
            .find_audit_record(tenant_a(), foreign.id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .find_audit_record(tenant_b(), records[2].id)
            .await
            .unwrap(),
        None
    );

    // A reset clears the target index with the records.
    store.reset(vec![]).await.unwrap();
    assert!(store
        .query_audit_records(tenant_a(), &query(None, &DIRECTORY_AUDIT))
        .await
        .unwrap()
        .is_empty());
}
