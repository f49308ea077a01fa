//! The directory lifecycle: soft-deleted users restored with their links or purged, the
//! sessions' valid-from time, and group kinds with frozen members.

use crate::fixtures::*;
use portico_model::group::{DynamicMembership, Group, GroupKind};
use portico_model::invitation::GuestBinding;
use portico_store::{Conflict, StoreError, Write};

fn group(n: u32, kind: GroupKind) -> Group {
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
        kind,
    }
}

pub async fn deleted_users_restore_with_their_links_or_purge(store: DynStore) {
    two_tenants(&store).await;
    let binding = GuestBinding {
        guest_id: oid(1),
        issuer: GuestBinding::MAIL_ISSUER.into(),
        subject: "dana@home.example".into(),
        confirmed: true,
    };
    let mut dana = member(1, "dana@a.example.com");
    dana.profile.insert(
        "department".into(),
        portico_model::user::ProfileValue::Text("Sales".into()),
    );
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertUser(dana.clone()),
                Write::InsertUser(member(2, "sponsor@a.example.com")),
                Write::InsertGroup(group(3, GroupKind::default())),
                Write::InsertGroup(group(4, GroupKind::default())),
                Write::AddGroupMember {
                    group: oid(3),
                    member: oid(1),
                },
                Write::AddGroupMember {
                    group: oid(4),
                    member: oid(1),
                },
                Write::AddSponsor {
                    user: oid(1),
                    sponsor: oid(2),
                },
                Write::PutGuestBinding(binding.clone()),
            ],
        )
        .await
        .unwrap();
    store
        .apply(
            tenant_a(),
            vec![Write::SoftDeleteUser {
                id: oid(1),
                at: at(5),
            }],
        )
        .await
        .unwrap();
    assert!(matches!(
        store.get_user(tenant_a(), oid(1)).await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .list_group_members(tenant_a(), oid(3))
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .find_guest_by_home(tenant_a(), &binding.issuer, &binding.subject)
        .await
        .unwrap()
        .is_none());
    let deleted = store.list_deleted_users(tenant_a()).await.unwrap();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].deleted_at, Some(at(5)));
    assert_eq!(deleted[0].profile, dana.profile);
    assert!(store
        .list_deleted_users(tenant_b())
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .find_deleted_user(tenant_b(), oid(1))
        .await
        .unwrap()
        .is_none());

    // The address was freed: a new user takes it, and the restore is a UPN conflict.
    store
        .apply(
            tenant_a(),
            vec![Write::InsertUser(member(5, "dana@a.example.com"))],
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .apply(tenant_a(), vec![Write::RestoreDeletedUser(oid(1))])
            .await,
        Err(StoreError::Conflict(Conflict::UserPrincipalName(_)))
    ));
    store
        .apply(
            tenant_a(),
            vec![Write::DeleteUser(oid(5)), Write::DeleteGroup(oid(4))],
        )
        .await
        .unwrap();
    store
        .apply(tenant_a(), vec![Write::RestoreDeletedUser(oid(1))])
        .await
        .unwrap();
    let back = store.get_user(tenant_a(), oid(1)).await.unwrap();
    assert_eq!(back.user_principal_name, dana.user_principal_name);
    assert_eq!(back.profile, dana.profile);
    assert_eq!(back.deleted_at, None);
    assert_eq!(
        store.list_groups_of(tenant_a(), oid(1)).await.unwrap(),
        vec![oid(3)],
        "the groups that still exist"
    );
    assert_eq!(
        store.list_sponsors(tenant_a(), oid(1)).await.unwrap(),
        vec![oid(2)]
    );
    assert!(store
        .list_deleted_users(tenant_a())
        .await
        .unwrap()
        .is_empty());

    // Purged by hand, or by age.
    let delete = |n, day| Write::SoftDeleteUser {
        id: oid(n),
        at: at(day),
    };
    store
        .apply(tenant_a(), vec![delete(1, 6), delete(2, 9)])
        .await
        .unwrap();
    assert!(matches!(
        store
            .apply(tenant_b(), vec![Write::PurgeDeletedObject(oid(1))])
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .purge_deleted_objects(tenant_a(), at(8), 10)
            .await
            .unwrap(),
        1
    );
    let left = store.list_deleted_users(tenant_a()).await.unwrap();
    assert_eq!(left.iter().map(|u| u.id).collect::<Vec<_>>(), [oid(2)]);
    store
        .apply(tenant_a(), vec![Write::PurgeDeletedObject(oid(2))])
        .await
        .unwrap();
    assert!(store
        .list_deleted_users(tenant_a())
        .await
        .unwrap()
        .is_empty());
}

pub async fn revocation_moves_the_sessions_valid_from(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![Write::InsertUser(member(1, "dana@a.example.com"))],
        )
        .await
        .unwrap();
    let user = store.get_user(tenant_a(), oid(1)).await.unwrap();
    assert_eq!(user.sign_in_sessions_valid_from, None);
    store
        .apply(
            tenant_a(),
            vec![Write::RevokeUserTokens {
                user_id: oid(1),
                at: at(7),
            }],
        )
        .await
        .unwrap();
    let user = store.get_user(tenant_a(), oid(1)).await.unwrap();
    assert_eq!(user.sign_in_sessions_valid_from, Some(at(7)));
}

pub async fn group_kinds_round_trip_and_members_can_be_frozen(store: DynStore) {
    two_tenants(&store).await;
    let dynamic = GroupKind {
        unified: true,
        dynamic: Some(DynamicMembership {
            rule: "user.userType -eq \"Guest\"".into(),
            paused: false,
        }),
        visibility: Some("Private".into()),
    };
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertUser(member(1, "dana@a.example.com")),
                Write::InsertUser(member(2, "eve@a.example.com")),
                Write::InsertGroup(group(3, dynamic.clone())),
                Write::InsertGroup(group(4, GroupKind::default())),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        store.get_group(tenant_a(), oid(3)).await.unwrap().kind,
        dynamic
    );
    assert_eq!(
        store
            .list_dynamic_groups(tenant_a())
            .await
            .unwrap()
            .iter()
            .map(|g| g.id)
            .collect::<Vec<_>>(),
        [oid(3)]
    );
    assert!(store
        .list_dynamic_groups(tenant_b())
        .await
        .unwrap()
        .is_empty());
    let mut paused = store.get_group(tenant_a(), oid(3)).await.unwrap();
    paused.display_name = "Renamed".into();
    if let Some(d) = paused.kind.dynamic.as_mut() {
        d.paused = true;
    }
    store
        .apply(
            tenant_a(),
            vec![
                Write::UpdateGroup(paused.clone()),
                Write::SetGroupMembers {
                    group: oid(3),
                    members: vec![oid(1), oid(2)],
                },
            ],
        )
        .await
        .unwrap();
    assert_eq!(store.get_group(tenant_a(), oid(3)).await.unwrap(), paused);
    assert_eq!(
        store.list_group_members(tenant_a(), oid(3)).await.unwrap(),
        vec![oid(1), oid(2)]
    );
    store
        .apply(
            tenant_a(),
            vec![Write::SetGroupMembers {
                group: oid(3),
                members: vec![],
            }],
        )
        .await
        .unwrap();
    assert!(store
        .list_group_members(tenant_a(), oid(3))
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store
            .apply(tenant_b(), vec![Write::UpdateGroup(paused)])
            .await,
        Err(StoreError::NotFound)
    ));
}
