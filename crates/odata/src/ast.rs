//! The checked syntax trees: `$filter` expressions, `$orderby` directions and `$search` clauses.
//!
//! Every tree that `parse_filter` or `parse_query` returns names properties by their canonical
//! Graph spelling (`userPrincipalName`, however the client wrote it), holds literals already
//! converted to the property's type, and respects the limits in [`crate::limits`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A value in a `$filter` comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Literal {
    Null,
    Bool(bool),
    /// The right-hand side of `collection/$count` comparisons, and integer properties
    /// (`status/errorCode`).
    Int(i64),
    String(String),
    /// The value compared with a GUID property (`id`). Clients may write it bare or quoted.
    Guid(Uuid),
    /// A DateTimeOffset literal, normalised to UTC.
    DateTime(DateTime<Utc>),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    pub const ALL: [CmpOp; 6] = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Gt,
        CmpOp::Ge,
        CmpOp::Lt,
        CmpOp::Le,
    ];

    /// The operator as written in `$filter`: `eq`, `ne`, `gt`, `ge`, `lt`, `le`.
    pub fn keyword(self) -> &'static str {
        match self {
            CmpOp::Eq => "eq",
            CmpOp::Ne => "ne",
            CmpOp::Gt => "gt",
            CmpOp::Ge => "ge",
            CmpOp::Lt => "lt",
            CmpOp::Le => "le",
        }
    }

    /// The operator for a keyword, in any letter case.
    pub fn from_keyword(word: &str) -> Option<CmpOp> {
        CmpOp::ALL
            .into_iter()
            .find(|op| op.keyword().eq_ignore_ascii_case(word))
    }

    /// OData's name for the operator kind, as used in type-mismatch messages.
    pub(crate) fn kind_name(self) -> &'static str {
        match self {
            CmpOp::Eq => "Equal",
            CmpOp::Ne => "NotEqual",
            CmpOp::Gt => "GreaterThan",
            CmpOp::Ge => "GreaterThanOrEqual",
            CmpOp::Lt => "LessThan",
            CmpOp::Le => "LessThanOrEqual",
        }
    }
}

/// A checked `$filter` expression.
///
/// Inside [`Expr::Any`], the predicate refers to the collection's element with the property name
/// [`Expr::ELEMENT`] (the empty string): `otherMails/any(x: x eq 'a@b.com')` is
/// `Any { collection: "otherMails", predicate: Compare { property: "", op: Eq, value: "a@b.com" } }`.
/// The predicate is a single element condition (`Compare`, `In`, `StartsWith` or `EndsWith` on
/// the element), except over a collection of objects compared by several members
/// (`identities`): there it is `eq` comparisons joined by `and`, each naming its member
/// (`Compare { property: "issuer", … }`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    Compare {
        property: String,
        op: CmpOp,
        value: Literal,
    },
    In {
        property: String,
        values: Vec<Literal>,
    },
    StartsWith {
        property: String,
        prefix: String,
    },
    EndsWith {
        property: String,
        suffix: String,
    },
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// `otherMails/any(x: x eq 'a@b.com')`, `proxyAddresses/any(p: startswith(p, 'smtp:'))`.
    /// Over a collection of objects compared by one member, `collection` is the path to that
    /// member: `targetResources/any(t: t/id eq '…')` has the collection `targetResources/id`.
    Any {
        collection: String,
        predicate: Box<Expr>,
    },
    /// `otherMails/$count eq 0`.
    Count {
        collection: String,
        op: CmpOp,
        value: i64,
    },
}

impl Expr {
    /// The property name by which an `any` predicate refers to the current element.
    pub const ELEMENT: &'static str = "";

    /// How many nodes the tree holds, counting each value of an `in` list as one node: the
    /// measure that [`crate::limits::MAX_FILTER_NODES`] bounds. Because every node is counted,
    /// the tree's depth is at most its node count, so recursive walks over a parsed tree are
    /// bounded too.
    pub fn node_count(&self) -> usize {
        match self {
            Expr::Compare { .. } | Expr::StartsWith { .. } | Expr::EndsWith { .. } => 1,
            Expr::Count { .. } => 1,
            Expr::In { values, .. } => 1 + values.len(),
            Expr::Not(inner) => 1 + inner.node_count(),
            Expr::And(left, right) | Expr::Or(left, right) => {
                1 + left.node_count() + right.node_count()
            }
            Expr::Any { predicate, .. } => 1 + predicate.node_count(),
        }
    }
}

/// A `$orderby` direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Ascending,
    Descending,
}

/// A checked `$search` expression: `"displayName:foo" AND ("mail:bar" OR "surname:baz")`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Search {
    /// `"property:text"`; the property is canonical and searchable, the text is non-empty.
    Term {
        property: &'static str,
        text: String,
    },
    And(Box<Search>, Box<Search>),
    Or(Box<Search>, Box<Search>),
}
