//! `/v1.0/auditLogs/directoryAudits`: invitations and redemptions with their initiator and target,
//! filters on time, category, initiator and target, lookups by id.

use super::{advance_clock, alice, clock_now, get, rows, AUDITS, CONTOSO_ADMIN_APP};
use crate::harness::spawn_demo;
use crate::walk::*;
use serde_json::{json, Value};

#[tokio::test]
async fn directory_audits_show_invitations_with_initiator_and_target() {
    let server = spawn_demo().await;
    let contoso = admin(&server, "contoso").await;
    let invitation = invite(&server, &contoso, "alice@fabrikam.com").await;
    let guest = invitation["invitedUser"]["id"].as_str().unwrap().to_owned();

    let invites = rows(
        &server,
        &contoso,
        AUDITS,
        "activityDisplayName eq 'Invite external user'",
    )
    .await;
    assert_eq!(invites.len(), 1, "{invites:?}");
    let record = &invites[0];
    assert_eq!(record["category"], "UserManagement");
    assert_eq!(record["result"], "success");
    assert_eq!(record["loggedByService"], "Invited Users");
    assert_eq!(record["operationType"], "Add");
    assert_eq!(record["initiatedBy"]["user"], Value::Null);
    let app = &record["initiatedBy"]["app"];
    assert_eq!(app["displayName"], "Portico Admin");
    assert_eq!(app["appId"], CONTOSO_ADMIN_APP);
    assert!(app["servicePrincipalId"].is_string());
    let target = &record["targetResources"][0];
    assert_eq!(target["id"], guest);
    assert_eq!(target["type"], "User");
    assert_eq!(target["modifiedProperties"], json!([]));
    let by_target = rows(
        &server,
        &contoso,
        AUDITS,
        &format!("targetResources/any(t: t/id eq '{guest}')"),
    )
    .await;
    assert!(by_target.iter().any(|r| r["id"] == record["id"]));

    // The redemption is the guest's own doing.
    let midpoint = {
        advance_clock(&server, 600).await;
        clock_now(&server).await
    };
    let (walk, _) = redeem(&server, &invitation, &alice(), &[]).await;
    assert_eq!(walk.error_code(), None, "{walk:?}");
    let contoso = admin(&server, "contoso").await;
    let later = rows(
        &server,
        &contoso,
        AUDITS,
        &format!("activityDateTime ge {midpoint}"),
    )
    .await;
    assert!(later
        .iter()
        .all(|r| r["activityDisplayName"] != "Invite external user"));
    let redeemed = later
        .iter()
        .find(|r| r["activityDisplayName"] == "Redeem external user invite")
        .unwrap_or_else(|| panic!("{later:?}"));
    assert_eq!(redeemed["initiatedBy"]["user"]["id"], guest);
    assert_eq!(redeemed["initiatedBy"]["app"], Value::Null);
    let by_user = rows(
        &server,
        &contoso,
        AUDITS,
        &format!("initiatedBy/user/id eq '{guest}'"),
    )
    .await;
    assert!(by_user.iter().any(|r| r["id"] == redeemed["id"]));
    let earlier = rows(
        &server,
        &contoso,
        AUDITS,
        &format!("activityDateTime lt {midpoint} and category eq 'UserManagement'"),
    )
    .await;
    assert!(earlier.iter().any(|r| r["id"] == record["id"]));
    assert!(earlier.iter().all(|r| r["category"] == "UserManagement"));

    // By id; not from another tenant; a bad filter is a 400.
    let id = record["id"].as_str().unwrap();
    let (status, single) = get(&server, &contoso, &format!("{AUDITS}/{id}"), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(single["activityDisplayName"], "Invite external user");
    let fabrikam = admin(&server, "fabrikam").await;
    let (status, _) = get(&server, &fabrikam, &format!("{AUDITS}/{id}"), &[]).await;
    assert_eq!(status, 404);
    let (status, body) = get(
        &server,
        &contoso,
        AUDITS,
        &[("$filter", "targetResources/any(t: t/displayName eq 'x')")],
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("Request_UnsupportedQuery"))
    );
}
