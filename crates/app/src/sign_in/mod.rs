//! Interactive sign-in. `outcome.rs` is the leaf every page-producing module uses: the pages,
//! their error-page catalogue, and where the browser goes next. `record.rs` is the one place a
//! sign-in attempt becomes a log row.

pub mod outcome;
mod record;

pub use record::{SignInAttempt, SignInKind};
