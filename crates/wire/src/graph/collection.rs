//! The collection envelope: `@odata.context`, `@odata.count`, `value`, `@odata.nextLink`.

use serde_json::{Map, Value};

pub const CONTEXT_BASE: &str = "https://graph.microsoft.com/v1.0/$metadata#";
pub const BETA_CONTEXT_BASE: &str = "https://graph.microsoft.com/beta/$metadata#";

/// A body built for v1.0, as beta answers it: its `@odata.context` names beta's metadata.
pub fn in_beta(mut body: Value) -> Value {
    if let Some(Value::String(context)) = body.get_mut("@odata.context") {
        if let Some(rest) = context.strip_prefix(CONTEXT_BASE) {
            *context = format!("{BETA_CONTEXT_BASE}{rest}");
        }
    }
    body
}

pub fn collection(
    context: &str,
    value: Vec<Map<String, Value>>,
    count: Option<u64>,
    next_link: Option<String>,
) -> Value {
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        Value::String(format!("{CONTEXT_BASE}{context}")),
    );
    if let Some(count) = count {
        body.insert("@odata.count".into(), Value::from(count));
    }
    if let Some(link) = next_link {
        body.insert("@odata.nextLink".into(), Value::String(link));
    }
    body.insert(
        "value".into(),
        Value::Array(value.into_iter().map(Value::Object).collect()),
    );
    Value::Object(body)
}

/// A single entity with its `@odata.context`.
pub fn entity(context: &str, mut object: Map<String, Value>) -> Value {
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        Value::String(format!("{CONTEXT_BASE}{context}/$entity")),
    );
    body.append(&mut object);
    Value::Object(body)
}

/// The answer of an action returning `Edm.Boolean` (`revokeSignInSessions`).
pub fn boolean_result(value: bool) -> Value {
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        Value::String(format!("{CONTEXT_BASE}Edm.Boolean")),
    );
    body.insert("value".into(), Value::Bool(value));
    Value::Object(body)
}
