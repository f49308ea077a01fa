//! In-memory evaluation with Graph's semantics: the reference the SQL compiler must agree with.
//!
//! - Strings (and enums) compare with ASCII case folding only: `'GUEST' eq 'guest'`, and `ge`/`le`
//!   order by the folded text's code points. Non-ASCII letters are compared as they are.
//! - Logic is two-valued. A comparison with a null field is false, except `eq null` (true) and
//!   `ne` with any non-null value (true), so `not (mail eq 'a')` holds for a user without mail.
//!   SQL must therefore not let `NULL` leak through `<>` or `NOT`.
//! - `startswith`/`endswith` on a null field are false; with an empty text they are true for any
//!   non-null field.
//! - `any` is false on an empty (or null) collection; `/$count` counts a null collection as 0.
//! - Values of different types never compare equal (`ne` between them is true).

use crate::ast::{CmpOp, Expr, Literal};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use uuid::Uuid;

/// A property value of a record, as the evaluator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Null,
    Bool(bool),
    Int(i64),
    /// Strings and enum values.
    String(String),
    /// A string collection; an empty collection is `Strings(vec![])`.
    Strings(Vec<String>),
    DateTime(DateTime<Utc>),
    Guid(Uuid),
    /// A collection of objects compared by members (`identities`): each element's members by
    /// name; an absent member is null.
    Objects(Vec<Vec<(&'static str, String)>>),
}

/// Something a filter can be evaluated against: a user, group or contact row, a log entry.
pub trait Record {
    /// The value of `property` (canonical name). Unknown properties should answer `Field::Null`.
    fn field(&self, property: &str) -> Field;
}

/// Whether `record` satisfies `expr`.
pub fn evaluate(expr: &Expr, record: &impl Record) -> bool {
    matches(expr, record)
}

/// The lambda variable's record: one element of a collection.
struct Element<'a>(&'a str);

impl Record for Element<'_> {
    fn field(&self, property: &str) -> Field {
        if property == Expr::ELEMENT {
            Field::String(self.0.to_owned())
        } else {
            Field::Null
        }
    }
}

/// One object of a collection of objects, inside `any(c: c/member eq …)`.
struct ObjectElement<'a>(&'a [(&'static str, String)]);

impl Record for ObjectElement<'_> {
    fn field(&self, property: &str) -> Field {
        self.0
            .iter()
            .find(|(member, _)| *member == property)
            .map_or(Field::Null, |(_, value)| Field::String(value.clone()))
    }
}

fn matches(expr: &Expr, record: &dyn Record) -> bool {
    match expr {
        Expr::Compare {
            property,
            op,
            value,
        } => compare(&record.field(property), *op, value),
        Expr::In { property, values } => {
            let field = record.field(property);
            values.iter().any(|value| compare(&field, CmpOp::Eq, value))
        }
        Expr::StartsWith { property, prefix } => match record.field(property) {
            Field::String(text) => fold(&text).starts_with(&fold(prefix)),
            _ => false,
        },
        Expr::EndsWith { property, suffix } => match record.field(property) {
            Field::String(text) => fold(&text).ends_with(&fold(suffix)),
            _ => false,
        },
        Expr::Not(inner) => !matches(inner, record),
        Expr::And(left, right) => matches(left, record) && matches(right, record),
        Expr::Or(left, right) => matches(left, record) || matches(right, record),
        Expr::Any {
            collection,
            predicate,
        } => match record.field(collection) {
            Field::Strings(elements) => elements
                .iter()
                .any(|element| matches(predicate, &Element(element))),
            Field::Objects(elements) => elements
                .iter()
                .any(|element| matches(predicate, &ObjectElement(element))),
            _ => false,
        },
        Expr::Count {
            collection,
            op,
            value,
        } => {
            let count = match record.field(collection) {
                Field::Strings(elements) => elements.len(),
                _ => 0,
            };
            let count = i64::try_from(count).unwrap_or(i64::MAX);
            holds(*op, count.cmp(value))
        }
    }
}

fn compare(field: &Field, op: CmpOp, value: &Literal) -> bool {
    match (field, value) {
        (Field::Null, Literal::Null) => op == CmpOp::Eq,
        (_, Literal::Null) => op == CmpOp::Ne,
        (Field::Null, _) => op == CmpOp::Ne,
        _ => match order(field, value) {
            Some(ordering) => holds(op, ordering),
            None => op == CmpOp::Ne,
        },
    }
}

/// How a non-null field orders against a non-null literal of the same type; `None` across types.
fn order(field: &Field, value: &Literal) -> Option<Ordering> {
    match (field, value) {
        (Field::String(text), Literal::String(other)) => Some(fold(text).cmp(&fold(other))),
        (Field::Bool(flag), Literal::Bool(other)) => Some(flag.cmp(other)),
        (Field::Int(number), Literal::Int(other)) => Some(number.cmp(other)),
        (Field::DateTime(at), Literal::DateTime(other)) => Some(at.cmp(other)),
        (Field::Guid(id), Literal::Guid(other)) => Some(id.cmp(other)),
        (Field::String(text), Literal::Guid(other)) => {
            Uuid::try_parse(text).ok().map(|id| id.cmp(other))
        }
        _ => None,
    }
}

fn holds(op: CmpOp, ordering: Ordering) -> bool {
    match op {
        CmpOp::Eq => ordering == Ordering::Equal,
        CmpOp::Ne => ordering != Ordering::Equal,
        CmpOp::Gt => ordering == Ordering::Greater,
        CmpOp::Ge => ordering != Ordering::Less,
        CmpOp::Lt => ordering == Ordering::Less,
        CmpOp::Le => ordering != Ordering::Greater,
    }
}

/// ASCII case folding, the only folding Graph comparisons (and SQLite's `lower`) apply.
pub(crate) fn fold(text: &str) -> String {
    text.to_ascii_lowercase()
}
