//! The directory lifecycle: deleted items (soft delete, restore, purge, the 30-day retention),
//! `revokeSignInSessions`, dynamic groups and Microsoft 365 groups.

use crate::harness::{call, spawn_demo, TestServer};
use crate::oidc_client::*;
use serde_json::{json, Value};

const PAYROLL: &str = "c0c0a004-0000-4000-8000-000000000004";

async fn admin_token(server: &TestServer) -> String {
    app_token(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn get(server: &TestServer, token: &str, path: &str) -> (u16, Value) {
    call(server, "GET", token, path, None).await
}

/// A new member of Contoso; returns its id.
async fn create_user(server: &TestServer, token: &str, nickname: &str) -> String {
    let (status, user) = call(
        server,
        "POST",
        token,
        "/v1.0/users",
        Some(json!({
            "accountEnabled": true,
            "displayName": format!("User {nickname}"),
            "mailNickname": nickname,
            "userPrincipalName": format!("{nickname}@contoso.com"),
            "passwordProfile": {"password": "Portico-dev-1-long"},
        })),
    )
    .await;
    assert_eq!(status, 201, "{user}");
    user["id"].as_str().unwrap().to_owned()
}

async fn create_group(server: &TestServer, token: &str, body: Value) -> (u16, Value) {
    call(server, "POST", token, "/v1.0/groups", Some(body)).await
}

fn ids(collection: &Value) -> Vec<String> {
    collection["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_deleted_user_is_restored_with_the_same_id_and_groups() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let id = create_user(&server, &token, "dana").await;
    let (_, group) = create_group(&server, &token, json!({"displayName": "Team", "mailEnabled": false, "mailNickname": "team", "securityEnabled": true})).await;
    let gid = group["id"].as_str().unwrap().to_owned();
    let reference =
        json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{id}")});
    let path = format!("/v1.0/groups/{gid}/members/$ref");
    assert_eq!(
        call(&server, "POST", &token, &path, Some(reference))
            .await
            .0,
        204
    );

    let (status, _) = call(
        &server,
        "DELETE",
        &token,
        &format!("/v1.0/users/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        get(&server, &token, &format!("/v1.0/users/{id}")).await.0,
        404
    );
    let (_, members) = get(&server, &token, &format!("/v1.0/groups/{gid}/members")).await;
    assert!(ids(&members).is_empty(), "a deleted user is no member");

    let (status, deleted) = get(
        &server,
        &token,
        "/v1.0/directory/deletedItems/microsoft.graph.user",
    )
    .await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(
        deleted["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#directory/deletedItems/microsoft.graph.user"
    );
    assert_eq!(ids(&deleted), [id.as_str()]);
    let entry = &deleted["value"][0];
    assert_eq!(entry["@odata.type"], "#microsoft.graph.user");
    assert_eq!(entry["userPrincipalName"], "dana@contoso.com");
    assert!(entry["deletedDateTime"].as_str().unwrap().ends_with('Z'));
    let (status, one) = get(
        &server,
        &token,
        &format!("/v1.0/directory/deletedItems/{id}"),
    )
    .await;
    assert_eq!((status, one["id"].as_str()), (200, Some(id.as_str())));

    // Someone else takes the name: the restore is refused, as Graph refuses it.
    let taker = create_user(&server, &token, "dana").await;
    let restore = format!("/v1.0/directory/deletedItems/{id}/restore");
    let (status, refused) = call(&server, "POST", &token, &restore, None).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["code"], "Request_BadRequest");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("userPrincipalName"));
    // Deleting and purging the taker frees the name.
    call(
        &server,
        "DELETE",
        &token,
        &format!("/v1.0/users/{taker}"),
        None,
    )
    .await;
    let (status, _) = call(
        &server,
        "DELETE",
        &token,
        &format!("/v1.0/directory/deletedItems/{taker}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        get(
            &server,
            &token,
            &format!("/v1.0/directory/deletedItems/{taker}")
        )
        .await
        .0,
        404
    );

    let (status, restored) = call(&server, "POST", &token, &restore, None).await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(restored["id"], id.as_str());
    assert_eq!(restored["@odata.type"], "#microsoft.graph.user");
    assert_eq!(restored["deletedDateTime"], Value::Null);
    let (status, user) = get(&server, &token, &format!("/v1.0/users/{id}")).await;
    assert_eq!(
        (status, user["displayName"].as_str()),
        (200, Some("User dana"))
    );
    let (_, members) = get(&server, &token, &format!("/v1.0/groups/{gid}/members")).await;
    assert_eq!(ids(&members), [id.as_str()], "memberships come back");
    let (_, deleted) = get(&server, &token, "/v1.0/directory/deletedItems/graph.user").await;
    assert!(ids(&deleted).is_empty());
    assert_eq!(call(&server, "POST", &token, &restore, None).await.0, 404);
}

#[tokio::test]
async fn deleted_users_filter_order_and_need_their_permission() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let first = create_user(&server, &token, "first").await;
    let second = create_user(&server, &token, "second").await;
    for id in [&first, &second] {
        call(
            &server,
            "DELETE",
            &token,
            &format!("/v1.0/users/{id}"),
            None,
        )
        .await;
        // Distinct deletion times.
        server
            .client
            .post(server.url("/portico/v1/clock"))
            .json(&json!({"advanceSeconds": 60}))
            .send()
            .await
            .unwrap();
    }
    let list = "/v1.0/directory/deletedItems/microsoft.graph.user";
    let (_, newest) = get(
        &server,
        &token,
        &format!("{list}?$orderby=deletedDateTime%20desc"),
    )
    .await;
    assert_eq!(ids(&newest), [second.clone(), first.clone()]);
    let (_, oldest) = get(
        &server,
        &token,
        &format!("{list}?$orderby=deletedDateTime%20asc&$top=1"),
    )
    .await;
    assert_eq!(ids(&oldest), [first.as_str()]);
    let (_, filtered) = get(
        &server,
        &token,
        &format!("{list}?$filter=startswith(displayName,'User s')&$select=id,displayName"),
    )
    .await;
    assert_eq!(ids(&filtered), [second.as_str()]);
    assert_eq!(filtered["value"][0].get("userPrincipalName"), None);
    assert_eq!(
        get(&server, &token, &format!("{list}?$orderby=displayName"))
            .await
            .0,
        400
    );

    // Megan (no role) may not read or restore deleted users.
    let browser = browser(&server);
    let code = sign_in_megan(&server, &browser).await["code"].clone();
    let tokens: Value = redeem(&server, &code, VERIFIER).await.json().await.unwrap();
    let megan = tokens["access_token"].as_str().unwrap();
    assert_eq!(get(&server, megan, list).await.0, 403);
    let restore = format!("/v1.0/directory/deletedItems/{first}/restore");
    assert_eq!(call(&server, "POST", megan, &restore, None).await.0, 403);
}

#[tokio::test]
async fn deleted_users_are_purged_after_30_days_by_the_retention_job() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let id = create_user(&server, &token, "gone").await;
    call(
        &server,
        "DELETE",
        &token,
        &format!("/v1.0/users/{id}"),
        None,
    )
    .await;
    let app = &server.running().app;
    app.purge_logs().await.unwrap();
    let item = format!("/v1.0/directory/deletedItems/{id}");
    assert_eq!(
        get(&server, &token, &item).await.0,
        200,
        "kept within 30 days"
    );
    let advance = |seconds: i64| {
        server
            .client
            .post(server.url("/portico/v1/clock"))
            .json(&json!({"advanceSeconds": seconds}))
            .send()
    };
    advance(29 * 86_400).await.unwrap();
    assert_eq!(app.purge_logs().await.unwrap().deleted_objects, 0);
    advance(2 * 86_400).await.unwrap();
    let token = admin_token(&server).await;
    assert_eq!(app.purge_logs().await.unwrap().deleted_objects, 1);
    assert_eq!(get(&server, &token, &item).await.0, 404);
}

#[tokio::test]
async fn revoke_sign_in_sessions_ends_refresh_tokens_and_the_browser_session() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let code = sign_in_megan(&server, &browser).await["code"].clone();
    let tokens: Value = redeem(&server, &code, VERIFIER).await.json().await.unwrap();
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    // Single sign-on works before the revocation.
    let again = browser
        .get(authorize_url(&server, "&prompt=none"))
        .send()
        .await
        .unwrap();
    assert!(redirect_params(&again).contains_key("code"));
    let admin = admin_token(&server).await;
    let user = "/v1.0/users/megan@contoso.com";
    let (_, before) = get(
        &server,
        &admin,
        &format!("{user}?$select=signInSessionsValidFromDateTime"),
    )
    .await;
    assert_eq!(before["signInSessionsValidFromDateTime"], Value::Null);

    let (status, answer) = call(
        &server,
        "POST",
        &admin,
        &format!("{user}/revokeSignInSessions"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer,
        json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean", "value": true})
    );
    let (status, _, code) = error_code(refresh(&server, refresh_token).await).await;
    assert_eq!((status, code), (400, 50173));
    let again = browser
        .get(authorize_url(&server, "&prompt=none"))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect_params(&again)["error"], "login_required");
    let (_, after) = get(
        &server,
        &admin,
        &format!("{user}?$select=signInSessionsValidFromDateTime"),
    )
    .await;
    assert!(after["signInSessionsValidFromDateTime"]
        .as_str()
        .unwrap()
        .ends_with('Z'));

    // A member without a role may not revoke someone's sessions.
    let code = sign_in_megan(&server, &browser).await["code"].clone();
    let tokens: Value = redeem(&server, &code, VERIFIER).await.json().await.unwrap();
    let megan = tokens["access_token"].as_str().unwrap();
    let (status, _) = call(
        &server,
        "POST",
        megan,
        "/v1.0/users/admin@contoso.com/revokeSignInSessions",
        None,
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_dynamic_group_follows_its_rule_and_refuses_manual_members() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let dana = create_user(&server, &token, "dana").await;
    let (status, group) = create_group(&server, &token, json!({
        "displayName": "Guests", "mailEnabled": false, "mailNickname": "guests", "securityEnabled": true,
        "groupTypes": ["DynamicMembership"], "membershipRule": "user.userType -eq \"Guest\"",
        "membershipRuleProcessingState": "On",
    })).await;
    assert_eq!(status, 201, "{group}");
    assert_eq!(group["groupTypes"], json!(["DynamicMembership"]));
    assert_eq!(group["membershipRule"], "user.userType -eq \"Guest\"");
    assert_eq!(group["membershipRuleProcessingState"], "On");
    let gid = group["id"].as_str().unwrap().to_owned();
    let members = format!("/v1.0/groups/{gid}/members");
    assert!(ids(&get(&server, &token, &members).await.1).is_empty());

    // A user who becomes a guest is a member at once; one who stops being one leaves.
    let patch = |kind: &'static str| json!({"userType": kind});
    call(
        &server,
        "PATCH",
        &token,
        &format!("/v1.0/users/{dana}"),
        Some(patch("Guest")),
    )
    .await;
    assert_eq!(
        ids(&get(&server, &token, &members).await.1),
        [dana.as_str()]
    );

    let reference =
        json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{dana}")});
    let (status, refused) = call(
        &server,
        "POST",
        &token,
        &format!("{members}/$ref"),
        Some(reference),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["code"], "Request_BadRequest");

    // Paused: the members are frozen; On again: the rule decides.
    let group_path = format!("/v1.0/groups/{gid}");
    let (status, _) = call(
        &server,
        "PATCH",
        &token,
        &group_path,
        Some(json!({"membershipRuleProcessingState": "Paused"})),
    )
    .await;
    assert_eq!(status, 204);
    call(
        &server,
        "PATCH",
        &token,
        &format!("/v1.0/users/{dana}"),
        Some(patch("Member")),
    )
    .await;
    assert_eq!(
        ids(&get(&server, &token, &members).await.1),
        [dana.as_str()]
    );
    call(
        &server,
        "PATCH",
        &token,
        &group_path,
        Some(json!({"membershipRuleProcessingState": "On"})),
    )
    .await;
    assert!(ids(&get(&server, &token, &members).await.1).is_empty());

    // "All users" includes guests (seed 003's warning).
    call(
        &server,
        "PATCH",
        &token,
        &format!("/v1.0/users/{dana}"),
        Some(patch("Guest")),
    )
    .await;
    let (status, _) = call(
        &server,
        "PATCH",
        &token,
        &group_path,
        Some(json!({"membershipRule": "user.objectId -ne null"})),
    )
    .await;
    assert_eq!(status, 204);
    let everyone = ids(&get(&server, &token, &members).await.1);
    assert_eq!(
        everyone.len(),
        4,
        "Contoso's three members and the guest: {everyone:?}"
    );
    assert!(everyone.contains(&dana));

    let (status, bad) = call(
        &server,
        "PATCH",
        &token,
        &group_path,
        Some(json!({"membershipRule": "user.userType -like \"Guest\""})),
    )
    .await;
    assert_eq!(status, 400, "{bad}");
    let (status, bad) = create_group(&server, &token, json!({
        "displayName": "Bad", "mailEnabled": false, "mailNickname": "bad", "securityEnabled": true,
        "groupTypes": ["DynamicMembership"], "membershipRule": "(user.department -eq \"Sales\"",
    })).await;
    assert_eq!(status, 400, "{bad}");
    assert!(bad["error"]["message"]
        .as_str()
        .unwrap()
        .contains("membershipRule"));
}

#[tokio::test]
async fn app_assignment_sees_dynamic_members() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let what_if = || async {
        let response = server
            .client
            .post(server.url("/portico/v1/whatif"))
            .json(
                &json!({"user": "admin@contoso.com", "resourceTenant": CONTOSO, "appId": PAYROLL}),
            )
            .send()
            .await
            .unwrap();
        response.json::<Value>().await.unwrap()
    };
    assert_eq!(what_if().await["errorCode"], 50105, "not assigned yet");
    let (_, group) = create_group(&server, &token, json!({
        "displayName": "Payroll staff", "mailEnabled": false, "mailNickname": "payroll", "securityEnabled": true,
        "groupTypes": ["DynamicMembership"], "membershipRule": "user.department -eq \"Payroll\"",
        "membershipRuleProcessingState": "On",
    })).await;
    let (_, sps) = get(&server, &token, "/v1.0/servicePrincipals").await;
    let sp = sps["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["appId"] == PAYROLL)
        .unwrap()["id"]
        .clone();
    let (status, body) = call(&server, "POST", &token, &format!("/v1.0/servicePrincipals/{}/appRoleAssignedTo", sp.as_str().unwrap()),
        Some(json!({"principalId": group["id"], "resourceId": sp, "appRoleId": "00000000-0000-0000-0000-000000000000"}))).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        what_if().await["errorCode"],
        50105,
        "the admin is not in Payroll"
    );
    let (status, _) = call(
        &server,
        "PATCH",
        &token,
        "/v1.0/users/admin@contoso.com",
        Some(json!({"department": "Payroll"})),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(what_if().await["decision"], "allow");
}

#[tokio::test]
async fn microsoft_365_groups_are_shaped_as_graph() {
    let server = spawn_demo().await;
    let token = admin_token(&server).await;
    let (status, group) = create_group(&server, &token, json!({
        "displayName": "Project X", "mailEnabled": true, "mailNickname": "projectx", "securityEnabled": false,
        "groupTypes": ["Unified"],
    })).await;
    assert_eq!(status, 201, "{group}");
    assert_eq!(group["groupTypes"], json!(["Unified"]));
    assert_eq!(group["visibility"], "Public");
    assert_eq!(group["mail"], "projectx@contoso.onmicrosoft.com");
    assert_eq!(group["membershipRule"], Value::Null);
    let (_, private) = create_group(&server, &token, json!({
        "displayName": "Project Y", "mailEnabled": true, "mailNickname": "projecty", "securityEnabled": false,
        "groupTypes": ["Unified"], "visibility": "private",
    })).await;
    assert_eq!(private["visibility"], "Private");
    let (_, read) = get(
        &server,
        &token,
        &format!(
            "/v1.0/groups/{}?$select=groupTypes,visibility",
            private["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(read["groupTypes"], json!(["Unified"]));
    for body in [
        json!({"displayName": "Z", "mailEnabled": false, "mailNickname": "z", "securityEnabled": false, "groupTypes": ["Unified"]}),
        json!({"displayName": "Z", "mailEnabled": true, "mailNickname": "z", "securityEnabled": false, "groupTypes": ["Unified"], "visibility": "Secret"}),
        json!({"displayName": "Z", "mailEnabled": false, "mailNickname": "z", "securityEnabled": true, "groupTypes": ["Teams"]}),
        json!({"displayName": "Z", "mailEnabled": false, "mailNickname": "z", "securityEnabled": true, "membershipRule": "user.objectId -ne null"}),
    ] {
        assert_eq!(
            create_group(&server, &token, body.clone()).await.0,
            400,
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_deleted_user_cannot_sign_in_until_restored_with_their_password() {
    let server = spawn_demo().await;
    let code = sign_in_megan(&server, &browser(&server)).await["code"].clone();
    let tokens: Value = redeem(&server, &code, VERIFIER).await.json().await.unwrap();
    let admin = admin_token(&server).await;
    let (_, megan) = get(&server, &admin, "/v1.0/users/megan@contoso.com").await;
    let id = megan["id"].as_str().unwrap().to_owned();
    let (status, _) = call(
        &server,
        "DELETE",
        &admin,
        &format!("/v1.0/users/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);

    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let (status, _, code) = error_code(refresh(&server, refresh_token).await).await;
    assert_eq!((status, code), (400, 50173));
    let client = browser(&server);
    let page = client
        .get(authorize_url(&server, ""))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = post_form(&client, &page, &[("login", "megan@contoso.com")])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("This username may be incorrect"), "{page}");

    let restore = format!("/v1.0/directory/deletedItems/{id}/restore");
    assert_eq!(call(&server, "POST", &admin, &restore, None).await.0, 200);
    let again = sign_in_megan(&server, &browser(&server)).await;
    assert!(
        again.contains_key("code"),
        "the password came back: {again:?}"
    );
}
