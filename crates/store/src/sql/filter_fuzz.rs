//! The CI-sized fuzz run of the `$filter` pipeline: generated text (mostly garbage, see
//! `portico_odata::generate`) through the parser, the evaluator and this crate's SQL compiler,
//! for every entity and both SQL dialects. Nothing may panic, every refusal is an `ODataError`,
//! every accepted tree compiles, and values only ever reach the SQL as parameters.
//!
//! `PORTICO_FILTER_FUZZ_CASES` (default 1,000,000) and `PORTICO_ODATA_SEED` scale and vary the
//! run; `fuzz/` has the coverage-guided form.

use super::filter::{Compiler, Entity, CONTACTS, GROUPS, USERS};
use super::logs::{AUDIT_RECORDS, SIGN_INS};
use super::Backend;
use portico_odata::generate::{garbage, random_record, valid_tree, StdRng};
use portico_odata::generate::{Rng, SeedableRng};
use portico_odata::{evaluate, parse_filter, print_filter, Expr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default)
}

/// The OData entities paired with the store's column maps.
fn entities() -> [(&'static portico_odata::Entity, &'static Entity); 5] {
    [
        (&portico_odata::USER, &USERS),
        (&portico_odata::GROUP, &GROUPS),
        (&portico_odata::ORG_CONTACT, &CONTACTS),
        (&portico_odata::SIGN_IN_BETA, &SIGN_INS.entity),
        (&portico_odata::DIRECTORY_AUDIT, &AUDIT_RECORDS.entity),
    ]
}

/// The SQL with the compiler's own fixed literals removed: what remains has no quote, so no
/// text from the filter was spliced in.
fn without_fixed_literals(sql: &str) -> String {
    sql.replace("ESCAPE '\\'", "")
        .replace("'ABCDEFGHIJKLMNOPQRSTUVWXYZ'", "")
        .replace("'abcdefghijklmnopqrstuvwxyz'", "")
        .replace("'smtp:'", "")
        .replace("'interactiveuser'", "")
        .replace("'serviceprincipal'", "")
        .replace("'noninteractiveuser'", "")
}

/// Compiles `expr` for `backend` and checks the placeholders are `$first..` in order.
fn compile_and_check(backend: Backend, entity: &Entity, expr: &Expr, input: &str) {
    let first = 2;
    let mut compiler = Compiler::new(backend, entity, first);
    let sql = compiler
        .condition(expr)
        .unwrap_or_else(|error| panic!("{backend} could not compile {input:?}: {error}"));
    let spliced = without_fixed_literals(&sql);
    assert!(
        !spliced.contains('\''),
        "a literal in the SQL of {input:?}: {sql}"
    );
    let placeholders = sql.matches('$').count();
    assert_eq!(placeholders, compiler.params.len(), "{input:?}: {sql}");
    if let Some(last) = compiler.params.len().checked_sub(1) {
        assert!(
            sql.contains(&format!("${}", first + last)),
            "{input:?}: {sql}"
        );
    }
}

/// Parses `input` for `odata`; an accepted tree is evaluated and compiled for both backends.
/// Returns whether it was accepted.
fn run_one(
    rng: &mut StdRng,
    (odata, columns): (&portico_odata::Entity, &Entity),
    input: &str,
) -> bool {
    let Ok((expr, _)) = parse_filter(odata, input) else {
        return false;
    };
    evaluate(&expr, &random_record(rng, odata));
    for backend in [Backend::Sqlite, Backend::Postgres] {
        compile_and_check(backend, columns, &expr, input);
    }
    true
}

#[test]
fn a_million_generated_filters_parse_evaluate_and_compile() {
    let cases = env_number("PORTICO_FILTER_FUZZ_CASES", 1_000_000);
    let mut rng = StdRng::seed_from_u64(env_number("PORTICO_ODATA_SEED", 0x0DA7A) ^ 0x5A1);
    let started = Instant::now();
    let mut accepted = 0u64;
    for case in 0..cases {
        let entity = entities()[rng.gen_range(0..5)];
        // One in four is a valid filter of the entity, printed: the compiler sees many trees.
        let input = if case % 4 == 0 {
            print_filter(&valid_tree(&mut rng, entity.0))
        } else {
            garbage(&mut rng)
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| run_one(&mut rng, entity, &input)));
        match outcome {
            Ok(true) => accepted += 1,
            Ok(false) => {}
            Err(_) => panic!("panicked on {input:?}"),
        }
    }
    eprintln!(
        "{cases} generated filters, {accepted} accepted, evaluated and compiled twice in {:?}",
        started.elapsed()
    );
    assert!(accepted > cases / 10, "only {accepted} accepted");
}
