//! Groups and mail contacts: the other two kinds of recipient that share the proxy-address space.

use crate::{EmailAddress, ObjectId, ProxyAddress};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: ObjectId,
    pub display_name: String,
    pub description: Option<String>,
    pub mail_nickname: Option<String>,
    pub mail: Option<EmailAddress>,
    pub mail_enabled: bool,
    pub security_enabled: bool,
    pub proxy_addresses: Vec<ProxyAddress>,
    pub created_at: DateTime<Utc>,
}

/// An Exchange mail contact (Graph `orgContact`): an external address in the address book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailContact {
    pub id: ObjectId,
    pub display_name: String,
    pub mail: EmailAddress,
    pub proxy_addresses: Vec<ProxyAddress>,
    pub hidden_from_address_lists: bool,
    pub created_at: DateTime<Utc>,
}

/// What kind of object holds a proxy address (they are unique across all three in a tenant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecipientKind {
    User,
    Group,
    Contact,
}
