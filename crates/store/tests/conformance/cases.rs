//! The conformance cases; each takes a fresh, empty store.

pub use crate::app_grants::app_grants_are_kept_per_tenant_and_go_with_their_applications;
pub use crate::claims::{
    ended_login_flows_stay_ended, familiar_addresses_are_bounded_per_account_and_by_age,
    totp_steps_are_claimed_once,
};
pub use crate::counters::{
    familiar_addresses_and_quotas, flow_attempts_are_claimed_atomically,
    lockout_claims_lock_at_the_threshold_and_grow,
};
pub use crate::device_codes::device_codes_settle_once_and_polls_keep_their_interval;
pub use crate::differential::filters_agree_with_the_evaluator;
pub use crate::durability::{
    cancelled_callers_do_not_lose_data, narrow_user_writes_keep_a_concurrent_disable,
    user_patches_report_conflicts_and_missing_users, user_patches_set_only_what_they_name,
};
use crate::fixtures::*;
pub use crate::generated_filters::generated_filter_text_runs_and_agrees_with_the_evaluator;
pub use crate::lifecycle::{
    deleted_users_restore_with_their_links_or_purge,
    group_kinds_round_trip_and_members_can_be_frozen, revocation_moves_the_sessions_valid_from,
};
pub use crate::logs::{
    audit_log_pages_and_filters_agree_with_the_evaluator,
    sign_in_log_pages_and_filters_agree_with_the_evaluator,
};
pub use crate::mau::{
    log_purges_go_in_batches_per_tenant_and_keep_monthly_active_guests,
    monthly_active_guests_count_each_successful_guest_once_per_month,
};
pub use crate::sponsors::sponsors_are_tenant_objects_and_go_with_either_side;
pub use crate::user_profile::{
    identities_and_profile_filters_agree_with_the_evaluator,
    sign_in_rows_move_the_users_sign_in_activity, user_profiles_round_trip_and_patch_by_name,
};
use portico_model::application::{Application, ClientSecret, RedirectUri};
use portico_model::conditional_access::*;
use portico_model::cross_tenant::{B2bSetting, PartnerConfiguration};
use portico_model::group::{Group, MailContact, RecipientKind};
use portico_model::invitation::{Invitation, InvitationStatus};
use portico_model::logs::{Actor, AuditRecord, CrossTenantAccessType, SignInRecord};
use portico_model::mail::OutboxMessage;
use portico_model::risk::{RiskState, RiskyUser};
use portico_model::role::{DirectoryRole, RoleAssignment};
use portico_model::settings::{
    AllowInvitesFrom, DomainRestriction, GuestAccessLevel, TenantSettings,
};
use portico_model::signing_key::SigningKey;
use portico_model::user::{CreationType, ExternalUserState, MfaMethod, ObjectIdentity, UserType};
use portico_model::{ClientId, DomainName, ObjectId, ProxyAddress, TenantId, Upn};
use portico_store::{Conflict, Delivery, Page, StoreError, TenantBatch, Write};

fn assert_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>, expected: Conflict) {
    match result {
        Err(StoreError::Conflict(conflict)) => assert_eq!(conflict, expected),
        other => panic!("expected conflict {expected:?}, got {other:?}"),
    }
}

fn assert_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    assert!(
        matches!(result, Err(StoreError::NotFound)),
        "expected NotFound, got {result:?}"
    );
}

pub async fn tenants_and_domains(store: DynStore) {
    two_tenants(&store).await;
    let a = store
        .find_tenant(tenant_a())
        .await
        .unwrap()
        .expect("tenant A");
    assert_eq!(a.display_name, "A");
    assert_eq!(a.initial_domain.as_str(), "a.onmicrosoft.com");
    assert_eq!(
        a.other_domains,
        vec![DomainName::parse("a.example.com").unwrap()]
    );
    let by_domain = store
        .find_tenant_by_domain(&DomainName::parse("A.Example.com").unwrap())
        .await
        .unwrap();
    assert_eq!(by_domain.map(|t| t.id), Some(tenant_a()));
    assert!(store
        .find_tenant_by_domain(&DomainName::parse("c.example.com").unwrap())
        .await
        .unwrap()
        .is_none());
    let ids: Vec<TenantId> = store
        .list_tenants()
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, vec![tenant_a(), tenant_b()]);

    assert_eq!(
        store.get_settings(tenant_a()).await.unwrap(),
        TenantSettings::default()
    );
    let mut settings = TenantSettings::default();
    settings.authorization.guest_access = GuestAccessLevel::Restricted;
    settings.authorization.allow_invites_from = AllowInvitesFrom::AdminsAndGuestInviters;
    settings.collaboration.invitation_lifetime_days = Some(90);
    settings.collaboration.domain_restriction =
        DomainRestriction::Block(vec![DomainName::parse("live.com").unwrap()]);
    store
        .apply(tenant_a(), vec![Write::PutSettings(settings.clone())])
        .await
        .unwrap();
    assert_eq!(store.get_settings(tenant_a()).await.unwrap(), settings);
    assert_eq!(
        store.get_settings(tenant_b()).await.unwrap(),
        TenantSettings::default()
    );
    assert_not_found(
        store
            .get_settings(TenantId::parse("cccccccc-cccc-4ccc-8ccc-cccccccccccc").unwrap())
            .await,
    );
}

pub async fn duplicate_domain_is_a_conflict_and_nothing_is_written(store: DynStore) {
    two_tenants(&store).await;
    let c = TenantId::parse("cccccccc-cccc-4ccc-8ccc-cccccccccccc").unwrap();
    let result = store
        .apply(
            c,
            vec![Write::CreateTenant(
                tenant(c, "C", &["c.onmicrosoft.com", "a.example.com"]),
                TenantSettings::default(),
            )],
        )
        .await;
    assert_conflict(result, Conflict::Domain("a.example.com".into()));
    assert!(store.find_tenant(c).await.unwrap().is_none());
    assert!(store
        .find_tenant_by_domain(&DomainName::parse("c.onmicrosoft.com").unwrap())
        .await
        .unwrap()
        .is_none());
    let wrong = store
        .apply(
            c,
            vec![Write::CreateTenant(
                tenant(tenant_b(), "B2", &["b2.example.com"]),
                TenantSettings::default(),
            )],
        )
        .await;
    assert!(
        matches!(wrong, Err(StoreError::TenantMismatch { .. })),
        "{wrong:?}"
    );
}

