//! Directory use cases behind Microsoft Graph: who may do what (`access.rs`), users, groups,
//! contacts and the authorization policy. HTTP-free: the Graph routes call these and render.

pub mod access;
mod groups;
mod listing;
mod paging;
mod policy;
mod recipients;
mod users;

pub use access::{Caller, GraphError};
pub use groups::NewGroup;
pub use listing::Listing;
pub use policy::AuthorizationPolicyPatch;
pub use recipients::Recipient;
pub use users::{NewUser, UserPatch};
