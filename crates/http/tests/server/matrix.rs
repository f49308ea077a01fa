//! The world of the permission and isolation matrices: two tenants (Alpha and Bravo) seeded from
//! the permission table — an app holding every application permission, an app holding none, a
//! public client admin-consented for every delegated scope — and one user per kind of principal.
//! Tokens are made once per test and reused for every cell.

use crate::harness::{spawn, Spawn, TestServer};
use crate::oidc_client::{browser, post_form, redirect_params, CHALLENGE, VERIFIER};
use portico_app::directory::{Caller, Operation};
use portico_http::graph::openapi::{Endpoint, ENDPOINTS};
use serde_json::{json, Value};
use std::collections::BTreeSet;

pub const ALPHA: &str = "a1a1a1a1-0000-4000-8000-00000000000a";
pub const BRAVO: &str = "b2b2b2b2-0000-4000-8000-00000000000b";
pub const ALL_APP: &str = "a1a10001-0000-4000-8000-000000000001";
pub const NO_APP: &str = "a1a10002-0000-4000-8000-000000000002";
pub const CLI: &str = "a1a10003-0000-4000-8000-000000000003";
pub const BRAVO_ALL_APP: &str = "b2b20001-0000-4000-8000-000000000001";
pub const BRAVO_CLI: &str = "b2b20003-0000-4000-8000-000000000003";
/// A well-formed id that names nothing anywhere.
pub const RANDOM_ID: &str = "99999999-9999-4999-8999-999999999999";
/// Strings that appear only in Bravo's objects: none may show up in an answer to Alpha's callers.
pub const BRAVO_CANARIES: &[&str] = &["bravo.example", "Bravo Canary", BRAVO];
/// The same for Alpha, for answers to Bravo's callers.
pub const ALPHA_CANARIES: &[&str] = &["alpha.example", "Alpha Member", "Alpha Team", ALPHA];
pub const GUEST_LEVELS: &[(&str, &str)] = &[
    ("sameAsMembers", "a0b1b346-4d3e-4e8b-98f8-753987be4970"),
    ("limited", "10dae51f-b6af-4016-8d66-8c2a99b929b3"),
    ("restricted", "2af84b1e-32c8-42b7-82bc-daa82404023b"),
];

fn quoted(items: &BTreeSet<&str>) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every application permission and every delegated scope the table names.
pub fn table_permissions() -> (BTreeSet<&'static str>, BTreeSet<&'static str>) {
    let mut application = BTreeSet::new();
    let mut delegated = BTreeSet::new();
    for op in Operation::ALL {
        let rule = op.rule();
        application.extend(rule.application.iter().copied());
        delegated.extend(rule.delegated.iter().chain(rule.own).copied());
    }
    (application, delegated)
}

fn tenant(key: &str, id: &str, name: &str, prefix: &str) -> String {
    let (application, delegated) = table_permissions();
    let (app, scp) = (quoted(&application), quoted(&delegated));
    let domain = format!("{key}.example");
    format!(
        r#"
[[tenant]]
key = "{key}"
id = "{id}"
display_name = "{name}"
domains = ["{key}.onmicrosoft.com", "{domain}"]

[[tenant.user]]
upn = "ga@{domain}"
display_name = "{name} Global Admin"
roles = ["Global Administrator"]

[[tenant.user]]
upn = "ua@{domain}"
display_name = "{name} User Admin"
roles = ["User Administrator"]

[[tenant.user]]
upn = "helpdesk@{domain}"
display_name = "{name} Helpdesk"
roles = ["Helpdesk Administrator"]

[[tenant.user]]
upn = "member@{domain}"
display_name = "{name} Member"

[[tenant.user]]
upn = "guest@{domain}"
display_name = "{name} Guest"
user_type = "Guest"

[[tenant.group]]
display_name = "{name} Team"
mail = "team@{domain}"
members = ["member@{domain}"]

[[tenant.app]]
display_name = "{name} All"
client_id = "{prefix}0001-0000-4000-8000-000000000001"
secret = "all-secret"
graph_permissions = [{app}]

[[tenant.app]]
display_name = "{name} None"
client_id = "{prefix}0002-0000-4000-8000-000000000002"
secret = "none-secret"

[[tenant.app]]
display_name = "{name} CLI"
client_id = "{prefix}0003-0000-4000-8000-000000000003"
public_client = true
redirect_uris = ["http://localhost"]
graph_permissions = [{scp}]
"#
    )
}

