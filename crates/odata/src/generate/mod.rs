//! Seeded generators of `$filter` inputs and of records to evaluate them on, for the fuzz tests
//! of this crate and of `portico-store`'s SQL compiler (feature `generate`; not in the server).
//!
//! - [`valid_tree`]: a random checked tree that [`crate::print_filter`] prints and the parser
//!   must read back unchanged;
//! - [`garbage`]: near-valid and invalid text (token soup, mutated and respelled valid filters,
//!   random characters, deep nesting, huge inputs);
//! - [`random_record`]: a record whose fields have each property's kind, some null.
//!
//! Everything takes a [`StdRng`], so a seed reproduces a run.

mod garbage;
mod records;

pub use garbage::{garbage, VOCABULARY};
pub use records::{random_record, GeneratedRecord};

use crate::ast::{CmpOp, Expr, Literal};
use crate::limits::MAX_FILTER_NODES;
use crate::schema::{Entity, Kind, Property, Support};
use chrono::{TimeZone, Utc};
use rand::seq::SliceRandom;
use uuid::Uuid;

pub use rand::rngs::StdRng;
pub use rand::{Rng, SeedableRng};

/// Every entity a `$filter` applies to.
pub const ENTITIES: [&Entity; 5] = [
    &crate::USER,
    &crate::GROUP,
    &crate::ORG_CONTACT,
    &crate::SIGN_IN,
    &crate::DIRECTORY_AUDIT,
];

/// Short text built from pieces that matter to quoting, folding, `LIKE` and addresses.
pub fn random_string(rng: &mut StdRng) -> String {
    const PIECES: &[&str] = &[
        "a", "B", "z", "0", "9", " ", "'", "''", "@", ".", "#EXT#", "smtp:", "(", ")", ",", "/",
        ":", "%", "\"", "é", "ß", "名", "\t", "eq", "and", "not", "null", "-", "_", "\\",
    ];
    let length = rng.gen_range(0..12);
    (0..length)
        .map(|_| *PIECES.choose(rng).unwrap_or(&"a"))
        .collect()
}

/// A value of `kind` (an element's kind for a string collection).
pub fn random_value(rng: &mut StdRng, kind: Kind) -> Literal {
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

/// The condition shapes `property` supports (0/1 eq/ne, 2 range, 3 in, 4 startsWith,
/// 5 endsWith, 6 null).
fn condition_shapes(property: &Property, element: bool) -> Vec<u8> {
    let filter = property.filter;
    let mut shapes = Vec::new();
    let supported = |support: Support| support.is_supported();
    if supported(filter.eq) {
        shapes.extend([0, 1]);
    }
    for (support, shape) in [
        (filter.range, 2),
        (filter.in_list, 3),
        (filter.starts_with, 4),
        (filter.ends_with, 5),
    ] {
        if supported(support) {
            shapes.push(shape);
        }
    }
    if supported(filter.null) && !element {
        shapes.push(6);
    }
    shapes
}

/// One condition on `property` (or on its element, when `element`), if it supports any.
fn random_condition(rng: &mut StdRng, property: &Property, element: bool) -> Option<Expr> {
    let name = if element {
        Expr::ELEMENT
    } else {
        property.name
    }
    .to_owned();
    let kind = element_kind(property);
    let shape = *condition_shapes(property, element).choose(rng)?;
    Some(match shape {
        0 | 1 => Expr::Compare {
            property: name,
            op: if shape == 0 { CmpOp::Eq } else { CmpOp::Ne },
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

/// `collection/$count` or `collection/any(…)` on a collection property, if it supports either.
fn random_collection_condition(rng: &mut StdRng, property: &Property) -> Option<Expr> {
    if property.filter.count.is_supported() && rng.gen_bool(0.3) {
        let value = match rng.gen_range(0..4) {
            0 => i64::MIN,
            1 => i64::MAX,
            _ => rng.gen_range(-3..10),
        };
        return Some(Expr::Count {
            collection: property.name.to_owned(),
            op: *CmpOp::ALL.choose(rng).unwrap_or(&CmpOp::Eq),
            value,
        });
    }
    let predicate = random_condition(rng, property, true)?;
    let collection = match property.element_member {
        Some(member) => format!("{}/{member}", property.name),
        None => property.name.to_owned(),
    };
    Some(Expr::Any {
        collection,
        predicate: Box::new(predicate),
    })
}

fn random_leaf(rng: &mut StdRng, entity: &Entity) -> Expr {
    loop {
        let Some(property) = entity.properties.choose(rng) else {
            continue;
        };
        let condition = if property.is_collection() {
            random_collection_condition(rng, property)
        } else {
            random_condition(rng, property, false)
        };
        if let Some(condition) = condition {
            return condition;
        }
    }
}

fn random_tree(rng: &mut StdRng, entity: &Entity, depth: u32) -> Expr {
    if depth == 0 || rng.gen_bool(0.35) {
        return random_leaf(rng, entity);
    }
    let shape = rng.gen_range(0..5);
    let mut branch = || Box::new(random_tree(rng, entity, depth - 1));
    match shape {
        0 | 1 => Expr::And(branch(), branch()),
        2 | 3 => Expr::Or(branch(), branch()),
        _ => Expr::Not(branch()),
    }
}

/// A valid tree for `entity` within the node limit.
pub fn valid_tree(rng: &mut StdRng, entity: &Entity) -> Expr {
    loop {
        let depth = rng.gen_range(0..7);
        let tree = random_tree(rng, entity, depth);
        if tree.node_count() <= MAX_FILTER_NODES {
            return tree;
        }
    }
}

/// A valid filter for a random entity, printed; the entity is not said, so it may be parsed for
/// another (a realistic mistake).
pub fn print_valid(rng: &mut StdRng) -> String {
    let entity = *ENTITIES.choose(rng).unwrap_or(&&crate::USER);
    crate::print_filter(&valid_tree(rng, entity))
}
