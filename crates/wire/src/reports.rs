//! The monthly-active-users report (`/portico/v1/…/reports/mau`). The single-tenant shape is fixed
//! by the product spec; the group and history shapes follow its names.

use serde::{Deserialize, Serialize};

/// `GET /portico/v1/tenants/{tenant}/reports/mau?month=YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MauReport {
    pub tenant_id: String,
    /// `YYYY-MM`.
    pub month: String,
    pub monthly_active_users: u64,
    pub free_tier: u64,
    pub billable: u64,
}

/// `GET /portico/v1/reports/mau?tenants=<id>,<id>&month=YYYY-MM`: tenants standing for one
/// subscription. The free tier applies once, to the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MauGroupReport {
    pub month: String,
    pub tenants: Vec<MauGroupMember>,
    /// The sum over `tenants`.
    pub monthly_active_users: u64,
    pub free_tier: u64,
    pub billable: u64,
}

/// One tenant of a group: its own count (billing is on the group's total).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MauGroupMember {
    pub tenant_id: String,
    pub monthly_active_users: u64,
}

/// `GET /portico/v1/tenants/{tenant}/reports/mau/history?from=YYYY-MM&to=YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MauHistory {
    pub tenant_id: String,
    /// Every month of the range, oldest first.
    pub months: Vec<MauMonth>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MauMonth {
    pub month: String,
    pub monthly_active_users: u64,
    pub billable: u64,
}
