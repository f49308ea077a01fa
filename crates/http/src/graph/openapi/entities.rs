//! Entity schemas of the OpenAPI description, generated from the OData tables the routes query
//! with (`portico_odata::USER`), so the description lists exactly what `$select`, `$filter` and
//! `PATCH` accept.

use portico_odata::{Entity, Kind, Property, Support};
use serde_json::{json, Map, Value};

/// A property's JSON schema.
fn type_schema(kind: Kind) -> Value {
    match kind {
        Kind::String | Kind::Enum(_) => json!({"type": "string"}),
        Kind::Guid => json!({"type": "string", "format": "uuid"}),
        Kind::Bool => json!({"type": "boolean"}),
        Kind::Int => json!({"type": "integer", "format": "int32"}),
        Kind::DateTime => json!({"type": "string", "format": "date-time"}),
        Kind::StringCollection => json!({"type": "array", "items": {"type": "string"}}),
        Kind::Complex(name) => json!({"type": "object", "x-odata-type": name}),
        Kind::ComplexCollection(name) => {
            json!({"type": "array", "items": {"type": "object", "x-odata-type": name}})
        }
    }
}

/// The `$filter` operators a property supports (advanced ones marked `(advanced)`).
fn filter_operators(property: &Property) -> Vec<String> {
    let filter = property.filter;
    let mut operators = Vec::new();
    for (support, name) in [
        (filter.eq, "eq"),
        (filter.range, "ge/le"),
        (filter.in_list, "in"),
        (filter.starts_with, "startsWith"),
        (filter.ends_with, "endsWith"),
        (filter.null, "eq null"),
        (filter.count, "$count"),
    ] {
        match support {
            Support::No => {}
            Support::Default => operators.push(name.to_owned()),
            Support::Advanced => operators.push(format!("{name} (advanced)")),
        }
    }
    if !property.members.is_empty() {
        operators.push(format!("any(eq on {})", property.members.join(", ")));
    }
    operators
}

/// One entity's schema: every selectable property with its type, and Portico's notes.
pub fn entity_schema(entity: &Entity) -> Value {
    let mut properties = Map::new();
    for property in entity.properties.iter().filter(|p| p.selectable) {
        let mut schema = type_schema(property.kind);
        if let Value::Object(fields) = &mut schema {
            fields.insert("nullable".into(), json!(property.nullable));
            fields.insert("x-default".into(), json!(property.in_default_select));
            fields.insert("x-patchable".into(), json!(property.patchable));
            fields.insert("x-stored".into(), json!(property.column().is_some()));
            if let Some(max) = property.max_length {
                fields.insert("maxLength".into(), json!(max));
            }
            fields.insert("x-filter".into(), json!(filter_operators(property)));
        }
        properties.insert(property.name.to_owned(), schema);
    }
    let paths: Vec<&str> = entity
        .properties
        .iter()
        .filter(|p| !p.selectable)
        .map(|p| p.name)
        .collect();
    json!({
        "type": "object",
        "x-odata-type": entity.type_name,
        "x-filter-paths": paths,
        "properties": properties,
    })
}
