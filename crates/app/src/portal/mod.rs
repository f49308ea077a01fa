//! What the admin portal needs beyond Graph's use cases: Portico's own portal app registration
//! in every tenant (`registration.rs`), a user's Source as the Entra admin center shows it
//! (`source.rs`), and the listings the portal pages read (`listing.rs`). Every read and change
//! still goes through the Graph use cases and the permission table.

mod listing;
mod registration;
mod source;

pub use listing::{UserFilter, UserPage};
pub use registration::{portal_application, portal_client_id, PORTAL_APP_NAME, PORTAL_SCOPES};
pub use source::UserSource;