pub async fn user_round_trip(store: DynStore) {
    two_tenants(&store).await;
    let mut guest = member(7, "alice_fabrikam.com#EXT#@a.onmicrosoft.com");
    guest.mail = Some(email("alice@fabrikam.com"));
    guest.other_mails = vec![
        email("alice@fabrikam.com"),
        email("alice.wong@fabrikam.com"),
    ];
    guest.proxy_addresses = vec![
        ProxyAddress::primary(email("alice@fabrikam.com")),
        ProxyAddress::secondary(email("alice.wong@fabrikam.com")),
    ];
    guest.user_type = UserType::Guest;
    guest.creation_type = Some(CreationType::Invitation);
    guest.external_user_state = Some(ExternalUserState::PendingAcceptance);
    guest.external_user_state_changed_at = Some(at(3));
    guest.identities = vec![ObjectIdentity {
        sign_in_type: "userPrincipalName".into(),
        issuer: "a.onmicrosoft.com".into(),
        issuer_assigned_id: guest.user_principal_name.to_string(),
    }];
    guest.account_enabled = false;
    guest.hidden_from_address_lists = true;
    guest.on_premises_sync_enabled = true;
    guest.given_name = Some("Alice".into());
    guest.surname = Some("Wong".into());
    guest.password_hash = Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into());
    guest.mfa_methods = vec![MfaMethod::Totp {
        id: oid(70),
        secret_base32: "JBSWY3DPEHPK3PXP".into(),
        registered_at: at(4),
        last_used_step: Some(7),
    }];
    store
        .apply(tenant_a(), vec![Write::InsertUser(guest.clone())])
        .await
        .unwrap();
    assert_eq!(store.get_user(tenant_a(), guest.id).await.unwrap(), guest);
    let by_upn = store
        .find_user_by_upn(
            tenant_a(),
            &Upn::parse("ALICE_FABRIKAM.COM#EXT#@a.onmicrosoft.com").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(by_upn.as_ref(), Some(&guest));

    let mut changed = guest.clone();
    changed.display_name = "Alice Wong".into();
    changed.external_user_state = Some(ExternalUserState::Accepted);
    changed.mfa_methods.clear();
    store
        .apply(tenant_a(), vec![Write::UpdateUser(changed.clone())])
        .await
        .unwrap();
    assert_eq!(store.get_user(tenant_a(), guest.id).await.unwrap(), changed);
    assert_not_found(
        store
            .apply(
                tenant_a(),
                vec![Write::UpdateUser(member(99, "ghost@a.example.com"))],
            )
            .await,
    );

    store
        .apply(tenant_a(), vec![Write::DeleteUser(guest.id)])
        .await
        .unwrap();
    assert_not_found(store.get_user(tenant_a(), guest.id).await);
    assert_not_found(
        store
            .apply(tenant_a(), vec![Write::DeleteUser(guest.id)])
            .await,
    );
}

pub async fn upn_is_unique_per_tenant(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![Write::InsertUser(member(1, "megan@a.example.com"))],
        )
        .await
        .unwrap();
    let mut twin = member(2, "MEGAN@a.example.com");
    twin.proxy_addresses.clear();
    assert_conflict(
        store
            .apply(tenant_a(), vec![Write::InsertUser(twin.clone())])
            .await,
        Conflict::UserPrincipalName("MEGAN@a.example.com".into()),
    );
    store
        .apply(tenant_b(), vec![Write::InsertUser(twin)])
        .await
        .expect("the same UPN in another tenant is fine");
    let mut same_id = member(1, "other@a.example.com");
    same_id.proxy_addresses.clear();
    assert_conflict(
        store
            .apply(tenant_a(), vec![Write::InsertUser(same_id)])
            .await,
        Conflict::ObjectId(oid(1).to_string()),
    );
}

pub async fn proxy_addresses_are_unique_across_recipients(store: DynStore) {
    two_tenants(&store).await;
    let mut user = member(1, "user1@a.example.com");
    user.proxy_addresses
        .push(ProxyAddress::secondary(email("user1_tokyo@a.example.com")));
    store
        .apply(tenant_a(), vec![Write::InsertUser(user)])
        .await
        .unwrap();

    let group = Group {
        id: oid(2),
        display_name: "Sales".into(),
        description: None,
        mail_nickname: Some("sales".into()),
        mail: Some(email("sales@a.example.com")),
        mail_enabled: true,
        security_enabled: false,
        proxy_addresses: vec![
            ProxyAddress::primary(email("sales@a.example.com")),
            ProxyAddress::secondary(email("USER1_TOKYO@a.example.com")),
        ],
        created_at: at(2),
        kind: Default::default(),
    };
    assert_conflict(
        store
            .apply(tenant_a(), vec![Write::InsertGroup(group.clone())])
            .await,
        Conflict::ProxyAddress("USER1_TOKYO@a.example.com".into()),
    );
    assert_not_found(store.get_group(tenant_a(), group.id).await);

    let contact = MailContact {
        id: oid(3),
        display_name: "Ext".into(),
        mail: email("user1@a.example.com"),
        proxy_addresses: vec![ProxyAddress::primary(email("User1@A.example.com"))],
        hidden_from_address_lists: false,
        created_at: at(2),
    };
    assert_conflict(
        store
            .apply(tenant_a(), vec![Write::InsertContact(contact.clone())])
            .await,
        Conflict::ProxyAddress("User1@A.example.com".into()),
    );

    let mut fine_group = group.clone();
    fine_group.proxy_addresses.truncate(1);
    store
        .apply(tenant_a(), vec![Write::InsertGroup(fine_group.clone())])
        .await
        .unwrap();
    assert_eq!(
        store.get_group(tenant_a(), group.id).await.unwrap(),
        fine_group
    );
    assert_eq!(
        store
            .find_proxy_owner(tenant_a(), &email("SALES@a.example.com"))
            .await
            .unwrap(),
        Some((RecipientKind::Group, group.id))
    );
    assert_eq!(
        store
            .find_proxy_owner(tenant_a(), &email("user1_tokyo@a.example.com"))
            .await
            .unwrap(),
        Some((RecipientKind::User, oid(1)))
    );
    // The same addresses are free in another tenant.
    store
        .apply(tenant_b(), vec![Write::InsertContact(contact.clone())])
        .await
        .unwrap();
    assert_eq!(
        store.get_contact(tenant_b(), contact.id).await.unwrap(),
        contact
    );
    assert_eq!(
        store
            .find_proxy_owner(tenant_b(), &email("user1@a.example.com"))
            .await
            .unwrap(),
        Some((RecipientKind::Contact, contact.id))
    );
}

pub async fn proxy_addresses_follow_updates_and_deletes(store: DynStore) {
    two_tenants(&store).await;
    let mut user = member(1, "old@a.example.com");
    store
        .apply(tenant_a(), vec![Write::InsertUser(user.clone())])
        .await
        .unwrap();
    user.proxy_addresses = vec![ProxyAddress::primary(email("new@a.example.com"))];
    store
        .apply(tenant_a(), vec![Write::UpdateUser(user.clone())])
        .await
        .unwrap();
    assert_eq!(
        store
            .find_proxy_owner(tenant_a(), &email("old@a.example.com"))
            .await
            .unwrap(),
        None
    );
    let mut other = member(2, "other@a.example.com");
    other
        .proxy_addresses
        .push(ProxyAddress::secondary(email("old@a.example.com")));
    store
        .apply(tenant_a(), vec![Write::InsertUser(other)])
        .await
        .expect("a released address can be claimed");
    let mut thief = member(3, "thief@a.example.com");
    thief
        .proxy_addresses
        .push(ProxyAddress::secondary(email("new@a.example.com")));
    assert_conflict(
        store
            .apply(tenant_a(), vec![Write::InsertUser(thief.clone())])
            .await,
        Conflict::ProxyAddress("new@a.example.com".into()),
    );
    store
        .apply(tenant_a(), vec![Write::DeleteUser(user.id)])
        .await
        .unwrap();
    store
        .apply(tenant_a(), vec![Write::InsertUser(thief)])
        .await
        .expect("a deleted user's address is free");
}

