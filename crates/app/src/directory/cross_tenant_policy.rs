//! Cross-tenant access settings through Graph: the policy object, the tenant's default and its
//! partner entries. A request is merged onto what is stored, the result is checked as a whole
//! (`cross_tenant_rules.rs`), and every change is committed with one `CrossTenantAccessSettings`
//! audit record.

use super::access::{Caller, GraphError};
use super::cross_tenant_rules::check_setting;
use super::permissions::Operation;
use crate::App;
use portico_model::cross_tenant::{
    default_configuration_id, policy_id, B2bSetting, CloudEndpoint, CrossTenantAccessSettings,
    CrossTenantPolicy, InboundTrust, PartnerConfiguration, RedemptionOrder, Targets,
};
use portico_model::{ObjectId, TenantId};
use portico_store::{Conflict, StoreError, Write};

const CATEGORY: &str = "CrossTenantAccessSettings";
const MAX_DISPLAY_NAME: usize = 256;

/// A B2B setting (or tenant restriction) as a request gives it: a half left out is completed
/// from the value it replaces (the stored one, or the default a partner inherits).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct B2bSettingInput {
    pub users_and_groups: Option<Targets>,
    pub applications: Option<Targets>,
}

impl B2bSettingInput {
    fn complete(self, base: &B2bSetting) -> B2bSetting {
        B2bSetting {
            users_and_groups: self
                .users_and_groups
                .unwrap_or_else(|| base.users_and_groups.clone()),
            applications: self
                .applications
                .unwrap_or_else(|| base.applications.clone()),
        }
    }
}

/// Inbound trust flags as a request gives them; a flag left out keeps the value it replaces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InboundTrustInput {
    pub is_mfa_accepted: Option<bool>,
    pub is_compliant_device_accepted: Option<bool>,
    pub is_hybrid_azure_ad_joined_device_accepted: Option<bool>,
}

impl InboundTrustInput {
    fn complete(self, base: InboundTrust) -> InboundTrust {
        InboundTrust {
            is_mfa_accepted: self.is_mfa_accepted.unwrap_or(base.is_mfa_accepted),
            is_compliant_device_accepted: self
                .is_compliant_device_accepted
                .unwrap_or(base.is_compliant_device_accepted),
            is_hybrid_azure_ad_joined_device_accepted: self
                .is_hybrid_azure_ad_joined_device_accepted
                .unwrap_or(base.is_hybrid_azure_ad_joined_device_accepted),
        }
    }
}

/// What a request does to one partner property: nothing, back to inheriting the default
/// (Graph's `null`), or a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Change<T> {
    #[default]
    Keep,
    Inherit,
    Set(T),
}

/// `PATCH /policies/crossTenantAccessPolicy`.
#[derive(Debug, Clone, Default)]
pub struct CrossTenantPolicyPatch {
    pub display_name: Option<String>,
    pub allowed_cloud_endpoints: Option<Vec<CloudEndpoint>>,
}

/// `PATCH /policies/crossTenantAccessPolicy/default`: the properties present change.
#[derive(Debug, Clone, Default)]
pub struct DefaultPatch {
    pub b2b_collaboration_inbound: Option<B2bSettingInput>,
    pub b2b_collaboration_outbound: Option<B2bSettingInput>,
    pub b2b_direct_connect_inbound: Option<B2bSettingInput>,
    pub b2b_direct_connect_outbound: Option<B2bSettingInput>,
    pub tenant_restrictions: Option<B2bSettingInput>,
    pub inbound_trust: Option<InboundTrustInput>,
    /// Automatic redemption is always off in the default; only `false` is accepted.
    pub automatic_user_consent_inbound: Option<bool>,
    pub automatic_user_consent_outbound: Option<bool>,
    /// `invitationRedemptionIdentityProviderConfiguration`.
    pub redemption_order: Option<RedemptionOrder>,
}

/// `POST …/partners` (onto an entry that inherits everything) and `PATCH …/partners/{id}`.
#[derive(Debug, Clone, Default)]
pub struct PartnerPatch {
    pub b2b_collaboration_inbound: Change<B2bSettingInput>,
    pub b2b_collaboration_outbound: Change<B2bSettingInput>,
    pub b2b_direct_connect_inbound: Change<B2bSettingInput>,
    pub b2b_direct_connect_outbound: Change<B2bSettingInput>,
    pub tenant_restrictions: Change<B2bSettingInput>,
    pub inbound_trust: Change<InboundTrustInput>,
    pub automatic_user_consent_inbound: Change<bool>,
    pub automatic_user_consent_outbound: Change<bool>,
    pub is_service_provider: Option<bool>,
}

