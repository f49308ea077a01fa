//! Microsoft's metadata, as the schema conformance tests read it: the committed subsets in
//! `metadata/` (each names its source commit), parsed into types with their properties (base
//! types merged) and enum members, and a checker of JSON values against them.

use serde_json::Value;
use std::collections::BTreeMap;

/// One declared property: its type and whether it may be null.
#[derive(Debug, Clone)]
pub struct Declared {
    pub type_name: String,
    pub nullable: bool,
}

/// The types of one metadata subset: entity and complex types by name (`user`, `signInStatus` …)
/// with their properties, and enum types with their members.
pub struct Metadata {
    pub types: BTreeMap<String, BTreeMap<String, Declared>>,
    pub enums: BTreeMap<String, Vec<String>>,
}

impl std::ops::Index<&str> for Metadata {
    type Output = BTreeMap<String, Declared>;
    fn index(&self, name: &str) -> &Self::Output {
        &self.types[name]
    }
}

fn attribute(line: &str, name: &str) -> Option<String> {
    let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = line[start..].find('"')? + start;
    Some(line[start..end].to_owned())
}

/// Parses a subset written one element a line, as the committed files are.
pub fn parse(xml: &str) -> Metadata {
    type Own = (Option<String>, BTreeMap<String, Declared>);
    let mut types: BTreeMap<String, Own> = BTreeMap::new();
    let mut enums: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut current_enum: Option<String> = None;
    for line in xml.lines().map(str::trim) {
        if line.starts_with("<EntityType ") || line.starts_with("<ComplexType ") {
            let name = attribute(line, "Name").unwrap();
            let base =
                attribute(line, "BaseType").map(|b| b.trim_start_matches("graph.").to_owned());
            types.insert(name.clone(), (base, BTreeMap::new()));
            current = (!line.ends_with("/>")).then_some(name);
        } else if line.starts_with("<EnumType ") {
            let name = attribute(line, "Name").unwrap();
            enums.insert(name.clone(), Vec::new());
            current_enum = Some(name);
        } else if line.starts_with("<Member ") {
            let owner = current_enum.as_ref().unwrap();
            enums
                .get_mut(owner)
                .unwrap()
                .push(attribute(line, "Name").unwrap());
        } else if line.starts_with("<Property ") {
            let owner = current.as_ref().unwrap();
            let declared = Declared {
                type_name: attribute(line, "Type")
                    .unwrap()
                    .replace("graph.", "microsoft.graph."),
                nullable: attribute(line, "Nullable").as_deref() != Some("false"),
            };
            types
                .get_mut(owner)
                .unwrap()
                .1
                .insert(attribute(line, "Name").unwrap(), declared);
        } else if line.starts_with("</EntityType>") || line.starts_with("</ComplexType>") {
            current = None;
        } else if line.starts_with("</EnumType>") {
            current_enum = None;
        }
    }
    let mut merged = BTreeMap::new();
    for name in types.keys() {
        let mut properties = BTreeMap::new();
        let mut next = Some(name.clone());
        while let Some(type_name) = next {
            let (base, own) = &types[&type_name];
            properties.extend(own.clone());
            next = base.clone();
        }
        merged.insert(name.clone(), properties);
    }
    Metadata {
        types: merged,
        enums,
    }
}

/// Whether `value` is a valid `type_name` value; the failure says where.
pub fn check(
    metadata: &Metadata,
    path: &str,
    type_name: &str,
    nullable: bool,
    value: &Value,
) -> Result<(), String> {
    let fail = || Err(format!("{path}: {value} is not {type_name}"));
    if value.is_null() {
        return if nullable { Ok(()) } else { fail() };
    }
    if let Some(element) = type_name
        .strip_prefix("Collection(")
        .and_then(|t| t.strip_suffix(')'))
    {
        let Some(items) = value.as_array() else {
            return fail();
        };
        for (n, item) in items.iter().enumerate() {
            check(metadata, &format!("{path}[{n}]"), element, false, item)?;
        }
        return Ok(());
    }
    let ok = match type_name {
        "Edm.String" => value.is_string(),
        "Edm.Boolean" => value.is_boolean(),
        "Edm.Int32" => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        "Edm.Double" => value.is_number(),
        "Edm.Guid" => value
            .as_str()
            .is_some_and(|s| uuid::Uuid::parse_str(s).is_ok()),
        "Edm.DateTimeOffset" => value
            .as_str()
            .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()),
        named => {
            let short = named.trim_start_matches("microsoft.graph.");
            if let Some(members) = metadata.enums.get(short) {
                return match value.as_str() {
                    Some(member) if members.iter().any(|m| m == member) => Ok(()),
                    _ => Err(format!("{path}: {value} is not a member of {named}")),
                };
            }
            let Some(members) = metadata.types.get(short) else {
                return Err(format!("{path}: unknown type {named}"));
            };
            let Some(object) = value.as_object() else {
                return fail();
            };
            for (name, member) in object {
                let Some(declared) = members.get(name) else {
                    return Err(format!("{path}/{name} is not a member of {named}"));
                };
                check(
                    metadata,
                    &format!("{path}/{name}"),
                    &declared.type_name,
                    declared.nullable,
                    member,
                )?;
            }
            true
        }
    };
    if ok {
        Ok(())
    } else {
        fail()
    }
}