pub async fn concurrent_claims_of_one_proxy_address_yield_one_owner(store: DynStore) {
    two_tenants(&store).await;
    let mut tasks = Vec::new();
    for n in 0..16u32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut user = member(100 + n, &format!("u{n}@a.example.com"));
            user.proxy_addresses
                .push(ProxyAddress::secondary(email("shared@a.example.com")));
            store.apply(tenant_a(), vec![Write::InsertUser(user)]).await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => ok += 1,
            Err(StoreError::Conflict(Conflict::ProxyAddress(_))) => {}
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(
        store
            .list_users(tenant_a(), Page::first(100))
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn users_are_found_by_any_address(store: DynStore) {
    two_tenants(&store).await;
    let mut user = member(1, "user1@a.example.com");
    user.mail = Some(email("mail1@a.example.com"));
    user.other_mails = vec![email("other1@elsewhere.net")];
    user.proxy_addresses = vec![
        ProxyAddress::primary(email("user1@a.example.com")),
        ProxyAddress::secondary(email("user1_tokyo@a.example.com")),
    ];
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertUser(user),
                Write::InsertUser(member(2, "user2@a.example.com")),
            ],
        )
        .await
        .unwrap();
    for address in [
        "USER1@a.example.com",
        "mail1@A.EXAMPLE.COM",
        "Other1@elsewhere.net",
        "user1_tokyo@a.example.com",
    ] {
        let found: Vec<ObjectId> = store
            .list_users_by_address(tenant_a(), &email(address))
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        assert_eq!(found, vec![oid(1)], "{address}");
    }
    assert!(store
        .list_users_by_address(tenant_a(), &email("nobody@a.example.com"))
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_users_by_address(tenant_b(), &email("user1@a.example.com"))
        .await
        .unwrap()
        .is_empty());
}

pub async fn tenant_scoping_never_leaks_rows(store: DynStore) {
    two_tenants(&store).await;
    let group = Group {
        id: oid(20),
        display_name: "G".into(),
        description: None,
        mail_nickname: None,
        mail: None,
        mail_enabled: false,
        security_enabled: true,
        proxy_addresses: vec![],
        created_at: at(2),
        kind: Default::default(),
    };
    let app = app(30, "c0c0a001-0000-4000-8000-000000000001");
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertUser(member(1, "a1@a.example.com")),
                Write::InsertGroup(group.clone()),
                Write::AddGroupMember {
                    group: group.id,
                    member: oid(1),
                },
                Write::InsertApplication(app.clone()),
                Write::AssignRole(RoleAssignment {
                    principal_id: oid(1),
                    role: DirectoryRole::GlobalAdministrator,
                }),
                Write::PutPartner(PartnerConfiguration::inheriting(tenant_b())),
                Write::PutConditionalAccessPolicy(ca_policy(40)),
                Write::InsertSignIn(sign_in(50, tenant_a(), 1)),
                Write::Audit(audit(60, 1)),
                Write::InsertSigningKey(signing_key("kid-a", 1)),
                Write::PutRiskyUser(risky(1)),
                Write::InsertInvitation(invitation(70, "ticket-a")),
            ],
        )
        .await
        .unwrap();
    let b = tenant_b();
    assert_not_found(store.get_user(b, oid(1)).await);
    assert!(store
        .find_user_by_upn(b, &Upn::parse("a1@a.example.com").unwrap())
        .await
        .unwrap()
        .is_none());
    assert!(store
        .list_users(b, Page::first(100))
        .await
        .unwrap()
        .is_empty());
    assert_not_found(store.get_group(b, group.id).await);
    assert!(store
        .list_groups(b, Page::first(100))
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_group_members(b, group.id)
        .await
        .unwrap()
        .is_empty());
    assert!(store.list_groups_of(b, oid(1)).await.unwrap().is_empty());
    assert!(store
        .find_application(b, app.client_id)
        .await
        .unwrap()
        .is_none());
    assert!(store.list_applications(b).await.unwrap().is_empty());
    assert!(store.list_role_assignments(b).await.unwrap().is_empty());
    assert!(store
        .list_partner_configurations(b)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_conditional_access_policies(b)
        .await
        .unwrap()
        .is_empty());
    assert!(store.list_sign_ins(b, 100).await.unwrap().is_empty());
    assert!(store.list_audit_records(b, 100).await.unwrap().is_empty());
    assert!(store.list_signing_keys(b).await.unwrap().is_empty());
    assert!(store.find_risky_user(b, oid(1)).await.unwrap().is_none());
    assert!(store
        .find_invitation_by_ticket(b, "ticket-a")
        .await
        .unwrap()
        .is_none());
    assert!(store
        .find_proxy_owner(b, &email("a1@a.example.com"))
        .await
        .unwrap()
        .is_none());
    // Writes through tenant B cannot touch tenant A's rows either.
    assert_not_found(store.apply(b, vec![Write::DeleteUser(oid(1))]).await);
    assert_not_found(
        store
            .apply(b, vec![Write::UpdateUser(member(1, "a1@a.example.com"))])
            .await,
    );
    assert_not_found(
        store
            .apply(
                b,
                vec![Write::AddGroupMember {
                    group: group.id,
                    member: oid(1),
                }],
            )
            .await,
    );
    assert_not_found(store.apply(b, vec![Write::DeleteGroup(group.id)]).await);
    assert_not_found(
        store
            .apply(
                b,
                vec![Write::AssignApplication {
                    app: app.id,
                    principal: oid(1),
                }],
            )
            .await,
    );
    assert_eq!(
        store
            .get_user(tenant_a(), oid(1))
            .await
            .unwrap()
            .user_principal_name
            .as_str(),
        "a1@a.example.com"
    );
    assert_eq!(
        store
            .list_group_members(tenant_a(), group.id)
            .await
            .unwrap(),
        vec![oid(1)]
    );
}

pub async fn batches_are_all_or_nothing(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![Write::InsertUser(member(1, "taken@a.example.com"))],
        )
        .await
        .unwrap();
    let mut clash = member(3, "clash@a.example.com");
    clash
        .proxy_addresses
        .push(ProxyAddress::secondary(email("taken@a.example.com")));
    let result = store
        .apply(
            tenant_a(),
            vec![
                Write::InsertUser(member(2, "fresh@a.example.com")),
                Write::Audit(audit(9, 2)),
                Write::InsertUser(clash),
            ],
        )
        .await;
    assert_conflict(result, Conflict::ProxyAddress("taken@a.example.com".into()));
    assert_not_found(store.get_user(tenant_a(), oid(2)).await);
    assert!(store
        .list_audit_records(tenant_a(), 10)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .find_proxy_owner(tenant_a(), &email("fresh@a.example.com"))
        .await
        .unwrap()
        .is_none());
}

pub async fn paging_is_ordered_and_complete(store: DynStore) {
    two_tenants(&store).await;
    let writes = (1..=25)
        .rev()
        .map(|n| Write::InsertUser(member(n, &format!("u{n}@a.example.com"))))
        .collect();
    store.apply(tenant_a(), writes).await.unwrap();
    let mut seen = Vec::new();
    let mut page = Page::first(10);
    loop {
        let users = store.list_users(tenant_a(), page).await.unwrap();
        let Some(last) = users.last() else { break };
        page.after = Some(last.id);
        seen.extend(users.iter().map(|u| u.id));
    }
    assert_eq!(seen, (1..=25).map(oid).collect::<Vec<_>>());
}

