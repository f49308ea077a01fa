#![allow(clippy::expect_used)] // Bench code: a failed setup is a failed run.

//! OData query parsing (`quality/performance.md`, the suite's micro-benchmarks): the `$filter`,
//! `$select`, `$top` and `$orderby` of typical Graph list requests checked against the user
//! schema. The same-run reference is parsing the bare `$top` (the fixed cost of a request).

use criterion::{criterion_group, criterion_main, Criterion};
use portico_odata::{parse_query, RawQuery, USER};
use std::hint::black_box;

const QUERIES: &[(&str, &[(&str, &str)])] = &[
    ("reference: $top only", &[("$top", "100")]),
    (
        "guest filter",
        &[("$filter", "userType eq 'Guest'"), ("$top", "100")],
    ),
    (
        "identities any",
        &[(
            "$filter",
            "identities/any(c:c/issuerAssignedId eq 'alice@fabrikam.com' and c/issuer eq 'contoso.onmicrosoft.com')",
        )],
    ),
    (
        "stale guests",
        &[
            ("$filter", "userType eq 'Guest' and externalUserState eq 'Accepted' and startswith(mail,'a') and accountEnabled eq true"),
            ("$select", "id,displayName,mail,userType,externalUserState,createdDateTime"),
            ("$orderby", "displayName"),
            ("$top", "999"),
            ("$count", "true"),
        ],
    ),
];

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("OData parse");
    for (name, pairs) in QUERIES {
        let raw = RawQuery::from_pairs(pairs.iter().copied()).expect("query pairs");
        if let Err(error) = parse_query(&USER, &raw, true) {
            panic!("{name} does not parse: {error:?}");
        }
        group.bench_function(*name, |b| {
            b.iter(|| parse_query(&USER, black_box(&raw), true))
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
