//! B2B collaboration end to end: invitations, redemption (home account, one-time passcode,
//! direct link), guest sign-in with the B2B claims, and the races.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::*;
use base64::Engine;
use portico_model::{TenantId, Upn};
use serde_json::{json, Value};

const REDIRECT: &str = "https://myapps.example.com/welcome";

pub(crate) async fn admin(server: &TestServer) -> String {
    app_token(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) async fn invite(server: &TestServer, token: &str, body: Value) -> (u16, Value) {
    let response = server
        .client
        .post(server.url("/v1.0/invitations"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn user(server: &TestServer, token: &str, id: &str) -> Value {
    let select = "displayName,mail,otherMails,proxyAddresses,userType,creationType,externalUserState,externalUserStateChangeDateTime,identities,showInAddressList,userPrincipalName";
    server
        .client
        .get(server.url(&format!("/v1.0/users/{id}?$select={select}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Follows the redeem link as `login` with the home password; returns the final response.
async fn redeem_with_password(server: &TestServer, url: &str, login: &str) -> reqwest::Response {
    let browser = browser(server);
    let page = browser.get(url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"login\""), "{page}");
    let page = post_form(&browser, &page, &[("login", login)])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"password\""), "{page}");
    let consent = post_form(&browser, &page, &[("password", "Portico-dev-1")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        consent.contains("Review permissions")
            && consent.contains("consent-organization\">Contoso"),
        "{consent}"
    );
    post_form(&browser, &consent, &[("accept", "true")]).await
}

#[tokio::test]
async fn s01_s17_a_guest_redeems_and_takes_the_home_display_name() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let (status, invitation) = invite(&server, &token, json!({"invitedUserEmailAddress": "alice@fabrikam.com", "invitedUserDisplayName": "Partner A", "inviteRedirectUrl": REDIRECT})).await;
    assert_eq!(status, 201, "{invitation}");
    assert_eq!(invitation["status"], "PendingAcceptance");
    let id = invitation["invitedUser"]["id"].as_str().unwrap().to_owned();
    let before = user(&server, &token, &id).await;
    assert_eq!(before["displayName"], "Partner A");
    assert_eq!(before["userType"], "Guest");
    assert_eq!(before["creationType"], "Invitation");
    assert_eq!(before["externalUserState"], "PendingAcceptance");
    assert_eq!(
        before["userPrincipalName"],
        "alice_fabrikam.com#EXT#@contoso.onmicrosoft.com"
    );
    assert_eq!(
        before["showInAddressList"], false,
        "S21: guests start hidden from the address list"
    );
    assert_eq!(before["identities"][0]["signInType"], "userPrincipalName");

    let done = redeem_with_password(
        &server,
        invitation["inviteRedeemUrl"].as_str().unwrap(),
        "alice@fabrikam.com",
    )
    .await;
    assert_eq!(done.status(), 302);
    assert_eq!(done.headers()["location"], REDIRECT);
    let after = user(&server, &token, &id).await;
    assert_eq!(after["displayName"], "Alice Wong");
    assert_eq!(after["externalUserState"], "Accepted");
    assert!(after["externalUserStateChangeDateTime"].is_string());
    assert_eq!(after["identities"][0]["issuer"], "ExternalAzureAD");
    assert_eq!(after["identities"][0]["signInType"], "federated");

    // The admin renames the guest; later sign-ins keep it.
    server
        .client
        .patch(server.url(&format!("/v1.0/users/{id}")))
        .bearer_auth(&token)
        .json(&json!({"displayName": "Alice (Fabrikam)"}))
        .send()
        .await
        .unwrap();
    let browser = browser(&server);
    let page = browser
        .get(authorize_url(&server, "&login_hint=alice%40fabrikam.com"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = if page.contains("id=\"login\"") {
        post_form(&browser, &page, &[("login", "alice@fabrikam.com")])
            .await
            .text()
            .await
            .unwrap()
    } else {
        page
    };
    let done = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
    let tokens: Value = redeem(&server, &redirect_params(&done)["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let id_token = decode(tokens["id_token"].as_str().unwrap(), 1);
    assert_eq!(id_token["tid"], CONTOSO);
    assert_eq!(
        id_token["oid"],
        id.as_str(),
        "oid is the guest object in the resource tenant"
    );
    assert_eq!(id_token["acct"], 1);
    assert_eq!(
        id_token["idp"],
        format!("{}22222222-2222-4222-8222-222222222222/v2.0", server.base)
    );
    assert_eq!(id_token["email"], "alice@fabrikam.com");
    assert_eq!(id_token["name"], "Alice (Fabrikam)");
    // client_info names the home account (MSAL's home account id), as Entra does for a guest.
    let fabrikam = portico_model::TenantId::parse("22222222-2222-4222-8222-222222222222").unwrap();
    let alice = server
        .running()
        .app
        .store_for_tests()
        .find_user_by_upn(
            fabrikam,
            &portico_model::Upn::parse("alice@fabrikam.com").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let client_info: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(tokens["client_info"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        client_info,
        json!({"uid": alice.id.to_string(), "utid": fabrikam.to_string()})
    );
    assert_eq!(
        user(&server, &token, &id).await["displayName"],
        "Alice (Fabrikam)"
    );
    let logs = server
        .running()
        .app
        .store_for_tests()
        .list_sign_ins(TenantId::parse(CONTOSO).unwrap(), 5)
        .await
        .unwrap();
    assert_eq!(
        logs[0].cross_tenant_access_type,
        portico_model::logs::CrossTenantAccessType::B2bCollaboration
    );
    assert_eq!(
        logs[0].home_tenant_id,
        Some(TenantId::parse("22222222-2222-4222-8222-222222222222").unwrap())
    );
    let home_logs = server
        .running()
        .app
        .store_for_tests()
        .list_sign_ins(
            TenantId::parse("22222222-2222-4222-8222-222222222222").unwrap(),
            5,
        )
        .await
        .unwrap();
    assert!(
        !home_logs.is_empty(),
        "the home tenant logs its user's sign-in too"
    );
}

#[tokio::test]
async fn s02_two_addresses_of_one_account_make_one_guest_and_two_people_make_two() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let (_, first) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "user1@adatum.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    let (status, second) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "user1_tokyo@adatum.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(first["invitedUser"]["id"], second["invitedUser"]["id"]);
    let guest = user(
        &server,
        &token,
        first["invitedUser"]["id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(guest["mail"], "user1@adatum.com");
    assert_eq!(
        guest["otherMails"],
        json!(["user1@adatum.com", "user1_tokyo@adatum.com"])
    );
    assert_eq!(
        guest["proxyAddresses"],
        json!(["SMTP:user1@adatum.com", "smtp:user1_tokyo@adatum.com"])
    );
    let (_, a) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "test1@adatum.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    let (_, b) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "test@adatum.jp", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    assert_ne!(a["invitedUser"]["id"], b["invitedUser"]["id"]);
}

#[tokio::test]
async fn s06_s07_invitation_mail_and_refused_addresses() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let body = json!({"invitedUserEmailAddress": "bob@fabrikam.com", "inviteRedirectUrl": REDIRECT, "sendInvitationMessage": true,
        "invitedUserMessageInfo": {"customizedMessageBody": "Welcome to the project!", "ccRecipients": [{"emailAddress": {"address": "admin@fabrikam.com"}}]}});
    let (status, invitation) = invite(&server, &token, body).await;
    assert_eq!(status, 201);
    let outbox: Value = server
        .client
        .get(server.url("/portico/v1/outbox?to=bob@fabrikam.com"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let message = &outbox["value"][0];
    assert_eq!(message["cc"], json!(["admin@fabrikam.com"]));
    assert!(message["text"]
        .as_str()
        .unwrap()
        .contains("Welcome to the project!"));
    assert!(message["text"].as_str().unwrap().contains("Contoso"));
    assert_eq!(message["links"][0], invitation["inviteRedeemUrl"]);
    let (status, quiet) = invite(&server, &token, json!({"invitedUserEmailAddress": "nomail@fabrikam.onmicrosoft.com", "inviteRedirectUrl": REDIRECT, "sendInvitationMessage": false})).await;
    assert_eq!(status, 201);
    assert!(quiet["inviteRedeemUrl"].is_string());
    let none: Value = server
        .client
        .get(server.url("/portico/v1/outbox?to=nomail@fabrikam.onmicrosoft.com"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(none["value"].as_array().unwrap().is_empty());

    for (address, reason) in [
        ("sales@adatum.com", "groupEmailNotSupported"),
        ("not-an-address", "invalidEmailAddress"),
    ] {
        let (status, error) = invite(&server, &token, json!({"invitedUserEmailAddress": address, "inviteRedirectUrl": REDIRECT, "sendInvitationMessage": true})).await;
        assert_eq!(status, 400, "{address}");
        assert_eq!(error["error"]["innerError"]["code"], reason);
    }
    let (status, _) = invite(&server, &token, json!({"invitedUserEmailAddress": "x@example.net", "inviteRedirectUrl": "javascript:alert(1)"})).await;
    assert_eq!(status, 400);
    let groups: Value = server
        .client
        .get(server.url("/v1.0/users?$filter=userType eq 'Guest'"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        groups["value"].as_array().unwrap().len(),
        2,
        "refused invitations create nothing"
    );
}

#[tokio::test]
async fn s03_a_disabled_home_account_fails_at_home_and_says_so() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let (_, invitation) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "disabled@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    let browser = browser(&server);
    let page = browser
        .get(invitation["inviteRedeemUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = post_form(&browser, &page, &[("login", "disabled@fabrikam.com")])
        .await
        .text()
        .await
        .unwrap();
    let failed = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
    assert_eq!(failed.status(), 400);
    let failed = failed.text().await.unwrap();
    assert!(
        failed.contains("AADSTS50057") && failed.contains("administrator of Fabrikam"),
        "{failed}"
    );
    let logs = server
        .running()
        .app
        .store_for_tests()
        .list_sign_ins(TenantId::parse(CONTOSO).unwrap(), 5)
        .await
        .unwrap();
    assert_eq!(logs[0].error_code, 50057);
    assert!(logs[0]
        .additional_details
        .as_deref()
        .unwrap_or_default()
        .contains("home: Fabrikam"));
}

#[tokio::test]
async fn s16_an_address_without_a_tenant_redeems_with_a_one_time_passcode() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let (_, invitation) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "dave@example.net", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    let browser = browser(&server);
    let page = browser
        .get(invitation["inviteRedeemUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = post_form(&browser, &page, &[("login", "dave@example.net")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("passcode-address\">dave@example.net"),
        "{page}"
    );
    let outbox: Value = server
        .client
        .get(server.url("/portico/v1/outbox?to=dave@example.net"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = outbox["value"][0]["text"].as_str().unwrap();
    let code = regex::Regex::new(r"code is: (\d{8})")
        .unwrap()
        .captures(text)
        .unwrap()[1]
        .to_owned();
    let wrong = post_form(&browser, &page, &[("otp", "00000000")])
        .await
        .text()
        .await
        .unwrap();
    assert!(wrong.contains("AADSTS500121"));
    let consent = post_form(&browser, &wrong, &[("otp", &code)])
        .await
        .text()
        .await
        .unwrap();
    assert!(consent.contains("Review permissions"), "{consent}");
    let done = post_form(&browser, &consent, &[("accept", "true")]).await;
    assert_eq!(done.headers()["location"], REDIRECT);
    let dave = user(
        &server,
        &token,
        invitation["invitedUser"]["id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(dave["identities"][0]["issuer"], "mail");
    assert_eq!(dave["externalUserState"], "Accepted");
    let tenants = server
        .running()
        .app
        .store_for_tests()
        .list_tenants()
        .await
        .unwrap();
    assert_eq!(tenants.len(), 5, "no tenant is created for example.net");
}

#[tokio::test]
async fn s04_s05_direct_link_redemption_for_accounts_without_mail() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let (_, invitation) = invite(&server, &token, json!({"invitedUserEmailAddress": "nomail@fabrikam.onmicrosoft.com", "inviteRedirectUrl": REDIRECT, "sendInvitationMessage": false})).await;
    for landing in [format!("/{CONTOSO}"), "/contoso.com".to_owned()] {
        let browser = browser(&server);
        let page = browser
            .get(server.url(&landing))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let page = post_form(
            &browser,
            &page,
            &[("login", "nomail@fabrikam.onmicrosoft.com")],
        )
        .await
        .text()
        .await
        .unwrap();
        let next = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
        let next = if next.status() == 200 {
            let consent = next.text().await.unwrap();
            assert!(consent.contains("Review permissions"), "{consent}");
            post_form(&browser, &consent, &[("accept", "true")]).await
        } else {
            next
        };
        assert_eq!(next.status(), 302);
        assert!(
            next.headers()["location"]
                .to_str()
                .unwrap()
                .contains("portico/signed-in"),
            "{landing}"
        );
    }
    let guest = user(
        &server,
        &token,
        invitation["invitedUser"]["id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(guest["externalUserState"], "Accepted");
}

#[tokio::test]
async fn s08_invitations_expire_only_when_the_tenant_says_so() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let (_, lasting) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "alice@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    let app = &server.running().app;
    app.advance_clock(400 * 86_400).unwrap();
    let done = redeem_with_password(
        &server,
        lasting["inviteRedeemUrl"].as_str().unwrap(),
        "alice@fabrikam.com",
    )
    .await;
    assert_eq!(done.status(), 302, "no expiry by default");
    let token = admin(&server).await; // The clock moved past the first token's lifetime.

    let mut settings = app
        .store_for_tests()
        .get_settings(TenantId::parse(CONTOSO).unwrap())
        .await
        .unwrap();
    settings.collaboration.invitation_lifetime_days = Some(90);
    app.store_for_tests()
        .apply(
            TenantId::parse(CONTOSO).unwrap(),
            vec![portico_store::Write::PutSettings(settings)],
        )
        .await
        .unwrap();
    let (_, short) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "bob@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    app.advance_clock(91 * 86_400).unwrap();
    let token = admin(&server).await;
    let page = browser(&server)
        .get(short["inviteRedeemUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("This invitation has expired") && page.contains("send a new invitation"),
        "{page}"
    );
    let (status, again) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "bob@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["invitedUser"]["id"], short["invitedUser"]["id"]);
    let old = browser(&server)
        .get(short["inviteRedeemUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        old.contains("replaced"),
        "the old link stops working: {old}"
    );
    assert_eq!(
        redeem_with_password(
            &server,
            again["inviteRedeemUrl"].as_str().unwrap(),
            "bob@fabrikam.com"
        )
        .await
        .status(),
        302,
        "a re-invite works at once"
    );
}

#[tokio::test]
async fn a_forwarded_link_is_refused_unless_the_tenant_allows_any_account() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let (_, invitation) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "alice@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    let browser = browser(&server);
    let page = browser
        .get(invitation["inviteRedeemUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let refused = post_form(&browser, &page, &[("login", "bob@fabrikam.com")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        refused.contains("This invitation is for someone else"),
        "{refused}"
    );

    let app = &server.running().app;
    let mut settings = app
        .store_for_tests()
        .get_settings(TenantId::parse(CONTOSO).unwrap())
        .await
        .unwrap();
    settings.entra_compat.redeem_with_any_account = true;
    app.store_for_tests()
        .apply(
            TenantId::parse(CONTOSO).unwrap(),
            vec![portico_store::Write::PutSettings(settings)],
        )
        .await
        .unwrap();
    let done = redeem_with_password(
        &server,
        invitation["inviteRedeemUrl"].as_str().unwrap(),
        "bob@fabrikam.com",
    )
    .await;
    assert_eq!(
        done.status(),
        302,
        "Entra's behaviour when the tenant opts in"
    );
    let guest = user(
        &server,
        &token,
        invitation["invitedUser"]["id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(
        guest["displayName"], "Robert Brown",
        "bound to the account that redeemed"
    );
}

#[tokio::test]
async fn concurrent_invitations_make_one_guest_and_concurrent_redemptions_bind_once() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let client = server.client.clone();
        let url = server.url("/v1.0/invitations");
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let response = client.post(url).bearer_auth(token).json(&json!({"invitedUserEmailAddress": "carol@outlook.com", "inviteRedirectUrl": REDIRECT})).send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            (status, body["invitedUser"]["id"].as_str().map(str::to_owned).or_else(|| Some(body.to_string())))
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        let (status, id) = task.await.unwrap();
        assert_eq!(status, 201, "{id:?}");
        ids.insert(id.unwrap());
    }
    assert_eq!(ids.len(), 1, "one guest");
    let guests = server
        .running()
        .app
        .store_for_tests()
        .list_users_by_address(
            TenantId::parse(CONTOSO).unwrap(),
            &portico_model::EmailAddress::parse("carol@outlook.com").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(guests.len(), 1);

    // Twenty browsers at the consent page of one invitation: exactly one redemption wins.
    let (_, invitation) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "alice@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    let url = invitation["inviteRedeemUrl"].as_str().unwrap().to_owned();
    let mut ready = Vec::new();
    for _ in 0..20 {
        let browser = browser(&server);
        let page = browser
            .get(&url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let page = post_form(&browser, &page, &[("login", "alice@fabrikam.com")])
            .await
            .text()
            .await
            .unwrap();
        let consent = post_form(&browser, &page, &[("password", "Portico-dev-1")])
            .await
            .text()
            .await
            .unwrap();
        ready.push((browser, consent));
    }
    let mut tasks = Vec::new();
    for (browser, consent) in ready {
        tasks.push(tokio::spawn(async move {
            post_form(&browser, &consent, &[("accept", "true")])
                .await
                .status()
                .as_u16()
        }));
    }
    let mut redirected = 0;
    for task in tasks {
        if task.await.unwrap() == 302 {
            redirected += 1;
        }
    }
    assert_eq!(redirected, 1, "exactly one redemption");
    let audits = server
        .running()
        .app
        .store_for_tests()
        .list_audit_records(TenantId::parse(CONTOSO).unwrap(), 200)
        .await
        .unwrap();
    assert_eq!(
        audits
            .iter()
            .filter(|a| a.activity == "Redeem external user invite")
            .count(),
        1
    );
    let _ = Upn::parse("x@y.com");
}

async fn patch(server: &TestServer, token: &str, path: &str, body: Value) -> u16 {
    server
        .client
        .patch(server.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn s18_member_invitations_and_user_type_conversion() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let (status, invitation) = invite(&server, &token, json!({"invitedUserEmailAddress": "alice@fabrikam.com", "inviteRedirectUrl": REDIRECT, "invitedUserType": "Member"})).await;
    assert_eq!(status, 201, "{invitation}");
    let id = invitation["invitedUser"]["id"].as_str().unwrap().to_owned();
    let member = user(&server, &token, &id).await;
    assert_eq!(member["userType"], "Member");
    assert_eq!(
        member["userPrincipalName"],
        "alice_fabrikam.com#EXT#@contoso.onmicrosoft.com"
    );
    assert_eq!(
        member["proxyAddresses"],
        json!([]),
        "S23: an invited member is not mail-enabled"
    );
    let source = member["identities"].clone();
    assert_eq!(
        patch(
            &server,
            &token,
            &format!("/v1.0/users/{id}"),
            json!({"userType": "Guest"})
        )
        .await,
        204
    );
    assert_eq!(
        patch(
            &server,
            &token,
            &format!("/v1.0/users/{id}"),
            json!({"userType": "Member"})
        )
        .await,
        204
    );
    assert_eq!(
        user(&server, &token, &id).await["identities"],
        source,
        "Source does not change with userType"
    );
    let audits = server
        .running()
        .app
        .store_for_tests()
        .list_audit_records(TenantId::parse(CONTOSO).unwrap(), 10)
        .await
        .unwrap();
    assert_eq!(
        audits
            .iter()
            .filter(|a| a.activity == "Update user")
            .count(),
        2
    );

    // Guest Inviters invite guests, but members only admins can invite.
    let inviter = {
        let browser = browser(&server);
        let url = authorize_url(&server, "&login_hint=inviter%40contoso.com")
            .replace("User.Read", "User.Invite.All");
        let page = browser.get(url).send().await.unwrap().text().await.unwrap();
        let done = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
        let tokens: Value = redeem(&server, &redirect_params(&done)["code"], VERIFIER)
            .await
            .json()
            .await
            .unwrap();
        tokens["access_token"].as_str().unwrap().to_owned()
    };
    let (status, refused) = invite(&server, &inviter, json!({"invitedUserEmailAddress": "bob@fabrikam.com", "inviteRedirectUrl": REDIRECT, "invitedUserType": "Member"})).await;
    assert_eq!(status, 403);
    assert_eq!(
        refused["error"]["innerError"]["code"],
        "memberInviteRequiresAdmin"
    );
    assert_eq!(
        invite(
            &server,
            &inviter,
            json!({"invitedUserEmailAddress": "bob@fabrikam.com", "inviteRedirectUrl": REDIRECT})
        )
        .await
        .0,
        201
    );
    assert_eq!(
        patch(
            &server,
            &token,
            "/v1.0/policies/authorizationPolicy",
            json!({"allowInvitesFrom": "none"})
        )
        .await,
        204
    );
    let (status, none) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "carol@outlook.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(none["error"]["innerError"]["code"], "invitationsNotAllowed");
}

#[tokio::test]
async fn s21_s22_s23_s24_address_list_mail_and_the_contact_matrix() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    // Row 3 and 4: a contact exists.
    let contact = server
        .client
        .post(server.url("/v1.0/contacts"))
        .bearer_auth(&token)
        .json(&json!({"displayName": "Bob (contact)", "mail": "bob@fabrikam.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(contact.status(), 201);
    let (status, error) = invite(&server, &token, json!({"invitedUserEmailAddress": "bob@fabrikam.com", "inviteRedirectUrl": REDIRECT, "invitedUserType": "Member"})).await;
    assert_eq!(
        (status, error["error"]["innerError"]["code"].as_str()),
        (400, Some("proxyAddressConflict"))
    );
    let (status, guest) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "bob@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    assert_eq!(status, 201);
    let bob = user(
        &server,
        &token,
        guest["invitedUser"]["id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(
        bob["proxyAddresses"],
        json!([]),
        "the contact keeps the address; the guest is not mail-enabled"
    );
    assert_eq!(bob["mail"], "bob@fabrikam.com");
    let contacts: Value = server
        .client
        .get(server.url("/v1.0/contacts"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(contacts["value"].as_array().unwrap().len(), 1);
    // Rows 5 and 6: a mail-enabled guest or member exists, a contact with its address is refused.
    let (_, alice) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "alice@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    for address in ["alice@fabrikam.com", "megan@contoso.com"] {
        let response = server
            .client
            .post(server.url("/v1.0/contacts"))
            .bearer_auth(&token)
            .json(&json!({"displayName": "X", "mail": address}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{address}");
    }
    // S21/S24: unhide a guest that never redeemed, make it a member: a MailUser in the list.
    let alice_id = alice["invitedUser"]["id"].as_str().unwrap().to_owned();
    let shown = server
        .client
        .patch(server.url(&format!(
            "/portico/v1/tenants/contoso.com/recipients/{alice_id}"
        )))
        .bearer_auth(&token)
        .json(&json!({"hiddenFromAddressListsEnabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(shown.status(), 200);
    assert_eq!(
        patch(
            &server,
            &token,
            &format!("/v1.0/users/{alice_id}"),
            json!({"userType": "Member"})
        )
        .await,
        204
    );
    let view: Value = server
        .client
        .get(server.url("/portico/v1/tenants/contoso.com/recipients"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let recipient = view["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == alice_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(recipient["recipientType"], "MailUser");
    assert_eq!(recipient["hiddenFromAddressListsEnabled"], false);
    // S22: the guest's mail is the resource admin's to change; it does not follow home.
    let fabrikam = app_token(
        &server,
        "fabrikam.com",
        "fabca001-0000-4000-8000-000000000001",
        "fabrikam-admin-secret",
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        patch(
            &server,
            &fabrikam,
            "/v1.0/users/alice@fabrikam.com",
            json!({"mail": "alice.wong@fabrikam.com"})
        )
        .await,
        204
    );
    assert_eq!(
        user(&server, &token, &alice_id).await["mail"],
        "alice@fabrikam.com"
    );
    assert_eq!(
        patch(
            &server,
            &token,
            &format!("/v1.0/users/{alice_id}"),
            json!({"mail": "a.wong@fabrikam.com"})
        )
        .await,
        204
    );
    assert_eq!(
        user(&server, &token, &alice_id).await["mail"],
        "a.wong@fabrikam.com"
    );
}

#[tokio::test]
async fn s30_reset_redemption_keeps_the_object_and_redeems_again() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let (_, invitation) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "alice@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    let id = invitation["invitedUser"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        redeem_with_password(
            &server,
            invitation["inviteRedeemUrl"].as_str().unwrap(),
            "alice@fabrikam.com"
        )
        .await
        .status(),
        302
    );
    let group: Value = server.client.post(server.url("/v1.0/groups")).bearer_auth(&token).json(&json!({"displayName": "G", "mailEnabled": false, "mailNickname": "g", "securityEnabled": true})).send().await.unwrap().json().await.unwrap();
    let gid = group["id"].as_str().unwrap();
    let reference =
        json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{id}")});
    assert_eq!(
        server
            .client
            .post(server.url(&format!("/v1.0/groups/{gid}/members/$ref")))
            .bearer_auth(&token)
            .json(&reference)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let (again_status, again) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "alice@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    assert_eq!(
        (again_status, again["status"].as_str()),
        (201, Some("Completed")),
        "an accepted guest is not invited again"
    );
    let (status, reset) = invite(&server, &token, json!({"invitedUserEmailAddress": "alice@fabrikam.com", "inviteRedirectUrl": REDIRECT, "resetRedemption": true, "invitedUser": {"id": id}})).await;
    assert_eq!(status, 201, "{reset}");
    assert_eq!(reset["invitedUser"]["id"], id.as_str());
    assert_eq!(reset["status"], "PendingAcceptance");
    assert_eq!(
        user(&server, &token, &id).await["externalUserState"],
        "PendingAcceptance"
    );
    let members: Value = server
        .client
        .get(server.url(&format!("/v1.0/groups/{gid}/members")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(members["value"][0]["id"], id.as_str(), "groups are kept");
    assert_eq!(
        redeem_with_password(
            &server,
            reset["inviteRedeemUrl"].as_str().unwrap(),
            "alice@fabrikam.com"
        )
        .await
        .status(),
        302,
        "redemption again"
    );
    assert_eq!(
        user(&server, &token, &id).await["externalUserState"],
        "Accepted"
    );
}

#[tokio::test]
async fn s05_s17_s19_invite_by_upn_sources_and_guest_filters() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let (_, by_upn) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "bob@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    assert!(by_upn.get("@portico.warnings").is_none());
    let (_, by_mail) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "robert.b@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    assert!(
        by_mail["@portico.warnings"][0]
            .as_str()
            .unwrap()
            .contains("Invite bob@fabrikam.com instead"),
        "{by_mail}"
    );
    assert_eq!(
        by_mail["invitedUser"]["id"], by_upn["invitedUser"]["id"],
        "the same home account"
    );

    let (_, carol) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "carol@outlook.com", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    let done = redeem_with_password(
        &server,
        carol["inviteRedeemUrl"].as_str().unwrap(),
        "carol@outlook.com",
    )
    .await;
    assert_eq!(done.status(), 302);
    assert_eq!(
        user(
            &server,
            &token,
            carol["invitedUser"]["id"].as_str().unwrap()
        )
        .await["identities"][0]["issuer"],
        "MicrosoftAccount",
        "S17: Microsoft account"
    );
    for n in 0..3 {
        invite(&server, &token, json!({"invitedUserEmailAddress": format!("p{n}@example.net"), "inviteRedirectUrl": REDIRECT})).await;
    }
    let get = |path: &str| {
        let request = server
            .client
            .get(server.url(path))
            .bearer_auth(&token)
            .header("ConsistencyLevel", "eventual");
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let guests = get("/v1.0/users?$filter=userType eq 'Guest'&$top=2&$count=true").await;
    assert_eq!(guests["@odata.count"], 5);
    let next: Value = server
        .client
        .get(guests["@odata.nextLink"].as_str().unwrap())
        .bearer_auth(&token)
        .header("ConsistencyLevel", "eventual")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(next["value"].as_array().unwrap().len(), 2);
    let pending =
        get("/v1.0/users?$filter=externalUserState eq 'PendingAcceptance'&$count=true").await;
    assert_eq!(pending["@odata.count"], 4);
    let invited = get("/v1.0/users?$filter=creationType eq 'Invitation'&$count=true").await;
    assert_eq!(invited["@odata.count"], 5);
}

/// Contoso federates `partner.example` with an OpenID Connect provider: here another Portico
/// tenant ("IdP") that does not own the domain, so the redemption order reaches step 2.
const FEDERATION_WORLD: &str = r#"
default_password = "Portico-dev-1"
[[tenant]]
key = "contoso"
id = "11111111-1111-4111-8111-111111111111"
display_name = "Contoso"
domains = ["contoso.onmicrosoft.com", "contoso.com"]
[[tenant.app]]
display_name = "Portico Admin"
client_id = "c0c0a001-0000-4000-8000-000000000001"
secret = "contoso-admin-secret"
graph_permissions = ["User.ReadWrite.All", "User.Invite.All"]
[[tenant.app]]
display_name = "Contoso CLI"
client_id = "c0c0a003-0000-4000-8000-000000000003"
public_client = true
redirect_uris = ["http://localhost"]
[[tenant.federation]]
domain = "partner.example"
issuer = "{public_url}/99999999-9999-4999-8999-999999999999/v2.0"
client_id = "c0c0a0f1-0000-4000-8000-0000000000f1"
client_secret = "federation-secret"
[[tenant.federation]]
domain = "down.example"
issuer = "https://127.0.0.1:1/v2.0"
client_id = "c0c0a0f2-0000-4000-8000-0000000000f2"
client_secret = "unused"

[[tenant]]
key = "idp"
id = "99999999-9999-4999-8999-999999999999"
display_name = "Partner IdP"
domains = ["idp.example"]
[[tenant.user]]
upn = "pat@idp.example"
display_name = "Pat Partner"
mail = "pat@partner.example"
[[tenant.user]]
upn = "sam@idp.example"
display_name = "Sam Partner"
mail = "sam@partner.example"
[[tenant.app]]
display_name = "Contoso guest federation"
client_id = "c0c0a0f1-0000-4000-8000-0000000000f1"
secret = "federation-secret"
redirect_uris = ["{public_url}/11111111-1111-4111-8111-111111111111/federation/callback"]
"#;

/// Follows a redirect with the same browser and returns the page it leads to.
async fn follow(browser: &reqwest::Client, response: reqwest::Response) -> reqwest::Response {
    assert_eq!(response.status(), 302, "expected a redirect");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    browser.get(location).send().await.unwrap()
}

#[tokio::test]
async fn a_federated_domain_redeems_at_its_openid_connect_provider() {
    let server = crate::harness::spawn(crate::harness::Spawn {
        seed: Some(FEDERATION_WORLD),
        ..Default::default()
    })
    .await;
    let token = admin(&server).await;
    let (status, invitation) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "pat@partner.example", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    assert_eq!(status, 201, "{invitation}");
    let guest_id = invitation["invitedUser"]["id"].as_str().unwrap().to_owned();

    // The redeem link asks for the address, then sends the browser to the provider.
    let browser = browser(&server);
    let page = browser
        .get(invitation["inviteRedeemUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let to_provider = post_form(&browser, &page, &[("login", "pat@partner.example")]).await;
    let location = to_provider.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    let provider_authorize =
        server.url("/99999999-9999-4999-8999-999999999999/oauth2/v2.0/authorize");
    assert!(location.starts_with(&provider_authorize), "{location}");
    for parameter in [
        "code_challenge_method=S256",
        "login_hint=pat%40partner.example",
        "nonce=",
        "state=",
    ] {
        assert!(location.contains(parameter), "{parameter} in {location}");
    }

    // The provider takes the hint and asks for Pat's password; its answer comes back to Contoso.
    let password = follow(&browser, to_provider).await.text().await.unwrap();
    assert!(
        password.contains("pat@idp.example") && password.contains("id=\"password\""),
        "{password}"
    );
    let answer = post_form(&browser, &password, &[("password", "Portico-dev-1")]).await;
    let callback = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        callback.starts_with(&server.url(&format!("/{CONTOSO}/federation/callback"))),
        "{callback}"
    );

    // A replayed or forged answer does not belong to the flow.
    let forged = browser
        .get(callback.replace("state=", "state=x"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(forged.contains("AADSTS9002313"), "{forged}");

    let consent = browser
        .get(&callback)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(consent.contains("Review permissions"), "{consent}");
    let done = post_form(&browser, &consent, &[("accept", "true")]).await;
    assert_eq!(done.headers()["location"], REDIRECT);

    let pat = user(&server, &token, &guest_id).await;
    let issuer = server.url("/99999999-9999-4999-8999-999999999999/v2.0");
    assert_eq!(pat["externalUserState"], "Accepted");
    assert_eq!(
        pat["identities"],
        json!([{"signInType": "federated", "issuer": issuer, "issuerAssignedId": "pat@partner.example"}])
    );

    // Later sign-ins in a new browser go the same way, and the tokens name the provider as `idp`.
    let fresh = crate::oidc_client::browser(&server);
    let hint = "&login_hint=pat%40partner.example";
    let mut response = fresh
        .get(authorize_url(&server, hint))
        .send()
        .await
        .unwrap();
    let mut visited = Vec::new();
    let code = loop {
        if response.status() == 200 {
            let page = response.text().await.unwrap();
            let field = if page.contains("id=\"password\"") {
                ("password", "Portico-dev-1")
            } else {
                ("login", "pat@partner.example")
            };
            response = post_form(&fresh, &page, &[field]).await;
            continue;
        }
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        if location.starts_with("http://localhost:53123") {
            break redirect_params(&response)["code"].clone();
        }
        visited.push(location);
        response = follow(&fresh, response).await;
    };
    assert!(
        visited
            .iter()
            .any(|hop| hop.starts_with(&provider_authorize)),
        "{visited:?}"
    );
    let tokens: Value = redeem(&server, &code, VERIFIER).await.json().await.unwrap();
    let claims = decode(tokens["id_token"].as_str().unwrap(), 1);
    assert_eq!(claims["idp"], issuer.as_str());
    assert_eq!(claims["oid"], guest_id.as_str());
    assert_eq!(claims["preferred_username"], "pat@partner.example");
}

#[tokio::test]
async fn a_federated_sign_in_as_someone_else_does_not_redeem() {
    let server = crate::harness::spawn(crate::harness::Spawn {
        seed: Some(FEDERATION_WORLD),
        ..Default::default()
    })
    .await;
    let token = admin(&server).await;
    let (_, invitation) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "pat@partner.example", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    let browser = browser(&server);
    let page = browser
        .get(invitation["inviteRedeemUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let to_provider = post_form(&browser, &page, &[("login", "pat@partner.example")]).await;
    // Sam, a colleague at the same provider, ignores the hint and signs in instead.
    let location = to_provider.headers()["location"].to_str().unwrap();
    let without_hint = location.replace("login_hint=pat%40partner.example", "");
    let login = browser
        .get(without_hint)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let password = post_form(&browser, &login, &[("login", "sam@idp.example")])
        .await
        .text()
        .await
        .unwrap();
    let answer = post_form(&browser, &password, &[("password", "Portico-dev-1")]).await;
    let refused = follow(&browser, answer).await.text().await.unwrap();
    assert!(
        refused.contains("AADSTS90072") && refused.contains("sam@partner.example"),
        "{refused}"
    );
    let pat = user(
        &server,
        &token,
        invitation["invitedUser"]["id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(pat["externalUserState"], "PendingAcceptance");

    // A provider that does not answer is named on the page, and nothing is redeemed.
    let (_, invitation) = invite(
        &server,
        &token,
        json!({"invitedUserEmailAddress": "kim@down.example", "inviteRedirectUrl": REDIRECT}),
    )
    .await;
    let page = browser
        .get(invitation["inviteRedeemUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let down = post_form(&browser, &page, &[("login", "kim@down.example")]).await;
    let page = down.text().await.unwrap();
    assert!(
        page.contains("AADSTS50000") && page.contains("https://127.0.0.1:1/v2.0"),
        "{page}"
    );

    // The client secrets are sealed at rest.
    let settings = server
        .running()
        .app
        .store_for_tests()
        .get_settings(TenantId::parse(CONTOSO).unwrap())
        .await
        .unwrap();
    assert_eq!(settings.federations.len(), 2);
    for federation in &settings.federations {
        assert!(
            !federation.client_secret.contains("secret") && federation.client_secret != "unused"
        );
    }
}
