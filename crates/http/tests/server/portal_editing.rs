//! The portal's editing pages over HTTP, signed in through the tenant's own sign-in: Conditional
//! Access policies, named locations, terms of use, cross-tenant access and deleted users. Each
//! post goes through the Graph use case, so the portal's refusal is Graph's own `Invalid`
//! message, and a Guest Inviter or a member reaches none of it (the browser journeys are in
//! tests/clients/test_portal.py).

use crate::conditional_access_api::contoso_admin;
use crate::harness::{call, spawn_demo, TestServer};
use crate::oidc_client::{browser, post_form};
use reqwest::Client;
use serde_json::{json, Value};

const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";

/// A browser signed in to Contoso's portal as `login`, and its CSRF value.
async fn portal_session(server: &TestServer, login: &str) -> (Client, String) {
    let client = browser(server);
    let start = client
        .get(server.url(&format!(
            "/portal/sign-in?tenant=contoso.com&login_hint={login}&return=/portal/me"
        )))
        .send()
        .await
        .unwrap();
    let authorize = start.headers()["location"].to_str().unwrap().to_owned();
    let page = client
        .get(authorize)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let done = post_form(&client, &page, &[("password", "Portico-dev-1")]).await;
    assert_eq!(done.status(), 302, "{}", done.text().await.unwrap());
    let callback = done.headers()["location"].to_str().unwrap().to_owned();
    assert!(callback.contains("/portal/callback"), "{callback}");
    let back = client.get(callback).send().await.unwrap();
    assert_eq!(back.status(), 303);
    let me = client
        .get(server.url("/portal/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = regex::Regex::new(r#"name="csrf" value="([^"]+)""#)
        .unwrap()
        .captures(&me)
        .unwrap_or_else(|| panic!("no CSRF value: {me}"))[1]
        .to_owned();
    (client, csrf)
}

