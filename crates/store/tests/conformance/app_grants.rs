//! App role assignments and delegated permission grants (issue #16): stored per tenant, a
//! duplicate role assignment conflicts, a grant is replaced by id, and deleting an application
//! takes every assignment and grant that names it, on either side.

use crate::cases::app;
use crate::fixtures::*;
use portico_model::app_registration::{
    AppRoleAssignment, GrantConsent, PermissionGrant, PrincipalType,
};
use portico_store::{StoreError, Write};

fn assignment(n: u32, resource: u32, principal: u32) -> AppRoleAssignment {
    AppRoleAssignment {
        id: oid(n),
        app_role_id: *oid(900).as_uuid(),
        principal_id: oid(principal),
        principal_type: PrincipalType::ServicePrincipal,
        principal_display_name: format!("App {principal}"),
        resource_id: oid(resource),
        created_at: at(3),
    }
}

fn grant(n: u32, client: u32, resource: u32, scope: &str) -> PermissionGrant {
    PermissionGrant {
        id: oid(n),
        client_id: oid(client),
        consent: GrantConsent::AllPrincipals,
        resource_id: oid(resource),
        scope: scope.into(),
    }
}

pub async fn app_grants_are_kept_per_tenant_and_go_with_their_applications(store: DynStore) {
    two_tenants(&store).await;
    let api = app(40, "c0c0a040-0000-4000-8000-000000000040");
    let client = app(41, "c0c0a041-0000-4000-8000-000000000041");
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertApplication(api.clone()),
                Write::InsertApplication(client.clone()),
                Write::InsertAppRoleAssignment(assignment(50, 40, 41)),
                Write::PutPermissionGrant(grant(60, 41, 40, "Orders.Read")),
            ],
        )
        .await
        .unwrap();
    // The registration document round-trips.
    let found = store
        .find_application(tenant_a(), api.client_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.registration, api.registration);
    assert_eq!(
        store.list_app_role_assignments(tenant_a()).await.unwrap(),
        vec![assignment(50, 40, 41)]
    );
    assert!(store
        .list_app_role_assignments(tenant_b())
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_permission_grants(tenant_b())
        .await
        .unwrap()
        .is_empty());

    // The same role for the same principal again: a conflict, and nothing of the batch lands.
    let again = store
        .apply(
            tenant_a(),
            vec![
                Write::PutPermissionGrant(grant(61, 40, 41, "Other")),
                Write::InsertAppRoleAssignment(assignment(51, 40, 41)),
            ],
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(
        store
            .list_permission_grants(tenant_a())
            .await
            .unwrap()
            .len(),
        1
    );

    // A grant put again with its id replaces its scopes.
    store
        .apply(
            tenant_a(),
            vec![Write::PutPermissionGrant(grant(
                60,
                41,
                40,
                "Orders.Read Orders.Write",
            ))],
        )
        .await
        .unwrap();
    assert_eq!(
        store.list_permission_grants(tenant_a()).await.unwrap(),
        vec![grant(60, 41, 40, "Orders.Read Orders.Write")]
    );

    // Another tenant cannot reach them; a missing resource is NotFound.
    let foreign = store
        .apply(tenant_b(), vec![Write::DeleteAppRoleAssignment(oid(50))])
        .await;
    assert!(matches!(foreign, Err(StoreError::NotFound)), "{foreign:?}");
    let dangling = store
        .apply(
            tenant_b(),
            vec![Write::InsertAppRoleAssignment(assignment(52, 40, 41))],
        )
        .await;
    assert!(
        matches!(dangling, Err(StoreError::NotFound)),
        "{dangling:?}"
    );

    // Deleting the client takes the assignment it holds and the grant it was given.
    store
        .apply(tenant_a(), vec![Write::DeleteApplication(client.id)])
        .await
        .unwrap();
    assert!(store
        .list_app_role_assignments(tenant_a())
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_permission_grants(tenant_a())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .find_application(tenant_a(), client.client_id)
            .await
            .unwrap(),
        None
    );
    let twice = store
        .apply(tenant_a(), vec![Write::DeleteApplication(client.id)])
        .await;
    assert!(matches!(twice, Err(StoreError::NotFound)), "{twice:?}");
}
