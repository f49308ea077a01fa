//! The two-sided policy engine end to end: cross-tenant access (S09), tenant restrictions (S11),
//! risk from home (S12), Conditional Access (S13, S25–S28), token refresh (T9) — each through
//! the browser or the token endpoint, and each reproduced by what-if without a sign-in.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::{redeem as redeem_code, refresh, CLI_APP, VERIFIER};
use crate::walk::*;
use portico_model::TenantId;
use reqwest::Method;
use serde_json::{json, Value};

const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";
const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
const WOODGROVE: &str = "44444444-4444-4444-8444-444444444444";
const PAYROLL: &str = "c0c0a004-0000-4000-8000-000000000004";
const ALICE_TOTP: &str = "JBSWY3DPEHPK3PXP";

fn alice() -> Person {
    Person {
        totp: Some(ALICE_TOTP.into()),
        ..Person::new("alice@fabrikam.com")
    }
}

fn block_all() -> Value {
    json!({
        "usersAndGroups": {"accessType": "blocked", "targets": [{"target": "AllUsers", "targetType": "user"}]},
        "applications": {"accessType": "blocked", "targets": [{"target": "AllApplications", "targetType": "application"}]}
    })
}

async fn what_if_code(
    server: &TestServer,
    user: &str,
    tenant: &str,
    app: &str,
    extra: Value,
) -> Value {
    let mut body = json!({"user": user, "resourceTenant": tenant, "appId": app});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    what_if(server, body).await
}

