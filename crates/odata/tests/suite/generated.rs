//! Generated inputs, from a seeded generator so failures reproduce:
//!
//! - garbage and near-valid `$filter` strings (token soup, mutations of valid filters, random
//!   characters, deep nesting, huge inputs) must never panic or hang, and whatever is accepted
//!   must respect the limits and reprint to itself;
//! - generated valid trees must survive `parse(print(tree)) == tree`.
//!
//! `PORTICO_ODATA_FUZZ_CASES` and `PORTICO_ODATA_SEED` scale and vary the run.

use chrono::{TimeZone, Utc};
use portico_odata::limits::{MAX_FILTER_NODES, MAX_OPTION_LENGTH};
use portico_odata::{
    parse_filter, parse_query, parse_search, print_filter, CmpOp, Entity, Expr, Kind, Literal,
    Property, RawQuery, Support, DIRECTORY_AUDIT, GROUP, ORG_CONTACT, SIGN_IN, USER,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};
use uuid::Uuid;

const ENTITIES: [&Entity; 5] = [&USER, &GROUP, &ORG_CONTACT, &SIGN_IN, &DIRECTORY_AUDIT];

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

// ---------------------------------------------------------------------------------------------
// Valid trees

fn random_string(rng: &mut StdRng) -> String {
    const PIECES: &[&str] = &[
        "a", "B", "z", "0", "9", " ", "'", "''", "@", ".", "#EXT#", "smtp:", "(", ")", ",", "/",
        ":", "%", "\"", "é", "ß", "名", "\t", "eq", "and", "not", "null", "-", "_",
    ];
    let length = rng.gen_range(0..12);
    (0..length)
        .map(|_| *PIECES.choose(rng).unwrap_or(&"a"))
        .collect()
}

fn random_value(rng: &mut StdRng, kind: Kind) -> Literal {
    match kind {
        Kind::String | Kind::StringCollection => Literal::String(random_string(rng)),
        Kind::Enum(values) => match values.choose(rng) {
            Some(value) if rng.gen_bool(0.8) => Literal::String((*value).to_owned()),
            _ => Literal::String("Unknown7".to_owned()),
        },
        Kind::Complex(_) | Kind::ComplexCollection(_) => Literal::Null,
        Kind::Bool => Literal::Bool(rng.gen()),
        Kind::Int => Literal::Int(i64::from(rng.gen::<i32>())),
        Kind::Guid => Literal::Guid(Uuid::from_bytes(rng.gen())),
        Kind::DateTime => {
            let seconds = rng.gen_range(-62_135_596_800i64..253_402_300_799);
            let nanos = match rng.gen_range(0..4) {
                0 => 0,
                1 => rng.gen_range(0..1000) * 1_000_000,
                2 => rng.gen_range(0..1_000_000) * 1000,
                _ => rng.gen_range(0..1_000_000_000),
            };
            Literal::DateTime(
                Utc.timestamp_opt(seconds, nanos)
                    .single()
                    .unwrap_or_default(),
            )
        }
    }
}

/// The kind an element condition compares with.
fn element_kind(property: &Property) -> Kind {
    match property.kind {
        Kind::StringCollection => Kind::String,
        kind => kind,
    }
}

/// One condition on `property` (or on its element, when `element`), if it supports any.
fn random_condition(rng: &mut StdRng, property: &Property, element: bool) -> Option<Expr> {
    let filter = property.filter;
    let name = if element {
        Expr::ELEMENT
    } else {
        property.name
    }
    .to_owned();
    let kind = element_kind(property);
    let mut options: Vec<u8> = Vec::new();
    let supported = |support: Support| support.is_supported();
    if supported(filter.eq) {
        options.extend([0, 1]); // eq, ne
    }
    if supported(filter.range) {
        options.push(2);
    }
    if supported(filter.in_list) {
        options.push(3);
    }
    if supported(filter.starts_with) {
        options.push(4);
    }
    if supported(filter.ends_with) {
        options.push(5);
    }
    if supported(filter.null) && !element {
        options.push(6);
    }
    let choice = *options.choose(rng)?;
    Some(match choice {
        0 | 1 => Expr::Compare {
            property: name,
            op: if choice == 0 { CmpOp::Eq } else { CmpOp::Ne },
            value: random_value(rng, kind),
        },
        2 => Expr::Compare {
            property: name,
            op: *[CmpOp::Gt, CmpOp::Ge, CmpOp::Lt, CmpOp::Le].choose(rng)?,
            value: random_value(rng, kind),
        },
        3 => Expr::In {
            property: name,
            values: (0..rng.gen_range(1..20))
                .map(|_| random_value(rng, kind))
                .collect(),
        },
        4 => Expr::StartsWith {
            property: name,
            prefix: random_string(rng),
        },
        5 => Expr::EndsWith {
            property: name,
            suffix: random_string(rng),
        },
        _ => Expr::Compare {
            property: name,
            op: if rng.gen() { CmpOp::Eq } else { CmpOp::Ne },
            value: Literal::Null,
        },
    })
}

