//! Multi-tenant applications (`signInAudience: AzureADMultipleOrgs`, issue #16): the first
//! sign-in of a user of another tenant — their consent, Portico having no consent prompt —
//! creates the application's service principal in that tenant, as Entra does on first consent.
//! The registration and its credentials stay in the home tenant; the service principal carries
//! its API (scopes, roles, identifier URIs) and the home tenant's id.

use crate::App;
use chrono::{DateTime, Utc};
use portico_model::app_registration::{Registration, SignInAudience};
use portico_model::application::Application;
use portico_model::tenant::Tenant;
use portico_model::{ClientId, ObjectId, TenantId};
use portico_store::{StoreError, Write};

/// The service principal of `home`'s application in another tenant.
fn foreign_service_principal(
    id: ObjectId,
    home_tenant: TenantId,
    home: &Application,
    now: DateTime<Utc>,
) -> Application {
    Application {
        id,
        client_id: home.client_id,
        display_name: home.display_name.clone(),
        redirect_uris: home.redirect_uris.clone(),
        public_client: home.public_client,
        assignment_required: false,
        allow_password_grant: false,
        graph_app_permissions: Vec::new(),
        secrets: Vec::new(),
        key_credentials: Vec::new(),
        registration: Registration {
            home_tenant: Some(home_tenant),
            federated_credentials: Vec::new(),
            without_service_principal: false,
            ..home.registration.clone()
        },
        created_at: now,
    }
}

impl App {
    /// The client `client_id` signing users in to `tenant`: its application here, or the service
    /// principal another tenant's multi-tenant application will have here. Nothing is written:
    /// the sign-in's completion creates what is missing (`service_principal_write`), as Entra
    /// does on consent.
    pub(crate) async fn client_for_sign_in(
        &self,
        tenant: &Tenant,
        client_id: ClientId,
    ) -> Result<Option<Application>, StoreError> {
        if let Some(app) = self.store().find_application(tenant.id, client_id).await? {
            return Ok(Some(app));
        }
        let Some((home_tenant, home)) = self.multi_tenant_home(client_id).await? else {
            return Ok(None);
        };
        // The same id on every step of the flow and every start.
        let name = format!("service-principal:{client_id}");
        let id = ObjectId::from_uuid(uuid::Uuid::new_v5(tenant.id.as_uuid(), name.as_bytes()));
        Ok(Some(foreign_service_principal(
            id,
            home_tenant,
            &home,
            self.now(),
        )))
    }

    /// What a completed sign-in (the user's consent) writes for its client: the service
    /// principal of another tenant's application, or of a registration here that has none.
    pub(crate) async fn service_principal_write(
        &self,
        tenant: &Tenant,
        app: &Application,
    ) -> Result<Option<Write>, StoreError> {
        let stored = self
            .store()
            .find_application(tenant.id, app.client_id)
            .await?;
        Ok(match stored {
            None if app.registration.home_tenant.is_some() => {
                Some(Write::InsertApplication(app.clone()))
            }
            Some(mut stored) if stored.registration.without_service_principal => {
                stored.registration.without_service_principal = false;
                Some(Write::UpdateApplication(stored))
            }
            _ => None,
        })
    }

    /// The tenant whose registration of `client_id` is multi-tenant, with that registration.
    async fn multi_tenant_home(
        &self,
        client_id: ClientId,
    ) -> Result<Option<(TenantId, Application)>, StoreError> {
        for tenant in self.store().list_tenants().await? {
            let Some(app) = self.store().find_application(tenant.id, client_id).await? else {
                continue;
            };
            let registration = &app.registration;
            if registration.sign_in_audience == SignInAudience::AzureADMultipleOrgs
                && registration.home_tenant.is_none()
                && !registration.without_service_principal
            {
                return Ok(Some((tenant.id, app)));
            }
        }
        Ok(None)
    }

    /// A service principal of another tenant's application authenticates with the credentials
    /// of the home registration.
    pub(crate) async fn with_home_credentials(
        &self,
        mut app: Application,
    ) -> Result<Application, StoreError> {
        let Some(home_tenant) = app.registration.home_tenant else {
            return Ok(app);
        };
        let home = self
            .store()
            .find_application(home_tenant, app.client_id)
            .await?;
        let home =
            home.filter(|h| h.registration.sign_in_audience == SignInAudience::AzureADMultipleOrgs);
        match home {
            Some(home) => {
                app.secrets = home.secrets;
                app.key_credentials = home.key_credentials;
                app.registration.federated_credentials = home.registration.federated_credentials;
            }
            // Deleted or made single-tenant at home: no credential authenticates it here.
            None => {
                app.secrets.clear();
                app.key_credentials.clear();
            }
        }
        Ok(app)
    }
}
