//! End-to-end tests: a real server on a loopback port, over TLS from its local CA.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

mod applications;
mod availability;
mod b2b;
mod client_assertion;
mod concurrent_updates;
mod conditional_access_api;
mod control_api;
mod cross_tenant_policy;
mod device_code;
mod directory_lifecycle;
mod fuzz_findings;
mod graph;
mod graph_permissions;
mod hardening;
mod harness;
mod invitation_fidelity;
mod isolation_matrix;
mod jwt_corpus;
mod lifecycle;
mod lockout;
mod logs_api;
mod managed_identity;
mod matrix;
mod mau;
mod metrics;
mod oidc_client;
mod openapi;
mod organizations;
mod permission_matrix;
mod policy;
mod portal;
mod portal_editing;
mod redirect_corpus;
mod reproducible;
mod risk_api;
mod schema_metadata;
mod secrets_at_rest;
mod session_controls;
mod sign_ins_schema;
mod test_tooling;
mod tokens;
mod users_schema;
mod users_v1;
mod walk;
