//! The HTTP edge of Portico: routes, TLS, the control API. The only crate that knows status
//! codes, headers and cookies; it calls `portico-app` for everything else and never sees SQL.

mod body;
mod callback;
mod context;
mod control;
mod errors;
mod faults;
pub mod graph;
mod health;
mod lockouts;
pub mod managed_identity;
mod me;
pub mod metrics;
mod nul_guard;
mod oidc;
mod pages;
mod portal;
pub mod reports;
mod router;
mod server;
mod state;
mod test_tokens;
mod throttle;
pub mod tls;
pub mod whatif;
mod world;

pub use router::router;

pub(crate) use oidc::bearer_token as oidc_bearer;
pub use portico_app::tokens::master_key::MasterKeySource;
pub use server::{start, RunningServer, ServerOptions, StartError};
pub use state::AppState;
pub use throttle::{Rate, ThrottleLimits};
