//! The crate's test suite: parsing tables, the advanced-query rule, query options, evaluation on
//! sample records, and generated inputs (garbage through the parser, round trips of trees).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

mod advanced_rule;
mod evaluate;
mod filter_errors;
mod filter_parsing;
mod generated;
mod query_options;
mod support;
mod user_profile;
