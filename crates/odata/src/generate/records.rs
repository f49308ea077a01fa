//! Records with random fields of each property's kind, to evaluate generated filters on.

use super::random_string;
use crate::eval::{Field, Record};
use crate::schema::{Entity, Kind, Property};
use chrono::{TimeZone, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use std::collections::HashMap;
use uuid::Uuid;

/// A record of generated fields, by the canonical names the checked trees use (a collection of
/// objects also answers to `collection/member`).
#[derive(Debug, Clone, Default)]
pub struct GeneratedRecord {
    pub fields: HashMap<String, Field>,
}

impl Record for GeneratedRecord {
    fn field(&self, property: &str) -> Field {
        self.fields.get(property).cloned().unwrap_or(Field::Null)
    }
}

fn random_field(rng: &mut StdRng, kind: Kind) -> Field {
    if rng.gen_bool(0.15) {
        return Field::Null;
    }
    match kind {
        Kind::String => Field::String(random_string(rng)),
        Kind::Enum(values) => Field::String(values.choose(rng).unwrap_or(&"x").to_string()),
        Kind::Bool => Field::Bool(rng.gen()),
        Kind::Int => Field::Int(i64::from(rng.gen::<i32>())),
        Kind::Guid => Field::Guid(Uuid::from_bytes(rng.gen())),
        Kind::DateTime => Field::DateTime(
            Utc.timestamp_opt(rng.gen_range(0..4_102_444_800), 0)
                .single()
                .unwrap_or_default(),
        ),
        // Structured values (identities, signInActivity) are left out of generated records.
        Kind::Complex(_) | Kind::ComplexCollection(_) => Field::Null,
        Kind::StringCollection => Field::Strings(
            (0..rng.gen_range(0..4))
                .map(|_| random_string(rng))
                .collect(),
        ),
    }
}

fn names(property: &Property) -> Vec<String> {
    let mut names = vec![property.name.to_owned()];
    if let Some(member) = property.element_member {
        names.push(format!("{}/{member}", property.name));
    }
    names
}

/// A record of `entity` with a random value (or null) for every property.
pub fn random_record(rng: &mut StdRng, entity: &Entity) -> GeneratedRecord {
    let mut fields = HashMap::new();
    for property in entity.properties {
        let field = random_field(rng, property.kind);
        for name in names(property) {
            fields.insert(name, field.clone());
        }
    }
    GeneratedRecord { fields }
}