pub async fn groups_and_members(store: DynStore) {
    two_tenants(&store).await;
    let outer = Group {
        id: oid(10),
        display_name: "Outer".into(),
        description: Some("d".into()),
        mail_nickname: None,
        mail: Some(email("outer@a.example.com")),
        mail_enabled: true,
        security_enabled: true,
        proxy_addresses: vec![ProxyAddress::primary(email("outer@a.example.com"))],
        created_at: at(2),
        kind: Default::default(),
    };
    let inner = Group {
        id: oid(11),
        display_name: "Inner".into(),
        description: None,
        mail_nickname: None,
        mail: None,
        mail_enabled: false,
        security_enabled: true,
        proxy_addresses: vec![],
        created_at: at(2),
        kind: Default::default(),
    };
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertUser(member(1, "m1@a.example.com")),
                Write::InsertUser(member(2, "m2@a.example.com")),
                Write::InsertGroup(outer.clone()),
                Write::InsertGroup(inner.clone()),
                Write::AddGroupMember {
                    group: outer.id,
                    member: oid(1),
                },
                Write::AddGroupMember {
                    group: outer.id,
                    member: inner.id,
                },
                Write::AddGroupMember {
                    group: inner.id,
                    member: oid(2),
                },
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .list_group_members(tenant_a(), outer.id)
            .await
            .unwrap(),
        vec![oid(1), inner.id]
    );
    assert_eq!(
        store.list_groups_of(tenant_a(), oid(2)).await.unwrap(),
        vec![inner.id]
    );
    assert_eq!(
        store
            .list_groups_by_address(tenant_a(), &email("OUTER@a.example.com"))
            .await
            .unwrap(),
        vec![outer.clone()]
    );
    assert_conflict(
        store
            .apply(
                tenant_a(),
                vec![Write::AddGroupMember {
                    group: outer.id,
                    member: oid(1),
                }],
            )
            .await,
        Conflict::ObjectId(oid(1).to_string()),
    );
    assert_not_found(
        store
            .apply(
                tenant_a(),
                vec![Write::AddGroupMember {
                    group: outer.id,
                    member: oid(99),
                }],
            )
            .await,
    );
    store
        .apply(
            tenant_a(),
            vec![Write::RemoveGroupMember {
                group: outer.id,
                member: oid(1),
            }],
        )
        .await
        .unwrap();
    assert_not_found(
        store
            .apply(
                tenant_a(),
                vec![Write::RemoveGroupMember {
                    group: outer.id,
                    member: oid(1),
                }],
            )
            .await,
    );
    store
        .apply(tenant_a(), vec![Write::DeleteUser(oid(2))])
        .await
        .unwrap();
    assert!(store
        .list_group_members(tenant_a(), inner.id)
        .await
        .unwrap()
        .is_empty());
    store
        .apply(tenant_a(), vec![Write::DeleteGroup(inner.id)])
        .await
        .unwrap();
    assert!(store
        .list_group_members(tenant_a(), outer.id)
        .await
        .unwrap()
        .is_empty());
    let listed: Vec<ObjectId> = store
        .list_groups(tenant_a(), Page::first(10))
        .await
        .unwrap()
        .iter()
        .map(|g| g.id)
        .collect();
    assert_eq!(listed, vec![outer.id]);
    store
        .apply(tenant_a(), vec![Write::DeleteGroup(outer.id)])
        .await
        .unwrap();
    assert!(store
        .find_proxy_owner(tenant_a(), &email("outer@a.example.com"))
        .await
        .unwrap()
        .is_none());
}

pub(crate) fn app(n: u32, client_id: &str) -> Application {
    Application {
        id: oid(n),
        client_id: ClientId::parse(client_id).unwrap(),
        display_name: format!("App {n}"),
        redirect_uris: vec![RedirectUri::parse("https://localhost:8443/portico/callback").unwrap()],
        public_client: false,
        assignment_required: true,
        allow_password_grant: false,
        graph_app_permissions: vec!["User.Read.All".into()],
        secrets: vec![ClientSecret {
            id: oid(n + 1000),
            display_name: Some("demo".into()),
            hint: "con".into(),
            sha256_hex: "ab".repeat(32),
            expires_at: None,
        }],
        key_credentials: vec![portico_model::application::KeyCredential {
            key_id: oid(n + 2000),
            display_name: Some("CN=app".into()),
            certificate_base64: "MIIB".into(),
            start_at: Some(at(1)),
            end_at: None,
        }],
        registration: portico_model::app_registration::Registration {
            identifier_uris: vec![format!("api://app-{n}")],
            requested_access_token_version: Some(2),
            ..Default::default()
        },
        created_at: at(2),
    }
}

