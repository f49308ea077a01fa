//! `GET /portico/v1/me/tenants`: the organisations the caller's identity belongs to (S14).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTenants {
    pub value: Vec<MyTenant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyTenant {
    pub tenant_id: String,
    pub display_name: String,
    pub default_domain: String,
    /// `home`, `guest` or `externalMember`.
    pub relationship: String,
    /// The identity's object id in that tenant.
    pub user_id: String,
    /// `PendingAcceptance`, `Accepted`, or null for the home account.
    pub external_user_state: Option<String>,
    /// The tenant the caller's token is from.
    pub is_current: bool,
    /// Where to sign in to it (the tenant's direct link).
    pub sign_in_url: String,
}
