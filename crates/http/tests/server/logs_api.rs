//! `/v1.0/auditLogs/signIns` and `/v1.0/auditLogs/directoryAudits` end to end: B2B rows in both
//! tenants (S10), failures with their codes and who must act (S09a, S11, S12), rows visible the
//! moment a token response is sent, filters, paging, tenant isolation and permissions.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::{redeem as redeem_code, refresh, sign_in_megan, CLI_APP, VERIFIER};
use crate::walk::*;
use reqwest::Method;
use serde_json::{json, Value};

mod directory_audits;

const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";
const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
const WOODGROVE: &str = "44444444-4444-4444-8444-444444444444";
const CONTOSO_ADMIN_APP: &str = "c0c0a001-0000-4000-8000-000000000001";
const SIGN_INS: &str = "/v1.0/auditLogs/signIns";
const BETA_SIGN_INS: &str = "/beta/auditLogs/signIns";
const AUDITS: &str = "/v1.0/auditLogs/directoryAudits";

fn alice() -> Person {
    Person {
        totp: Some("JBSWY3DPEHPK3PXP".into()),
        ..Person::new("alice@fabrikam.com")
    }
}

/// `GET path` with query options; returns (status, body).
async fn get(server: &TestServer, token: &str, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
    let response = server
        .client
        .get(server.url(path))
        .query(query)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The rows of a filtered list (one page of up to 1000).
async fn rows(server: &TestServer, token: &str, path: &str, filter: &str) -> Vec<Value> {
    let (status, body) = get(server, token, path, &[("$filter", filter)]).await;
    assert_eq!(status, 200, "{filter}: {body}");
    body["value"].as_array().unwrap().clone()
}

/// Every row of a listing, following `@odata.nextLink`; also the number of pages.
async fn all_pages(
    server: &TestServer,
    token: &str,
    path: &str,
    first: &[(&str, &str)],
) -> (Vec<Value>, usize) {
    let (status, mut body) = get(server, token, path, first).await;
    assert_eq!(status, 200, "{body}");
    let mut items = Vec::new();
    let mut pages = 1;
    loop {
        items.extend(body["value"].as_array().unwrap().iter().cloned());
        let Some(next) = body["@odata.nextLink"].as_str() else {
            return (items, pages);
        };
        assert!(next.contains("skiptoken="), "{next}");
        let response = server
            .client
            .get(next)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        body = response.json().await.unwrap();
        pages += 1;
    }
}

async fn advance_clock(server: &TestServer, seconds: i64) {
    let response = server
        .client
        .post(server.url("/portico/v1/clock"))
        .json(&json!({"advanceSeconds": seconds}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn clock_now(server: &TestServer) -> String {
    let now: Value = server
        .client
        .get(server.url("/portico/v1/clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    now["now"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn s10_a_guest_sign_in_is_logged_in_both_tenants_with_one_correlation_id() {
    let server = spawn_demo().await;
    let contoso = admin(&server, "contoso").await;
    let invitation = invite(&server, &contoso, "alice@fabrikam.com").await;
    let (walk, _) = redeem(&server, &invitation, &alice(), &[]).await;
    assert_eq!(walk.error_code(), None, "{walk:?}");

    // The seed's cross-tenant filter is beta's: v1.0 has no `crossTenantAccessType`.
    let (status, _) = get(
        &server,
        &contoso,
        SIGN_INS,
        &[("$filter", "crossTenantAccessType eq 'b2bCollaboration'")],
    )
    .await;
    assert_eq!(status, 400);
    let b2b = rows(
        &server,
        &contoso,
        BETA_SIGN_INS,
        "crossTenantAccessType eq 'b2bCollaboration'",
    )
    .await;
    let row = b2b
        .iter()
        .find(|r| r["status"]["errorCode"] == 0 && r["homeTenantId"] == FABRIKAM)
        .unwrap_or_else(|| panic!("Alice's row in {b2b:?}"));
    assert_eq!(row["resourceTenantId"], CONTOSO);
    assert_eq!(row["userType"], "guest");
    assert_eq!(row["crossTenantAccessType"], "b2bCollaboration");
    assert_eq!(row["userId"], invitation["invitedUser"]["id"]);
    assert_eq!(row["isInteractive"], true);
    assert_eq!(row["status"]["failureReason"], Value::Null);
    for null in ["location", "deviceDetail", "homeTenantName", "riskDetail"] {
        assert_eq!(row[null], Value::Null, "{null}");
    }
    assert_eq!(row["riskEventTypes_v2"], json!([]));
    // The demo's report-only policy shows as Graph shows a late enum member without `Prefer`.
    let policies = row["appliedConditionalAccessPolicies"].as_array().unwrap();
    assert!(policies
        .iter()
        .all(|p| p["enforcedSessionControls"] == json!([])));
    assert!(
        policies
            .iter()
            .all(|p| !p["result"].as_str().unwrap().starts_with("reportOnly")),
        "{policies:?}"
    );
    let id = row["id"].as_str().unwrap();
    let response = server
        .client
        .get(server.url(&format!("{SIGN_INS}/{id}")))
        .bearer_auth(&contoso)
        .header("Prefer", "include-unknown-enum-members")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let single: Value = response.json().await.unwrap();
    assert_eq!(
        single["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns/$entity"
    );
    assert_eq!(single["correlationId"], row["correlationId"]);
    // v1.0's row is v1.0's signIn: none of beta's properties, nor Portico's.
    for beta_only in [
        "userType",
        "crossTenantAccessType",
        "homeTenantName",
        "isTenantRestricted",
        "signInEventTypes",
        "responsibleParty",
        "decidedBy",
    ] {
        assert!(single.get(beta_only).is_none(), "{beta_only}: {single}");
    }
    assert_eq!(single["homeTenantId"], FABRIKAM);
    assert_eq!(single["riskEventTypes"], json!([]));
    let report_only = single["appliedConditionalAccessPolicies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["displayName"] == "Guests must use MFA")
        .expect("the report-only policy");
    assert!(
        report_only["result"]
            .as_str()
            .unwrap()
            .starts_with("reportOnly"),
        "{report_only}"
    );

    // Without a Conditional Access read permission, the applied policies are left out.
    let auditor = portico_app::directory::Caller::operator(
        portico_model::TenantId::parse(CONTOSO).unwrap(),
        "Auditor",
        &["AuditLog.Read.All"],
    );
    let view = server
        .running()
        .app
        .graph_get_sign_in(&auditor, id)
        .await
        .unwrap();
    assert!(view.record.applied_conditional_access_policies.is_empty());
    assert!(!policies.is_empty());

    // Fabrikam's own log has the outbound row, with the same correlation id.
    let fabrikam = admin(&server, "fabrikam").await;
    let correlation = row["correlationId"].as_str().unwrap();
    let home = rows(
        &server,
        &fabrikam,
        BETA_SIGN_INS,
        &format!("correlationId eq '{correlation}'"),
    )
    .await;
    assert_eq!(home.len(), 1, "{home:?}");
    assert_eq!(home[0]["homeTenantId"], FABRIKAM);
    assert_eq!(home[0]["crossTenantAccessType"], "b2bCollaboration");
    // Contoso's app registration and its Conditional Access policies are Contoso's own.
    assert_eq!(home[0]["appId"], row["appId"]);
    assert_eq!(home[0]["appDisplayName"], Value::Null);
    assert_eq!(home[0]["appliedConditionalAccessPolicies"], json!([]));
    assert_eq!(home[0]["conditionalAccessStatus"], "notApplied");
    assert_eq!(home[0]["resourceTenantId"], CONTOSO);
    assert_eq!(home[0]["userPrincipalName"], "alice@fabrikam.com");
    assert_ne!(home[0]["id"], row["id"]);
    // Each tenant reads only its own row: Contoso's id is not found with Fabrikam's token.
    let (status, body) = get(&server, &fabrikam, &format!("{SIGN_INS}/{id}"), &[]).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
    let (status, _) = get(&server, &fabrikam, &format!("{SIGN_INS}/not-a-guid"), &[]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn failures_carry_their_code_and_who_must_act() {
    let server = spawn_demo().await;
    let contoso = admin(&server, "contoso").await;

    // S09a: Woodgrove's outbound settings block Eve.
    let invitation = invite(&server, &contoso, "eve@woodgrovebank.com").await;
    let (walk, _) = redeem(
        &server,
        &invitation,
        &Person::new("eve@woodgrovebank.com"),
        &[],
    )
    .await;
    assert_eq!(walk.error_code(), Some(500212), "{walk:?}");
    let blocked = rows(&server, &contoso, SIGN_INS, "status/errorCode eq 500212").await;
    assert_eq!(blocked.len(), 1, "{blocked:?}");
    let row = &blocked[0];
    let details = row["status"]["additionalDetails"].as_str().unwrap();
    assert!(
        details.starts_with("Who must act: home (Woodgrove Bank). Decided by: Woodgrove Bank › cross-tenant access › partner Contoso"),
        "{details}"
    );
    // Portico's diagnosis is an instance annotation, not a property.
    assert!(row.get("responsibleParty").is_none());
    let diagnosis = &row["@portico.diagnosis"];
    assert_eq!(diagnosis["responsibleParty"], "home");
    assert_eq!(diagnosis["responsibleTenantId"], WOODGROVE);
    assert!(diagnosis["decidedBy"]
        .as_str()
        .unwrap()
        .contains("B2B collaboration outbound"));
    assert!(row["status"]["failureReason"].is_string());
    assert_eq!(row["homeTenantId"], WOODGROVE);
    let woodgrove = admin(&server, "woodgrove").await;
    let correlation = row["correlationId"].as_str().unwrap();
    let theirs = rows(
        &server,
        &woodgrove,
        SIGN_INS,
        &format!("correlationId eq '{correlation}' and status/errorCode eq 500212"),
    )
    .await;
    assert_eq!(theirs.len(), 1);
    // Failures and successes split by `ne`, without any advanced-query header.
    let failed = rows(&server, &contoso, SIGN_INS, "status/errorCode ne 0").await;
    assert!(failed.iter().all(|r| r["status"]["errorCode"] != 0));
    assert!(failed.iter().any(|r| r["id"] == row["id"]));
    // (Contoso's successes so far are its admin app's: beta's service principal sign-ins.)
    let succeeded = rows(
        &server,
        &contoso,
        BETA_SIGN_INS,
        "status/errorCode eq 0 and signInEventTypes/any(t: t eq 'servicePrincipal')",
    )
    .await;
    assert!(!succeeded.is_empty() && succeeded.iter().all(|r| r["status"]["errorCode"] == 0));

    // S11: tenant restrictions are logged in the restricting tenant (Fabrikam) only.
    let restricted = browser_with(
        &server,
        &[
            ("Restrict-Access-To-Tenants", "fabrikam.com"),
            ("Restrict-Access-Context", FABRIKAM),
            ("User-Agent", "PorticoTest/1.0"),
        ],
    );
    let walk = sign_in(
        &server,
        &restricted,
        CLI_APP,
        &Person::new("megan@contoso.com"),
    )
    .await;
    assert_eq!(walk.error_code(), Some(500021), "{walk:?}");
    let fabrikam = admin(&server, "fabrikam").await;
    let network = rows(
        &server,
        &fabrikam,
        BETA_SIGN_INS,
        "status/errorCode eq 500021",
    )
    .await;
    assert_eq!(network.len(), 1, "{network:?}");
    assert_eq!(network[0]["isTenantRestricted"], true);
    assert_eq!(network[0]["userAgent"], "PorticoTest/1.0");
    assert_eq!(
        network[0]["@portico.diagnosis"]["responsibleParty"],
        "network"
    );
    assert!(network[0]["status"]["additionalDetails"]
        .as_str()
        .unwrap()
        .starts_with("Who must act: network"));
    assert!(
        rows(&server, &contoso, SIGN_INS, "status/errorCode eq 500021")
            .await
            .is_empty()
    );

    // S12: Adatum confirms Rick compromised; his sign-in to Contoso is refused and logged there.
    let adatum = admin(&server, "adatum").await;
    let rick = Person::new("rick@adatum.com");
    let invitation = invite(&server, &contoso, "rick@adatum.com").await;
    let (walk, _) = redeem(&server, &invitation, &rick, &[]).await;
    assert_eq!(walk.error_code(), None, "{walk:?}");
    let (_, home_rick) = graph(
        &server,
        &adatum,
        Method::GET,
        "/v1.0/users/rick@adatum.com",
        None,
    )
    .await;
    let (status, _) = graph(
        &server,
        &adatum,
        Method::POST,
        "/v1.0/identityProtection/riskyUsers/confirmCompromised",
        Some(json!({"userIds": [home_rick["id"]]})),
    )
    .await;
    assert_eq!(status, 204);
    let walk = sign_in(&server, &browser_with(&server, &[]), CLI_APP, &rick).await;
    assert_eq!(walk.error_code(), Some(530032), "{walk:?}");
    let risky = rows(&server, &contoso, SIGN_INS, "status/errorCode eq 530032").await;
    assert_eq!(risky.len(), 1, "{risky:?}");
    assert_eq!(risky[0]["userId"], invitation["invitedUser"]["id"]);
    assert_eq!(risky[0]["@portico.diagnosis"]["responsibleParty"], "home");
    // Rick's user risk is the aggregated risk; the sign-in itself was not risky.
    assert_eq!(risky[0]["riskLevelAggregated"], "high");
    assert_eq!(risky[0]["riskLevelDuringSignIn"], "none");
    assert_eq!(risky[0]["riskState"], "atRisk");
    assert!(risky[0]["status"]["additionalDetails"]
        .as_str()
        .unwrap()
        .starts_with("Who must act: home (Adatum)."));
}

#[tokio::test]
async fn a_row_is_listed_as_soon_as_its_token_response_is_sent() {
    let server = spawn_demo().await;
    let contoso = admin(&server, "contoso").await;
    let client = crate::oidc_client::browser(&server);
    let params = sign_in_megan(&server, &client).await;
    let tokens: Value = redeem_code(&server, &params["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let megan = "userPrincipalName eq 'megan@contoso.com' \
        and signInEventTypes/any(t: t eq 'nonInteractiveUser')";
    let before = rows(&server, &contoso, BETA_SIGN_INS, megan).await.len();
    let mut refresh_token = tokens["refresh_token"].as_str().unwrap().to_owned();
    for round in 1..=3 {
        let refreshed = refresh(&server, &refresh_token).await;
        assert_eq!(refreshed.status(), 200);
        let body: Value = refreshed.json().await.unwrap();
        // No sleep, no retry: the row was committed before the response was sent.
        let after = rows(&server, &contoso, BETA_SIGN_INS, megan).await;
        assert_eq!(after.len(), before + round);
        assert_eq!(after[0]["appId"], CLI_APP);
        assert_eq!(after[0]["status"]["errorCode"], 0);
        assert_eq!(after[0]["isInteractive"], false);
        // Refresh tokens rotate: the next round uses the new one.
        refresh_token = body["refresh_token"].as_str().unwrap().to_owned();
    }
    // v1.0 lists Megan's interactive sign-in only.
    let v1 = rows(
        &server,
        &contoso,
        SIGN_INS,
        "userPrincipalName eq 'megan@contoso.com'",
    )
    .await;
    assert!(!v1.is_empty() && v1.iter().all(|r| r["isInteractive"] == true));
}

#[tokio::test]
async fn filters_time_ranges_paging_isolation_and_permissions() {
    // Service principal sign-ins are beta's (as in Entra, v1.0 lists interactive ones only).
    const SIGN_INS: &str = BETA_SIGN_INS;
    let server = spawn_demo().await;
    // Seven app sign-ins by Contoso's admin app, the clock ten minutes further for the last four.
    let mut contoso = String::new();
    for _ in 0..3 {
        contoso = admin(&server, "contoso").await;
    }
    advance_clock(&server, 600).await;
    let midpoint = clock_now(&server).await;
    for _ in 0..4 {
        contoso = admin(&server, "contoso").await;
    }
    let app = format!(
        "signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq '{CONTOSO_ADMIN_APP}'"
    );
    let all = rows(&server, &contoso, SIGN_INS, &app).await;
    assert_eq!(all.len(), 7, "{all:?}");
    assert!(all.iter().all(|r| r["isInteractive"] == false
        && r["userId"] == ""
        && r["signInEventTypes"] == json!(["servicePrincipal"])
        && r["servicePrincipalName"] == r["appDisplayName"]
        && r["servicePrincipalId"]
            .as_str()
            .is_some_and(|id| id.len() == 36)));
    // Without a filter on the event type, beta lists interactive sign-ins only; so does v1.0.
    let app_only = format!("appId eq '{CONTOSO_ADMIN_APP}'");
    assert!(rows(&server, &contoso, SIGN_INS, &app_only)
        .await
        .is_empty());
    assert!(
        rows(&server, &contoso, "/v1.0/auditLogs/signIns", &app_only)
            .await
            .is_empty()
    );
    let times: Vec<&str> = all
        .iter()
        .map(|r| r["createdDateTime"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    let later = rows(
        &server,
        &contoso,
        SIGN_INS,
        &format!("{app} and createdDateTime ge {midpoint}"),
    )
    .await;
    let earlier = rows(
        &server,
        &contoso,
        SIGN_INS,
        &format!("{app} and createdDateTime lt {midpoint}"),
    )
    .await;
    assert_eq!((later.len(), earlier.len()), (4, 3));
    let newest = all[0]["createdDateTime"].as_str().unwrap();
    let exactly = rows(
        &server,
        &contoso,
        SIGN_INS,
        &format!(
            "signInEventTypes/any(t: t eq 'servicePrincipal') and createdDateTime eq {newest}"
        ),
    )
    .await;
    assert!(exactly.iter().any(|r| r["id"] == all[0]["id"]));

    // Oldest first on request, also across pages.
    let (oldest, _) = all_pages(
        &server,
        &contoso,
        SIGN_INS,
        &[
            ("$filter", &app),
            ("$orderby", "createdDateTime asc"),
            ("$top", "2"),
        ],
    )
    .await;
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(oldest, reversed);
    let (status, _) = get(&server, &contoso, SIGN_INS, &[("$orderby", "userId")]).await;
    assert_eq!(status, 400);

    // Paging: $top 3 over 7 rows is three pages, each row once, in the same order.
    let (paged, pages) = all_pages(
        &server,
        &contoso,
        SIGN_INS,
        &[("$filter", &app), ("$top", "3")],
    )
    .await;
    assert_eq!(pages, 3);
    let ids = |list: &[Value]| list.iter().map(|r| r["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&paged), ids(&all));
    let (status, first) = get(
        &server,
        &contoso,
        SIGN_INS,
        &[("$filter", &app), ("$top", "3")],
    )
    .await;
    assert_eq!(status, 200);
    let next = first["@odata.nextLink"].as_str().unwrap();
    let tampered = next.replace("top=3", "top=4");
    assert_ne!(tampered, next);
    let response = server
        .client
        .get(&tampered)
        .bearer_auth(&contoso)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        400,
        "a token continues only its own query"
    );
    let (status, _) = get(&server, &contoso, SIGN_INS, &[("$top", "1001")]).await;
    assert_eq!(status, 400);

    // A user's rows by UPN, exact or by prefix, and by app.
    let client = crate::oidc_client::browser(&server);
    sign_in_megan(&server, &client).await;
    let megan = rows(
        &server,
        &contoso,
        SIGN_INS,
        "userPrincipalName eq 'MEGAN@contoso.com'",
    )
    .await;
    assert!(!megan.is_empty());
    assert!(megan
        .iter()
        .all(|r| r["userPrincipalName"] == "megan@contoso.com"));
    let prefixed = rows(
        &server,
        &contoso,
        SIGN_INS,
        "startswith(userPrincipalName,'megan@')",
    )
    .await;
    assert_eq!(ids(&prefixed), ids(&megan));
    let cli = rows(
        &server,
        &contoso,
        SIGN_INS,
        &format!("appId eq '{CLI_APP}' and userType eq 'member'"),
    )
    .await;
    assert_eq!(ids(&cli), ids(&megan));
    assert_eq!(megan[0]["userType"], "member");
    assert_eq!(megan[0]["crossTenantAccessType"], "none");

    // Unsupported or malformed filters are Graph-shaped 400s.
    for (filter, code) in [
        ("location/city eq 'Redmond'", "Request_UnsupportedQuery"),
        (
            "endswith(userPrincipalName,'.com')",
            "Request_UnsupportedQuery",
        ),
        ("ipAddress eq '127.0.0.1'", "Request_UnsupportedQuery"),
        ("status/errorCode eq 'x'", "Request_BadRequest"),
        ("nosuchProperty eq 1", "Request_BadRequest"),
    ] {
        let (status, body) = get(&server, &contoso, SIGN_INS, &[("$filter", filter)]).await;
        assert_eq!(status, 400, "{filter}: {body}");
        assert_eq!(body["error"]["code"], code, "{filter}: {body}");
    }

    // Another tenant sees none of Contoso's rows.
    let fabrikam = admin(&server, "fabrikam").await;
    assert!(rows(&server, &fabrikam, SIGN_INS, &app).await.is_empty());
    let (_, everything) = get(
        &server,
        &fabrikam,
        SIGN_INS,
        &[(
            "$filter",
            "signInEventTypes/any(t: t eq 'servicePrincipal')",
        )],
    )
    .await;
    let theirs = everything["value"].as_array().unwrap();
    assert!(!theirs.is_empty());
    assert!(theirs
        .iter()
        .all(|r| r["resourceTenantId"] == FABRIKAM || r["homeTenantId"] == FABRIKAM));
    let (status, _) = get(
        &server,
        &fabrikam,
        &format!("{SIGN_INS}/{}", all[0]["id"].as_str().unwrap()),
        &[],
    )
    .await;
    assert_eq!(status, 404);

    // A user token without AuditLog.Read.All and a reports role is refused.
    let params = sign_in_megan(&server, &crate::oidc_client::browser(&server)).await;
    let tokens: Value = redeem_code(&server, &params["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let user_token = tokens["access_token"].as_str().unwrap();
    for path in [SIGN_INS, "/v1.0/auditLogs/signIns", AUDITS] {
        let (status, body) = get(&server, user_token, path, &[]).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
    }
}

#[tokio::test]
async fn a_guests_mfa_in_the_resource_tenant_is_logged_as_a_cross_tenant_sign_in() {
    let server = spawn_demo().await;
    let contoso = admin(&server, "contoso").await;
    // Contoso enforces its "Guests must use MFA" policy; it does not trust Fabrikam's MFA.
    let (_, policies) = graph(
        &server,
        &contoso,
        Method::GET,
        "/v1.0/identity/conditionalAccess/policies",
        None,
    )
    .await;
    let id = policies["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["displayName"] == "Guests must use MFA")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1.0/identity/conditionalAccess/policies/{id}");
    let (status, _) = graph(
        &server,
        &contoso,
        Method::PATCH,
        &path,
        Some(json!({"state": "enabled"})),
    )
    .await;
    assert_eq!(status, 204);
    let invitation = invite(&server, &contoso, "alice@fabrikam.com").await;
    let (walk, _) = redeem(&server, &invitation, &alice(), &[]).await;
    assert_eq!(walk.error_code(), None, "{walk:?}");
    assert!(walk.pages.contains(&"registerMfa"), "{walk:?}");
    // Next time Alice answers with her home authenticator's code: wrong for Contoso's.
    sign_in(&server, &browser_with(&server, &[]), CLI_APP, &alice()).await;

    let guest = format!(
        "userId eq '{}'",
        invitation["invitedUser"]["id"].as_str().unwrap()
    );
    let rows = rows(&server, &contoso, BETA_SIGN_INS, &guest).await;
    let codes: Vec<i64> = rows
        .iter()
        .map(|r| r["status"]["errorCode"].as_i64().unwrap())
        .collect();
    for code in [50079, 50074, 500121] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    for row in rows.iter().filter(|r| r["status"]["errorCode"] != 0) {
        assert_eq!(row["homeTenantId"], FABRIKAM, "{row}");
        assert_eq!(row["resourceTenantId"], CONTOSO, "{row}");
        assert_eq!(row["crossTenantAccessType"], "b2bCollaboration", "{row}");
        assert_eq!(row["userType"], "guest", "{row}");
    }
}
