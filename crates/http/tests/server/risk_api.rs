//! Identity Protection through Graph (S12's API half, `docs/decisions.md` 14): risk is set and
//! cleared in the home tenant — confirmCompromised, dismiss, a password change or reset — and a
//! resource tenant neither lists nor clears a guest's risk. Also the dev control API that
//! raises sign-in risk.

use crate::conditional_access_api::{
    audit_activities, contoso_admin, delegated_token, token_for, ADATUM_ADMIN_APP,
    FABRIKAM_ADMIN_APP, PERMISSIONS_SEED, WRITER_APP,
};
use crate::harness::call;
use crate::harness::{spawn, spawn_demo, Spawn, TestServer};
use crate::oidc_client::*;
use portico_model::conditional_access::RiskLevel;
use portico_model::{ObjectId, TenantId};
use serde_json::{json, Value};

const ADATUM: &str = "33333333-3333-4333-8333-333333333333";
const RISKY: &str = "/v1.0/identityProtection/riskyUsers";
const CONFIRM: &str = "/v1.0/identityProtection/riskyUsers/confirmCompromised";
const DISMISS: &str = "/v1.0/identityProtection/riskyUsers/dismiss";

async fn adatum_admin(server: &TestServer) -> String {
    token_for(
        server,
        "adatum.com",
        ADATUM_ADMIN_APP,
        "adatum-admin-secret",
    )
    .await
}

async fn user_id(server: &TestServer, token: &str, upn: &str) -> String {
    let (status, user) = call(server, "GET", token, &format!("/v1.0/users/{upn}"), None).await;
    assert_eq!(status, 200, "{user}");
    user["id"].as_str().unwrap().to_owned()
}

