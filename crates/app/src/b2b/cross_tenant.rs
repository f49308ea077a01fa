//! The invitation-time reading of cross-tenant access settings: may users of `home` be invited
//! at all? (The full two-sided evaluation at sign-in is the policy engine's.)

use crate::App;
use portico_model::cross_tenant::{AccessType, B2bSetting};
use portico_model::settings::TenantSettings;
use portico_model::TenantId;
use portico_store::StoreError;

/// Blocked means "all users blocked"; a block or allow of listed users leaves room to invite.
fn admits_someone(setting: &B2bSetting) -> bool {
    let targets = &setting.users_and_groups;
    let all = targets.targets.iter().any(|t| t == "AllUsers");
    !(targets.access_type == AccessType::Blocked && all)
}

impl App {
    /// The resource tenant's inbound B2B collaboration setting for `home`'s users: the partner
    /// entry if there is one, else the default.
    pub(crate) async fn inbound_b2b_allowed(
        &self,
        settings: &TenantSettings,
        resource: TenantId,
        home: TenantId,
    ) -> Result<bool, StoreError> {
        let partner = self
            .store()
            .find_partner_configuration(resource, home)
            .await?;
        let setting = partner
            .and_then(|p| p.b2b_collaboration_inbound)
            .unwrap_or_else(|| {
                settings
                    .cross_tenant_default
                    .b2b_collaboration_inbound
                    .clone()
            });
        Ok(admits_someone(&setting))
    }
}
