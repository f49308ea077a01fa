//! The HTTP edge of Portico: routes, TLS, the control API. The only crate that knows status
//! codes, headers and cookies; it calls `portico-app` for everything else and never sees SQL.

mod context;
mod control;
mod errors;
mod health;
mod router;
mod server;
mod state;
pub mod tls;

pub use router::router;
pub use server::{start, RunningServer, ServerOptions, StartError};
pub use state::AppState;
