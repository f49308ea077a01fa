//! Conditional Access through Graph: policies, named locations and terms of use — shapes,
//! validation, permissions, audit and tenant isolation — and the seed keys behind them.

use crate::harness::{call, spawn, spawn_demo, Spawn, TestServer};
use crate::oidc_client::*;
use portico_model::TenantId;
use serde_json::{json, Value};

pub const FABRIKAM_ADMIN_APP: &str = "fabca001-0000-4000-8000-000000000001";
pub const ADATUM_ADMIN_APP: &str = "ada7a001-0000-4000-8000-000000000001";
const POLICIES: &str = "/v1.0/identity/conditionalAccess/policies";
const LOCATIONS: &str = "/v1.0/identity/conditionalAccess/namedLocations";
const AGREEMENTS: &str = "/v1.0/identityGovernance/termsOfUse/agreements";

pub async fn token_for(server: &TestServer, tenant: &str, app: &str, secret: &str) -> String {
    let answer = app_token(server, tenant, app, secret).await;
    answer["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {answer}"))
        .to_owned()
}

pub async fn contoso_admin(server: &TestServer) -> String {
    token_for(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await
}

/// A delegated token for a Contoso user through the sign-in pages, with the given scopes.
pub async fn delegated_token(server: &TestServer, login: &str, scopes: &str) -> String {
    let browser = browser(server);
    let hint: String = url::form_urlencoded::byte_serialize(login.as_bytes()).collect();
    let url = authorize_url(server, &format!("&login_hint={hint}")).replace("User.Read", scopes);
    let page = browser.get(url).send().await.unwrap().text().await.unwrap();
    let done = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
    let tokens: Value = redeem(server, &redirect_params(&done)["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    tokens["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {tokens}"))
        .to_owned()
}

/// The activities of a tenant's audit records in category `category`, oldest first.
pub async fn audit_activities(server: &TestServer, tenant: &str, category: &str) -> Vec<String> {
    let mut records = server
        .running()
        .app
        .store_for_tests()
        .list_audit_records(TenantId::parse(tenant).unwrap(), 500)
        .await
        .unwrap();
    records.sort_by_key(|r| r.activity_at);
    records
        .into_iter()
        .filter(|r| r.category == category)
        .map(|r| r.activity)
        .collect()
}

fn assert_bad_request(status: u16, body: &Value, fragment: &str) {
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "Request_BadRequest", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(fragment), "'{fragment}' not in: {message}");
}

fn guest_mfa_policy(location: &str) -> Value {
    json!({
        "displayName": "Partner guests need MFA outside the office",
        "description": "Guests from Fabrikam prove MFA away from the office.",
        "state": "enabledForReportingButNotEnforced",
        "conditions": {
            "users": {
                "includeGuestsOrExternalUsers": {
                    "guestOrExternalUserTypes": "b2bCollaborationGuest,b2bCollaborationMember",
                    "externalTenants": {
                        "@odata.type": "#microsoft.graph.conditionalAccessEnumeratedExternalTenants",
                        "membershipKind": "enumerated",
                        "members": ["22222222-2222-4222-8222-222222222222"]
                    }
                },
                "excludeUsers": ["GuestsOrExternalUsers"]
            },
            "applications": {"includeApplications": ["All"]},
            "clientAppTypes": ["browser", "mobileAppsAndDesktopClients"],
            "locations": {"includeLocations": ["All"], "excludeLocations": [location]},
            "platforms": {"includePlatforms": ["all"], "excludePlatforms": ["ios"]},
            "signInRiskLevels": ["high", "medium"]
        },
        "grantControls": {"operator": "OR", "builtInControls": ["mfa", "compliantDevice"]}
    })
}

async fn create_office(server: &TestServer, token: &str) -> String {
    let (status, office) = call(
        server,
        "POST",
        token,
        LOCATIONS,
        Some(json!({
            "@odata.type": "#microsoft.graph.ipNamedLocation",
            "displayName": "Contoso office",
            "isTrusted": true,
            "ipRanges": [
                {"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": "203.0.113.0/24"},
                {"@odata.type": "#microsoft.graph.iPv6CidrRange", "cidrAddress": "2001:db8::/32"}
            ]
        })),
    )
    .await;
    assert_eq!(status, 201, "{office}");
    office["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn seeded_policies_are_served_in_graph_shape() {
    let server = spawn_demo().await;
    let token = contoso_admin(&server).await;
    let (status, list) = call(&server, "GET", &token, POLICIES, None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies"
    );
    let policies = list["value"].as_array().unwrap();
    assert_eq!(policies.len(), 2);
    let block = policies
        .iter()
        .find(|p| p["displayName"] == "Block high-risk users")
        .unwrap();
    assert_eq!(block["state"], "enabled");
    assert_eq!(block["conditions"]["userRiskLevels"], json!(["high"]));
    assert_eq!(block["conditions"]["users"]["includeUsers"], json!(["All"]));
    assert_eq!(
        block["conditions"]["users"]["includeGuestsOrExternalUsers"],
        Value::Null
    );
    assert_eq!(
        block["conditions"]["applications"]["includeApplications"],
        json!(["All"])
    );
    assert_eq!(block["conditions"]["locations"], Value::Null);
    assert_eq!(block["conditions"]["platforms"], Value::Null);
    assert_eq!(
        block["grantControls"],
        json!({"operator": "OR", "builtInControls": ["block"], "customAuthenticationFactors": [], "termsOfUse": []})
    );
    assert_eq!(block["sessionControls"], Value::Null);
    assert_eq!(block["modifiedDateTime"], Value::Null);
    let guests = policies
        .iter()
        .find(|p| p["displayName"] == "Guests must use MFA")
        .unwrap();
    assert_eq!(guests["state"], "enabledForReportingButNotEnforced");
    assert_eq!(
        guests["conditions"]["users"]["includeUsers"],
        json!(["GuestsOrExternalUsers"])
    );
    let id = block["id"].as_str().unwrap();
    let (status, one) = call(&server, "GET", &token, &format!("{POLICIES}/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(
        one["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies/$entity"
    );
    assert_eq!(one["displayName"], "Block high-risk users");
    assert_eq!(
        call(
            &server,
            "GET",
            &token,
            &format!("{POLICIES}/not-an-id"),
            None
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn policies_are_created_read_updated_and_deleted_with_one_audit_record_each() {
    let server = spawn_demo().await;
    let token = contoso_admin(&server).await;
    let office = create_office(&server, &token).await;
    let (status, created) = call(
        &server,
        "POST",
        &token,
        POLICIES,
        Some(guest_mfa_policy(&office)),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let guests = &created["conditions"]["users"]["includeGuestsOrExternalUsers"];
    assert_eq!(
        guests["guestOrExternalUserTypes"],
        "b2bCollaborationGuest,b2bCollaborationMember"
    );
    assert_eq!(
        guests["externalTenants"],
        json!({"@odata.type": "#microsoft.graph.conditionalAccessEnumeratedExternalTenants",
               "membershipKind": "enumerated", "members": ["22222222-2222-4222-8222-222222222222"]})
    );
    assert_eq!(
        created["conditions"]["users"]["excludeUsers"],
        json!(["GuestsOrExternalUsers"])
    );
    assert_eq!(
        created["conditions"]["locations"],
        json!({"includeLocations": ["All"], "excludeLocations": [office]})
    );
    // Keywords come back in Graph's spelling.
    assert_eq!(
        created["conditions"]["platforms"],
        json!({"includePlatforms": ["all"], "excludePlatforms": ["iOS"]})
    );
    assert_eq!(
        created["conditions"]["signInRiskLevels"],
        json!(["high", "medium"])
    );
    assert_eq!(
        created["grantControls"]["builtInControls"],
        json!(["mfa", "compliantDevice"])
    );
    assert!(created["createdDateTime"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        created["description"],
        "Guests from Fabrikam prove MFA away from the office."
    );

    let (_, read) = call(&server, "GET", &token, &format!("{POLICIES}/{id}"), None).await;
    assert_eq!(read["conditions"], created["conditions"]);
    assert_eq!(read["description"], created["description"]);

    // PATCH replaces the properties it names and keeps the rest.
    let (status, body) = call(
        &server,
        "PATCH",
        &token,
        &format!("{POLICIES}/{id}"),
        Some(json!({"state": "disabled", "displayName": "Renamed"})),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, read) = call(&server, "GET", &token, &format!("{POLICIES}/{id}"), None).await;
    assert_eq!(read["state"], "disabled");
    assert_eq!(read["displayName"], "Renamed");
    assert_eq!(read["conditions"], created["conditions"]);
    assert!(read["modifiedDateTime"].is_string());
    assert_eq!(
        read["description"], created["description"],
        "kept when not named"
    );
    let path = format!("{POLICIES}/{id}");
    let (status, _) = call(
        &server,
        "PATCH",
        &token,
        &path,
        Some(json!({"description": null})),
    )
    .await;
    assert_eq!(status, 204);
    let (_, read) = call(&server, "GET", &token, &path, None).await;
    assert_eq!(read["description"], Value::Null, "null clears it");
    let (status, _) = call(
        &server,
        "PATCH",
        &token,
        &format!("{POLICIES}/{id}"),
        Some(json!({"grantControls": {"operator": "OR", "builtInControls": ["block", "mfa"]}})),
    )
    .await;
    assert_eq!(status, 400, "a PATCH is validated like a create");

    let (_, list) = call(&server, "GET", &token, POLICIES, None).await;
    assert_eq!(list["value"].as_array().unwrap().len(), 3);
    assert_eq!(
        call(&server, "DELETE", &token, &format!("{POLICIES}/{id}"), None)
            .await
            .0,
        204
    );
    assert_eq!(
        call(&server, "GET", &token, &format!("{POLICIES}/{id}"), None)
            .await
            .0,
        404
    );
    assert_eq!(
        call(&server, "DELETE", &token, &format!("{POLICIES}/{id}"), None)
            .await
            .0,
        404
    );
    assert_eq!(
        audit_activities(&server, CONTOSO, "Policy").await,
        [
            "Add named location",
            "Add conditional access policy",
            "Update conditional access policy",
            "Update conditional access policy",
            "Delete conditional access policy"
        ]
    );
}

#[tokio::test]
async fn invalid_policies_are_refused_with_what_to_change() {
    let server = spawn_demo().await;
    let token = contoso_admin(&server).await;
    let base = json!({
        "displayName": "P",
        "state": "enabled",
        "conditions": {"users": {"includeUsers": ["All"]}, "applications": {"includeApplications": ["All"]}},
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}
    });
    let with = |path: &[&str], value: Value| {
        let mut body = base.clone();
        let mut at = &mut body;
        for key in &path[..path.len() - 1] {
            at = &mut at[*key];
        }
        at[path[path.len() - 1]] = value;
        body
    };
    let cases = [
        (
            with(
                &["grantControls", "builtInControls"],
                json!(["block", "mfa"]),
            ),
            "'block' cannot be combined",
        ),
        (
            with(
                &["grantControls"],
                json!({"operator": "OR", "builtInControls": ["mfa", "passwordChange"]}),
            ),
            "operator 'AND'",
        ),
        (
            with(
                &["grantControls"],
                json!({"operator": "AND", "builtInControls": ["mfa", "passwordChange"]}),
            ),
            "userRiskLevels",
        ),
        (
            with(&["state"], json!("on")),
            "Invalid value 'on' for 'state'",
        ),
        (
            with(&["conditions", "signInRiskLevels"], json!(["severe"])),
            "conditions.signInRiskLevels",
        ),
        (
            with(&["conditions", "clientAppTypes"], json!(["fax"])),
            "conditions.clientAppTypes",
        ),
        (
            with(&["grantControls", "builtInControls"], json!(["mfaa"])),
            "grantControls.builtInControls",
        ),
        (
            with(&["colour"], json!("red")),
            "Property 'colour' does not exist",
        ),
        (
            with(
                &["conditions", "users", "includeGuestsOrExternalUsers"],
                json!({
                    "guestOrExternalUserTypes": "none",
                    "externalTenants": {"@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants", "membershipKind": "all"}
                }),
            ),
            "can only be set when",
        ),
        (
            with(&["conditions", "users"], json!({"includeUsers": []})),
            "applies to no users",
        ),
        (
            with(
                &["conditions", "applications"],
                json!({"includeApplications": []}),
            ),
            "applies to no applications",
        ),
        (
            with(
                &["conditions", "locations"],
                json!({"includeLocations": ["99999999-9999-4999-8999-999999999999"]}),
            ),
            "does not exist in this tenant",
        ),
        (
            with(
                &["grantControls", "termsOfUse"],
                json!(["99999999-9999-4999-8999-999999999999"]),
            ),
            "agreement '99999999-9999-4999-8999-999999999999'",
        ),
        (
            with(&["grantControls"], Value::Null),
            "no grant or session controls",
        ),
        (
            with(
                &["sessionControls"],
                json!({"signInFrequency": {"value": 24, "type": "hours", "isEnabled": true}}),
            ),
            "between 1 and 23 hours",
        ),
        (
            with(
                &["sessionControls"],
                json!({"cloudAppSecurity": {"isEnabled": true, "cloudAppSecurityType": "monitorOnly"}}),
            ),
            "sessionControls.cloudAppSecurity",
        ),
        (
            with(&["id"], json!("00000000-0000-0000-0000-000000000001")),
            "read-only",
        ),
        (
            with(&["@odata.type"], json!("#microsoft.graph.user")),
            "#microsoft.graph.conditionalAccessPolicy",
        ),
        (
            with(
                &["conditions", "users", "includeUsers"],
                json!(["All", "99999999-9999-4999-8999-999999999999"]),
            ),
            "send it alone",
        ),
    ];
    for (body, fragment) in cases {
        let (status, answer) = call(&server, "POST", &token, POLICIES, Some(body)).await;
        assert_bad_request(status, &answer, fragment);
    }
    // The value at fault is named where Graph names it: `error.details[0].target`, both for a
    // body that does not parse (`state`) and for a policy that breaks a rule (`block` alone).
    for (body, target) in [
        (with(&["state"], json!("on")), "state"),
        (
            with(
                &["grantControls", "builtInControls"],
                json!(["block", "mfa"]),
            ),
            "grantControls.builtInControls",
        ),
    ] {
        let (status, answer) = call(&server, "POST", &token, POLICIES, Some(body)).await;
        assert_eq!(status, 400, "{answer}");
        let detail = &answer["error"]["details"][0];
        assert_eq!(detail["target"], target, "{answer}");
        assert_eq!(detail["code"], "InvalidValue", "{answer}");
        assert_eq!(detail["message"], answer["error"]["message"], "{answer}");
    }
    let mut missing = base.clone();
    missing.as_object_mut().unwrap().remove("state");
    let (status, answer) = call(&server, "POST", &token, POLICIES, Some(missing)).await;
    assert_bad_request(status, &answer, "'state' is required");
    // A password-change policy in Entra's form is accepted.
    let password_change = with(
        &["grantControls"],
        json!({"operator": "AND", "builtInControls": ["mfa", "passwordChange"]}),
    );
    let mut password_change = password_change;
    password_change["conditions"]["userRiskLevels"] = json!(["high"]);
    let (status, answer) = call(&server, "POST", &token, POLICIES, Some(password_change)).await;
    assert_eq!(status, 201, "{answer}");
    // Nothing refused was stored.
    let (_, list) = call(&server, "GET", &token, POLICIES, None).await;
    assert_eq!(list["value"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn named_locations_are_managed_and_one_in_use_cannot_be_deleted() {
    let server = spawn_demo().await;
    let token = contoso_admin(&server).await;
    let office = create_office(&server, &token).await;
    let (status, read) = call(
        &server,
        "GET",
        &token,
        &format!("{LOCATIONS}/{office}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(read["@odata.type"], "#microsoft.graph.ipNamedLocation");
    assert_eq!(read["isTrusted"], true);
    assert_eq!(
        read["ipRanges"],
        json!([
            {"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": "203.0.113.0/24"},
            {"@odata.type": "#microsoft.graph.iPv6CidrRange", "cidrAddress": "2001:db8::/32"}
        ])
    );
    assert_eq!(read["createdDateTime"], read["modifiedDateTime"]);

    let (status, japan) = call(
        &server,
        "POST",
        &token,
        LOCATIONS,
        Some(json!({
            "@odata.type": "#microsoft.graph.countryNamedLocation",
            "displayName": "Japan",
            "countriesAndRegions": ["jp"],
            "includeUnknownCountriesAndRegions": false
        })),
    )
    .await;
    assert_eq!(status, 201, "{japan}");
    assert_eq!(japan["countriesAndRegions"], json!(["JP"]));
    assert_eq!(japan["countryLookupMethod"], "clientIpAddress");

    for (body, fragment) in [
        (
            json!({"@odata.type": "#microsoft.graph.ipNamedLocation", "displayName": "Bad", "ipRanges": [{"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": "203.0.113.0/33"}]}),
            "not a CIDR range",
        ),
        (
            json!({"@odata.type": "#microsoft.graph.ipNamedLocation", "displayName": "Bad", "ipRanges": [{"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": "2001:db8::/32"}]}),
            "IPv6",
        ),
        (
            json!({"@odata.type": "#microsoft.graph.countryNamedLocation", "displayName": "Bad", "countriesAndRegions": ["XX"]}),
            "ISO 3166-1",
        ),
        (
            json!({"displayName": "No type", "ipRanges": []}),
            "'@odata.type' is required",
        ),
        (
            json!({"@odata.type": "#microsoft.graph.countryNamedLocation", "displayName": "Mixed", "countriesAndRegions": ["JP"], "isTrusted": true}),
            "belong to #microsoft.graph.ipNamedLocation",
        ),
    ] {
        let (status, answer) = call(&server, "POST", &token, LOCATIONS, Some(body)).await;
        assert_bad_request(status, &answer, fragment);
    }

    let (status, _) = call(
        &server,
        "PATCH",
        &token,
        &format!("{LOCATIONS}/{office}"),
        Some(json!({"@odata.type": "#microsoft.graph.ipNamedLocation", "displayName": "HQ", "isTrusted": false})),
    )
    .await;
    assert_eq!(status, 204);
    let (_, read) = call(
        &server,
        "GET",
        &token,
        &format!("{LOCATIONS}/{office}"),
        None,
    )
    .await;
    assert_eq!(read["displayName"], "HQ");
    assert_eq!(read["isTrusted"], false);
    assert_eq!(read["ipRanges"].as_array().unwrap().len(), 2);
    let (status, answer) = call(
        &server,
        "PATCH",
        &token,
        &format!("{LOCATIONS}/{office}"),
        Some(json!({"@odata.type": "#microsoft.graph.countryNamedLocation"})),
    )
    .await;
    assert_bad_request(status, &answer, "type cannot change");

    let (status, policy) = call(
        &server,
        "POST",
        &token,
        POLICIES,
        Some(guest_mfa_policy(&office)),
    )
    .await;
    assert_eq!(status, 201, "{policy}");
    let (status, answer) = call(
        &server,
        "DELETE",
        &token,
        &format!("{LOCATIONS}/{office}"),
        None,
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["innerError"]["code"], "namedLocationInUse");
    assert!(answer["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Partner guests need MFA outside the office"));
    let policy_id = policy["id"].as_str().unwrap();
    call(
        &server,
        "DELETE",
        &token,
        &format!("{POLICIES}/{policy_id}"),
        None,
    )
    .await;
    assert_eq!(
        call(
            &server,
            "DELETE",
            &token,
            &format!("{LOCATIONS}/{office}"),
            None
        )
        .await
        .0,
        204
    );
    let (_, list) = call(&server, "GET", &token, LOCATIONS, None).await;
    assert_eq!(list["value"].as_array().unwrap().len(), 1);
    assert_eq!(
        audit_activities(&server, CONTOSO, "Policy")
            .await
            .iter()
            .filter(|a| a.contains("named location"))
            .count(),
        4,
        "add office, add Japan, update, delete"
    );
}

#[tokio::test]
async fn tenants_see_and_use_only_their_own_policies_and_locations() {
    let server = spawn_demo().await;
    let contoso = contoso_admin(&server).await;
    let fabrikam = token_for(
        &server,
        "fabrikam.com",
        FABRIKAM_ADMIN_APP,
        "fabrikam-admin-secret",
    )
    .await;
    let fabrikam_office = create_office(&server, &fabrikam).await;
    let (_, list) = call(&server, "GET", &contoso, POLICIES, None).await;
    let contoso_policy = list["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["displayName"] == "Block high-risk users")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Fabrikam has no policies, and Contoso's are not Fabrikam's to read, change or delete.
    let (_, theirs) = call(&server, "GET", &fabrikam, POLICIES, None).await;
    assert_eq!(theirs["value"], json!([]));
    let path = format!("{POLICIES}/{contoso_policy}");
    assert_eq!(call(&server, "GET", &fabrikam, &path, None).await.0, 404);
    assert_eq!(
        call(
            &server,
            "PATCH",
            &fabrikam,
            &path,
            Some(json!({"state": "disabled"}))
        )
        .await
        .0,
        404
    );
    assert_eq!(call(&server, "DELETE", &fabrikam, &path, None).await.0, 404);
    let (_, still) = call(&server, "GET", &contoso, &path, None).await;
    assert_eq!(still["state"], "enabled");

    // S26: a named location defined only in Fabrikam cannot be used by Contoso.
    let location_path = format!("{LOCATIONS}/{fabrikam_office}");
    assert_eq!(
        call(&server, "GET", &contoso, &location_path, None).await.0,
        404
    );
    assert_eq!(
        call(&server, "DELETE", &contoso, &location_path, None)
            .await
            .0,
        404
    );
    let (_, ours) = call(&server, "GET", &contoso, LOCATIONS, None).await;
    assert_eq!(ours["value"], json!([]));
    let (status, answer) = call(
        &server,
        "POST",
        &contoso,
        POLICIES,
        Some(guest_mfa_policy(&fabrikam_office)),
    )
    .await;
    assert_bad_request(status, &answer, "does not exist in this tenant");
}

#[tokio::test]
async fn policy_permissions_follow_graph() {
    let server = spawn(Spawn {
        seed: Some(PERMISSIONS_SEED),
        ..Default::default()
    })
    .await;
    let reader = token_for(&server, "t.example", READER_APP, "reader-secret").await;
    let nobody = token_for(&server, "t.example", NOBODY_APP, "nobody-secret").await;
    let writer = token_for(&server, "t.example", WRITER_APP, "writer-secret").await;
    let (status, list) = call(&server, "GET", &reader, POLICIES, None).await;
    assert_eq!(status, 200, "{list}");
    let id = list["value"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(call(&server, "GET", &reader, LOCATIONS, None).await.0, 200);
    let (status, denied) = call(
        &server,
        "PATCH",
        &reader,
        &format!("{POLICIES}/{id}"),
        Some(json!({"state": "disabled"})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(denied["error"]["code"], "Authorization_RequestDenied");
    assert_eq!(
        call(
            &server,
            "POST",
            &reader,
            LOCATIONS,
            Some(json!({"@odata.type": "#microsoft.graph.countryNamedLocation", "displayName": "JP", "countriesAndRegions": ["JP"]}))
        )
        .await
        .0,
        403
    );
    for path in [POLICIES, LOCATIONS, AGREEMENTS] {
        assert_eq!(
            call(&server, "GET", &nobody, path, None).await.0,
            403,
            "{path}"
        );
    }
    assert_eq!(
        call(&server, "GET", &reader, AGREEMENTS, None).await.0,
        403,
        "agreements need Agreement.* permissions"
    );
    assert_eq!(
        call(
            &server,
            "PATCH",
            &writer,
            &format!("{POLICIES}/{id}"),
            Some(json!({"state": "disabled"}))
        )
        .await
        .0,
        204
    );
    assert_eq!(
        call(&server, "GET", "not-a-token", POLICIES, None).await.0,
        401
    );
}

#[tokio::test]
async fn delegated_callers_need_an_administrator_role() {
    let server = spawn_demo().await;
    let megan = delegated_token(
        &server,
        "megan@contoso.com",
        "Policy.Read.All%20Policy.ReadWrite.ConditionalAccess%20User.Read",
    )
    .await;
    assert_eq!(call(&server, "GET", &megan, POLICIES, None).await.0, 403);
    let admin = delegated_token(&server, "admin@contoso.com", "Policy.Read.All%20User.Read").await;
    let (status, list) = call(&server, "GET", &admin, POLICIES, None).await;
    assert_eq!(status, 200, "{list}");
    let id = list["value"][0]["id"].as_str().unwrap().to_owned();
    // Reading does not give writing.
    assert_eq!(
        call(
            &server,
            "PATCH",
            &admin,
            &format!("{POLICIES}/{id}"),
            Some(json!({"state": "disabled"}))
        )
        .await
        .0,
        403
    );
}

pub const READER_APP: &str = "7ead0001-0000-4000-8000-000000000001";
pub const NOBODY_APP: &str = "7ead0002-0000-4000-8000-000000000002";
pub const WRITER_APP: &str = "7ead0003-0000-4000-8000-000000000003";

/// One tenant with seeded named locations, terms of use and a policy that uses them, and apps
/// with different Graph permissions.
pub const PERMISSIONS_SEED: &str = r#"
[[tenant]]
key = "t"
id = "77777777-7777-4777-8777-777777777777"
display_name = "T"
domains = ["t.onmicrosoft.com", "t.example"]

[[tenant.user]]
upn = "ann@t.example"
display_name = "Ann"
password = "Portico-dev-1"

[[tenant.app]]
display_name = "Reader"
client_id = "7ead0001-0000-4000-8000-000000000001"
secret = "reader-secret"
graph_permissions = ["Policy.Read.All"]

[[tenant.app]]
display_name = "Nobody"
client_id = "7ead0002-0000-4000-8000-000000000002"
secret = "nobody-secret"
graph_permissions = ["User.Read.All"]

[[tenant.app]]
display_name = "Writer"
client_id = "7ead0003-0000-4000-8000-000000000003"
secret = "writer-secret"
graph_permissions = ["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess", "Agreement.ReadWrite.All", "IdentityRiskyUser.ReadWrite.All"]

[[tenant.named_location]]
display_name = "Office"
ip_ranges = ["198.51.100.0/24"]
is_trusted = true

[[tenant.named_location]]
display_name = "Japan"
countries = ["JP"]
include_unknown_countries = true

[[tenant.terms_of_use]]
display_name = "Guest terms"
id = "88888888-8888-4888-8888-888888888888"
text = "Be nice to our data."

[[tenant.conditional_access]]
display_name = "Guests accept the terms"
state = "enabled"
include_guests_or_external_users = ["b2bCollaborationGuest", "b2bCollaborationMember"]
include_applications = ["All"]
include_locations = ["All"]
exclude_locations = ["Office", "AllTrusted"]
include_platforms = ["all"]
client_app_types = ["all"]
terms_of_use = ["Guest terms"]
"#;

#[tokio::test]
async fn seeded_locations_and_terms_are_served_and_referenced_by_id() {
    let server = spawn(Spawn {
        seed: Some(PERMISSIONS_SEED),
        ..Default::default()
    })
    .await;
    let token = token_for(&server, "t.example", WRITER_APP, "writer-secret").await;
    let (_, locations) = call(&server, "GET", &token, LOCATIONS, None).await;
    let locations = locations["value"].as_array().unwrap().clone();
    assert_eq!(locations.len(), 2);
    let office = locations
        .iter()
        .find(|l| l["displayName"] == "Office")
        .unwrap();
    assert_eq!(office["isTrusted"], true);
    let japan = locations
        .iter()
        .find(|l| l["displayName"] == "Japan")
        .unwrap();
    assert_eq!(
        japan["@odata.type"],
        "#microsoft.graph.countryNamedLocation"
    );
    assert_eq!(japan["includeUnknownCountriesAndRegions"], true);
    let (_, policies) = call(&server, "GET", &token, POLICIES, None).await;
    let policy = &policies["value"][0];
    assert_eq!(
        policy["conditions"]["locations"]["excludeLocations"],
        json!([office["id"], "AllTrusted"])
    );
    assert_eq!(
        policy["grantControls"],
        json!({"operator": "OR", "builtInControls": [], "customAuthenticationFactors": [],
               "termsOfUse": ["88888888-8888-4888-8888-888888888888"]})
    );
    assert_eq!(
        policy["conditions"]["users"]["includeGuestsOrExternalUsers"],
        json!({"guestOrExternalUserTypes": "b2bCollaborationGuest,b2bCollaborationMember",
               "externalTenants": {"@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants", "membershipKind": "all"}})
    );
    let (_, agreements) = call(&server, "GET", &token, AGREEMENTS, None).await;
    assert_eq!(
        agreements["value"],
        json!([{"id": "88888888-8888-4888-8888-888888888888", "displayName": "Guest terms",
                "isViewingBeforeAcceptanceRequired": false, "isPerDeviceAcceptanceRequired": false,
                "userReacceptRequiredFrequency": null, "termsExpiration": null}])
    );
}

#[tokio::test]
async fn terms_of_use_are_created_read_and_deleted_unless_required() {
    let server = spawn(Spawn {
        seed: Some(PERMISSIONS_SEED),
        ..Default::default()
    })
    .await;
    let token = token_for(&server, "t.example", WRITER_APP, "writer-secret").await;
    let text = "Guests keep our data confidential.";
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD.encode(text);
    let (status, created) = call(
        &server,
        "POST",
        &token,
        AGREEMENTS,
        Some(json!({
            "displayName": "Partner NDA",
            "isViewingBeforeAcceptanceRequired": true,
            "files": [{"fileName": "nda.txt", "language": "en", "isDefault": true, "fileData": {"data": data}}]
        })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#identityGovernance/termsOfUse/agreements/$entity"
    );
    assert_eq!(created["isViewingBeforeAcceptanceRequired"], true);
    let id = created["id"].as_str().unwrap().to_owned();
    let stored = server
        .running()
        .app
        .store_for_tests()
        .list_terms_of_use(TenantId::parse("77777777-7777-4777-8777-777777777777").unwrap())
        .await
        .unwrap();
    assert!(stored.iter().any(|t| t.text == text));
    let (status, read) = call(&server, "GET", &token, &format!("{AGREEMENTS}/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(read["displayName"], "Partner NDA");

    for (body, fragment) in [
        (
            json!({"displayName": "X", "files": [{"fileData": {"data": "not base64!"}}]}),
            "not base64",
        ),
        (
            json!({"displayName": "X", "isPerDeviceAcceptanceRequired": true, "files": [{"fileData": {"data": data}}]}),
            "isPerDeviceAcceptanceRequired",
        ),
        (json!({"displayName": "X"}), "needs its text"),
        (
            json!({"displayName": "X", "userReacceptRequiredFrequency": "P90D", "files": [{"fileData": {"data": data}}]}),
            "userReacceptRequiredFrequency",
        ),
    ] {
        let (status, answer) = call(&server, "POST", &token, AGREEMENTS, Some(body)).await;
        assert_bad_request(status, &answer, fragment);
    }

    // The seeded agreement is required by a policy: it stays until the policy lets go.
    let seeded = format!("{AGREEMENTS}/88888888-8888-4888-8888-888888888888");
    let (status, answer) = call(&server, "DELETE", &token, &seeded, None).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["innerError"]["code"], "agreementInUse");
    assert!(answer["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Guests accept the terms"));
    assert_eq!(
        call(
            &server,
            "DELETE",
            &token,
            &format!("{AGREEMENTS}/{id}"),
            None
        )
        .await
        .0,
        204
    );
    assert_eq!(
        call(&server, "GET", &token, &format!("{AGREEMENTS}/{id}"), None)
            .await
            .0,
        404
    );
    assert_eq!(
        audit_activities(&server, "77777777-7777-4777-8777-777777777777", "Policy").await,
        ["Add terms of use", "Delete terms of use"]
    );
    // Contoso's admin app has no Agreement permission.
    let demo = spawn_demo().await;
    let contoso = contoso_admin(&demo).await;
    assert_eq!(call(&demo, "GET", &contoso, AGREEMENTS, None).await.0, 403);
}
