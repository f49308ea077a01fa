//! The control API's fixed JSON shapes, tenant resolution, and the Graph error envelope.

use crate::harness::{spawn, spawn_demo, Spawn};
use chrono::{DateTime, TimeZone, Utc};
use portico_model::mail::OutboxMessage;
use portico_model::user::User;
use portico_model::{EmailAddress, ObjectId, TenantId, Upn};
use portico_store::Write;
use serde_json::{json, Value};

const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";

#[tokio::test]
async fn health_and_readiness_over_tls_with_request_ids() {
    let server = spawn_demo().await;
    let live = server
        .client
        .get(server.url("/healthz"))
        .header("client-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    assert_eq!(live.headers()["client-request-id"], "abc-123");
    let request_id = live.headers()["request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&request_id).is_ok());
    assert_eq!(live.json::<Value>().await.unwrap(), json!({"status": "ok"}));
    let ready = server
        .client
        .get(server.url("/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<Value>().await.unwrap(),
        json!({"status": "ready"})
    );
}

#[tokio::test]
async fn the_clock_can_be_read_set_and_advanced() {
    let server = spawn_demo().await;
    let now: Value = server
        .client
        .get(server.url("/portico/v1/clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let parsed = DateTime::parse_from_rfc3339(now["now"].as_str().unwrap()).unwrap();
    assert!(now["now"].as_str().unwrap().ends_with('Z'));
    assert!(
        (parsed.with_timezone(&Utc) - server.running().app.now())
            .num_seconds()
            .abs()
            < 5
    );

    let set = server
        .client
        .post(server.url("/portico/v1/clock"))
        .json(&json!({"now": "2026-03-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    assert_eq!(
        set.json::<Value>().await.unwrap(),
        json!({"now": "2026-03-01T00:00:00Z", "frozen": false})
    );
    let app_now = server.running().app.now();
    assert!(
        (app_now - Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap())
            .num_seconds()
            .abs()
            < 5,
        "the app's clock follows"
    );

    let advanced: Value = server
        .client
        .post(server.url("/portico/v1/clock"))
        .json(&json!({"advanceSeconds": 7_776_000}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let advanced = DateTime::parse_from_rfc3339(advanced["now"].as_str().unwrap()).unwrap();
    assert!(
        (advanced.with_timezone(&Utc) - Utc.with_ymd_and_hms(2026, 5, 30, 0, 0, 0).unwrap())
            .num_seconds()
            .abs()
            < 5
    );

    for bad in [
        json!({}),
        json!({"frozen": "yes"}),
        json!({"now": "yesterday"}),
        json!({"now": "2026-03-01T00:00:00Z", "advanceSeconds": 1}),
        json!({"advanceSeconds": "ten"}),
    ] {
        let response = server
            .client
            .post(server.url("/portico/v1/clock"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{bad}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "Request_BadRequest", "{bad}");
        assert!(body["error"]["innerError"]["request-id"].is_string());
    }
}

fn demo_user(n: u32) -> User {
    let id = ObjectId::parse(&format!("00000000-0000-4000-8000-{n:012}")).unwrap();
    let mut user = User::member(
        id,
        Upn::parse(&format!("temp{n}@contoso.com")).unwrap(),
        "Temp".into(),
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
    );
    user.mail = user.user_principal_name.as_email();
    user
}

#[tokio::test]
async fn reset_puts_the_world_back_to_its_seed() {
    let server = spawn_demo().await;
    let store = server.running().app.store_for_tests().clone();
    let contoso = TenantId::parse(CONTOSO).unwrap();
    store
        .apply(contoso, vec![Write::InsertUser(demo_user(1))])
        .await
        .unwrap();
    let megan = store
        .find_user_by_upn(contoso, &Upn::parse("megan@contoso.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    store
        .apply(contoso, vec![Write::DeleteUser(megan.id)])
        .await
        .unwrap();

    let response = server
        .client
        .post(server.url("/portico/v1/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(response.text().await.unwrap(), "");
    assert!(
        store.get_user(contoso, demo_user(1).id).await.is_err(),
        "added user is gone"
    );
    let restored = store
        .find_user_by_upn(contoso, &Upn::parse("megan@contoso.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(restored.id, megan.id, "seeded ids are stable across resets");
    assert_eq!(store.list_tenants().await.unwrap().len(), 5);
}

#[tokio::test]
async fn the_outbox_lists_messages_newest_first_filtered_by_recipient() {
    let server = spawn_demo().await;
    let store = server.running().app.store_for_tests().clone();
    let contoso = TenantId::parse(CONTOSO).unwrap();
    let message = |n: u32, to: &str, cc: &[&str], minute: u32| OutboxMessage {
        id: ObjectId::parse(&format!("00000000-0000-4000-8000-{n:012}")).unwrap(),
        tenant_id: Some(contoso),
        from: EmailAddress::parse("invites@contoso.onmicrosoft.com").unwrap(),
        to: vec![EmailAddress::parse(to).unwrap()],
        cc: cc.iter().map(|c| EmailAddress::parse(c).unwrap()).collect(),
        subject: format!("Invitation {n}"),
        text: format!("Redeem: {}redeem/{n}", server.base),
        html: format!("<a href=\"{}redeem/{n}\">Accept</a>", server.base),
        links: vec![format!("{}redeem/{n}", server.base)],
        created_at: Utc.with_ymd_and_hms(2026, 3, 1, 0, minute, 0).unwrap(),
        delivered_at: None,
        delivery_attempts: 0,
        last_error: None,
        sealed_body: None,
    };
    store
        .apply(
            contoso,
            vec![
                Write::EnqueueMail(message(1, "alice@fabrikam.com", &[], 1)),
                Write::EnqueueMail(message(2, "bob@fabrikam.com", &["alice@fabrikam.com"], 2)),
                Write::EnqueueMail(message(3, "carol@outlook.com", &[], 3)),
            ],
        )
        .await
        .unwrap();
    let body: Value = server
        .client
        .get(server.url("/portico/v1/outbox?to=Alice@Fabrikam.com"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = body["value"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["subject"], "Invitation 2");
    assert_eq!(
        items[1],
        json!({
            "id": "00000000-0000-4000-8000-000000000001",
            "from": "invites@contoso.onmicrosoft.com",
            "to": ["alice@fabrikam.com"],
            "cc": [],
            "subject": "Invitation 1",
            "text": format!("Redeem: {}redeem/1", server.base),
            "html": format!("<a href=\"{}redeem/1\">Accept</a>", server.base),
            "links": [format!("{}redeem/1", server.base)],
            "sentDateTime": "2026-03-01T00:01:00Z",
        })
    );
    let all: Value = server
        .client
        .get(server.url("/portico/v1/outbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["value"].as_array().unwrap().len(), 3);
    let bad = server
        .client
        .get(server.url("/portico/v1/outbox?to=not-an-address"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn tenants_resolve_by_id_or_any_verified_domain() {
    let server = spawn_demo().await;
    for segment in [
        CONTOSO,
        "contoso.onmicrosoft.com",
        "contoso.com",
        "CONTOSO.COM",
    ] {
        let response = server
            .client
            .get(server.url(&format!("/portico/v1/tenants/{segment}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{segment}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body,
            json!({"id": CONTOSO, "displayName": "Contoso", "initialDomain": "contoso.onmicrosoft.com", "verifiedDomains": ["contoso.onmicrosoft.com", "contoso.com"]})
        );
    }
    for unknown in [
        "example.net",
        "99999999-9999-4999-8999-999999999999",
        "not a domain",
    ] {
        let response = server
            .client
            .get(server.url(&format!("/portico/v1/tenants/{unknown}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{unknown}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
    }
}

#[tokio::test]
async fn the_control_api_is_absent_outside_dev_mode() {
    let server = spawn(Spawn {
        demo: false,
        dev_mode: false,
        ..Default::default()
    })
    .await;
    for (method, path) in [
        ("POST", "/portico/v1/reset"),
        ("GET", "/portico/v1/clock"),
        ("POST", "/portico/v1/clock"),
        ("GET", "/portico/v1/outbox"),
        // The test tooling (docs/test-tooling.md) and the managed identity endpoints.
        ("POST", "/portico/v1/tenants/contoso.com/tokens"),
        ("GET", "/portico/v1/faults"),
        ("POST", "/portico/v1/faults"),
        ("DELETE", "/portico/v1/faults"),
        ("DELETE", "/portico/v1/faults/00000000-0000-4000-8000-000000000001"),
        ("GET", "/msi/token?resource=https://graph.microsoft.com&api-version=2019-08-01"),
        (
            "GET",
            "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://graph.microsoft.com",
        ),
    ] {
        let request = server
            .client
            .request(method.parse().unwrap(), server.url(path))
            .json(&json!({"advanceSeconds": 1}));
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 404, "{method} {path}");
    }
    assert!(
        server.running().app.advance_clock(60).is_err(),
        "the clock cannot move outside dev mode"
    );
    assert_eq!(
        server
            .client
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
