//! Microsoft Graph core: users, groups, contacts, policies, permissions, guest access levels,
//! paging, errors and throttling.

use crate::harness::{spawn, spawn_demo, Spawn, TestServer};
use crate::oidc_client::*;
use portico_model::role::{DirectoryRole, RoleAssignment};
use portico_model::user::UserType;
use portico_model::{ObjectId, TenantId, Upn};
use portico_store::Write;
use serde_json::{json, Value};

async fn admin_token(server: &TestServer) -> String {
    app_token(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn get(server: &TestServer, token: &str, path: &str) -> (u16, Value) {
    let response = server
        .client
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn send(
    server: &TestServer,
    method: &str,
    token: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let response = server
        .client
        .request(method.parse().unwrap(), server.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn contoso() -> TenantId {
    TenantId::parse(CONTOSO).unwrap()
}

#[tokio::test]
async fn users_are_listed_in_pages_with_select_and_next_links() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let (status, first) = get(
        &server,
        &token,
        "/v1.0/users?$top=2&$select=displayName,userType",
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        first["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#users"
    );
    let items = first["value"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["id", "displayName", "userType"]
    );
    let next = first["@odata.nextLink"].as_str().unwrap();
    assert!(next.starts_with(&format!("{}v1.0/users?", server.base)));
    let second: Value = server
        .client
        .get(next)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        second["value"].as_array().unwrap().len(),
        1,
        "Contoso has three users"
    );
    assert!(second.get("@odata.nextLink").is_none());

    // Default property set without $select.
    let (_, all) = get(&server, &token, "/v1.0/users").await;
    let megan = all["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["userPrincipalName"] == "megan@contoso.com")
        .unwrap()
        .clone();
    assert!(
        megan.get("userType").is_none()
            && megan.get("businessPhones").is_some()
            && megan["givenName"] == "Megan"
    );

    // A skip token is bound to its tenant and query.
    let tampered = next.replace("%24top=2", "%24top=3");
    assert_eq!(
        server
            .client
            .get(&tampered)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    let fabrikam = app_token(
        &server,
        "fabrikam.com",
        "fabca001-0000-4000-8000-000000000001",
        "fabrikam-admin-secret",
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        server
            .client
            .get(next)
            .bearer_auth(&fabrikam)
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(get(&server, &token, "/v1.0/users?$top=1000").await.0, 400);
}

#[tokio::test]
async fn users_are_read_by_id_or_upn_and_foreign_ids_are_not_found() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let (status, megan) = get(&server, &token, "/v1.0/users/megan@contoso.com?$select=userType,proxyAddresses,otherMails,externalUserState,accountEnabled,identities,showInAddressList,creationType").await;
    assert_eq!(status, 200, "{megan}");
    assert_eq!(megan["userType"], "Member");
    assert_eq!(megan["proxyAddresses"], json!(["SMTP:megan@contoso.com"]));
    assert_eq!(megan["externalUserState"], Value::Null);
    assert_eq!(megan["showInAddressList"], true);
    let (_, by_id) = get(
        &server,
        &token,
        &format!("/v1.0/users/{}", megan["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(by_id["userPrincipalName"], "megan@contoso.com");

    let alice = server
        .running()
        .app
        .store_for_tests()
        .find_user_by_upn(
            TenantId::parse("22222222-2222-4222-8222-222222222222").unwrap(),
            &Upn::parse("alice@fabrikam.com").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let (foreign_status, foreign) =
        get(&server, &token, &format!("/v1.0/users/{}", alice.id)).await;
    let random = "99999999-9999-4999-8999-999999999999";
    let (random_status, missing) = get(&server, &token, &format!("/v1.0/users/{random}")).await;
    assert_eq!((foreign_status, random_status), (404, 404));
    assert_eq!(foreign["error"]["code"], "Request_ResourceNotFound");
    let strip = |v: &Value, id: &str| v["error"]["message"].as_str().unwrap().replace(id, "<id>");
    assert_eq!(
        strip(&foreign, &alice.id.to_string()),
        strip(&missing, random),
        "a foreign id looks exactly like a missing one"
    );
    assert_eq!(
        get(&server, &token, "/v1.0/users/alice@fabrikam.com")
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn users_are_created_patched_converted_and_deleted_with_audit_records() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let store = server.running().app.store_for_tests().clone();
    let audits_before = store
        .list_audit_records(contoso(), 100)
        .await
        .unwrap()
        .len();
    let body = json!({"accountEnabled": true, "displayName": "Nestor", "mailNickname": "nestor", "userPrincipalName": "nestor@contoso.com", "passwordProfile": {"password": "Portico-dev-2!"}});
    let (status, created) = send(&server, "POST", &token, "/v1.0/users", body.clone()).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, duplicate) = send(&server, "POST", &token, "/v1.0/users", body).await;
    assert_eq!(status, 400);
    assert!(duplicate["error"]["message"]
        .as_str()
        .unwrap()
        .contains("userPrincipalName already exists"));
    let foreign_domain = json!({"accountEnabled": true, "displayName": "X", "mailNickname": "x", "userPrincipalName": "x@fabrikam.com", "passwordProfile": {"password": "Portico-dev-2!"}});
    assert_eq!(
        send(&server, "POST", &token, "/v1.0/users", foreign_domain)
            .await
            .0,
        400
    );
    assert_eq!(
        send(
            &server,
            "POST",
            &token,
            "/v1.0/users",
            json!({"displayName": "Missing"})
        )
        .await
        .0,
        400
    );
    assert_eq!(
        send(
            &server,
            "POST",
            &token,
            "/v1.0/users",
            json!({"displayName": "X", "bogus": 1})
        )
        .await
        .0,
        400,
        "unknown properties are refused"
    );

    let (status, _) = send(&server, "PATCH", &token, &format!("/v1.0/users/{id}"), json!({"displayName": "Nestor Wilke", "userType": "Guest", "otherMails": ["nestor@example.net"], "mail": "n.wilke@contoso.com"})).await;
    assert_eq!(status, 204);
    let (_, patched) = get(
        &server,
        &token,
        &format!("/v1.0/users/{id}?$select=displayName,userType,otherMails,mail,proxyAddresses"),
    )
    .await;
    assert_eq!(patched["displayName"], "Nestor Wilke");
    assert_eq!(patched["userType"], "Guest");
    assert_eq!(patched["otherMails"], json!(["nestor@example.net"]));
    assert_eq!(
        patched["proxyAddresses"],
        json!(["SMTP:n.wilke@contoso.com", "smtp:nestor@contoso.com"])
    );
    let (status, conflict) = send(
        &server,
        "PATCH",
        &token,
        &format!("/v1.0/users/{id}"),
        json!({"mail": "megan@contoso.com"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        conflict["error"]["innerError"]["code"],
        "proxyAddressConflict"
    );
    assert_eq!(
        send(
            &server,
            "PATCH",
            &token,
            &format!("/v1.0/users/{id}"),
            json!({"userType": "Robot"})
        )
        .await
        .0,
        400
    );

    assert_eq!(
        send(
            &server,
            "DELETE",
            &token,
            &format!("/v1.0/users/{id}"),
            json!({})
        )
        .await
        .0,
        204
    );
    assert_eq!(
        get(&server, &token, &format!("/v1.0/users/{id}")).await.0,
        404
    );
    let audits = store.list_audit_records(contoso(), 100).await.unwrap();
    let activities: Vec<&str> = audits[..audits.len() - audits_before]
        .iter()
        .map(|a| a.activity.as_str())
        .collect();
    assert_eq!(
        activities,
        ["Delete user", "Update user", "Add user"],
        "one audit record per change, none for refused ones"
    );
}

#[tokio::test]
async fn disabling_a_user_revokes_their_refresh_tokens() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let code = sign_in_megan(&server, &browser).await["code"].clone();
    let tokens: Value = redeem(&server, &code, VERIFIER).await.json().await.unwrap();
    let admin = admin_token(&server).await;
    assert_eq!(
        send(
            &server,
            "PATCH",
            &admin,
            "/v1.0/users/megan@contoso.com",
            json!({"accountEnabled": false})
        )
        .await
        .0,
        204
    );
    let (status, _, code) =
        error_code(refresh(&server, tokens["refresh_token"].as_str().unwrap()).await).await;
    assert_eq!((status, code), (400, 50173));
    assert_eq!(
        get(
            &server,
            tokens["access_token"].as_str().unwrap(),
            "/v1.0/me"
        )
        .await
        .0,
        403,
        "a disabled user's token no longer acts"
    );
}

#[tokio::test]
async fn groups_members_and_contacts() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let (status, group) = send(&server, "POST", &token, "/v1.0/groups", json!({"displayName": "Partners", "mailEnabled": true, "mailNickname": "partners", "securityEnabled": false})).await;
    assert_eq!(status, 201, "{group}");
    assert_eq!(group["mail"], "partners@contoso.onmicrosoft.com");
    let gid = group["id"].as_str().unwrap().to_owned();
    let (_, megan) = get(&server, &token, "/v1.0/users/megan@contoso.com").await;
    let reference = json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{}", megan["id"].as_str().unwrap())});
    assert_eq!(
        send(
            &server,
            "POST",
            &token,
            &format!("/v1.0/groups/{gid}/members/$ref"),
            reference.clone()
        )
        .await
        .0,
        204
    );
    let (status, again) = send(
        &server,
        "POST",
        &token,
        &format!("/v1.0/groups/{gid}/members/$ref"),
        reference,
    )
    .await;
    assert_eq!(status, 400);
    assert!(again["error"]["message"]
        .as_str()
        .unwrap()
        .contains("already exist"));
    let (_, members) = get(&server, &token, &format!("/v1.0/groups/{gid}/members")).await;
    assert_eq!(
        members["value"][0]["userPrincipalName"],
        "megan@contoso.com"
    );
    assert_eq!(members["value"][0]["@odata.type"], "#microsoft.graph.user");
    let missing = json!({"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/99999999-9999-4999-8999-999999999999"});
    assert_eq!(
        send(
            &server,
            "POST",
            &token,
            &format!("/v1.0/groups/{gid}/members/$ref"),
            missing
        )
        .await
        .0,
        404
    );
    assert_eq!(
        send(
            &server,
            "DELETE",
            &token,
            &format!(
                "/v1.0/groups/{gid}/members/{}/$ref",
                megan["id"].as_str().unwrap()
            ),
            json!({})
        )
        .await
        .0,
        204
    );
    let (_, groups) = get(&server, &token, "/v1.0/groups").await;
    assert!(groups["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["id"] == gid.as_str()));

    let (status, contact) = send(
        &server,
        "POST",
        &token,
        "/v1.0/contacts",
        json!({"displayName": "Ext Partner", "mail": "partner@example.net"}),
    )
    .await;
    assert_eq!(status, 201, "{contact}");
    assert_eq!(
        contact["proxyAddresses"],
        json!(["SMTP:partner@example.net"])
    );
    let (status, clash) = send(
        &server,
        "POST",
        &token,
        "/v1.0/contacts",
        json!({"displayName": "Clash", "mail": "partners@contoso.onmicrosoft.com"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        clash["error"]["innerError"]["code"], "proxyAddressConflict",
        "proxy addresses are unique across users, groups and contacts"
    );
    let (_, contacts) = get(&server, &token, "/v1.0/contacts").await;
    assert_eq!(contacts["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn organization_domains_roles_apps_and_the_authorization_policy() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let (_, org) = get(&server, &token, "/v1.0/organization").await;
    assert_eq!(org["value"][0]["id"], CONTOSO);
    assert_eq!(
        org["value"][0]["verifiedDomains"].as_array().unwrap().len(),
        2
    );
    let (_, domains) = get(&server, &token, "/v1.0/domains").await;
    assert_eq!(domains["value"][0]["id"], "contoso.onmicrosoft.com");
    assert_eq!(domains["value"][0]["isInitial"], true);
    let (_, roles) = get(&server, &token, "/v1.0/directoryRoles").await;
    assert_eq!(roles["value"].as_array().unwrap().len(), 7);
    let (_, admins) = get(
        &server,
        &token,
        "/v1.0/directoryRoles/62e90394-69f5-4237-9190-012177145e10/members",
    )
    .await;
    assert_eq!(admins["value"][0]["userPrincipalName"], "admin@contoso.com");
    let (_, apps) = get(&server, &token, "/v1.0/applications").await;
    // The four of the demo world and Portico's own portal registration.
    assert_eq!(apps["value"].as_array().unwrap().len(), 5);
    assert!(apps["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["displayName"] == "Portico Portal"));
    let (_, sps) = get(&server, &token, "/v1.0/servicePrincipals").await;
    let payroll = sps["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["appId"] == "c0c0a004-0000-4000-8000-000000000004")
        .unwrap();
    assert_eq!(payroll["appRoleAssignmentRequired"], true);
    let (_, assigned) = get(
        &server,
        &token,
        &format!(
            "/v1.0/servicePrincipals/{}/appRoleAssignedTo",
            payroll["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(assigned["value"].as_array().unwrap().len(), 1);
    let (_, admin_user) = get(&server, &token, "/v1.0/users/admin@contoso.com").await;
    let path = format!(
        "/v1.0/servicePrincipals/{}/appRoleAssignedTo",
        payroll["id"].as_str().unwrap()
    );
    let body = json!({"principalId": admin_user["id"], "resourceId": payroll["id"], "appRoleId": "00000000-0000-0000-0000-000000000000"});
    assert_eq!(
        send(&server, "POST", &token, &path, body.clone()).await.0,
        201
    );
    assert_eq!(
        send(&server, "POST", &token, &path, body).await.0,
        400,
        "assigned once"
    );
    assert_eq!(
        get(&server, &token, &path).await.1["value"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let (_, policy) = get(&server, &token, "/v1.0/policies/authorizationPolicy").await;
    assert_eq!(policy["allowInvitesFrom"], "everyone");
    assert_eq!(
        policy["guestUserRoleId"],
        "10dae51f-b6af-4016-8d66-8c2a99b929b3"
    );
    let patch = json!({"allowInvitesFrom": "adminsAndGuestInviters", "guestUserRoleId": "2af84b1e-32c8-42b7-82bc-daa82404023b"});
    assert_eq!(
        send(
            &server,
            "PATCH",
            &token,
            "/v1.0/policies/authorizationPolicy",
            patch
        )
        .await
        .0,
        204
    );
    let (_, policy) = get(&server, &token, "/v1.0/policies/authorizationPolicy").await;
    assert_eq!(policy["allowInvitesFrom"], "adminsAndGuestInviters");
    assert_eq!(
        policy["guestUserRoleId"],
        "2af84b1e-32c8-42b7-82bc-daa82404023b"
    );
    assert_eq!(
        send(
            &server,
            "PATCH",
            &token,
            "/v1.0/policies/authorizationPolicy",
            json!({"allowInvitesFrom": "nobody-at-all"})
        )
        .await
        .0,
        400
    );
    assert_eq!(
        send(
            &server,
            "PATCH",
            &token,
            "/v1.0/policies/authorizationPolicy",
            json!({"guestUserRoleId": "99999999-9999-4999-8999-999999999999"})
        )
        .await
        .0,
        400
    );
}

/// A guest in Contoso (made directly in the store until invitations land) with a local
/// password, and a delegated token for them with `User.ReadBasic.All`.
async fn guest_token(server: &TestServer) -> (String, ObjectId) {
    let store = server.running().app.store_for_tests();
    let megan = store
        .find_user_by_upn(contoso(), &Upn::parse("megan@contoso.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut guest = megan.clone();
    guest.id = ObjectId::parse("00000000-0000-4000-8000-0000000000ee").unwrap();
    guest.user_principal_name =
        Upn::parse("alice_fabrikam.com#EXT#@contoso.onmicrosoft.com").unwrap();
    guest.display_name = "Alice (guest)".into();
    guest.user_type = UserType::Guest;
    guest.mail = Some(portico_model::EmailAddress::parse("alice@fabrikam.com").unwrap());
    guest.proxy_addresses.clear();
    store
        .apply(contoso(), vec![Write::InsertUser(guest.clone())])
        .await
        .unwrap();
    let browser = browser(server);
    let url = authorize_url(
        server,
        "&login_hint=alice_fabrikam.com%23EXT%23%40contoso.onmicrosoft.com",
    )
    .replace("User.Read", "User.ReadBasic.All%20User.Read");
    let page = browser.get(url).send().await.unwrap().text().await.unwrap();
    let done = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
    let tokens: Value = redeem(server, &redirect_params(&done)["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    (
        tokens["access_token"].as_str().unwrap().to_owned(),
        guest.id,
    )
}

#[tokio::test]
async fn guest_access_levels_decide_what_guests_see() {
    let server = spawn_demo().await;
    let admin = admin_token(&server).await;
    let (guest, guest_id) = guest_token(&server).await;
    // Limited (default): no listing; others by id with the reduced set; self in full.
    assert_eq!(get(&server, &guest, "/v1.0/users").await.0, 403);
    assert_eq!(get(&server, &guest, "/v1.0/groups").await.0, 403);
    let (status, megan) = get(
        &server,
        &guest,
        "/v1.0/users/megan@contoso.com?$select=displayName,accountEnabled,proxyAddresses,userType",
    )
    .await;
    assert_eq!(status, 200);
    let mut keys: Vec<&String> = megan
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| !k.starts_with('@'))
        .collect();
    keys.sort();
    assert_eq!(keys, ["displayName", "id", "userType"], "{megan}");
    let (_, me) = get(&server, &guest, "/v1.0/me?$select=userType,accountEnabled").await;
    assert_eq!(me["userType"], "Guest");
    assert_eq!(me["accountEnabled"], true);

    // Restricted: own object only.
    send(
        &server,
        "PATCH",
        &admin,
        "/v1.0/policies/authorizationPolicy",
        json!({"guestUserRoleId": "2af84b1e-32c8-42b7-82bc-daa82404023b"}),
    )
    .await;
    assert_eq!(
        get(&server, &guest, "/v1.0/users/megan@contoso.com")
            .await
            .0,
        403
    );
    assert_eq!(
        get(&server, &guest, &format!("/v1.0/users/{guest_id}"))
            .await
            .0,
        200
    );

    // Same as members: listing works.
    send(
        &server,
        "PATCH",
        &admin,
        "/v1.0/policies/authorizationPolicy",
        json!({"guestUserRoleId": "a0b1b346-4d3e-4e8b-98f8-753987be4970"}),
    )
    .await;
    assert_eq!(get(&server, &guest, "/v1.0/users").await.0, 200);

    // Directory Readers lists regardless of the level.
    send(
        &server,
        "PATCH",
        &admin,
        "/v1.0/policies/authorizationPolicy",
        json!({"guestUserRoleId": "2af84b1e-32c8-42b7-82bc-daa82404023b"}),
    )
    .await;
    assert_eq!(get(&server, &guest, "/v1.0/users").await.0, 403);
    let reader = RoleAssignment {
        principal_id: guest_id,
        role: DirectoryRole::DirectoryReaders,
    };
    server
        .running()
        .app
        .store_for_tests()
        .apply(contoso(), vec![Write::AssignRole(reader)])
        .await
        .unwrap();
    let (status, listed) = get(&server, &guest, "/v1.0/users").await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["value"].as_array().unwrap().len(), 4);
    // Guests never write.
    assert_eq!(
        send(
            &server,
            "PATCH",
            &guest,
            "/v1.0/users/megan@contoso.com",
            json!({"displayName": "x"})
        )
        .await
        .0,
        403
    );
}

#[tokio::test]
async fn members_read_but_only_admins_write() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let url = authorize_url(&server, "&login_hint=megan%40contoso.com")
        .replace("User.Read", "User.ReadWrite.All%20Group.ReadWrite.All");
    let page = browser.get(url).send().await.unwrap().text().await.unwrap();
    let done = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
    let tokens: Value = redeem(&server, &redirect_params(&done)["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let megan = tokens["access_token"].as_str().unwrap();
    assert_eq!(get(&server, megan, "/v1.0/users").await.0, 200);
    assert_eq!(
        send(
            &server,
            "PATCH",
            megan,
            "/v1.0/users/admin@contoso.com",
            json!({"displayName": "x"})
        )
        .await
        .0,
        403,
        "scope without an admin role"
    );
    assert_eq!(
        send(
            &server,
            "PATCH",
            megan,
            "/v1.0/policies/authorizationPolicy",
            json!({"allowInvitesFrom": "none"})
        )
        .await
        .0,
        403
    );
    let (status, _) = send(&server, "POST", megan, "/v1.0/groups", json!({"displayName": "Megan's", "mailEnabled": false, "mailNickname": "megans", "securityEnabled": true})).await;
    assert_eq!(status, 201, "members may create groups");
}

#[tokio::test]
async fn graph_errors_use_the_envelope_and_throttling_answers_429() {
    let limits = portico_http::ThrottleLimits {
        per_tenant: portico_http::Rate {
            per_second: 1000.0,
            burst: 1000.0,
        },
        per_app: portico_http::Rate {
            per_second: 0.01,
            burst: 3.0,
        },
    };
    let server = spawn(Spawn {
        throttle: limits,
        ..Default::default()
    })
    .await;
    let no_token = server
        .client
        .get(server.url("/v1.0/users"))
        .header("client-request-id", "c-1")
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 401);
    let request_id = no_token.headers()["request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = no_token.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    assert_eq!(
        body["error"]["innerError"]["request-id"],
        request_id.as_str()
    );
    assert_eq!(body["error"]["innerError"]["client-request-id"], "c-1");

    let token = admin_token(&server).await;
    for _ in 0..3 {
        assert_eq!(get(&server, &token, "/v1.0/organization").await.0, 200);
    }
    let throttled = server
        .client
        .get(server.url("/v1.0/organization"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(throttled.status(), 429);
    assert!(
        throttled.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let body: Value = throttled.json().await.unwrap();
    assert_eq!(body["error"]["code"], "TooManyRequests");
    let fabrikam = app_token(
        &server,
        "fabrikam.com",
        "fabca001-0000-4000-8000-000000000001",
        "fabrikam-admin-secret",
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        get(&server, &fabrikam, "/v1.0/organization").await.0,
        200,
        "another tenant is not slowed"
    );
}

async fn get_with(server: &TestServer, token: &str, path: &str, eventual: bool) -> (u16, Value) {
    let mut request = server.client.get(server.url(path)).bearer_auth(token);
    if eventual {
        request = request.header("ConsistencyLevel", "eventual");
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn upns(body: &Value) -> Vec<String> {
    body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userPrincipalName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn odata_filter_orderby_count_and_search_follow_graphs_rules() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let (status, body) = get_with(&server, &token, "/v1.0/users?$filter=startswith(displayName,'m') or userPrincipalName eq 'ADMIN@contoso.com'", false).await;
    assert_eq!(status, 200, "{body}");
    let mut found = upns(&body);
    found.sort();
    assert_eq!(found, ["admin@contoso.com", "megan@contoso.com"]);
    let (_, body) = get_with(&server, &token, "/v1.0/users?$filter=proxyAddresses/any(p:startswith(p,'smtp:inviter'))&$select=userPrincipalName", false).await;
    assert_eq!(upns(&body), ["inviter@contoso.com"]);

    // Advanced queries need ConsistencyLevel: eventual and $count=true.
    let (status, body) = get_with(
        &server,
        &token,
        "/v1.0/users?$filter=endsWith(userPrincipalName,'contoso.com')",
        false,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "Request_UnsupportedQuery");
    assert!(body["error"]["message"].as_str().unwrap().starts_with(
        "Operator 'endsWith' is not supported because the required parameters might be missing."
    ));
    let (status, body) = get_with(
        &server,
        &token,
        "/v1.0/users?$filter=endsWith(userPrincipalName,'contoso.com')&$count=true",
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["@odata.count"], 3);
    let (status, body) = get_with(&server, &token, "/v1.0/users?$count=true", false).await;
    assert_eq!(status, 200);
    assert!(
        body.get("@odata.count").is_none(),
        "without the header $count is silently ignored, as in Graph"
    );
    let (status, body) = get_with(
        &server,
        &token,
        "/v1.0/users?$search=\"displayName:megan\"",
        false,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "Request_UnsupportedQuery");
    let (status, body) = get_with(
        &server,
        &token,
        "/v1.0/users?$search=\"displayName:bow\"&$count=true",
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(upns(&body), ["megan@contoso.com"]);
    assert_eq!(body["@odata.count"], 1);
    let count = server
        .client
        .get(server.url("/v1.0/users/$count"))
        .bearer_auth(&token)
        .header("ConsistencyLevel", "eventual")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count, "3");

    // $orderby pages with an offset cursor and keeps the order across pages.
    let (status, first) = get_with(
        &server,
        &token,
        "/v1.0/users?$orderby=displayName desc&$top=2",
        false,
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let next = first["@odata.nextLink"].as_str().unwrap().to_owned();
    let second: Value = server
        .client
        .get(&next)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut names: Vec<String> = first["value"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["value"].as_array().unwrap())
        .map(|u| u["displayName"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 3);
    let expected = {
        let mut sorted = names.clone();
        sorted.sort_by_key(|n| n.to_ascii_lowercase());
        sorted.reverse();
        sorted
    };
    assert_eq!(names, expected);
    names.clear();

    // Bad queries are refused with Graph's codes, never a 500.
    let deep = format!(
        "$filter={}",
        "not(".repeat(40) + "accountEnabled eq true" + &")".repeat(40)
    );
    for query in [
        "$filter=displayName eq",
        "$filter=aboutMe eq 'x'",
        "$top=1000",
        "$skip=2",
        "$filter=displayName eq 'unterminated",
        &deep,
    ] {
        let (status, body) = get_with(&server, &token, &format!("/v1.0/users?{query}"), true).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(
            body["error"]["code"]
                .as_str()
                .unwrap()
                .starts_with("Request_"),
            "{query}: {body}"
        );
        assert!(body["error"]["innerError"]["request-id"].is_string());
    }
    let (status, body) = get_with(
        &server,
        &token,
        "/v1.0/groups?$filter=createdDateTime ge 2026-01-01T00:00:00Z",
        true,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "Request_UnsupportedQuery");
    assert_eq!(body["error"]["message"], "Unsupported or invalid query filter clause specified for property 'createdDateTime' of resource 'Group'.");
    let (_, groups) = get_with(
        &server,
        &token,
        "/v1.0/groups?$filter=mailEnabled eq true",
        false,
    )
    .await;
    assert!(
        groups["value"].as_array().unwrap().is_empty(),
        "Contoso has no mail-enabled group yet"
    );
}

#[tokio::test]
async fn the_recipients_view_unhides_a_guest_from_the_address_list() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let store = server.running().app.store_for_tests().clone();
    let mut guest = store
        .find_user_by_upn(contoso(), &Upn::parse("megan@contoso.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    guest.id = ObjectId::parse("00000000-0000-4000-8000-0000000000ab").unwrap();
    guest.user_principal_name =
        Upn::parse("carol_outlook.com#EXT#@contoso.onmicrosoft.com").unwrap();
    guest.user_type = UserType::Guest;
    guest.mail = Some(portico_model::EmailAddress::parse("carol@outlook.com").unwrap());
    guest.proxy_addresses = vec![portico_model::ProxyAddress::primary(
        portico_model::EmailAddress::parse("carol@outlook.com").unwrap(),
    )];
    guest.hidden_from_address_lists = true;
    store
        .apply(contoso(), vec![Write::InsertUser(guest.clone())])
        .await
        .unwrap();
    send(
        &server,
        "POST",
        &token,
        "/v1.0/contacts",
        json!({"displayName": "Ext", "mail": "ext@example.net"}),
    )
    .await;

    let (status, view) = get(
        &server,
        &token,
        "/portico/v1/tenants/contoso.com/recipients",
    )
    .await;
    assert_eq!(status, 200, "{view}");
    let find = |view: &Value, id: &str| {
        view["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap()
    };
    let carol = find(&view, &guest.id.to_string());
    assert_eq!(carol["recipientType"], "MailUser");
    assert_eq!(carol["recipientTypeDetails"], "GuestMailUser");
    assert_eq!(carol["hiddenFromAddressListsEnabled"], true);
    assert_eq!(carol["primarySmtpAddress"], "carol@outlook.com");
    assert!(view["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["recipientType"] == "MailContact"));
    assert!(view["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["recipientType"] == "UserMailbox"));

    let (status, shown) = send(
        &server,
        "PATCH",
        &token,
        &format!("/portico/v1/tenants/contoso.com/recipients/{}", guest.id),
        json!({"hiddenFromAddressListsEnabled": false}),
    )
    .await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["hiddenFromAddressListsEnabled"], false);
    let (_, graph) = get(
        &server,
        &token,
        &format!("/v1.0/users/{}?$select=showInAddressList", guest.id),
    )
    .await;
    assert_eq!(
        graph["showInAddressList"], true,
        "Graph's showInAddressList mirrors it"
    );

    let fabrikam = app_token(
        &server,
        "fabrikam.com",
        "fabca001-0000-4000-8000-000000000001",
        "fabrikam-admin-secret",
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        get(
            &server,
            &fabrikam,
            "/portico/v1/tenants/contoso.com/recipients"
        )
        .await
        .0,
        404,
        "another tenant's recipients do not exist for it"
    );
    assert_eq!(
        send(
            &server,
            "PATCH",
            &fabrikam,
            &format!("/portico/v1/tenants/contoso.com/recipients/{}", guest.id),
            json!({"hiddenFromAddressListsEnabled": true})
        )
        .await
        .0,
        404
    );
}
