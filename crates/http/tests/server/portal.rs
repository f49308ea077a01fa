//! The admin portal's edge without a browser: the home page and favicon, and that no portal page
//! opens without a session of the tenant's Portico Portal app (the browser journeys are in
//! tests/clients/test_portal.py).

use crate::harness::spawn_demo;
use reqwest::redirect::Policy;

fn no_redirects(server: &crate::harness::TestServer) -> reqwest::Client {
    let pem = std::fs::read(&server.running().ca_cert_path).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .redirect(Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn home_page_and_favicon_answer() {
    let server = spawn_demo().await;
    let home = server.client.get(server.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let csp = home.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let html = home.text().await.unwrap();
    assert!(html.contains("href=\"/portal\"") && html.contains("href=\"/portico/try\""));
    assert!(html.contains("/portal/outbox"), "dev mode links the outbox");
    let icon = server
        .client
        .get(server.url("/favicon.ico"))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/x-icon");
    assert_eq!(&icon.bytes().await.unwrap()[..4], b"\x00\x00\x01\x00");
}

#[tokio::test]
async fn portal_pages_need_a_portal_session() {
    let server = spawn_demo().await;
    let client = no_redirects(&server);
    let response = client.get(server.url("/portal/me")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/portal?return=%2Fportal%2Fme"
    );

    // A cookie that is not a portal token of the tenant opens nothing.
    let forged = client
        .get(server.url("/portal/me"))
        .header(
            "cookie",
            "__Host-portico_portal=abc.eyJhbGciOiJub25lIn0.e30.",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 303);

    // A callback this browser did not start is refused.
    let callback = client
        .get(server.url("/portal/callback?code=x&state=y"))
        .send()
        .await
        .unwrap();
    assert_eq!(callback.status(), 400);

    // Signing in starts the tenant's own authorization-code flow with PKCE.
    let start = client
        .get(server.url("/portal/sign-in?tenant=contoso.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 302);
    let location = start.headers()["location"].to_str().unwrap();
    assert!(
        location.contains("/11111111-1111-4111-8111-111111111111/oauth2/v2.0/authorize?"),
        "{location}"
    );
    assert!(
        location.contains("code_challenge_method=S256")
            && location.contains("Directory.AccessAsUser.All"),
        "{location}"
    );
    let unknown = client
        .get(server.url("/portal/sign-in?tenant=nowhere.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}
