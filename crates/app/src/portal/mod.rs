//! What the admin portal needs beyond Graph's use cases: Portico's own portal app registration
//! in every tenant (`registration.rs`), a user's Source as the Entra admin center shows it
//! (`source.rs`), and the listings the portal pages read (`listing.rs`, `sign_ins.rs`, with the diagnosis). Every read and change
//! still goes through the Graph use cases and the permission table.

mod bulk;
mod collaboration;
mod listing;
mod registration;
mod relationship;
mod sign_ins;
mod source;

pub use bulk::{parse_bulk_csv, BulkRow, MAX_ROWS, TEMPLATE as BULK_TEMPLATE};
pub use collaboration::CollaborationPatch;
pub use listing::{UserFilter, UserPage};
pub use registration::{portal_application, portal_client_id, PORTAL_APP_NAME, PORTAL_SCOPES};
pub use relationship::{Combination, HalfView, Relationship};
pub use sign_ins::{SignInFilter, SignInPage, SignInStatus};
pub use source::UserSource;
