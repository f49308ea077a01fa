//! The sign-in policy engine at work: gathers the facts of a sign-in from the store and the
//! request, asks `portico-policy`, and turns its answer into log rows, pages and protocol
//! errors. Every interactive sign-in, redemption, code redemption and refresh goes through here,
//! and so does what-if, so a hypothetical sign-in gets the same decision as a real one.

pub mod enforce;
pub mod facts;
pub mod judged;
pub mod request;
pub mod whatif;

pub use facts::{Attempt, AMR_HOME_MFA, AMR_MFA};
pub use request::ClientRequest;
