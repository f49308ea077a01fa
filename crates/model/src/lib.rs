//! Portico's directory model: plain data and validated newtypes.
//!
//! This crate is what every other crate speaks. It does no I/O, never reads the clock or a random
//! source and never mints ids: callers pass them in. Types that carry rules (`EmailAddress`, `Upn`,
//! `DomainName`, `ProxyAddress`, `RedirectUri`, the GUID ids) can only be built valid.
//! Graph JSON field names do not live here; they belong to the wire types.

pub mod address;
pub mod app_registration;
pub mod application;
pub mod conditional_access;
pub mod cross_tenant;
pub mod group;
pub mod ids;
pub mod invalid;
pub mod invitation;
pub mod lockout;
pub mod logs;
pub mod mail;
pub mod membership_rule;
pub mod month;
pub mod oauth;
pub mod redirect;
pub mod risk;
pub mod role;
pub mod settings;
pub mod signing_key;
pub mod tenant;
pub mod user;

pub use address::{AddressError, DomainName, EmailAddress, ProxyAddress, Upn};
pub use ids::{ClientId, IdError, ObjectId, TenantId};
pub use invalid::Invalid;
