//! Smart lockout, attempt counters and passcode throttling end to end (issue 10, holes 4–6, and
//! the races suite): restarting sign-ins to guess codes locks the account, a lockout outlasts
//! right credentials until it ends or an administrator clears it, familiar addresses are not
//! locked out from elsewhere, parallel guesses never get more than five codes checked, and
//! passcode mail is rate-limited.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::*;
use portico_app::tokens::totp;
use portico_model::{TenantId, Upn};
use reqwest::Client;
use serde_json::{json, Value};

fn contoso() -> TenantId {
    TenantId::parse(CONTOSO).unwrap()
}

pub(crate) async fn enable_security_defaults(server: &TestServer) {
    let admin = app_token(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let patch = server
        .client
        .patch(server.url("/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"))
        .bearer_auth(admin["access_token"].as_str().unwrap())
        .json(&json!({"isEnabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 204);
}

/// A new browser at megan's password page (`prompt=login`), and the page after her password.
async fn megan_after_password(server: &TestServer, browser: &Client, password: &str) -> String {
    let page = browser
        .get(authorize_url(
            server,
            "&prompt=login&login_hint=megan%40contoso.com",
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text(post_form(browser, &page, &[("password", password)]).await).await
}

async fn text(response: reqwest::Response) -> String {
    response.text().await.unwrap()
}

/// A six-digit code that is none of the codes `verify` accepts around now.
fn wrong_code(secret: &str, server: &TestServer) -> String {
    let now = server.running().app.now();
    let near: Vec<String> = [-30, 0, 30]
        .iter()
        .map(|s| totp::code_now(secret, now + chrono::Duration::seconds(*s)).unwrap())
        .collect();
    (0..10u32)
        .map(|n| format!("{n:06}"))
        .find(|code| !near.contains(code))
        .unwrap()
}

async fn megan_id(server: &TestServer) -> String {
    let megan = server
        .running()
        .app
        .store_for_tests()
        .find_user_by_upn(contoso(), &Upn::parse("megan@contoso.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    megan.id.to_string()
}

async fn lockouts(server: &TestServer) -> Value {
    server
        .client
        .get(server.url("/portico/v1/tenants/contoso.com/lockouts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Registers megan's authenticator; returns its secret.
async fn register_megan(server: &TestServer) -> String {
    let browser = browser(server);
    let page = megan_after_password(server, &browser, "Portico-dev-1").await;
    let secret = regex::Regex::new(r#"id="totp-secret">([A-Z2-7]+)<"#)
        .unwrap()
        .captures(&page)
        .unwrap_or_else(|| panic!("{page}"))[1]
        .to_owned();
    let code = totp::code_now(&secret, server.running().app.now()).unwrap();
    let done = post_form(&browser, &page, &[("otp", &code)]).await;
    assert!(redirect_params(&done).contains_key("code"));
    server.running().app.advance_clock(30).unwrap();
    secret
}

#[tokio::test]
async fn restarting_sign_ins_to_guess_totp_codes_locks_the_account_until_the_period_ends() {
    let server = spawn_demo().await;
    enable_security_defaults(&server).await;
    let secret = register_megan(&server).await;
    let wrong = wrong_code(&secret, &server);
    // Sign-in A: five wrong codes end the flow (5 failures).
    let a = browser(&server);
    let mut page = megan_after_password(&server, &a, "Portico-dev-1").await;
    for attempt in 1..=5 {
        page = text(post_form(&a, &page, &[("otp", &wrong)]).await).await;
        if attempt < 5 {
            assert!(page.contains("AADSTS500121"), "{page}");
        }
    }
    assert!(page.contains("Too many attempts"), "{page}");
    // Sign-in B: four more (9); sign-in C reaches the code page; B's fifth locks (10).
    let b = browser(&server);
    let mut b_page = megan_after_password(&server, &b, "Portico-dev-1").await;
    for _ in 0..4 {
        b_page = text(post_form(&b, &b_page, &[("otp", &wrong)]).await).await;
        assert!(b_page.contains("AADSTS500121"), "{b_page}");
    }
    let c = browser(&server);
    let c_page = megan_after_password(&server, &c, "Portico-dev-1").await;
    assert!(c_page.contains("Enter code"), "{c_page}");
    let b_page = text(post_form(&b, &b_page, &[("otp", &wrong)]).await).await;
    assert!(b_page.contains("Too many attempts"), "{b_page}");
    // Locked: the right code is refused with AADSTS50053, and so is the right password.
    let app = &server.running().app;
    let right = totp::code_now(&secret, app.now()).unwrap();
    let refused = text(post_form(&c, &c_page, &[("otp", &right)]).await).await;
    assert!(refused.contains("AADSTS50053"), "{refused}");
    let d = browser(&server);
    let refused = megan_after_password(&server, &d, "Portico-dev-1").await;
    assert!(refused.contains("AADSTS50053"), "{refused}");
    let rows = app
        .store_for_tests()
        .list_sign_ins(contoso(), 50)
        .await
        .unwrap();
    assert!(rows.iter().any(|row| row.error_code == 50053));
    let listed = lockouts(&server).await;
    let megan_key = format!("user:{}", megan_id(&server).await);
    assert!(
        listed["value"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["account"] == megan_key.as_str() && l["locked"] == true),
        "{listed}"
    );
    // After the first period (60 s) the right password and code work again.
    app.advance_clock(61).unwrap();
    let e = browser(&server);
    let page = megan_after_password(&server, &e, "Portico-dev-1").await;
    let right = totp::code_now(&secret, app.now()).unwrap();
    let done = post_form(&e, &page, &[("otp", &right)]).await;
    assert!(redirect_params(&done).contains_key("code"));
    assert_eq!(
        lockouts(&server).await["value"],
        json!([]),
        "success clears"
    );
}

/// Ten wrong passwords on one page lock megan; the right one is then refused.
async fn lock_megan_with_passwords(server: &TestServer, browser: &Client) {
    let mut page = browser
        .get(authorize_url(
            server,
            "&prompt=login&login_hint=megan%40contoso.com",
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for _ in 0..10 {
        page = text(post_form(browser, &page, &[("password", "wrong-password")]).await).await;
        assert!(page.contains("AADSTS50126"), "{page}");
    }
    let refused = text(post_form(browser, &page, &[("password", "Portico-dev-1")]).await).await;
    assert!(refused.contains("AADSTS50053"), "{refused}");
}

#[tokio::test]
async fn administrators_clear_a_lockout_and_familiar_addresses_are_not_locked_out() {
    let server = spawn_demo().await;
    // Megan signs in once from 127.0.0.1: that address is familiar from now on.
    let home = browser(&server);
    assert!(sign_in_megan(&server, &home).await.contains_key("code"));
    // An attacker at another address locks out only unfamiliar sign-ins.
    let pem = std::fs::read(&server.running().ca_cert_path).unwrap();
    let elsewhere = || {
        Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .local_address(Some("127.0.0.2".parse().unwrap()))
            .build()
            .unwrap()
    };
    let attacker = elsewhere();
    lock_megan_with_passwords(&server, &attacker).await;
    assert!(sign_in_megan(&server, &browser(&server))
        .await
        .contains_key("code"));
    // The control API clears it (dev mode) ...
    let cleared = server
        .client
        .delete(server.url("/portico/v1/tenants/contoso.com/lockouts/megan@contoso.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
    assert!(sign_in_megan(&server, &attacker).await.contains_key("code"));
    // ... and so does Graph, for an administrator who may write users. Now 127.0.0.2 is
    // familiar too, so lock megan from there again.
    lock_megan_with_passwords(&server, &attacker).await;
    let admin = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let path = format!(
        "/v1.0/users/{}/portico.clearLockout",
        megan_id(&server).await
    );
    let cleared = server
        .client
        .post(server.url(&path))
        .bearer_auth(admin["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
    assert!(sign_in_megan(&server, &elsewhere())
        .await
        .contains_key("code"));
    let megan = sign_in_megan(&server, &browser(&server)).await;
    let token: Value = redeem(&server, &megan["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let forbidden = server
        .client
        .post(server.url(&path))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        forbidden.status(),
        403,
        "a plain member cannot clear lockouts"
    );
}

#[tokio::test]
async fn client_secrets_lock_per_application() {
    let server = spawn_demo().await;
    let token = |secret: &'static str| {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", ADMIN_APP),
            ("client_secret", secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ];
        server
            .client
            .post(server.url("/contoso.com/oauth2/v2.0/token"))
            .form(&form)
            .send()
    };
    assert_eq!(token("contoso-admin-secret").await.unwrap().status(), 200);
    // The first success came from 127.0.0.1, so failures from there count as familiar ones.
    for _ in 0..10 {
        let (status, _, code) = error_code(token("wrong").await.unwrap()).await;
        assert_eq!((status, code), (401, 7000215));
    }
    let (status, _, code) = error_code(token("contoso-admin-secret").await.unwrap()).await;
    assert_eq!((status, code), (401, 50053));
    server.running().app.advance_clock(61).unwrap();
    assert_eq!(token("contoso-admin-secret").await.unwrap().status(), 200);
}

/// A guest's redemption up to the passcode page; returns the browser, the page and the code.
async fn passcode_page(server: &TestServer) -> (Client, String, String) {
    let admin = app_token(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let invitation: Value = server
        .client
        .post(server.url("/v1.0/invitations"))
        .bearer_auth(admin["access_token"].as_str().unwrap())
        .json(&json!({"invitedUserEmailAddress": "dave@example.net", "inviteRedirectUrl": "https://example.org/welcome"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let browser = browser(server);
    let url = invitation["inviteRedeemUrl"].as_str().unwrap();
    let page = text(browser.get(url).send().await.unwrap()).await;
    let page = text(post_form(&browser, &page, &[("login", "dave@example.net")]).await).await;
    assert!(page.contains("passcode-address"), "{page}");
    let codes = passcode_mails(server).await;
    let code = regex::Regex::new(r"code is: (\d{8})")
        .unwrap()
        .captures(&codes[0])
        .unwrap()[1]
        .to_owned();
    (browser, page, code)
}

/// The texts of the passcode mails to dave, newest first.
async fn passcode_mails(server: &TestServer) -> Vec<String> {
    let outbox: Value = server
        .client
        .get(server.url("/portico/v1/outbox?to=dave@example.net"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    outbox["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["subject"].as_str().unwrap().contains("verification code"))
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_thousand_parallel_wrong_passcodes_get_at_most_five_checked() {
    let server = spawn_demo().await;
    let (browser, page, code) = passcode_page(&server).await;
    let wrong = if code == "00000000" {
        "00000001"
    } else {
        "00000000"
    };
    let (flow, csrf, action) = form_fields(&page);
    let form = [("flow", flow), ("csrf", csrf), ("otp", wrong.to_owned())];
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(100));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..1000 {
        let permit = limit.clone().acquire_owned().await.unwrap();
        let request = browser.post(&action).form(&form);
        tasks.spawn(async move {
            let status = request.send().await.unwrap().status().as_u16();
            drop(permit);
            status
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = tasks.join_next().await {
        statuses.push(status.unwrap());
    }
    assert!(
        statuses.iter().all(|s| *s < 500),
        "no server errors: {statuses:?}"
    );
    // Every checked code was claimed on the guest's lockout counter too: at most five.
    let states = server
        .running()
        .app
        .store_for_tests()
        .list_lockouts(contoso())
        .await
        .unwrap();
    let checked: u32 = states.iter().map(|s| s.failures).sum();
    assert!((1..=5).contains(&checked), "{checked} codes were checked");
    let after = text(post_form(&browser, &page, &[("otp", &code)]).await).await;
    assert!(
        !after.contains("Review permissions"),
        "the right code comes too late: {after}"
    );
}

#[tokio::test]
async fn passcode_mail_is_limited_per_address() {
    let server = spawn_demo().await;
    let (_, _, _) = passcode_page(&server).await;
    let admin = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let mut last = String::new();
    for _ in 0..24 {
        let invitation: Value = server
            .client
            .post(server.url("/v1.0/invitations"))
            .bearer_auth(admin["access_token"].as_str().unwrap())
            .json(&json!({"invitedUserEmailAddress": "dave@example.net", "inviteRedirectUrl": "https://example.org/welcome"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let browser = browser(&server);
        let url = invitation["inviteRedeemUrl"].as_str().unwrap();
        let page = text(browser.get(url).send().await.unwrap()).await;
        last = text(post_form(&browser, &page, &[("login", "dave@example.net")]).await).await;
    }
    assert_eq!(
        passcode_mails(&server).await.len(),
        5,
        "25 starts, 5 codes mailed"
    );
    assert!(last.contains("Too many codes requested"), "{last}");
    // A new window opens after 15 minutes.
    server.running().app.advance_clock(15 * 60 + 1).unwrap();
    let (_, page, _) = passcode_page(&server).await;
    assert!(page.contains("passcode-address"));
    assert_eq!(passcode_mails(&server).await.len(), 6);
}
