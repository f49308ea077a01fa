//! The token service end to end: discovery, grants, the sign-in pages, MFA, sessions, keys.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::*;
use portico_model::{TenantId, Upn};
use serde_json::{json, Value};

#[tokio::test]
async fn discovery_is_the_same_for_a_tenant_id_and_its_domains() {
    let server = spawn_demo().await;
    let by_id: Value = server
        .client
        .get(server.url(&format!("/{CONTOSO}/v2.0/.well-known/openid-configuration")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for domain in ["contoso.com", "contoso.onmicrosoft.com"] {
        let by_domain: Value = server
            .client
            .get(server.url(&format!("/{domain}/v2.0/.well-known/openid-configuration")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(by_domain, by_id);
    }
    assert_eq!(by_id["issuer"], format!("{}{CONTOSO}/v2.0", server.base));
    assert_eq!(
        by_id["token_endpoint"],
        format!("{}{CONTOSO}/oauth2/v2.0/token", server.base)
    );
    assert_eq!(by_id["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        by_id["authorization_response_iss_parameter_supported"],
        true
    );
    let common: Value = server
        .client
        .get(server.url("/common/v2.0/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        common["issuer"],
        format!("{}{{tenantid}}/v2.0", server.base)
    );
    let unknown = server
        .client
        .get(server.url("/example.net/v2.0/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let instance: Value = server.client.get(server.url(&format!("/common/discovery/instance?api-version=1.1&authorization_endpoint={}contoso.com/oauth2/v2.0/authorize", server.base))).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        instance["tenant_discovery_endpoint"],
        format!(
            "{}contoso.com/v2.0/.well-known/openid-configuration",
            server.base
        )
    );
}

#[tokio::test]
async fn client_credentials_tokens_are_entra_shaped_and_verify_only_with_their_tenants_keys() {
    let server = spawn_demo().await;
    let body = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert!((3600..=5400).contains(&body["expires_in"].as_i64().unwrap()));
    let claims = verify_with_jwks(&server, "contoso.com", token)
        .await
        .unwrap();
    assert_eq!(claims["iss"], format!("{}{CONTOSO}/v2.0", server.base));
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    assert_eq!(claims["tid"], CONTOSO);
    assert_eq!(claims["azp"], ADMIN_APP);
    assert_eq!(claims["idtyp"], "app");
    assert_eq!(claims["ver"], "2.0");
    assert!(claims["roles"]
        .as_array()
        .unwrap()
        .contains(&json!("User.Invite.All")));
    assert_eq!(decode(token, 0)["typ"], "at+jwt");
    assert!(
        verify_with_jwks(&server, "fabrikam.com", token)
            .await
            .is_err(),
        "Fabrikam's keys do not verify Contoso's tokens"
    );

    let fabrikam = app_token(
        &server,
        "fabrikam.com",
        "fabca001-0000-4000-8000-000000000001",
        "fabrikam-admin-secret",
    )
    .await;
    let fabrikam_claims = verify_with_jwks(
        &server,
        "fabrikam.com",
        fabrikam["access_token"].as_str().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        fabrikam_claims["tid"],
        "22222222-2222-4222-8222-222222222222"
    );

    // The service-principal sign-in was logged in Contoso.
    let logs = server
        .running()
        .app
        .store_for_tests()
        .list_sign_ins(TenantId::parse(CONTOSO).unwrap(), 10)
        .await
        .unwrap();
    assert!(logs
        .iter()
        .any(|l| l.sign_in_event_type == "servicePrincipal" && l.error_code == 0));
}

#[tokio::test]
async fn token_endpoint_errors_carry_entra_codes() {
    let server = spawn_demo().await;
    let post = |tenant: &str, form: Vec<(&str, &str)>| {
        let request = server
            .client
            .post(server.url(&format!("/{tenant}/oauth2/v2.0/token")))
            .form(&form);
        async move { error_code(request.send().await.unwrap()).await }
    };
    let graph = ("scope", "https://graph.microsoft.com/.default");
    let cc = ("grant_type", "client_credentials");
    assert_eq!(
        post(
            "contoso.com",
            vec![
                cc,
                ("client_id", ADMIN_APP),
                ("client_secret", "wrong"),
                graph
            ]
        )
        .await,
        (401, "invalid_client".into(), 7000215)
    );
    assert_eq!(
        post(
            "contoso.com",
            vec![
                cc,
                ("client_id", "fabca001-0000-4000-8000-000000000001"),
                ("client_secret", "fabrikam-admin-secret"),
                graph
            ]
        )
        .await
        .2,
        700016
    );
    assert_eq!(
        post(
            "contoso.com",
            vec![
                cc,
                ("client_id", "not-a-guid"),
                ("client_secret", "x"),
                graph
            ]
        )
        .await
        .2,
        700016
    );
    assert_eq!(
        post(
            "example.net",
            vec![
                cc,
                ("client_id", ADMIN_APP),
                ("client_secret", "contoso-admin-secret"),
                graph
            ]
        )
        .await
        .2,
        90002
    );
    assert_eq!(
        post(
            "contoso.com",
            vec![
                ("client_id", ADMIN_APP),
                ("client_secret", "contoso-admin-secret")
            ]
        )
        .await
        .2,
        900144
    );
    assert_eq!(
        post(
            "contoso.com",
            vec![
                ("grant_type", "implicit"),
                ("client_id", ADMIN_APP),
                ("client_secret", "contoso-admin-secret")
            ]
        )
        .await
        .2,
        70003
    );
    assert_eq!(
        post(
            "contoso.com",
            vec![
                cc,
                ("client_id", ADMIN_APP),
                ("client_secret", "contoso-admin-secret"),
                ("scope", "User.Read")
            ]
        )
        .await
        .2,
        1002012
    );
    assert_eq!(
        post(
            "contoso.com",
            vec![
                cc,
                ("client_id", ADMIN_APP),
                ("client_secret", "contoso-admin-secret"),
                ("scope", "api://other/.default")
            ]
        )
        .await
        .2,
        500011
    );
    assert_eq!(
        post("contoso.com", vec![cc, ("client_id", CLI_APP), graph]).await,
        (401, "invalid_client".into(), 7000218)
    );
    assert_eq!(
        post(
            "contoso.com",
            vec![
                cc,
                ("client_id", "c0c0a002-0000-4000-8000-000000000002"),
                graph
            ]
        )
        .await
        .2,
        7000218
    );
    assert_eq!(
        post(
            "contoso.com",
            vec![
                cc,
                cc,
                ("client_id", ADMIN_APP),
                ("client_secret", "contoso-admin-secret"),
                graph
            ]
        )
        .await
        .1,
        "invalid_request"
    );
    let ropc = vec![
        ("grant_type", "password"),
        ("client_id", CLI_APP),
        ("username", "megan@contoso.com"),
        ("password", "Portico-dev-1"),
    ];
    assert_eq!(
        post("contoso.com", ropc).await.1,
        "unauthorized_client",
        "ROPC is off unless the app enables it"
    );
}

#[tokio::test]
async fn the_authorization_code_flow_issues_tokens_once_and_refresh_tokens_rotate() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let params = sign_in_megan(&server, &browser).await;
    assert_eq!(params["state"], "st4te");
    assert_eq!(params["iss"], format!("{}{CONTOSO}/v2.0", server.base));
    let code = params["code"].clone();

    assert_eq!(
        error_code(
            redeem(
                &server,
                &code,
                "wrong-verifier-wrong-verifier-wrong-verifier"
            )
            .await
        )
        .await
        .2,
        501481
    );
    let first = redeem(&server, &code, VERIFIER).await;
    let status = first.status();
    let tokens: Value = first.json().await.unwrap();
    assert_eq!(status, 200, "{tokens}");
    let id_token = verify_with_jwks(&server, "contoso.com", tokens["id_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(id_token["aud"], CLI_APP);
    assert_eq!(id_token["nonce"], "n0nce");
    assert_eq!(id_token["preferred_username"], "megan@contoso.com");
    assert_eq!(id_token["acct"], 0);
    assert!(id_token.get("idp").is_none(), "members carry no idp");
    let access = verify_with_jwks(
        &server,
        "contoso.com",
        tokens["access_token"].as_str().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(access["scp"], "User.Read");
    assert_eq!(access["azpacr"], "0");
    assert_eq!(access["oid"], id_token["oid"]);
    assert!(tokens["client_info"].is_string());

    // Refresh rotates; the old refresh token is then dead, and using it ends the family.
    let old = tokens["refresh_token"].as_str().unwrap().to_owned();
    let rotated: Value = refresh(&server, &old).await.json().await.unwrap();
    let new = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert_eq!(error_code(refresh(&server, &old).await).await.2, 50173);
    assert_eq!(
        error_code(refresh(&server, &new).await).await.2,
        50173,
        "the whole family is revoked after reuse"
    );

    // A second sign-in: its code redeemed twice revokes what the first redemption issued.
    let again = sign_in_again(&server, &browser).await;
    let tokens: Value = redeem(&server, &again, VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        error_code(redeem(&server, &again, VERIFIER).await).await.2,
        54005
    );
    assert_eq!(
        error_code(refresh(&server, tokens["refresh_token"].as_str().unwrap()).await)
            .await
            .2,
        50173
    );
}

/// With a live session, `prompt=none` returns a code without any page.
async fn sign_in_again(server: &TestServer, browser: &reqwest::Client) -> String {
    let silent = browser
        .get(authorize_url(server, "&prompt=none"))
        .send()
        .await
        .unwrap();
    redirect_params(&silent)["code"].clone()
}

#[tokio::test]
async fn sessions_prompt_and_logout() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let fresh = browser
        .get(authorize_url(&server, "&prompt=none"))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect_params(&fresh)["error"], "login_required");
    let code = sign_in_megan(&server, &browser).await["code"].clone();
    let tokens: Value = redeem(&server, &code, VERIFIER).await.json().await.unwrap();
    let hint = tokens["id_token"].as_str().unwrap();
    assert!(redirect_params(
        &browser
            .get(authorize_url(&server, "&prompt=none"))
            .send()
            .await
            .unwrap()
    )
    .contains_key("code"));
    let forced = browser
        .get(authorize_url(&server, "&prompt=login"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        forced.status(),
        200,
        "prompt=login shows the sign-in page again"
    );
    let logout = browser.get(server.url(&format!("/contoso.com/oauth2/v2.0/logout?post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A53123&state=x&id_token_hint={hint}"))).send().await.unwrap();
    assert_eq!(logout.status(), 302);
    assert_eq!(
        logout.headers()["location"],
        "http://localhost:53123?state=x"
    );
    let after = browser
        .get(authorize_url(&server, "&prompt=none"))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect_params(&after)["error"], "login_required");
    let evil = browser.get(server.url(&format!("/contoso.com/oauth2/v2.0/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F&id_token_hint={hint}"))).send().await.unwrap();
    assert_eq!(
        evil.status(),
        200,
        "unregistered logout redirects are not followed"
    );
}

#[tokio::test]
async fn authorize_refuses_bad_clients_and_redirects_with_an_error_page() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let bad_redirect = authorize_url(&server, "").replace(
        "http%3A%2F%2Flocalhost%3A53123",
        "https%3A%2F%2Fevil.example%2Fcb",
    );
    for url in [
        bad_redirect,
        authorize_url(&server, "").replace(CLI_APP, "99999999-9999-4999-8999-999999999999"),
    ] {
        let response = browser.get(&url).send().await.unwrap();
        assert_eq!(response.status(), 400);
        assert!(
            response.headers().get("location").is_none(),
            "never a redirect"
        );
        assert_eq!(response.headers()["x-frame-options"], "DENY");
        assert!(response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"));
        let page = response.text().await.unwrap();
        assert!(
            page.contains("id=\"error-code\">AADSTS50011")
                || page.contains("id=\"error-code\">AADSTS700016"),
            "{page}"
        );
    }
    let without_pkce = authorize_url(&server, "").replace(
        &format!("&code_challenge={CHALLENGE}&code_challenge_method=S256"),
        "",
    );
    assert_eq!(
        redirect_params(&browser.get(&without_pkce).send().await.unwrap())["error"],
        "invalid_request",
        "public clients need PKCE"
    );
    let plain = authorize_url(&server, "")
        .replace("code_challenge_method=S256", "code_challenge_method=plain");
    assert_eq!(
        redirect_params(&browser.get(&plain).send().await.unwrap())["error"],
        "invalid_request"
    );
    let implicit = authorize_url(&server, "").replace("response_type=code", "response_type=token");
    assert_eq!(
        redirect_params(&browser.get(&implicit).send().await.unwrap())["error"],
        "unsupported_response_type"
    );
}

#[tokio::test]
async fn wrong_passwords_and_disabled_accounts_are_refused_and_logged() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let page = browser
        .get(authorize_url(&server, "&login_hint=megan%40contoso.com"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"password\""),
        "login_hint skips the account page"
    );
    let wrong = post_form(&browser, &page, &[("password", "nope")]).await;
    assert_eq!(wrong.status(), 200);
    let wrong = wrong.text().await.unwrap();
    assert!(wrong.contains("id=\"error-code\">AADSTS50126"), "{wrong}");
    let logs = server
        .running()
        .app
        .store_for_tests()
        .list_sign_ins(TenantId::parse(CONTOSO).unwrap(), 10)
        .await
        .unwrap();
    assert_eq!(logs[0].error_code, 50126);
    assert_eq!(
        logs[0].user_principal_name.as_deref(),
        Some("megan@contoso.com")
    );

    let fabrikam = authorize_url(&server, "")
        .replace("/contoso.com/", "/fabrikam.com/")
        .replace(CLI_APP, "fabca001-0000-4000-8000-000000000001");
    let fabrikam = fabrikam.replace("redirect_uri=http%3A%2F%2Flocalhost%3A53123&", "");
    let response = browser.get(&fabrikam).send().await.unwrap();
    assert_eq!(
        response.status(),
        400,
        "Fabrikam's admin app has no redirect URI to sign users in with"
    );
    let unknown = browser
        .get(authorize_url(&server, ""))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let unknown = post_form(&browser, &unknown, &[("login", "nobody@contoso.com")])
        .await
        .text()
        .await
        .unwrap();
    assert!(unknown.contains("AADSTS50034"), "{unknown}");
}

#[tokio::test]
async fn security_defaults_require_totp_registration_then_challenge() {
    let server = spawn_demo().await;
    let admin = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let patch = server
        .client
        .patch(server.url("/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"))
        .bearer_auth(admin["access_token"].as_str().unwrap())
        .json(&json!({"isEnabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 204);
    let app = &server.running().app;
    let browser = browser(&server);
    let page = browser
        .get(authorize_url(&server, "&login_hint=megan%40contoso.com"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = post_form(&browser, &page, &[("password", "Portico-dev-1")])
        .await
        .text()
        .await
        .unwrap();
    let secret = regex::Regex::new(r#"id="totp-secret">([A-Z2-7]+)<"#)
        .unwrap()
        .captures(&page)
        .unwrap_or_else(|| panic!("{page}"))[1]
        .to_owned();
    let wrong = post_form(&browser, &page, &[("otp", "000000")])
        .await
        .text()
        .await
        .unwrap();
    assert!(wrong.contains("AADSTS500121"), "{wrong}");
    let code = portico_app::tokens::totp::code_now(&secret, app.now()).unwrap();
    let done = post_form(&browser, &wrong, &[("otp", &code)]).await;
    let tokens: Value = redeem(&server, &redirect_params(&done)["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        decode(tokens["access_token"].as_str().unwrap(), 1)["amr"],
        json!(["pwd", "mfa"])
    );
    let megan = app
        .store_for_tests()
        .find_user_by_upn(
            TenantId::parse(CONTOSO).unwrap(),
            &Upn::parse("megan@contoso.com").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        megan.mfa_methods.len(),
        1,
        "the authenticator is registered in Contoso"
    );

    // Next sign-in: a challenge; the code just used cannot be replayed.
    let page = browser
        .get(authorize_url(
            &server,
            "&prompt=login&login_hint=megan%40contoso.com",
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = post_form(&browser, &page, &[("password", "Portico-dev-1")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Enter code") && !page.contains("totp-secret"),
        "{page}"
    );
    let replay = post_form(&browser, &page, &[("otp", &code)])
        .await
        .text()
        .await
        .unwrap();
    assert!(replay.contains("AADSTS500121"), "a used code is refused");
    app.advance_clock(30).unwrap();
    let next = portico_app::tokens::totp::code_now(&secret, app.now()).unwrap();
    assert!(
        redirect_params(&post_form(&browser, &replay, &[("otp", &next)]).await)
            .contains_key("code")
    );

    // The log tells it as Entra does: each interrupt is a row (50079 to register, 50074 to
    // prove), beside the wrong codes (500121) and the successes.
    let log: Value = server
        .client
        .get(server.url("/v1.0/auditLogs/signIns"))
        .query(&[("$filter", "userPrincipalName eq 'megan@contoso.com'")])
        .bearer_auth(admin["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut codes: Vec<i64> = log["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["status"]["errorCode"].as_i64().unwrap())
        .collect();
    codes.sort_unstable();
    assert_eq!(codes, [0, 0, 50074, 50079, 500121, 500121], "{log}");
    let interrupt = log["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["status"]["errorCode"] == 50074)
        .unwrap();
    assert_eq!(
        interrupt["status"]["failureReason"],
        "Strong Authentication is required."
    );
}

#[tokio::test]
async fn rotated_keys_are_published_before_use_and_kept_until_tokens_expire() {
    let server = spawn_demo().await;
    let app = &server.running().app;
    let kid = |token: &str| decode(token, 0)["kid"].as_str().unwrap().to_owned();
    let old_token = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await
        ["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let rotated: Value = server
        .client
        .post(server.url("/portico/v1/tenants/contoso.com/keys/rotate"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwks_kids = || async {
        let jwks: Value = server
            .client
            .get(server.url("/contoso.com/discovery/v2.0/keys"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        jwks_kids().await,
        vec![kid(&old_token), rotated["kid"].as_str().unwrap().to_owned()],
        "the next key is published first"
    );
    let still_old = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    assert_eq!(
        kid(still_old["access_token"].as_str().unwrap()),
        kid(&old_token),
        "and not used yet"
    );
    app.advance_clock(3601).unwrap();
    let new_token = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await
        ["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(kid(&new_token), rotated["kid"].as_str().unwrap());
    assert!(
        verify_with_jwks(&server, "contoso.com", &old_token)
            .await
            .is_ok(),
        "the old key still verifies its tokens"
    );
    app.advance_clock(2 * 3600 + 1).unwrap();
    assert_eq!(
        jwks_kids().await,
        vec![rotated["kid"].as_str().unwrap().to_owned()],
        "retired after its tokens expired"
    );
}

#[tokio::test]
async fn userinfo_and_graph_accept_only_genuine_tokens_of_their_tenant() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let code = sign_in_megan(&server, &browser).await["code"].clone();
    let tokens: Value = redeem(&server, &code, VERIFIER).await.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let info: Value = server
        .client
        .get(server.url("/oidc/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["name"], "Megan Bowen");
    assert_eq!(info["email"], "megan@contoso.com");
    assert_eq!(
        info["sub"],
        decode(tokens["id_token"].as_str().unwrap(), 1)["sub"]
    );

    let id_token = tokens["id_token"].as_str().unwrap();
    let app_only = app_token(&server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    let (header, rest) = access.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let b64 = |v: &Value| {
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            serde_json::to_vec(v).unwrap(),
        )
    };
    let mut claims = decode(access, 1);
    claims.insert("tid".into(), json!("22222222-2222-4222-8222-222222222222"));
    let other_tenant = format!("{header}.{}.{signature}", b64(&Value::Object(claims)));
    let none = format!(
        "{}.{payload}.",
        b64(&json!({"alg": "none", "typ": "at+jwt"}))
    );
    let hs256 = format!(
        "{}.{payload}.{signature}",
        b64(&json!({"alg": "HS256", "typ": "at+jwt", "kid": decode(access, 0)["kid"]}))
    );
    for (name, token) in [
        ("id token", id_token),
        ("app-only", app_only["access_token"].as_str().unwrap()),
        ("tid rewritten", &other_tenant),
        ("alg none", &none),
        ("HS256", &hs256),
        ("garbage", "abc"),
    ] {
        let response = server
            .client
            .get(server.url("/oidc/userinfo"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{name}");
    }
    // Graph: megan is no admin; her delegated token cannot change security defaults.
    let denied = server
        .client
        .patch(server.url("/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"))
        .bearer_auth(access)
        .json(&json!({"isEnabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);
    let no_token = server
        .client
        .get(server.url("/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 401);
    let forged = server
        .client
        .get(server.url("/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"))
        .bearer_auth(&other_tenant)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

const SIGN_UP_WORLD: &str = r#"
[[tenant]]
key = "personal"
id = "9188040d-6c67-4c5b-b112-36a304b66dad"
display_name = "Personal accounts"
domains = ["outlook.com", "hotmail.com"]
[tenant.settings]
self_service_sign_up = true
[[tenant.app]]
display_name = "Personal CLI"
client_id = "c0c0a003-0000-4000-8000-000000000003"
public_client = true
redirect_uris = ["http://localhost"]

[[tenant]]
key = "closed"
id = "11111111-1111-4111-8111-111111111111"
display_name = "Closed"
domains = ["contoso.onmicrosoft.com", "contoso.com"]
[[tenant.app]]
display_name = "Contoso CLI"
client_id = "c0c0a003-0000-4000-8000-000000000003"
public_client = true
redirect_uris = ["http://localhost"]
"#;

#[tokio::test]
async fn self_service_sign_up_creates_a_personal_account_only_where_allowed() {
    let server = crate::harness::spawn(crate::harness::Spawn {
        seed: Some(SIGN_UP_WORLD),
        ..Default::default()
    })
    .await;
    let browser = browser(&server);
    let personal = authorize_url(&server, "").replace("/contoso.com/", "/consumers/");
    let page = browser
        .get(&personal)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = post_form(&browser, &page, &[("login", "dana@outlook.com")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Create account") && page.contains("id=\"newPassword\""),
        "{page}"
    );
    let weak = post_form(
        &browser,
        &page,
        &[("displayName", "Dana"), ("newPassword", "password")],
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        weak.contains("three of"),
        "weak passwords are refused: {weak}"
    );
    let done = post_form(
        &browser,
        &weak,
        &[("displayName", "Dana Lee"), ("newPassword", "Str0ng-pass")],
    )
    .await;
    let code = redirect_params(&done)["code"].clone();
    let tokens: Value = server
        .client
        .post(server.url("/consumers/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLI_APP),
            ("code", &code),
            ("redirect_uri", "http://localhost:53123"),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id_token = decode(tokens["id_token"].as_str().unwrap(), 1);
    assert_eq!(id_token["name"], "Dana Lee");
    assert_eq!(id_token["tid"], "9188040d-6c67-4c5b-b112-36a304b66dad");
    let personal_tenant = TenantId::parse("9188040d-6c67-4c5b-b112-36a304b66dad").unwrap();
    let dana = server
        .running()
        .app
        .store_for_tests()
        .find_user_by_upn(personal_tenant, &Upn::parse("dana@outlook.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        dana.creation_type,
        Some(portico_model::user::CreationType::SelfServiceSignUp)
    );
    assert!(portico_app::secrets::verify_password(
        "Str0ng-pass",
        dana.password_hash.as_deref().unwrap()
    ));

    // A tenant without self-service sign-up never offers it.
    let closed = browser
        .get(authorize_url(&server, ""))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let closed = post_form(&browser, &closed, &[("login", "new@contoso.com")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        closed.contains("AADSTS50034") && !closed.contains("newPassword"),
        "{closed}"
    );
}

pub(crate) const ROPC_WORLD: &str = r#"
default_password = "Portico-dev-1"
[[tenant]]
key = "contoso"
id = "11111111-1111-4111-8111-111111111111"
display_name = "Contoso"
domains = ["contoso.onmicrosoft.com", "contoso.com"]
[[tenant.user]]
upn = "megan@contoso.com"
display_name = "Megan Bowen"
[[tenant.user]]
upn = "off@contoso.com"
display_name = "Disabled"
account_enabled = false
[[tenant.app]]
display_name = "Legacy daemon"
client_id = "c0c0a009-0000-4000-8000-000000000009"
public_client = true
allow_password_grant = true
"#;

#[tokio::test]
async fn the_password_grant_works_only_for_members_of_apps_that_enable_it() {
    let server = crate::harness::spawn(crate::harness::Spawn {
        seed: Some(ROPC_WORLD),
        ..Default::default()
    })
    .await;
    let ropc = |username: &'static str, password: &'static str| {
        let form = [
            ("grant_type", "password"),
            ("client_id", "c0c0a009-0000-4000-8000-000000000009"),
            ("username", username),
            ("password", password),
            ("scope", "openid User.Read"),
        ];
        server
            .client
            .post(server.url("/contoso.com/oauth2/v2.0/token"))
            .form(&form)
            .send()
    };
    let ok = ropc("megan@contoso.com", "Portico-dev-1").await.unwrap();
    assert_eq!(ok.status(), 200);
    let tokens: Value = ok.json().await.unwrap();
    assert_eq!(
        decode(tokens["id_token"].as_str().unwrap(), 1)["preferred_username"],
        "megan@contoso.com"
    );
    let description = |body: &Value| {
        let text = body["error_description"].as_str().unwrap();
        text.split("\r\n").next().unwrap().to_owned()
    };
    let wrong: Value = ropc("megan@contoso.com", "wrong")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unknown: Value = ropc("nobody@contoso.com", "wrong")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(wrong["error_codes"], json!([50126]));
    assert_eq!(
        description(&wrong),
        "AADSTS50126: Error validating credentials due to invalid username or password."
    );
    assert_eq!(
        (
            &unknown["error"],
            &unknown["error_codes"],
            description(&unknown)
        ),
        (&wrong["error"], &wrong["error_codes"], description(&wrong)),
        "an unknown user reads like a wrong password"
    );
    assert_eq!(
        error_code(ropc("nobody@contoso.com", "Portico-dev-1").await.unwrap())
            .await
            .2,
        50126
    );
    assert_eq!(
        error_code(ropc("off@contoso.com", "Portico-dev-1").await.unwrap())
            .await
            .2,
        50057
    );

    // A guest (made directly in the store until invitations land) never gets the password grant.
    let contoso = TenantId::parse(CONTOSO).unwrap();
    let store = server.running().app.store_for_tests();
    let mut guest = store
        .find_user_by_upn(contoso, &Upn::parse("megan@contoso.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    guest.id = portico_model::ObjectId::parse("00000000-0000-4000-8000-0000000000aa").unwrap();
    guest.user_principal_name =
        Upn::parse("alice_fabrikam.com#EXT#@contoso.onmicrosoft.com").unwrap();
    guest.user_type = portico_model::user::UserType::Guest;
    guest.proxy_addresses.clear();
    store
        .apply(contoso, vec![portico_store::Write::InsertUser(guest)])
        .await
        .unwrap();
    let guest: Value = ropc(
        "alice_fabrikam.com#EXT#@contoso.onmicrosoft.com",
        "Portico-dev-1",
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        (&guest["error"], &guest["error_codes"], description(&guest)),
        (&wrong["error"], &wrong["error_codes"], description(&wrong)),
        "a guest reads like a wrong password"
    );
    let failures = store
        .list_sign_ins(contoso, 10)
        .await
        .unwrap()
        .iter()
        .filter(|s| s.error_code != 0)
        .count();
    assert!(failures >= 3, "failed attempts are logged");
}

#[tokio::test]
async fn redirects_carry_session_state_and_id_tokens_name_the_session() {
    let server = spawn_demo().await;
    let browser = browser(&server);
    let params = sign_in_megan(&server, &browser).await;
    let session_state = params["session_state"].clone();
    assert!(uuid::Uuid::parse_str(&session_state).is_ok(), "{params:?}");
    let tokens: Value = redeem(&server, &params["code"], VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let id_token = decode(tokens["id_token"].as_str().unwrap(), 1);
    assert_eq!(id_token["sid"], session_state.as_str());
    assert!(id_token["uti"].is_string(), "{id_token:?}");
    // Single sign-on in the same session: the same session_state.
    let again = browser
        .get(authorize_url(&server, ""))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect_params(&again)["session_state"], session_state);
}

/// `grant_type` and its handle posted to `/{segment}/oauth2/v2.0/token` for Contoso CLI.
async fn token_at(server: &TestServer, segment: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let mut fields = vec![("client_id", crate::oidc_client::CLI_APP)];
    fields.extend_from_slice(form);
    let response = server
        .client
        .post(server.url(&format!("/{segment}/oauth2/v2.0/token")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn codes_and_refresh_tokens_are_redeemed_at_common_and_organizations() {
    use crate::oidc_client::{browser, sign_in_megan, VERIFIER};
    let server = crate::harness::spawn_demo().await;
    let client = browser(&server);
    let code = sign_in_megan(&server, &client).await["code"].clone();
    assert!(code.starts_with(crate::oidc_client::CONTOSO), "{code}");
    let (status, tokens) = token_at(
        &server,
        "organizations",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://localhost:53123"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, refreshed) = token_at(
        &server,
        "common",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
            ("scope", "User.Read offline_access"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{refreshed}");
    let claims = crate::oidc_client::decode(refreshed["access_token"].as_str().unwrap(), 1);
    assert_eq!(claims["tid"], crate::oidc_client::CONTOSO);

    // A handle naming another tenant is looked up there, and is not found.
    let fabrikam = "22222222-2222-4222-8222-222222222222";
    let (_, secret) = refreshed["refresh_token"]
        .as_str()
        .unwrap()
        .split_once('.')
        .unwrap();
    let forged = format!("{fabrikam}.{secret}");
    let (status, refused) = token_at(
        &server,
        "common",
        &[("grant_type", "refresh_token"), ("refresh_token", &forged)],
    )
    .await;
    assert!(matches!(status, 400 | 401), "{status} {refused}");
    assert!(refused["error"].is_string(), "{refused}");
    // A handle without a tenant at /common: the tenant cannot be told.
    let (status, refused) = token_at(
        &server,
        "common",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "no-tenant-here"),
        ],
    )
    .await;
    assert_eq!(status, 400, "{refused}");
}
