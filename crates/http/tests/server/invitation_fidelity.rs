//! `POST /invitations` as Graph shapes it: the message language (Japanese mail for `ja-JP`), cc
//! names echoed, Entra's length limits and address characters, Graph's wording for a missing
//! property, and app-only invitations when only admins and Guest Inviters may invite.

use crate::b2b::{admin, invite};

use crate::harness::{call, spawn_demo, TestServer};
use crate::oidc_client::*;
use serde_json::{json, Value};

const REDIRECT: &str = "https://myapps.example.com/welcome";

async fn outbox_for(server: &TestServer, address: &str) -> Value {
    server
        .client
        .get(server.url(&format!("/portico/v1/outbox?to={address}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn message_language_and_cc_names_are_honoured() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let body = json!({"invitedUserEmailAddress": "hanako@fabrikam.com", "inviteRedirectUrl": REDIRECT, "sendInvitationMessage": true,
        "invitedUserMessageInfo": {"messageLanguage": "ja-JP", "ccRecipients": [{"emailAddress": {"name": "Fabrikam Admin", "address": "admin@fabrikam.com"}}]}});
    let (status, invitation) = invite(&server, &token, body).await;
    assert_eq!(status, 201, "{invitation}");
    let info = &invitation["invitedUserMessageInfo"];
    assert_eq!(info["messageLanguage"], "ja-JP");
    assert_eq!(
        info["ccRecipients"],
        json!([{"emailAddress": {"name": "Fabrikam Admin", "address": "admin@fabrikam.com"}}])
    );
    let message = &outbox_for(&server, "hanako@fabrikam.com").await["value"][0];
    assert!(
        message["subject"].as_str().unwrap().contains("招待"),
        "{message}"
    );
    assert!(message["text"].as_str().unwrap().contains("招待を承諾"));

    // English by default, and for a language Portico has no text for.
    for (address, language) in [
        ("en1@fabrikam.com", None),
        ("fr1@fabrikam.com", Some("fr-FR")),
    ] {
        let mut body = json!({"invitedUserEmailAddress": address, "inviteRedirectUrl": REDIRECT, "sendInvitationMessage": true});
        if let Some(tag) = language {
            body["invitedUserMessageInfo"] = json!({"messageLanguage": tag});
        }
        assert_eq!(invite(&server, &token, body).await.0, 201);
        let message = &outbox_for(&server, address).await["value"][0];
        assert!(message["text"]
            .as_str()
            .unwrap()
            .contains("Accept invitation"));
    }
}

#[tokio::test]
async fn bad_invitations_are_refused_with_graph_messages_and_create_nothing() {
    let server = spawn_demo().await;
    let token = admin(&server).await;
    let long_name = "x".repeat(257);
    let cases = [
        (
            json!({"invitedUserEmailAddress": "a+b@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
            "not allowed in the user name",
        ),
        (
            json!({"invitedUserEmailAddress": ".ab@fabrikam.com", "inviteRedirectUrl": REDIRECT}),
            "not allowed in the user name",
        ),
        (
            json!({"invitedUserEmailAddress": "ok@fabrikam.com", "invitedUserDisplayName": long_name, "inviteRedirectUrl": REDIRECT}),
            "longer than 256 characters",
        ),
        (
            json!({"inviteRedirectUrl": REDIRECT}),
            "Property 'invitedUserEmailAddress' is required.",
        ),
        (
            json!({"invitedUserEmailAddress": "ok@fabrikam.com", "inviteRedirectUrl": REDIRECT, "invitedUserMessageInfo": {"ccRecipients": [{"name": "x"}]}}),
            "Property 'emailAddress' is required.",
        ),
        (
            json!({"invitedUserEmailAddress": "ok@fabrikam.com", "inviteRedirectUrl": REDIRECT, "invitedUserMessageInfo": {"messageLanguage": "not a language"}}),
            "messageLanguage",
        ),
    ];
    for (body, fragment) in cases {
        let (status, error) = invite(&server, &token, body.clone()).await;
        assert_eq!(status, 400, "{body} → {error}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains(fragment), "{body} → {message}");
    }
    let guests: Value = server
        .client
        .get(server.url("/v1.0/users?$filter=userType eq 'Guest'"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        guests["value"].as_array().unwrap().len(),
        0,
        "refused invitations create nothing: {guests}"
    );
}

/// A tenant where only admins and Guest Inviters may invite, with an app that holds only
/// `User.Invite.All` and an admin app.
const RESTRICTED_WORLD: &str = r#"
default_password = "Portico-dev-1"

[[tenant]]
key = "contoso"
id = "11111111-1111-4111-8111-111111111111"
display_name = "Contoso"
domains = ["contoso.onmicrosoft.com", "contoso.com"]

[tenant.settings]
allow_invites_from = "admins_and_guest_inviters"

[[tenant.app]]
display_name = "Invite Only"
client_id = "c0c0a0f1-0000-4000-8000-000000000001"
secret = "invite-only-secret"
graph_permissions = ["User.Invite.All"]

[[tenant.app]]
display_name = "Portico Admin"
client_id = "c0c0a001-0000-4000-8000-000000000001"
secret = "contoso-admin-secret"
graph_permissions = ["User.ReadWrite.All", "User.Invite.All"]
"#;

#[tokio::test]
async fn apps_cannot_invite_when_only_admins_and_guest_inviters_may() {
    let server = crate::harness::spawn(crate::harness::Spawn {
        seed: Some(RESTRICTED_WORLD),
        ..Default::default()
    })
    .await;
    let invite_only = app_token(
        &server,
        "contoso.com",
        "c0c0a0f1-0000-4000-8000-000000000001",
        "invite-only-secret",
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let body =
        json!({"invitedUserEmailAddress": "app1@fabrikam.com", "inviteRedirectUrl": REDIRECT});
    let (status, error) = invite(&server, &invite_only, body.clone()).await;
    assert_eq!(status, 403, "{error}");
    assert_eq!(
        error["error"]["innerError"]["code"],
        "invitationsNotAllowed"
    );
    // An app that administers users is an administrator here.
    let (status, created) = invite(&server, &admin(&server).await, body).await;
    assert_eq!(status, 201, "{created}");
}

async fn user_id(server: &TestServer, token: &str, upn: &str) -> String {
    call(server, "GET", token, &format!("/v1.0/users/{upn}"), None)
        .await
        .1["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn sponsor_ids(list: &Value) -> Vec<String> {
    list["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn sponsors_are_named_by_the_invitation_or_default_to_the_inviter() {
    let server = spawn_demo().await;
    let admin = admin(&server).await;
    let megan = user_id(&server, &admin, "megan@contoso.com").await;
    let inviter = user_id(&server, &admin, "inviter@contoso.com").await;

    // Named sponsors.
    let body = json!({"invitedUserEmailAddress": "sp1@fabrikam.com", "inviteRedirectUrl": REDIRECT, "invitedUserSponsors": [{"id": megan}]});
    let (status, invitation) = invite(&server, &admin, body).await;
    assert_eq!(status, 201, "{invitation}");
    let guest = invitation["invitedUser"]["id"].as_str().unwrap().to_owned();
    let sponsors_path = format!("/v1.0/users/{guest}/sponsors");
    let (status, list) = call(&server, "GET", &admin, &sponsors_path, None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(sponsor_ids(&list), vec![megan.clone()]);
    assert_eq!(list["value"][0]["@odata.type"], "#microsoft.graph.user");

    // Add, add again (Graph's 400), remove, remove again (404).
    let reference = json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{inviter}")});
    let add = format!("{sponsors_path}/$ref");
    assert_eq!(
        call(&server, "POST", &admin, &add, Some(reference.clone()))
            .await
            .0,
        204
    );
    let (status, again) = call(&server, "POST", &admin, &add, Some(reference)).await;
    assert_eq!(status, 400, "{again}");
    let (_, list) = call(&server, "GET", &admin, &sponsors_path, None).await;
    assert_eq!(sponsor_ids(&list).len(), 2);
    let remove = format!("{sponsors_path}/{megan}/$ref");
    assert_eq!(call(&server, "DELETE", &admin, &remove, None).await.0, 204);
    assert_eq!(call(&server, "DELETE", &admin, &remove, None).await.0, 404);
    let (_, list) = call(&server, "GET", &admin, &sponsors_path, None).await;
    assert_eq!(sponsor_ids(&list), vec![inviter.clone()]);

    // A sponsor that is not an object of the tenant: refused, and no guest is made.
    let body = json!({"invitedUserEmailAddress": "sp2@fabrikam.com", "inviteRedirectUrl": REDIRECT, "invitedUserSponsors": [{"id": "99999999-9999-4999-8999-999999999999"}]});
    assert_eq!(invite(&server, &admin, body).await.0, 400);

    // A delegated inviter becomes the sponsor by default.
    let delegated = crate::conditional_access_api::delegated_token(
        &server,
        "inviter@contoso.com",
        "User.Invite.All%20User.Read",
    )
    .await;
    let body =
        json!({"invitedUserEmailAddress": "sp3@fabrikam.com", "inviteRedirectUrl": REDIRECT});
    let (status, invitation) = invite(&server, &delegated, body).await;
    assert_eq!(status, 201, "{invitation}");
    let guest = invitation["invitedUser"]["id"].as_str().unwrap();
    let (_, list) = call(
        &server,
        "GET",
        &admin,
        &format!("/v1.0/users/{guest}/sponsors"),
        None,
    )
    .await;
    assert_eq!(sponsor_ids(&list), vec![inviter]);
}
