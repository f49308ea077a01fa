//! `$filter`: text → checked [`Expr`], noting whether the expression needs an advanced query.

mod check;
mod lexer;
mod parser;

use crate::ast::Expr;
use crate::error::{operator_needs_advanced, ODataError};
use crate::limits::DEFAULT_IN_VALUES;
use crate::schema::Entity;

/// Why a filter is an advanced query (the first reason found is the one reported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AdvancedReason {
    /// An operator that works only in advanced queries: `ne`, `not`, `endsWith`, `$count`, or an
    /// operator the property supports only there.
    Operator(&'static str),
    /// An `in` list longer than Graph's default limit of 15.
    LongInList(usize),
    /// An `eq` value longer than Graph's default limit of 120 characters.
    LongValue(&'static str),
}

impl AdvancedReason {
    pub(crate) fn message(&self) -> String {
        match self {
            AdvancedReason::Operator(operator) => operator_needs_advanced(operator),
            AdvancedReason::LongInList(count) => format!(
                "Too many child clauses specified in search filter expression containing 'OR' operators: {count}. Max allowed: {DEFAULT_IN_VALUES}."
            ),
            AdvancedReason::LongValue(property) => format!(
                "The value to match for property '{property}' is longer than 120 characters. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information"
            ),
        }
    }
}

/// A checked filter and, if it needs an advanced query, the first reason why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedFilter {
    pub expr: Expr,
    pub advanced: Option<AdvancedReason>,
}

/// Parses `$filter` text (already percent-decoded) for `entity`.
///
/// Returns the checked expression and whether it needs an advanced query (`ne`, `not`,
/// `endsWith`, `/$count`, `eq null`, and operators a property supports only in advanced queries).
/// Errors: syntax, unknown properties and wrongly typed values are `BadRequest`; operators a
/// property does not support are `UnsupportedQuery` with Graph's message.
pub fn parse_filter(entity: &Entity, text: &str) -> Result<(Expr, bool), ODataError> {
    let parsed = parse_filter_checked(entity, text)?;
    Ok((parsed.expr, parsed.advanced.is_some()))
}

pub(crate) fn parse_filter_checked(
    entity: &Entity,
    text: &str,
) -> Result<ParsedFilter, ODataError> {
    parser::parse(entity, text)
}
