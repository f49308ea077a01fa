//! End-to-end tests: a real server on a loopback port, over TLS from its local CA.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

mod availability;
mod b2b;
mod concurrent_updates;
mod conditional_access_api;
mod control_api;
mod cross_tenant_policy;
mod graph;
mod harness;
mod lifecycle;
mod logs_api;
mod mau;
mod oidc_client;
mod openapi;
mod organizations;
mod policy;
mod risk_api;
mod tokens;
mod walk;
