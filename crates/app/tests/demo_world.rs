//! The shipped demo seed produces exactly docs/demo-world.md.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

use chrono::{TimeZone, Utc};
use portico_app::secrets::{secret_matches, verify_password};
use portico_app::seed::{build_world, demo, parse};
use portico_model::cross_tenant::{AccessType, B2bSetting};
use portico_model::role::DirectoryRole;
use portico_model::settings::{AllowInvitesFrom, GuestAccessLevel};
use portico_model::user::MfaMethod;
use portico_model::{ClientId, DomainName, EmailAddress, TenantId, Upn};
use portico_store::{Page, SqlStore, Store, StoreConfig};
use std::sync::Arc;

const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";
const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
const ADATUM: &str = "33333333-3333-4333-8333-333333333333";
const WOODGROVE: &str = "44444444-4444-4444-8444-444444444444";
const CONSUMERS: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

async fn demo_store() -> Arc<dyn Store> {
    let store: Arc<dyn Store> = Arc::new(SqlStore::open(&StoreConfig::SqliteMemory).await.unwrap());
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    store
        .reset(build_world(&demo().unwrap(), "https://localhost:8443", now).unwrap())
        .await
        .unwrap();
    store
}

fn tid(text: &str) -> TenantId {
    TenantId::parse(text).unwrap()
}

async fn user(store: &Arc<dyn Store>, tenant: &str, upn: &str) -> portico_model::user::User {
    store
        .find_user_by_upn(tid(tenant), &Upn::parse(upn).unwrap())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{upn}"))
}