fn apply_default(
    settings: &mut CrossTenantAccessSettings,
    patch: DefaultPatch,
) -> Result<(), GraphError> {
    if patch.automatic_user_consent_inbound == Some(true)
        || patch.automatic_user_consent_outbound == Some(true)
    {
        return Err(GraphError::with_reason("readOnlyProperty", "automaticUserConsentSettings is read-only in the default configuration: inboundAllowed and outboundAllowed are always false. Turn automatic redemption on for one partner with PATCH /policies/crossTenantAccessPolicy/partners/{tenantId} instead."));
    }
    let slots = [
        (
            "b2bCollaborationInbound",
            patch.b2b_collaboration_inbound,
            &mut settings.b2b_collaboration_inbound,
        ),
        (
            "b2bCollaborationOutbound",
            patch.b2b_collaboration_outbound,
            &mut settings.b2b_collaboration_outbound,
        ),
        (
            "b2bDirectConnectInbound",
            patch.b2b_direct_connect_inbound,
            &mut settings.b2b_direct_connect_inbound,
        ),
        (
            "b2bDirectConnectOutbound",
            patch.b2b_direct_connect_outbound,
            &mut settings.b2b_direct_connect_outbound,
        ),
        (
            "tenantRestrictions",
            patch.tenant_restrictions,
            &mut settings.tenant_restrictions,
        ),
    ];
    for (property, input, slot) in slots {
        if let Some(input) = input {
            let merged = input.complete(slot);
            check_setting(property, &merged)?;
            *slot = merged;
        }
    }
    if let Some(trust) = patch.inbound_trust {
        settings.inbound_trust = trust.complete(settings.inbound_trust);
    }
    if let Some(order) = patch.redemption_order {
        settings.redemption_order = order;
    }
    // Any accepted PATCH makes the default the tenant's own, as in Entra.
    settings.customized = true;
    Ok(())
}

fn apply_partner(
    partner: &mut PartnerConfiguration,
    default: &CrossTenantAccessSettings,
    patch: PartnerPatch,
) -> Result<(), GraphError> {
    let slots = [
        (
            "b2bCollaborationInbound",
            patch.b2b_collaboration_inbound,
            &mut partner.b2b_collaboration_inbound,
            &default.b2b_collaboration_inbound,
        ),
        (
            "b2bCollaborationOutbound",
            patch.b2b_collaboration_outbound,
            &mut partner.b2b_collaboration_outbound,
            &default.b2b_collaboration_outbound,
        ),
        (
            "b2bDirectConnectInbound",
            patch.b2b_direct_connect_inbound,
            &mut partner.b2b_direct_connect_inbound,
            &default.b2b_direct_connect_inbound,
        ),
        (
            "b2bDirectConnectOutbound",
            patch.b2b_direct_connect_outbound,
            &mut partner.b2b_direct_connect_outbound,
            &default.b2b_direct_connect_outbound,
        ),
        (
            "tenantRestrictions",
            patch.tenant_restrictions,
            &mut partner.tenant_restrictions,
            &default.tenant_restrictions,
        ),
    ];
    for (property, change, slot, inherited) in slots {
        match change {
            Change::Keep => {}
            Change::Inherit => *slot = None,
            Change::Set(input) => {
                let merged = input.complete(slot.as_ref().unwrap_or(inherited));
                check_setting(property, &merged)?;
                *slot = Some(merged);
            }
        }
    }
    match patch.inbound_trust {
        Change::Keep => {}
        Change::Inherit => partner.inbound_trust = None,
        Change::Set(input) => {
            let base = partner.inbound_trust.unwrap_or(default.inbound_trust);
            partner.inbound_trust = Some(input.complete(base));
        }
    }
    for (change, slot) in [
        (
            patch.automatic_user_consent_inbound,
            &mut partner.automatic_user_consent_inbound,
        ),
        (
            patch.automatic_user_consent_outbound,
            &mut partner.automatic_user_consent_outbound,
        ),
    ] {
        match change {
            Change::Keep => {}
            Change::Inherit => *slot = None,
            Change::Set(value) => *slot = Some(value),
        }
    }
    if let Some(value) = patch.is_service_provider {
        partner.is_service_provider = value;
    }
    Ok(())
}

fn partner_not_found(partner: TenantId) -> GraphError {
    GraphError::NotFound(partner.to_string())
}

impl App {
    fn cross_tenant_audit(
        &self,
        caller: &Caller,
        activity: &str,
        id: uuid::Uuid,
        name: &str,
    ) -> Write {
        self.directory_audit(
            caller,
            CATEGORY,
            activity,
            "Policy",
            ObjectId::from_uuid(id),
            name,
        )
    }

    pub async fn graph_cross_tenant_policy(
        &self,
        caller: &Caller,
    ) -> Result<CrossTenantPolicy, GraphError> {
        caller.require(Operation::GetCrossTenantPolicy)?;
        Ok(self
            .store()
            .get_settings(caller.tenant())
            .await?
            .cross_tenant_policy)
    }

