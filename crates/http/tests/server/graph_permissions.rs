//! Regression tests of the permission holes of issue 10: delegated group writes by plain members
//! (2), admin consent for high-privilege scopes, a User Administrator acting on a Global
//! Administrator (3), and guests reading collections their access level hides (7).

use crate::harness::{spawn, Spawn, TestServer};
use crate::matrix::{app_token, delegated_tokens, first_id};
use serde_json::{json, Value};

const TENANT: &str = "7e7e7e7e-0000-4000-8000-00000000007e";
const CONSENTED_CLI: &str = "7e7e0001-0000-4000-8000-000000000001";
const PLAIN_CLI: &str = "7e7e0002-0000-4000-8000-000000000002";
const WRITER_APP: &str = "7e7e0003-0000-4000-8000-000000000003";
const SCOPES: &str = "User.ReadWrite.All Group.ReadWrite.All Directory.Read.All";

const SEED: &str = r#"
default_password = "Portico-dev-1"

[[tenant]]
key = "t"
id = "7e7e7e7e-0000-4000-8000-00000000007e"
display_name = "T"
domains = ["t.onmicrosoft.com", "t.example"]

[[tenant.user]]
upn = "ga@t.example"
display_name = "Global Admin"
roles = ["Global Administrator"]

[[tenant.user]]
upn = "ua@t.example"
display_name = "User Admin"
roles = ["User Administrator"]

[[tenant.user]]
upn = "ua2@t.example"
display_name = "Other User Admin"
roles = ["User Administrator"]

[[tenant.user]]
upn = "member@t.example"
display_name = "Member"

[[tenant.user]]
upn = "guest@t.example"
display_name = "Guest"
user_type = "Guest"

[[tenant.group]]
display_name = "Team"
mail = "team@t.example"
members = ["member@t.example"]

[[tenant.app]]
display_name = "Consented CLI"
client_id = "7e7e0001-0000-4000-8000-000000000001"
public_client = true
redirect_uris = ["http://localhost"]
graph_permissions = ["User.ReadWrite.All", "Group.ReadWrite.All", "Directory.Read.All"]

[[tenant.app]]
display_name = "Plain CLI"
client_id = "7e7e0002-0000-4000-8000-000000000002"
public_client = true
redirect_uris = ["http://localhost"]

[[tenant.app]]
display_name = "Writer"
client_id = "7e7e0003-0000-4000-8000-000000000003"
secret = "writer-secret"
graph_permissions = ["User.ReadWrite.All", "Group.ReadWrite.All", "Directory.Read.All", "Policy.ReadWrite.Authorization"]
"#;

async fn world() -> TestServer {
    spawn(Spawn {
        seed: Some(SEED),
        ..Spawn::default()
    })
    .await
}

async fn token(server: &TestServer, login: &str) -> String {
    let tokens = delegated_tokens(server, "t.example", CONSENTED_CLI, login, SCOPES).await;
    tokens["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{tokens}"))
        .to_owned()
}

async fn send(server: &TestServer, method: &str, token: &str, path: &str, body: Value) -> u16 {
    let mut request = server
        .client
        .request(method.parse().unwrap(), server.url(path))
        .bearer_auth(token);
    if method != "GET" && method != "DELETE" {
        request = request.json(&body);
    }
    request.send().await.unwrap().status().as_u16()
}

