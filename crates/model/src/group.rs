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
    /// Graph `groupTypes`, the dynamic membership rule and a Microsoft 365 group's visibility.
    #[serde(default)]
    pub kind: GroupKind,
}

/// What kind of group it is: Graph `groupTypes` (`Unified`, `DynamicMembership`) and the
/// properties that go with them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupKind {
    /// A Microsoft 365 group (`Unified`).
    pub unified: bool,
    /// Members come from a rule (`DynamicMembership`) instead of being added by hand.
    pub dynamic: Option<DynamicMembership>,
    /// `Public`, `Private` or `HiddenMembership` (Microsoft 365 groups).
    pub visibility: Option<String>,
}

/// A dynamic group's rule (`membershipRule`, checked by
/// [`crate::membership_rule::MembershipRule::parse`]) and `membershipRuleProcessingState`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DynamicMembership {
    pub rule: String,
    /// `Paused`: the members are frozen as they were when processing stopped.
    pub paused: bool,
}

impl GroupKind {
    /// Graph's `groupTypes`.
    pub fn group_types(&self) -> Vec<&'static str> {
        let mut types = Vec::new();
        if self.unified {
            types.push("Unified");
        }
        if self.dynamic.is_some() {
            types.push("DynamicMembership");
        }
        types
    }
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
