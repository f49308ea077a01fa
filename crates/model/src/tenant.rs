//! Tenants (directories).

use crate::{DomainName, TenantId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A directory. Every domain listed is verified and belongs to this tenant alone; the initial
/// domain is the `*.onmicrosoft.com` one for organisations and names guest UPNs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    pub display_name: String,
    pub initial_domain: DomainName,
    pub other_domains: Vec<DomainName>,
    pub created_at: DateTime<Utc>,
}

impl Tenant {
    /// All verified domains, the initial one first.
    pub fn domains(&self) -> impl Iterator<Item = &DomainName> {
        std::iter::once(&self.initial_domain).chain(self.other_domains.iter())
    }

    pub fn owns_domain(&self, domain: &DomainName) -> bool {
        self.domains().any(|d| d == domain)
    }
}
