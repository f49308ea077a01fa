//! The engine's answer with the facts it was given: what log rows and pages are built from. A
//! leaf, so the log-row builder (`sign_in/record.rs`) need not import the enforcement that uses it.

use portico_policy::decision::Evaluation;
use portico_policy::facts::SignIn;

/// The engine's answer with the facts it was given.
pub struct Judged {
    pub evaluation: Evaluation,
    pub facts: SignIn,
    /// The client's `User-Agent`, for the log rows.
    pub user_agent: Option<String>,
}
