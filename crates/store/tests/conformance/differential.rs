//! `$filter` on SQL against the in-memory evaluator: random users, random filters, zero
//! mismatches allowed. `PORTICO_FILTER_CASES` sets how many filters each backend runs.

use crate::fixtures::*;
use chrono::Duration;
use portico_model::user::{CreationType, ExternalUserState, User, UserType};
use portico_model::{EmailAddress, ObjectId, ProxyAddress, Upn};
use portico_odata::{evaluate, parse_filter, print_filter, CmpOp, Direction, Expr, Literal, USER};
use portico_store::records::UserRecord;
use portico_store::{DirectoryQuery, Start, Write};

/// A small deterministic generator (xorshift64*), so failures reproduce.
pub(crate) struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "alice", "Alice", "ALICE", "bob", "al_ce", "a%b", "Émile", "émile", "zoë", "Zed", "", "a",
    "mégan", "x_y", "100%",
];
const DOMAINS: &[&str] = &["a.example.com", "A.example.com", "b.example.com"];

pub(crate) fn random_user(rng: &mut Rng, n: u32) -> User {
    let local = format!("{}{n}", rng.pick(&["u", "user", "x_", "m"]));
    let upn = Upn::parse(&format!("{local}@{}", rng.pick(DOMAINS))).unwrap();
    let mut user = User::member(
        oid(1000 + n),
        upn,
        format!("{} {}", rng.pick(WORDS), rng.pick(WORDS))
            .trim()
            .to_owned()
            + "!",
        at(1) + Duration::hours(rng.below(200) as i64),
    );
    if rng.below(4) > 0 {
        let mail = EmailAddress::parse(&format!(
            "{}{n}@{}",
            rng.pick(&["mail", "Mail", "m_a"]),
            rng.pick(DOMAINS)
        ))
        .unwrap();
        user.proxy_addresses = vec![ProxyAddress::primary(mail.clone())];
        if rng.below(2) == 0 {
            user.proxy_addresses.push(ProxyAddress::secondary(
                EmailAddress::parse(&format!("alias{n}@b.example.com")).unwrap(),
            ));
        }
        user.mail = Some(mail);
    }
    user.other_mails = (0..rng.below(3))
        .map(|i| EmailAddress::parse(&format!("other{n}x{i}@{}", rng.pick(DOMAINS))).unwrap())
        .collect();
    user.given_name = [
        None,
        Some("Alice".to_owned()),
        Some("émile".to_owned()),
        Some("al_ce".to_owned()),
    ][rng.below(4)]
    .clone();
    user.surname = [None, Some("Wong".to_owned()), Some("wong".to_owned())][rng.below(3)].clone();
    user.user_type = if rng.below(2) == 0 {
        UserType::Member
    } else {
        UserType::Guest
    };
    user.account_enabled = rng.below(3) > 0;
    user.hidden_from_address_lists = rng.below(2) == 0;
    user.on_premises_sync_enabled = rng.below(4) == 0;
    if user.user_type == UserType::Guest {
        user.creation_type = Some(CreationType::Invitation);
        user.external_user_state = Some(if rng.below(2) == 0 {
            ExternalUserState::PendingAcceptance
        } else {
            ExternalUserState::Accepted
        });
        user.external_user_state_changed_at = Some(at(2) + Duration::hours(rng.below(48) as i64));
    }
    user
}

fn string_value(rng: &mut Rng) -> String {
    let candidates = [
        "alice",
        "ALICE",
        "al_ce",
        "a%",
        "émile",
        "Émile",
        "u1@a.example.com",
        "mail3@a.example.com",
        "",
        "m",
        "x_",
        "Member",
        "guest",
        "accepted",
        "zed",
        "alias4@b.example.com",
        "smtp:alias4@b.example.com",
        "SMTP:mail2@a.example.com",
    ];
    rng.pick(&candidates).to_string()
}

