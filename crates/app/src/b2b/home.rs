//! The home account behind an e-mail address (`docs/decisions.md` 4): the Portico tenant that verified
//! the address's domain and its user answering to the address, or just the address when no tenant
//! owns the domain (redeemed with a one-time passcode).

use crate::App;
use portico_model::invitation::GuestBinding;
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::{EmailAddress, ObjectId, TenantId};
use portico_store::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub enum HomeAccount {
    /// A user of a Portico tenant (an organisation, or the personal-accounts tenant).
    Tenant { tenant: Tenant, user: Box<User> },
    /// A tenant owns the domain but has no user with this address.
    UnknownInTenant {
        tenant: Tenant,
        address: EmailAddress,
    },
    /// No tenant owns the domain; the resource tenant federates it with an external provider.
    Federated {
        federation: portico_model::settings::DomainFederation,
        address: EmailAddress,
    },
    /// No tenant owns the domain.
    Mail { address: EmailAddress },
}

impl HomeAccount {
    /// The (issuer, subject) a guest of this account is bound by.
    pub fn key(&self) -> (String, String) {
        match self {
            Self::Tenant { tenant, user } => (tenant.id.to_string(), user.id.to_string()),
            Self::UnknownInTenant { address, .. } | Self::Mail { address } => {
                (GuestBinding::MAIL_ISSUER.to_owned(), address.normalized())
            }
            Self::Federated {
                federation,
                address,
            } => (federation.issuer.clone(), address.normalized()),
        }
    }

    pub fn binding(&self, guest_id: ObjectId, confirmed: bool) -> GuestBinding {
        let (issuer, subject) = self.key();
        GuestBinding {
            guest_id,
            issuer,
            subject,
            confirmed,
        }
    }

    pub fn home_tenant(&self) -> Option<TenantId> {
        match self {
            Self::Tenant { tenant, .. } | Self::UnknownInTenant { tenant, .. } => Some(tenant.id),
            Self::Mail { .. } | Self::Federated { .. } => None,
        }
    }
}

impl App {
    /// Resolves an address to its home account.
    pub async fn home_account(&self, address: &EmailAddress) -> Result<HomeAccount, StoreError> {
        let Some(tenant) = self
            .store()
            .find_tenant_by_domain(&address.domain())
            .await?
        else {
            return Ok(HomeAccount::Mail {
                address: address.clone(),
            });
        };
        let mut users = self
            .store()
            .list_users_by_address(tenant.id, address)
            .await?;
        users.retain(|u| !u.user_principal_name.is_external());
        if users.len() == 1 {
            if let Some(user) = users.pop() {
                return Ok(HomeAccount::Tenant {
                    tenant,
                    user: Box::new(user),
                });
            }
        }
        Ok(HomeAccount::UnknownInTenant {
            tenant,
            address: address.clone(),
        })
    }

    /// Advice for the inviter (S05): inviting a home account by its mail rather than its user
    /// principal name works through the e-mailed link, but direct-link redemption and later
    /// sign-ins by that address may fail.
    pub async fn invitation_warnings(&self, address: &EmailAddress) -> Vec<String> {
        match self.home_account(address).await {
            Ok(HomeAccount::Tenant { user, tenant }) if user.user_principal_name.as_email().as_ref() != Some(address) => vec![format!(
                "{address} is not the user principal name of its account in {}: redemption through the e-mailed link works, but direct-link redemption and later sign-ins with {address} may fail. Invite {} instead.",
                tenant.display_name, user.user_principal_name
            )],
            _ => Vec::new(),
        }
    }

    /// Whether `address` is a group's address in the tenant that owns its domain.
    pub async fn is_group_address(&self, address: &EmailAddress) -> Result<bool, StoreError> {
        match self
            .store()
            .find_tenant_by_domain(&address.domain())
            .await?
        {
            Some(tenant) => Ok(!self
                .store()
                .list_groups_by_address(tenant.id, address)
                .await?
                .is_empty()),
            None => Ok(false),
        }
    }
}

impl App {
    /// The home account behind `address`, as the resource tenant sees it: the first of
    /// [`App::home_candidates`].
    pub async fn home_account_for(
        &self,
        resource: &portico_model::settings::TenantSettings,
        address: &EmailAddress,
    ) -> Result<HomeAccount, StoreError> {
        let candidates = self.home_candidates(resource, address).await?;
        Ok(candidates.into_iter().next().unwrap_or(HomeAccount::Mail {
            address: address.clone(),
        }))
    }

    /// Every home account `address` could redeem with in the resource tenant, in the tenant's
    /// redemption order (`docs/decisions.md` 10 by default): the primary providers that know
    /// the address, then the fallback. Never empty: the address itself (a one-time passcode)
    /// comes last. A guest bound under any of them signs in with it; a redemption binds the
    /// first.
    pub async fn home_candidates(
        &self,
        resource: &portico_model::settings::TenantSettings,
        address: &EmailAddress,
    ) -> Result<Vec<HomeAccount>, StoreError> {
        use portico_model::cross_tenant::{FallbackProvider, PrimaryProvider};
        let found = self.home_account(address).await?;
        let personal = match &found {
            HomeAccount::Tenant { tenant, .. } | HomeAccount::UnknownInTenant { tenant, .. } => {
                tenant.id.to_string() == crate::tokens::flow::CONSUMERS_TENANT
            }
            _ => false,
        };
        let federation = resource
            .federations
            .iter()
            .find(|f| f.domain == address.domain())
            .map(|federation| HomeAccount::Federated {
                federation: federation.clone(),
                address: address.clone(),
            });
        let order = &resource.cross_tenant_default.redemption_order;
        let mut candidates = Vec::new();
        for provider in &order.primary {
            match provider {
                PrimaryProvider::AzureActiveDirectory
                    if !personal && found.home_tenant().is_some() =>
                {
                    candidates.push(found.clone())
                }
                PrimaryProvider::ExternalFederation => candidates.extend(federation.clone()),
                _ => {}
            }
        }
        if personal && order.fallback == FallbackProvider::DefaultConfiguredIdp {
            candidates.push(found.clone());
        }
        candidates.push(HomeAccount::Mail {
            address: address.clone(),
        });
        if personal && order.fallback == FallbackProvider::EmailOneTimePasscode {
            // Bound before the order changed: still the same person's personal account.
            candidates.push(found);
        }
        Ok(candidates)
    }
}