    pub async fn graph_update_cross_tenant_policy(
        &self,
        caller: &Caller,
        patch: CrossTenantPolicyPatch,
    ) -> Result<(), GraphError> {
        caller.require(Operation::UpdateCrossTenantPolicy)?;
        let tenant = caller.tenant();
        let mut settings = self.store().get_settings(tenant).await?;
        let policy = &mut settings.cross_tenant_policy;
        if let Some(name) = patch.display_name {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > MAX_DISPLAY_NAME {
                return Err(GraphError::bad_request(format!(
                    "displayName must have 1 to {MAX_DISPLAY_NAME} characters."
                )));
            }
            name.clone_into(&mut policy.display_name);
        }
        if let Some(mut endpoints) = patch.allowed_cloud_endpoints {
            let mut seen = Vec::new();
            endpoints.retain(|e| {
                let new = !seen.contains(e);
                seen.push(*e);
                new
            });
            policy.allowed_cloud_endpoints = endpoints;
        }
        let name = policy.display_name.clone();
        let audit = self.cross_tenant_audit(
            caller,
            "Update cross-tenant access policy",
            policy_id(tenant),
            &name,
        );
        Ok(self
            .store()
            .apply(tenant, vec![Write::PutSettings(settings), audit])
            .await?)
    }

    pub async fn graph_cross_tenant_default(
        &self,
        caller: &Caller,
    ) -> Result<CrossTenantAccessSettings, GraphError> {
        caller.require(Operation::GetCrossTenantDefault)?;
        Ok(self
            .store()
            .get_settings(caller.tenant())
            .await?
            .cross_tenant_default)
    }

    pub async fn graph_update_cross_tenant_default(
        &self,
        caller: &Caller,
        patch: DefaultPatch,
    ) -> Result<(), GraphError> {
        caller.require(Operation::UpdateCrossTenantDefault)?;
        let tenant = caller.tenant();
        let mut settings = self.store().get_settings(tenant).await?;
        apply_default(&mut settings.cross_tenant_default, patch)?;
        let audit = self.cross_tenant_audit(
            caller,
            "Update the company default cross-tenant access setting",
            default_configuration_id(tenant),
            "Default cross-tenant access settings",
        );
        Ok(self
            .store()
            .apply(tenant, vec![Write::PutSettings(settings), audit])
            .await?)
    }

    /// `resetToSystemDefault`: Entra's service default again (`isServiceDefault: true`).
    pub async fn graph_reset_cross_tenant_default(
        &self,
        caller: &Caller,
    ) -> Result<(), GraphError> {
        caller.require(Operation::ResetCrossTenantDefault)?;
        let tenant = caller.tenant();
        let mut settings = self.store().get_settings(tenant).await?;
        settings.cross_tenant_default = CrossTenantAccessSettings::default();
        let audit = self.cross_tenant_audit(
            caller,
            "Reset the cross-tenant access default setting",
            default_configuration_id(tenant),
            "Default cross-tenant access settings",
        );
        Ok(self
            .store()
            .apply(tenant, vec![Write::PutSettings(settings), audit])
            .await?)
    }

    pub async fn graph_cross_tenant_partners(
        &self,
        caller: &Caller,
    ) -> Result<Vec<PartnerConfiguration>, GraphError> {
        caller.require(Operation::ListCrossTenantPartners)?;
        Ok(self
            .store()
            .list_partner_configurations(caller.tenant())
            .await?)
    }

    pub async fn graph_cross_tenant_partner(
        &self,
        caller: &Caller,
        partner: TenantId,
    ) -> Result<PartnerConfiguration, GraphError> {
        caller.require(Operation::GetCrossTenantPartner)?;
        self.store()
            .find_partner_configuration(caller.tenant(), partner)
            .await?
            .ok_or_else(|| partner_not_found(partner))
    }

    pub async fn graph_create_cross_tenant_partner(
        &self,
        caller: &Caller,
        partner: TenantId,
        patch: PartnerPatch,
    ) -> Result<PartnerConfiguration, GraphError> {
        caller.require(Operation::CreateCrossTenantPartner)?;
        let tenant = caller.tenant();
        if partner == tenant {
            return Err(GraphError::with_reason("partnerIsThisTenant", format!("{partner} is this tenant's own id; a partner configuration is for another organization. Change this tenant's own settings with PATCH /policies/crossTenantAccessPolicy/default.")));
        }
        let settings = self.store().get_settings(tenant).await?;
        let mut config = PartnerConfiguration::inheriting(partner);
        apply_partner(&mut config, &settings.cross_tenant_default, patch)?;
        let audit = self.cross_tenant_audit(
            caller,
            "Add a partner to cross-tenant access setting",
            *partner.as_uuid(),
            &partner.to_string(),
        );
        match self
            .store()
            .apply(tenant, vec![Write::InsertPartner(config.clone()), audit])
            .await
        {
            Ok(()) => Ok(config),
            Err(StoreError::Conflict(Conflict::ObjectId(_))) => Err(GraphError::Conflict {
                code: "Request_MultipleObjectsWithSameKeyValue",
                message: format!("A partner configuration for tenant {partner} already exists. Change it with PATCH /policies/crossTenantAccessPolicy/partners/{partner}, or delete it first."),
            }),
            Err(other) => Err(other.into()),
        }
    }