fn scalar_condition(rng: &mut Rng) -> Expr {
    let ops = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Ge,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Lt,
    ];
    match rng.below(12) {
        0..=3 => {
            let property = rng
                .pick(&[
                    "displayName",
                    "userPrincipalName",
                    "mail",
                    "givenName",
                    "surname",
                ])
                .to_string();
            let value = if rng.below(8) == 0 {
                Literal::Null
            } else {
                Literal::String(string_value(rng))
            };
            Expr::Compare {
                property,
                op: *rng.pick(&ops),
                value,
            }
        }
        4 => Expr::StartsWith {
            property: rng
                .pick(&["displayName", "userPrincipalName", "mail", "givenName"])
                .to_string(),
            prefix: string_value(rng),
        },
        5 => Expr::EndsWith {
            property: rng.pick(&["userPrincipalName", "mail"]).to_string(),
            suffix: rng
                .pick(&["example.com", "A.EXAMPLE.COM", "b.example.com", "%", "_com"])
                .to_string(),
        },
        6 => Expr::Compare {
            property: rng
                .pick(&["userType", "externalUserState", "creationType"])
                .to_string(),
            op: *rng.pick(&[CmpOp::Eq, CmpOp::Ne]),
            value: Literal::String(
                rng.pick(&[
                    "Member",
                    "guest",
                    "PendingAcceptance",
                    "accepted",
                    "Invitation",
                ])
                .to_string(),
            ),
        },
        7 => Expr::Compare {
            property: rng
                .pick(&[
                    "accountEnabled",
                    "showInAddressList",
                    "onPremisesSyncEnabled",
                ])
                .to_string(),
            op: *rng.pick(&[CmpOp::Eq, CmpOp::Ne]),
            value: if rng.below(5) == 0 {
                Literal::Null
            } else {
                Literal::Bool(rng.below(2) == 0)
            },
        },
        8 => Expr::Compare {
            property: rng
                .pick(&["createdDateTime", "externalUserStateChangeDateTime"])
                .to_string(),
            op: *rng.pick(&ops),
            value: Literal::DateTime(at(1) + Duration::hours(rng.below(220) as i64)),
        },
        9 => {
            let element = match rng.below(3) {
                0 => Expr::Compare {
                    property: Expr::ELEMENT.into(),
                    op: CmpOp::Eq,
                    value: Literal::String(string_value(rng)),
                },
                1 => Expr::StartsWith {
                    property: Expr::ELEMENT.into(),
                    prefix: rng
                        .pick(&["other1", "OTHER", "smtp:alias", "SMTP:m", "x"])
                        .to_string(),
                },
                _ => Expr::EndsWith {
                    property: Expr::ELEMENT.into(),
                    suffix: rng.pick(&["a.example.com", "B.EXAMPLE.COM"]).to_string(),
                },
            };
            Expr::Any {
                collection: rng.pick(&["otherMails", "proxyAddresses"]).to_string(),
                predicate: Box::new(element),
            }
        }
        10 => Expr::Count {
            collection: rng.pick(&["otherMails", "proxyAddresses"]).to_string(),
            op: *rng.pick(&ops),
            value: rng.below(3) as i64,
        },
        _ => Expr::In {
            property: rng.pick(&["displayName", "mail", "userType"]).to_string(),
            values: (0..1 + rng.below(3))
                .map(|_| Literal::String(string_value(rng)))
                .collect(),
        },
    }
}

fn random_filter(rng: &mut Rng, depth: u32) -> Expr {
    if depth == 0 || rng.below(3) == 0 {
        return scalar_condition(rng);
    }
    match rng.below(3) {
        0 => Expr::Not(Box::new(random_filter(rng, depth - 1))),
        1 => Expr::And(
            Box::new(random_filter(rng, depth - 1)),
            Box::new(random_filter(rng, depth - 1)),
        ),
        _ => Expr::Or(
            Box::new(random_filter(rng, depth - 1)),
            Box::new(random_filter(rng, depth - 1)),
        ),
    }
}

