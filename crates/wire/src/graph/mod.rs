//! Microsoft Graph v1.0 JSON shapes: the objects Portico serves, with Graph's default property
//! sets and `$select`-only properties, and the collection envelope.

pub mod applications;
pub mod collection;
pub mod conditional_access;
pub mod cross_tenant;
pub mod directory;
pub mod invitations;
pub mod logs;
pub mod named_locations;
pub mod recipients;
pub mod risk;
pub mod session_controls;
pub mod terms;
pub mod users;

use serde_json::{Map, Value};

/// Graph's `DateTimeOffset` form: `2026-03-01T00:00:00Z`.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> Value {
    Value::String(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Keeps `id` and the selected properties, in the object's own order; `None` keeps the default set.
pub fn project(
    all: Vec<(&'static str, Value)>,
    defaults: &[&str],
    select: Option<&[&str]>,
) -> Map<String, Value> {
    all.into_iter()
        .filter(|(name, _)| match select {
            Some(selected) => {
                *name == "id" || selected.iter().any(|s| s.eq_ignore_ascii_case(name))
            }
            None => defaults.contains(name),
        })
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}
