//! Portico's OData query engine for Microsoft Graph collections: `$filter`, `$select`, `$top`,
//! `$orderby`, `$count` and `$search`, with Graph's rules for directory objects.
//!
//! - [`parse_query`] checks all options of a request against an [`Entity`] ([`USER`], [`GROUP`],
//!   [`ORG_CONTACT`], and the logs' [`SIGN_IN`] and [`DIRECTORY_AUDIT`]) and applies the
//!   *advanced query* rule where Graph has it (`ConsistencyLevel: eventual` plus
//!   `$count=true`); [`parse_filter`] and [`parse_search`] check one option.
//! - The result is a checked tree ([`Expr`], [`Search`]) naming properties canonically, with
//!   typed literals and bounded size ([`limits`]): `portico-store` compiles it to parameterised
//!   SQL, and [`evaluate`] / [`matches_search`] evaluate it in memory with the same semantics.
//! - [`print_filter`] prints a tree back to `$filter` text that parses to the same tree.
//!
//! Errors are [`ODataError`]s carrying Graph's codes (`Request_BadRequest`,
//! `Request_UnsupportedQuery`) and, where known, Graph's exact messages. No input makes the parser
//! panic, recurse without bound or allocate without bound. The crate is pure: no I/O, no clock.
//!
//! ```
//! use portico_odata::{parse_query, RawQuery, USER};
//!
//! let raw = RawQuery::from_pairs([("$filter", "userType eq 'guest'"), ("$top", "10")]).unwrap();
//! let options = parse_query(&USER, &raw, false).unwrap();
//! assert_eq!(options.top, 10);
//! assert_eq!(
//!     portico_odata::print_filter(&options.filter.unwrap()),
//!     "userType eq 'Guest'"
//! );
//! ```

mod ast;
mod error;
mod eval;
mod filter;
#[cfg(feature = "generate")]
pub mod generate;
pub mod limits;
mod print;
mod query;
pub mod schema;
mod search;

pub use ast::{CmpOp, Direction, Expr, Literal, Search};
pub use error::{
    ODataError, COUNT_NOT_SUPPORTED, SEARCH_NEEDS_HEADER, SKIP_NOT_SUPPORTED, SORTING_NOT_SUPPORTED,
};
pub use eval::{evaluate, Field, Record};
pub use filter::parse_filter;
pub use print::{print_filter, print_literal};
pub use query::{check_count_segment, parse_query, parse_select, QueryOptions, RawQuery};
pub use schema::{
    Entity, FilterSupport, Kind, Property, SearchMode, Stored, Support, DIRECTORY_AUDIT, GROUP,
    ORG_CONTACT, SIGN_IN, SIGN_IN_BETA, USER,
};
pub use search::{matches_search, parse_search, search_tokens};