pub async fn applications_roles_and_assignments(store: DynStore) {
    two_tenants(&store).await;
    let payroll = app(30, "c0c0a004-0000-4000-8000-000000000004");
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertUser(member(1, "megan@a.example.com")),
                Write::InsertApplication(payroll.clone()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .find_application(tenant_a(), payroll.client_id)
            .await
            .unwrap(),
        Some(payroll.clone())
    );
    let mut duplicate = app(31, "c0c0a004-0000-4000-8000-000000000004");
    duplicate.display_name = "Other".into();
    assert_conflict(
        store
            .apply(tenant_a(), vec![Write::InsertApplication(duplicate)])
            .await,
        Conflict::ClientId("c0c0a004-0000-4000-8000-000000000004".into()),
    );
    let mut renamed = payroll.clone();
    renamed.display_name = "Payroll".into();
    renamed.secrets.clear();
    store
        .apply(
            tenant_a(),
            vec![
                Write::UpdateApplication(renamed.clone()),
                Write::AssignApplication {
                    app: payroll.id,
                    principal: oid(1),
                },
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        store.list_applications(tenant_a()).await.unwrap(),
        vec![renamed]
    );
    assert_eq!(
        store
            .list_app_assignments(tenant_a(), payroll.id)
            .await
            .unwrap(),
        vec![oid(1)]
    );

    let admin = RoleAssignment {
        principal_id: oid(1),
        role: DirectoryRole::GlobalAdministrator,
    };
    let inviter = RoleAssignment {
        principal_id: oid(1),
        role: DirectoryRole::GuestInviter,
    };
    store
        .apply(
            tenant_a(),
            vec![Write::AssignRole(admin), Write::AssignRole(inviter)],
        )
        .await
        .unwrap();
    let mut roles = store.list_role_assignments(tenant_a()).await.unwrap();
    roles.sort_by_key(|r| r.role.display_name());
    assert_eq!(roles, vec![admin, inviter]);
    store
        .apply(tenant_a(), vec![Write::RemoveRole(inviter)])
        .await
        .unwrap();
    assert_eq!(
        store.list_role_assignments(tenant_a()).await.unwrap(),
        vec![admin]
    );
    store
        .apply(tenant_a(), vec![Write::DeleteUser(oid(1))])
        .await
        .unwrap();
    assert!(store
        .list_role_assignments(tenant_a())
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_app_assignments(tenant_a(), payroll.id)
        .await
        .unwrap()
        .is_empty());
}

fn ca_policy(n: u32) -> ConditionalAccessPolicy {
    ConditionalAccessPolicy {
        id: oid(n),
        display_name: "Block high-risk users".into(),
        description: Some("Users at high risk are refused until they reset their password.".into()),
        state: PolicyState::Enabled,
        conditions: Conditions {
            users: UserConditions {
                include_users: vec!["All".into()],
                ..Default::default()
            },
            applications: ApplicationConditions {
                include_applications: vec!["All".into()],
                ..Default::default()
            },
            user_risk_levels: vec![RiskLevel::High],
            ..Default::default()
        },
        grant_controls: Some(GrantControls {
            operator: GrantOperator::Or,
            built_in_controls: vec![BuiltInControl::Block],
            terms_of_use: vec![],
        }),
        session_controls: None,
        created_at: at(2),
        modified_at: None,
    }
}

pub(crate) fn sign_in(n: u32, resource: TenantId, day: u32) -> SignInRecord {
    SignInRecord {
        id: oid(n),
        created_at: at(day),
        sign_in_event_type: "interactiveUser".into(),
        correlation_id: oid(n + 500),
        user_id: Some(oid(1)),
        user_principal_name: Some("a1@a.example.com".into()),
        user_display_name: None,
        user_type: Some(UserType::Guest),
        app_id: None,
        app_display_name: None,
        ip_address: Some("127.0.0.1".into()),
        client_app_used: Some("Browser".into()),
        cross_tenant_access_type: CrossTenantAccessType::B2bCollaboration,
        home_tenant_id: Some(tenant_b()),
        resource_tenant_id: resource,
        error_code: 500212,
        failure_reason: Some("blocked".into()),
        additional_details: None,
        responsible_party: None,
        responsible_tenant_id: None,
        decided_by: None,
        conditional_access_status: None,
        applied_conditional_access_policies: vec![],
        resource_id: None,
        resource_display_name: None,
        risk_level_during_sign_in: None,
        risk_state: None,
        is_tenant_restricted: false,
        risk_level_aggregated: None,
        user_agent: None,
        service_principal_id: None,
    }
}

pub(crate) fn audit(n: u32, day: u32) -> AuditRecord {
    AuditRecord {
        id: oid(n),
        activity_at: at(day),
        category: "UserManagement".into(),
        activity: "Add user".into(),
        initiated_by: Actor::System {
            what: "test".into(),
        },
        targets: vec![],
        success: true,
        correlation_id: None,
    }
}

fn signing_key(kid: &str, day: u32) -> SigningKey {
    SigningKey {
        kid: kid.into(),
        private_key_sealed: vec![0, 1, 2, 255],
        public_jwk: "{\"kty\":\"RSA\"}".into(),
        created_at: at(day),
        active_from: at(day),
        retire_at: None,
    }
}

fn risky(n: u32) -> RiskyUser {
    RiskyUser {
        user_id: oid(n),
        risk_level: RiskLevel::High,
        risk_state: RiskState::ConfirmedCompromised,
        risk_detail: "adminConfirmedUserCompromised".into(),
        updated_at: at(3),
        simulated_sign_in_risk: RiskLevel::None,
    }
}

fn invitation(n: u32, ticket: &str) -> Invitation {
    Invitation {
        id: oid(n),
        invited_user_id: oid(1),
        invited_email: email("alice@fabrikam.com"),
        invited_user_type: UserType::Guest,
        invite_redirect_url: "https://myapps.microsoft.com".into(),
        ticket_sha256_hex: ticket.into(),
        status: InvitationStatus::PendingAcceptance,
        invited_by: oid(2),
        created_at: at(2),
        expires_at: None,
        redeemed_at: None,
    }
}

pub async fn policy_documents(store: DynStore) {
    two_tenants(&store).await;
    let mut partner = PartnerConfiguration::inheriting(tenant_b());
    partner.b2b_collaboration_outbound = Some(B2bSetting::block_all());
    let location = NamedLocation {
        id: oid(41),
        display_name: "HQ".into(),
        location: LocationKind::Ip {
            ranges: vec!["10.0.0.0/8".into()],
            is_trusted: true,
        },
        created_at: at(2),
        modified_at: None,
    };
    let terms = TermsOfUse {
        id: oid(42),
        display_name: "Guest terms".into(),
        text: "Be nice.".into(),
        created_at: at(2),
        is_viewing_before_acceptance_required: false,
    };
    store
        .apply(
            tenant_a(),
            vec![
                Write::PutPartner(partner.clone()),
                Write::PutConditionalAccessPolicy(ca_policy(40)),
                Write::PutNamedLocation(location.clone()),
                Write::PutTermsOfUse(terms.clone()),
                Write::PutRiskyUser(risky(1)),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .find_partner_configuration(tenant_a(), tenant_b())
            .await
            .unwrap(),
        Some(partner.clone())
    );
    assert!(store
        .find_partner_configuration(tenant_a(), tenant_a())
        .await
        .unwrap()
        .is_none());
    partner.inbound_trust = Some(Default::default());
    store
        .apply(tenant_a(), vec![Write::PutPartner(partner.clone())])
        .await
        .unwrap();
    assert_eq!(
        store.list_partner_configurations(tenant_a()).await.unwrap(),
        vec![partner]
    );
    let mut report_only = ca_policy(40);
    report_only.state = PolicyState::EnabledForReportingButNotEnforced;
    store
        .apply(
            tenant_a(),
            vec![Write::PutConditionalAccessPolicy(report_only.clone())],
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .list_conditional_access_policies(tenant_a())
            .await
            .unwrap(),
        vec![report_only]
    );
    assert_eq!(
        store.list_named_locations(tenant_a()).await.unwrap(),
        vec![location]
    );
    assert_eq!(
        store.list_terms_of_use(tenant_a()).await.unwrap(),
        vec![terms]
    );
    assert_eq!(
        store.find_risky_user(tenant_a(), oid(1)).await.unwrap(),
        Some(risky(1))
    );
    store
        .apply(
            tenant_a(),
            vec![
                Write::DeleteConditionalAccessPolicy(oid(40)),
                Write::DeletePartner(tenant_b()),
                Write::DeleteNamedLocation(oid(41)),
                Write::DeleteTermsOfUse(oid(42)),
            ],
        )
        .await
        .unwrap();
    assert!(store
        .list_named_locations(tenant_a())
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_terms_of_use(tenant_a())
        .await
        .unwrap()
        .is_empty());
    assert_not_found(
        store
            .apply(tenant_a(), vec![Write::DeleteTermsOfUse(oid(42))])
            .await,
    );
    assert!(store
        .list_conditional_access_policies(tenant_a())
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_partner_configurations(tenant_a())
        .await
        .unwrap()
        .is_empty());
    assert_not_found(
        store
            .apply(tenant_a(), vec![Write::DeletePartner(tenant_b())])
            .await,
    );
}

pub async fn invitations_logs_and_keys(store: DynStore) {
    two_tenants(&store).await;
    let mut pending = invitation(70, "hash-1");
    store
        .apply(tenant_a(), vec![Write::InsertInvitation(pending.clone())])
        .await
        .unwrap();
    assert_eq!(
        store
            .find_invitation_by_ticket(tenant_a(), "hash-1")
            .await
            .unwrap(),
        Some(pending.clone())
    );
    pending.status = InvitationStatus::Completed;
    pending.redeemed_at = Some(at(5));
    store
        .apply(tenant_a(), vec![Write::UpdateInvitation(pending.clone())])
        .await
        .unwrap();
    assert_eq!(
        store
            .list_invitations_for_user(tenant_a(), oid(1))
            .await
            .unwrap(),
        vec![pending]
    );
    assert_conflict(
        store
            .apply(
                tenant_a(),
                vec![Write::InsertInvitation(invitation(71, "hash-1"))],
            )
            .await,
        Conflict::ObjectId(oid(71).to_string()),
    );

    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertSignIn(sign_in(50, tenant_a(), 1)),
                Write::InsertSignIn(sign_in(51, tenant_a(), 3)),
                Write::InsertSignIn(sign_in(52, tenant_a(), 2)),
            ],
        )
        .await
        .unwrap();
    let ids: Vec<ObjectId> = store
        .list_sign_ins(tenant_a(), 2)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, vec![oid(51), oid(52)]);
    assert_eq!(
        store.list_sign_ins(tenant_a(), 10).await.unwrap()[0],
        sign_in(51, tenant_a(), 3)
    );
    store
        .apply(
            tenant_a(),
            vec![Write::Audit(audit(60, 1)), Write::Audit(audit(61, 4))],
        )
        .await
        .unwrap();
    assert_eq!(
        store.list_audit_records(tenant_a(), 10).await.unwrap(),
        vec![audit(61, 4), audit(60, 1)]
    );

    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertSigningKey(signing_key("k1", 1)),
                Write::InsertSigningKey(signing_key("k2", 2)),
            ],
        )
        .await
        .unwrap();
    store
        .apply(
            tenant_a(),
            vec![Write::RetireSigningKey {
                kid: "k1".into(),
                retire_at: at(9),
            }],
        )
        .await
        .unwrap();
    let keys = store.list_signing_keys(tenant_a()).await.unwrap();
    let mut retired = signing_key("k1", 1);
    retired.retire_at = Some(at(9));
    assert_eq!(keys, vec![retired, signing_key("k2", 2)]);
    assert_not_found(
        store
            .apply(
                tenant_a(),
                vec![Write::RetireSigningKey {
                    kid: "nope".into(),
                    retire_at: at(9),
                }],
            )
            .await,
    );
}

