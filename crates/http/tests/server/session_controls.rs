//! Conditional Access session controls end to end: sign-in frequency sends a stale session back
//! to the password page (or answers `login_required` to a silent request) and refuses a stale
//! refresh token with AADSTS70043; a persistent browser session policy decides whether the
//! session cookie outlives the browser, whatever "Stay signed in" said.

use crate::harness::{call, spawn_demo, TestServer};
use crate::oidc_client::{
    authorize_url, browser, post_form, redeem, redirect_params, refresh, sign_in_megan, VERIFIER,
};
use crate::walk::admin;
use reqwest::{Client, Response};
use serde_json::{json, Value};

const POLICIES: &str = "/v1.0/identity/conditionalAccess/policies";

fn session_policy(name: &str, session: Value) -> Value {
    json!({
        "displayName": name,
        "state": "enabled",
        "conditions": {
            "users": {"includeUsers": ["All"]},
            "applications": {"includeApplications": ["All"]},
        },
        "grantControls": null,
        "sessionControls": session,
    })
}

async fn create_policy(server: &TestServer, body: Value) -> Value {
    let token = admin(server, "contoso").await;
    let (status, created) = call(server, "POST", &token, POLICIES, Some(body)).await;
    assert_eq!(status, 201, "{created}");
    created
}

