//! The device code flow end to end: `/devicecode`, the verification page (code, confirmation,
//! the ordinary sign-in pages), and the token endpoint's polling answers.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::{
    browser, decode, error_code, form_fields, verify_with_jwks, CLI_APP, CONTOSO,
};
use portico_model::TenantId;
use reqwest::Client;
use serde_json::Value;

const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const SCOPE: &str = "openid profile offline_access User.Read";

async fn device_code(server: &TestServer, tenant: &str) -> Value {
    let response = server
        .client
        .post(server.url(&format!("/{tenant}/oauth2/v2.0/devicecode")))
        .form(&[("client_id", CLI_APP), ("scope", SCOPE)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn poll(server: &TestServer, tenant: &str, device_code: &str) -> reqwest::Response {
    server
        .client
        .post(server.url(&format!("/{tenant}/oauth2/v2.0/token")))
        .form(&[
            ("grant_type", GRANT),
            ("client_id", CLI_APP),
            ("device_code", device_code),
            ("client_info", "1"),
        ])
        .send()
        .await
        .unwrap()
}

async fn advance(server: &TestServer, seconds: i64) {
    let response = server
        .client
        .post(server.url("/portico/v1/clock"))
        .json(&serde_json::json!({ "advanceSeconds": seconds }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// Types `code` on the verification page; returns the next page's HTML.
async fn enter_code(browser: &Client, uri: &str, code: &str) -> String {
    let page = browser.get(uri).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("name=\"otc\""), "{page}");
    let answer = browser
        .post(uri)
        .form(&[("action", "enter"), ("otc", code)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    answer.text().await.unwrap()
}

async fn choose(browser: &Client, uri: &str, code: &str, action: &str) -> String {
    let form = [("action", action), ("otc", code)];
    let answer = browser.post(uri).form(&form).send().await.unwrap();
    answer.text().await.unwrap()
}

async fn sign_in(browser: &Client, page: &str, login: &str, password: &str) -> reqwest::Response {
    let (flow, csrf, action) = form_fields(page);
    let form = [("flow", flow.as_str()), ("csrf", &csrf), ("login", login)];
    let page = browser.post(&action).form(&form).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("id=\"password\""), "{page}");
    let (flow, csrf, action) = form_fields(&page);
    let form = [
        ("flow", flow.as_str()),
        ("csrf", &csrf),
        ("password", password),
    ];
    browser.post(&action).form(&form).send().await.unwrap()
}

#[tokio::test]
async fn a_device_signs_in_after_the_user_approves_it_in_a_browser() {
    let server = spawn_demo().await;
    let discovery: Value = server
        .client
        .get(server.url("/contoso.com/v2.0/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["device_authorization_endpoint"],
        server.url(&format!("/{CONTOSO}/oauth2/v2.0/devicecode"))
    );
    let device = device_code(&server, "contoso.com").await;
    let (user_code, code) = (
        device["user_code"].as_str().unwrap(),
        device["device_code"].as_str().unwrap(),
    );
    let uri = device["verification_uri"].as_str().unwrap();
    assert_eq!(uri, server.url(&format!("/{CONTOSO}/devicelogin")));
    assert_eq!(
        (device["expires_in"].as_i64(), device["interval"].as_i64()),
        (Some(900), Some(5))
    );
    assert!(
        device["message"].as_str().unwrap().contains(user_code),
        "{device}"
    );

    // Before the user acts: pending; polling again at once: slow down.
    assert_eq!(
        error_code(poll(&server, "contoso.com", code).await).await,
        (400, "authorization_pending".into(), 70016)
    );
    assert_eq!(
        error_code(poll(&server, "contoso.com", code).await).await.1,
        "slow_down"
    );
    assert_eq!(
        error_code(poll(&server, "contoso.com", "nope").await)
            .await
            .1,
        "bad_verification_code"
    );

    // The user types the code (any case, with a dash), confirms, and signs in as usual.
    let browser = browser(&server);
    let typed = format!("{}-{}", &user_code[..4], &user_code[4..]).to_lowercase();
    let confirm = enter_code(&browser, uri, &typed).await;
    assert!(confirm.contains("Contoso CLI"), "{confirm}");
    let sign_in_page = choose(&browser, uri, user_code, "continue").await;
    let done = sign_in(
        &browser,
        &sign_in_page,
        "megan@contoso.com",
        "Portico-dev-1",
    )
    .await;
    assert_eq!(done.status(), 302);
    let location = done.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("{uri}/done"));
    let page = browser
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"device-done\""), "{page}");

    // The next poll (after the interval) has the tokens, for megan, from the tenant's keys.
    advance(&server, 6).await;
    let tokens: Value = poll(&server, "contoso.com", code)
        .await
        .json()
        .await
        .unwrap();
    let id_token = tokens["id_token"].as_str().expect("an ID token");
    let claims = verify_with_jwks(&server, "contoso.com", id_token)
        .await
        .unwrap();
    assert_eq!(claims["preferred_username"], "megan@contoso.com");
    assert_eq!(claims["aud"], CLI_APP);
    let access = decode(tokens["access_token"].as_str().unwrap(), 1);
    assert!(
        access["scp"].as_str().unwrap().contains("User.Read"),
        "{access:?}"
    );
    assert!(tokens["refresh_token"].is_string() && tokens["client_info"].is_string());

    // Single use; the code is then spent on the page too.
    assert_eq!(
        error_code(poll(&server, "contoso.com", code).await).await,
        (400, "invalid_grant".into(), 54005)
    );
    let again = enter_code(&browser, uri, user_code).await;
    assert!(again.contains("already been used"), "{again}");

    // The sign-in was interactive and logged like any other, for the CLI app.
    let logs = server
        .running()
        .app
        .store_for_tests()
        .list_sign_ins(TenantId::parse(CONTOSO).unwrap(), 20)
        .await
        .unwrap();
    assert!(
        logs.iter()
            .any(|l| l.sign_in_event_type == "interactiveUser"
                && l.error_code == 0
                && l.user_principal_name.as_deref() == Some("megan@contoso.com")
                && l.app_id.map(|a| a.to_string()).as_deref() == Some(CLI_APP)),
        "{logs:#?}"
    );
}

#[tokio::test]
async fn declined_expired_and_guessed_codes_answer_as_entra() {
    let server = spawn_demo().await;
    let browser = browser(&server);

    // Declined on the page: the device hears authorization_declined.
    let device = device_code(&server, "organizations").await;
    let code = device["device_code"].as_str().unwrap();
    let uri = device["verification_uri"].as_str().unwrap();
    assert_eq!(
        uri,
        server.url(&format!("/{CONTOSO}/devicelogin")),
        "/organizations finds the app's tenant"
    );
    let user_code = device["user_code"].as_str().unwrap();
    enter_code(&browser, uri, user_code).await;
    let declined = choose(&browser, uri, user_code, "cancel").await;
    assert!(declined.contains("declined"), "{declined}");
    assert_eq!(
        error_code(poll(&server, "organizations", code).await)
            .await
            .1,
        "authorization_declined"
    );

    // Never used: after 15 minutes, expired_token.
    let device = device_code(&server, "contoso.com").await;
    let code = device["device_code"].as_str().unwrap();
    advance(&server, 901).await;
    assert_eq!(
        error_code(poll(&server, "common", code).await).await,
        (400, "expired_token".into(), 70019)
    );
    let late = enter_code(&browser, uri, device["user_code"].as_str().unwrap()).await;
    assert!(late.contains("expired"), "{late}");

    // Guessing codes is throttled per address: the right code is refused once the quota is spent.
    let device = device_code(&server, "contoso.com").await;
    for _ in 0..20 {
        let wrong = enter_code(&browser, uri, "AAAAAAAA").await;
        assert!(
            wrong.contains("Check the code") || wrong.contains("Too many"),
            "{wrong}"
        );
    }
    let refused = enter_code(&browser, uri, device["user_code"].as_str().unwrap()).await;
    assert!(refused.contains("Too many codes"), "{refused}");

    // Another client cannot poll a device code it was not given.
    let other = server
        .client
        .post(server.url("/contoso.com/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", GRANT),
            ("client_id", "c0c0a004-0000-4000-8000-000000000004"),
            ("client_secret", "contoso-payroll-secret"),
            ("device_code", device["device_code"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(other).await.1, "bad_verification_code");
}

#[tokio::test]
async fn multi_tenant_keys_and_error_timestamps_follow_entra() {
    let server = spawn_demo().await;
    // `/common` and `/organizations` publish every tenant's keys: a Contoso token verifies there.
    let token = crate::oidc_client::app_token(
        &server,
        "contoso.com",
        crate::oidc_client::ADMIN_APP,
        "contoso-admin-secret",
    )
    .await;
    let access = token["access_token"].as_str().unwrap();
    for authority in ["common", "organizations"] {
        let claims = verify_with_jwks(&server, authority, access).await.unwrap();
        assert_eq!(claims["tid"], CONTOSO);
    }
    // An error's timestamp is the server's clock (moved a year here), as in its logs.
    advance(&server, 365 * 24 * 3600).await;
    let clock: Value = server
        .client
        .get(server.url("/portico/v1/clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let body: Value = poll(&server, "contoso.com", "nope")
        .await
        .json()
        .await
        .unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(clock["now"].as_str().unwrap()).unwrap();
    let stamp = body["timestamp"].as_str().unwrap();
    assert_eq!(
        &stamp[..13],
        &now.format("%Y-%m-%d %H").to_string(),
        "{body}"
    );
    assert!(body["error_description"].as_str().unwrap().ends_with(stamp));
}
