//! A person at a browser: follows the sign-in pages wherever they lead — account name,
//! password, MFA registration or challenge, terms of use, review permissions — and reports the
//! pages seen and where it ended (a redirect, or an error page with who must act).

use crate::harness::TestServer;
use crate::oidc_client::{browser, form_fields};
use reqwest::{Client, Response};
use serde_json::{json, Value};

/// Who is at the browser, and what they answer.
#[derive(Debug, Clone)]
pub struct Person {
    pub login: String,
    pub password: String,
    /// The secret of an authenticator they hold (answers every MFA challenge).
    pub totp: Option<String>,
    pub accept_terms: bool,
}

impl Person {
    pub fn new(login: &str) -> Self {
        Self {
            login: login.into(),
            password: "Portico-dev-1".into(),
            totp: None,
            accept_terms: true,
        }
    }
}

#[derive(Debug)]
pub enum End {
    Redirect(String),
    Error {
        code: u32,
        who: String,
        setting: String,
        html: String,
    },
    /// The page where a direct sign-in link ends.
    SignedIn(String),
    /// A page the walker does not know, with its HTML.
    Stuck(String),
}

#[derive(Debug)]
pub struct Walk {
    /// `login`, `password`, `registerMfa`, `challengeMfa`, `terms`, `consent`, in order.
    pub pages: Vec<&'static str>,
    pub end: End,
    /// The secret of an authenticator registered on the way.
    pub registered: Option<String>,
}

impl Walk {
    pub fn error_code(&self) -> Option<u32> {
        match &self.end {
            End::Error { code, .. } => Some(*code),
            _ => None,
        }
    }
    pub fn location(&self) -> &str {
        match &self.end {
            End::Redirect(location) => location,
            End::Stuck(html) => panic!(
                "stuck after {:?} on a page the walker does not know: {html}",
                self.pages
            ),
            other => panic!("expected a redirect, got {other:?} after {:?}", self.pages),
        }
    }
    pub fn signed_in_page(&self) -> &str {
        match &self.end {
            End::SignedIn(html) => html,
            other => panic!(
                "expected the signed-in page, got {other:?} after {:?}",
                self.pages
            ),
        }
    }
    pub fn who(&self) -> &str {
        match &self.end {
            End::Error { who, .. } => who,
            other => panic!("expected an error page, got {other:?}"),
        }
    }
    pub fn setting(&self) -> &str {
        match &self.end {
            End::Error { setting, .. } => setting,
            other => panic!("expected an error page, got {other:?}"),
        }
    }
}