/// Contoso's admin blocks B2B collaboration inbound from Fabrikam.
async fn contoso_blocks_fabrikam(server: &TestServer) {
    let token = admin(server, "contoso").await;
    let (status, body) = graph(
        server,
        &token,
        Method::POST,
        "/v1.0/policies/crossTenantAccessPolicy/partners",
        Some(json!({"tenantId": FABRIKAM, "b2bCollaborationInbound": block_all()})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

/// A Conditional Access policy in Contoso; returns its id.
async fn contoso_policy(server: &TestServer, body: Value) -> String {
    let token = admin(server, "contoso").await;
    let (status, created) = graph(
        server,
        &token,
        Method::POST,
        "/v1.0/identity/conditionalAccess/policies",
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn redeemed_alice(server: &TestServer) -> Value {
    let token = admin(server, "contoso").await;
    let invitation = invite(server, &token, "alice@fabrikam.com").await;
    let (walk, _) = redeem(server, &invitation, &alice(), &[]).await;
    assert!(
        walk.location().starts_with("https://myapps.example.com"),
        "{walk:?}"
    );
    invitation
}

#[tokio::test]
async fn s09a_woodgrove_blocks_eve_and_the_page_says_woodgrove_must_act() {
    let server = spawn_demo().await;
    let token = admin(&server, "contoso").await;
    let invitation = invite(&server, &token, "eve@woodgrovebank.com").await;
    let (walk, _) = redeem(
        &server,
        &invitation,
        &Person::new("eve@woodgrovebank.com"),
        &[],
    )
    .await;
    assert_eq!(walk.error_code(), Some(500212), "{walk:?}");
    assert_eq!(walk.who(), "Your organization's admin (Woodgrove Bank)");
    assert!(
        walk.setting().starts_with(
            "Woodgrove Bank › cross-tenant access › partner Contoso › B2B collaboration outbound"
        ),
        "{}",
        walk.setting()
    );
    assert_eq!(walk.pages, ["login", "password"]);

    // Both tenants log it, with the same correlation id, naming Woodgrove as the one to act.
    let store = server.running().app.store_for_tests();
    let contoso_rows = store
        .list_sign_ins(TenantId::parse(CONTOSO).unwrap(), 20)
        .await
        .unwrap();
    let row = contoso_rows
        .iter()
        .find(|r| r.error_code == 500212)
        .expect("Contoso's row");
    assert_eq!(row.responsible_party.as_deref(), Some("home"));
    assert_eq!(
        row.responsible_tenant_id,
        Some(TenantId::parse(WOODGROVE).unwrap())
    );
    assert_eq!(
        row.home_tenant_id,
        Some(TenantId::parse(WOODGROVE).unwrap())
    );
    let woodgrove_rows = store
        .list_sign_ins(TenantId::parse(WOODGROVE).unwrap(), 20)
        .await
        .unwrap();
    assert!(woodgrove_rows
        .iter()
        .any(|r| r.error_code == 500212 && r.correlation_id == row.correlation_id));

    let answer = what_if_code(
        &server,
        "eve@woodgrovebank.com",
        "contoso.com",
        CLI_APP,
        json!({}),
    )
    .await;
    assert_eq!(answer["decision"], "deny");
    assert_eq!(answer["errorCode"], 500212);
    assert_eq!(answer["responsible"], "home");
    assert_eq!(answer["responsibleTenantId"], WOODGROVE);
    assert!(answer["trace"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["check"] == "homeOutbound" && s["outcome"] == "failed"));
}

#[tokio::test]
async fn s09b_s09c_contoso_blocks_fabrikam_inbound_and_adatum_still_admits_alice() {
    let server = spawn_demo().await;
    let contoso = admin(&server, "contoso").await;
    let adatum = admin(&server, "adatum").await;
    let to_contoso = invite(&server, &contoso, "alice@fabrikam.com").await;
    let to_adatum = invite(&server, &adatum, "alice@fabrikam.com").await;
    contoso_blocks_fabrikam(&server).await;

    let (walk, _) = redeem(&server, &to_contoso, &alice(), &[]).await;
    assert_eq!(walk.error_code(), Some(500213), "{walk:?}");
    assert_eq!(walk.who(), "Contoso's admin");
    assert!(walk.setting().starts_with(
        "Contoso › cross-tenant access › partner Fabrikam › B2B collaboration inbound"
    ));

    let (walk, _) = redeem(&server, &to_adatum, &alice(), &[]).await;
    assert!(
        walk.location().starts_with("https://myapps.example.com"),
        "{walk:?}"
    );

    // New invitations of Fabrikam's users are refused by the same setting.
    let (status, body) = graph(
        &server,
        &contoso,
        Method::POST,
        "/v1.0/invitations",
        Some(json!({"invitedUserEmailAddress": "bob@fabrikam.com", "inviteRedirectUrl": "https://myapps.example.com"})),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        body["error"]["innerError"]["code"],
        "blockedByCrossTenantAccessPolicy"
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("This invitation is blocked by cross-tenant access settings. Admins in both your organization and the invited user's organization must configure cross-tenant access settings to allow the invitation."),
        "{message}"
    );
    assert!(
        message.contains("Contoso › cross-tenant access"),
        "{message}"
    );

    let denied = what_if_code(&server, "alice@fabrikam.com", CONTOSO, CLI_APP, json!({})).await;
    assert_eq!(
        (denied["errorCode"].as_u64(), denied["responsible"].as_str()),
        (Some(500213), Some("resource"))
    );
    let allowed = what_if_code(
        &server,
        "alice@fabrikam.com",
        "adatum.com",
        "ada7a001-0000-4000-8000-000000000001",
        json!({}),
    )
    .await;
    assert_eq!(allowed["decision"], "allow", "{allowed}");
}

#[tokio::test]
async fn t9_an_inbound_block_also_stops_code_redemption_and_refresh() {
    let server = spawn_demo().await;
    redeemed_alice(&server).await;
    let client = browser_with(&server, &[]);
    let first = sign_in(&server, &client, CLI_APP, &alice()).await;
    let code = url_param(first.location(), "code");
    let tokens: Value = redeem_code(&server, &code, VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_owned();
    // A second code, issued before the block and redeemed after it.
    let second = sign_in(&server, &client, CLI_APP, &alice()).await;
    let pending_code = url_param(second.location(), "code");

    contoso_blocks_fabrikam(&server).await;
    let refused = refresh(&server, &refresh_token).await;
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_codes"], json!([500213]));
    let refused: Value = redeem_code(&server, &pending_code, VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refused["error_codes"], json!([500213]), "{refused}");
    // And the session cookie does not get around it.
    let again = sign_in(&server, &client, CLI_APP, &alice()).await;
    assert_eq!(again.error_code(), Some(500213), "{again:?}");
}

fn url_param(location: &str, name: &str) -> String {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
        .unwrap_or_else(|| panic!("no {name} in {location}"))
}

#[tokio::test]
async fn s11_tenant_restrictions_block_at_the_network_and_log_to_its_tenant() {
    let server = spawn_demo().await;
    let megan = Person::new("megan@contoso.com");
    let v1 = [
        (
            "Restrict-Access-To-Tenants",
            "fabrikam.com,adatum.onmicrosoft.com",
        ),
        ("Restrict-Access-Context", FABRIKAM),
    ];
    let client = browser_with(&server, &v1);
    let walk = sign_in(&server, &client, CLI_APP, &megan).await;
    assert_eq!(walk.error_code(), Some(500021), "{walk:?}");
    assert_eq!(walk.who(), "Your network administrator");
    let store = server.running().app.store_for_tests();
    let fabrikam_rows = store
        .list_sign_ins(TenantId::parse(FABRIKAM).unwrap(), 20)
        .await
        .unwrap();
    assert!(fabrikam_rows
        .iter()
        .any(|r| r.error_code == 500021 && r.responsible_party.as_deref() == Some("network")));
    let contoso_rows = store
        .list_sign_ins(TenantId::parse(CONTOSO).unwrap(), 20)
        .await
        .unwrap();
    assert!(
        !contoso_rows.iter().any(|r| r.error_code == 500021),
        "logged for the context tenant only"
    );

    // Listing Contoso lets the sign-in through.
    let allowed = browser_with(
        &server,
        &[
            ("Restrict-Access-To-Tenants", "contoso.com"),
            ("Restrict-Access-Context", FABRIKAM),
        ],
    );
    assert!(sign_in(&server, &allowed, CLI_APP, &megan)
        .await
        .location()
        .contains("code="));

    // v2: Fabrikam's policy (default: block every external tenant) on Fabrikam's devices.
    let fabrikam_default =
        portico_model::cross_tenant::default_configuration_id(TenantId::parse(FABRIKAM).unwrap());
    let policy = format!("{FABRIKAM}:{fabrikam_default}");
    let v2 = browser_with(&server, &[("sec-Restrict-Tenant-Access-Policy", &policy)]);
    let walk = sign_in(&server, &v2, CLI_APP, &megan).await;
    assert_eq!(walk.error_code(), Some(5000211), "{walk:?}");
    let contoso_default =
        portico_model::cross_tenant::default_configuration_id(TenantId::parse(CONTOSO).unwrap());
    let own = format!("{CONTOSO}:{contoso_default}");
    // A policy id that is not the tenant's is not a policy: refused.
    let wrong = browser_with(
        &server,
        &[(
            "sec-Restrict-Tenant-Access-Policy",
            &format!("{CONTOSO}:{}", uuid::Uuid::new_v4()),
        )],
    );
    assert_eq!(
        sign_in(&server, &wrong, CLI_APP, &megan).await.error_code(),
        Some(5000211)
    );
    let own_policy = browser_with(&server, &[("sec-Restrict-Tenant-Access-Policy", &own)]);
    assert!(sign_in(&server, &own_policy, CLI_APP, &megan)
        .await
        .location()
        .contains("code="));

    let answer = what_if_code(&server, "megan@contoso.com", CONTOSO, CLI_APP, json!({"headers": {"Restrict-Access-To-Tenants": "fabrikam.com,adatum.onmicrosoft.com", "Restrict-Access-Context": FABRIKAM}})).await;
    assert_eq!(
        (answer["errorCode"].as_u64(), answer["responsible"].as_str()),
        (Some(500021), Some("network"))
    );
    let answer = what_if_code(
        &server,
        "megan@contoso.com",
        CONTOSO,
        CLI_APP,
        json!({"headers": {"sec-Restrict-Tenant-Access-Policy": policy}}),
    )
    .await;
    assert_eq!(answer["errorCode"], 5000211);
}

#[tokio::test]
async fn s12_risk_at_home_blocks_the_guest_until_home_clears_it() {
    let server = spawn_demo().await;
    let contoso = admin(&server, "contoso").await;
    let adatum = admin(&server, "adatum").await;
    let rick = Person::new("rick@adatum.com");
    let invitation = invite(&server, &contoso, "rick@adatum.com").await;
    let (walk, _) = redeem(&server, &invitation, &rick, &[]).await;
    walk.location();
    let (_, home_rick) = graph(
        &server,
        &adatum,
        Method::GET,
        "/v1.0/users/rick@adatum.com",
        None,
    )
    .await;
    let (status, _) = graph(
        &server,
        &adatum,
        Method::POST,
        "/v1.0/identityProtection/riskyUsers/confirmCompromised",
        Some(json!({"userIds": [home_rick["id"]]})),
    )
    .await;
    assert_eq!(status, 204);

    let walk = sign_in(&server, &browser_with(&server, &[]), CLI_APP, &rick).await;
    assert_eq!(walk.error_code(), Some(530032), "{walk:?}");
    assert_eq!(walk.who(), "Your organization's admin (Adatum)");
    let End::Error { html, .. } = &walk.end else {
        unreachable!()
    };
    assert!(html.contains("User blocked due to risk on home tenant."));
    let answer = what_if_code(&server, "rick@adatum.com", CONTOSO, CLI_APP, json!({})).await;
    assert_eq!(
        (answer["errorCode"].as_u64(), answer["responsible"].as_str()),
        (Some(530032), Some("home"))
    );

    // Contoso cannot dismiss its guest's risk; Adatum can.
    let guest_id = invitation["invitedUser"]["id"].clone();
    let (status, _) = graph(
        &server,
        &contoso,
        Method::POST,
        "/v1.0/identityProtection/riskyUsers/dismiss",
        Some(json!({"userIds": [guest_id]})),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = graph(
        &server,
        &adatum,
        Method::POST,
        "/v1.0/identityProtection/riskyUsers/dismiss",
        Some(json!({"userIds": [home_rick["id"]]})),
    )
    .await;
    assert_eq!(status, 204);
    let walk = sign_in(&server, &browser_with(&server, &[]), CLI_APP, &rick).await;
    assert!(walk.location().contains("code="), "{walk:?}");
}

/// Turns on the demo's report-only "Guests must use MFA" policy.
async fn enforce_guest_mfa(server: &TestServer) {
    let token = admin(server, "contoso").await;
    let (_, policies) = graph(
        server,
        &token,
        Method::GET,
        "/v1.0/identity/conditionalAccess/policies",
        None,
    )
    .await;
    let id = policies["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["displayName"] == "Guests must use MFA")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = graph(
        server,
        &token,
        Method::PATCH,
        &format!("/v1.0/identity/conditionalAccess/policies/{id}"),
        Some(json!({"state": "enabled"})),
    )
    .await;
    assert_eq!(status, 204, "{body}");
}

#[tokio::test]
async fn s13_guests_register_mfa_in_contoso_unless_contoso_trusts_home_mfa() {
    let server = spawn_demo().await;
    enforce_guest_mfa(&server).await;
    let contoso = admin(&server, "contoso").await;
    let answer = what_if_code(&server, "alice@fabrikam.com", CONTOSO, CLI_APP, json!({})).await;
    assert_eq!(
        (answer["decision"].as_str(), answer["errorCode"].as_u64()),
        (Some("deny"), Some(50020)),
        "not invited yet"
    );

    let invitation = invite(&server, &contoso, "alice@fabrikam.com").await;
    let answer = what_if_code(&server, "alice@fabrikam.com", CONTOSO, CLI_APP, json!({})).await;
    assert_eq!(
        (
            answer["decision"].as_str(),
            answer["errorCode"].as_u64(),
            answer["responsible"].as_str()
        ),
        (Some("interrupt"), Some(50079), Some("user"))
    );
    let (walk, _) = redeem(&server, &invitation, &alice(), &[]).await;
    assert_eq!(
        walk.pages,
        ["login", "password", "registerMfa", "consent"],
        "{walk:?}"
    );
    walk.location();
    let guest_id = invitation["invitedUser"]["id"].as_str().unwrap();
    let guest = server
        .running()
        .app
        .store_for_tests()
        .get_user(
            TenantId::parse(CONTOSO).unwrap(),
            portico_model::ObjectId::parse(guest_id).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        guest.mfa_methods.len(),
        1,
        "registered in Contoso, on the guest object"
    );
    let registered = walk.registered.clone().unwrap();
    // The next sign-in asks for that authenticator, not a new one (after the code's 30 s step).
    let clock = server
        .client
        .post(server.url("/portico/v1/clock"))
        .json(&json!({"advanceSeconds": 60}))
        .send()
        .await
        .unwrap();
    assert_eq!(clock.status(), 200);
    let again = sign_in(
        &server,
        &browser_with(&server, &[]),
        CLI_APP,
        &Person {
            totp: Some(registered),
            ..alice()
        },
    )
    .await;
    assert_eq!(
        again.pages,
        ["login", "password", "challengeMfa"],
        "{again:?}"
    );
    assert!(again.location().contains("code="));

    // Fabrikam requires MFA at home, and Contoso accepts it: Bob is asked for MFA once, at home.
    let fabrikam = admin(&server, "fabrikam").await;
    let (status, _) = graph(
        &server,
        &fabrikam,
        Method::PATCH,
        "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
        Some(json!({"isEnabled": true})),
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = graph(&server, &contoso, Method::POST, "/v1.0/policies/crossTenantAccessPolicy/partners", Some(json!({"tenantId": FABRIKAM, "inboundTrust": {"isMfaAccepted": true, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": false}}))).await;
    assert_eq!(status, 201, "{body}");
    let bob_invitation = invite(&server, &contoso, "bob@fabrikam.com").await;
    let (walk, _) = redeem(
        &server,
        &bob_invitation,
        &Person::new("bob@fabrikam.com"),
        &[],
    )
    .await;
    assert_eq!(
        walk.pages,
        ["login", "password", "registerMfa", "consent"],
        "{walk:?}"
    );
    walk.location();
    let bob_guest = server
        .running()
        .app
        .store_for_tests()
        .get_user(
            TenantId::parse(CONTOSO).unwrap(),
            portico_model::ObjectId::parse(bob_invitation["invitedUser"]["id"].as_str().unwrap())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(
        bob_guest.mfa_methods.is_empty(),
        "no registration in Contoso"
    );
    let answer = what_if_code(
        &server,
        "bob@fabrikam.com",
        CONTOSO,
        CLI_APP,
        json!({"homeMfaSatisfied": true}),
    )
    .await;
    assert_eq!(answer["decision"], "allow", "{answer}");
}

#[tokio::test]
async fn s13_s26_device_compliance_counts_for_guests_only_with_inbound_trust() {
    let server = spawn_demo().await;
    contoso_policy(&server, json!({
        "displayName": "Guests need a compliant device",
        "state": "enabled",
        "conditions": {"users": {"includeUsers": ["GuestsOrExternalUsers"]}, "applications": {"includeApplications": ["All"]}, "clientAppTypes": ["all"]},
        "grantControls": {"operator": "OR", "builtInControls": ["compliantDevice"]}
    })).await;
    let contoso = admin(&server, "contoso").await;
    let invitation = invite(&server, &contoso, "alice@fabrikam.com").await;
    let compliant = [("Portico-Device", "compliant")];
    let (walk, _) = redeem(&server, &invitation, &alice(), &compliant).await;
    assert_eq!(walk.error_code(), Some(53000), "{walk:?}");
    assert_eq!(walk.who(), "Contoso's admin");

    let (status, body) = graph(&server, &contoso, Method::POST, "/v1.0/policies/crossTenantAccessPolicy/partners", Some(json!({"tenantId": FABRIKAM, "inboundTrust": {"isMfaAccepted": false, "isCompliantDeviceAccepted": true, "isHybridAzureADJoinedDeviceAccepted": false}}))).await;
    assert_eq!(status, 201, "{body}");
    let (walk, _) = redeem(&server, &invitation, &alice(), &[]).await;
    assert_eq!(walk.error_code(), Some(53000));
    assert_eq!(walk.who(), "Your organization's admin (Fabrikam)");
    let (walk, _) = redeem(&server, &invitation, &alice(), &compliant).await;
    walk.location();

    let answer = what_if_code(
        &server,
        "alice@fabrikam.com",
        CONTOSO,
        CLI_APP,
        json!({"deviceCompliant": false}),
    )
    .await;
    assert_eq!(
        (answer["errorCode"].as_u64(), answer["responsible"].as_str()),
        (Some(53000), Some("home"))
    );
    let answer = what_if_code(
        &server,
        "alice@fabrikam.com",
        CONTOSO,
        CLI_APP,
        json!({"deviceCompliant": true}),
    )
    .await;
    assert_eq!(answer["decision"], "allow");
}

#[tokio::test]
async fn s25_all_users_includes_guests_unless_they_are_excluded() {
    let server = spawn_demo().await;
    redeemed_alice(&server).await;
    let id = contoso_policy(&server, json!({
        "displayName": "Block the CLI",
        "state": "enabled",
        "conditions": {"users": {"includeUsers": ["All"]}, "applications": {"includeApplications": [CLI_APP]}, "clientAppTypes": ["all"]},
        "grantControls": {"operator": "OR", "builtInControls": ["block"]}
    })).await;
    let walk = sign_in(&server, &browser_with(&server, &[]), CLI_APP, &alice()).await;
    assert_eq!(walk.error_code(), Some(53003), "{walk:?}");
    assert_eq!(walk.who(), "Contoso's admin");
    let megan = Person::new("megan@contoso.com");
    let walk = sign_in(&server, &browser_with(&server, &[]), CLI_APP, &megan).await;
    assert_eq!(walk.error_code(), Some(53003));
    assert_eq!(walk.who(), "Your organization's admin (Contoso)");
    let answer = what_if_code(&server, "alice@fabrikam.com", CONTOSO, CLI_APP, json!({})).await;
    assert_eq!(answer["errorCode"], 53003);
    assert!(answer["conditionalAccess"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["displayName"] == "Block the CLI" && p["result"] == "failure"));

    let token = admin(&server, "contoso").await;
    let (status, body) = graph(&server, &token, Method::PATCH, &format!("/v1.0/identity/conditionalAccess/policies/{id}"), Some(json!({"conditions": {"users": {"includeUsers": ["All"], "excludeUsers": ["GuestsOrExternalUsers"]}, "applications": {"includeApplications": [CLI_APP]}, "clientAppTypes": ["all"]}}))).await;
    assert_eq!(status, 204, "{body}");
    assert!(
        sign_in(&server, &browser_with(&server, &[]), CLI_APP, &alice())
            .await
            .location()
            .contains("code=")
    );
    assert_eq!(
        sign_in(&server, &browser_with(&server, &[]), CLI_APP, &megan)
            .await
            .error_code(),
        Some(53003)
    );
    let answer = what_if_code(&server, "alice@fabrikam.com", CONTOSO, CLI_APP, json!({})).await;
    assert_eq!(answer["decision"], "allow");
}

#[tokio::test]
async fn s26_only_the_resource_tenants_named_locations_count() {
    let server = spawn_demo().await;
    redeemed_alice(&server).await;
    let office = json!({
        "@odata.type": "#microsoft.graph.ipNamedLocation",
        "displayName": "Office",
        "isTrusted": true,
        "ipRanges": [{"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": "127.0.0.0/8"}]
    });
    let fabrikam = admin(&server, "fabrikam").await;
    let (status, body) = graph(
        &server,
        &fabrikam,
        Method::POST,
        "/v1.0/identity/conditionalAccess/namedLocations",
        Some(office.clone()),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    contoso_policy(&server, json!({
        "displayName": "Block outside trusted locations",
        "state": "enabled",
        "conditions": {"users": {"includeUsers": ["All"]}, "applications": {"includeApplications": [CLI_APP]}, "clientAppTypes": ["all"],
                       "locations": {"includeLocations": ["All"], "excludeLocations": ["AllTrusted"]}},
        "grantControls": {"operator": "OR", "builtInControls": ["block"]}
    })).await;
    let walk = sign_in(&server, &browser_with(&server, &[]), CLI_APP, &alice()).await;
    assert_eq!(
        walk.error_code(),
        Some(53003),
        "Fabrikam's office is not Contoso's: {walk:?}"
    );

    let contoso = admin(&server, "contoso").await;
    let (status, _) = graph(
        &server,
        &contoso,
        Method::POST,
        "/v1.0/identity/conditionalAccess/namedLocations",
        Some(office),
    )
    .await;
    assert_eq!(status, 201);
    assert!(
        sign_in(&server, &browser_with(&server, &[]), CLI_APP, &alice())
            .await
            .location()
            .contains("code=")
    );
    let inside = what_if_code(
        &server,
        "alice@fabrikam.com",
        CONTOSO,
        CLI_APP,
        json!({"ipAddress": "127.0.0.1"}),
    )
    .await;
    assert_eq!(inside["decision"], "allow");
    let outside = what_if_code(
        &server,
        "alice@fabrikam.com",
        CONTOSO,
        CLI_APP,
        json!({"ipAddress": "198.51.100.4"}),
    )
    .await;
    assert_eq!(outside["errorCode"], 53003);
}

async fn sign_in_to_payroll(server: &TestServer) -> Walk {
    let client = browser_with(server, &[]);
    let callback: String =
        url::form_urlencoded::byte_serialize(server.url("/portico/callback").as_bytes()).collect();
    let url = server.url(&format!(
        "/contoso.com/oauth2/v2.0/authorize?client_id={PAYROLL}&response_type=code&redirect_uri={callback}&scope=openid&state=s&nonce=n"
    ));
    let response = client.get(url).send().await.unwrap();
    walk(server, &client, response, &alice()).await
}

#[tokio::test]
async fn s27_payroll_needs_an_assignment_and_contoso_must_make_it() {
    let server = spawn_demo().await;
    let invitation = redeemed_alice(&server).await;
    let walk = sign_in_to_payroll(&server).await;
    assert_eq!(walk.error_code(), Some(50105), "{walk:?}");
    assert_eq!(walk.who(), "Contoso's admin");
    let answer = what_if_code(&server, "alice@fabrikam.com", CONTOSO, PAYROLL, json!({})).await;
    assert_eq!(
        (answer["errorCode"].as_u64(), answer["responsible"].as_str()),
        (Some(50105), Some("resource"))
    );

    let token = admin(&server, "contoso").await;
    let (_, sps) = graph(
        &server,
        &token,
        Method::GET,
        "/v1.0/servicePrincipals",
        None,
    )
    .await;
    let sp = sps["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["appId"] == PAYROLL)
        .unwrap()["id"]
        .clone();
    let (status, body) = graph(
        &server,
        &token,
        Method::POST,
        &format!("/v1.0/servicePrincipals/{}/appRoleAssignedTo", sp.as_str().unwrap()),
        Some(json!({"principalId": invitation["invitedUser"]["id"], "resourceId": sp, "appRoleId": "00000000-0000-0000-0000-000000000000"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let walk = sign_in_to_payroll(&server).await;
    assert!(walk.location().contains("code="), "{walk:?}");
    let answer = what_if_code(&server, "alice@fabrikam.com", CONTOSO, PAYROLL, json!({})).await;
    assert_eq!(answer["decision"], "allow");
}

#[tokio::test]
async fn s28_terms_of_use_are_accepted_once_and_recorded() {
    // The demo world plus Contoso's guest terms (its admin app has no Agreement permission).
    let demo = include_str!("../../../app/seeds/demo.toml");
    let terms_id = "7e7e7e7e-0000-4000-8000-000000000001";
    let world = demo.replacen(
        "[[tenant]]\nkey = \"fabrikam\"",
        &format!("[[tenant.terms_of_use]]\nid = \"{terms_id}\"\ndisplay_name = \"Contoso guest terms\"\ntext = \"Guests keep Contoso's data in Contoso.\"\n\n[[tenant]]\nkey = \"fabrikam\""),
        1,
    );
    assert_ne!(world, demo, "the demo seed's layout changed");
    let server = crate::harness::spawn(crate::harness::Spawn {
        seed: Some(Box::leak(world.into_boxed_str())),
        ..Default::default()
    })
    .await;
    let invitation = redeemed_alice(&server).await;
    contoso_policy(&server, json!({
        "displayName": "Guests accept the terms",
        "state": "enabled",
        "conditions": {"users": {"includeUsers": ["GuestsOrExternalUsers"]}, "applications": {"includeApplications": ["All"]}, "clientAppTypes": ["all"]},
        "grantControls": {"operator": "OR", "builtInControls": [], "termsOfUse": [terms_id]}
    })).await;
    let answer = what_if_code(&server, "alice@fabrikam.com", CONTOSO, CLI_APP, json!({})).await;
    assert_eq!(
        (answer["decision"].as_str(), answer["errorCode"].as_u64()),
        (Some("interrupt"), Some(50158))
    );

    // Declining ends the sign-in; nothing is recorded.
    let declining = Person {
        accept_terms: false,
        ..alice()
    };
    let walk = sign_in(&server, &browser_with(&server, &[]), CLI_APP, &declining).await;
    assert_eq!(walk.error_code(), Some(50158), "{walk:?}");
    let guest =
        portico_model::ObjectId::parse(invitation["invitedUser"]["id"].as_str().unwrap()).unwrap();
    let contoso = TenantId::parse(CONTOSO).unwrap();
    let store = server.running().app.store_for_tests();
    assert!(store
        .list_terms_acceptances(contoso, guest)
        .await
        .unwrap()
        .is_empty());

    let walk = sign_in(&server, &browser_with(&server, &[]), CLI_APP, &alice()).await;
    assert_eq!(walk.pages, ["login", "password", "terms"], "{walk:?}");
    assert!(walk.location().contains("code="));
    let accepted = store.list_terms_acceptances(contoso, guest).await.unwrap();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].terms_id.to_string(), terms_id);

    // Once is enough.
    let walk = sign_in(&server, &browser_with(&server, &[]), CLI_APP, &alice()).await;
    assert_eq!(walk.pages, ["login", "password"], "{walk:?}");
    let answer = what_if_code(&server, "alice@fabrikam.com", CONTOSO, CLI_APP, json!({})).await;
    assert_eq!(answer["decision"], "allow");
}
