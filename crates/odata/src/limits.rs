//! Bounds on what a query may ask for (security checklist P1, P4, P5). Exceeding any of them is an
//! [`crate::ODataError::BadRequest`], never a panic: the parser checks each bound before it
//! recurses or allocates further.

/// Longest `$filter`, `$search`, `$select` or `$orderby` value accepted, in bytes. Graph itself
/// stops at a 2,048-character URL for advanced queries.
pub const MAX_OPTION_LENGTH: usize = 8192;

/// Deepest syntactic nesting: each `(`, `not` and `any(` lambda opens one level.
pub const MAX_FILTER_DEPTH: usize = 32;

/// Most nodes in a filter tree, counting each value of an `in` list as a node
/// ([`crate::Expr::node_count`]). Also bounds `$search` trees.
pub const MAX_FILTER_NODES: usize = 200;

/// Most values in one `in (…)` list, even in an advanced query.
pub const MAX_IN_VALUES: usize = 100;

/// Most characters in one string literal (a `'…'` filter value or a `$search` term).
pub const MAX_STRING_LENGTH: usize = 1024;

/// Graph's limit on `in` lists without advanced query parameters ("the request is limited to 15
/// expressions in the filter clause by default"); longer lists need them.
pub const DEFAULT_IN_VALUES: usize = 15;

/// Graph's limit on an `eq` value without advanced query parameters ("the maximum limit of the
/// value to match is 120 characters"); longer values need them.
pub const DEFAULT_VALUE_LENGTH: usize = 120;
