//! Reads of tenant-wide objects that Graph handlers serve as they are: the organization, its
//! domains, directory role members, applications and their assignments, security defaults. Each
//! checks its operation in the permission table first.

use super::{Caller, GraphError, Operation};
use crate::App;
use portico_model::application::Application;
use portico_model::group::Group;
use portico_model::role::DirectoryRole;
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::{EmailAddress, ObjectId, TenantId, Upn};
use portico_store::{StoreError, Write};

/// A directory object a membership or reference names.
#[derive(Debug, Clone)]
pub enum DirectoryObject {
    User(User),
    Group(Group),
}

fn not_found(id: &str) -> GraphError {
    GraphError::NotFound(id.to_owned())
}

impl App {
    /// The caller's organization, for `op` (`GetOrganization`, `GetOrganizationById`, `ListDomains`).
    pub async fn graph_organization(
        &self,
        caller: &Caller,
        op: Operation,
    ) -> Result<Tenant, GraphError> {
        caller.require(op)?;
        self.store()
            .find_tenant(caller.tenant())
            .await?
            .ok_or_else(|| GraphError::Internal("the caller's tenant vanished".into()))
    }

    /// `GET /directoryRoles/{id}/members`: the users holding `role`.
    pub async fn graph_directory_role_members(
        &self,
        caller: &Caller,
        role: DirectoryRole,
    ) -> Result<Vec<User>, GraphError> {
        caller.require(Operation::ListDirectoryRoleMembers)?;
        let assignments = self.store().list_role_assignments(caller.tenant()).await?;
        let mut users = Vec::new();
        for assignment in assignments.into_iter().filter(|a| a.role == role) {
            match self
                .store()
                .get_user(caller.tenant(), assignment.principal_id)
                .await
            {
                Ok(user) => users.push(user),
                Err(StoreError::NotFound) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Ok(users)
    }

    /// The tenant's applications, for `op` (`ListApplications`, `ListServicePrincipals`).
    pub async fn graph_applications(
        &self,
        caller: &Caller,
        op: Operation,
    ) -> Result<Vec<Application>, GraphError> {
        caller.require(op)?;
        let apps = self.store().list_applications(caller.tenant()).await?;
        // Registrations are their home tenant's; other tenants see their service principals.
        Ok(apps
            .into_iter()
            .filter(|app| match op {
                Operation::ListApplications => app.registration.home_tenant.is_none(),
                _ => !app.registration.without_service_principal,
            })
            .collect())
    }

    /// `GET /servicePrincipals/{id}/appRoleAssignedTo`: the application and who is assigned to it.
    pub async fn graph_app_role_assigned_to(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(Application, Vec<ObjectId>), GraphError> {
        caller.require(Operation::ListAppRoleAssignments)?;
        let object_id = ObjectId::parse(id).map_err(|_| not_found(id))?;
        let app = self
            .store()
            .list_applications(caller.tenant())
            .await?
            .into_iter()
            .find(|a| a.id == object_id)
            .ok_or_else(|| not_found(id))?;
        let assigned = self
            .store()
            .list_app_assignments(caller.tenant(), app.id)
            .await?;
        Ok((app, assigned))
    }

    /// Users and groups by id, in order; ids that name neither (deleted since) are left out.
    pub async fn directory_objects(
        &self,
        tenant: TenantId,
        ids: Vec<ObjectId>,
    ) -> Result<Vec<DirectoryObject>, GraphError> {
        let mut objects = Vec::with_capacity(ids.len());
        for id in ids {
            match self.store().get_user(tenant, id).await {
                Ok(user) => objects.push(DirectoryObject::User(user)),
                Err(StoreError::NotFound) => match self.store().get_group(tenant, id).await {
                    Ok(group) => objects.push(DirectoryObject::Group(group)),
                    Err(StoreError::NotFound) => {}
                    Err(other) => return Err(other.into()),
                },
                Err(other) => return Err(other.into()),
            }
        }
        Ok(objects)
    }

    /// `GET /policies/identitySecurityDefaultsEnforcementPolicy`: whether it is on.
    pub async fn graph_security_defaults(&self, caller: &Caller) -> Result<bool, GraphError> {
        caller.require(Operation::GetSecurityDefaults)?;
        let settings = self.store().get_settings(caller.tenant()).await?;
        Ok(settings.security_defaults_enabled)
    }

    /// `PATCH /policies/identitySecurityDefaultsEnforcementPolicy`, with its audit row.
    pub async fn graph_set_security_defaults(
        &self,
        caller: &Caller,
        enabled: bool,
    ) -> Result<(), GraphError> {
        caller.require(Operation::UpdateSecurityDefaults)?;
        let tenant = caller.tenant();
        let mut settings = self.store().get_settings(tenant).await?;
        settings.security_defaults_enabled = enabled;
        let audit = self.audit_record(
            &caller.claims,
            "Policy",
            "Update policy",
            "identitySecurityDefaultsEnforcementPolicy",
        );
        self.store()
            .apply(tenant, vec![Write::PutSettings(settings), audit])
            .await?;
        Ok(())
    }

    /// A user by principal name, for operator commands and the control API.
    pub async fn find_user_by_upn(
        &self,
        tenant: TenantId,
        upn: &Upn,
    ) -> Result<Option<User>, StoreError> {
        self.store().find_user_by_upn(tenant, upn).await
    }

    /// The users of `tenant` that `address` reaches (mail, proxy addresses, other mails, UPN).
    pub async fn users_with_address(
        &self,
        tenant: TenantId,
        address: &EmailAddress,
    ) -> Result<Vec<User>, StoreError> {
        self.store().list_users_by_address(tenant, address).await
    }

    /// Whether the store answers (readiness).
    pub async fn ping_store(&self) -> Result<(), StoreError> {
        self.store().ping().await
    }
}
