//! Generated inputs, from a seeded generator so failures reproduce:
//!
//! - garbage and near-valid `$filter` strings (`portico_odata::generate::garbage`: token soup,
//!   mutations of valid filters, random characters, deep nesting, huge inputs) must never panic
//!   or hang, and whatever is accepted must respect the limits, evaluate on random records and
//!   reprint to itself;
//! - generated valid trees must survive `parse(print(tree)) == tree`.
//!
//! `PORTICO_ODATA_FUZZ_CASES` and `PORTICO_ODATA_SEED` scale and vary the run.

use portico_odata::generate::{garbage, random_record, valid_tree, ENTITIES};
use portico_odata::limits::{MAX_FILTER_NODES, MAX_OPTION_LENGTH};
use portico_odata::{
    evaluate, parse_filter, parse_query, parse_search, print_filter, RawQuery, DIRECTORY_AUDIT,
    GROUP, ORG_CONTACT, SIGN_IN, USER,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

fn seed() -> u64 {
    std::env::var("PORTICO_ODATA_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(0x0DA7A)
}

fn fuzz_cases() -> usize {
    std::env::var("PORTICO_ODATA_FUZZ_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(100_000)
}

#[test]
fn printed_trees_parse_back_to_themselves() {
    let mut rng = StdRng::seed_from_u64(seed());
    let mut checked = 0;
    for (entity, count) in [
        (&USER, 10_000),
        (&GROUP, 2_000),
        (&ORG_CONTACT, 2_000),
        (&SIGN_IN, 2_000),
        (&DIRECTORY_AUDIT, 2_000),
    ] {
        for _ in 0..count {
            let tree = valid_tree(&mut rng, entity);
            let text = print_filter(&tree);
            match parse_filter(entity, &text) {
                Ok((parsed, _)) => assert_eq!(parsed, tree, "{} filter {text}", entity.name),
                Err(error) => panic!("{} filter {text} was refused: {error}", entity.name),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 18_000);
}

/// Runs `check` on `input`, turning a panic into a failure that names the input.
fn no_panic(input: &str, check: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(check)).is_err() {
        panic!("panicked on input {input:?}");
    }
}

#[test]
fn garbage_never_panics_and_accepted_filters_are_sound() {
    let mut rng = StdRng::seed_from_u64(seed() ^ 0xF022);
    let mut records = StdRng::seed_from_u64(seed() ^ 0x4EC0);
    let cases = fuzz_cases();
    let (mut accepted, mut slowest) = (0usize, (Duration::ZERO, String::new()));
    for _ in 0..cases {
        let input = garbage(&mut rng);
        let entity = *ENTITIES.choose(&mut rng).unwrap_or(&&USER);
        no_panic(&input, || {
            let started = Instant::now();
            let result = parse_filter(entity, &input);
            let elapsed = started.elapsed();
            if elapsed > slowest.0 {
                slowest = (elapsed, input.chars().take(80).collect());
            }
            let Ok((expr, _)) = result else { return };
            accepted += 1;
            assert!(expr.node_count() <= MAX_FILTER_NODES, "{input}");
            for _ in 0..3 {
                evaluate(&expr, &random_record(&mut records, entity));
            }
            let printed = print_filter(&expr);
            if printed.len() <= MAX_OPTION_LENGTH {
                let reparsed = parse_filter(entity, &printed).map(|(tree, _)| tree);
                assert_eq!(reparsed, Ok(expr), "{input} printed as {printed}");
            }
        });
        // The other text options see the same inputs.
        no_panic(&input, || {
            let _ = parse_search(entity, &input);
            for name in ["$select", "$orderby", "$top", "$count"] {
                if let Ok(raw) = RawQuery::from_pairs([(name, input.as_str())]) {
                    let _ = parse_query(entity, &raw, true);
                }
            }
        });
    }
    eprintln!(
        "{cases} generated filters, {accepted} accepted; slowest parse {:?} on {:?}",
        slowest.0, slowest.1
    );
    assert!(
        accepted > cases / 50,
        "the generator should produce some valid filters"
    );
    assert!(
        slowest.0 < Duration::from_millis(500),
        "slowest parse took {:?}",
        slowest.0
    );
}