async fn user_id(server: &TestServer, token: &str, upn: &str) -> String {
    let body: Value = server
        .client
        .get(server.url(&format!("/v1.0/users/{upn}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_member_with_a_group_write_scope_cannot_change_groups_an_admin_can() {
    let server = world().await;
    let member = token(&server, "member@t.example").await;
    let admin = token(&server, "ga@t.example").await;
    let team = first_id(&server, &admin, "/v1.0/groups").await;
    let ua2 = user_id(&server, &admin, "ua2@t.example").await;
    let member_id = user_id(&server, &admin, "member@t.example").await;
    let add =
        json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{ua2}")});
    let members = format!("/v1.0/groups/{team}/members/$ref");
    assert_eq!(
        send(&server, "POST", &member, &members, add.clone()).await,
        403
    );
    let remove = format!("/v1.0/groups/{team}/members/{member_id}/$ref");
    assert_eq!(
        send(&server, "DELETE", &member, &remove, json!(null)).await,
        403
    );
    assert_eq!(
        send(
            &server,
            "DELETE",
            &member,
            &format!("/v1.0/groups/{team}"),
            json!(null)
        )
        .await,
        403
    );
    // Reading stays open to members; the Global Administrator writes.
    assert_eq!(
        send(
            &server,
            "GET",
            &member,
            &format!("/v1.0/groups/{team}/members"),
            json!(null)
        )
        .await,
        200
    );
    assert_eq!(send(&server, "POST", &admin, &members, add).await, 204);
    assert_eq!(
        send(&server, "DELETE", &admin, &remove, json!(null)).await,
        204
    );
}

#[tokio::test]
async fn high_privilege_scopes_need_admin_consent() {
    let server = world().await;
    let refused = delegated_tokens(
        &server,
        "t.example",
        PLAIN_CLI,
        "member@t.example",
        "Group.ReadWrite.All",
    )
    .await;
    assert_eq!(refused["error"], "invalid_grant", "{refused}");
    assert_eq!(refused["error_codes"][0], 65001, "{refused}");
    assert!(refused["access_token"].is_null());
    // Scopes a user may consent to are still granted; an administrator consents for themselves.
    let basic = delegated_tokens(
        &server,
        "t.example",
        PLAIN_CLI,
        "member@t.example",
        "User.Read User.ReadBasic.All",
    )
    .await;
    assert!(basic["access_token"].is_string(), "{basic}");
    let admin = delegated_tokens(
        &server,
        "t.example",
        PLAIN_CLI,
        "ga@t.example",
        "Group.ReadWrite.All",
    )
    .await;
    assert!(admin["access_token"].is_string(), "{admin}");
    // The application's configured permissions count as an administrator's consent.
    let consented = delegated_tokens(
        &server,
        "t.example",
        CONSENTED_CLI,
        "member@t.example",
        "Group.ReadWrite.All",
    )
    .await;
    assert!(consented["access_token"].is_string(), "{consented}");
}

#[tokio::test]
async fn a_user_administrator_cannot_take_over_a_global_administrator() {
    let server = world().await;
    let ua = token(&server, "ua@t.example").await;
    let ga = user_id(&server, &ua, "ga@t.example").await;
    let path = format!("/v1.0/users/{ga}");
    let password = json!({"passwordProfile": {"password": "Taken-over-1", "forceChangePasswordNextSignIn": false}});
    assert_eq!(
        send(&server, "PATCH", &ua, &path, password.clone()).await,
        403
    );
    assert_eq!(
        send(
            &server,
            "PATCH",
            &ua,
            &path,
            json!({"accountEnabled": false})
        )
        .await,
        403
    );
    assert_eq!(
        send(
            &server,
            "PATCH",
            &ua,
            &path,
            json!({"otherMails": ["x@evil.example"]})
        )
        .await,
        403
    );
    assert_eq!(
        send(
            &server,
            "PATCH",
            &ua,
            &path,
            json!({"mail": "x@evil.example"})
        )
        .await,
        403
    );
    assert_eq!(send(&server, "DELETE", &ua, &path, json!(null)).await, 403);
    // An app holding User.ReadWrite.All but no administrator role cannot either.
    let app = app_token(&server, TENANT, WRITER_APP, "writer-secret").await;
    assert_eq!(send(&server, "PATCH", &app, &path, password).await, 403);
    assert_eq!(
        send(
            &server,
            "PATCH",
            &app,
            &path,
            json!({"accountEnabled": false})
        )
        .await,
        403
    );
    // The Global Administrator still signs in with their own password.
    let still = token(&server, "ga@t.example").await;
    assert_eq!(
        send(&server, "GET", &still, "/v1.0/me", json!(null)).await,
        200
    );
    // Non-sensitive properties, and users of equal or lower rank, stay manageable.
    assert_eq!(
        send(
            &server,
            "PATCH",
            &ua,
            &path,
            json!({"displayName": "Renamed"})
        )
        .await,
        204
    );
    let ua2 = user_id(&server, &ua, "ua2@t.example").await;
    let member = user_id(&server, &ua, "member@t.example").await;
    for id in [&ua2, &member] {
        let disable = json!({"accountEnabled": false});
        assert_eq!(
            send(&server, "PATCH", &ua, &format!("/v1.0/users/{id}"), disable).await,
            204
        );
    }
    assert_eq!(
        send(
            &server,
            "PATCH",
            &app,
            &format!("/v1.0/users/{member}"),
            json!({"accountEnabled": true})
        )
        .await,
        204
    );
}

#[tokio::test]
async fn limited_and_restricted_guests_see_only_what_entra_lets_them() {
    let server = world().await;
    let app = app_token(&server, TENANT, WRITER_APP, "writer-secret").await;
    let guest = token(&server, "guest@t.example").await;
    let team = first_id(&server, &app, "/v1.0/groups").await;
    let sp = first_id(&server, &app, "/v1.0/servicePrincipals").await;
    let hidden = [
        "/v1.0/directoryRoles".to_owned(),
        "/v1.0/directoryRoles/62e90394-69f5-4237-9190-012177145e10/members".to_owned(),
        format!("/v1.0/servicePrincipals/{sp}/appRoleAssignedTo"),
        "/v1.0/contacts".to_owned(),
        "/v1.0/applications".to_owned(),
        "/v1.0/servicePrincipals".to_owned(),
        "/v1.0/users".to_owned(),
        "/v1.0/groups".to_owned(),
    ];
    for (level, role_id) in [
        ("limited", "10dae51f-b6af-4016-8d66-8c2a99b929b3"),
        ("restricted", "2af84b1e-32c8-42b7-82bc-daa82404023b"),
    ] {
        let policy = json!({"guestUserRoleId": role_id});
        assert_eq!(
            send(
                &server,
                "PATCH",
                &app,
                "/v1.0/policies/authorizationPolicy",
                policy
            )
            .await,
            204
        );
        for path in &hidden {
            assert_eq!(
                send(&server, "GET", &guest, path, json!(null)).await,
                403,
                "{level}: {path}"
            );
        }
        // Every guest reads the organization's name and domains, and their own object.
        for path in ["/v1.0/organization", "/v1.0/domains", "/v1.0/me"] {
            assert_eq!(
                send(&server, "GET", &guest, path, json!(null)).await,
                200,
                "{level}: {path}"
            );
        }
        // A group by id: limited guests yes, restricted guests only the groups they are in.
        let group = send(
            &server,
            "GET",
            &guest,
            &format!("/v1.0/groups/{team}"),
            json!(null),
        )
        .await;
        assert_eq!(group, if level == "limited" { 200 } else { 403 }, "{level}");
    }
}