pub async fn spawn_world() -> TestServer {
    let seed = format!(
        "default_password = \"Portico-dev-1\"\n{}{}",
        tenant("alpha", ALPHA, "Alpha", "a1a1"),
        tenant("bravo", BRAVO, "Bravo Canary", "b2b2")
    );
    spawn(Spawn {
        seed: Some(Box::leak(seed.into_boxed_str())),
        ..Spawn::default()
    })
    .await
}

pub async fn app_token(server: &TestServer, tenant: &str, client_id: &str, secret: &str) -> String {
    let body = crate::oidc_client::app_token(server, tenant, client_id, secret).await;
    body["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no app token: {body}"))
        .to_owned()
}

/// A delegated token with every scope of the table, through the tenant's admin-consented CLI.
pub async fn user_token(server: &TestServer, domain: &str, client_id: &str, login: &str) -> String {
    let (_, delegated) = table_permissions();
    let scopes: Vec<&str> = delegated.into_iter().collect();
    let tokens = delegated_tokens(server, domain, client_id, login, &scopes.join(" ")).await;
    tokens["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token for {login}: {tokens}"))
        .to_owned()
}

/// The token endpoint's answer for `login` signed in with a password through a public client
/// (redirect `http://localhost`), asking for `scopes` (space-separated).
pub async fn delegated_tokens(
    server: &TestServer,
    domain: &str,
    client_id: &str,
    login: &str,
    scopes: &str,
) -> Value {
    let browser = browser(server);
    let url = server.url(&format!(
        "/{domain}/oauth2/v2.0/authorize?client_id={client_id}&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A53123&scope=openid%20{}&state=s&nonce=n&code_challenge={CHALLENGE}&code_challenge_method=S256&login_hint={}",
        scopes.replace(' ', "%20"),
        login.replace('@', "%40"),
    ));
    let page = browser.get(url).send().await.unwrap().text().await.unwrap();
    let done = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
    let code = redirect_params(&done)["code"].clone();
    server
        .client
        .post(server.url(&format!("/{domain}/oauth2/v2.0/token")))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("code", code.as_str()),
            ("redirect_uri", "http://localhost:53123"),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The caller Portico makes of a token, to ask the table what it may do.
pub async fn caller_of(server: &TestServer, token: &str) -> Caller {
    let app = &server.running().app;
    let claims = app.verify_graph_token(token, None).await.unwrap();
    app.graph_caller(claims).await.unwrap()
}

/// One request of an endpoint: its path with ids filled in, and a body that changes nothing
/// (`{}` fails validation or names nothing).
pub fn path_of(endpoint: &Endpoint, tenant: &str, id: &str) -> String {
    endpoint
        .path
        .replace("{tenant}", tenant)
        .replace("{memberId}", RANDOM_ID)
        .replace("{id}", id)
}

pub async fn call(
    server: &TestServer,
    endpoint: &Endpoint,
    token: Option<&str>,
    path: &str,
) -> (u16, String) {
    let mut request = server.client.request(
        endpoint.method.to_uppercase().parse().unwrap(),
        server.url(path),
    );
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if endpoint.method != "get" && endpoint.method != "delete" {
        request = request.json(&json!({}));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Endpoints that only read: safe to call with real ids of the tenant.
pub fn reads() -> impl Iterator<Item = &'static Endpoint> {
    ENDPOINTS.iter().filter(|e| e.method == "get")
}

/// A token of one tenant with its `tid` claim rewritten to another, signature kept.
pub fn with_tid(token: &str, tenant: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["tid"] = json!(tenant);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// The id of the first object a collection lists.
pub async fn first_id(server: &TestServer, token: &str, path: &str) -> String {
    let body: Value = server
        .client
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["value"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("nothing at {path}: {body}"))
        .to_owned()
}
