//! Certificate credentials: `private_key_jwt` client assertions as MSAL sends them (RS256 with
//! `x5t`, PS256 with `x5t#S256`), checked for the registered certificate, signature, issuer,
//! audience, lifetime and a single-use `jti`.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::{error_code, verify_with_jwks, ADMIN_APP, CONTOSO};
use aws_lc_rs::signature::{RsaKeyPair, RSA_PKCS1_SHA256, RSA_PSS_SHA256};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

struct Certificate {
    der: Vec<u8>,
    key: RsaKeyPair,
}

fn certificate() -> Certificate {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let params = rcgen::CertificateParams::new(vec!["portico-test".into()]).unwrap();
    let der = params.self_signed(&key).unwrap().der().to_vec();
    Certificate {
        der,
        key: RsaKeyPair::from_pkcs8(&key.serialize_der()).unwrap(),
    }
}

fn thumbprint(algorithm: &'static aws_lc_rs::digest::Algorithm, der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(algorithm, der).as_ref())
}

/// An assertion as MSAL builds it: PS256 with `x5t#S256`, or (`legacy`) RS256 with `x5t`.
fn assertion(cert: &Certificate, claims: &Value, legacy: bool) -> String {
    let header = match legacy {
        true => json!({"alg": "RS256", "typ": "JWT",
            "x5t": thumbprint(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &cert.der)}),
        false => json!({"alg": "PS256", "typ": "JWT",
            "x5t#S256": thumbprint(&aws_lc_rs::digest::SHA256, &cert.der)}),
    };
    let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    let signed = format!("{}.{}", encode(&header), encode(claims));
    let padding = if legacy {
        &RSA_PKCS1_SHA256
    } else {
        &RSA_PSS_SHA256
    };
    let mut signature = vec![0; cert.key.public_modulus_len()];
    let rng = aws_lc_rs::rand::SystemRandom::new();
    cert.key
        .sign(padding, &rng, signed.as_bytes(), &mut signature)
        .unwrap();
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature))
}

async fn now(server: &TestServer) -> i64 {
    let clock: Value = server
        .client
        .get(server.url("/portico/v1/clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    chrono::DateTime::parse_from_rfc3339(clock["now"].as_str().unwrap())
        .unwrap()
        .timestamp()
}

fn claims(server: &TestServer, now: i64, jti: &str) -> Value {
    json!({
        "aud": server.url(&format!("/{CONTOSO}/oauth2/v2.0/token")),
        "iss": ADMIN_APP, "sub": ADMIN_APP, "jti": jti,
        "nbf": now, "iat": now, "exp": now + 600,
    })
}

async fn token(server: &TestServer, assertion: &str) -> reqwest::Response {
    server
        .client
        .post(server.url("/contoso.com/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", ADMIN_APP),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap()
}

async fn register(server: &TestServer, cert: &Certificate) -> Value {
    let response = server
        .client
        .post(server.url(&format!(
            "/portico/v1/tenants/contoso.com/applications/{ADMIN_APP}/keyCredentials"
        )))
        .json(&json!({"key": STANDARD.encode(&cert.der), "displayName": "CN=portico-test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn registered_certificates_authenticate_apps_by_client_assertion() {
    let server = spawn_demo().await;
    let cert = certificate();
    let now = now(&server).await;
    // Not registered yet: 700027, naming the thumbprint.
    let early = token(
        &server,
        &assertion(&cert, &claims(&server, now, "a0"), false),
    )
    .await;
    assert_eq!(
        error_code(early).await,
        (401, "invalid_client".into(), 700027)
    );

    let added = register(&server, &cert).await;
    let sha1: String =
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &cert.der)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
    assert_eq!(added["customKeyIdentifier"], sha1);
    assert_eq!(
        (added["type"].as_str(), added["usage"].as_str()),
        (Some("AsymmetricX509Cert"), Some("Verify"))
    );

    // PS256 with x5t#S256 and RS256 with x5t both give the app's token.
    for (jti, legacy) in [("a1", false), ("a2", true)] {
        let response = token(
            &server,
            &assertion(&cert, &claims(&server, now, jti), legacy),
        )
        .await;
        assert_eq!(response.status(), 200, "legacy={legacy}");
        let body: Value = response.json().await.unwrap();
        let access = verify_with_jwks(
            &server,
            "contoso.com",
            body["access_token"].as_str().unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(access["azp"], ADMIN_APP);
        assert_eq!(access["tid"], CONTOSO);
    }

    // The same jti twice: refused. The audience may name the tenant by a domain.
    let once = assertion(&cert, &claims(&server, now, "a3"), false);
    assert_eq!(token(&server, &once).await.status(), 200);
    assert_eq!(
        error_code(token(&server, &once).await).await,
        (401, "invalid_client".into(), 50013)
    );
    let mut by_domain = claims(&server, now, "a4");
    by_domain["aud"] = json!(server.url("/contoso.com/oauth2/v2.0/token"));
    assert_eq!(
        token(&server, &assertion(&cert, &by_domain, false))
            .await
            .status(),
        200
    );

    // Another tenant's endpoint, another issuer, an expired or a tampered assertion: refused.
    let mut elsewhere = claims(&server, now, "b1");
    elsewhere["aud"] = json!(server.url("/fabrikam.com/oauth2/v2.0/token"));
    let mut other_issuer = claims(&server, now, "b2");
    other_issuer["iss"] = json!("c0c0a004-0000-4000-8000-000000000004");
    let mut expired = claims(&server, now, "b3");
    expired["exp"] = json!(now - 301);
    let cases = [
        (elsewhere, 50013),
        (other_issuer, 700021),
        (expired, 700024),
    ];
    for (claims, code) in cases {
        let response = token(&server, &assertion(&cert, &claims, false)).await;
        assert_eq!(error_code(response).await.2, code, "{claims}");
    }
    let good = assertion(&cert, &claims(&server, now, "b4"), false);
    let (head, _) = good.rsplit_once('.').unwrap();
    let forged = format!("{head}.{}", URL_SAFE_NO_PAD.encode([7u8; 256]));
    assert_eq!(error_code(token(&server, &forged).await).await.2, 700027);
    let other_key = certificate();
    let mut stranger = assertion(&other_key, &claims(&server, now, "b5"), false);
    stranger = stranger.replacen(
        &stranger[..stranger.find('.').unwrap()],
        &good[..good.find('.').unwrap()],
        1,
    );
    assert_eq!(error_code(token(&server, &stranger).await).await.2, 700027);
}
