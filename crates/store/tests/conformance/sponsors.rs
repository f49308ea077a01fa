//! Sponsors: users or groups of the same tenant; duplicates conflict; rows go with either side.

use crate::fixtures::*;
use portico_model::group::Group;
use portico_store::{StoreError, Write};

fn group(n: u32) -> Group {
    Group {
        id: oid(n),
        display_name: format!("Group {n}"),
        description: None,
        mail_nickname: None,
        mail: None,
        mail_enabled: false,
        security_enabled: true,
        proxy_addresses: vec![],
        created_at: at(2),
        kind: Default::default(),
    }
}

pub async fn sponsors_are_tenant_objects_and_go_with_either_side(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertUser(member(1, "guest@a.example.com")),
                Write::InsertUser(member(2, "sponsor@a.example.com")),
                Write::InsertGroup(group(3)),
            ],
        )
        .await
        .unwrap();
    store
        .apply(
            tenant_b(),
            vec![Write::InsertUser(member(9, "other@b.example.com"))],
        )
        .await
        .unwrap();
    let add = |sponsor| Write::AddSponsor {
        user: oid(1),
        sponsor: oid(sponsor),
    };
    store.apply(tenant_a(), vec![add(2), add(3)]).await.unwrap();
    assert_eq!(
        store.list_sponsors(tenant_a(), oid(1)).await.unwrap(),
        vec![oid(2), oid(3)]
    );
    // Again: a conflict, and the batch writes nothing.
    assert!(matches!(
        store.apply(tenant_a(), vec![add(2)]).await,
        Err(StoreError::Conflict(_))
    ));
    // Another tenant's user, or no object at all, cannot be a sponsor.
    for missing in [9, 77] {
        assert!(matches!(
            store.apply(tenant_a(), vec![add(missing)]).await,
            Err(StoreError::NotFound)
        ));
    }
    assert!(store
        .list_sponsors(tenant_b(), oid(1))
        .await
        .unwrap()
        .is_empty());
    store
        .apply(tenant_a(), vec![Write::DeleteGroup(oid(3))])
        .await
        .unwrap();
    assert_eq!(
        store.list_sponsors(tenant_a(), oid(1)).await.unwrap(),
        vec![oid(2)]
    );
    assert!(matches!(
        store
            .apply(
                tenant_a(),
                vec![Write::RemoveSponsor {
                    user: oid(1),
                    sponsor: oid(3)
                }]
            )
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .apply(tenant_a(), vec![Write::DeleteUser(oid(1))])
        .await
        .unwrap();
    assert!(store
        .list_sponsors(tenant_a(), oid(1))
        .await
        .unwrap()
        .is_empty());
}