fn message(n: u32, to: &str, cc: &[&str], day: u32) -> OutboxMessage {
    OutboxMessage {
        id: oid(n),
        tenant_id: Some(tenant_a()),
        from: email("invites@a.example.com"),
        to: vec![email(to)],
        cc: cc.iter().map(|c| email(c)).collect(),
        subject: format!("Message {n}"),
        text: "text".into(),
        html: "<p>html</p>".into(),
        links: vec!["https://localhost:8443/redeem?t=x".into()],
        created_at: at(day),
        delivered_at: None,
        delivery_attempts: 0,
        last_error: None,
        sealed_body: Some(format!("sealed:body-{n}")),
    }
}

pub async fn outbox_filters_and_delivery(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![
                Write::EnqueueMail(message(1, "alice@fabrikam.com", &[], 1)),
                Write::EnqueueMail(message(2, "bob@fabrikam.com", &["Alice@Fabrikam.com"], 2)),
                Write::EnqueueMail(message(3, "carol@outlook.com", &[], 3)),
            ],
        )
        .await
        .unwrap();
    let ids = |messages: Vec<OutboxMessage>| messages.iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .list_outbox(Some(&email("ALICE@fabrikam.com")), 10)
            .await
            .unwrap()),
        vec![oid(2), oid(1)]
    );
    assert_eq!(
        ids(store.list_outbox(None, 10).await.unwrap()),
        vec![oid(3), oid(2), oid(1)]
    );
    assert_eq!(
        ids(store.list_undelivered(10).await.unwrap()),
        vec![oid(1), oid(2), oid(3)]
    );
    assert_eq!(store.count_undelivered().await.unwrap(), 3);
    store
        .record_delivery(
            oid(1),
            Delivery::Failed {
                error: "connection refused".into(),
            },
        )
        .await
        .unwrap();
    store
        .record_delivery(oid(1), Delivery::Delivered { at: at(4) })
        .await
        .unwrap();
    assert_eq!(
        ids(store.list_undelivered(10).await.unwrap()),
        vec![oid(2), oid(3)]
    );
    // A failed attempt keeps a message queued; a delivery takes it off the count.
    assert_eq!(store.count_undelivered().await.unwrap(), 2);
    let delivered = store
        .list_outbox(Some(&email("alice@fabrikam.com")), 10)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(
        (
            delivered.delivered_at,
            delivered.delivery_attempts,
            delivered.last_error
        ),
        (Some(at(4)), 2, None)
    );
    // Delivered: the body (passcodes, redeem links) is purged, the envelope kept.
    assert_eq!(
        (
            delivered.text.as_str(),
            delivered.html.as_str(),
            delivered.links.len(),
            delivered.sealed_body.clone()
        ),
        ("", "", 0, None)
    );
    assert_eq!(delivered.subject, "Message 1");
    let waiting = store.list_undelivered(10).await.unwrap().remove(0);
    assert_eq!(waiting.sealed_body.as_deref(), Some("sealed:body-2"));
    assert!(!waiting.text.is_empty(), "undelivered bodies are kept");
    assert_not_found(
        store
            .record_delivery(oid(99), Delivery::Delivered { at: at(4) })
            .await,
    );
    let mut foreign = message(4, "x@y.example.com", &[], 1);
    foreign.tenant_id = Some(tenant_b());
    assert!(matches!(
        store
            .apply(tenant_a(), vec![Write::EnqueueMail(foreign)])
            .await,
        Err(StoreError::TenantMismatch { .. })
    ));
}

pub async fn reset_replaces_everything(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertUser(member(1, "a1@a.example.com")),
                Write::EnqueueMail(message(1, "alice@fabrikam.com", &[], 1)),
            ],
        )
        .await
        .unwrap();
    let c = TenantId::parse("cccccccc-cccc-4ccc-8ccc-cccccccccccc").unwrap();
    let seed = vec![TenantBatch {
        tenant: c,
        writes: vec![
            Write::CreateTenant(
                tenant(c, "C", &["c.onmicrosoft.com", "a.example.com"]),
                TenantSettings::default(),
            ),
            Write::InsertUser(member(2, "c2@a.example.com")),
        ],
    }];
    store.reset(seed.clone()).await.unwrap();
    let ids: Vec<TenantId> = store
        .list_tenants()
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, vec![c]);
    assert!(store.list_outbox(None, 10).await.unwrap().is_empty());
    assert_eq!(
        store
            .get_user(c, oid(2))
            .await
            .unwrap()
            .user_principal_name
            .as_str(),
        "c2@a.example.com"
    );
    // A failing reset leaves the previous world in place.
    let mut broken = seed;
    broken[0]
        .writes
        .push(Write::InsertUser(member(2, "again@a.example.com")));
    assert!(store.reset(broken).await.is_err());
    assert_eq!(store.list_tenants().await.unwrap().len(), 1);
    assert_eq!(
        store
            .get_user(c, oid(2))
            .await
            .unwrap()
            .user_principal_name
            .as_str(),
        "c2@a.example.com"
    );
}

fn code(hash: &str, family: u32) -> portico_model::oauth::AuthorizationCode {
    portico_model::oauth::AuthorizationCode {
        code_hash: hash.into(),
        family_id: oid(family),
        client_id: ClientId::parse("c0c0a003-0000-4000-8000-000000000003").unwrap(),
        redirect_uri: "http://localhost".into(),
        user_id: oid(1),
        scopes: vec!["openid".into()],
        nonce: Some("n".into()),
        code_challenge: Some("c".into()),
        auth_time: at(2),
        amr: vec!["pwd".into()],
        created_at: at(2),
        expires_at: at(3),
        redeemed_at: None,
        session_id: Some("5e55i0n".into()),
    }
}

