//! Portico's use cases: load → decide → persist, log, send mail. This crate owns the clock, the
//! seeds and the demo world, password and secret hashing, and mail delivery; it knows nothing of
//! HTTP (that is `portico-http`) and nothing of SQL (that is `portico-store`).

pub mod b2b;
pub mod clock;
pub mod directory;
pub mod mail;
pub mod metrics;
pub mod portal;
pub mod random;
pub mod reports;
pub mod retention;
pub mod secrets;
pub mod seed;
pub mod sign_in;
pub mod sign_in_policy;
pub mod tokens;

mod app;
mod audit;
mod mail_bodies;

pub use app::{App, AppConfig, AppError, Sources};
