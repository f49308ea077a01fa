//! Messages Portico sends (invitations, one-time passcodes): queued in the outbox in the same
//! transaction as the change that caused them, then delivered.

use crate::{EmailAddress, ObjectId, TenantId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: ObjectId,
    pub tenant_id: Option<TenantId>,
    pub from: EmailAddress,
    pub to: Vec<EmailAddress>,
    pub cc: Vec<EmailAddress>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Links the message carries (redeem links), for tests and the outbox viewer.
    pub links: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// When the SMTP relay accepted it; `None` while queued (or when no relay is configured).
    pub delivered_at: Option<DateTime<Utc>>,
    pub delivery_attempts: u32,
    pub last_error: Option<String>,
}
