//! The redirect corpus end to end (security.md §D-3): every variant of the demo's registered
//! redirect URIs, through `/authorize` in each response mode and through logout. No variant off
//! the registered list is ever redirected to, and an invalid client/redirect pair is an error
//! page, never a 30x (O2).

#[path = "../../../model/tests/support/redirect_corpus.rs"]
mod corpus;

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::*;
use reqwest::{Client, Response};
use serde_json::Value;

const WEB_APP: &str = "c0c0a002-0000-4000-8000-000000000002";
const MODES: [&str; 3] = ["query", "fragment", "form_post"];

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// An authorize request that fails after the redirect URI is checked (`response_type=token`),
/// so an accepted URI is answered by a redirect or a form post to it.
fn authorize(server: &TestServer, client: &str, redirect: &str, mode: &str) -> String {
    server.url(&format!(
        "/contoso.com/oauth2/v2.0/authorize?client_id={client}&response_type=token&redirect_uri={}&response_mode={mode}&scope=openid&state=s&code_challenge={CHALLENGE}&code_challenge_method=S256",
        encode(redirect)
    ))
}

/// Where a response sends the browser: a `Location`, or the action of an auto-posting form.
async fn destination(response: Response) -> (u16, Option<String>, String) {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.text().await.unwrap();
    let action = regex::Regex::new(r#"<form method="post" action="([^"]*)""#)
        .unwrap()
        .captures(&body)
        .map(|c| unescape(&c[1]));
    (status, location.or(action), body)
}

fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn registered(server: &TestServer) -> [(&'static str, String); 2] {
    [
        (CLI_APP, "http://localhost".to_owned()),
        (WEB_APP, server.url("/portico/callback")),
    ]
}

#[tokio::test]
async fn authorize_never_redirects_off_the_registered_list() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let (mut refused_total, mut accepted_total) = (0, 0);
    for (client, uri) in registered(&server) {
        let refused = corpus::refused(&uri);
        assert!(refused.len() >= 300, "{uri}: {}", refused.len());
        for mode in MODES {
            for variant in &refused {
                let response = browser
                    .get(authorize(&server, client, variant, mode))
                    .send()
                    .await
                    .unwrap();
                let (status, target, body) = destination(response).await;
                assert_eq!(status, 400, "{mode} {variant:?} → {target:?}");
                assert_eq!(target, None, "{mode} {variant:?}");
                assert!(body.contains("AADSTS50011"), "{mode} {variant:?}");
                refused_total += 1;
            }
            for variant in corpus::accepted(&uri) {
                let response = browser
                    .get(authorize(&server, client, &variant, mode))
                    .send()
                    .await
                    .unwrap();
                let (status, target, _) = destination(response).await;
                let target = target.unwrap_or_else(|| panic!("{mode} {variant}: {status}"));
                let expected = if mode == "form_post" {
                    (200, variant.clone())
                } else {
                    (302, format!("{variant}?"))
                };
                assert_eq!(status, expected.0, "{mode} {variant}");
                assert!(
                    target.starts_with(&expected.1),
                    "{mode} {variant} → {target}"
                );
                accepted_total += 1;
            }
        }
    }
    println!("authorize: {refused_total} refused, {accepted_total} accepted");
    assert!(refused_total >= 1800);
}

/// Logout's confirmation page and button for `variant`: where the browser is sent at the end.
async fn confirmed_logout(server: &TestServer, browser: &Client, variant: &str) -> Option<String> {
    let logout = server.url("/contoso.com/oauth2/v2.0/logout");
    let asked = browser
        .get(format!(
            "{logout}?post_logout_redirect_uri={}",
            encode(variant)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 200, "{variant:?}");
    assert!(asked.headers().get("location").is_none());
    let page = asked.text().await.unwrap();
    let csrf = regex::Regex::new(r#"name="csrf" value="([^"]+)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_owned();
    let done = browser
        .post(&logout)
        .form(&[
            ("csrf", csrf.as_str()),
            ("post_logout_redirect_uri", variant),
        ])
        .send()
        .await
        .unwrap();
    let (status, target, _) = destination(done).await;
    match &target {
        Some(_) => assert_eq!(status, 302, "{variant:?}"),
        None => assert_eq!(status, 200, "{variant:?}"),
    }
    target
}

#[tokio::test]
async fn logout_never_redirects_off_the_registered_list() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let code = sign_in_megan(&server, &browser).await["code"].clone();
    let tokens: Value = redeem(&server, &code, VERIFIER).await.json().await.unwrap();
    let hint = tokens["id_token"].as_str().unwrap();
    let mut checked = 0;
    for (client, uri) in registered(&server) {
        for variant in corpus::refused(&uri) {
            assert_eq!(confirmed_logout(&server, &browser, &variant).await, None);
            if client == CLI_APP {
                let response = browser
                    .get(server.url(&format!(
                        "/contoso.com/oauth2/v2.0/logout?post_logout_redirect_uri={}&id_token_hint={hint}",
                        encode(&variant)
                    )))
                    .send()
                    .await
                    .unwrap();
                let (status, target, _) = destination(response).await;
                assert_eq!((status, target), (200, None), "{variant:?}");
            }
            checked += 1;
        }
        for variant in corpus::accepted(&uri) {
            let target = confirmed_logout(&server, &browser, &variant).await;
            assert_eq!(target.as_deref(), Some(variant.as_str()));
        }
    }
    println!("logout: {checked} refused variants");
}
