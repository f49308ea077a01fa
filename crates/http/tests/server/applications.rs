//! App registrations through Graph and tokens for them (issue #16): an API registered with
//! `POST /applications`, its service principal, app roles assigned to a client, app-only and
//! delegated tokens with Entra's `aud`/`iss`/`ver` for v1.0 and v2.0, consent, client secrets
//! added and removed, and the on-behalf-of grant.

use crate::harness::{call, spawn_demo, TestServer};
use crate::oidc_client::{
    app_token, browser, decode, error_code, post_form, verify_with_jwks, ADMIN_APP, CHALLENGE,
    CLI_APP, CONTOSO, VERIFIER,
};
use serde_json::{json, Value};

const WEB_APP: &str = "c0c0a002-0000-4000-8000-000000000002";
const READ_SCOPE: &str = "8b5d5c1e-1a57-4b8e-9d4a-000000000001";
const WRITE_SCOPE: &str = "8b5d5c1e-1a57-4b8e-9d4a-000000000002";
const READER_ROLE: &str = "8b5d5c1e-1a57-4b8e-9d4a-000000000003";

async fn admin(server: &TestServer) -> String {
    let token = app_token(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    token["access_token"].as_str().unwrap().to_owned()
}

/// Registers an API with one user scope, one admin scope and one application role, and creates
/// its service principal. Returns (application, service principal).
async fn register_api(server: &TestServer, bearer: &str, uri: &str, name: &str) -> (Value, Value) {
    let body = json!({
        "displayName": name,
        "identifierUris": [uri],
        "api": {
            "requestedAccessTokenVersion": 2,
            "oauth2PermissionScopes": [
                {"id": READ_SCOPE, "value": format!("{name}.Read"), "type": "User",
                 "adminConsentDisplayName": "Read", "adminConsentDescription": "Read",
                 "userConsentDisplayName": "Read", "userConsentDescription": "Read", "isEnabled": true},
                {"id": WRITE_SCOPE, "value": format!("{name}.Write"), "type": "Admin",
                 "adminConsentDisplayName": "Write", "adminConsentDescription": "Write", "isEnabled": true}
            ]
        },
        "appRoles": [{"id": READER_ROLE, "value": format!("{name}.Read.All"), "displayName": "Reader",
                      "description": "Reads everything", "allowedMemberTypes": ["Application"], "isEnabled": true}]
    });
    let (status, app) = call(server, "POST", bearer, "/v1.0/applications", Some(body)).await;
    assert_eq!(status, 201, "{app}");
    let (status, sp) = call(
        server,
        "POST",
        bearer,
        "/v1.0/servicePrincipals",
        Some(json!({"appId": app["appId"]})),
    )
    .await;
    assert_eq!(status, 201, "{sp}");
    (app, sp)
}

async fn token_response(server: &TestServer, form: &[(&str, &str)]) -> reqwest::Response {
    server
        .client
        .post(server.url("/contoso.com/oauth2/v2.0/token"))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn client_token(
    server: &TestServer,
    client: &str,
    secret: &str,
    scope: &str,
) -> reqwest::Response {
    token_response(
        server,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("client_secret", secret),
            ("scope", scope),
        ],
    )
    .await
}

async fn service_principal_of(server: &TestServer, bearer: &str, app_id: &str) -> Value {
    let (_, list) = call(server, "GET", bearer, "/v1.0/servicePrincipals", None).await;
    list["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|sp| sp["appId"] == app_id)
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn a_registered_api_gets_app_only_tokens_with_its_roles() {
    let server = spawn_demo().await;
    let bearer = admin(&server).await;
    let (app, sp) = register_api(&server, &bearer, "api://orders", "Orders").await;
    let app_id = app["appId"].as_str().unwrap().to_owned();
    assert_eq!(app["signInAudience"], "AzureADMyOrg");
    assert_eq!(app["identifierUris"], json!(["api://orders"]));
    assert_eq!(app["api"]["oauth2PermissionScopes"][1]["type"], "Admin");
    assert_eq!(
        app["appRoles"][0]["allowedMemberTypes"],
        json!(["Application"])
    );
    assert_eq!(sp["appId"], app_id);
    assert_eq!(sp["servicePrincipalNames"], json!([app_id, "api://orders"]));

    // No role assigned yet: a token all the same, without `roles`.
    let response = client_token(
        &server,
        WEB_APP,
        "contoso-web-secret",
        "api://orders/.default",
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["scope"], "api://orders/.default");
    let token = body["access_token"].as_str().unwrap();
    let claims = verify_with_jwks(&server, "contoso.com", token)
        .await
        .unwrap();
    assert_eq!(claims["aud"], app_id.as_str());
    assert_eq!(claims["ver"], "2.0");
    assert_eq!(claims["azp"], WEB_APP);
    assert_eq!(claims["iss"], format!("{}{CONTOSO}/v2.0", server.base));
    assert!(claims.get("roles").is_none(), "{claims:?}");

    // The role assigned to the web app's service principal shows in `roles`.
    let web = service_principal_of(&server, &bearer, WEB_APP).await;
    let path = format!(
        "/v1.0/servicePrincipals/{}/appRoleAssignedTo",
        sp["id"].as_str().unwrap()
    );
    let assignment =
        json!({"principalId": web["id"], "resourceId": sp["id"], "appRoleId": READER_ROLE});
    let (status, assigned) = call(&server, "POST", &bearer, &path, Some(assignment)).await;
    assert_eq!(status, 201, "{assigned}");
    assert_eq!(assigned["principalType"], "ServicePrincipal");
    assert_eq!(assigned["resourceDisplayName"], "Orders");
    let (_, listed) = call(&server, "GET", &bearer, &path, None).await;
    assert!(listed["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["appRoleId"] == READER_ROLE));
    let by_app_id = format!("{app_id}/.default");
    let response = client_token(&server, WEB_APP, "contoso-web-secret", &by_app_id).await;
    let body: Value = response.json().await.unwrap();
    let claims = decode(body["access_token"].as_str().unwrap(), 1);
    assert_eq!(claims["roles"], json!(["Orders.Read.All"]));

    // requestedAccessTokenVersion null: v1.0 tokens, `aud` as the request named the resource.
    let patch = json!({"api": {"requestedAccessTokenVersion": null}});
    let app_path = format!("/v1.0/applications/{}", app["id"].as_str().unwrap());
    let (status, _) = call(&server, "PATCH", &bearer, &app_path, Some(patch)).await;
    assert_eq!(status, 204);
    let response = client_token(
        &server,
        WEB_APP,
        "contoso-web-secret",
        "api://orders/.default",
    )
    .await;
    let body: Value = response.json().await.unwrap();
    let claims = verify_with_jwks(
        &server,
        "contoso.com",
        body["access_token"].as_str().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(claims["aud"], "api://orders");
    assert_eq!(claims["ver"], "1.0");
    assert_eq!(claims["appid"], WEB_APP);
    assert_eq!(claims["iss"], format!("{}{CONTOSO}/", server.base));
    assert_eq!(claims["roles"], json!(["Orders.Read.All"]));
}

#[tokio::test]
async fn unknown_and_mixed_resources_are_refused_as_entra_refuses_them() {
    let server = spawn_demo().await;
    let bearer = admin(&server).await;
    let response = client_token(
        &server,
        WEB_APP,
        "contoso-web-secret",
        "api://nowhere/.default",
    )
    .await;
    let (status, error, code) = error_code(response).await;
    assert_eq!(
        (status, error.as_str(), code),
        (400, "invalid_resource", 500011)
    );

    // Registered, but no service principal yet: still unknown as a resource.
    let body = json!({"displayName": "Ledger", "identifierUris": ["api://ledger"]});
    let (status, app) = call(&server, "POST", &bearer, "/v1.0/applications", Some(body)).await;
    assert_eq!(status, 201, "{app}");
    let response = client_token(
        &server,
        WEB_APP,
        "contoso-web-secret",
        "api://ledger/.default",
    )
    .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_codes"][0], 500011);
    assert!(body["error_description"].as_str().unwrap().contains(
        "The resource principal named api://ledger was not found in the tenant named Contoso."
    ));

    let (status, _) = call(
        &server,
        "POST",
        &bearer,
        "/v1.0/servicePrincipals",
        Some(json!({"appId": app["appId"]})),
    )
    .await;
    assert_eq!(status, 201);
    let mixed = "api://ledger/.default https://graph.microsoft.com/.default";
    let response = client_token(&server, WEB_APP, "contoso-web-secret", mixed).await;
    let (_, error, code) = error_code(response).await;
    assert_eq!((error.as_str(), code), ("invalid_scope", 70011));

    // Identifier URIs: api:// or a verified domain; unique in the tenant.
    let foreign = json!({"displayName": "X", "identifierUris": ["https://fabrikam.com/x"]});
    let (status, body) = call(
        &server,
        "POST",
        &bearer,
        "/v1.0/applications",
        Some(foreign),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["details"][0]["target"], "identifierUris");
    let taken = json!({"displayName": "Y", "identifierUris": ["api://ledger"]});
    let (status, _) = call(&server, "POST", &bearer, "/v1.0/applications", Some(taken)).await;
    assert_eq!(status, 400);
    let verified = json!({"displayName": "Z", "identifierUris": ["https://contoso.com/z"]});
    let (status, _) = call(
        &server,
        "POST",
        &bearer,
        "/v1.0/applications",
        Some(verified),
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn client_secrets_are_added_once_and_removed() {
    let server = spawn_demo().await;
    let bearer = admin(&server).await;
    let (app, _) = register_api(&server, &bearer, "api://payments", "Payments").await;
    let app_path = format!("/v1.0/applications/{}", app["id"].as_str().unwrap());
    let client_id = app["appId"].as_str().unwrap();
    let body = json!({"passwordCredential": {"displayName": "ci"}});
    let (status, added) = call(
        &server,
        "POST",
        &bearer,
        &format!("{app_path}/addPassword"),
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{added}");
    let secret = added["secretText"].as_str().unwrap();
    assert_eq!(added["hint"], &secret[..3]);
    assert_eq!(added["displayName"], "ci");
    let response = client_token(
        &server,
        client_id,
        secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(response.status(), 200);
    let (_, read) = call(&server, "GET", &bearer, &app_path, None).await;
    assert_eq!(read["passwordCredentials"][0]["secretText"], Value::Null);
    assert_eq!(read["passwordCredentials"][0]["keyId"], added["keyId"]);

    let remove = json!({"keyId": added["keyId"]});
    let (status, _) = call(
        &server,
        "POST",
        &bearer,
        &format!("{app_path}/removePassword"),
        Some(remove),
    )
    .await;
    assert_eq!(status, 204);
    let response = client_token(
        &server,
        client_id,
        secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    let (status, _, code) = error_code(response).await;
    assert_eq!((status, code), (401, 7000215));

    // Deleting the registration takes its service principal with it.
    let (status, _) = call(&server, "DELETE", &bearer, &app_path, None).await;
    assert_eq!(status, 204);
    let response = client_token(
        &server,
        WEB_APP,
        "contoso-web-secret",
        "api://payments/.default",
    )
    .await;
    assert_eq!(error_code(response).await.2, 500011);
}

#[tokio::test]
async fn only_application_administrators_register_apps() {
    let server = spawn_demo().await;
    let bearer = admin(&server).await;
    // Megan, a member, signs in with the CLI app (which holds Directory-wide scopes).
    let megan = delegated_token(&server, "User.ReadWrite.All openid").await;
    let megan = megan["access_token"].as_str().unwrap();
    let (status, _) = call(
        &server,
        "POST",
        megan,
        "/v1.0/applications",
        Some(json!({"displayName": "Mine"})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, listed) = call(&server, "GET", &bearer, "/v1.0/applications", None).await;
    assert_eq!(status, 200);
    assert!(listed["value"].as_array().unwrap().len() >= 4);
}

/// Megan signs in with the CLI app (authorization code + PKCE) asking for `scope`; the token
/// endpoint's JSON answer.
async fn delegated_token(server: &TestServer, scope: &str) -> Value {
    let response = delegated_response(server, scope).await;
    let body: Value = response.json().await.unwrap();
    assert!(body["access_token"].is_string(), "{body}");
    body
}

async fn delegated_response(server: &TestServer, scope: &str) -> reqwest::Response {
    let client = browser(server);
    let scope_param: String = url::form_urlencoded::byte_serialize(scope.as_bytes()).collect();
    let url = server.url(&format!(
        "/contoso.com/oauth2/v2.0/authorize?client_id={CLI_APP}&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A53123&scope={scope_param}&state=s&nonce=n&code_challenge={CHALLENGE}&code_challenge_method=S256"
    ));
    let page = client.get(url).send().await.unwrap().text().await.unwrap();
    let page = post_form(&client, &page, &[("login", "megan@contoso.com")])
        .await
        .text()
        .await
        .unwrap();
    let done = post_form(&client, &page, &[("password", "Portico-dev-1")]).await;
    let params = crate::oidc_client::redirect_params(&done);
    token_response(
        server,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLI_APP),
            ("code", &params["code"]),
            ("redirect_uri", "http://localhost:53123"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
}

#[tokio::test]
async fn delegated_scopes_need_consent_that_users_give_for_user_scopes() {
    let server = spawn_demo().await;
    let bearer = admin(&server).await;
    let (app, sp) = register_api(&server, &bearer, "api://orders", "Orders").await;
    let app_id = app["appId"].as_str().unwrap();

    // A user scope: Megan consents as she signs in, recorded as her grant.
    let body = delegated_token(&server, "api://orders/Orders.Read openid offline_access").await;
    assert_eq!(
        body["scope"],
        "api://orders/Orders.Read openid offline_access"
    );
    let claims = decode(body["access_token"].as_str().unwrap(), 1);
    assert_eq!(claims["aud"], app_id);
    assert_eq!(claims["scp"], "Orders.Read");
    assert_eq!(claims["azp"], CLI_APP);
    let (_, grants) = call(
        &server,
        "GET",
        &bearer,
        "/v1.0/oauth2PermissionGrants",
        None,
    )
    .await;
    let grant = grants["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["resourceId"] == sp["id"])
        .cloned()
        .unwrap();
    assert_eq!(grant["consentType"], "Principal");
    assert_eq!(grant["scope"], "Orders.Read");
    // The interactive sign-in is logged as a sign-in to the API.
    let (_, logs) = call(&server, "GET", &bearer, "/v1.0/auditLogs/signIns", None).await;
    let row = logs["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resourceId"] == app_id)
        .cloned();
    let row = row.unwrap_or_else(|| panic!("{logs}"));
    assert_eq!(row["resourceDisplayName"], "Orders");
    assert_eq!(row["appId"], CLI_APP);

    // An admin scope: AADSTS65001 until an administrator grants it for everyone.
    let response = delegated_response(&server, "api://orders/Orders.Write openid").await;
    let (_, error, code) = error_code(response).await;
    assert_eq!((error.as_str(), code), ("invalid_grant", 65001));
    let cli = service_principal_of(&server, &bearer, CLI_APP).await;
    let grant = json!({"clientId": cli["id"], "consentType": "AllPrincipals", "resourceId": sp["id"], "scope": "Orders.Write"});
    let (status, created) = call(
        &server,
        "POST",
        &bearer,
        "/v1.0/oauth2PermissionGrants",
        Some(grant),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let body = delegated_token(&server, "api://orders/Orders.Write openid").await;
    assert_eq!(
        decode(body["access_token"].as_str().unwrap(), 1)["scp"],
        "Orders.Write"
    );

    // Unknown scope of a known API: AADSTS650053.
    let response = delegated_response(&server, "api://orders/Orders.Delete").await;
    assert_eq!(error_code(response).await.2, 650053);
}

#[tokio::test]
async fn user_consent_can_be_turned_off() {
    let server = spawn_demo().await;
    let bearer = admin(&server).await;
    register_api(&server, &bearer, "api://orders", "Orders").await;
    let off = json!({"defaultUserRolePermissions": {"permissionGrantPoliciesAssigned": []}});
    let (status, _) = call(
        &server,
        "PATCH",
        &bearer,
        "/v1.0/policies/authorizationPolicy",
        Some(off),
    )
    .await;
    assert_eq!(status, 204);
    let (_, policy) = call(
        &server,
        "GET",
        &bearer,
        "/v1.0/policies/authorizationPolicy",
        None,
    )
    .await;
    assert_eq!(
        policy["defaultUserRolePermissions"]["permissionGrantPoliciesAssigned"],
        json!([])
    );
    let response = delegated_response(&server, "api://orders/Orders.Read").await;
    assert_eq!(error_code(response).await.2, 65001);
}

#[tokio::test]
async fn a_middle_tier_exchanges_the_users_token_on_behalf_of_them() {
    let server = spawn_demo().await;
    let bearer = admin(&server).await;
    let (orders, _) = register_api(&server, &bearer, "api://orders", "Orders").await;
    let (_, inventory) = register_api(&server, &bearer, "api://inventory", "Inventory").await;
    let orders_path = format!("/v1.0/applications/{}", orders["id"].as_str().unwrap());
    let (_, added) = call(
        &server,
        "POST",
        &bearer,
        &format!("{orders_path}/addPassword"),
        Some(json!({})),
    )
    .await;
    let secret = added["secretText"].as_str().unwrap().to_owned();
    let orders_id = orders["appId"].as_str().unwrap().to_owned();
    let user_token = delegated_token(&server, "api://orders/Orders.Read").await;
    let assertion = user_token["access_token"].as_str().unwrap().to_owned();
    let obo = |assertion: String| {
        let server = &server;
        let (client, secret) = (orders_id.clone(), secret.clone());
        async move {
            token_response(
                server,
                &[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    ("client_id", &client),
                    ("client_secret", &secret),
                    ("assertion", &assertion),
                    ("scope", "api://inventory/Inventory.Read"),
                    ("requested_token_use", "on_behalf_of"),
                ],
            )
            .await
        }
    };
    // Nobody consented to the middle tier's use of the downstream API: no one can be asked.
    let (_, error, code) = error_code(obo(assertion.clone()).await).await;
    assert_eq!((error.as_str(), code), ("invalid_grant", 65001));

    let orders_sp = service_principal_of(&server, &bearer, &orders_id).await;
    let grant = json!({"clientId": orders_sp["id"], "consentType": "AllPrincipals", "resourceId": inventory["id"], "scope": "Inventory.Read"});
    let (status, _) = call(
        &server,
        "POST",
        &bearer,
        "/v1.0/oauth2PermissionGrants",
        Some(grant),
    )
    .await;
    assert_eq!(status, 201);
    let response = obo(assertion.clone()).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let claims = verify_with_jwks(
        &server,
        "contoso.com",
        body["access_token"].as_str().unwrap(),
    )
    .await
    .unwrap();
    let first = decode(&assertion, 1);
    assert_eq!(claims["aud"], inventory["appId"]);
    assert_eq!(claims["scp"], "Inventory.Read");
    assert_eq!(claims["oid"], first["oid"]);
    assert_eq!(claims["azp"], orders_id.as_str());

    // The exchange is a non-interactive sign-in to the downstream API.
    let (_, logs) = call(
        &server,
        "GET",
        &bearer,
        "/beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'nonInteractiveUser')",
        None,
    )
    .await;
    assert!(
        logs["value"]
            .as_array()
            .unwrap()
            .iter()
            .any(|row| row["resourceId"] == inventory["appId"]),
        "{logs}"
    );

    // A token for another audience (Graph), or a tampered one, is not an assertion for it.
    let graph = delegated_token(&server, "User.Read").await;
    let response = obo(graph["access_token"].as_str().unwrap().to_owned()).await;
    let (_, error, code) = error_code(response).await;
    assert_eq!((error.as_str(), code), ("invalid_grant", 50013));
    let parts: Vec<&str> = assertion.split('.').collect();
    let mut claims = decode(&assertion, 1);
    claims.insert("scp".into(), json!("Orders.Read Orders.Write"));
    let forged = {
        use base64::Engine;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Value::Object(claims).to_string());
        format!("{}.{payload}.{}", parts[0], parts[2])
    };
    assert_eq!(error_code(obo(forged).await).await.2, 50013);

    // Conditional Access now wants MFA: the middle tier is told to send the user back, with the
    // claims challenge naming the policy.
    let policy = json!({
        "displayName": "MFA for Megan", "state": "enabled",
        "conditions": {"users": {"includeUsers": [first["oid"]]},
                       "applications": {"includeApplications": ["All"]}, "clientAppTypes": ["all"]},
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}
    });
    let (status, policy) = call(
        &server,
        "POST",
        &bearer,
        "/v1.0/identity/conditionalAccess/policies",
        Some(policy),
    )
    .await;
    assert_eq!(status, 201, "{policy}");
    let response = obo(assertion).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "interaction_required", "{body}");
    let claims: Value = serde_json::from_str(body["claims"].as_str().unwrap()).unwrap();
    assert_eq!(
        claims["access_token"]["capolids"]["values"],
        json!([policy["id"]])
    );
}

#[tokio::test]
async fn a_federated_credential_accepts_another_issuers_token_as_client_assertion() {
    const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
    let server = spawn_demo().await;
    let bearer = admin(&server).await;
    // The external issuer is Fabrikam: its admin app gets a token for Fabrikam's "exchange" API.
    let fabrikam = app_token(
        &server,
        "fabrikam.com",
        "fabca001-0000-4000-8000-000000000001",
        "fabrikam-admin-secret",
    )
    .await;
    let fabrikam = fabrikam["access_token"].as_str().unwrap().to_owned();
    let exchange = json!({"displayName": "Token exchange", "identifierUris": ["api://fabrikam-exchange"],
                          "api": {"requestedAccessTokenVersion": 2}});
    let (_, exchange) = call(
        &server,
        "POST",
        &fabrikam,
        "/v1.0/applications",
        Some(exchange),
    )
    .await;
    call(
        &server,
        "POST",
        &fabrikam,
        "/v1.0/servicePrincipals",
        Some(json!({"appId": exchange["appId"]})),
    )
    .await;
    let workload = token_response_at(
        &server,
        "fabrikam.com",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "fabca001-0000-4000-8000-000000000001"),
            ("client_secret", "fabrikam-admin-secret"),
            ("scope", "api://fabrikam-exchange/.default"),
        ],
    )
    .await;
    let workload: Value = workload.json().await.unwrap();
    let workload = workload["access_token"].as_str().unwrap().to_owned();
    let subject = decode(&workload, 1)["sub"].as_str().unwrap().to_owned();

    // Contoso's deployer app trusts that issuer and subject.
    let (_, deployer) = call(
        &server,
        "POST",
        &bearer,
        "/v1.0/applications",
        Some(json!({"displayName": "Deployer"})),
    )
    .await;
    call(
        &server,
        "POST",
        &bearer,
        "/v1.0/servicePrincipals",
        Some(json!({"appId": deployer["appId"]})),
    )
    .await;
    let credential = json!({"name": "fabrikam-workload", "issuer": format!("{}{FABRIKAM}/v2.0", server.base),
                            "subject": subject, "audiences": [exchange["appId"]]});
    let path = format!(
        "/v1.0/applications/{}/federatedIdentityCredentials",
        deployer["id"].as_str().unwrap()
    );
    let (status, created) = call(&server, "POST", &bearer, &path, Some(credential.clone())).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["subject"], subject.as_str());
    let (status, _) = call(&server, "POST", &bearer, &path, Some(credential)).await;
    assert_eq!(status, 409);
    let (_, listed) = call(&server, "GET", &bearer, &path, None).await;
    assert_eq!(listed["value"].as_array().unwrap().len(), 1);

    let exchange_form = |assertion: String| {
        let client = deployer["appId"].as_str().unwrap().to_owned();
        let server = &server;
        async move {
            token_response(
                server,
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", &client),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", &assertion),
                    ("scope", "https://graph.microsoft.com/.default"),
                ],
            )
            .await
        }
    };
    let response = exchange_form(workload.clone()).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        decode(body["access_token"].as_str().unwrap(), 1)["azp"],
        deployer["appId"]
    );

    // A token of that issuer about another subject matches no credential.
    let other = app_token(
        &server,
        "fabrikam.com",
        "fabca001-0000-4000-8000-000000000001",
        "fabrikam-admin-secret",
    )
    .await;
    let response = exchange_form(other["access_token"].as_str().unwrap().to_owned()).await;
    let (status, _, code) = error_code(response).await;
    assert_eq!((status, code), (401, 700211)); // right issuer and subject, wrong audience

    let delete = format!("{path}/fabrikam-workload");
    let (status, _) = call(&server, "DELETE", &bearer, &delete, None).await;
    assert_eq!(status, 204);
    let response = exchange_form(workload).await;
    assert_eq!(error_code(response).await.2, 70021);
}

async fn token_response_at(
    server: &TestServer,
    tenant: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    server
        .client
        .post(server.url(&format!("/{tenant}/oauth2/v2.0/token")))
        .form(form)
        .send()
        .await
        .unwrap()
}

const API_SEED: &str = r#"
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
display_name = "Orders"
client_id = "0d0e0001-0000-4000-8000-000000000001"
identifier_uris = ["https://t.example/orders"]
access_token_version = 2
scopes = [{ value = "Orders.Read" }, { value = "Orders.Write", admin_consent_required = true }]
app_roles = [{ value = "Orders.Read.All" }]

[[tenant.app]]
display_name = "Daemon"
client_id = "0d0e0002-0000-4000-8000-000000000002"
secret = "daemon-secret"
graph_permissions = ["Application.Read.All", "DelegatedPermissionGrant.Read.All"]
api_permissions = [{ api = "https://t.example/orders", roles = ["Orders.Read.All"], scopes = ["Orders.Write"] }]
"#;

#[tokio::test]
async fn a_seed_declares_apis_roles_and_admin_consent() {
    let server = crate::harness::spawn(crate::harness::Spawn {
        seed: Some(API_SEED),
        ..Default::default()
    })
    .await;
    let response = token_response_at(
        &server,
        "t.example",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "0d0e0002-0000-4000-8000-000000000002"),
            ("client_secret", "daemon-secret"),
            ("scope", "https://t.example/orders/.default"),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let claims = decode(body["access_token"].as_str().unwrap(), 1);
    assert_eq!(claims["aud"], "0d0e0001-0000-4000-8000-000000000001");
    assert_eq!(claims["roles"], json!(["Orders.Read.All"]));

    // The admin-consented scope shows as an AllPrincipals grant.
    let daemon = app_token(
        &server,
        "t.example",
        "0d0e0002-0000-4000-8000-000000000002",
        "daemon-secret",
    )
    .await;
    let daemon = daemon["access_token"].as_str().unwrap();
    let (status, grants) = call(&server, "GET", daemon, "/v1.0/oauth2PermissionGrants", None).await;
    assert_eq!(status, 200, "{grants}");
    assert_eq!(grants["value"][0]["consentType"], "AllPrincipals");
    assert_eq!(grants["value"][0]["scope"], "Orders.Write");
    let (_, api) = call(&server, "GET", daemon, "/v1.0/servicePrincipals", None).await;
    let orders = api["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|sp| sp["displayName"] == "Orders")
        .unwrap();
    assert_eq!(orders["oauth2PermissionScopes"][1]["type"], "Admin");
    assert_eq!(grants["value"][0]["resourceId"], orders["id"]);
}

#[tokio::test]
async fn a_multi_tenant_app_gets_a_service_principal_where_a_user_first_signs_in() {
    const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
    let server = spawn_demo().await;
    let bearer = admin(&server).await;
    let body = json!({
        "displayName": "Partner Portal", "signInAudience": "AzureADMultipleOrgs",
        "web": {"redirectUris": ["http://localhost:53123"]}
    });
    let (status, app) = call(&server, "POST", &bearer, "/v1.0/applications", Some(body)).await;
    assert_eq!(status, 201, "{app}");
    assert_eq!(app["signInAudience"], "AzureADMultipleOrgs");
    let app_id = app["appId"].as_str().unwrap().to_owned();
    call(
        &server,
        "POST",
        &bearer,
        "/v1.0/servicePrincipals",
        Some(json!({"appId": app_id})),
    )
    .await;
    let app_path = format!(
        "/v1.0/applications/{}/addPassword",
        app["id"].as_str().unwrap()
    );
    let (_, added) = call(&server, "POST", &bearer, &app_path, Some(json!({}))).await;
    let secret = added["secretText"].as_str().unwrap().to_owned();

    // Not installed in Fabrikam yet: its token endpoint does not know the client.
    let client_credentials = |secret: String| {
        let (server, app_id) = (&server, app_id.clone());
        async move {
            token_response_at(
                server,
                "fabrikam.com",
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", &app_id),
                    ("client_secret", &secret),
                    ("scope", "https://graph.microsoft.com/.default"),
                ],
            )
            .await
        }
    };
    assert_eq!(
        error_code(client_credentials(secret.clone()).await).await.2,
        700016
    );

    // Bob of Fabrikam signs in to it: his consent installs it in Fabrikam.
    let client = browser(&server);
    let url = server.url(&format!(
        "/fabrikam.com/oauth2/v2.0/authorize?client_id={app_id}&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A53123&scope=openid%20User.Read&state=s&nonce=n&code_challenge={CHALLENGE}&code_challenge_method=S256"
    ));
    let page = client.get(url).send().await.unwrap().text().await.unwrap();
    let page = post_form(&client, &page, &[("login", "bob@fabrikam.com")])
        .await
        .text()
        .await
        .unwrap();
    let done = post_form(&client, &page, &[("password", "Portico-dev-1")]).await;
    let params = crate::oidc_client::redirect_params(&done);
    let response = token_response_at(
        &server,
        "fabrikam.com",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &app_id),
            ("client_secret", &secret),
            ("code", &params["code"]),
            ("redirect_uri", "http://localhost:53123"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let claims = decode(body["access_token"].as_str().unwrap(), 1);
    assert_eq!(claims["tid"], FABRIKAM);
    assert_eq!(claims["azp"], app_id.as_str());

    let fabrikam = app_token(
        &server,
        "fabrikam.com",
        "fabca001-0000-4000-8000-000000000001",
        "fabrikam-admin-secret",
    )
    .await;
    let fabrikam = fabrikam["access_token"].as_str().unwrap();
    let sp = service_principal_of(&server, fabrikam, &app_id).await;
    assert_eq!(sp["appOwnerOrganizationId"], CONTOSO);
    let (_, registrations) = call(&server, "GET", fabrikam, "/v1.0/applications", None).await;
    assert!(!registrations["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["appId"] == app_id.as_str()));
    // The home registration's secret now authenticates it in Fabrikam too.
    let response = client_credentials(secret).await;
    assert_eq!(response.status(), 200);

    // A registration of Fabrikam's own without a service principal gets one when a user signs
    // in to it (here by single sign-on with Bob's session); merely opening the page does not.
    let body = json!({"displayName": "Own", "web": {"redirectUris": ["http://localhost:53123"]}});
    let (_, own) = call(&server, "POST", fabrikam, "/v1.0/applications", Some(body)).await;
    let own_id = own["appId"].as_str().unwrap();
    let authorize = |prompt: &str| {
        server.url(&format!(
            "/fabrikam.com/oauth2/v2.0/authorize?client_id={own_id}&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A53123&scope=openid&state=s{prompt}"
        ))
    };
    let page = client.get(authorize("&prompt=login")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let (_, sps) = call(&server, "GET", fabrikam, "/v1.0/servicePrincipals", None).await;
    assert!(!sps["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|sp| sp["appId"] == own_id));
    let signed_in = client.get(authorize("")).send().await.unwrap();
    assert!(crate::oidc_client::redirect_params(&signed_in).contains_key("code"));
    assert_eq!(
        service_principal_of(&server, fabrikam, own_id).await["appId"],
        own_id
    );

    // A single-tenant app is not installed elsewhere by a sign-in.
    let page = client
        .get(server.url(&format!(
            "/fabrikam.com/oauth2/v2.0/authorize?client_id={WEB_APP}&response_type=code&scope=openid&state=s"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("700016"), "{page}");
}

#[tokio::test]
async fn azure_resource_manager_is_a_resource_of_every_tenant() {
    let server = spawn_demo().await;
    for (scope, audience) in [
        (
            "https://management.azure.com/.default",
            "https://management.azure.com/",
        ),
        (
            "https://management.azure.com//.default",
            "https://management.azure.com/",
        ),
        (
            "https://management.core.windows.net//.default",
            "https://management.core.windows.net/",
        ),
    ] {
        let response = client_token(&server, WEB_APP, "contoso-web-secret", scope).await;
        assert_eq!(response.status(), 200, "{scope}");
        let body: Value = response.json().await.unwrap();
        let claims = verify_with_jwks(
            &server,
            "contoso.com",
            body["access_token"].as_str().unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(claims["aud"], audience);
        assert_eq!(claims["ver"], "1.0");
        assert_eq!(claims["iss"], format!("{}{CONTOSO}/", server.base));
    }
    let body = delegated_token(
        &server,
        "https://management.azure.com/user_impersonation openid",
    )
    .await;
    let claims = decode(body["access_token"].as_str().unwrap(), 1);
    assert_eq!(claims["aud"], "https://management.azure.com/");
    assert_eq!(claims["scp"], "user_impersonation");
    assert_eq!(claims["upn"], "megan@contoso.com");
    // Graph's trailing-slash form is Graph.
    let response = client_token(
        &server,
        ADMIN_APP,
        "contoso-admin-secret",
        "https://graph.microsoft.com//.default",
    )
    .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        decode(body["access_token"].as_str().unwrap(), 1)["aud"],
        "https://graph.microsoft.com"
    );
}
