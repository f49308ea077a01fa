//! `$filter` text → checked tree → SQL on an in-memory SQLite store (the store's own compiler,
//! through the `Store` trait). Whatever the parser accepts must run without a database error, and
//! on users it must select exactly the rows the in-memory evaluator selects.
//!
//! The first byte picks the entity; the rest is the filter.

#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use portico_model::settings::TenantSettings;
use portico_model::tenant::Tenant;
use portico_model::user::{CreationType, ExternalUserState, User, UserType};
use portico_model::{DomainName, EmailAddress, ObjectId, ProxyAddress, TenantId, Upn};
use portico_odata::{evaluate, parse_filter, Entity, Expr};
use portico_odata::{DIRECTORY_AUDIT, GROUP, ORG_CONTACT, SIGN_IN, USER};
use portico_store::records::UserRecord;
use portico_store::{DirectoryQuery, LogQuery, SqlStore, Start, Store, StoreConfig, Write};
use std::sync::OnceLock;
use tokio::runtime::Runtime;

struct World {
    runtime: Runtime,
    store: SqlStore,
    tenant: TenantId,
    users: Vec<User>,
}

fn id(n: u32) -> ObjectId {
    ObjectId::parse(&format!("00000000-0000-4000-8000-{n:012}")).expect("id")
}

fn address(text: &str) -> EmailAddress {
    EmailAddress::parse(text).expect("address")
}

/// Users whose values matter to folding, `LIKE` wildcards, quotes, nulls and collections.
fn users() -> Vec<User> {
    let names = [
        "Alice",
        "ALICE",
        "al_ce",
        "100% O'Brien",
        "Émile",
        "zoë",
        "",
        "a\\b",
    ];
    names
        .iter()
        .enumerate()
        .map(|(n, name)| {
            let n = n as u32;
            let upn = Upn::parse(&format!("u{n}@a.example.com")).expect("upn");
            let created = Utc.timestamp_opt(1_770_000_000 + i64::from(n) * 3600, 0);
            let mut user = User::member(id(n + 10), upn, (*name).to_owned(), created.unwrap());
            if n % 2 == 0 {
                let mail = address(&format!("Mail{n}@A.example.com"));
                user.proxy_addresses = vec![ProxyAddress::primary(mail.clone())];
                user.mail = Some(mail);
                user.other_mails = vec![address(&format!("other{n}@b.example.com"))];
            }
            if n % 3 == 0 {
                user.user_type = UserType::Guest;
                user.creation_type = Some(CreationType::Invitation);
                user.external_user_state = Some(ExternalUserState::PendingAcceptance);
                user.external_user_state_changed_at = Some(user.created_at);
            }
            user.given_name = (n % 4 == 1).then(|| (*name).to_owned());
            user.account_enabled = n % 5 != 0;
            user.hidden_from_address_lists = n % 2 == 1;
            user
        })
        .collect()
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let tenant = TenantId::parse("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa").expect("tenant");
        let users = users();
        let store = runtime.block_on(async {
            let store = SqlStore::open(&StoreConfig::SqliteMemory)
                .await
                .expect("store");
            let created = Tenant {
                id: tenant,
                display_name: "A".into(),
                initial_domain: DomainName::parse("a.example.com").expect("domain"),
                other_domains: vec![],
                created_at: Utc.timestamp_opt(1_770_000_000, 0).unwrap(),
            };
            let mut writes = vec![Write::CreateTenant(created, TenantSettings::default())];
            writes.extend(users.iter().cloned().map(Write::InsertUser));
            store.apply(tenant, writes).await.expect("seed");
            store
        });
        World {
            runtime,
            store,
            tenant,
            users,
        }
    })
}

fn directory(expr: &Expr) -> DirectoryQuery {
    DirectoryQuery {
        filter: Some(expr.clone()),
        order_by: vec![],
        start: Start::AfterId(None),
        limit: 1000,
    }
}

fn log(expr: &Expr) -> LogQuery {
    LogQuery {
        filter: Some(expr.clone()),
        oldest_first: false,
        after: None,
        limit: 1000,
    }
}

async fn run(world: &World, entity: &Entity, expr: &Expr, text: &str) {
    let (store, tenant) = (&world.store, world.tenant);
    let outcome = match entity.name {
        "user" => match store.query_users(tenant, &directory(expr)).await {
            Ok(found) => {
                let mut found: Vec<ObjectId> = found.iter().map(|u| u.id).collect();
                found.sort();
                let mut expected: Vec<ObjectId> = world
                    .users
                    .iter()
                    .filter(|u| evaluate(expr, &UserRecord(u)))
                    .map(|u| u.id)
                    .collect();
                expected.sort();
                assert_eq!(found, expected, "{text:?}");
                Ok(())
            }
            Err(error) => Err(error),
        },
        "group" => store.query_groups(tenant, &directory(expr)).await.map(drop),
        "orgContact" => store
            .query_contacts(tenant, &directory(expr))
            .await
            .map(drop),
        "signIn" => store.query_sign_ins(tenant, &log(expr)).await.map(drop),
        _ => store
            .query_audit_records(tenant, &log(expr))
            .await
            .map(drop),
    };
    if let Err(error) = outcome {
        panic!(
            "{} filter {text:?} failed on the store: {error}",
            entity.name
        );
    }
}

const ENTITIES: [&Entity; 5] = [&USER, &GROUP, &ORG_CONTACT, &SIGN_IN, &DIRECTORY_AUDIT];

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let entity = ENTITIES[usize::from(first) % ENTITIES.len()];
    let Ok((expr, _)) = parse_filter(entity, text) else {
        return;
    };
    let world = world();
    world.runtime.block_on(run(world, entity, &expr, text));
});
