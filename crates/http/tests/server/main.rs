//! End-to-end tests: a real server on a loopback port, over TLS from its local CA.

mod control_api;
mod harness;
mod lifecycle;
