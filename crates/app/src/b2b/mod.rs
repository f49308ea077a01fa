//! B2B collaboration: invitations, the home accounts behind guests, redemption.

mod cross_tenant;
pub mod home;
mod invitation_mail;
mod invite;
pub mod organizations;
mod redeem;
mod request_checks;

pub use home::HomeAccount;
pub use invite::{InvitationOutcome, InvitationRequest};