async fn advance(server: &TestServer, seconds: i64) {
    let response = server
        .client
        .post(server.url("/portico/v1/clock"))
        .json(&json!({ "advanceSeconds": seconds }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn text(response: Response) -> String {
    response.text().await.unwrap()
}

#[tokio::test]
async fn graph_keeps_session_controls_and_explains_what_it_refuses() {
    let server = spawn_demo().await;
    let created = create_policy(
        &server,
        session_policy(
            "Guests sign in every 8 hours",
            json!({"signInFrequency": {"isEnabled": true, "value": 8, "type": "hours"}}),
        ),
    )
    .await;
    let expected = json!({
        "applicationEnforcedRestrictions": null,
        "cloudAppSecurity": null,
        "disableResilienceDefaults": null,
        "persistentBrowser": null,
        "signInFrequency": {
            "isEnabled": true, "value": 8, "type": "hours",
            "authenticationType": "primaryAndSecondaryAuthentication",
            "frequencyInterval": "timeBased",
        },
    });
    assert_eq!(created["sessionControls"], expected);
    assert_eq!(created["grantControls"], Value::Null);
    let token = admin(&server, "contoso").await;
    let path = format!("{POLICIES}/{}", created["id"].as_str().unwrap());
    let (status, read) = call(&server, "GET", &token, &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(read["sessionControls"], expected);

    // A persistent browser session needs a policy for all cloud apps, as in Entra.
    let mut narrow = session_policy(
        "Never persistent",
        json!({"persistentBrowser": {"isEnabled": true, "mode": "never"}}),
    );
    narrow["conditions"]["applications"]["includeApplications"] =
        json!([crate::oidc_client::CLI_APP]);
    let (status, refused) = call(&server, "POST", &token, POLICIES, Some(narrow)).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(
        refused["error"]["details"][0]["target"],
        "sessionControls.persistentBrowser"
    );

    // PATCH null removes them; a policy then needs grant controls again.
    let (status, refused) = call(
        &server,
        "PATCH",
        &token,
        &path,
        Some(json!({"sessionControls": null})),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no grant or session controls"));
}

#[tokio::test]
async fn a_stale_session_asks_for_the_password_and_a_stale_refresh_token_is_refused() {
    let server = spawn_demo().await;
    create_policy(
        &server,
        session_policy(
            "Sign in every hour",
            json!({"signInFrequency": {"isEnabled": true, "value": 1, "type": "hours"}}),
        ),
    )
    .await;
    let client = browser(&server);
    let first = sign_in_megan(&server, &client).await;
    let tokens: Value = redeem(&server, &first["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_owned();

    // Within the hour: single sign-on and refresh work.
    advance(&server, 1800).await;
    let reused = client.get(authorize_url(&server, "")).send().await.unwrap();
    assert!(redirect_params(&reused).contains_key("code"));
    let refreshed = refresh(&server, &refresh_token).await;
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.unwrap();
    let refresh_token = refreshed["refresh_token"].as_str().unwrap().to_owned();

    // Past it: the token endpoint refuses, a silent request must sign in, and the browser is
    // asked for the password again (the account is known), then gets its code.
    advance(&server, 1801).await;
    let refused = refresh(&server, &refresh_token).await;
    assert_eq!(refused.status(), 400);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["error"], "invalid_grant", "{refused}");
    assert_eq!(refused["error_codes"], json!([70043]));
    assert!(refused["error_description"]
        .as_str()
        .unwrap()
        .contains("sign-in frequency checks by conditional access"));

    let silent = client
        .get(authorize_url(&server, "&prompt=none"))
        .send()
        .await
        .unwrap();
    let params = redirect_params(&silent);
    assert_eq!(params["error"], "login_required");
    assert!(
        params["error_description"].contains("AADSTS70044"),
        "{params:?}"
    );

    let page = text(client.get(authorize_url(&server, "")).send().await.unwrap()).await;
    assert!(page.contains("id=\"password\""), "{page}");
    let done = post_form(&client, &page, &[("password", "Portico-dev-1")]).await;
    let code = redirect_params(&done)["code"].clone();
    let fresh = redeem(&server, &code, VERIFIER).await;
    assert_eq!(fresh.status(), 200);
    let fresh: Value = fresh.json().await.unwrap();
    let again = refresh(&server, fresh["refresh_token"].as_str().unwrap()).await;
    assert_eq!(again.status(), 200, "a fresh sign-in starts a new hour");
}

/// Megan's sign-in with "Stay signed in" as given; returns the session cookie's Set-Cookie.
async fn session_cookie(server: &TestServer, client: &Client, keep_signed_in: bool) -> String {
    let page = text(client.get(authorize_url(server, "")).send().await.unwrap()).await;
    let page = text(post_form(client, &page, &[("login", "megan@contoso.com")]).await).await;
    let mut fields = vec![("password", "Portico-dev-1")];
    if keep_signed_in {
        fields.push(("kmsi", "true"));
    }
    let done = post_form(client, &page, &fields).await;
    assert_eq!(done.status(), 302);
    done.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-portico_session_"))
        .expect("a session cookie")
}

#[tokio::test]
async fn the_persistent_browser_policy_overrides_stay_signed_in() {
    let server = spawn_demo().await;
    let persistent = |cookie: &str| cookie.to_ascii_lowercase().contains("max-age=");
    // Without a policy the user's choice decides.
    assert!(persistent(
        &session_cookie(&server, &browser(&server), true).await
    ));
    assert!(!persistent(
        &session_cookie(&server, &browser(&server), false).await
    ));

    let created = create_policy(
        &server,
        session_policy(
            "Never persistent",
            json!({"persistentBrowser": {"isEnabled": true, "mode": "never"}}),
        ),
    )
    .await;
    assert!(!persistent(
        &session_cookie(&server, &browser(&server), true).await
    ));

    let token = admin(&server, "contoso").await;
    let path = format!("{POLICIES}/{}", created["id"].as_str().unwrap());
    let always =
        json!({"sessionControls": {"persistentBrowser": {"isEnabled": true, "mode": "always"}}});
    let (status, body) = call(&server, "PATCH", &token, &path, Some(always)).await;
    assert_eq!(status, 204, "{body}");
    assert!(persistent(
        &session_cookie(&server, &browser(&server), false).await
    ));
}

/// One tenant's partner entry for another, with automatic redemption in one direction.
async fn automatic_redemption(server: &TestServer, tenant: &str, partner: &str, direction: &str) {
    let token = admin(server, tenant).await;
    let body = json!({
        "tenantId": partner,
        "automaticUserConsentSettings": {direction: true},
    });
    let (status, created) = call(
        server,
        "POST",
        &token,
        "/v1.0/policies/crossTenantAccessPolicy/partners",
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{created}");
}

#[tokio::test]
async fn automatic_redemption_skips_the_consent_page_only_when_both_tenants_allow_it() {
    use crate::walk::{invite, redeem, Person};
    const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";
    const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
    let server = spawn_demo().await;
    let alice = Person {
        totp: Some("JBSWY3DPEHPK3PXP".into()),
        ..Person::new("alice@fabrikam.com")
    };
    // Contoso alone allowing it changes nothing: Alice still reviews permissions.
    automatic_redemption(&server, "contoso", FABRIKAM, "inboundAllowed").await;
    let token = admin(&server, "contoso").await;
    let invitation = invite(&server, &token, "alice@fabrikam.com").await;
    let (walk, _) = redeem(&server, &invitation, &alice, &[]).await;
    assert!(walk.pages.contains(&"consent"), "{:?}", walk.pages);

    // With Fabrikam's outbound consent too, the next guest redeems without the page.
    automatic_redemption(&server, "fabrikam", CONTOSO, "outboundAllowed").await;
    let invitation = invite(&server, &token, "bob@fabrikam.com").await;
    let bob = Person::new("bob@fabrikam.com");
    let (walk, _) = redeem(&server, &invitation, &bob, &[]).await;
    assert!(!walk.pages.contains(&"consent"), "{:?}", walk.pages);
    assert!(
        walk.location().starts_with("https://myapps.example.com"),
        "{walk:?}"
    );
    let guest = invitation["invitedUser"]["id"].as_str().unwrap();
    let (status, user) = call(
        &server,
        "GET",
        &token,
        &format!("/v1.0/users/{guest}?$select=externalUserState"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["externalUserState"], "Accepted");
}
