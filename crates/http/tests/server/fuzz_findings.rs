//! What fuzzing found (docs/fuzzing.md), each pinned by a request through the public interface,
//! on SQLite and, when `PORTICO_TEST_DATABASE_URL` is set, on PostgreSQL (where U+0000 in text
//! made the database fail and the request answer 500).

use crate::harness::{spawn, Spawn, TestServer};
use crate::oidc_client::*;
use portico_store::StoreConfig;
use serde_json::{json, Value};

async fn servers() -> Vec<TestServer> {
    let mut servers = vec![spawn(Spawn::default()).await];
    if let Ok(url) = std::env::var("PORTICO_TEST_DATABASE_URL") {
        let schema = format!("fuzz_{}", uuid::Uuid::new_v4().simple());
        servers.push(
            spawn(Spawn {
                store: StoreConfig::Postgres {
                    url,
                    schema: Some(schema),
                    max_connections: 4,
                },
                ..Default::default()
            })
            .await,
        );
    }
    servers
}

async fn admin_token(server: &TestServer) -> String {
    let body = app_token(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    body["access_token"].as_str().unwrap().to_owned()
}

async fn call(server: &TestServer, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let token = admin_token(server).await;
    // The path is sent as written: `%00` must reach the server encoded.
    let url = reqwest::Url::parse(&server.url(path)).unwrap();
    let mut request = server
        .client
        .request(method.parse().unwrap(), url)
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn assert_bad_request(found: (u16, Value), what: &str) {
    let (status, body) = found;
    assert_eq!(status, 400, "{what}: {body}");
    assert_eq!(
        body["error"]["code"], "Request_BadRequest",
        "{what}: {body}"
    );
}

async fn a_user_id(server: &TestServer) -> String {
    let (status, body) = call(server, "GET", "/v1.0/users?$top=1", None).await;
    assert_eq!(status, 200, "{body}");
    body["value"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn nul_in_a_filter_literal_is_a_bad_request() {
    for server in servers().await {
        for filter in [
            "displayName%20eq%20'a%00b'",
            "startswith(mail,'%00')",
            "otherMails/any(x:x%20eq%20'%00')",
        ] {
            let path = format!("/v1.0/users?$filter={filter}");
            assert_bad_request(call(&server, "GET", &path, None).await, &path);
        }
        let path = "/v1.0/auditLogs/signIns?$filter=userPrincipalName%20eq%20'%00'";
        assert_bad_request(call(&server, "GET", path, None).await, path);
        // The same filter without the NUL is fine.
        let (status, body) = call(
            &server,
            "GET",
            "/v1.0/users?$filter=displayName%20eq%20'ab'",
            None,
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
}

#[tokio::test]
async fn nul_in_a_json_body_is_a_bad_request() {
    for server in servers().await {
        let user = json!({
            "accountEnabled": true, "displayName": "A\u{0}B", "mailNickname": "ab",
            "userPrincipalName": "ab@contoso.com", "passwordProfile": {"password": "Pa55w0rd!Pa55"},
        });
        assert_bad_request(
            call(&server, "POST", "/v1.0/users", Some(user)).await,
            "create",
        );
        let id = a_user_id(&server).await;
        let patch = json!({"surname": "x\u{0}"});
        let path = format!("/v1.0/users/{id}");
        assert_bad_request(call(&server, "PATCH", &path, Some(patch)).await, "patch");
        let group = json!({"displayName": "G", "mailEnabled": false, "mailNickname": "g\u{0}",
            "securityEnabled": true});
        assert_bad_request(
            call(&server, "POST", "/v1.0/groups", Some(group)).await,
            "group",
        );
        let invite = json!({"invitedUserEmailAddress": "x\u{0}@fabrikam.com",
            "inviteRedirectUrl": "https://myapps.microsoft.com"});
        let found = call(&server, "POST", "/v1.0/invitations", Some(invite)).await;
        assert_bad_request(found, "invitation");
        // Nothing was written: the directory still lists no such user.
        let (status, body) = call(&server, "GET", "/v1.0/users/ab@contoso.com", None).await;
        assert_eq!(status, 404, "{body}");
    }
}

#[tokio::test]
async fn nul_in_a_path_is_a_bad_request() {
    for server in servers().await {
        let found = call(&server, "GET", "/v1.0/users/a%00b@contoso.com", None).await;
        assert_bad_request(found, "user by UPN");
        let found = call(&server, "GET", "/portico/v1/tenants/a%00b.com", None).await;
        assert_bad_request(found, "tenant lookup");
    }
}

/// The password grant looks the user up by name: U+0000 in it is a clean OAuth error, not a 500.
#[tokio::test]
async fn nul_in_a_password_grant_username_is_refused_cleanly() {
    let mut stores = vec![StoreConfig::SqliteMemory];
    if let Ok(url) = std::env::var("PORTICO_TEST_DATABASE_URL") {
        let schema = Some(format!("fuzz_{}", uuid::Uuid::new_v4().simple()));
        stores.push(StoreConfig::Postgres {
            url,
            schema,
            max_connections: 4,
        });
    }
    for store in stores {
        let seed = Some(crate::tokens::ROPC_WORLD);
        let server = spawn(Spawn {
            store,
            seed,
            ..Default::default()
        })
        .await;
        for username in ["megan\0@contoso.com", "\0", "megan@contoso.com\0"] {
            let form = [
                ("grant_type", "password"),
                ("client_id", "c0c0a009-0000-4000-8000-000000000009"),
                ("username", username),
                ("password", "Portico-dev-1"),
                ("scope", "openid User.Read"),
            ];
            let url = server.url("/contoso.com/oauth2/v2.0/token");
            let response = server.client.post(url).form(&form).send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            assert_eq!(
                (status, &body["error"]),
                (400, &json!("invalid_grant")),
                "{username:?}: {body}"
            );
        }
    }
}
