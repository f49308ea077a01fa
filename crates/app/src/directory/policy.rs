//! The authorization policy through Graph.

use super::access::{Caller, GraphError};
use super::permissions::Operation;
use crate::App;
use portico_model::settings::{AllowInvitesFrom, AuthorizationPolicy, GuestAccessLevel};
use portico_model::ObjectId;
use portico_store::Write;

/// `PATCH /policies/authorizationPolicy`: the properties present change.
#[derive(Debug, Clone, Default)]
pub struct AuthorizationPolicyPatch {
    pub allow_invites_from: Option<AllowInvitesFrom>,
    pub guest_user_role_id: Option<uuid::Uuid>,
    pub allowed_to_sign_up_email_based_subscriptions: Option<bool>,
    pub allowed_to_use_sspr: Option<bool>,
    pub allow_email_verified_users_to_join_organization: Option<bool>,
    pub block_msol_powershell: Option<bool>,
    pub allowed_to_read_other_users: Option<bool>,
    pub allow_user_consent: Option<bool>,
}

impl App {
    pub async fn graph_authorization_policy(
        &self,
        caller: &Caller,
    ) -> Result<AuthorizationPolicy, GraphError> {
        caller.require(Operation::GetAuthorizationPolicy)?;
        Ok(self
            .store()
            .get_settings(caller.tenant())
            .await?
            .authorization)
    }

    pub async fn graph_update_authorization_policy(
        &self,
        caller: &Caller,
        patch: AuthorizationPolicyPatch,
    ) -> Result<(), GraphError> {
        caller.require(Operation::UpdateAuthorizationPolicy)?;
        let mut settings = self.store().get_settings(caller.tenant()).await?;
        let policy = &mut settings.authorization;
        if let Some(role) = patch.guest_user_role_id {
            policy.guest_access = GuestAccessLevel::from_role_id(&role)
                .ok_or_else(|| GraphError::bad_request("Invalid value specified for property 'guestUserRoleId' of resource 'AuthorizationPolicy'."))?;
        }
        if let Some(value) = patch.allow_invites_from {
            policy.allow_invites_from = value;
        }
        if let Some(value) = patch.allowed_to_sign_up_email_based_subscriptions {
            policy.allowed_to_sign_up_email_based_subscriptions = value;
        }
        if let Some(value) = patch.allowed_to_use_sspr {
            policy.allowed_to_use_sspr = value;
        }
        if let Some(value) = patch.allow_email_verified_users_to_join_organization {
            policy.allow_email_verified_users_to_join_organization = value;
        }
        if let Some(value) = patch.block_msol_powershell {
            policy.block_msol_powershell = value;
        }
        if let Some(value) = patch.allowed_to_read_other_users {
            policy.allowed_to_read_other_users = value;
        }
        if let Some(value) = patch.allow_user_consent {
            policy.allow_user_consent = value;
        }
        let audit = self.directory_audit(
            caller,
            "Policy",
            "Update authorization policy",
            "Policy",
            ObjectId::from_uuid(uuid::Uuid::nil()),
            "authorizationPolicy",
        );
        Ok(self
            .store()
            .apply(caller.tenant(), vec![Write::PutSettings(settings), audit])
            .await?)
    }
}