fn random_leaf(rng: &mut StdRng, entity: &Entity) -> Expr {
    loop {
        let Some(property) = entity.properties.choose(rng) else {
            continue;
        };
        if !property.is_collection() {
            if let Some(condition) = random_condition(rng, property, false) {
                return condition;
            }
            continue;
        }
        if property.filter.count.is_supported() && rng.gen_bool(0.3) {
            let value = match rng.gen_range(0..4) {
                0 => i64::MIN,
                1 => i64::MAX,
                _ => rng.gen_range(-3..10),
            };
            return Expr::Count {
                collection: property.name.to_owned(),
                op: *CmpOp::ALL.choose(rng).unwrap_or(&CmpOp::Eq),
                value,
            };
        }
        if let Some(predicate) = random_condition(rng, property, true) {
            let collection = match property.element_member {
                Some(member) => format!("{}/{member}", property.name),
                None => property.name.to_owned(),
            };
            return Expr::Any {
                collection,
                predicate: Box::new(predicate),
            };
        }
    }
}

fn random_tree(rng: &mut StdRng, entity: &Entity, depth: u32) -> Expr {
    if depth == 0 || rng.gen_bool(0.35) {
        return random_leaf(rng, entity);
    }
    match rng.gen_range(0..5) {
        0 | 1 => Expr::And(
            Box::new(random_tree(rng, entity, depth - 1)),
            Box::new(random_tree(rng, entity, depth - 1)),
        ),
        2 | 3 => Expr::Or(
            Box::new(random_tree(rng, entity, depth - 1)),
            Box::new(random_tree(rng, entity, depth - 1)),
        ),
        _ => Expr::Not(Box::new(random_tree(rng, entity, depth - 1))),
    }
}

