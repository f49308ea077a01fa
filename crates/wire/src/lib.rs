//! JSON shapes on the wire. Field names that clients depend on live here and only here.
//! Today: Portico's control API (`docs/control-api.md`, "The control API") and the error
//! envelope; the Graph and OIDC shapes join as those endpoints land.

pub mod control;
pub mod devtools;
pub mod error;
pub mod graph;
pub mod managed_identity;
pub mod me;
pub mod oauth;
pub mod oidc;
pub mod reports;
pub mod userinfo;
pub mod whatif;
