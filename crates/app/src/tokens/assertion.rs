//! `private_key_jwt` client authentication (RFC 7523) as MSAL sends it: a JWT signed with the
//! private key of a certificate registered on the app, named in the header by `x5t` (SHA-1,
//! RS256) or `x5t#S256` (SHA-256, PS256); `iss` = `sub` = the client id, `aud` = the token
//! endpoint, a `jti` used once, `exp` (and `nbf`) checked against the injected clock.

use super::certificate::{certificate_key, CertificateKey};
use super::client::Client;
use super::errors::OAuthError;
use crate::App;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use portico_model::application::Application;
use portico_model::tenant::Tenant;
use portico_store::{StoreError, Write};
use serde_json::{Map, Value};

/// RFC 7523's client assertion type.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Clock skew allowed on `exp` and `nbf` (Entra allows five minutes).
const SKEW_SECONDS: i64 = 300;
const MAX_JTI_LENGTH: usize = 256;

/// A compact JWS, decoded.
pub(super) struct Assertion {
    pub(super) header: Map<String, Value>,
    pub(super) claims: Map<String, Value>,
    signed: Vec<u8>,
    signature: Vec<u8>,
}

pub(super) fn decode(text: &str) -> Option<Assertion> {
    let mut parts = text.split('.');
    let (header, claims, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let object = |part: &str| -> Option<Map<String, Value>> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
    };
    Some(Assertion {
        header: object(header)?,
        claims: object(claims)?,
        signed: format!("{header}.{claims}").into_bytes(),
        signature: URL_SAFE_NO_PAD.decode(signature).ok()?,
    })
}

fn malformed(why: &str) -> OAuthError {
    OAuthError::invalid_client_assertion(50027, format!("Invalid JWT token. {why}"))
}

fn text<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    map.get(name).and_then(Value::as_str)
}

fn time(map: &Map<String, Value>, name: &str) -> Option<DateTime<Utc>> {
    // NumericDate may carry a fraction (MSAL Python sends `time.time() + 600`).
    let value = map.get(name)?;
    let seconds = value
        .as_i64()
        .or_else(|| value.as_f64().map(|f| f.floor() as i64))?;
    DateTime::from_timestamp(seconds, 0)
}

/// The registered certificate the header names, if it is valid now.
fn registered_key(
    app: &Application,
    header: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<CertificateKey, OAuthError> {
    // MSAL Python pads its thumbprints with `=`; base64url in JOSE has none.
    let thumb = |name| text(header, name).map(|t| t.trim_end_matches('='));
    let (sha256, sha1) = (thumb("x5t#S256"), thumb("x5t"));
    let named = sha256.or(sha1).unwrap_or_default();
    app.key_credentials
        .iter()
        .filter(|k| k.start_at.is_none_or(|at| at <= now) && k.end_at.is_none_or(|at| now < at))
        .filter_map(|k| certificate_key(&STANDARD.decode(&k.certificate_base64).ok()?))
        .find(|key| Some(key.x5t_s256.as_str()) == sha256 || Some(key.x5t.as_str()) == sha1)
        .ok_or_else(|| {
            OAuthError::invalid_client_assertion(700027, format!("The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{named}']"))
        })
}

fn verify_signature(assertion: &Assertion, key: &CertificateKey) -> Result<(), OAuthError> {
    use aws_lc_rs::signature::{
        UnparsedPublicKey, VerificationAlgorithm, RSA_PKCS1_2048_8192_SHA256,
        RSA_PSS_2048_8192_SHA256,
    };
    let algorithm: &'static dyn VerificationAlgorithm = match text(&assertion.header, "alg") {
        Some("RS256") => &RSA_PKCS1_2048_8192_SHA256,
        Some("PS256") => &RSA_PSS_2048_8192_SHA256,
        other => {
            return Err(malformed(&format!(
                "The signing algorithm {} is not supported; use RS256 or PS256.",
                other.unwrap_or("(none)")
            )))
        }
    };
    UnparsedPublicKey::new(algorithm, &key.rsa_public_key)
        .verify(&assertion.signed, &assertion.signature)
        .map_err(|_| {
            OAuthError::invalid_client_assertion(
                700027,
                "Client assertion failed signature validation.",
            )
        })
}

