//! The JWT negative corpus (security.md §D-2): mutations of a genuine Portico access token,
//! many re-signed with the tenant's real key (taken from the running server's key ring, as an
//! attacker who stole nothing cannot), presented to Graph and userinfo. None may be accepted.
//! Positive controls prove the forging path makes tokens Portico would accept when nothing is
//! wrong with them, so each refusal is the mutation's doing.

use crate::harness::{spawn_demo, TestServer};
use crate::oidc_client::*;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use portico_model::TenantId;
use serde_json::{json, Map, Value};
use std::sync::Arc;

const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
const ENDPOINTS: [&str; 3] = ["/v1.0/me", "/v1.0/users", "/oidc/userinfo"];

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn json_b64(value: &Value) -> String {
    b64(&serde_json::to_vec(value).unwrap())
}

/// RS256 over `header.payload` (both already encoded) with `key`.
fn rs256(signing_input: &str, key: &KeyPair) -> String {
    let mut signature = vec![0u8; key.public_modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        signing_input.as_bytes(),
        &mut signature,
    )
    .unwrap();
    b64(&signature)
}

fn hmac(algorithm: aws_lc_rs::hmac::Algorithm, secret: &[u8], input: &str) -> String {
    let key = aws_lc_rs::hmac::Key::new(algorithm, secret);
    b64(aws_lc_rs::hmac::sign(&key, input.as_bytes()).as_ref())
}

struct Keys {
    contoso_kid: String,
    contoso: Arc<KeyPair>,
    fabrikam_kid: String,
    fabrikam: Arc<KeyPair>,
    attacker: KeyPair,
}

impl Keys {
    async fn load(server: &TestServer) -> Self {
        let app = &server.running().app;
        let now = app.now();
        let ring = app.keys();
        let tenant = |id: &str| TenantId::parse(id).unwrap();
        let (contoso_kid, contoso) = ring.signing_key(tenant(CONTOSO), now).await.unwrap();
        let (fabrikam_kid, fabrikam) = ring.signing_key(tenant(FABRIKAM), now).await.unwrap();
        Self {
            contoso_kid,
            contoso,
            fabrikam_kid,
            fabrikam,
            attacker: KeyPair::generate(KeySize::Rsa2048).unwrap(),
        }
    }

    fn header(&self) -> Map<String, Value> {
        json!({"alg": "RS256", "typ": "at+jwt", "kid": self.contoso_kid})
            .as_object()
            .unwrap()
            .clone()
    }

    /// `header.claims` signed with Contoso's real key.
    fn signed(&self, header: &Map<String, Value>, claims: &Map<String, Value>) -> String {
        let input = format!(
            "{}.{}",
            json_b64(&Value::Object(header.clone())),
            json_b64(&Value::Object(claims.clone()))
        );
        format!("{input}.{}", rs256(&input, &self.contoso))
    }

    /// Raw header and payload bytes signed with Contoso's real key.
    fn signed_raw(&self, header: &[u8], payload: &[u8]) -> String {
        let input = format!("{}.{}", b64(header), b64(payload));
        format!("{input}.{}", rs256(&input, &self.contoso))
    }
}

/// Genuine tokens: megan's delegated access token and ID token, and an app-only token.
struct Genuine {
    access: String,
    id_token: String,
    app_only: String,
}

async fn genuine(server: &TestServer) -> Genuine {
    let browser = browser(server);
    // `User.ReadBasic.All` (no admin consent in Entra) lets the token list users.
    let scope = "&scope=openid%20profile%20offline_access%20User.Read%20User.ReadBasic.All";
    let page = browser
        .get(authorize_url(server, scope))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = post_form(&browser, &page, &[("login", "megan@contoso.com")])
        .await
        .text()
        .await
        .unwrap();
    let done = post_form(&browser, &page, &[("password", "Portico-dev-1")]).await;
    let code = redirect_params(&done)["code"].clone();
    let tokens: Value = redeem(server, &code, VERIFIER).await.json().await.unwrap();
    let app_only = app_token(server, "contoso.com", ADMIN_APP, "contoso-admin-secret").await;
    Genuine {
        access: tokens["access_token"].as_str().unwrap().to_owned(),
        id_token: tokens["id_token"].as_str().unwrap().to_owned(),
        app_only: app_only["access_token"].as_str().unwrap().to_owned(),
    }
}

