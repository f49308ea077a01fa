//! Regression tests for the low-severity holes of issue 10: `max_age` overflow, userinfo for a
//! disabled user, cookie prefixes, HSTS, `/organization/{id}`, logout confirmation.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::*;
use reqwest::Client;
use serde_json::{json, Value};

async fn megan_tokens(server: &TestServer, browser: &Client) -> Value {
    let code = sign_in_megan(server, browser).await["code"].clone();
    redeem(server, &code, VERIFIER).await.json().await.unwrap()
}

async fn silent_sign_in(server: &TestServer, browser: &Client) -> reqwest::Response {
    browser
        .get(authorize_url(server, "&prompt=none"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_huge_max_age_is_no_limit_and_never_a_server_error() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    sign_in_megan(&server, &browser).await;
    for max_age in ["9223372036854775807", "9223372036854776", "-1", "abc"] {
        let response = browser
            .get(authorize_url(
                &server,
                &format!("&prompt=none&max_age={max_age}"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "max_age={max_age}");
        let params = redirect_params(&response);
        match max_age {
            "9223372036854775807" | "9223372036854776" | "abc" => {
                assert!(params.contains_key("code"), "max_age={max_age}: {params:?}")
            }
            _ => assert_eq!(params["error"], "login_required", "max_age={max_age}"),
        }
    }
}

#[tokio::test]
async fn userinfo_refuses_a_disabled_user() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let tokens = megan_tokens(&server, &browser).await;
    let access = tokens["access_token"].as_str().unwrap();
    let userinfo = || {
        server
            .client
            .get(server.url("/oidc/userinfo"))
            .bearer_auth(access)
            .send()
    };
    assert_eq!(userinfo().await.unwrap().status(), 200);
    let admin = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let disabled = server
        .client
        .patch(server.url("/v1.0/users/megan@contoso.com"))
        .bearer_auth(admin["access_token"].as_str().unwrap())
        .json(&json!({"accountEnabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), 204);
    let refused = userinfo().await.unwrap();
    assert_eq!(refused.status(), 401);
    assert!(refused.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");
}

#[tokio::test]
async fn cookies_are_host_prefixed_and_single_sign_on_still_works() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let page = browser
        .get(authorize_url(&server, ""))
        .send()
        .await
        .unwrap();
    let mut cookies = set_cookies(&page);
    let page = post_form(
        &browser,
        &page.text().await.unwrap(),
        &[("login", "megan@contoso.com")],
    )
    .await
    .text()
    .await
    .unwrap();
    let done = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
    cookies.extend(set_cookies(&done));
    assert!(redirect_params(&done).contains_key("code"));
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("__Host-portico_session_")),
        "{cookies:?}"
    );
    for cookie in &cookies {
        let lower = cookie.to_ascii_lowercase();
        assert!(cookie.starts_with("__Host-"), "{cookie}");
        assert!(lower.contains("; secure"), "{cookie}");
        assert!(lower.contains("; path=/"), "{cookie}");
        assert!(!lower.contains("domain="), "{cookie}");
    }
    let silent = silent_sign_in(&server, &browser).await;
    assert!(redirect_params(&silent).contains_key("code"), "SSO works");
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_response_carries_hsts() {
    let server = spawn_demo().await;
    for path in [
        "/contoso.com/v2.0/.well-known/openid-configuration",
        "/no/such/route",
        "/v1.0/me",
        "/healthz",
        "/contoso.com/oauth2/v2.0/authorize",
    ] {
        let response = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000",
            "{path}"
        );
    }
}

#[tokio::test]
async fn organization_by_id_is_only_the_callers_own() {
    let server = spawn_demo().await;
    let token = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let token = token["access_token"].as_str().unwrap();
    let get = |id: &str| {
        server
            .client
            .get(server.url(&format!("/v1.0/organization/{id}")))
            .bearer_auth(token)
            .send()
    };
    let own: Value = get(CONTOSO).await.unwrap().json().await.unwrap();
    assert_eq!(own["id"], CONTOSO);
    for other in [
        "22222222-2222-4222-8222-222222222222",
        "00000000-0000-0000-0000-000000000000",
        "not-an-id",
    ] {
        let response = get(other).await.unwrap();
        assert_eq!(response.status(), 404, "{other}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
    }
}

const LOGOUT: &str = "/contoso.com/oauth2/v2.0/logout";

#[tokio::test]
async fn logout_without_a_hint_asks_first() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    sign_in_megan(&server, &browser).await;
    let back = "post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A53123&state=x";

    // A cross-site GET alone ends nothing: it shows a page with a button.
    let asked = browser
        .get(server.url(&format!("{LOGOUT}?{back}")))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 200);
    assert!(asked.headers().get("location").is_none());
    let page = asked.text().await.unwrap();
    assert!(page.contains("id=\"signout\""), "{page}");
    assert!(redirect_params(&silent_sign_in(&server, &browser).await).contains_key("code"));

    // A forged POST (no matching double-submit token) ends nothing either.
    let forged = server
        .client
        .post(server.url(LOGOUT))
        .form(&[
            ("csrf", "guess"),
            ("post_logout_redirect_uri", "http://localhost:53123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    assert!(redirect_params(&silent_sign_in(&server, &browser).await).contains_key("code"));

    // The button signs out and goes back to the registered URI.
    let csrf = regex::Regex::new(r#"name="csrf" value="([^"]+)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_owned();
    let confirmed = browser
        .post(server.url(LOGOUT))
        .form(&[
            ("csrf", csrf.as_str()),
            ("post_logout_redirect_uri", "http://localhost:53123"),
            ("state", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 302);
    assert_eq!(
        confirmed.headers()["location"],
        "http://localhost:53123?state=x"
    );
    let after = silent_sign_in(&server, &browser).await;
    assert_eq!(redirect_params(&after)["error"], "login_required");
}

#[tokio::test]
async fn logout_with_a_valid_hint_proceeds_to_the_hinted_clients_uri() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let back = "post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A53123&state=x";
    let tokens = megan_tokens(&server, &browser).await;
    let hint = tokens["id_token"].as_str().unwrap();
    let direct = browser
        .get(server.url(&format!("{LOGOUT}?{back}&id_token_hint={hint}")))
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 302);
    assert_eq!(
        direct.headers()["location"],
        "http://localhost:53123?state=x"
    );
    let after = silent_sign_in(&server, &browser).await;
    assert_eq!(redirect_params(&after)["error"], "login_required");

    // A hint binds the redirect to its own client's URIs; a forged hint is no hint.
    let web_callback =
        url::form_urlencoded::byte_serialize(server.url("/portico/callback").as_bytes())
            .collect::<String>();
    let other_app = browser
        .get(server.url(&format!(
            "{LOGOUT}?post_logout_redirect_uri={web_callback}&id_token_hint={hint}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(other_app.status(), 200);
    assert!(other_app.headers().get("location").is_none());
    let forged_hint = format!("{}x", tokens["id_token"].as_str().unwrap());
    let forged = browser
        .get(server.url(&format!("{LOGOUT}?{back}&id_token_hint={forged_hint}")))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 200);
    assert!(forged.text().await.unwrap().contains("id=\"signout\""));
}
