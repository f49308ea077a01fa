//! Cross-tenant access settings through Graph: the policy object, the default (service default,
//! changes, reset), partner entries (inheritance through `null`, overrides, 404 and 409), every
//! validation rule, permissions, audit records and tenant isolation.

use crate::harness::{call, spawn_demo, TestServer};
use crate::oidc_client::*;
use portico_model::logs::AuditRecord;
use portico_model::TenantId;
use serde_json::{json, Value};

const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
const ADATUM: &str = "33333333-3333-4333-8333-333333333333";
const WOODGROVE: &str = "44444444-4444-4444-8444-444444444444";
const GROUP: &str = "6f546279-4da5-4b53-a095-09ea0cef9971";

const POLICY: &str = "/v1.0/policies/crossTenantAccessPolicy";
const DEFAULT: &str = "/v1.0/policies/crossTenantAccessPolicy/default";
const RESET: &str = "/v1.0/policies/crossTenantAccessPolicy/default/resetToSystemDefault";
const PARTNERS: &str = "/v1.0/policies/crossTenantAccessPolicy/partners";

async fn token_of(server: &TestServer, domain: &str, client: &str, secret: &str) -> String {
    app_token(server, domain, client, secret).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn contoso_admin(server: &TestServer) -> String {
    token_of(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await
}

/// A delegated Contoso token for `user` with the given Graph scopes.
async fn delegated(server: &TestServer, user: &str, scopes: &str) -> String {
    let browser = browser(server);
    let url = authorize_url(server, &format!("&login_hint={}", user.replace('@', "%40")))
        .replace("User.Read", &scopes.replace(' ', "%20"));
    let page = browser.get(url).send().await.unwrap().text().await.unwrap();
    let done = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
    let tokens: Value = redeem(server, &redirect_params(&done)["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

async fn get(server: &TestServer, token: &str, path: &str) -> (u16, Value) {
    call(server, "GET", token, path, None).await
}

async fn patch(server: &TestServer, token: &str, path: &str, body: Value) -> (u16, Value) {
    call(server, "PATCH", token, path, Some(body)).await
}

async fn post(server: &TestServer, token: &str, path: &str, body: Value) -> (u16, Value) {
    call(server, "POST", token, path, Some(body)).await
}

fn partner(id: &str) -> String {
    format!("{PARTNERS}/{id}")
}

fn all(access: &str, keyword: &str, target_type: &str) -> Value {
    json!({"accessType": access, "targets": [{"target": keyword, "targetType": target_type}]})
}

fn setting(access: &str) -> Value {
    json!({
        "usersAndGroups": all(access, "AllUsers", "user"),
        "applications": all(access, "AllApplications", "application"),
    })
}

/// Asserts a 400 in the Graph envelope whose message mentions `mentions`.
fn assert_refused((status, body): (u16, Value), mentions: &str, reason: Option<&str>) {
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "Request_BadRequest", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(mentions),
        "'{message}' should mention '{mentions}'"
    );
    if let Some(reason) = reason {
        assert_eq!(body["error"]["innerError"]["code"], reason, "{body}");
    }
}

fn service_default(id: &Value) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/default/$entity",
        "id": id,
        "isServiceDefault": true,
        "inboundTrust": {"isMfaAccepted": false, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": false},
        "b2bCollaborationOutbound": setting("allowed"),
        "b2bCollaborationInbound": setting("allowed"),
        "b2bDirectConnectOutbound": setting("blocked"),
        "b2bDirectConnectInbound": setting("blocked"),
        "automaticUserConsentSettings": {"inboundAllowed": false, "outboundAllowed": false},
        "tenantRestrictions": {
            "devices": null,
            "usersAndGroups": all("blocked", "AllUsers", "user"),
            "applications": all("blocked", "AllApplications", "application"),
        },
        "invitationRedemptionIdentityProviderConfiguration": {
            "@odata.type": "#microsoft.graph.defaultInvitationRedemptionIdentityProviderConfiguration",
            "primaryIdentityProviderPrecedenceOrder": ["azureActiveDirectory", "externalFederation", "socialIdentityProviders"],
            "fallbackIdentityProvider": "defaultConfiguredIdp",
        },
    })
}

#[tokio::test]
async fn the_policy_object_is_read_and_updated() {
    let server = spawn_demo().await;
    let admin = contoso_admin(&server).await;
    let (status, policy) = get(&server, &admin, POLICY).await;
    assert_eq!(status, 200, "{policy}");
    assert_eq!(
        policy["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/$entity"
    );
    assert!(uuid::Uuid::parse_str(policy["id"].as_str().unwrap()).is_ok());
    assert_eq!(policy["displayName"], "CrossTenantAccessPolicy");
    assert_eq!(policy["allowedCloudEndpoints"], json!([]));

    let (status, body) = patch(
        &server,
        &admin,
        POLICY,
        json!({"@odata.type": "#microsoft.graph.crossTenantAccessPolicy", "displayName": "Contoso XTAP", "allowedCloudEndpoints": ["microsoftonline.us", "microsoftonline.us"]}),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, after) = get(&server, &admin, POLICY).await;
    assert_eq!(after["displayName"], "Contoso XTAP");
    assert_eq!(
        after["allowedCloudEndpoints"],
        json!(["microsoftonline.us"])
    );
    assert_eq!(after["id"], policy["id"], "the id is stable");

    assert_refused(
        patch(
            &server,
            &admin,
            POLICY,
            json!({"allowedCloudEndpoints": ["example.com"]}),
        )
        .await,
        "microsoftonline.com, microsoftonline.us or partner.microsoftonline.cn",
        None,
    );
    assert_refused(
        patch(&server, &admin, POLICY, json!({"displayName": "  "})).await,
        "displayName",
        None,
    );
    assert_refused(
        patch(&server, &admin, POLICY, json!({"definition": ["x"]})).await,
        "Property 'definition' does not exist",
        None,
    );
    assert_refused(
        patch(
            &server,
            &admin,
            POLICY,
            json!({"@odata.type": "#microsoft.graph.user"}),
        )
        .await,
        "#microsoft.graph.crossTenantAccessPolicy",
        None,
    );
}

#[tokio::test]
async fn the_default_is_the_service_default_until_changed_and_reset() {
    let server = spawn_demo().await;
    let admin = contoso_admin(&server).await;
    let (status, initial) = get(&server, &admin, DEFAULT).await;
    assert_eq!(status, 200, "{initial}");
    assert_eq!(initial, service_default(&initial["id"]));

    // Changing one flag keeps the others and makes the default the tenant's own.
    let (status, body) = patch(
        &server,
        &admin,
        DEFAULT,
        json!({
            "inboundTrust": {"isMfaAccepted": true},
            "b2bCollaborationInbound": {"usersAndGroups": {"accessType": "allowed", "targets": [{"target": GROUP, "targetType": "group"}]}},
            "tenantRestrictions": {"usersAndGroups": all("allowed", "AllUsers", "user"), "applications": all("allowed", "AllApplications", "application")},
            "automaticUserConsentSettings": {"inboundAllowed": false, "outboundAllowed": null},
        }),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, changed) = get(&server, &admin, DEFAULT).await;
    assert_eq!(changed["isServiceDefault"], false);
    assert_eq!(changed["inboundTrust"]["isMfaAccepted"], true);
    assert_eq!(changed["inboundTrust"]["isCompliantDeviceAccepted"], false);
    assert_eq!(
        changed["b2bCollaborationInbound"],
        json!({
            "usersAndGroups": {"accessType": "allowed", "targets": [{"target": GROUP, "targetType": "group"}]},
            "applications": all("allowed", "AllApplications", "application"),
        }),
        "the half left out keeps its value"
    );
    assert_eq!(
        changed["tenantRestrictions"]["usersAndGroups"]["accessType"],
        "allowed"
    );
    assert_eq!(
        changed["automaticUserConsentSettings"],
        json!({"inboundAllowed": false, "outboundAllowed": false})
    );

    // Even a PATCH that restores the service values leaves a customized default.
    let (status, _) = patch(
        &server,
        &admin,
        DEFAULT,
        json!({"inboundTrust": {"isMfaAccepted": false}, "b2bCollaborationInbound": setting("allowed"), "tenantRestrictions": setting("blocked")}),
    )
    .await;
    assert_eq!(status, 204);
    let (_, restored) = get(&server, &admin, DEFAULT).await;
    assert_eq!(restored["isServiceDefault"], false);

    let (status, body) = call(&server, "POST", &admin, RESET, None).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(get(&server, &admin, DEFAULT).await.1, initial);

    // Read-only and non-null rules of the default.
    assert_refused(
        patch(
            &server,
            &admin,
            DEFAULT,
            json!({"automaticUserConsentSettings": {"inboundAllowed": true}}),
        )
        .await,
        "automaticUserConsentSettings is read-only",
        Some("readOnlyProperty"),
    );
    assert_refused(
        patch(
            &server,
            &admin,
            DEFAULT,
            json!({"automaticUserConsentSettings": {"outboundAllowed": true}}),
        )
        .await,
        "automaticUserConsentSettings is read-only",
        Some("readOnlyProperty"),
    );
    assert_refused(
        patch(&server, &admin, DEFAULT, json!({"isServiceDefault": true})).await,
        "resetToSystemDefault",
        Some("readOnlyProperty"),
    );
    assert_refused(
        patch(
            &server,
            &admin,
            DEFAULT,
            json!({"b2bCollaborationInbound": null}),
        )
        .await,
        "b2bCollaborationInbound can't be null",
        None,
    );
    assert_refused(
        patch(&server, &admin, DEFAULT, json!({"invitationRedemptionIdentityProviderConfiguration": {"primaryIdentityProviderPrecedenceOrder": ["azureActiveDirectory"], "fallbackIdentityProvider": "microsoftAccount"}})).await,
        "cannot create personal accounts",
        None,
    );
    assert_refused(
        patch(
            &server,
            &admin,
            DEFAULT,
            json!({"tenantRestrictions": {"devices": {"mode": "allowed"}}}),
        )
        .await,
        "tenantRestrictions.devices",
        None,
    );
    assert_refused(
        patch(
            &server,
            &admin,
            DEFAULT,
            json!({"@odata.type": "#microsoft.graph.crossTenantAccessPolicyConfigurationPartner"}),
        )
        .await,
        "#microsoft.graph.crossTenantAccessPolicyConfigurationDefault",
        None,
    );
    // The redemption configuration round-trips, and refusals changed nothing.
    let (status, _) = patch(
        &server,
        &admin,
        DEFAULT,
        json!({"invitationRedemptionIdentityProviderConfiguration": initial["invitationRedemptionIdentityProviderConfiguration"]}),
    )
    .await;
    assert_eq!(status, 204);
    let (_, after) = get(&server, &admin, DEFAULT).await;
    assert_eq!(after["isServiceDefault"], false);
    assert_eq!(after["b2bCollaborationInbound"], setting("allowed"));
}

#[tokio::test]
async fn partners_inherit_through_null_and_override_the_default() {
    let server = spawn_demo().await;
    let admin = contoso_admin(&server).await;
    assert_eq!(
        get(&server, &admin, PARTNERS).await.1,
        json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/partners", "value": []})
    );
    let (status, created) = post(
        &server,
        &admin,
        PARTNERS,
        json!({"tenantId": FABRIKAM, "b2bCollaborationInbound": setting("blocked"), "inboundTrust": null}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created,
        json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/partners/$entity",
            "tenantId": FABRIKAM,
            "isServiceProvider": false,
            "isInMultiTenantOrganization": false,
            "inboundTrust": null,
            "automaticUserConsentSettings": {"inboundAllowed": null, "outboundAllowed": null},
            "b2bCollaborationOutbound": null,
            "b2bCollaborationInbound": setting("blocked"),
            "b2bDirectConnectOutbound": null,
            "b2bDirectConnectInbound": null,
            "tenantRestrictions": null,
        })
    );
    assert_eq!(get(&server, &admin, &partner(FABRIKAM)).await.1, created);
    // The partner overrides; the default is untouched.
    let (_, default) = get(&server, &admin, DEFAULT).await;
    assert_eq!(default["b2bCollaborationInbound"], setting("allowed"));
    assert_eq!(default["isServiceDefault"], true);
    let (_, list) = get(&server, &admin, PARTNERS).await;
    assert_eq!(list["value"][0]["tenantId"], FABRIKAM);
    assert_eq!(list["value"].as_array().unwrap().len(), 1);

    // null resets to inherit; automatic redemption and service provider are set explicitly.
    let (status, body) = patch(
        &server,
        &admin,
        &partner(FABRIKAM),
        json!({
            "tenantId": FABRIKAM,
            "b2bCollaborationInbound": null,
            "automaticUserConsentSettings": {"inboundAllowed": true},
            "isServiceProvider": true,
            "inboundTrust": {"isCompliantDeviceAccepted": true},
            "tenantRestrictions": {"usersAndGroups": all("allowed", "AllUsers", "user"), "applications": all("allowed", "AllApplications", "application"), "devices": null},
        }),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, updated) = get(&server, &admin, &partner(FABRIKAM)).await;
    assert_eq!(updated["b2bCollaborationInbound"], Value::Null);
    assert_eq!(
        updated["automaticUserConsentSettings"],
        json!({"inboundAllowed": true, "outboundAllowed": null})
    );
    assert_eq!(updated["isServiceProvider"], true);
    assert_eq!(
        updated["inboundTrust"],
        json!({"isMfaAccepted": false, "isCompliantDeviceAccepted": true, "isHybridAzureADJoinedDeviceAccepted": false}),
        "trust flags left out come from the default"
    );
    assert_eq!(
        updated["tenantRestrictions"],
        json!({"devices": null, "usersAndGroups": all("allowed", "AllUsers", "user"), "applications": all("allowed", "AllApplications", "application")})
    );

    // A half left out is completed from what the partner inherits, then checked as a whole:
    // allowing a group while the default's direct connect blocks every app is refused…
    assert_refused(
        patch(
            &server,
            &admin,
            &partner(FABRIKAM),
            json!({"b2bDirectConnectInbound": {"usersAndGroups": {"accessType": "allowed", "targets": [{"target": GROUP, "targetType": "group"}]}}}),
        )
        .await,
        "b2bDirectConnectInbound allows users but blocks all applications",
        Some("conflictingTargetConfiguration"),
    );
    // …and accepted once an application is allowed.
    let (status, body) = patch(
        &server,
        &admin,
        &partner(FABRIKAM),
        json!({"b2bDirectConnectInbound": {
            "@odata.type": "#microsoft.graph.crossTenantAccessPolicyB2BSetting",
            "usersAndGroups": {"accessType": "allowed", "targets": [{"target": GROUP, "targetType": "group"}]},
            "applications": {"accessType": "allowed", "targets": [{"target": "Office365", "targetType": "application"}]},
        }}),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, updated) = get(&server, &admin, &partner(FABRIKAM)).await;
    assert_eq!(
        updated["b2bDirectConnectInbound"]["applications"]["targets"][0]["target"],
        "Office365"
    );
    assert_eq!(updated["isServiceProvider"], true, "left out, kept");

    // The seeded partner of Woodgrove shows its override and inherits the rest.
    let woodgrove = token_of(
        &server,
        "woodgrovebank.com",
        "900d0001-0000-4000-8000-000000000001",
        "woodgrove-admin-secret",
    )
    .await;
    let (status, seeded) = get(&server, &woodgrove, &partner(CONTOSO)).await;
    assert_eq!(status, 200, "{seeded}");
    assert_eq!(seeded["b2bCollaborationOutbound"], setting("blocked"));
    assert_eq!(seeded["b2bCollaborationInbound"], Value::Null);
    assert_eq!(seeded["tenantRestrictions"], Value::Null);
}

#[tokio::test]
async fn partner_bodies_are_validated() {
    let server = spawn_demo().await;
    let admin = contoso_admin(&server).await;
    let create = |body: Value| {
        let mut body = body;
        body["tenantId"] = json!(FABRIKAM);
        body
    };
    let cases: Vec<(Value, &str, Option<&str>)> = vec![
        (
            create(
                json!({"b2bCollaborationInbound": {"usersAndGroups": all("blocked", "AllUsers", "user"), "applications": all("allowed", "AllApplications", "application")}}),
            ),
            "blocks all users (AllUsers) but not all applications",
            Some("conflictingTargetConfiguration"),
        ),
        (
            create(
                json!({"b2bCollaborationOutbound": {"usersAndGroups": all("allowed", "AllUsers", "user"), "applications": all("blocked", "AllApplications", "application")}}),
            ),
            "allows users but blocks all applications",
            Some("conflictingTargetConfiguration"),
        ),
        (
            create(
                json!({"b2bCollaborationInbound": {"usersAndGroups": all("unknownFutureValue", "AllUsers", "user")}}),
            ),
            "use 'allowed' or 'blocked'",
            None,
        ),
        (
            create(
                json!({"b2bCollaborationInbound": {"usersAndGroups": all("allowed", "AllUsers", "device")}}),
            ),
            "use 'user', 'group' or 'application'",
            None,
        ),
        (
            create(
                json!({"b2bCollaborationInbound": {"usersAndGroups": all("allowed", GROUP, "application")}}),
            ),
            "takes targets of type user or group",
            Some("invalidTargetConfiguration"),
        ),
        (
            create(
                json!({"b2bCollaborationInbound": {"applications": all("allowed", "AllApplications", "user")}}),
            ),
            "takes targets of type application",
            Some("invalidTargetConfiguration"),
        ),
        (
            create(
                json!({"b2bCollaborationInbound": {"usersAndGroups": all("allowed", "AllUsers", "group")}}),
            ),
            "AllUsers in b2bCollaborationInbound.usersAndGroups must have targetType user",
            Some("invalidTargetConfiguration"),
        ),
        (
            create(
                json!({"b2bCollaborationInbound": {"usersAndGroups": all("allowed", "AllApplications", "user")}}),
            ),
            "AllApplications names applications",
            Some("invalidTargetConfiguration"),
        ),
        (
            create(
                json!({"b2bCollaborationInbound": {"applications": all("allowed", "AllUsers", "application")}}),
            ),
            "AllUsers names users",
            Some("invalidTargetConfiguration"),
        ),
        (
            create(
                json!({"b2bCollaborationInbound": {"usersAndGroups": all("allowed", "bob", "user")}}),
            ),
            "is not an object id",
            Some("invalidTargetConfiguration"),
        ),
        (
            create(
                json!({"b2bCollaborationInbound": {"usersAndGroups": {"accessType": "allowed", "targets": []}}}),
            ),
            "lists no targets",
            Some("invalidTargetConfiguration"),
        ),
        (
            create(
                json!({"b2bCollaborationInbound": {"usersAndGroups": {"accessType": "allowed"}}}),
            ),
            "needs its targets",
            None,
        ),
        (
            create(
                json!({"tenantRestrictions": {"usersAndGroups": all("blocked", "AllUsers", "user"), "applications": all("allowed", "AllApplications", "application")}}),
            ),
            "tenantRestrictions blocks all users",
            Some("conflictingTargetConfiguration"),
        ),
        (
            create(json!({"colour": "blue"})),
            "Property 'colour' does not exist",
            None,
        ),
        (
            create(
                json!({"b2bCollaborationInbound": {"usersAndGroups": {"accessType": "allowed", "targets": [], "extra": 1}}}),
            ),
            "Property 'extra' does not exist",
            None,
        ),
        (
            create(json!({"@odata.type": "#microsoft.graph.user"})),
            "#microsoft.graph.crossTenantAccessPolicyConfigurationPartner",
            None,
        ),
        (
            create(json!({"b2bCollaborationInbound": {"@odata.type": "#microsoft.graph.group"}})),
            "#microsoft.graph.crossTenantAccessPolicyB2BSetting",
            None,
        ),
        (
            create(json!({"isInMultiTenantOrganization": true})),
            "isInMultiTenantOrganization is read-only",
            Some("readOnlyProperty"),
        ),
        (
            json!({"tenantId": CONTOSO}),
            "this tenant's own id",
            Some("partnerIsThisTenant"),
        ),
        (json!({}), "tenantId is required", None),
        (
            json!({"tenantId": "fabrikam.com"}),
            "is not a tenant id",
            None,
        ),
    ];
    for (body, mentions, reason) in cases {
        assert_refused(
            post(&server, &admin, PARTNERS, body).await,
            mentions,
            reason,
        );
    }
    assert_eq!(
        get(&server, &admin, PARTNERS).await.1["value"],
        json!([]),
        "nothing was created"
    );

    // The same rules on PATCH, plus the key that cannot change.
    assert_eq!(
        post(&server, &admin, PARTNERS, json!({"tenantId": FABRIKAM}))
            .await
            .0,
        201
    );
    assert_refused(
        patch(
            &server,
            &admin,
            &partner(FABRIKAM),
            json!({"tenantId": ADATUM}),
        )
        .await,
        "tenantId is the key",
        Some("readOnlyProperty"),
    );
    assert_refused(
        patch(&server, &admin, &partner(FABRIKAM), json!({"b2bDirectConnectOutbound": {"usersAndGroups": all("blocked", "AllUsers", "user"), "applications": all("allowed", "Office365", "application")}})).await,
        "b2bDirectConnectOutbound blocks all users",
        Some("conflictingTargetConfiguration"),
    );
}

#[tokio::test]
async fn unknown_partners_are_404_and_duplicates_409() {
    let server = spawn_demo().await;
    let admin = contoso_admin(&server).await;
    for path in [partner(ADATUM), partner("not-a-tenant")] {
        let (status, body) = get(&server, &admin, &path).await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
    }
    assert_eq!(
        patch(
            &server,
            &admin,
            &partner(ADATUM),
            json!({"isServiceProvider": true})
        )
        .await
        .0,
        404
    );
    assert_eq!(
        call(&server, "DELETE", &admin, &partner(ADATUM), None)
            .await
            .0,
        404
    );

    assert_eq!(
        post(&server, &admin, PARTNERS, json!({"tenantId": ADATUM}))
            .await
            .0,
        201
    );
    let (status, body) = post(
        &server,
        &admin,
        PARTNERS,
        json!({"tenantId": ADATUM, "isServiceProvider": true}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("already exists"));
    assert_eq!(
        get(&server, &admin, &partner(ADATUM)).await.1["isServiceProvider"],
        false,
        "the conflict changed nothing"
    );

    assert_eq!(
        call(&server, "DELETE", &admin, &partner(ADATUM), None)
            .await
            .0,
        204
    );
    assert_eq!(get(&server, &admin, &partner(ADATUM)).await.0, 404);
    assert_eq!(
        call(&server, "DELETE", &admin, &partner(ADATUM), None)
            .await
            .0,
        404
    );
    // Deleted, the tenant can be added again.
    assert_eq!(
        post(&server, &admin, PARTNERS, json!({"tenantId": ADATUM}))
            .await
            .0,
        201
    );
}

#[tokio::test]
async fn only_policy_permissions_and_administrators_read_and_write() {
    let server = spawn_demo().await;
    // An app without Graph permissions.
    let web = token_of(
        &server,
        "contoso.com",
        "c0c0a002-0000-4000-8000-000000000002",
        "contoso-web-secret",
    )
    .await;
    assert_eq!(get(&server, &web, DEFAULT).await.0, 403);
    assert_eq!(get(&server, &web, PARTNERS).await.0, 403);
    assert_eq!(get(&server, &web, POLICY).await.0, 403);
    // The permission is checked before the body is read.
    let (status, body) = patch(&server, &web, DEFAULT, json!({"nonsense": true})).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
    assert_eq!(
        post(&server, &web, PARTNERS, json!({"tenantId": FABRIKAM}))
            .await
            .0,
        403
    );
    assert_eq!(call(&server, "POST", &web, RESET, None).await.0, 403);

    // A member with the scope but no administrator role.
    let megan = delegated(
        &server,
        "megan@contoso.com",
        "Policy.ReadWrite.CrossTenantAccess",
    )
    .await;
    assert_eq!(get(&server, &megan, DEFAULT).await.0, 403);
    assert_eq!(
        patch(
            &server,
            &megan,
            DEFAULT,
            json!({"inboundTrust": {"isMfaAccepted": true}})
        )
        .await
        .0,
        403
    );
    assert_eq!(get(&server, &megan, &partner(FABRIKAM)).await.0, 403);
    assert_eq!(
        call(&server, "DELETE", &megan, &partner(FABRIKAM), None)
            .await
            .0,
        403
    );

    // An administrator reads with Policy.Read.All but needs the write scope to change.
    let reader = delegated(&server, "admin@contoso.com", "Policy.Read.All").await;
    assert_eq!(get(&server, &reader, DEFAULT).await.0, 200);
    assert_eq!(get(&server, &reader, PARTNERS).await.0, 200);
    assert_eq!(
        patch(&server, &reader, POLICY, json!({"displayName": "x"}))
            .await
            .0,
        403
    );
    let writer = delegated(
        &server,
        "admin@contoso.com",
        "Policy.ReadWrite.CrossTenantAccess",
    )
    .await;
    assert_eq!(get(&server, &writer, POLICY).await.0, 200);
    let (status, body) = post(&server, &writer, PARTNERS, json!({"tenantId": FABRIKAM})).await;
    assert_eq!(status, 201, "{body}");
    let records = server
        .running()
        .app
        .store_for_tests()
        .list_audit_records(TenantId::parse(CONTOSO).unwrap(), 50)
        .await
        .unwrap();
    let record = records
        .iter()
        .find(|r| r.activity == "Add a partner to cross-tenant access setting")
        .unwrap();
    assert!(
        matches!(&record.initiated_by, portico_model::logs::Actor::User { user_principal_name, .. } if user_principal_name == "admin@contoso.com"),
        "{record:?}"
    );
}

async fn audited(server: &TestServer) -> Vec<AuditRecord> {
    server
        .running()
        .app
        .store_for_tests()
        .list_audit_records(TenantId::parse(CONTOSO).unwrap(), 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.category == "CrossTenantAccessSettings")
        .collect()
}

#[tokio::test]
async fn every_change_writes_one_audit_record_and_refusals_none() {
    let server = spawn_demo().await;
    let admin = contoso_admin(&server).await;
    let audited = || audited(&server);
    assert!(audited().await.is_empty());
    assert_eq!(
        patch(&server, &admin, POLICY, json!({"displayName": "P"}))
            .await
            .0,
        204
    );
    assert_eq!(
        patch(
            &server,
            &admin,
            DEFAULT,
            json!({"inboundTrust": {"isMfaAccepted": true}})
        )
        .await
        .0,
        204
    );
    assert_eq!(call(&server, "POST", &admin, RESET, None).await.0, 204);
    assert_eq!(
        post(&server, &admin, PARTNERS, json!({"tenantId": FABRIKAM}))
            .await
            .0,
        201
    );
    assert_eq!(
        patch(
            &server,
            &admin,
            &partner(FABRIKAM),
            json!({"automaticUserConsentSettings": {"inboundAllowed": true}})
        )
        .await
        .0,
        204
    );
    assert_eq!(
        call(&server, "DELETE", &admin, &partner(FABRIKAM), None)
            .await
            .0,
        204
    );
    // Refused changes write nothing.
    assert_eq!(
        patch(
            &server,
            &admin,
            DEFAULT,
            json!({"automaticUserConsentSettings": {"inboundAllowed": true}})
        )
        .await
        .0,
        400
    );
    assert_eq!(
        post(&server, &admin, PARTNERS, json!({"tenantId": CONTOSO}))
            .await
            .0,
        400
    );
    assert_eq!(
        call(&server, "DELETE", &admin, &partner(FABRIKAM), None)
            .await
            .0,
        404
    );

    let mut activities: Vec<String> = audited().await.into_iter().map(|r| r.activity).collect();
    activities.sort();
    let mut expected = vec![
        "Update cross-tenant access policy",
        "Update the company default cross-tenant access setting",
        "Reset the cross-tenant access default setting",
        "Add a partner to cross-tenant access setting",
        "Update a partner cross-tenant access setting",
        "Delete partner specific cross-tenant access setting",
    ];
    expected.sort();
    assert_eq!(activities, expected);
    let consent = audited()
        .await
        .into_iter()
        .find(|r| r.activity == "Update a partner cross-tenant access setting")
        .unwrap();
    assert_eq!(
        consent.targets[0].id, FABRIKAM,
        "the partner is the audit target"
    );
}

#[tokio::test]
async fn tenants_never_see_each_others_settings() {
    let server = spawn_demo().await;
    let contoso = contoso_admin(&server).await;
    let fabrikam = token_of(
        &server,
        "fabrikam.com",
        "fabca001-0000-4000-8000-000000000001",
        "fabrikam-admin-secret",
    )
    .await;
    assert_eq!(
        post(
            &server,
            &contoso,
            PARTNERS,
            json!({"tenantId": ADATUM, "b2bCollaborationInbound": setting("blocked")})
        )
        .await
        .0,
        201
    );
    assert_eq!(
        patch(
            &server,
            &contoso,
            DEFAULT,
            json!({"inboundTrust": {"isMfaAccepted": true}})
        )
        .await
        .0,
        204
    );

    assert_eq!(
        get(&server, &fabrikam, PARTNERS).await.1["value"],
        json!([])
    );
    // Woodgrove's seeded entry about Contoso is Woodgrove's, not Contoso's.
    assert_eq!(get(&server, &contoso, &partner(WOODGROVE)).await.0, 404);
    assert_eq!(get(&server, &fabrikam, &partner(ADATUM)).await.0, 404);
    assert_eq!(
        patch(
            &server,
            &fabrikam,
            &partner(ADATUM),
            json!({"isServiceProvider": true})
        )
        .await
        .0,
        404
    );
    assert_eq!(
        call(&server, "DELETE", &fabrikam, &partner(ADATUM), None)
            .await
            .0,
        404
    );
    let (_, default) = get(&server, &fabrikam, DEFAULT).await;
    assert_eq!(default["isServiceDefault"], true);
    assert_eq!(default["inboundTrust"]["isMfaAccepted"], false);
    let (_, contoso_default) = get(&server, &contoso, DEFAULT).await;
    assert_ne!(
        default["id"], contoso_default["id"],
        "each tenant's default has its own id"
    );
    // Fabrikam may add the same partner tenant independently.
    assert_eq!(
        post(&server, &fabrikam, PARTNERS, json!({"tenantId": ADATUM}))
            .await
            .0,
        201
    );
    assert_eq!(
        get(&server, &contoso, &partner(ADATUM)).await.1["b2bCollaborationInbound"],
        setting("blocked")
    );
}

/// The page after typing `login` on an invitation's redeem link.
async fn page_after_login(server: &TestServer, invitation: &Value, login: &str) -> String {
    let client = browser(server);
    let url = invitation["inviteRedeemUrl"].as_str().unwrap();
    let page = client.get(url).send().await.unwrap().text().await.unwrap();
    post_form(&client, &page, &[("login", login)])
        .await
        .text()
        .await
        .unwrap()
}

async fn invite(server: &TestServer, token: &str, address: &str) -> Value {
    let body = json!({"invitedUserEmailAddress": address, "inviteRedirectUrl": "https://myapps.example.com", "sendInvitationMessage": false});
    let (status, invitation) = post(server, token, "/v1.0/invitations", body).await;
    assert_eq!(status, 201, "{invitation}");
    invitation
}

#[tokio::test]
async fn the_redemption_order_decides_how_a_personal_account_redeems() {
    // The default: an existing personal account redeems with its own password.
    let server = spawn_demo().await;
    let admin = contoso_admin(&server).await;
    let invitation = invite(&server, &admin, "carol@outlook.com").await;
    let page = page_after_login(&server, &invitation, "carol@outlook.com").await;
    assert!(page.contains("id=\"password\""), "{page}");

    // One-time passcode as the fallback: the same invitation redeems with a passcode.
    let server = spawn_demo().await;
    let admin = contoso_admin(&server).await;
    let order = json!({
        "primaryIdentityProviderPrecedenceOrder": ["externalFederation", "azureActiveDirectory"],
        "fallbackIdentityProvider": "emailOneTimePasscode",
    });
    let body = json!({"invitationRedemptionIdentityProviderConfiguration": order});
    let (status, refused) = patch(&server, &admin, DEFAULT, body).await;
    assert_eq!(status, 204, "{refused}");
    let (_, shown) = get(&server, &admin, DEFAULT).await;
    let shown = &shown["invitationRedemptionIdentityProviderConfiguration"];
    assert_eq!(
        shown["primaryIdentityProviderPrecedenceOrder"],
        order["primaryIdentityProviderPrecedenceOrder"]
    );
    assert_eq!(shown["fallbackIdentityProvider"], "emailOneTimePasscode");
    let invitation = invite(&server, &admin, "carol@outlook.com").await;
    let page = page_after_login(&server, &invitation, "carol@outlook.com").await;
    assert!(page.contains("id=\"passcode-address\""), "{page}");

    // Back to the system default: the invitation stays bound to the passcode it was sent with.
    let reset = format!("{DEFAULT}/resetToSystemDefault");
    let (status, _) = post(&server, &admin, &reset, json!({})).await;
    assert_eq!(status, 204);
    let (_, after) = get(&server, &admin, DEFAULT).await;
    let after = &after["invitationRedemptionIdentityProviderConfiguration"];
    assert_eq!(after["fallbackIdentityProvider"], "defaultConfiguredIdp");
    let page = page_after_login(&server, &invitation, "carol@outlook.com").await;
    assert!(page.contains("id=\"passcode-address\""), "{page}");
}