async fn status(server: &TestServer, path: &str, token: &str) -> u16 {
    server
        .client
        .get(server.url(path))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

type Corpus = Vec<(String, String)>;
/// A claim set to a value, or removed.
type Change<'a> = (&'a str, Option<Value>);

fn with(claims: &Map<String, Value>, changes: &[Change<'_>]) -> Map<String, Value> {
    let mut claims = claims.clone();
    for (name, value) in changes {
        match value {
            Some(value) => claims.insert((*name).to_owned(), value.clone()),
            None => claims.remove(*name),
        };
    }
    claims
}

fn algorithm_mutations(keys: &Keys, token: &str, out: &mut Corpus) {
    let (head, rest) = token.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let header = decode(token, 0);
    for alg in ["none", "None", "NONE", "nOnE", ""] {
        let forged = json_b64(&json!({"alg": alg, "typ": "at+jwt", "kid": header["kid"]}));
        out.push((
            format!("alg {alg:?}, no signature"),
            format!("{forged}.{payload}."),
        ));
        out.push((
            format!("alg {alg:?}, kept signature"),
            format!("{forged}.{payload}.{signature}"),
        ));
    }
    let no_alg = json_b64(&json!({"typ": "at+jwt", "kid": header["kid"]}));
    out.push(("no alg".into(), format!("{no_alg}.{payload}.{signature}")));
    for alg in ["RS384", "RS512", "PS256", "ES256", "EdDSA", "rs256"] {
        let mut forged = keys.header();
        forged.insert("alg".into(), json!(alg));
        out.push((
            format!("alg {alg}"),
            keys.signed(&forged, &decode(token, 1)),
        ));
    }
    let mut array = keys.header();
    array.insert("alg".into(), json!(["RS256"]));
    out.push((
        "alg as array".into(),
        keys.signed(&array, &decode(token, 1)),
    ));
    let public = keys.contoso.public_key();
    let der = public.as_ref().to_vec();
    let n = public.modulus().big_endian_without_leading_zero().to_vec();
    let pem = format!(
        "-----BEGIN RSA PUBLIC KEY-----\n{}\n-----END RSA PUBLIC KEY-----\n",
        STANDARD.encode(&der)
    );
    for (alg, algorithm) in [
        ("HS256", aws_lc_rs::hmac::HMAC_SHA256),
        ("HS384", aws_lc_rs::hmac::HMAC_SHA384),
        ("HS512", aws_lc_rs::hmac::HMAC_SHA512),
    ] {
        for (secret_name, secret) in [
            ("DER", der.as_slice()),
            ("modulus", n.as_slice()),
            ("PEM", pem.as_bytes()),
        ] {
            let forged = json_b64(&json!({"alg": alg, "typ": "at+jwt", "kid": header["kid"]}));
            let input = format!("{forged}.{payload}");
            let mac = hmac(algorithm, secret, &input);
            out.push((
                format!("{alg} keyed with the public key ({secret_name})"),
                format!("{input}.{mac}"),
            ));
        }
    }
    let _ = head;
}

fn header_mutations(keys: &Keys, claims: &Map<String, Value>, out: &mut Corpus) {
    let kids: [(&str, Value); 9] = [
        ("kid path traversal", json!("../../../../../../etc/passwd")),
        ("kid SQL", json!("' OR '1'='1")),
        ("kid SQL union", json!("x' UNION SELECT 'k")),
        ("kid empty", json!("")),
        ("kid null", Value::Null),
        ("kid number", json!(1)),
        ("kid /dev/null", json!("/dev/null")),
        ("kid of another tenant", json!(keys.fabrikam_kid)),
        ("kid with NUL", json!(format!("{}\u{0}", keys.contoso_kid))),
    ];
    for (name, kid) in kids {
        let mut header = keys.header();
        header.insert("kid".into(), kid);
        out.push((name.into(), keys.signed(&header, claims)));
    }
    let mut header = keys.header();
    header.remove("kid");
    out.push(("no kid".into(), keys.signed(&header, claims)));
    let attacker = keys.attacker.public_key();
    let jwk = json!({"kty": "RSA", "kid": "attacker", "n": b64(attacker.modulus().big_endian_without_leading_zero()), "e": b64(attacker.exponent().big_endian_without_leading_zero())});
    for (name, value) in [
        ("jku", json!("https://evil.example/keys")),
        ("x5u", json!("https://evil.example/cert.pem")),
        ("jwk", jwk.clone()),
        ("x5c", json!([STANDARD.encode(b"not a certificate")])),
        ("crit", json!(["exp"])),
    ] {
        let mut header = keys.header();
        header.insert(name.into(), value);
        out.push((
            format!("{name} header, real key"),
            keys.signed(&header, claims),
        ));
    }
    // The attacker's own key, offered inline and used to sign.
    let header = json!({"alg": "RS256", "typ": "at+jwt", "kid": "attacker", "jwk": jwk});
    let input = format!(
        "{}.{}",
        json_b64(&header),
        json_b64(&Value::Object(claims.clone()))
    );
    out.push((
        "jwk header, attacker's key".into(),
        format!("{input}.{}", rs256(&input, &keys.attacker)),
    ));
    let header = json!({"alg": "RS256", "typ": "at+jwt", "kid": keys.contoso_kid});
    let input = format!(
        "{}.{}",
        json_b64(&header),
        json_b64(&Value::Object(claims.clone()))
    );
    out.push((
        "attacker's key, Contoso's kid".into(),
        format!("{input}.{}", rs256(&input, &keys.attacker)),
    ));
    for typ in [json!("JWT"), json!("jwt"), Value::Null, json!("at+jwt+x")] {
        let mut header = keys.header();
        header.insert("typ".into(), typ.clone());
        out.push((format!("typ {typ}"), keys.signed(&header, claims)));
    }
    let mut header = keys.header();
    header.remove("typ");
    out.push(("no typ".into(), keys.signed(&header, claims)));
}

fn claim_mutations(keys: &Keys, base: &Map<String, Value>, now: i64, out: &mut Corpus) {
    let iss = base["iss"].as_str().unwrap().to_owned();
    let fabrikam_iss = iss.replace(CONTOSO, FABRIKAM);
    let changes: Vec<(&str, Vec<Change<'_>>)> = vec![
        (
            "iss of another host",
            vec![(
                "iss",
                Some(json!(format!("https://evil.example/{CONTOSO}/v2.0"))),
            )],
        ),
        (
            "iss of another tenant",
            vec![("iss", Some(json!(fabrikam_iss)))],
        ),
        (
            "iss with trailing slash",
            vec![("iss", Some(json!(format!("{iss}/"))))],
        ),
        ("iss missing", vec![("iss", None)]),
        (
            "aud of another resource",
            vec![("aud", Some(json!("https://evil.example")))],
        ),
        ("aud the client id", vec![("aud", Some(json!(CLI_APP)))]),
        (
            "aud upper case",
            vec![("aud", Some(json!("HTTPS://GRAPH.MICROSOFT.COM")))],
        ),
        ("aud missing", vec![("aud", None)]),
        (
            "tid of another tenant",
            vec![("tid", Some(json!(FABRIKAM)))],
        ),
        ("tid missing", vec![("tid", None)]),
        ("tid garbage", vec![("tid", Some(json!("contoso")))]),
        (
            "iss and tid of another tenant",
            vec![
                ("tid", Some(json!(FABRIKAM))),
                ("iss", Some(json!(fabrikam_iss))),
            ],
        ),
        (
            "expired beyond skew",
            vec![("exp", Some(json!(now - 6 * 60)))],
        ),
        ("expired long ago", vec![("exp", Some(json!(now - 86_400)))]),
        ("exp zero", vec![("exp", Some(json!(0)))]),
        ("exp negative", vec![("exp", Some(json!(i64::MIN)))]),
        (
            "exp as string",
            vec![("exp", Some(json!((now + 3600).to_string())))],
        ),
        ("exp as float", vec![("exp", Some(json!(now as f64 - 1e9)))]),
        ("exp missing", vec![("exp", None)]),
        ("nbf beyond skew", vec![("nbf", Some(json!(now + 6 * 60)))]),
        ("nbf far future", vec![("nbf", Some(json!(i64::MAX)))]),
        ("nbf missing", vec![("nbf", None)]),
        ("oid missing", vec![("oid", None)]),
        ("oid garbage", vec![("oid", Some(json!("' OR 1=1 --")))]),
    ];
    for (name, change) in changes {
        out.push((
            name.into(),
            keys.signed(&keys.header(), &with(base, &change)),
        ));
    }
}

fn signature_mutations(genuine: &Genuine, out: &mut Corpus) {
    let token = genuine.access.as_str();
    let (input, signature) = token.rsplit_once('.').unwrap();
    let mut flipped = URL_SAFE_NO_PAD.decode(signature).unwrap();
    flipped[10] ^= 1;
    let mut claims = decode(token, 1);
    claims.insert(
        "scp".into(),
        json!("Directory.ReadWrite.All User.ReadWrite.All"),
    );
    let header = token.split('.').next().unwrap();
    let other_signature = genuine.app_only.rsplit_once('.').unwrap().1;
    let std_signature = STANDARD.encode(URL_SAFE_NO_PAD.decode(signature).unwrap());
    for (name, forged) in [
        ("signature stripped", format!("{input}.")),
        ("signature segment missing", input.to_owned()),
        (
            "signature truncated",
            format!("{input}.{}", &signature[..signature.len() / 2]),
        ),
        (
            "signature one bit flipped",
            format!("{input}.{}", b64(&flipped)),
        ),
        (
            "signature of another token",
            format!("{input}.{other_signature}"),
        ),
        (
            "payload widened, signature kept",
            format!("{header}.{}.{signature}", json_b64(&Value::Object(claims))),
        ),
        ("extra segment", format!("{token}.{signature}")),
        ("padded segments", format!("{input}=.{signature}=")),
        (
            "standard base64 signature",
            format!("{input}.{std_signature}"),
        ),
        ("five segments (JWE shape)", format!("{token}.x.y")),
        ("empty", String::new()),
        ("dots only", "..".into()),
        ("id token as access token", genuine.id_token.clone()),
        (
            "whitespace inside",
            format!("{} {}", &token[..20], &token[20..]),
        ),
    ] {
        out.push((name.into(), forged));
    }
}

fn encoding_mutations(keys: &Keys, claims: &Map<String, Value>, out: &mut Corpus) {
    let header = serde_json::to_string(&Value::Object(keys.header())).unwrap();
    let payload = serde_json::to_string(&Value::Object(claims.clone())).unwrap();
    let tid = claims["tid"].as_str().unwrap();
    let duplicate_header = format!(r#"{},"alg":"none"}}"#, header.trim_end_matches('}'));
    let duplicate_tid = format!(r#"{},"tid":"{FABRIKAM}"}}"#, payload.trim_end_matches('}'));
    let duplicate_aud = format!(
        r#"{},"aud":"https://evil.example"}}"#,
        payload.trim_end_matches('}')
    );
    let mut non_utf8 = payload.clone().into_bytes();
    let at = payload.find(tid).unwrap();
    non_utf8.insert(at, 0xff);
    let mut bad_header = header.clone().into_bytes();
    bad_header.insert(2, 0xc3);
    let bom = format!("\u{feff}{payload}");
    for (name, head, body) in [
        (
            "duplicate alg in header",
            duplicate_header.into_bytes(),
            payload.clone().into_bytes(),
        ),
        (
            "duplicate tid in payload",
            header.clone().into_bytes(),
            duplicate_tid.into_bytes(),
        ),
        (
            "duplicate aud in payload",
            header.clone().into_bytes(),
            duplicate_aud.into_bytes(),
        ),
        ("non-UTF-8 payload", header.clone().into_bytes(), non_utf8),
        ("non-UTF-8 header", bad_header, payload.clone().into_bytes()),
        (
            "payload with a BOM",
            header.clone().into_bytes(),
            bom.into_bytes(),
        ),
        (
            "payload an array",
            header.clone().into_bytes(),
            format!("[{payload}]").into_bytes(),
        ),
        (
            "payload a string",
            header.clone().into_bytes(),
            b"\"x\"".to_vec(),
        ),
    ] {
        out.push((name.into(), keys.signed_raw(&head, &body)));
    }
}

fn cross_tenant_mutations(keys: &Keys, claims: &Map<String, Value>, out: &mut Corpus) {
    let iss = claims["iss"].as_str().unwrap().to_owned();
    let fabrikam_iss = iss.replace(CONTOSO, FABRIKAM);
    let sign_b = |kid: &str, claims: &Map<String, Value>| {
        let header = json!({"alg": "RS256", "typ": "at+jwt", "kid": kid});
        let input = format!(
            "{}.{}",
            json_b64(&header),
            json_b64(&Value::Object(claims.clone()))
        );
        format!("{input}.{}", rs256(&input, &keys.fabrikam))
    };
    let as_fabrikam = with(
        claims,
        &[
            ("tid", Some(json!(FABRIKAM))),
            ("iss", Some(json!(fabrikam_iss))),
        ],
    );
    for (name, forged) in [
        (
            "tenant B's key, claims of A",
            sign_b(&keys.fabrikam_kid, claims),
        ),
        ("tenant B's key, A's kid", sign_b(&keys.contoso_kid, claims)),
        (
            "tenant B's key, tid of A, iss of B",
            sign_b(
                &keys.fabrikam_kid,
                &with(claims, &[("iss", Some(json!(fabrikam_iss)))]),
            ),
        ),
        (
            "tenant B's key, iss of A, tid of B",
            sign_b(
                &keys.fabrikam_kid,
                &with(claims, &[("tid", Some(json!(FABRIKAM)))]),
            ),
        ),
        (
            "tenant A's key, tenant B's claims",
            keys.signed(&keys.header(), &as_fabrikam),
        ),
    ] {
        out.push((name.into(), forged));
    }
}

#[tokio::test]
async fn no_mutated_token_is_accepted() {
    let server = spawn_demo().await;
    let genuine = genuine(&server).await;
    let keys = Keys::load(&server).await;
    let now = server.running().app.now().timestamp();
    let claims = decode(&genuine.access, 1);

    // Positive controls: the genuine token, and the same claims re-signed (also within the skew).
    let controls = [
        ("genuine", genuine.access.clone()),
        ("re-signed", keys.signed(&keys.header(), &claims)),
        (
            "expired within skew",
            keys.signed(
                &keys.header(),
                &with(&claims, &[("exp", Some(json!(now - 60)))]),
            ),
        ),
        (
            "nbf within skew",
            keys.signed(
                &keys.header(),
                &with(&claims, &[("nbf", Some(json!(now + 60)))]),
            ),
        ),
    ];
    for (name, token) in &controls {
        for path in ENDPOINTS {
            assert_eq!(
                status(&server, path, token).await,
                200,
                "control {name} at {path}"
            );
        }
    }

    let mut corpus = Corpus::new();
    algorithm_mutations(&keys, &genuine.access, &mut corpus);
    header_mutations(&keys, &claims, &mut corpus);
    claim_mutations(&keys, &claims, now, &mut corpus);
    signature_mutations(&genuine, &mut corpus);
    encoding_mutations(&keys, &claims, &mut corpus);
    cross_tenant_mutations(&keys, &claims, &mut corpus);
    assert!(corpus.len() >= 60, "{}", corpus.len());
    let mut accepted = Vec::new();
    for (name, token) in &corpus {
        for path in ENDPOINTS {
            let code = status(&server, path, token).await;
            if (200..300).contains(&code) {
                accepted.push(format!("{name} at {path}"));
            }
            assert!(code < 500, "{name} at {path}: {code}");
        }
    }
    println!("{} mutations × {} endpoints", corpus.len(), ENDPOINTS.len());
    assert!(accepted.is_empty(), "accepted: {accepted:#?}");
}