/// A valid tree within the node limit.
fn valid_tree(rng: &mut StdRng, entity: &Entity) -> Expr {
    loop {
        let depth = rng.gen_range(0..7);
        let tree = random_tree(rng, entity, depth);
        if tree.node_count() <= MAX_FILTER_NODES {
            return tree;
        }
    }
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

// ---------------------------------------------------------------------------------------------
// Garbage

const VOCABULARY: &[&str] = &[
    "userType",
    "USERTYPE",
    "displayName",
    "mail",
    "otherMails",
    "proxyAddresses",
    "id",
    "accountEnabled",
    "createdDateTime",
    "creationType",
    "externalUserState",
    "mailEnabled",
    "securityEnabled",
    "description",
    "status/errorCode",
    "status",
    "errorCode",
    "crossTenantAccessType",
    "initiatedBy/user/id",
    "targetResources",
    "t/id",
    "nope",
    "x",
    "p",
    "eq",
    "ne",
    "gt",
    "ge",
    "lt",
    "le",
    "EQ",
    "and",
    "or",
    "not",
    "NOT",
    "in",
    "any",
    "all",
    "$count",
    "$it",
    "startswith",
    "endsWith",
    "contains",
    "null",
    "true",
    "false",
    "(",
    ")",
    "(",
    ")",
    ",",
    "/",
    ":",
    "'Guest'",
    "'a''b'",
    "''",
    "'",
    "0",
    "-1",
    "42",
    "1.5",
    "99999999999999999999",
    "2026-03-01T00:00:00Z",
    "2026-03-01",
    "2026-03-01T00:00",
    "2026-13-45T99:99:99Z",
    "7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01",
    "'7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01'",
    "7f3c1a52-0c1e",
    "\"",
    "#",
    "%20",
    "+",
    "é",
    "\u{0}",
];

fn token_soup(rng: &mut StdRng) -> String {
    let length = rng.gen_range(0..40);
    let mut out = String::new();
    for _ in 0..length {
        out.push_str(VOCABULARY.choose(rng).unwrap_or(&"x"));
        out.push_str(["", " ", " ", "  ", "\t"].choose(rng).unwrap_or(&" "));
    }
    out
}

fn random_chars(rng: &mut StdRng) -> String {
    let length = rng.gen_range(0..200);
    (0..length)
        .map(|_| {
            if rng.gen_bool(0.7) {
                char::from(rng.gen_range(0x20u8..0x7f))
            } else {
                char::from_u32(rng.gen_range(0..0x11_0000)).unwrap_or('\u{fffd}')
            }
        })
        .collect()
}

fn mutated(rng: &mut StdRng) -> String {
    let entity = *ENTITIES.choose(rng).unwrap_or(&&USER);
    let mut chars: Vec<char> = print_filter(&valid_tree(rng, entity)).chars().collect();
    for _ in 0..rng.gen_range(1..6) {
        let position = rng.gen_range(0..=chars.len());
        match rng.gen_range(0..5) {
            0 if position < chars.len() => {
                chars.remove(position);
            }
            1 => {
                let piece = VOCABULARY.choose(rng).unwrap_or(&"x");
                for (offset, c) in piece.chars().enumerate() {
                    chars.insert(position + offset, c);
                }
            }
            2 if position + 1 < chars.len() => chars.swap(position, position + 1),
            3 => chars.truncate(position),
            _ => {
                let end = rng.gen_range(position..=chars.len());
                let copy: Vec<char> = chars[position..end].to_vec();
                for (offset, c) in copy.into_iter().enumerate() {
                    chars.insert(end + offset, c);
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// A valid filter, respelled: letter case flipped outside string literals, spaces widened.
fn respelled(rng: &mut StdRng) -> String {
    let entity = *ENTITIES.choose(rng).unwrap_or(&&USER);
    let mut out = String::new();
    let mut in_string = false;
    for c in print_filter(&valid_tree(rng, entity)).chars() {
        if c == '\'' {
            in_string = !in_string;
        }
        match c {
            _ if in_string => out.push(c),
            ' ' => out.push_str(["\t", "  ", " \n "].choose(rng).unwrap_or(&" ")),
            _ if rng.gen_bool(0.3) => out.push(c.to_ascii_uppercase()),
            _ => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

fn deep(rng: &mut StdRng) -> String {
    let depth = rng.gen_range(0..3000);
    let closing = if rng.gen_bool(0.8) {
        depth
    } else {
        rng.gen_range(0..depth + 1)
    };
    let core = "mail eq 'a'";
    match rng.gen_range(0..4) {
        0 => format!("{}{core}{}", "(".repeat(depth), ")".repeat(closing)),
        1 => format!("{}{core}", "not ".repeat(depth)),
        2 => format!("{}{core}", "not (".repeat(depth)),
        _ => format!(
            "{}x eq 'a'{}",
            "otherMails/any(x: ".repeat(depth.min(200)),
            ")".repeat(closing.min(200))
        ),
    }
}

fn huge(rng: &mut StdRng) -> String {
    let count = rng.gen_range(0..5000);
    match rng.gen_range(0..5) {
        0 => vec!["mail eq 'a'"; count].join(" or "),
        1 => format!("mail in ({})", vec!["'a'"; count].join(",")),
        2 => format!("mail eq '{}'", "a".repeat(count * 20)),
        3 => "(".repeat(count * 200),
        _ => vec!["userType eq 'Guest'"; count.min(400)].join(" and "),
    }
}

fn garbage(rng: &mut StdRng) -> String {
    match rng.gen_range(0..100) {
        0..=29 => token_soup(rng),
        30..=59 => mutated(rng),
        60..=74 => respelled(rng),
        75..=89 => random_chars(rng),
        90..=96 => deep(rng),
        _ => huge(rng),
    }
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