fn refresh(hash: &str, family: u32, user: u32) -> portico_model::oauth::RefreshToken {
    portico_model::oauth::RefreshToken {
        token_hash: hash.into(),
        family_id: oid(family),
        client_id: ClientId::parse("c0c0a003-0000-4000-8000-000000000003").unwrap(),
        user_id: oid(user),
        scopes: vec!["User.Read".into()],
        auth_time: at(2),
        amr: vec!["pwd".into()],
        created_at: at(2),
        expires_at: at(20),
        rotated_at: None,
        revoked_at: None,
    }
}

pub async fn authorization_codes_are_single_use_under_concurrency(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![Write::InsertAuthorizationCode(code("code-1", 900))],
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .find_authorization_code(tenant_a(), "code-1")
            .await
            .unwrap(),
        Some(code("code-1", 900))
    );
    assert!(store
        .find_authorization_code(tenant_b(), "code-1")
        .await
        .unwrap()
        .is_none());
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .apply(
                    tenant_a(),
                    vec![Write::RedeemAuthorizationCode {
                        code_hash: "code-1".into(),
                        at: at(2),
                    }],
                )
                .await
        }));
    }
    let mut redeemed = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => redeemed += 1,
            Err(StoreError::Conflict(Conflict::Precondition(_))) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(redeemed, 1);
    assert_eq!(
        store
            .find_authorization_code(tenant_a(), "code-1")
            .await
            .unwrap()
            .unwrap()
            .redeemed_at,
        Some(at(2))
    );
    assert_not_found(
        store
            .apply(
                tenant_b(),
                vec![Write::RedeemAuthorizationCode {
                    code_hash: "code-1".into(),
                    at: at(2),
                }],
            )
            .await,
    );
    assert_not_found(
        store
            .apply(
                tenant_a(),
                vec![Write::RedeemAuthorizationCode {
                    code_hash: "nope".into(),
                    at: at(2),
                }],
            )
            .await,
    );
}

pub async fn refresh_tokens_rotate_once_and_families_revoke(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertRefreshToken(refresh("rt-1", 900, 1)),
                Write::InsertRefreshToken(refresh("rt-other", 901, 1)),
                Write::InsertRefreshToken(refresh("rt-2nd-user", 902, 2)),
            ],
        )
        .await
        .unwrap();
    store
        .apply(
            tenant_a(),
            vec![
                Write::RotateRefreshToken {
                    token_hash: "rt-1".into(),
                    at: at(3),
                },
                Write::InsertRefreshToken(refresh("rt-2", 900, 1)),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .find_refresh_token(tenant_a(), "rt-1")
            .await
            .unwrap()
            .unwrap()
            .rotated_at,
        Some(at(3))
    );
    let reuse = store
        .apply(
            tenant_a(),
            vec![
                Write::RotateRefreshToken {
                    token_hash: "rt-1".into(),
                    at: at(4),
                },
                Write::InsertRefreshToken(refresh("rt-3", 900, 1)),
            ],
        )
        .await;
    assert!(
        matches!(reuse, Err(StoreError::Conflict(Conflict::Precondition(_)))),
        "{reuse:?}"
    );
    assert!(
        store
            .find_refresh_token(tenant_a(), "rt-3")
            .await
            .unwrap()
            .is_none(),
        "the failed rotation wrote nothing"
    );
    store
        .apply(
            tenant_a(),
            vec![Write::RevokeTokenFamily {
                family_id: oid(900),
                at: at(4),
            }],
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .find_refresh_token(tenant_a(), "rt-2")
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(at(4))
    );
    assert!(store
        .find_refresh_token(tenant_a(), "rt-other")
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_none());
    let revoked = store
        .apply(
            tenant_a(),
            vec![Write::RotateRefreshToken {
                token_hash: "rt-2".into(),
                at: at(5),
            }],
        )
        .await;
    assert!(matches!(
        revoked,
        Err(StoreError::Conflict(Conflict::Precondition(_)))
    ));
    assert!(store
        .find_refresh_token(tenant_b(), "rt-other")
        .await
        .unwrap()
        .is_none());

    let session = portico_model::oauth::Session {
        session_hash: "s-1".into(),
        user_id: oid(1),
        auth_time: at(2),
        amr: vec!["pwd".into()],
        persistent: true,
        created_at: at(2),
        expires_at: at(9),
    };
    store
        .apply(tenant_a(), vec![Write::PutSession(session.clone())])
        .await
        .unwrap();
    assert_eq!(
        store.find_session(tenant_a(), "s-1").await.unwrap(),
        Some(session)
    );
    store
        .apply(
            tenant_a(),
            vec![Write::RevokeUserTokens {
                user_id: oid(1),
                at: at(6),
            }],
        )
        .await
        .unwrap();
    assert!(store
        .find_refresh_token(tenant_a(), "rt-other")
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_some());
    assert!(store
        .find_refresh_token(tenant_a(), "rt-2nd-user")
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_none());
    assert!(
        store
            .find_session(tenant_a(), "s-1")
            .await
            .unwrap()
            .is_none(),
        "sessions end with the user's tokens"
    );
}

pub async fn login_flows_and_sessions(store: DynStore) {
    use portico_model::oauth::{AuthorizationRequest, FlowStep, LoginFlow};
    two_tenants(&store).await;
    let mut flow = LoginFlow {
        flow_hash: "f-1".into(),
        csrf_token: "csrf".into(),
        request: AuthorizationRequest {
            client_id: ClientId::parse("c0c0a003-0000-4000-8000-000000000003").unwrap(),
            redirect_uri: "http://localhost".into(),
            scopes: vec!["openid".into()],
            state: Some("s".into()),
            nonce: None,
            code_challenge: Some("c".into()),
            response_mode: "query".into(),
            login_hint: None,
            max_age: None,
        },
        purpose: Default::default(),
        step: FlowStep::Identify,
        keep_signed_in: false,
        failed_attempts: 0,
        created_at: at(2),
        expires_at: at(3),
    };
    store
        .apply(tenant_a(), vec![Write::InsertLoginFlow(flow.clone())])
        .await
        .unwrap();
    flow.step = FlowStep::Password { user_id: oid(1) };
    store
        .apply(tenant_a(), vec![Write::UpdateLoginFlow(flow.clone())])
        .await
        .unwrap();
    assert_eq!(
        store.find_login_flow(tenant_a(), "f-1").await.unwrap(),
        Some(flow)
    );
    assert!(store
        .find_login_flow(tenant_b(), "f-1")
        .await
        .unwrap()
        .is_none());
    assert_not_found(
        store
            .apply(
                tenant_b(),
                vec![Write::DeleteLoginFlow {
                    flow_hash: "f-1".into(),
                }],
            )
            .await,
    );
    store
        .apply(
            tenant_a(),
            vec![Write::DeleteLoginFlow {
                flow_hash: "f-1".into(),
            }],
        )
        .await
        .unwrap();
    assert!(store
        .find_login_flow(tenant_a(), "f-1")
        .await
        .unwrap()
        .is_none());
    assert_not_found(
        store
            .apply(
                tenant_a(),
                vec![Write::DeleteSession {
                    session_hash: "none".into(),
                }],
            )
            .await,
    );
}