#[tokio::test]
async fn tenants_and_domains_match_the_spec() {
    let store = demo_store().await;
    let tenants = store.list_tenants().await.unwrap();
    let summary: Vec<(String, String, Vec<String>)> = tenants
        .iter()
        .map(|t| {
            (
                t.id.to_string(),
                t.display_name.clone(),
                t.domains().map(|d| d.to_string()).collect(),
            )
        })
        .collect();
    let expected = [
        (
            CONTOSO,
            "Contoso",
            vec!["contoso.onmicrosoft.com", "contoso.com"],
        ),
        (
            FABRIKAM,
            "Fabrikam",
            vec!["fabrikam.onmicrosoft.com", "fabrikam.com"],
        ),
        (
            ADATUM,
            "Adatum",
            vec!["adatum.onmicrosoft.com", "adatum.com", "adatum.jp"],
        ),
        (
            WOODGROVE,
            "Woodgrove Bank",
            vec!["woodgrove.onmicrosoft.com", "woodgrovebank.com"],
        ),
        (
            CONSUMERS,
            "Personal accounts",
            vec!["outlook.com", "hotmail.com", "live.com"],
        ),
    ];
    let expected: Vec<(String, String, Vec<String>)> = expected
        .iter()
        .map(|(id, name, d)| {
            (
                id.to_string(),
                name.to_string(),
                d.iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect();
    let mut sorted = expected.clone();
    sorted.sort();
    assert_eq!(summary, sorted);
    for tenant in &tenants {
        let settings = store.get_settings(tenant.id).await.unwrap();
        assert_eq!(
            settings.authorization.guest_access,
            GuestAccessLevel::Limited
        );
        assert_eq!(
            settings.authorization.allow_invites_from,
            AllowInvitesFrom::Everyone
        );
        assert!(settings.collaboration.email_otp_enabled);
        assert_eq!(settings.collaboration.invitation_lifetime_days, None);
        assert_eq!(
            settings.cross_tenant_default.b2b_collaboration_inbound,
            B2bSetting::allow_all()
        );
        assert_eq!(
            settings.cross_tenant_default.b2b_direct_connect_outbound,
            B2bSetting::block_all()
        );
        assert_eq!(
            settings.collaboration.self_service_sign_up,
            tenant.id == tid(CONSUMERS)
        );
    }
    let domain = DomainName::parse("adatum.jp").unwrap();
    assert_eq!(
        store
            .find_tenant_by_domain(&domain)
            .await
            .unwrap()
            .unwrap()
            .id,
        tid(ADATUM)
    );
}

#[tokio::test]
async fn users_match_the_spec() {
    let store = demo_store().await;
    let counts = [
        (CONTOSO, 3),
        (FABRIKAM, 5),
        (ADATUM, 5),
        (WOODGROVE, 2),
        (CONSUMERS, 1),
    ];
    for (tenant, count) in counts {
        let users = store
            .list_users(tid(tenant), Page::first(100))
            .await
            .unwrap();
        assert_eq!(users.len(), count, "{tenant}");
        for user in users {
            assert!(
                verify_password("Portico-dev-1", user.password_hash.as_deref().unwrap()),
                "{}",
                user.user_principal_name
            );
            assert_eq!(user.user_type, portico_model::user::UserType::Member);
        }
    }
    let alice = user(&store, FABRIKAM, "alice@fabrikam.com").await;
    assert_eq!(alice.display_name, "Alice Wong");
    assert!(
        matches!(&alice.mfa_methods[..], [MfaMethod::Totp { secret_base32, .. }] if secret_base32 == "JBSWY3DPEHPK3PXP")
    );
    let bob = user(&store, FABRIKAM, "bob@fabrikam.com").await;
    assert_eq!(bob.mail.unwrap().as_str(), "robert.b@fabrikam.com");
    let nomail = user(&store, FABRIKAM, "nomail@fabrikam.onmicrosoft.com").await;
    assert!(nomail.mail.is_none() && nomail.proxy_addresses.is_empty());
    assert!(
        !user(&store, FABRIKAM, "disabled@fabrikam.com")
            .await
            .account_enabled
    );
    let user1 = user(&store, ADATUM, "user1@adatum.com").await;
    let proxies: Vec<String> = user1
        .proxy_addresses
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        proxies,
        ["SMTP:user1@adatum.com", "smtp:user1_tokyo@adatum.com"]
    );
    let by_alias = store
        .list_users_by_address(
            tid(ADATUM),
            &EmailAddress::parse("user1_tokyo@adatum.com").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(by_alias.len(), 1);
    assert_eq!(by_alias[0].id, user1.id);
    let test1 = user(&store, ADATUM, "test1@adatum.com").await;
    let test_jp = user(&store, ADATUM, "test@adatum.jp").await;
    assert_ne!(test1.id, test_jp.id);
    user(&store, CONSUMERS, "carol@outlook.com").await;
    user(&store, WOODGROVE, "eve@woodgrovebank.com").await;
    user(&store, ADATUM, "rick@adatum.com").await;
}

#[tokio::test]
async fn roles_groups_apps_and_policies_match_the_spec() {
    let store = demo_store().await;
    let roles = store.list_role_assignments(tid(CONTOSO)).await.unwrap();
    let admin = user(&store, CONTOSO, "admin@contoso.com").await;
    let inviter = user(&store, CONTOSO, "inviter@contoso.com").await;
    assert!(roles
        .iter()
        .any(|r| r.principal_id == admin.id && r.role == DirectoryRole::GlobalAdministrator));
    assert!(roles
        .iter()
        .any(|r| r.principal_id == inviter.id && r.role == DirectoryRole::GuestInviter));
    assert_eq!(roles.len(), 2);
    for tenant in [FABRIKAM, ADATUM, WOODGROVE] {
        let roles = store.list_role_assignments(tid(tenant)).await.unwrap();
        assert_eq!(roles.len(), 1);
        assert_eq!(roles[0].role, DirectoryRole::GlobalAdministrator);
    }

    let sales = store
        .list_groups_by_address(
            tid(ADATUM),
            &EmailAddress::parse("sales@adatum.com").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(sales.len(), 1);
    assert!(sales[0].mail_enabled);

    let apps = [
        (
            CONTOSO,
            "c0c0a001-0000-4000-8000-000000000001",
            Some("contoso-admin-secret"),
        ),
        (
            CONTOSO,
            "c0c0a002-0000-4000-8000-000000000002",
            Some("contoso-web-secret"),
        ),
        (CONTOSO, "c0c0a003-0000-4000-8000-000000000003", None),
        (
            CONTOSO,
            "c0c0a004-0000-4000-8000-000000000004",
            Some("contoso-payroll-secret"),
        ),
        (
            FABRIKAM,
            "fabca001-0000-4000-8000-000000000001",
            Some("fabrikam-admin-secret"),
        ),
        (
            ADATUM,
            "ada7a001-0000-4000-8000-000000000001",
            Some("adatum-admin-secret"),
        ),
        (
            WOODGROVE,
            "900d0001-0000-4000-8000-000000000001",
            Some("woodgrove-admin-secret"),
        ),
    ];
    for (tenant, client_id, secret) in apps {
        let app = store
            .find_application(tid(tenant), ClientId::parse(client_id).unwrap())
            .await
            .unwrap()
            .unwrap();
        match secret {
            Some(secret) => assert!(
                secret_matches(secret, &app.secrets[0].sha256_hex),
                "{client_id}"
            ),
            None => assert!(app.secrets.is_empty() && app.public_client),
        }
        if app.display_name == "Portico Admin" {
            assert_eq!(app.graph_app_permissions.len(), 10);
            assert!(app
                .graph_app_permissions
                .contains(&"User.Invite.All".to_string()));
        }
    }
    let web = store
        .find_application(
            tid(CONTOSO),
            ClientId::parse("c0c0a002-0000-4000-8000-000000000002").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        web.redirect_uris[0].as_str(),
        "https://localhost:8443/portico/callback"
    );
    let payroll = store
        .find_application(
            tid(CONTOSO),
            ClientId::parse("c0c0a004-0000-4000-8000-000000000004").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(payroll.assignment_required);
    let megan = user(&store, CONTOSO, "megan@contoso.com").await;
    assert_eq!(
        store
            .list_app_assignments(tid(CONTOSO), payroll.id)
            .await
            .unwrap(),
        vec![megan.id]
    );

    let partner = store
        .find_partner_configuration(tid(WOODGROVE), tid(CONTOSO))
        .await
        .unwrap()
        .unwrap();
    let outbound = partner.b2b_collaboration_outbound.unwrap();
    assert_eq!(outbound.users_and_groups.access_type, AccessType::Blocked);
    assert_eq!(outbound.applications.access_type, AccessType::Blocked);
    assert!(partner.b2b_collaboration_inbound.is_none());

    let policies = store
        .list_conditional_access_policies(tid(CONTOSO))
        .await
        .unwrap();
    let mut names: Vec<(&str, serde_json::Value)> = policies
        .iter()
        .map(|p| {
            (
                p.display_name.as_str(),
                serde_json::to_value(p.state).unwrap(),
            )
        })
        .collect();
    names.sort_by_key(|(name, _)| *name);
    assert_eq!(
        names,
        [
            ("Block high-risk users", "enabled".into()),
            (
                "Guests must use MFA",
                "enabledForReportingButNotEnforced".into()
            )
        ]
    );
    for tenant in [FABRIKAM, ADATUM, WOODGROVE, CONSUMERS] {
        assert!(store
            .list_conditional_access_policies(tid(tenant))
            .await
            .unwrap()
            .is_empty());
    }
}

#[tokio::test]
async fn the_public_url_flows_into_redirect_uris() {
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let batches = build_world(&demo().unwrap(), "https://portico.example.net:9443/", now).unwrap();
    let text = format!("{batches:?}");
    assert!(text.contains("https://portico.example.net:9443/portico/callback"));
    assert!(!text.contains("{public_url}"));
}

#[test]
fn ids_are_deterministic() {
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let ids = |batches: Vec<portico_store::TenantBatch>| -> Vec<String> {
        batches
            .iter()
            .flat_map(|b| b.writes.iter())
            .filter_map(|w| match w {
                portico_store::Write::InsertUser(u) => Some(u.id.to_string()),
                portico_store::Write::InsertApplication(a) => Some(a.id.to_string()),
                portico_store::Write::InsertGroup(g) => Some(g.id.to_string()),
                portico_store::Write::PutConditionalAccessPolicy(p) => Some(p.id.to_string()),
                _ => None,
            })
            .collect()
    };
    let first = ids(build_world(&demo().unwrap(), "https://localhost:8443", now).unwrap());
    let second = ids(build_world(&demo().unwrap(), "https://localhost:8443", now).unwrap());
    // Users, the demo apps, Portico Portal in each of the five tenants, the group, the policies.
    assert_eq!(first.len(), 16 + 7 + 5 + 1 + 2);
    assert_eq!(first, second);
}

#[test]
fn bad_seeds_get_clear_errors() {
    let cases = [
        ("[[tenant]]\nkey='t'\nid='nope'\ndisplay_name='T'\ndomains=['t.example.com']\n", "tenant 't': id"),
        ("[[tenant]]\nkey='t'\nid='11111111-1111-4111-8111-111111111111'\ndisplay_name='T'\ndomains=[]\n", "at least one domain"),
        ("[[tenant]]\nkey='t'\nid='11111111-1111-4111-8111-111111111111'\ndisplay_name='T'\ndomains=['t.example.com']\n[[tenant.user]]\nupn='not an upn'\ndisplay_name='x'\n", "upn"),
        ("[[tenant]]\nkey='t'\nid='11111111-1111-4111-8111-111111111111'\ndisplay_name='T'\ndomains=['t.example.com']\n[[tenant.user]]\nupn='a@t.example.com'\ndisplay_name='x'\nroles=['Chief Wizard']\n", "unknown role 'Chief Wizard'"),
        ("[[tenant]]\nkey='t'\nid='11111111-1111-4111-8111-111111111111'\ndisplay_name='T'\ndomains=['t.example.com']\ncolour='blue'\n", "unknown field `colour`"),
    ];
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    for (text, expected) in cases {
        let error = parse(text)
            .and_then(|seed| build_world(&seed, "https://localhost:8443", now).map(|_| ()))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(expected),
            "{error} should mention {expected}"
        );
    }
}