/// A form post: the status, the `Location` (or ""), and the page.
async fn post(
    server: &TestServer,
    client: &Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let response = client
        .post(server.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map_or_else(String::new, |l| l.to_str().unwrap().to_owned());
    (status, location, response.text().await.unwrap())
}

async fn get(server: &TestServer, client: &Client, path: &str) -> (u16, String) {
    let response = client.get(server.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Graph's message for the same body, to compare with the portal's panel.
async fn graph_message(server: &TestServer, token: &str, path: &str, body: Value) -> String {
    let (status, answer) = call(server, "POST", token, path, Some(body)).await;
    assert_eq!(status, 400, "{answer}");
    answer["error"]["message"].as_str().unwrap().to_owned()
}

fn html_text(message: &str) -> String {
    message
        .replace('&', "&amp;")
        .replace('\'', "&#39;")
        .replace('"', "&quot;")
}

const POLICIES: &str = "/v1.0/identity/conditionalAccess/policies";

fn guest_policy_form<'a>(csrf: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("displayName", "Guests need MFA"),
        ("state", "enabledForReportingButNotEnforced"),
        (
            "conditions.users.includeGuestsOrExternalUsers.guestOrExternalUserTypes",
            "b2bCollaborationGuest",
        ),
        (
            "conditions.users.includeGuestsOrExternalUsers.externalTenants.members",
            "",
        ),
        ("conditions.applications.includeApplications", "All"),
        ("conditions.clientAppTypes", "browser"),
        ("conditions.platforms.includePlatforms", "all"),
        ("conditions.platforms.excludePlatforms", "iOS"),
        ("conditions.signInRiskLevels", "high"),
        ("grantControls.operator", "OR"),
    ];
    form.extend_from_slice(extra);
    form
}

#[tokio::test]
async fn conditional_access_policies_are_created_edited_and_deleted_with_graphs_rules() {
    let server = spawn_demo().await;
    let token = contoso_admin(&server).await;
    let (client, csrf) = portal_session(&server, "admin@contoso.com").await;
    let (status, page) = get(&server, &client, "/portal/conditional-access/new").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("id=\"include-guest-b2bCollaborationGuest\""),
        "{page}"
    );

    // Block with MFA: the same refusal as Graph's, next to the grant controls.
    let form = guest_policy_form(
        &csrf,
        &[
            ("grantControls.builtInControls", "block"),
            ("grantControls.builtInControls", "mfa"),
        ],
    );
    let (status, _, page) = post(&server, &client, "/portal/conditional-access/new", &form).await;
    assert_eq!(status, 400);
    let graph = graph_message(&server, &token, POLICIES, json!({
        "displayName": "x", "state": "enabled",
        "conditions": {"users": {"includeUsers": ["All"]}, "applications": {"includeApplications": ["All"]}},
        "grantControls": {"operator": "OR", "builtInControls": ["block", "mfa"]}})).await;
    assert!(page.contains(&html_text(&graph)), "{graph} not in {page}");
    assert!(page.contains("id=\"error-grantControls\""), "{page}");
    assert!(page.contains("grantControls.builtInControls"));
    // What was typed is kept.
    assert!(page.contains("value=\"Guests need MFA\""));

    // A tenant that is not a GUID: Graph's parsing, named by its property.
    let form = guest_policy_form(
        &csrf,
        &[
            ("grantControls.builtInControls", "mfa"),
            (
                "conditions.users.includeGuestsOrExternalUsers.externalTenants.members",
                "fabrikam",
            ),
        ],
    );
    let (status, _, page) = post(&server, &client, "/portal/conditional-access/new", &form).await;
    assert_eq!(status, 400);
    assert!(page.contains("is not a tenant id (GUID)"), "{page}");
    assert!(page.contains("id=\"error-users\""));

    // No one included.
    let form = vec![
        ("csrf", csrf.as_str()),
        ("displayName", "Nobody"),
        ("state", "enabled"),
        ("conditions.applications.includeApplications", "All"),
        ("grantControls.builtInControls", "mfa"),
    ];
    let (status, _, page) = post(&server, &client, "/portal/conditional-access/new", &form).await;
    assert_eq!(status, 400);
    assert!(page.contains("applies to no users"), "{page}");

    // A good one: stored as Graph shows it.
    let form = guest_policy_form(&csrf, &[("grantControls.builtInControls", "mfa")]);
    let (status, location, _) =
        post(&server, &client, "/portal/conditional-access/new", &form).await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/portal/conditional-access?saved=policy")
    );
    let (_, policies) = call(&server, "GET", &token, POLICIES, None).await;
    let policy = policies["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["displayName"] == "Guests need MFA")
        .unwrap()
        .clone();
    assert_eq!(policy["state"], "enabledForReportingButNotEnforced");
    let users = &policy["conditions"]["users"];
    assert_eq!(
        users["includeGuestsOrExternalUsers"]["guestOrExternalUserTypes"],
        "b2bCollaborationGuest"
    );
    assert_eq!(
        users["includeGuestsOrExternalUsers"]["externalTenants"]["membershipKind"],
        "all"
    );
    assert_eq!(
        policy["conditions"]["platforms"]["excludePlatforms"],
        json!(["iOS"])
    );
    assert_eq!(policy["conditions"]["signInRiskLevels"], json!(["high"]));
    assert_eq!(policy["grantControls"]["builtInControls"], json!(["mfa"]));
    let id = policy["id"].as_str().unwrap();

    // Editing shows what is stored, and a save replaces it.
    let (status, page) = get(
        &server,
        &client,
        &format!("/portal/conditional-access/{id}/edit"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"include-guest-b2bCollaborationGuest\" name=\"conditions.users.includeGuestsOrExternalUsers.guestOrExternalUserTypes\" value=\"b2bCollaborationGuest\" checked"), "{page}");
    assert!(page.contains("id=\"state-reportOnly\" name=\"state\" value=\"enabledForReportingButNotEnforced\" checked"));
    let mut form = guest_policy_form(
        &csrf,
        &[
            ("grantControls.builtInControls", "mfa"),
            (
                "conditions.users.includeGuestsOrExternalUsers.externalTenants.members",
                FABRIKAM,
            ),
        ],
    );
    form.retain(|(n, _)| *n != "state");
    form.push(("state", "enabled"));
    let (status, _, _) = post(
        &server,
        &client,
        &format!("/portal/conditional-access/{id}/edit"),
        &form,
    )
    .await;
    assert_eq!(status, 303);
    let (_, stored) = call(&server, "GET", &token, &format!("{POLICIES}/{id}"), None).await;
    assert_eq!(stored["state"], "enabled");
    assert_eq!(
        stored["conditions"]["users"]["includeGuestsOrExternalUsers"]["externalTenants"]["members"],
        json!([FABRIKAM])
    );

    // A forged form is refused; deleting needs the confirmation.
    let (status, _, _) = post(
        &server,
        &client,
        &format!("/portal/conditional-access/{id}/delete"),
        &[("csrf", "forged"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = post(
        &server,
        &client,
        &format!("/portal/conditional-access/{id}/delete"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 400);
    let (status, _, _) = post(
        &server,
        &client,
        &format!("/portal/conditional-access/{id}/delete"),
        &[("csrf", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _) = call(&server, "GET", &token, &format!("{POLICIES}/{id}"), None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn named_locations_and_terms_of_use_are_managed_with_graphs_rules() {
    let server = spawn_demo().await;
    let token = contoso_admin(&server).await;
    let (client, csrf) = portal_session(&server, "admin@contoso.com").await;
    let locations = "/v1.0/identity/conditionalAccess/namedLocations";

    let bad = [
        ("csrf", csrf.as_str()),
        ("@odata.type", "ipNamedLocation"),
        ("displayName", "Office"),
        ("ipRanges", "203.0.113.0/33"),
    ];
    let (status, _, page) = post(&server, &client, "/portal/named-locations/new", &bad).await;
    assert_eq!(status, 400);
    let graph = graph_message(
        &server,
        &token,
        locations,
        json!({
        "@odata.type": "#microsoft.graph.ipNamedLocation", "displayName": "Office",
        "ipRanges": [{"cidrAddress": "203.0.113.0/33"}]}),
    )
    .await;
    assert!(page.contains(&html_text(&graph)), "{graph} not in {page}");
    assert!(page.contains("id=\"error-ipRanges\""));

    let good = [
        ("csrf", csrf.as_str()),
        ("@odata.type", "ipNamedLocation"),
        ("displayName", "Office"),
        ("ipRanges", "203.0.113.0/24\n2001:db8::/32"),
        ("isTrusted", "true"),
    ];
    let (status, location, _) = post(&server, &client, "/portal/named-locations/new", &good).await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/portal/named-locations?saved=1")
    );
    let (_, list) = call(&server, "GET", &token, locations, None).await;
    let office = list["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["displayName"] == "Office")
        .unwrap()
        .clone();
    assert_eq!(office["isTrusted"], true);
    assert_eq!(office["ipRanges"].as_array().unwrap().len(), 2);
    let id = office["id"].as_str().unwrap();
    let (status, page) = get(&server, &client, "/portal/named-locations").await;
    assert_eq!(status, 200);
    assert!(page.contains("203.0.113.0/24, 2001:db8::/32") && page.contains("Trusted"));

    // Countries; an edit keeps the type.
    let countries = [
        ("csrf", csrf.as_str()),
        ("@odata.type", "countryNamedLocation"),
        ("displayName", "Europe"),
        ("countriesAndRegions", "fr, de"),
    ];
    assert_eq!(
        post(&server, &client, "/portal/named-locations/new", &countries)
            .await
            .0,
        303
    );
    let edit = [
        ("csrf", csrf.as_str()),
        ("@odata.type", "ipNamedLocation"),
        ("displayName", "Main office"),
        ("ipRanges", "203.0.113.0/24"),
    ];
    assert_eq!(
        post(
            &server,
            &client,
            &format!("/portal/named-locations/{id}"),
            &edit
        )
        .await
        .0,
        303
    );
    let (_, stored) = call(&server, "GET", &token, &format!("{locations}/{id}"), None).await;
    assert_eq!(stored["displayName"], "Main office");
    assert_eq!(stored["isTrusted"], false, "an unticked box is false");

    // A policy uses it: deleting it is refused with Graph's reason, on the page.
    let form = [
        ("csrf", csrf.as_str()),
        ("displayName", "Outside the office"),
        ("state", "enabled"),
        ("conditions.users.includeUsers", "All"),
        ("conditions.applications.includeApplications", "All"),
        ("conditions.locations.includeLocations", "All"),
        ("conditions.locations.excludeLocations", id),
        ("grantControls.builtInControls", "mfa"),
    ];
    assert_eq!(
        post(&server, &client, "/portal/conditional-access/new", &form)
            .await
            .0,
        303
    );
    let (status, _, page) = post(
        &server,
        &client,
        &format!("/portal/named-locations/{id}/delete"),
        &[("csrf", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        page.contains("is used by Conditional Access policy"),
        "{page}"
    );

    // Terms of use: created, shown, required by nothing, deleted.
    let (status, _, page) = post(
        &server,
        &client,
        "/portal/terms-of-use",
        &[("csrf", &csrf), ("name", ""), ("text", "Be nice.")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("displayName"), "{page}");
    let (status, _, _) = post(
        &server,
        &client,
        "/portal/terms-of-use",
        &[
            ("csrf", &csrf),
            ("name", "Partner terms"),
            ("text", "Be nice."),
            ("viewing_required", "yes"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    // (The admin app has no agreement permission: the portal page is the reader here.)
    let (_, page) = get(&server, &client, "/portal/terms-of-use").await;
    assert!(
        page.contains("Partner terms") && page.contains("Be nice."),
        "{page}"
    );
    assert!(page.contains("must be opened before accepting"));
    let terms_id = regex::Regex::new(r#"data-agreement-id="([^"]+)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_owned();
    let (status, _, _) = post(
        &server,
        &client,
        &format!("/portal/terms-of-use/{terms_id}/delete"),
        &[("csrf", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = get(&server, &client, "/portal/terms-of-use").await;
    assert!(
        !page.contains("Partner terms") && page.contains("id=\"no-agreements\""),
        "{page}"
    );
}

#[tokio::test]
async fn cross_tenant_default_and_partners_are_edited_with_graphs_rules() {
    let server = spawn_demo().await;
    let token = contoso_admin(&server).await;
    let (client, csrf) = portal_session(&server, "admin@contoso.com").await;
    let partners = "/v1.0/policies/crossTenantAccessPolicy/partners";
    // Start from no partner entry for Fabrikam.
    call(
        &server,
        "DELETE",
        &token,
        &format!("{partners}/{FABRIKAM}"),
        None,
    )
    .await;

    let (status, location, _) = post(
        &server,
        &client,
        "/portal/cross-tenant/partners",
        &[("csrf", &csrf), ("organization", "fabrikam.com")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (
            303,
            format!("/portal/cross-tenant/partners/{FABRIKAM}").as_str()
        )
    );
    let (status, page) = get(&server, &client, &location).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"b2bCollaborationInbound-inherit\" name=\"b2bCollaborationInbound.mode\" value=\"inherit\" checked"), "{page}");

    let group = "99999999-9999-4999-8999-999999999999";
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("b2bCollaborationInbound.mode", "custom"),
        (
            "b2bCollaborationInbound.usersAndGroups.accessType",
            "blocked",
        ),
        ("b2bCollaborationInbound.usersAndGroups.scope", "specific"),
        ("b2bCollaborationInbound.usersAndGroups.groups", "not-an-id"),
        ("b2bCollaborationInbound.applications.accessType", "allowed"),
        ("b2bCollaborationInbound.applications.scope", "all"),
        ("b2bCollaborationOutbound.mode", "inherit"),
        ("tenantRestrictions.mode", "inherit"),
        ("inboundTrust.mode", "custom"),
        ("inboundTrust.isMfaAccepted", "true"),
    ];
    let (status, _, page) = post(&server, &client, &location, &form).await;
    assert_eq!(status, 400);
    assert!(
        page.contains(
            "&#39;not-an-id&#39; in b2bCollaborationInbound.usersAndGroups is not an object id"
        ),
        "{page}"
    );
    assert!(page.contains("id=\"error-b2bCollaborationInbound\""));
    form.retain(|(n, _)| *n != "b2bCollaborationInbound.usersAndGroups.groups");
    form.push(("b2bCollaborationInbound.usersAndGroups.groups", group));
    let (status, _, _) = post(&server, &client, &location, &form).await;
    assert_eq!(status, 303);
    let (_, partner) = call(
        &server,
        "GET",
        &token,
        &format!("{partners}/{FABRIKAM}"),
        None,
    )
    .await;
    let inbound = &partner["b2bCollaborationInbound"]["usersAndGroups"];
    assert_eq!(inbound["accessType"], "blocked");
    assert_eq!(
        inbound["targets"],
        json!([{"target": group, "targetType": "group"}])
    );
    assert_eq!(partner["b2bCollaborationOutbound"], Value::Null);
    assert_eq!(partner["inboundTrust"]["isMfaAccepted"], true);
    assert_eq!(partner["inboundTrust"]["isCompliantDeviceAccepted"], false);

    // The default: trust compliant devices, block outbound to all.
    let default = [
        ("csrf", csrf.as_str()),
        (
            "b2bCollaborationInbound.usersAndGroups.accessType",
            "allowed",
        ),
        ("b2bCollaborationInbound.usersAndGroups.scope", "all"),
        ("b2bCollaborationInbound.applications.accessType", "allowed"),
        ("b2bCollaborationInbound.applications.scope", "all"),
        (
            "b2bCollaborationOutbound.usersAndGroups.accessType",
            "blocked",
        ),
        ("b2bCollaborationOutbound.usersAndGroups.scope", "all"),
        (
            "b2bCollaborationOutbound.applications.accessType",
            "blocked",
        ),
        ("b2bCollaborationOutbound.applications.scope", "all"),
        ("tenantRestrictions.usersAndGroups.accessType", "blocked"),
        ("tenantRestrictions.usersAndGroups.scope", "all"),
        ("tenantRestrictions.applications.accessType", "blocked"),
        ("tenantRestrictions.applications.scope", "all"),
        ("inboundTrust.isCompliantDeviceAccepted", "true"),
    ];
    let (status, _, _) = post(&server, &client, "/portal/cross-tenant/default", &default).await;
    assert_eq!(status, 303);
    let (_, stored) = call(
        &server,
        "GET",
        &token,
        "/v1.0/policies/crossTenantAccessPolicy/default",
        None,
    )
    .await;
    assert_eq!(
        stored["b2bCollaborationOutbound"]["usersAndGroups"]["accessType"],
        "blocked"
    );
    assert_eq!(stored["inboundTrust"]["isCompliantDeviceAccepted"], true);
    assert_eq!(stored["isServiceDefault"], false);
    // Blocking all users but allowing apps contradicts itself: the use case's rule, shown.
    let mut contradiction = default.to_vec();
    contradiction.retain(|(n, _)| *n != "b2bCollaborationOutbound.applications.accessType");
    contradiction.push((
        "b2bCollaborationOutbound.applications.accessType",
        "allowed",
    ));
    let (status, _, page) = post(
        &server,
        &client,
        "/portal/cross-tenant/default",
        &contradiction,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        page.contains("id=\"error-b2bCollaborationOutbound\""),
        "{page}"
    );

    // Removing the organization: needs the confirmation, then the default applies.
    let remove = format!("{location}/delete");
    assert_eq!(
        post(&server, &client, &remove, &[("csrf", &csrf)]).await.0,
        400
    );
    assert_eq!(
        post(
            &server,
            &client,
            &remove,
            &[("csrf", &csrf), ("confirm", "yes")]
        )
        .await
        .0,
        303
    );
    let (status, _) = call(
        &server,
        "GET",
        &token,
        &format!("{partners}/{FABRIKAM}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn deleted_users_are_listed_restored_and_deleted_permanently() {
    let server = spawn_demo().await;
    let token = contoso_admin(&server).await;
    let (client, csrf) = portal_session(&server, "admin@contoso.com").await;
    let (status, user) = call(
        &server,
        "POST",
        &token,
        "/v1.0/users",
        Some(json!({
        "accountEnabled": true, "displayName": "Temp Worker", "mailNickname": "temp",
        "userPrincipalName": "temp@contoso.com",
        "passwordProfile": {"password": "Portico-dev-1-long!"}})),
    )
    .await;
    assert_eq!(status, 201, "{user}");
    let id = user["id"].as_str().unwrap();
    // Deleted from the user's page: soft.
    let (status, _, _) = post(
        &server,
        &client,
        &format!("/portal/users/{id}"),
        &[("csrf", &csrf), ("action", "delete"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, page) = get(&server, &client, "/portal/deleted-users").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("temp@contoso.com") && page.contains(&format!("data-user-id=\"{id}\"")),
        "{page}"
    );

    let (status, location, _) = post(
        &server,
        &client,
        &format!("/portal/deleted-users/{id}"),
        &[("csrf", &csrf), ("action", "restore")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/portal/deleted-users?done=restored")
    );
    let (status, _) = call(&server, "GET", &token, &format!("/v1.0/users/{id}"), None).await;
    assert_eq!(status, 200);

    call(
        &server,
        "DELETE",
        &token,
        &format!("/v1.0/users/{id}"),
        None,
    )
    .await;
    let purge = format!("/portal/deleted-users/{id}");
    let (status, _, page) = post(
        &server,
        &client,
        &purge,
        &[("csrf", &csrf), ("action", "purge")],
    )
    .await;
    assert_eq!(status, 400, "unconfirmed");
    assert!(page.contains("Tick the confirmation"));
    let (status, _, _) = post(
        &server,
        &client,
        &purge,
        &[("csrf", &csrf), ("action", "purge"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _) = call(
        &server,
        "GET",
        &token,
        &format!("/v1.0/directory/deletedItems/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_guest_inviter_and_a_member_reach_none_of_the_editors() {
    let server = spawn_demo().await;
    let token = contoso_admin(&server).await;
    let (_, policies) = call(&server, "GET", &token, POLICIES, None).await;
    let policy = policies["value"][0]["id"].as_str().unwrap().to_owned();
    let (_, megan) = call(
        &server,
        "GET",
        &token,
        "/v1.0/users/megan@contoso.com",
        None,
    )
    .await;
    let megan_id = megan["id"].as_str().unwrap().to_owned();
    let partner = json!({"tenantId": FABRIKAM});
    let (status, _) = call(
        &server,
        "POST",
        &token,
        "/v1.0/policies/crossTenantAccessPolicy/partners",
        Some(partner),
    )
    .await;
    assert_eq!(status, 201);
    for login in ["inviter@contoso.com", "megan@contoso.com"] {
        let (client, csrf) = portal_session(&server, login).await;
        let (_, nav) = get(&server, &client, "/portal/me").await;
        for link in [
            "nav-conditional-access",
            "nav-cross-tenant",
            "nav-deleted-users",
        ] {
            assert!(!nav.contains(link), "{login} sees {link}");
        }
        for path in [
            "/portal/conditional-access/new".to_owned(),
            format!("/portal/conditional-access/{policy}/edit"),
            "/portal/named-locations".into(),
            "/portal/named-locations/new".into(),
            "/portal/terms-of-use".into(),
            "/portal/cross-tenant/default".into(),
            format!("/portal/cross-tenant/partners/{FABRIKAM}"),
            "/portal/deleted-users".into(),
        ] {
            let (status, _) = get(&server, &client, &path).await;
            assert_eq!(status, 403, "{login} GET {path}");
        }
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                "/portal/conditional-access/new".into(),
                guest_policy_form(&csrf, &[("grantControls.builtInControls", "block")]),
            ),
            (
                format!("/portal/conditional-access/{policy}/delete"),
                vec![("csrf", &csrf), ("confirm", "yes")],
            ),
            (
                "/portal/named-locations/new".into(),
                vec![
                    ("csrf", &csrf),
                    ("@odata.type", "ipNamedLocation"),
                    ("displayName", "X"),
                    ("ipRanges", "10.0.0.0/8"),
                ],
            ),
            (
                "/portal/terms-of-use".into(),
                vec![("csrf", &csrf), ("name", "X"), ("text", "X")],
            ),
            (
                "/portal/cross-tenant/partners".into(),
                vec![("csrf", &csrf), ("organization", "adatum.com")],
            ),
            (
                format!("/portal/cross-tenant/partners/{FABRIKAM}/delete"),
                vec![("csrf", &csrf), ("confirm", "yes")],
            ),
            (
                format!("/portal/deleted-users/{megan_id}"),
                vec![("csrf", &csrf), ("action", "purge"), ("confirm", "yes")],
            ),
        ];
        for (path, form) in posts {
            let (status, _, _) = post(&server, &client, &path, &form).await;
            assert_eq!(status, 403, "{login} POST {path}");
        }
    }
    // Nothing changed.
    let (_, after) = call(&server, "GET", &token, POLICIES, None).await;
    assert_eq!(
        after["value"].as_array().unwrap().len(),
        policies["value"].as_array().unwrap().len()
    );
    let (_, locations) = call(
        &server,
        "GET",
        &token,
        "/v1.0/identity/conditionalAccess/namedLocations",
        None,
    )
    .await;
    assert!(locations["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["displayName"] != "X"));
    let (status, _) = call(
        &server,
        "GET",
        &token,
        &format!("/v1.0/policies/crossTenantAccessPolicy/partners/{FABRIKAM}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "Fabrikam's partner entry is still there");
}

#[tokio::test]
async fn session_controls_are_edited_with_graphs_rules() {
    let server = spawn_demo().await;
    let token = contoso_admin(&server).await;
    let (client, csrf) = portal_session(&server, "admin@contoso.com").await;
    let (_, page) = get(&server, &client, "/portal/conditional-access/new").await;
    assert!(page.contains("id=\"frequency-timeBased\""), "{page}");
    assert!(page.contains("id=\"browser-never\""));

    // 30 hours: Graph's range, next to the field.
    let frequency = "sessionControls.signInFrequency";
    let mut form = guest_policy_form(&csrf, &[]);
    form.extend([
        (
            "sessionControls.signInFrequency.frequencyInterval",
            "timeBased",
        ),
        ("sessionControls.signInFrequency.value", "30"),
        ("sessionControls.signInFrequency.type", "hours"),
        ("sessionControls.persistentBrowser.mode", "off"),
    ]);
    let (status, _, page) = post(&server, &client, "/portal/conditional-access/new", &form).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("id=\"error-signInFrequency\""), "{page}");
    assert!(page.contains("between 1 and 23 hours"), "{page}");
    assert!(page.contains(&format!("name=\"{frequency}.value\"")));

    // Eight hours with no grant controls: a session-only policy, as Graph stores it.
    let form: Vec<(&str, &str)> = form
        .into_iter()
        .map(|(name, value)| match name {
            "sessionControls.signInFrequency.value" => (name, "8"),
            _ => (name, value),
        })
        .collect();
    let (status, location, page) =
        post(&server, &client, "/portal/conditional-access/new", &form).await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(location, "/portal/conditional-access?saved=policy");
    let (_, policies) = call(&server, "GET", &token, POLICIES, None).await;
    let policy = policies["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["displayName"] == "Guests need MFA")
        .unwrap()
        .clone();
    assert_eq!(policy["grantControls"], Value::Null);
    let frequency_json = &policy["sessionControls"]["signInFrequency"];
    assert_eq!(frequency_json["value"], 8);
    assert_eq!(frequency_json["type"], "hours");
    assert_eq!(policy["sessionControls"]["persistentBrowser"], Value::Null);
    let (_, list) = get(&server, &client, "/portal/conditional-access").await;
    assert!(list.contains("Sign-in frequency: every 8 hours"), "{list}");

    // The editor shows what is stored; a persistent browser session then needs all apps.
    let id = policy["id"].as_str().unwrap();
    let edit = format!("/portal/conditional-access/{id}/edit");
    let (_, page) = get(&server, &client, &edit).await;
    assert!(page.contains("id=\"frequency-timeBased\" name=\"sessionControls.signInFrequency.frequencyInterval\" value=\"timeBased\" checked"), "{page}");
    assert!(page.contains("value=\"8\""));
    let mut narrow = guest_policy_form(&csrf, &[]);
    narrow.retain(|(name, _)| *name != "conditions.applications.includeApplications");
    narrow.extend([
        (
            "conditions.applications.includeApplications",
            crate::oidc_client::CLI_APP,
        ),
        ("sessionControls.persistentBrowser.mode", "never"),
    ]);
    let (status, _, page) = post(&server, &client, &edit, &narrow).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("id=\"error-persistentBrowser\""), "{page}");
}
