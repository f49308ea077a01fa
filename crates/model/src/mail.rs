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
    /// The body (`text`, `html`, `links`) sealed with the master key while the message is
    /// queued; those three are then empty in the store. Messages queued before sealing have
    /// `None` and their body in the clear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_body: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the SMTP relay accepted it; `None` while queued (or when no relay is configured).
    pub delivered_at: Option<DateTime<Utc>>,
    pub delivery_attempts: u32,
    pub last_error: Option<String>,
}

impl OutboxMessage {
    /// Forgets the body once the relay has it: the passcodes and redeem links it carries are no
    /// longer Portico's to keep. The envelope stays for the outbox's history.
    pub fn purge_body(&mut self) {
        self.text.clear();
        self.html.clear();
        self.links.clear();
        self.sealed_body = None;
    }
}