/// Contoso invites rick@adatum.com; the new guest's object id in Contoso.
async fn invite_rick(server: &TestServer, contoso: &str) -> String {
    let (status, invitation) = call(
        server,
        "POST",
        contoso,
        "/v1.0/invitations",
        Some(json!({"invitedUserEmailAddress": "rick@adatum.com", "inviteRedirectUrl": "https://myapps.example.com"})),
    )
    .await;
    assert_eq!(status, 201, "{invitation}");
    invitation["invitedUser"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn s12_the_home_tenant_owns_a_guests_risk() {
    let server = spawn_demo().await;
    let contoso = contoso_admin(&server).await;
    let adatum = adatum_admin(&server).await;
    let guest = invite_rick(&server, &contoso).await;
    let rick = user_id(&server, &adatum, "rick@adatum.com").await;

    // Adatum confirms Rick compromised: he is listed in Adatum's risky users.
    let (status, body) = call(
        &server,
        "POST",
        &adatum,
        CONFIRM,
        Some(json!({"userIds": [rick]})),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (status, list) = call(&server, "GET", &adatum, RISKY, None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#identityProtection/riskyUsers"
    );
    let listed = list["value"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{list}");
    let entry = &listed[0];
    assert_eq!(entry["id"], rick.as_str());
    assert_eq!(entry["riskLevel"], "high");
    assert_eq!(entry["riskState"], "confirmedCompromised");
    assert_eq!(entry["riskDetail"], "adminConfirmedUserCompromised");
    assert_eq!(entry["userPrincipalName"], "rick@adatum.com");
    assert_eq!(entry["isDeleted"], false);
    assert_eq!(entry["isProcessing"], false);
    assert!(entry["riskLastUpdatedDateTime"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    let mut keys: Vec<&String> = entry.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "id",
            "isDeleted",
            "isProcessing",
            "riskDetail",
            "riskLastUpdatedDateTime",
            "riskLevel",
            "riskState",
            "userDisplayName",
            "userPrincipalName"
        ]
    );
    let (status, one) = call(&server, "GET", &adatum, &format!("{RISKY}/{rick}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(one["riskState"], "confirmedCompromised");

    // Contoso sees no risky guests and cannot clear Rick's risk through his guest object.
    let (_, contoso_list) = call(&server, "GET", &contoso, RISKY, None).await;
    assert_eq!(contoso_list["value"], json!([]));
    assert_eq!(
        call(&server, "GET", &contoso, &format!("{RISKY}/{guest}"), None)
            .await
            .0,
        404
    );
    let (status, refused) = call(
        &server,
        "POST",
        &contoso,
        DISMISS,
        Some(json!({"userIds": [guest]})),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["code"], "Request_BadRequest");
    assert_eq!(
        refused["error"]["innerError"]["code"],
        "riskManagedByHomeTenant"
    );
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("home organization") && message.contains("must dismiss it"),
        "{message}"
    );
    let (status, _) = call(
        &server,
        "POST",
        &contoso,
        CONFIRM,
        Some(json!({"userIds": [guest]})),
    )
    .await;
    assert_eq!(status, 400, "nor confirm it");
    // Rick's home object id is not a Contoso user.
    let (status, missing) = call(
        &server,
        "POST",
        &contoso,
        DISMISS,
        Some(json!({"userIds": [rick]})),
    )
    .await;
    assert_eq!(status, 404, "{missing}");
    assert_eq!(missing["error"]["code"], "Request_ResourceNotFound");
    // Still at risk at home.
    let (_, one) = call(&server, "GET", &adatum, &format!("{RISKY}/{rick}"), None).await;
    assert_eq!(one["riskLevel"], "high");

    // Adatum's dismiss works.
    let (status, _) = call(
        &server,
        "POST",
        &adatum,
        DISMISS,
        Some(json!({"userIds": [rick]})),
    )
    .await;
    assert_eq!(status, 204);
    let (_, one) = call(&server, "GET", &adatum, &format!("{RISKY}/{rick}"), None).await;
    assert_eq!(one["riskLevel"], "none");
    assert_eq!(one["riskState"], "dismissed");
    assert_eq!(one["riskDetail"], "adminDismissedAllRiskForUser");
    assert_eq!(
        audit_activities(&server, ADATUM, "IdentityProtection").await,
        ["Confirm user compromised", "Dismiss user risk"]
    );
    assert!(audit_activities(&server, CONTOSO, "IdentityProtection")
        .await
        .is_empty());
}

#[tokio::test]
async fn ids_are_checked_before_anything_changes_and_tenants_stay_apart() {
    let server = spawn_demo().await;
    let adatum = adatum_admin(&server).await;
    let fabrikam = token_for(
        &server,
        "fabrikam.com",
        FABRIKAM_ADMIN_APP,
        "fabrikam-admin-secret",
    )
    .await;
    let rick = user_id(&server, &adatum, "rick@adatum.com").await;
    let user1 = user_id(&server, &adatum, "user1@adatum.com").await;

    // Fabrikam can neither see nor change Adatum's users' risk.
    assert_eq!(
        call(
            &server,
            "POST",
            &fabrikam,
            CONFIRM,
            Some(json!({"userIds": [rick]}))
        )
        .await
        .0,
        404
    );
    // One unknown id fails the whole call: nobody changes.
    let (status, _) = call(
        &server,
        "POST",
        &adatum,
        CONFIRM,
        Some(json!({"userIds": [user1, "99999999-9999-4999-8999-999999999999"]})),
    )
    .await;
    assert_eq!(status, 404);
    let (_, list) = call(&server, "GET", &adatum, RISKY, None).await;
    assert_eq!(list["value"], json!([]));
    for (body, fragment) in [
        (json!({"userIds": []}), "'userIds' is empty"),
        (
            json!({"userIds": [rick], "reason": "x"}),
            "Property 'reason' does not exist",
        ),
        (json!({}), "Property 'userIds' is required."),
    ] {
        let (status, answer) = call(&server, "POST", &adatum, DISMISS, Some(body)).await;
        assert_eq!(status, 400, "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains(fragment),
            "{answer}"
        );
    }
    call(
        &server,
        "POST",
        &adatum,
        CONFIRM,
        Some(json!({"userIds": [rick, user1]})),
    )
    .await;
    let (_, list) = call(&server, "GET", &adatum, RISKY, None).await;
    assert_eq!(list["value"].as_array().unwrap().len(), 2);
    let (_, theirs) = call(&server, "GET", &fabrikam, RISKY, None).await;
    assert_eq!(theirs["value"], json!([]));
    assert_eq!(
        call(&server, "GET", &fabrikam, &format!("{RISKY}/{rick}"), None)
            .await
            .0,
        404
    );
    // One audit record names both users.
    let records = server
        .running()
        .app
        .store_for_tests()
        .list_audit_records(TenantId::parse(ADATUM).unwrap(), 50)
        .await
        .unwrap();
    let confirm = records
        .iter()
        .find(|r| r.activity == "Confirm user compromised")
        .unwrap();
    assert_eq!(confirm.targets.len(), 2);
}

#[tokio::test]
async fn a_password_reset_or_change_at_home_remediates_risk() {
    let server = spawn_demo().await;
    let adatum = adatum_admin(&server).await;
    let contoso = contoso_admin(&server).await;
    let rick = user_id(&server, &adatum, "rick@adatum.com").await;
    call(
        &server,
        "POST",
        &adatum,
        CONFIRM,
        Some(json!({"userIds": [rick]})),
    )
    .await;

    // Administrator's reset at home.
    let path = format!("/v1.0/users/{rick}");
    let (status, weak) = call(
        &server,
        "PATCH",
        &adatum,
        &path,
        Some(json!({"passwordProfile": {"password": "short", "forceChangePasswordNextSignIn": true}})),
    )
    .await;
    assert_eq!(status, 400, "{weak}");
    assert!(weak["error"]["message"]
        .as_str()
        .unwrap()
        .contains("complexity"));
    let (status, body) = call(
        &server,
        "PATCH",
        &adatum,
        &path,
        Some(json!({"passwordProfile": {"password": "Temporary-pass-42", "forceChangePasswordNextSignIn": true}})),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, one) = call(&server, "GET", &adatum, &format!("{RISKY}/{rick}"), None).await;
    assert_eq!(one["riskLevel"], "none");
    assert_eq!(one["riskState"], "remediated");
    assert_eq!(one["riskDetail"], "adminGeneratedTemporaryPassword");
    let stored = server
        .running()
        .app
        .store_for_tests()
        .get_user(
            TenantId::parse(ADATUM).unwrap(),
            ObjectId::parse(&rick).unwrap(),
        )
        .await
        .unwrap();
    assert!(portico_app::secrets::verify_password(
        "Temporary-pass-42",
        stored.password_hash.as_deref().unwrap()
    ));
    assert!(audit_activities(&server, ADATUM, "UserManagement")
        .await
        .contains(&"Reset user password".to_owned()));

    // A guest's password is not the resource tenant's to reset.
    let guest = invite_rick(&server, &contoso).await;
    let (status, refused) = call(
        &server,
        "PATCH",
        &contoso,
        &format!("/v1.0/users/{guest}"),
        Some(json!({"passwordProfile": {"password": "Temporary-pass-42"}})),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("home organization"));

    // The user's own change, with the current password.
    let megan = user_id(&server, &contoso, "megan@contoso.com").await;
    // The token comes first: once compromised, Contoso's "Block high-risk users" stops sign-ins.
    let token = delegated_token(&server, "megan@contoso.com", "User.ReadWrite%20User.Read").await;
    call(
        &server,
        "POST",
        &contoso,
        CONFIRM,
        Some(json!({"userIds": [megan]})),
    )
    .await;
    let (status, wrong) = call(
        &server,
        "POST",
        &token,
        "/v1.0/me/changePassword",
        Some(json!({"currentPassword": "not-it", "newPassword": "Brand-new-pass-7"})),
    )
    .await;
    assert_eq!(status, 400, "{wrong}");
    assert!(wrong["error"]["message"]
        .as_str()
        .unwrap()
        .contains("currentPassword"));
    let (status, body) = call(
        &server,
        "POST",
        &token,
        "/v1.0/me/changePassword",
        Some(json!({"currentPassword": "Portico-dev-1", "newPassword": "Brand-new-pass-7"})),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, one) = call(&server, "GET", &contoso, &format!("{RISKY}/{megan}"), None).await;
    assert_eq!(one["riskState"], "remediated");
    assert_eq!(one["riskDetail"], "userPerformedSecuredPasswordChange");
    assert_eq!(one["riskLevel"], "none");
    assert!(audit_activities(&server, CONTOSO, "UserManagement")
        .await
        .contains(&"Change user password".to_owned()));
    // App-only callers have no /me.
    let (status, _) = call(
        &server,
        "POST",
        &contoso,
        "/v1.0/me/changePassword",
        Some(json!({"currentPassword": "a", "newPassword": "b"})),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn risk_permissions_follow_graph() {
    let server = spawn_demo().await;
    // A member without an administrator role, even with the scope.
    let megan = delegated_token(
        &server,
        "megan@contoso.com",
        "IdentityRiskyUser.ReadWrite.All%20User.Read",
    )
    .await;
    assert_eq!(call(&server, "GET", &megan, RISKY, None).await.0, 403);
    assert_eq!(
        call(
            &server,
            "POST",
            &megan,
            DISMISS,
            Some(json!({"userIds": ["99999999-9999-4999-8999-999999999999"]}))
        )
        .await
        .0,
        403
    );
    // An app without IdentityRiskyUser permissions.
    let seeded = spawn(Spawn {
        seed: Some(PERMISSIONS_SEED),
        ..Default::default()
    })
    .await;
    let nobody = token_for(
        &seeded,
        "t.example",
        crate::conditional_access_api::NOBODY_APP,
        "nobody-secret",
    )
    .await;
    assert_eq!(call(&seeded, "GET", &nobody, RISKY, None).await.0, 403);
    let writer = token_for(&seeded, "t.example", WRITER_APP, "writer-secret").await;
    assert_eq!(call(&seeded, "GET", &writer, RISKY, None).await.0, 200);
}

async fn raise(server: &TestServer, tenant: &str, user: &str, body: Value) -> (u16, Value) {
    let response = server
        .client
        .post(server.url(&format!(
            "/portico/v1/tenants/{tenant}/users/{user}/signInRisk"
        )))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_control_api_raises_sign_in_risk_without_listing_a_risky_user() {
    let server = spawn_demo().await;
    let contoso = contoso_admin(&server).await;
    let (status, state) = raise(
        &server,
        "contoso.com",
        "megan@contoso.com",
        json!({"level": "high"}),
    )
    .await;
    assert_eq!(status, 200, "{state}");
    let megan = user_id(&server, &contoso, "megan@contoso.com").await;
    assert_eq!(
        state,
        json!({"tenantId": CONTOSO, "userId": megan, "signInRiskLevel": "high",
               "riskLevel": "none", "riskState": "none", "riskDetail": "none"})
    );
    let stored = server
        .running()
        .app
        .store_for_tests()
        .find_risky_user(
            TenantId::parse(CONTOSO).unwrap(),
            ObjectId::parse(&megan).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.simulated_sign_in_risk, RiskLevel::High);
    let (_, list) = call(&server, "GET", &contoso, RISKY, None).await;
    assert_eq!(
        list["value"],
        json!([]),
        "sign-in risk alone is not user risk"
    );
    assert_eq!(
        call(&server, "GET", &contoso, &format!("{RISKY}/{megan}"), None)
            .await
            .0,
        404
    );

    // Confirming keeps the simulated sign-in risk; lowering it keeps the user risk.
    call(
        &server,
        "POST",
        &contoso,
        CONFIRM,
        Some(json!({"userIds": [megan]})),
    )
    .await;
    let (_, state) = raise(&server, CONTOSO, &megan, json!({"level": "low"})).await;
    assert_eq!(state["signInRiskLevel"], "low");
    assert_eq!(state["riskState"], "confirmedCompromised");

    for (tenant, user, body, expected) in [
        (
            "contoso.com",
            "megan@contoso.com",
            json!({"level": "severe"}),
            400,
        ),
        (
            "contoso.com",
            "megan@contoso.com",
            json!({"level": "high", "x": 1}),
            400,
        ),
        (
            "contoso.com",
            "nobody@contoso.com",
            json!({"level": "high"}),
            404,
        ),
        (
            "contoso.com",
            "rick@adatum.com",
            json!({"level": "high"}),
            404,
        ),
        (
            "nowhere.example",
            "megan@contoso.com",
            json!({"level": "high"}),
            404,
        ),
    ] {
        let (status, answer) = raise(&server, tenant, user, body).await;
        assert_eq!(status, expected, "{tenant} {user}: {answer}");
        assert!(answer["error"]["message"].is_string(), "{answer}");
    }

    let production = spawn(Spawn {
        demo: true,
        dev_mode: false,
        ..Default::default()
    })
    .await;
    let (status, _) = raise(
        &production,
        "contoso.com",
        "megan@contoso.com",
        json!({"level": "high"}),
    )
    .await;
    assert_eq!(status, 404, "dev mode only");
}
