//! S29: the monthly-active-users report counted from real sign-ins through the pages, the tenant
//! group and history reports, who may read them, and log retention by the dev clock.

use crate::harness::{spawn, spawn_demo, Spawn, TestServer};
use crate::oidc_client::{app_token, CLI_APP};
use crate::walk::*;
use portico_model::TenantId;
use serde_json::{json, Value};

const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";
const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
const ADATUM: &str = "33333333-3333-4333-8333-333333333333";

fn alice() -> Person {
    Person {
        totp: Some("JBSWY3DPEHPK3PXP".into()),
        ..Person::new("alice@fabrikam.com")
    }
}

async fn move_clock(server: &TestServer, change: Value) {
    let response = server
        .client
        .post(server.url("/portico/v1/clock"))
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{change}");
}

/// GET `path`, with a bearer token when given; (status, body).
async fn get(server: &TestServer, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = server.client.get(server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// `tenant`'s admin invites `person`, who redeems (a sign-in in `tenant`).
async fn invited_and_redeemed(server: &TestServer, tenant: &str, person: &Person) {
    let token = admin(server, tenant).await;
    let invitation = invite(server, &token, &person.login).await;
    let (walk, _) = redeem(server, &invitation, person, &[]).await;
    assert!(
        walk.location().starts_with("https://myapps.example.com"),
        "{} into {tenant}: {walk:?}",
        person.login
    );
}

#[tokio::test]
async fn s29_three_guests_in_march_one_in_april() {
    let server = spawn_demo().await;
    move_clock(&server, json!({"now": "2027-03-10T00:00:00Z"})).await;

    // March: Alice, Bob and Rick redeem into Contoso; Alice signs in once more.
    invited_and_redeemed(&server, "contoso", &alice()).await;
    invited_and_redeemed(&server, "contoso", &Person::new("bob@fabrikam.com")).await;
    invited_and_redeemed(&server, "contoso", &Person::new("rick@adatum.com")).await;
    let again = sign_in(&server, &browser_with(&server, &[]), CLI_APP, &alice()).await;
    assert!(
        again.location().starts_with("http://localhost:53123"),
        "{again:?}"
    );
    // A member's sign-in and a guest refused by her home tenant do not count.
    let megan = sign_in(
        &server,
        &browser_with(&server, &[]),
        CLI_APP,
        &Person::new("megan@contoso.com"),
    )
    .await;
    assert!(
        megan.location().starts_with("http://localhost:53123"),
        "{megan:?}"
    );
    let token = admin(&server, "contoso").await;
    let eve = invite(&server, &token, "eve@woodgrovebank.com").await;
    let (refused, _) = redeem(&server, &eve, &Person::new("eve@woodgrovebank.com"), &[]).await;
    assert_eq!(refused.error_code(), Some(500212), "{refused:?}");
    // Alice is also a guest of Adatum, which counts her for itself.
    invited_and_redeemed(&server, "adatum", &alice()).await;

    let (status, march) = get(
        &server,
        "/portico/v1/tenants/contoso.com/reports/mau?month=2027-03",
        None,
    )
    .await;
    assert_eq!(status, 200, "{march}");
    assert_eq!(
        march,
        json!({"tenantId": CONTOSO, "month": "2027-03", "monthlyActiveUsers": 3, "freeTier": 50000, "billable": 0})
    );

    // April: one more guest.
    move_clock(&server, json!({"now": "2027-04-02T00:00:00Z"})).await;
    invited_and_redeemed(&server, "contoso", &Person::new("test1@adatum.com")).await;
    let (_, april) = get(
        &server,
        &format!("/portico/v1/tenants/{CONTOSO}/reports/mau?month=2027-04"),
        None,
    )
    .await;
    assert_eq!(april["monthlyActiveUsers"], 1, "{april}");
    assert_eq!(april["billable"], 0);
    let (_, this_month) = get(&server, "/portico/v1/tenants/contoso.com/reports/mau", None).await;
    assert_eq!(
        this_month["month"], "2027-04",
        "the month defaults to the clock's"
    );

    // The subscription's tenants add up; Fabrikam's rows of its members' guest sign-ins do not count.
    let (status, group) = get(
        &server,
        "/portico/v1/reports/mau?tenants=contoso.com,adatum.com,fabrikam.com&month=2027-03",
        None,
    )
    .await;
    assert_eq!(status, 200, "{group}");
    assert_eq!(
        group,
        json!({
            "month": "2027-03",
            "tenants": [
                {"tenantId": CONTOSO, "monthlyActiveUsers": 3},
                {"tenantId": ADATUM, "monthlyActiveUsers": 1},
                {"tenantId": FABRIKAM, "monthlyActiveUsers": 0},
            ],
            "monthlyActiveUsers": 4,
            "freeTier": 50000,
            "billable": 0,
        })
    );

    let (status, history) = get(
        &server,
        "/portico/v1/tenants/contoso.com/reports/mau/history?from=2027-02&to=2027-04",
        None,
    )
    .await;
    assert_eq!(status, 200, "{history}");
    assert_eq!(
        history,
        json!({"tenantId": CONTOSO, "months": [
            {"month": "2027-02", "monthlyActiveUsers": 0, "billable": 0},
            {"month": "2027-03", "monthlyActiveUsers": 3, "billable": 0},
            {"month": "2027-04", "monthlyActiveUsers": 1, "billable": 0},
        ]})
    );

    // Retention: 23 days on, Contoso keeps 30 days (from March 27); March's rows go, April's stay.
    move_clock(&server, json!({"advanceSeconds": 23 * 24 * 3600})).await;
    let app = &server.running().app;
    let purged = app.purge_logs().await.unwrap();
    assert!(
        purged.sign_ins > 0 && purged.audit_records > 0,
        "{purged:?}"
    );
    let contoso = TenantId::parse(CONTOSO).unwrap();
    let kept_from = app.now() - chrono::Duration::days(30);
    let sign_ins = app
        .store_for_tests()
        .list_sign_ins(contoso, 500)
        .await
        .unwrap();
    assert!(!sign_ins.is_empty(), "April's sign-ins stay");
    assert!(sign_ins.iter().all(|row| row.created_at >= kept_from));
    let audits = app
        .store_for_tests()
        .list_audit_records(contoso, 500)
        .await
        .unwrap();
    assert!(!audits.is_empty(), "April's invitation stays");
    assert!(audits.iter().all(|row| row.activity_at >= kept_from));
    let (_, march) = get(
        &server,
        "/portico/v1/tenants/contoso.com/reports/mau?month=2027-03",
        None,
    )
    .await;
    assert_eq!(
        march["monthlyActiveUsers"], 3,
        "billing survives the log's retention"
    );
}

#[tokio::test]
async fn bad_months_and_unknown_tenants_are_refused_clearly() {
    let server = spawn_demo().await;
    for (path, says) in [
        (
            "/portico/v1/tenants/contoso.com/reports/mau?month=2027-13",
            "out of range",
        ),
        (
            "/portico/v1/tenants/contoso.com/reports/mau?month=March",
            "use YYYY-MM",
        ),
        (
            "/portico/v1/tenants/contoso.com/reports/mau?month=2027-3",
            "use YYYY-MM",
        ),
        (
            "/portico/v1/tenants/contoso.com/reports/mau/history?from=2027-05&to=2027-03",
            "starts after it ends",
        ),
        (
            "/portico/v1/tenants/contoso.com/reports/mau/history?from=2024-01&to=2027-01",
            "at most 36 months",
        ),
        (
            "/portico/v1/tenants/contoso.com/reports/mau/history?to=27-01",
            "use YYYY-MM",
        ),
        ("/portico/v1/reports/mau?month=2027-03", "List the tenants"),
        (
            "/portico/v1/reports/mau?tenants=contoso.com&month=2027",
            "use YYYY-MM",
        ),
    ] {
        let (status, body) = get(&server, path, None).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"]["code"], "Request_BadRequest");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{path}: {message}");
    }
    const UNKNOWN_ID: &str = "99999999-9999-4999-8999-999999999999";
    for (path, unknown) in [
        (
            "/portico/v1/tenants/nowhere.example/reports/mau?month=2027-03".to_owned(),
            "nowhere.example",
        ),
        (
            format!("/portico/v1/tenants/{UNKNOWN_ID}/reports/mau/history"),
            UNKNOWN_ID,
        ),
        (
            "/portico/v1/reports/mau?tenants=contoso.com,nowhere.example&month=2027-03".to_owned(),
            "nowhere.example",
        ),
    ] {
        let (status, body) = get(&server, &path, None).await;
        assert_eq!(status, 404, "{path}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(unknown), "{path}: {message}");
    }
    let (status, history) = get(
        &server,
        "/portico/v1/tenants/contoso.com/reports/mau/history",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        history["months"].as_array().unwrap().len(),
        12,
        "a year by default"
    );
}

#[tokio::test]
async fn outside_dev_mode_a_report_needs_a_token_of_its_tenant_that_may_read_audit_logs() {
    let server = spawn(Spawn {
        dev_mode: false,
        ..Spawn::default()
    })
    .await;
    let path = "/portico/v1/tenants/contoso.com/reports/mau?month=2027-03";
    let (status, body) = get(&server, path, None).await;
    assert_eq!(status, 401, "{body}");

    let contoso_admin = admin(&server, "contoso").await;
    let (status, body) = get(&server, path, Some(&contoso_admin)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["monthlyActiveUsers"], 0);
    assert_eq!(body["freeTier"], 50000);
    let (status, _) = get(
        &server,
        "/portico/v1/tenants/contoso.com/reports/mau/history?from=2027-01&to=2027-03",
        Some(&contoso_admin),
    )
    .await;
    assert_eq!(status, 200);

    let fabrikam_admin = admin(&server, "fabrikam").await;
    let (status, body) = get(&server, path, Some(&fabrikam_admin)).await;
    assert_eq!(status, 403, "another tenant's token: {body}");
    let web = app_token(
        &server,
        "contoso.com",
        "c0c0a002-0000-4000-8000-000000000002",
        "contoso-web-secret",
    )
    .await;
    let (status, body) = get(&server, path, web["access_token"].as_str()).await;
    assert_eq!(status, 403, "an app without AuditLog.Read.All: {body}");
    let (status, _) = get(&server, path, Some("not-a-token")).await;
    assert_eq!(status, 401);

    // One request carries one tenant's token: the group report is a dev-mode convenience.
    let (status, _) = get(
        &server,
        "/portico/v1/reports/mau?tenants=contoso.com&month=2027-03",
        Some(&contoso_admin),
    )
    .await;
    assert_eq!(status, 404);
}