pub async fn filters_agree_with_the_evaluator(store: DynStore) {
    two_tenants(&store).await;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let users: Vec<User> = (0..60).map(|n| random_user(&mut rng, n)).collect();
    store
        .apply(
            tenant_a(),
            users.iter().cloned().map(Write::InsertUser).collect(),
        )
        .await
        .unwrap();
    let noise: Vec<Write> = (0..10)
        .map(|n| Write::InsertUser(random_user(&mut rng, 500 + n)))
        .collect();
    store.apply(tenant_b(), noise).await.unwrap();

    let cases: usize = std::env::var("PORTICO_FILTER_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let (mut checked, mut rejected) = (0, 0);
    while checked < cases {
        let generated = random_filter(&mut rng, 3);
        // Only what the parser accepts reaches the store: re-parse the printed form.
        let Ok((expr, _)) = parse_filter(&USER, &print_filter(&generated)) else {
            rejected += 1;
            continue;
        };
        let mut expected: Vec<ObjectId> = users
            .iter()
            .filter(|u| evaluate(&expr, &UserRecord(u)))
            .map(|u| u.id)
            .collect();
        expected.sort();
        let query = DirectoryQuery {
            filter: Some(expr.clone()),
            order_by: vec![],
            start: Start::AfterId(None),
            limit: 1000,
        };
        let actual: Vec<ObjectId> = store
            .query_users(tenant_a(), &query)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", print_filter(&expr)))
            .iter()
            .map(|u| u.id)
            .collect();
        assert_eq!(actual, expected, "filter {}", print_filter(&expr));
        assert_eq!(
            store.count_users(tenant_a(), Some(&expr)).await.unwrap(),
            expected.len() as u64,
            "count of {}",
            print_filter(&expr)
        );
        checked += 1;
    }
    assert!(
        checked > rejected,
        "most generated filters are valid ({rejected} rejected)"
    );

    // Ordering: code-point order of the ASCII-folded value, nulls first, id breaking ties.
    for property in [
        "displayName",
        "givenName",
        "userPrincipalName",
        "createdDateTime",
    ] {
        for direction in [Direction::Ascending, Direction::Descending] {
            let query = DirectoryQuery {
                filter: None,
                order_by: vec![(property.to_owned(), direction)],
                start: Start::Offset(0),
                limit: 1000,
            };
            let actual: Vec<ObjectId> = store
                .query_users(tenant_a(), &query)
                .await
                .unwrap()
                .iter()
                .map(|u| u.id)
                .collect();
            let key = |u: &User| -> (bool, String) {
                match portico_odata::Record::field(&UserRecord(u), property) {
                    portico_odata::Field::String(s) => (true, s.to_ascii_lowercase()),
                    portico_odata::Field::DateTime(t) => {
                        (true, format!("{:020}", t.timestamp_micros()))
                    }
                    _ => (false, String::new()),
                }
            };
            let mut sorted = users.clone();
            sorted.sort_by(|a, b| {
                let ordering = key(a).cmp(&key(b));
                let ordering = if direction == Direction::Descending {
                    ordering.reverse()
                } else {
                    ordering
                };
                ordering.then(a.id.cmp(&b.id))
            });
            let expected: Vec<ObjectId> = sorted.iter().map(|u| u.id).collect();
            assert_eq!(actual, expected, "$orderby={property} {direction:?}");
        }
    }
    // Offset paging walks the same order.
    let page = |offset| DirectoryQuery {
        filter: None,
        order_by: vec![("displayName".to_owned(), Direction::Ascending)],
        start: Start::Offset(offset),
        limit: 7,
    };
    let mut walked = Vec::new();
    for offset in (0..60).step_by(7) {
        walked.extend(
            store
                .query_users(tenant_a(), &page(offset))
                .await
                .unwrap()
                .into_iter()
                .map(|u| u.id),
        );
    }
    let all = store
        .query_users(
            tenant_a(),
            &DirectoryQuery {
                limit: 1000,
                ..page(0)
            },
        )
        .await
        .unwrap();
    assert_eq!(walked, all.iter().map(|u| u.id).collect::<Vec<_>>());
}
