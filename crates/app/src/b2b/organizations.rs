//! "Organisations I belong to" (S14): from any of an identity's objects — its home account or
//! one of its guest objects — every tenant where it has an account, with its state there.

use crate::sign_in_policy::facts::home_of_binding;
use crate::App;
use portico_model::oauth::HomeRef;
use portico_model::tenant::Tenant;
use portico_model::user::{ExternalUserState, UserType};
use portico_model::{ObjectId, TenantId};
use portico_store::StoreError;

/// How the identity belongs to a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    /// Its own account: where it signs in.
    Home,
    /// An invited guest object.
    Guest,
    /// An invited object with userType Member (an external member).
    ExternalMember,
}

impl Relationship {
    pub fn name(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Guest => "guest",
            Self::ExternalMember => "externalMember",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Membership {
    pub tenant: Tenant,
    /// The identity's object in that tenant.
    pub user_id: ObjectId,
    pub relationship: Relationship,
    pub external_user_state: Option<ExternalUserState>,
    /// The tenant the question was asked from.
    pub current: bool,
}

impl App {
    /// The organisations of the identity behind `user` in `tenant`: its home tenant first (when
    /// it is a Portico tenant), then every tenant that invited it, by name.
    pub async fn organizations_of(
        &self,
        tenant: TenantId,
        user: ObjectId,
    ) -> Result<Vec<Membership>, StoreError> {
        let home = match self.store().find_binding_of_guest(tenant, user).await? {
            Some(binding) => home_of_binding(&binding),
            None => HomeRef::Tenant {
                tenant_id: tenant,
                user_id: user,
            },
        };
        let mut memberships = Vec::new();
        if let HomeRef::Tenant { tenant_id, user_id } = &home {
            if let Some(home_tenant) = self.store().find_tenant(*tenant_id).await? {
                memberships.push(Membership {
                    tenant: home_tenant,
                    user_id: *user_id,
                    relationship: Relationship::Home,
                    external_user_state: None,
                    current: *tenant_id == tenant,
                });
            }
        }
        let (issuer, subject) = match &home {
            HomeRef::Tenant { tenant_id, user_id } => (tenant_id.to_string(), user_id.to_string()),
            HomeRef::Mail { address } | HomeRef::Federated { address, .. } => {
                let issuer = match &home {
                    HomeRef::Federated { issuer, .. } => issuer.clone(),
                    _ => portico_model::invitation::GuestBinding::MAIL_ISSUER.to_owned(),
                };
                (issuer, address.to_ascii_lowercase())
            }
        };
        let mut guests = Vec::new();
        for (guest_tenant, binding) in self.store().list_guest_tenants(&issuer, &subject).await? {
            let (Some(found), Ok(guest)) = (
                self.store().find_tenant(guest_tenant).await?,
                self.store().get_user(guest_tenant, binding.guest_id).await,
            ) else {
                continue;
            };
            guests.push(Membership {
                current: found.id == tenant,
                tenant: found,
                user_id: guest.id,
                relationship: if guest.user_type == UserType::Member {
                    Relationship::ExternalMember
                } else {
                    Relationship::Guest
                },
                external_user_state: guest.external_user_state,
            });
        }
        guests.sort_by(|a, b| a.tenant.display_name.cmp(&b.tenant.display_name));
        memberships.extend(guests);
        Ok(memberships)
    }

    /// The user a tenant's session cookie stands for, if the session is live.
    pub async fn session_user(
        &self,
        tenant: &Tenant,
        secret: &str,
    ) -> Result<Option<portico_model::user::User>, StoreError> {
        Ok(self
            .live_session(tenant, secret, None, self.now())
            .await?
            .map(|(_, user)| user))
    }
}