fn capture(html: &str, id: &str) -> String {
    regex::Regex::new(&format!(r#"id="{id}">([^<]*)<"#))
        .unwrap()
        .captures(html)
        .map(|c| html_unescape(&c[1]))
        .unwrap_or_default()
}

fn html_unescape(text: &str) -> String {
    text.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&amp;", "&")
}

async fn post(client: &Client, html: &str, fields: &[(&str, &str)]) -> Response {
    let (flow, csrf, action) = form_fields(html);
    let mut form: Vec<(&str, &str)> = vec![("flow", &flow), ("csrf", &csrf)];
    form.extend_from_slice(fields);
    client.post(action).form(&form).send().await.unwrap()
}

/// Follows pages from `response` until a redirect out of the sign-in or an error page. Portico's
/// own redirects (e.g. to an external provider) are followed.
pub async fn walk(
    server: &TestServer,
    client: &Client,
    mut response: Response,
    person: &Person,
) -> Walk {
    let mut pages = Vec::new();
    let mut registered = None;
    for _ in 0..12 {
        if response.status().is_redirection() {
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            if location.starts_with(&server.base) && !location.contains("/portico/callback") {
                response = client.get(&location).send().await.unwrap();
                continue;
            }
            return Walk {
                pages,
                end: End::Redirect(location),
                registered,
            };
        }
        let html = response.text().await.unwrap();
        let now = server.running().app.now();
        if html.contains("id=\"signed-in\"") {
            return Walk {
                pages,
                end: End::SignedIn(html),
                registered,
            };
        }
        response = if html.contains("id=\"error-title\"") {
            let code = capture(&html, "error-code")
                .trim_start_matches("AADSTS")
                .parse()
                .unwrap_or(0);
            let end = End::Error {
                code,
                who: capture(&html, "error-who"),
                setting: capture(&html, "error-setting"),
                html,
            };
            return Walk {
                pages,
                end,
                registered,
            };
        } else if html.contains("id=\"totp-secret\"") {
            pages.push("registerMfa");
            let secret = capture(&html, "totp-secret");
            let code = portico_app::tokens::totp::code_now(&secret, now).unwrap();
            registered = Some(secret);
            post(client, &html, &[("otp", &code)]).await
        } else if html.contains("name=\"otp\"") {
            pages.push("challengeMfa");
            let secret = registered
                .clone()
                .or_else(|| person.totp.clone())
                .expect("an authenticator");
            let code = portico_app::tokens::totp::code_now(&secret, now).unwrap();
            post(client, &html, &[("otp", &code)]).await
        } else if html.contains("id=\"terms-organization\"") {
            pages.push("terms");
            let accept = if person.accept_terms { "true" } else { "false" };
            post(client, &html, &[("accept", accept)]).await
        } else if html.contains("Review permissions") {
            pages.push("consent");
            post(client, &html, &[("accept", "true")]).await
        } else if html.contains("id=\"password\"") {
            pages.push("password");
            post(client, &html, &[("password", &person.password)]).await
        } else if html.contains("id=\"login\"") {
            pages.push("login");
            post(client, &html, &[("login", &person.login)]).await
        } else {
            return Walk {
                pages,
                end: End::Stuck(html),
                registered,
            };
        };
    }
    Walk {
        pages,
        end: End::Stuck("too many pages".into()),
        registered,
    }
}

/// A fresh browser, optionally sending extra headers with every request.
pub fn browser_with(server: &TestServer, headers: &[(&str, &str)]) -> Client {
    if headers.is_empty() {
        return browser(server);
    }
    let pem = std::fs::read(&server.running().ca_cert_path).unwrap();
    let mut map = reqwest::header::HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(map)
        .build()
        .unwrap()
}

/// The demo world's admin app of a tenant: (tenant domain, client id, secret).
pub fn admin_app(tenant: &str) -> (&'static str, &'static str, &'static str) {
    match tenant {
        "contoso" => (
            "contoso.com",
            "c0c0a001-0000-4000-8000-000000000001",
            "contoso-admin-secret",
        ),
        "fabrikam" => (
            "fabrikam.com",
            "fabca001-0000-4000-8000-000000000001",
            "fabrikam-admin-secret",
        ),
        "adatum" => (
            "adatum.com",
            "ada7a001-0000-4000-8000-000000000001",
            "adatum-admin-secret",
        ),
        "woodgrove" => (
            "woodgrovebank.com",
            "900d0001-0000-4000-8000-000000000001",
            "woodgrove-admin-secret",
        ),
        other => panic!("no admin app for {other}"),
    }
}

pub async fn admin(server: &TestServer, tenant: &str) -> String {
    let (domain, client, secret) = admin_app(tenant);
    crate::oidc_client::app_token(server, domain, client, secret).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A Graph call with the tenant's admin token; returns (status, body or null).
pub async fn graph(
    server: &TestServer,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = server
        .client
        .request(method, server.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Invites `address` into the tenant whose admin token this is; returns the invitation.
pub async fn invite(server: &TestServer, token: &str, address: &str) -> Value {
    let (status, invitation) = graph(
        server,
        token,
        reqwest::Method::POST,
        "/v1.0/invitations",
        Some(json!({"invitedUserEmailAddress": address, "inviteRedirectUrl": "https://myapps.example.com/welcome"})),
    )
    .await;
    assert_eq!(status, 201, "{invitation}");
    invitation
}

/// Opens the invitation's redeem link in a fresh browser and walks it.
pub async fn redeem(
    server: &TestServer,
    invitation: &Value,
    person: &Person,
    headers: &[(&str, &str)],
) -> (Walk, Client) {
    let client = browser_with(server, headers);
    let url = invitation["inviteRedeemUrl"].as_str().unwrap();
    let response = client.get(url).send().await.unwrap();
    (walk(server, &client, response, person).await, client)
}

/// Signs in to Contoso CLI (or another app of Contoso) with a fresh or given browser.
pub async fn sign_in(
    server: &TestServer,
    client: &Client,
    client_id: &str,
    person: &Person,
) -> Walk {
    let url = server.url(&format!(
        "/contoso.com/oauth2/v2.0/authorize?client_id={client_id}&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A53123&scope=openid%20profile%20offline_access%20User.Read&state=s&nonce=n&code_challenge={}&code_challenge_method=S256",
        crate::oidc_client::CHALLENGE
    ));
    let response = client.get(url).send().await.unwrap();
    walk(server, client, response, person).await
}

/// Asks the control API what a sign-in would meet.
pub async fn what_if(server: &TestServer, body: Value) -> Value {
    let response = server
        .client
        .post(server.url("/portico/v1/whatif"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}
