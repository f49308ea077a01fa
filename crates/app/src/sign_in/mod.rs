//! Interactive sign-in as one state machine (kanidm's `AuthSession` shape).
//!
//! - `outcome.rs` — the leaf every page-producing module uses: pages, where the browser goes,
//!   the catalogue of error pages and inline messages, `attempt!`.
//! - `machine.rs` — the states and the pure `advance(state, input, facts, now) -> Transition`,
//!   table-tested state by state in `machine_tests.rs`.
//! - `interpreter.rs` — the one place that runs it: opens the flow, loads facts (`load.rs`),
//!   carries out transitions; `decide.rs` runs the policies for the authenticated state.
//! - `guests.rs` (passcodes, redemption, a guest's completion and log rows), `federation.rs`
//!   (external OpenID Connect providers), `complete.rs` (code, session and log row in one
//!   transaction) — the effects the interpreter calls; none calls back into it.
//! - `record.rs` — the one place a sign-in attempt becomes a log row.

pub mod outcome;

mod complete;
mod context;
mod decide;
pub(crate) mod federation;
mod guests;
mod interpreter;
mod load;
pub(crate) mod machine;
mod record;
mod show;

pub(crate) use complete::{portal_app, Logged, SessionUse};
pub(crate) use context::Ctx;
pub use federation::ProviderAnswer;
pub(crate) use guests::{home_issuers, unusable};
pub use record::{SignInAttempt, SignInKind};