    pub async fn graph_update_cross_tenant_partner(
        &self,
        caller: &Caller,
        partner: TenantId,
        patch: PartnerPatch,
    ) -> Result<(), GraphError> {
        caller.require(Operation::UpdateCrossTenantPartner)?;
        let tenant = caller.tenant();
        let mut config = self
            .store()
            .find_partner_configuration(tenant, partner)
            .await?
            .ok_or_else(|| partner_not_found(partner))?;
        let settings = self.store().get_settings(tenant).await?;
        apply_partner(&mut config, &settings.cross_tenant_default, patch)?;
        let audit = self.cross_tenant_audit(
            caller,
            "Update a partner cross-tenant access setting",
            *partner.as_uuid(),
            &partner.to_string(),
        );
        // An update never recreates an entry deleted meanwhile.
        match self
            .store()
            .apply(tenant, vec![Write::UpdatePartner(config), audit])
            .await
        {
            Err(StoreError::NotFound) => Err(partner_not_found(partner)),
            other => Ok(other?),
        }
    }

    pub async fn graph_delete_cross_tenant_partner(
        &self,
        caller: &Caller,
        partner: TenantId,
    ) -> Result<(), GraphError> {
        caller.require(Operation::DeleteCrossTenantPartner)?;
        let audit = self.cross_tenant_audit(
            caller,
            "Delete partner specific cross-tenant access setting",
            *partner.as_uuid(),
            &partner.to_string(),
        );
        match self
            .store()
            .apply(caller.tenant(), vec![Write::DeletePartner(partner), audit])
            .await
        {
            Err(StoreError::NotFound) => Err(partner_not_found(partner)),
            other => Ok(other?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_model::cross_tenant::{AccessType, TargetType, ALL_USERS};

    fn partner() -> PartnerConfiguration {
        PartnerConfiguration::inheriting(TenantId::from_uuid(uuid::Uuid::from_u128(7)))
    }

    #[test]
    fn a_partner_half_left_out_is_completed_from_the_default() {
        let default = CrossTenantAccessSettings::default();
        let mut config = partner();
        let blocked_users = Targets::all(AccessType::Blocked, ALL_USERS, TargetType::User);
        let patch = PartnerPatch {
            b2b_collaboration_inbound: Change::Set(B2bSettingInput {
                users_and_groups: Some(blocked_users.clone()),
                applications: None,
            }),
            ..Default::default()
        };
        // Allowed apps from the default contradict blocking all users.
        assert!(apply_partner(&mut config, &default, patch).is_err());
        let patch = PartnerPatch {
            b2b_direct_connect_inbound: Change::Set(B2bSettingInput {
                users_and_groups: Some(blocked_users),
                applications: None,
            }),
            automatic_user_consent_inbound: Change::Set(true),
            ..Default::default()
        };
        apply_partner(&mut config, &default, patch).unwrap();
        assert_eq!(
            config.b2b_direct_connect_inbound,
            Some(B2bSetting::block_all())
        );
        assert_eq!(config.automatic_user_consent_inbound, Some(true));
        assert_eq!(config.b2b_collaboration_inbound, None);
        let patch = PartnerPatch {
            b2b_direct_connect_inbound: Change::Inherit,
            automatic_user_consent_inbound: Change::Inherit,
            ..Default::default()
        };
        apply_partner(&mut config, &default, patch).unwrap();
        assert_eq!(config, partner());
    }

    #[test]
    fn the_default_refuses_automatic_consent_and_becomes_custom() {
        let mut settings = CrossTenantAccessSettings::default();
        let refused = DefaultPatch {
            automatic_user_consent_inbound: Some(true),
            ..Default::default()
        };
        assert!(apply_default(&mut settings, refused).is_err());
        assert!(!settings.customized);
        let trust = DefaultPatch {
            inbound_trust: Some(InboundTrustInput {
                is_mfa_accepted: Some(true),
                ..Default::default()
            }),
            automatic_user_consent_inbound: Some(false),
            ..Default::default()
        };
        apply_default(&mut settings, trust).unwrap();
        assert!(settings.customized);
        assert!(settings.inbound_trust.is_mfa_accepted);
        assert!(!settings.inbound_trust.is_compliant_device_accepted);
    }
}
