//! The invitation-time reading of cross-tenant access settings: does the resource tenant's
//! inbound setting admit the invitee at all? The policy engine judges it, as at sign-in, but
//! without an app (there is none yet).

use super::HomeAccount;
use crate::sign_in_policy::facts::tenant_ref;
use crate::App;
use portico_model::tenant::Tenant;
use portico_policy::decision::Denial;
use portico_store::StoreError;

impl App {
    /// The denial the resource tenant's inbound setting gives this invitee, if any. Addresses
    /// without a Portico tenant meet the default setting, as "all users" of other organisations.
    pub(crate) async fn inbound_refusal(
        &self,
        resource: &Tenant,
        home: &HomeAccount,
    ) -> Result<Option<Denial>, StoreError> {
        let (home_tenant, account) = match home {
            HomeAccount::Tenant { tenant, .. } | HomeAccount::UnknownInTenant { tenant, .. }
                if tenant.id == resource.id =>
            {
                return Ok(None);
            }
            HomeAccount::Tenant { tenant, user } => {
                let account = self
                    .account_facts(tenant.id, user, user.user_principal_name.to_string())
                    .await?;
                (Some(tenant_ref(tenant)), Some(account))
            }
            HomeAccount::UnknownInTenant { tenant, .. } => (Some(tenant_ref(tenant)), None),
            HomeAccount::Federated { .. } | HomeAccount::Mail { .. } => (None, None),
        };
        let policies = self
            .tenant_policies(resource, home_tenant.as_ref().map(|t| t.id))
            .await?;
        Ok(portico_policy::inbound_admits(&policies, home_tenant.as_ref(), account.as_ref()).1)
    }
}