/// `exp` and `nbf` against the clock; returns `exp`.
fn check_lifetime(
    claims: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, OAuthError> {
    let exp = time(claims, "exp").ok_or_else(|| malformed("The assertion has no 'exp'."))?;
    let nbf = time(claims, "nbf");
    let skew = Duration::seconds(SKEW_SECONDS);
    if now >= exp + skew || nbf.is_some_and(|nbf| nbf > now + skew) {
        let format = |t: DateTime<Utc>| t.format("%m/%d/%Y %H:%M:%S").to_string();
        let from = nbf.map_or_else(|| "-".to_owned(), format);
        return Err(OAuthError::invalid_client_assertion(700024, format!("Client assertion is not within its valid time range. Current time: {}, assertion valid from {from}, expiry time of assertion {}.", format(now), format(exp))));
    }
    Ok(exp)
}

impl App {
    /// Authenticates `app` by a client assertion; failures are logged as the app's sign-ins.
    pub(crate) async fn assertion_client(
        &self,
        tenant: &Tenant,
        app: Application,
        assertion_type: Option<&str>,
        assertion: &str,
        now: DateTime<Utc>,
    ) -> Result<Client, OAuthError> {
        match self
            .check_assertion(tenant, &app, assertion_type, assertion, now)
            .await
        {
            Ok(()) => Ok(Client {
                app,
                confidential: true,
            }),
            Err(error) => {
                self.log_client_failure(tenant, &app, &error, now).await?;
                Err(error)
            }
        }
    }

    async fn check_assertion(
        &self,
        tenant: &Tenant,
        app: &Application,
        assertion_type: Option<&str>,
        assertion: &str,
        now: DateTime<Utc>,
    ) -> Result<(), OAuthError> {
        if assertion_type != Some(JWT_BEARER) {
            return Err(OAuthError::invalid_request(format!(
                "The client_assertion_type must be '{JWT_BEARER}'."
            )));
        }
        if app.public_client && app.key_credentials.is_empty() {
            return Err(OAuthError::public_client_with_secret());
        }
        let raw = assertion;
        let assertion = decode(raw).ok_or_else(|| malformed("The token is malformed."))?;
        if let Some(federated) = self
            .federated_assertion(app, raw, &assertion.claims, now)
            .await
        {
            return federated;
        }
        let key = registered_key(app, &assertion.header, now)?;
        verify_signature(&assertion, &key)?;
        let claims = &assertion.claims;
        let client_id = app.client_id.to_string();
        if text(claims, "iss") != Some(client_id.as_str())
            || text(claims, "sub") != Some(client_id.as_str())
        {
            return Err(OAuthError::invalid_client_assertion(700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."));
        }
        let audience = text(claims, "aud").unwrap_or_default();
        if !self.is_token_endpoint_of(tenant, audience).await {
            return Err(OAuthError::invalid_client_assertion(50013, format!("Assertion audience does not match the token endpoint of this tenant: '{audience}'.")));
        }
        let exp = check_lifetime(claims, now)?;
        self.claim_jti(tenant, &client_id, claims, exp, now).await
    }

    /// Whether `audience` is this tenant's token endpoint (v2.0 or v1, by id or domain) or its
    /// issuer.
    async fn is_token_endpoint_of(&self, tenant: &Tenant, audience: &str) -> bool {
        let base = self.public_base();
        let Some(rest) = audience.strip_prefix(base.as_str()) else {
            return false;
        };
        let Some((segment, path)) = rest.split_once('/') else {
            return false;
        };
        if !matches!(path, "oauth2/v2.0/token" | "oauth2/token" | "v2.0") {
            return false;
        }
        matches!(self.resolve_tenant(segment).await, Ok(Some(found)) if found.id == tenant.id)
    }

    /// A `jti` is accepted once while its assertion could be valid (until `exp` plus the skew).
    async fn claim_jti(
        &self,
        tenant: &Tenant,
        client_id: &str,
        claims: &Map<String, Value>,
        exp: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), OAuthError> {
        let jti = text(claims, "jti")
            .filter(|jti| !jti.is_empty() && jti.len() <= MAX_JTI_LENGTH)
            .ok_or_else(|| malformed("The assertion has no usable 'jti'."))?;
        let window = (exp - now)
            .num_seconds()
            .saturating_add(SKEW_SECONDS)
            .max(1);
        let claim = Write::ClaimQuota {
            key: format!("client-assertion:{client_id}:{jti}"),
            now,
            window_seconds: window,
            max: 1,
        };
        match self.store().apply(tenant.id, vec![claim]).await {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict(_)) => Err(OAuthError::invalid_client_assertion(
                50013,
                "The client assertion was already used: its 'jti' must be unique.",
            )),
            Err(error) => {
                tracing::error!(%error, "client assertion claim failed");
                Err(OAuthError::server_error())
            }
        }
    }
}
