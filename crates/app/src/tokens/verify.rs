//! Validating Portico-issued access tokens presented to Portico's own APIs (userinfo, Graph).
//! A token is accepted only by the tenant that issued it: `iss`, `tid` and the signing key must
//! all be that tenant's (CVE-2025-55241 was a token honoured by the wrong tenant).

use super::issue::GRAPH_AUDIENCE;
use super::jwt;
use crate::App;
use chrono::Duration;
use portico_model::{ObjectId, TenantId};
use serde_json::{Map, Value};

const CLOCK_SKEW: Duration = Duration::minutes(5);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejected {
    #[error("the token is malformed or its signature does not verify: {0}")]
    Invalid(String),
    #[error("the token was not issued for this resource")]
    WrongAudience,
    #[error("the token was issued by another tenant")]
    WrongTenant,
    #[error("the token has expired or is not yet valid")]
    Lifetime,
    #[error("the token is not an access token")]
    NotAnAccessToken,
}

/// The claims Portico's APIs act on, from a verified access token.
#[derive(Debug, Clone)]
pub struct AccessTokenClaims {
    pub tenant: TenantId,
    /// The user, or the app's object id for app-only tokens.
    pub oid: ObjectId,
    pub app_only: bool,
    pub client_id: String,
    pub roles: Vec<String>,
    pub scopes: Vec<String>,
    pub raw: Map<String, Value>,
}

fn text<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}

impl App {
    /// Verifies a bearer token for Microsoft Graph. `expected_tenant` is the tenant the request is
    /// for (from the route), or `None` when the token's own tenant decides (userinfo, `/v1.0`).
    pub async fn verify_graph_token(
        &self,
        token: &str,
        expected_tenant: Option<TenantId>,
    ) -> Result<AccessTokenClaims, TokenRejected> {
        let (claimed, claims) = self
            .verify_access_token(token, expected_tenant, |aud| aud == GRAPH_AUDIENCE)
            .await?;
        // Graph tokens are v2.0 (`ver` and issuer).
        if text(&claims, "iss") != Some(self.issuer(claimed).as_str()) {
            return Err(TokenRejected::WrongTenant);
        }
        let oid = text(&claims, "oid")
            .and_then(|o| ObjectId::parse(o).ok())
            .ok_or_else(|| TokenRejected::Invalid("no oid".into()))?;
        Ok(AccessTokenClaims {
            tenant: claimed,
            oid,
            app_only: text(&claims, "idtyp") == Some("app"),
            client_id: text(&claims, "azp").unwrap_or_default().to_owned(),
            roles: claim_list(&claims, "roles"),
            scopes: claim_list(&claims, "scp"),
            raw: claims,
        })
    }

    /// Verifies a Portico access token of `expected_tenant` (or of the tenant it claims):
    /// signature by that tenant's key, `typ: at+jwt`, `tid`, a v1.0 or v2.0 issuer of that
    /// tenant, lifetime, and an `aud` that `audience_ok` accepts. The tenant and the claims.
    pub(crate) async fn verify_access_token(
        &self,
        token: &str,
        expected_tenant: Option<TenantId>,
        audience_ok: impl Fn(&str) -> bool,
    ) -> Result<(TenantId, Map<String, Value>), TokenRejected> {
        let now = self.now();
        // Read the claimed tenant without trusting it, to pick whose keys to verify with.
        let claimed =
            unverified_tid(token).ok_or_else(|| TokenRejected::Invalid("no tenant".into()))?;
        if expected_tenant.is_some_and(|t| t != claimed) {
            return Err(TokenRejected::WrongTenant);
        }
        let keys = self.keys();
        let kid = unverified_kid(token).ok_or_else(|| TokenRejected::Invalid("no kid".into()))?;
        let key = keys
            .public_key(claimed, &kid, now)
            .await
            .map_err(|e| TokenRejected::Invalid(e.to_string()))?;
        let verified = jwt::verify(token, |k| if k == kid { key.clone() } else { None })
            .map_err(|e| TokenRejected::Invalid(e.to_string()))?;
        let claims = verified.claims;
        if verified.typ.as_deref() != Some("at+jwt") {
            return Err(TokenRejected::NotAnAccessToken);
        }
        if !text(&claims, "aud").is_some_and(&audience_ok) {
            return Err(TokenRejected::WrongAudience);
        }
        let tid = text(&claims, "tid").and_then(|t| TenantId::parse(t).ok());
        let iss = text(&claims, "iss");
        let issuers = [self.issuer(claimed), self.v1_issuer(claimed)];
        if tid != Some(claimed) || !issuers.iter().any(|i| Some(i.as_str()) == iss) {
            return Err(TokenRejected::WrongTenant);
        }
        let exp = claims
            .get("exp")
            .and_then(Value::as_i64)
            .ok_or(TokenRejected::Lifetime)?;
        let nbf = claims
            .get("nbf")
            .and_then(Value::as_i64)
            .ok_or(TokenRejected::Lifetime)?;
        if now.timestamp() > exp + CLOCK_SKEW.num_seconds()
            || now.timestamp() + CLOCK_SKEW.num_seconds() < nbf
        {
            return Err(TokenRejected::Lifetime);
        }
        Ok((claimed, claims))
    }
}

/// A list claim: a JSON array (`roles`) or space-separated text (`scp`).
pub(crate) fn claim_list(claims: &Map<String, Value>, name: &str) -> Vec<String> {
    match claims.get(name) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(joined)) => joined
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn unverified_part(token: &str, index: usize) -> Option<Map<String, Value>> {
    use base64::Engine;
    let part = token.split('.').nth(index)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn unverified_tid(token: &str) -> Option<TenantId> {
    unverified_part(token, 1).and_then(|c| text(&c, "tid").and_then(|t| TenantId::parse(t).ok()))
}

fn unverified_kid(token: &str) -> Option<String> {
    unverified_part(token, 0).and_then(|h| text(&h, "kid").map(str::to_owned))
}

impl App {
    /// The user a verified delegated token stands for, as the directory has them now (userinfo
    /// answers for the current account, which may have been disabled or deleted since).
    pub async fn user_of_token(
        &self,
        claims: &AccessTokenClaims,
    ) -> Result<portico_model::user::User, portico_store::StoreError> {
        self.store().get_user(claims.tenant, claims.oid).await
    }
}