pub async fn guest_bindings_are_one_per_home_account(store: DynStore) {
    use portico_model::invitation::GuestBinding;
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![
                Write::InsertUser(member(1, "g1@a.example.com")),
                Write::InsertUser(member(2, "g2@a.example.com")),
            ],
        )
        .await
        .unwrap();
    let binding = |guest: u32, subject: &str| GuestBinding {
        guest_id: oid(guest),
        issuer: TENANT_B.into(),
        subject: subject.into(),
        confirmed: false,
    };
    store
        .apply(
            tenant_a(),
            vec![Write::PutGuestBinding(binding(1, "home-1"))],
        )
        .await
        .unwrap();
    let taken = store
        .apply(
            tenant_a(),
            vec![Write::PutGuestBinding(binding(2, "home-1"))],
        )
        .await;
    assert!(
        matches!(taken, Err(StoreError::Conflict(Conflict::Precondition(_)))),
        "{taken:?}"
    );
    assert_eq!(
        store
            .find_guest_by_home(tenant_a(), TENANT_B, "home-1")
            .await
            .unwrap()
            .map(|b| b.guest_id),
        Some(oid(1))
    );
    assert!(store
        .find_guest_by_home(tenant_b(), TENANT_B, "home-1")
        .await
        .unwrap()
        .is_none());
    let mut confirmed = binding(1, "home-1b");
    confirmed.confirmed = true;
    store
        .apply(tenant_a(), vec![Write::PutGuestBinding(confirmed.clone())])
        .await
        .unwrap();
    assert_eq!(
        store
            .find_binding_of_guest(tenant_a(), oid(1))
            .await
            .unwrap(),
        Some(confirmed)
    );
    assert!(
        store
            .find_guest_by_home(tenant_a(), TENANT_B, "home-1")
            .await
            .unwrap()
            .is_none(),
        "re-binding replaces"
    );
    assert_eq!(
        store
            .list_guest_tenants(TENANT_B, "home-1b")
            .await
            .unwrap()
            .len(),
        1
    );
    assert_not_found(
        store
            .apply(tenant_a(), vec![Write::PutGuestBinding(binding(77, "x"))])
            .await,
    );
    store
        .apply(tenant_a(), vec![Write::DeleteUser(oid(1))])
        .await
        .unwrap();
    assert!(
        store
            .find_guest_by_home(tenant_a(), TENANT_B, "home-1b")
            .await
            .unwrap()
            .is_none(),
        "deleting the guest drops its binding"
    );

    // Concurrent bindings of one home account: exactly one wins.
    let writes: Vec<Write> = (10..30)
        .map(|n| Write::InsertUser(member(n, &format!("c{n}@a.example.com"))))
        .collect();
    store.apply(tenant_a(), writes).await.unwrap();
    let mut tasks = Vec::new();
    for n in 10..30u32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .apply(
                    tenant_a(),
                    vec![Write::PutGuestBinding(GuestBinding {
                        guest_id: oid(n),
                        issuer: "mail".into(),
                        subject: "dave@example.net".into(),
                        confirmed: false,
                    })],
                )
                .await
        }));
    }
    let mut won = 0;
    for task in tasks {
        if task.await.unwrap().is_ok() {
            won += 1;
        }
    }
    assert_eq!(won, 1);
}

pub async fn invitations_redeem_once(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![Write::InsertInvitation(invitation(70, "t-1"))],
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .apply(
                    tenant_a(),
                    vec![Write::RedeemInvitation {
                        id: oid(70),
                        at: at(4),
                    }],
                )
                .await
        }));
    }
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => won += 1,
            Err(StoreError::Conflict(Conflict::Precondition(_))) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(won, 1);
    let redeemed = store
        .find_invitation(tenant_a(), oid(70))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(redeemed.status, InvitationStatus::Completed);
    assert_eq!(redeemed.redeemed_at, Some(at(4)));
    assert!(store
        .find_invitation(tenant_b(), oid(70))
        .await
        .unwrap()
        .is_none());
}

pub async fn terms_are_accepted_once_and_risk_is_listed_per_tenant(store: DynStore) {
    two_tenants(&store).await;
    store
        .apply(
            tenant_a(),
            vec![Write::InsertUser(member(1, "megan@a.example"))],
        )
        .await
        .unwrap();
    let acceptance = |day| TermsAcceptance {
        user_id: oid(1),
        terms_id: oid(42),
        accepted_at: at(day),
    };
    store
        .apply(tenant_a(), vec![Write::AcceptTerms(acceptance(2))])
        .await
        .unwrap();
    // Concurrent and repeated acceptances keep one row with the first time.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        let late = acceptance(5);
        tasks.push(tokio::spawn(async move {
            store
                .apply(tenant_a(), vec![Write::AcceptTerms(late)])
                .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(
        store
            .list_terms_acceptances(tenant_a(), oid(1))
            .await
            .unwrap(),
        vec![acceptance(2)]
    );
    assert!(store
        .list_terms_acceptances(tenant_b(), oid(1))
        .await
        .unwrap()
        .is_empty());
    // An acceptance for a user the tenant does not have is refused.
    assert!(store
        .apply(tenant_b(), vec![Write::AcceptTerms(acceptance(3))])
        .await
        .is_err());

    store
        .apply(tenant_a(), vec![Write::PutRiskyUser(risky(1))])
        .await
        .unwrap();
    assert_eq!(
        store.list_risky_users(tenant_a()).await.unwrap(),
        vec![risky(1)]
    );
    assert!(store.list_risky_users(tenant_b()).await.unwrap().is_empty());
    // Deleting the user takes its acceptances with it.
    store
        .apply(tenant_a(), vec![Write::DeleteUser(oid(1))])
        .await
        .unwrap();
    assert!(store
        .list_terms_acceptances(tenant_a(), oid(1))
        .await
        .unwrap()
        .is_empty());
}

pub async fn partner_entries_are_inserted_once_and_updated_only_while_they_exist(store: DynStore) {
    two_tenants(&store).await;
    let mut partner = PartnerConfiguration::inheriting(tenant_b());
    store
        .apply(tenant_a(), vec![Write::InsertPartner(partner.clone())])
        .await
        .unwrap();
    // A second insert for the same partner tenant is a conflict and writes nothing.
    partner.is_service_provider = true;
    assert_conflict(
        store
            .apply(tenant_a(), vec![Write::InsertPartner(partner.clone())])
            .await,
        Conflict::ObjectId(tenant_b().to_string()),
    );
    assert!(
        !store
            .find_partner_configuration(tenant_a(), tenant_b())
            .await
            .unwrap()
            .unwrap()
            .is_service_provider
    );
    // The same entry in another tenant is its own row.
    store
        .apply(tenant_b(), vec![Write::InsertPartner(partner.clone())])
        .await
        .unwrap();
    store
        .apply(tenant_a(), vec![Write::UpdatePartner(partner.clone())])
        .await
        .unwrap();
    assert_eq!(
        store
            .find_partner_configuration(tenant_a(), tenant_b())
            .await
            .unwrap(),
        Some(partner.clone())
    );
    // An update never recreates a deleted entry.
    store
        .apply(tenant_a(), vec![Write::DeletePartner(tenant_b())])
        .await
        .unwrap();
    assert_not_found(
        store
            .apply(tenant_a(), vec![Write::UpdatePartner(partner)])
            .await,
    );
    assert!(store
        .list_partner_configurations(tenant_a())
        .await
        .unwrap()
        .is_empty());
}
