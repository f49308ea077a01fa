//! Generated `$filter` text (`portico_odata::generate`: garbage and printed valid trees) run on
//! the store: whatever the parser accepts must run on the backend without an error and select
//! exactly the rows the evaluator selects. `PORTICO_GENERATED_FILTER_CASES` sets how many inputs
//! each entity gets.

use crate::differential::{random_user, Rng};
use crate::fixtures::*;
use crate::logs::{audits, sign_ins};
use portico_model::user::User;
use portico_model::ObjectId;
use portico_odata::generate::{garbage, valid_tree, SeedableRng, StdRng};
use portico_odata::{evaluate, parse_filter, print_filter, Entity, Expr, Record};
use portico_odata::{DIRECTORY_AUDIT, GROUP, ORG_CONTACT, SIGN_IN_BETA, USER};
use portico_store::records::{AuditLogRecord, SignInLogRecord, UserRecord};
use portico_store::{DirectoryQuery, LogQuery, Start, Write};

fn cases() -> usize {
    std::env::var("PORTICO_GENERATED_FILTER_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400)
}

/// `cases()` accepted filters for `entity`, half printed valid trees, half garbage.
fn accepted_filters(rng: &mut StdRng, entity: &Entity) -> Vec<(String, Expr)> {
    let mut accepted = Vec::new();
    let mut valid = false;
    while accepted.len() < cases() {
        valid = !valid;
        let text = if valid {
            print_filter(&valid_tree(rng, entity))
        } else {
            garbage(rng)
        };
        if let Ok((expr, _)) = parse_filter(entity, &text) {
            accepted.push((text, expr));
        }
    }
    accepted
}

fn expected_ids<R: Record>(rows: &[(ObjectId, R)], expr: &Expr) -> Vec<ObjectId> {
    let mut ids: Vec<ObjectId> = rows
        .iter()
        .filter(|(_, record)| evaluate(expr, record))
        .map(|(id, _)| *id)
        .collect();
    ids.sort();
    ids
}

fn directory_query(expr: &Expr) -> DirectoryQuery {
    DirectoryQuery {
        filter: Some(expr.clone()),
        order_by: vec![],
        start: Start::AfterId(None),
        limit: 1000,
    }
}

fn log_query(expr: &Expr) -> LogQuery {
    LogQuery {
        filter: Some(expr.clone()),
        oldest_first: false,
        after: None,
        limit: 1000,
    }
}

async fn users_agree(store: &DynStore, rng: &mut StdRng, users: &[User]) {
    let rows: Vec<_> = users.iter().map(|u| (u.id, UserRecord(u))).collect();
    for (text, expr) in accepted_filters(rng, &USER) {
        let found = store.query_users(tenant_a(), &directory_query(&expr)).await;
        let found = found.unwrap_or_else(|e| panic!("users {text:?}: {e}"));
        let mut ids: Vec<ObjectId> = found.iter().map(|u| u.id).collect();
        ids.sort();
        assert_eq!(ids, expected_ids(&rows, &expr), "users {text:?}");
    }
}

async fn groups_and_contacts_run(store: &DynStore, rng: &mut StdRng) {
    for (text, expr) in accepted_filters(rng, &GROUP) {
        let result = store
            .query_groups(tenant_a(), &directory_query(&expr))
            .await;
        result.unwrap_or_else(|e| panic!("groups {text:?}: {e}"));
        let count = store.count_groups(tenant_a(), Some(&expr)).await;
        count.unwrap_or_else(|e| panic!("count groups {text:?}: {e}"));
    }
    for (text, expr) in accepted_filters(rng, &ORG_CONTACT) {
        let result = store
            .query_contacts(tenant_a(), &directory_query(&expr))
            .await;
        result.unwrap_or_else(|e| panic!("contacts {text:?}: {e}"));
    }
}

async fn logs_agree(store: &DynStore, rng: &mut StdRng) {
    let signs = sign_ins();
    let rows: Vec<_> = signs.iter().map(|r| (r.id, SignInLogRecord(r))).collect();
    for (text, expr) in accepted_filters(rng, &SIGN_IN_BETA) {
        let found = store.query_sign_ins(tenant_a(), &log_query(&expr)).await;
        let found = found.unwrap_or_else(|e| panic!("sign-ins {text:?}: {e}"));
        let mut ids: Vec<ObjectId> = found.iter().map(|r| r.id).collect();
        ids.sort();
        assert_eq!(ids, expected_ids(&rows, &expr), "sign-ins {text:?}");
    }
    let records = audits();
    let rows: Vec<_> = records.iter().map(|r| (r.id, AuditLogRecord(r))).collect();
    for (text, expr) in accepted_filters(rng, &DIRECTORY_AUDIT) {
        let found = store
            .query_audit_records(tenant_a(), &log_query(&expr))
            .await;
        let found = found.unwrap_or_else(|e| panic!("audits {text:?}: {e}"));
        let mut ids: Vec<ObjectId> = found.iter().map(|r| r.id).collect();
        ids.sort();
        assert_eq!(ids, expected_ids(&rows, &expr), "audits {text:?}");
    }
}

pub async fn generated_filter_text_runs_and_agrees_with_the_evaluator(store: DynStore) {
    two_tenants(&store).await;
    let mut users_rng = Rng(0xC0FF_EE00_D15E_A5E5);
    let users: Vec<User> = (0..40).map(|n| random_user(&mut users_rng, n)).collect();
    let writes = users.iter().cloned().map(Write::InsertUser).collect();
    store.apply(tenant_a(), writes).await.unwrap();
    let writes = sign_ins().into_iter().map(Write::InsertSignIn);
    let writes = writes.chain(audits().into_iter().map(Write::Audit));
    store.apply(tenant_a(), writes.collect()).await.unwrap();

    let mut rng = StdRng::seed_from_u64(0x6E4E_2A7E);
    users_agree(&store, &mut rng, &users).await;
    groups_and_contacts_run(&store, &mut rng).await;
    logs_agree(&store, &mut rng).await;
}
