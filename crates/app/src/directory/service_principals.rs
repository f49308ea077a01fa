//! Graph's `/servicePrincipals` beyond listing (issue #16): creating one for an application,
//! reading, changing and deleting it; app role assignments (`appRoleAssignedTo`,
//! `appRoleAssignments`) and delegated permission grants (`/oauth2PermissionGrants`).
//! A service principal shares its application's object id (Portico folds the two together).

use super::{Caller, GraphError, Operation};
use crate::App;
use portico_model::app_registration::{
    AppRoleAssignment, GrantConsent, PermissionGrant, PrincipalType,
};
use portico_model::application::Application;
use portico_model::{ClientId, ObjectId};
use portico_store::{StoreError, Write};

fn not_found(id: &str) -> GraphError {
    GraphError::NotFound(id.to_owned())
}

/// A delegated permission grant as a create body gives it.
#[derive(Debug, Clone)]
pub struct NewPermissionGrant {
    pub client_id: String,
    pub consent_type: String,
    pub principal_id: Option<String>,
    pub resource_id: String,
    pub scope: String,
}

impl App {
    /// The tenant's service principal with object id `id`.
    pub(crate) async fn service_principal_by_id(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Application, GraphError> {
        let app = self.application_by_id(caller, id).await?;
        match app.registration.without_service_principal {
            true => Err(not_found(id)),
            false => Ok(app),
        }
    }

    /// `GET /servicePrincipals/{id}`.
    pub async fn graph_service_principal(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Application, GraphError> {
        caller.require(Operation::GetServicePrincipal)?;
        self.service_principal_by_id(caller, id).await
    }

    /// `POST /servicePrincipals {appId}`: the service principal of an application of the tenant.
    pub async fn graph_create_service_principal(
        &self,
        caller: &Caller,
        app_id: &str,
    ) -> Result<Application, GraphError> {
        caller.require(Operation::CreateServicePrincipal)?;
        let invalid_app = || {
            GraphError::bad_request(format!("The appId '{app_id}' of the service principal does not reference a valid application object."))
        };
        let client_id = ClientId::parse(app_id).map_err(|_| invalid_app())?;
        let mut app = self
            .store()
            .find_application(caller.tenant(), client_id)
            .await?
            .ok_or_else(invalid_app)?;
        if !app.registration.without_service_principal {
            return Err(GraphError::Conflict {
                code: "Request_MultipleObjectsWithSameKeyValue",
                message: "The service principal cannot be created, updated, or restored because the service principal name is already in use.".into(),
            });
        }
        app.registration.without_service_principal = false;
        self.save_application_as(
            caller,
            app.clone(),
            ("Add service principal", "ServicePrincipal"),
        )
        .await?;
        Ok(app)
    }

    /// `PATCH /servicePrincipals/{id}`: `appRoleAssignmentRequired`.
    pub async fn graph_update_service_principal(
        &self,
        caller: &Caller,
        id: &str,
        assignment_required: Option<bool>,
    ) -> Result<(), GraphError> {
        caller.require(Operation::UpdateServicePrincipal)?;
        let mut app = self.service_principal_by_id(caller, id).await?;
        if let Some(required) = assignment_required {
            app.assignment_required = required;
        }
        self.save_application_as(
            caller,
            app,
            ("Update service principal", "ServicePrincipal"),
        )
        .await
    }

    /// `DELETE /servicePrincipals/{id}`: the application stays; tokens for it and sign-ins to
    /// it are refused until a service principal is created again.
    pub async fn graph_delete_service_principal(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(), GraphError> {
        caller.require(Operation::DeleteServicePrincipal)?;
        let mut app = self.service_principal_by_id(caller, id).await?;
        app.registration.without_service_principal = true;
        self.save_application_as(
            caller,
            app,
            ("Remove service principal", "ServicePrincipal"),
        )
        .await
    }

    /// The principal an app role assignment names: a user, a group or a service principal.
    async fn assignment_principal(
        &self,
        caller: &Caller,
        id: ObjectId,
    ) -> Result<(PrincipalType, String), GraphError> {
        let tenant = caller.tenant();
        match self.store().get_user(tenant, id).await {
            Ok(user) => return Ok((PrincipalType::User, user.display_name)),
            Err(StoreError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
        match self.store().get_group(tenant, id).await {
            Ok(group) => return Ok((PrincipalType::Group, group.display_name)),
            Err(StoreError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
        let app = self
            .service_principal_by_id(caller, &id.to_string())
            .await?;
        Ok((PrincipalType::ServicePrincipal, app.display_name))
    }

    /// `POST /servicePrincipals/{id}/appRoleAssignedTo` with an app role: grants one of the
    /// resource's roles to a user, group or service principal (app-only `roles`).
    pub async fn graph_assign_app_role(
        &self,
        caller: &Caller,
        resource: &str,
        principal: &str,
        app_role: uuid::Uuid,
    ) -> Result<(AppRoleAssignment, Application), GraphError> {
        caller.require(Operation::AssignApp)?;
        let api = self.service_principal_by_id(caller, resource).await?;
        let principal_id = ObjectId::parse(principal).map_err(|_| not_found(principal))?;
        let (principal_type, name) = self.assignment_principal(caller, principal_id).await?;
        let role = api
            .registration
            .app_roles
            .iter()
            .find(|r| r.id == app_role && r.is_enabled);
        let allowed = role.is_some_and(|r| match principal_type {
            PrincipalType::ServicePrincipal => r.allows_applications(),
            _ => r.allowed_member_types.iter().any(|t| t == "User"),
        });
        if !allowed {
            return Err(GraphError::bad_request(
                "Permission being assigned was not found on application",
            ));
        }
        let assignment = AppRoleAssignment {
            id: self.random().object_id(),
            app_role_id: app_role,
            principal_id,
            principal_type,
            principal_display_name: name,
            resource_id: api.id,
            created_at: self.now(),
        };
        let audit = self.directory_audit(
            caller,
            "ApplicationManagement",
            "Add app role assignment to service principal",
            "ServicePrincipal",
            api.id,
            &api.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::InsertAppRoleAssignment(assignment.clone()), audit],
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => GraphError::bad_request(
                    "Permission being assigned already exists on the object",
                ),
                other => other.into(),
            })?;
        Ok((assignment, api))
    }

    /// App role assignments of the tenant that `keep` selects, with each resource's name.
    async fn app_role_assignments(
        &self,
        caller: &Caller,
        keep: impl Fn(&AppRoleAssignment) -> bool,
    ) -> Result<Vec<(AppRoleAssignment, String)>, GraphError> {
        let apps = self.store().list_applications(caller.tenant()).await?;
        let assignments = self
            .store()
            .list_app_role_assignments(caller.tenant())
            .await?;
        Ok(assignments
            .into_iter()
            .filter(keep)
            .map(|a| {
                let name = apps
                    .iter()
                    .find(|app| app.id == a.resource_id)
                    .map(|app| app.display_name.clone())
                    .unwrap_or_default();
                (a, name)
            })
            .collect())
    }

    /// The app roles of resource `id` assigned to principals (beside the default access
    /// `graph_app_role_assigned_to` lists).
    pub async fn graph_app_roles_assigned_to(
        &self,
        caller: &Caller,
        id: ObjectId,
    ) -> Result<Vec<(AppRoleAssignment, String)>, GraphError> {
        caller.require(Operation::ListAppRoleAssignments)?;
        self.app_role_assignments(caller, |a| a.resource_id == id)
            .await
    }

    /// `GET /servicePrincipals/{id}/appRoleAssignments`: the app roles the service principal holds.
    pub async fn graph_app_roles_of(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Vec<(AppRoleAssignment, String)>, GraphError> {
        caller.require(Operation::ListServicePrincipalAppRoles)?;
        let sp = self.service_principal_by_id(caller, id).await?;
        self.app_role_assignments(caller, |a| a.principal_id == sp.id)
            .await
    }

    /// `DELETE /servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}`.
    pub async fn graph_remove_app_role_assignment(
        &self,
        caller: &Caller,
        resource: &str,
        assignment: &str,
    ) -> Result<(), GraphError> {
        caller.require(Operation::RemoveAppRoleAssignment)?;
        let api = self.service_principal_by_id(caller, resource).await?;
        let found = self
            .app_role_assignments(caller, |a| {
                a.resource_id == api.id && a.id.to_string().eq_ignore_ascii_case(assignment)
            })
            .await?;
        let Some((found, _)) = found.into_iter().next() else {
            return Err(not_found(assignment));
        };
        let audit = self.directory_audit(
            caller,
            "ApplicationManagement",
            "Remove app role assignment from service principal",
            "ServicePrincipal",
            api.id,
            &api.display_name,
        );
        Ok(self
            .store()
            .apply(
                caller.tenant(),
                vec![Write::DeleteAppRoleAssignment(found.id), audit],
            )
            .await?)
    }

    /// `GET /oauth2PermissionGrants`.
    pub async fn graph_permission_grants(
        &self,
        caller: &Caller,
    ) -> Result<Vec<PermissionGrant>, GraphError> {
        caller.require(Operation::ListPermissionGrants)?;
        Ok(self.store().list_permission_grants(caller.tenant()).await?)
    }

    /// `POST /oauth2PermissionGrants`: admin consent (`AllPrincipals`) or one user's
    /// (`Principal`) for a client's use of a resource's delegated scopes.
    pub async fn graph_create_permission_grant(
        &self,
        caller: &Caller,
        new: NewPermissionGrant,
    ) -> Result<PermissionGrant, GraphError> {
        caller.require(Operation::CreatePermissionGrant)?;
        let client = self.service_principal_by_id(caller, &new.client_id).await?;
        let resource = self
            .service_principal_by_id(caller, &new.resource_id)
            .await?;
        let consent = match (new.consent_type.as_str(), &new.principal_id) {
            ("AllPrincipals", None) => GrantConsent::AllPrincipals,
            ("Principal", Some(principal)) => {
                let user = ObjectId::parse(principal).map_err(|_| not_found(principal))?;
                self.store().get_user(caller.tenant(), user).await.map_err(|_| not_found(principal))?;
                GrantConsent::Principal(user)
            }
            _ => return Err(GraphError::bad_request("consentType must be 'AllPrincipals' without a principalId, or 'Principal' with one.")),
        };
        self.check_grant_scopes(&resource, &new.scope)?;
        let existing = self.store().list_permission_grants(caller.tenant()).await?;
        if existing.iter().any(|g| {
            g.client_id == client.id && g.resource_id == resource.id && g.consent == consent
        }) {
            return Err(GraphError::Conflict {
                code: "Request_MultipleObjectsWithSameKeyValue",
                message: "Permission entry already exists.".into(),
            });
        }
        let grant = PermissionGrant {
            id: self.random().object_id(),
            client_id: client.id,
            consent,
            resource_id: resource.id,
            scope: new.scope,
        };
        self.save_grant(
            caller,
            grant.clone(),
            &client,
            "Add delegated permission grant",
        )
        .await?;
        Ok(grant)
    }

    /// Every scope value of a grant is one the resource exposes.
    fn check_grant_scopes(&self, resource: &Application, scope: &str) -> Result<(), GraphError> {
        for value in scope.split(' ').filter(|s| !s.is_empty()) {
            if !resource
                .registration
                .scopes
                .iter()
                .any(|s| s.value == value)
            {
                return Err(portico_model::invalid!(
                    "scope",
                    "The scope '{value}' is not a delegated permission of '{}'.",
                    resource.display_name
                )
                .into());
            }
        }
        Ok(())
    }

    async fn save_grant(
        &self,
        caller: &Caller,
        grant: PermissionGrant,
        client: &Application,
        activity: &str,
    ) -> Result<(), GraphError> {
        let audit = self.directory_audit(
            caller,
            "ApplicationManagement",
            activity,
            "ServicePrincipal",
            client.id,
            &client.display_name,
        );
        Ok(self
            .store()
            .apply(
                caller.tenant(),
                vec![Write::PutPermissionGrant(grant), audit],
            )
            .await?)
    }

    async fn permission_grant(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<PermissionGrant, GraphError> {
        self.store()
            .list_permission_grants(caller.tenant())
            .await?
            .into_iter()
            .find(|g| g.id.to_string().eq_ignore_ascii_case(id))
            .ok_or_else(|| not_found(id))
    }

    /// `PATCH /oauth2PermissionGrants/{id}`: replaces the scopes.
    pub async fn graph_update_permission_grant(
        &self,
        caller: &Caller,
        id: &str,
        scope: String,
    ) -> Result<(), GraphError> {
        caller.require(Operation::UpdatePermissionGrant)?;
        let mut grant = self.permission_grant(caller, id).await?;
        let resource = self
            .application_by_id(caller, &grant.resource_id.to_string())
            .await?;
        self.check_grant_scopes(&resource, &scope)?;
        let client = self
            .application_by_id(caller, &grant.client_id.to_string())
            .await?;
        grant.scope = scope;
        self.save_grant(caller, grant, &client, "Update delegated permission grant")
            .await
    }

    /// `DELETE /oauth2PermissionGrants/{id}`.
    pub async fn graph_delete_permission_grant(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(), GraphError> {
        caller.require(Operation::DeletePermissionGrant)?;
        let grant = self.permission_grant(caller, id).await?;
        let client = self
            .application_by_id(caller, &grant.client_id.to_string())
            .await?;
        let audit = self.directory_audit(
            caller,
            "ApplicationManagement",
            "Remove delegated permission grant",
            "ServicePrincipal",
            client.id,
            &client.display_name,
        );
        Ok(self
            .store()
            .apply(
                caller.tenant(),
                vec![Write::DeletePermissionGrant(grant.id), audit],
            )
            .await?)
    }
}
