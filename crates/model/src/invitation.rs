//! Invitations to collaborate as a guest (or member) in a resource tenant.

use crate::user::UserType;
use crate::{EmailAddress, ObjectId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    PendingAcceptance,
    Completed,
    /// A newer invitation for the same guest replaced this one; its link no longer works.
    Superseded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: ObjectId,
    pub invited_user_id: ObjectId,
    pub invited_email: EmailAddress,
    pub invited_user_type: UserType,
    pub invite_redirect_url: String,
    /// SHA-256 of the redeem ticket; the ticket itself is only in the link.
    pub ticket_sha256_hex: String,
    pub status: InvitationStatus,
    /// The user or app that invited.
    pub invited_by: ObjectId,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub redeemed_at: Option<DateTime<Utc>>,
}

/// Who a guest object stands for: the home account it was invited as, and after redemption the
/// one that redeemed it. `issuer` is the home tenant id, or `mail` for an address no tenant owns
/// (one-time passcode); `subject` the home object id, or the normalised address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestBinding {
    pub guest_id: ObjectId,
    pub issuer: String,
    pub subject: String,
    /// True once the home account proved itself at redemption.
    pub confirmed: bool,
}

impl GuestBinding {
    pub const MAIL_ISSUER: &'static str = "mail";
}
