//! A small OAuth client for the tests: drives the sign-in pages without a browser.

use crate::harness::TestServer;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use serde_json::{Map, Value};

pub const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";
pub const CLI_APP: &str = "c0c0a003-0000-4000-8000-000000000003";
pub const ADMIN_APP: &str = "c0c0a001-0000-4000-8000-000000000001";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mJ0kT2L8LuFkNQyk8D3wmz3GN1QJAk";
pub const CHALLENGE: &str = "FNPf0rmr_16jzjCJb7DI9HvZxPuJxGz6dB5PKY9Bemc";

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn browser(server: &TestServer) -> Client {
    let pem = std::fs::read(&server.running().ca_cert_path).unwrap();
    Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

pub fn authorize_url(server: &TestServer, extra: &str) -> String {
    server.url(&format!(
        "/contoso.com/oauth2/v2.0/authorize?client_id={CLI_APP}&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A53123&scope=openid%20profile%20offline_access%20User.Read&state=st4te&nonce=n0nce&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}"
    ))
}

/// The hidden `flow` and `csrf` fields and the form's action of a sign-in page.
pub fn form_fields(html: &str) -> (String, String, String) {
    let field = |name: &str| {
        let pattern = regex::Regex::new(&format!(r#"name="{name}" value="([^"]*)""#)).unwrap();
        pattern
            .captures(html)
            .unwrap_or_else(|| panic!("no {name} in {html}"))[1]
            .to_owned()
    };
    let action = regex::Regex::new(r#"action="([^"]*)""#)
        .unwrap()
        .captures(html)
        .unwrap()[1]
        .to_owned();
    (field("flow"), field("csrf"), action)
}

pub async fn post_form(client: &Client, html: &str, fields: &[(&str, &str)]) -> Response {
    let (flow, csrf, action) = form_fields(html);
    let mut form: Vec<(&str, &str)> = vec![("flow", &flow), ("csrf", &csrf)];
    form.extend_from_slice(fields);
    client.post(action).form(&form).send().await.unwrap()
}

/// The query parameters of a redirect response's Location.
pub fn redirect_params(response: &Response) -> std::collections::HashMap<String, String> {
    assert_eq!(response.status(), 302, "expected a redirect");
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("http://localhost:53123"), "{location}");
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// Signs megan in with her password; returns the redirect's parameters.
pub async fn sign_in_megan(
    server: &TestServer,
    client: &Client,
) -> std::collections::HashMap<String, String> {
    let page = client
        .get(authorize_url(server, ""))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = post_form(client, &page, &[("login", "megan@contoso.com")])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"password\""), "{page}");
    let done = post_form(client, &page, &[("password", "Portico-dev-1")]).await;
    redirect_params(&done)
}

pub async fn redeem(server: &TestServer, code: &str, verifier: &str) -> Response {
    server
        .client
        .post(server.url("/contoso.com/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLI_APP),
            ("code", code),
            ("redirect_uri", "http://localhost:53123"),
            ("code_verifier", verifier),
            ("client_info", "1"),
        ])
        .send()
        .await
        .unwrap()
}

pub async fn refresh(server: &TestServer, token: &str) -> Response {
    server
        .client
        .post(server.url("/contoso.com/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLI_APP),
            ("refresh_token", token),
            ("scope", "User.Read offline_access"),
        ])
        .send()
        .await
        .unwrap()
}

pub async fn app_token(server: &TestServer, tenant: &str, client_id: &str, secret: &str) -> Value {
    server
        .client
        .post(server.url(&format!("/{tenant}/oauth2/v2.0/token")))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub fn decode(token: &str, part: usize) -> Map<String, Value> {
    let segment = token.split('.').nth(part).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
}

/// Verifies a token's signature against the tenant's published JWKS.
pub async fn verify_with_jwks(
    server: &TestServer,
    tenant: &str,
    token: &str,
) -> Result<Map<String, Value>, portico_app::tokens::jwt::JwtError> {
    let jwks: Value = server
        .client
        .get(server.url(&format!("/{tenant}/discovery/v2.0/keys")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys = jwks["keys"].as_array().unwrap().clone();
    portico_app::tokens::jwt::verify(token, |kid| {
        keys.iter().find(|k| k["kid"] == kid).map(|k| {
            let part = |name: &str| URL_SAFE_NO_PAD.decode(k[name].as_str().unwrap()).unwrap();
            (part("n"), part("e"))
        })
    })
    .map(|verified| verified.claims)
}

/// An error body's AADSTS code.
pub async fn error_code(response: Response) -> (u16, String, u64) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    let code = body["error_codes"][0].as_u64().unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with(&format!("AADSTS{code}: ")),
        "{body}"
    );
    assert!(
        body["trace_id"].is_string()
            && body["correlation_id"].is_string()
            && body["timestamp"].is_string(),
        "{body}"
    );
    (status, body["error"].as_str().unwrap().to_owned(), code)
}
