//! Shared helpers: AST builders and a sample user record.

use chrono::{DateTime, TimeZone, Utc};
use portico_odata::{CmpOp, Expr, Field, Literal, Record};
use std::collections::HashMap;

pub fn text(value: &str) -> Literal {
    Literal::String(value.to_owned())
}

pub fn cmp(property: &str, op: CmpOp, value: Literal) -> Expr {
    Expr::Compare {
        property: property.to_owned(),
        op,
        value,
    }
}

pub fn eq(property: &str, value: &str) -> Expr {
    cmp(property, CmpOp::Eq, text(value))
}

pub fn and(left: Expr, right: Expr) -> Expr {
    Expr::And(Box::new(left), Box::new(right))
}

pub fn or(left: Expr, right: Expr) -> Expr {
    Expr::Or(Box::new(left), Box::new(right))
}

pub fn not(inner: Expr) -> Expr {
    Expr::Not(Box::new(inner))
}

pub fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 0, 0, 0).unwrap()
}

/// A record as a map from canonical property names to fields; missing names are null.
#[derive(Debug, Clone, Default)]
pub struct Sample(pub HashMap<&'static str, Field>);

impl Sample {
    pub fn with(mut self, property: &'static str, field: Field) -> Self {
        self.0.insert(property, field);
        self
    }

    pub fn text(self, property: &'static str, value: &str) -> Self {
        self.with(property, Field::String(value.to_owned()))
    }

    pub fn strings(self, property: &'static str, values: &[&str]) -> Self {
        self.with(
            property,
            Field::Strings(values.iter().map(|value| (*value).to_owned()).collect()),
        )
    }
}

impl Record for Sample {
    fn field(&self, property: &str) -> Field {
        self.0.get(property).cloned().unwrap_or(Field::Null)
    }
}
