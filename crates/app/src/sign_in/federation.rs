//! Guests of a federated domain sign in at an external OpenID Connect provider (redemption
//! order step 2): authorization code with PKCE, state and nonce; the ID token is verified with
//! the provider's own keys, and the address it asserts must be the guest's (`docs/decisions.md` 7).

use super::context::Ctx;
use super::outcome::{commit_step, ErrorPage, FlowOutcome};
use crate::secrets::{constant_time_eq, digest_hex};
use crate::App;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use portico_model::oauth::{FlowStep, LoginFlow};
use portico_model::settings::DomainFederation;
use portico_model::tenant::Tenant;
use portico_model::{EmailAddress, ObjectId};
use portico_store::Write;
use serde::Deserialize;
use serde_json::Value;

/// Why an external provider's sign-in failed; the error page shows it.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ProviderError {
    #[error("{0}")]
    Unreachable(#[from] reqwest::Error),
    #[error("discovery answered {0}")]
    Discovery(reqwest::StatusCode),
    #[error("discovery names issuer {named}, not {expected}")]
    WrongIssuer { named: String, expected: String },
    #[error("Portico's client secret for it cannot be opened: {0}")]
    Secret(#[from] crate::AppError),
    #[error("the token request failed: {0}")]
    TokenRequest(String),
    #[error("no ID token in the answer")]
    NoIdToken,
    #[error("the provider's JWKS is not a key set: {0}")]
    Jwks(serde_json::Error),
    #[error("the ID token does not verify: {0}")]
    Unverified(String),
    #[error("the ID token's issuer is not the provider's")]
    Issuer,
    #[error("the ID token was not issued to Portico's client")]
    Audience,
    #[error("the ID token has expired")]
    Expired,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    pub(crate) jwks_uri: String,
}

fn provider_error(issuer: &str, what: impl std::fmt::Display) -> FlowOutcome {
    ErrorPage::provider_failed(issuer, what).into()
}

/// Where a provider sends its answer, under the tenant's path.
const FEDERATION_CALLBACK: &str = "/federation/callback";

/// The provider's answer at the callback: a code and our state, or an error.
#[derive(Debug, Clone, Default)]
pub struct ProviderAnswer {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

impl App {
    fn federation_redirect_uri(&self, ctx: &Ctx<'_>) -> String {
        format!(
            "{}{}{FEDERATION_CALLBACK}",
            self.public_base(),
            ctx.tenant.id
        )
    }

    /// An issuer's OpenID Connect discovery document (also workload identity federation's).
    pub(crate) async fn discovery(&self, issuer: &str) -> Result<Discovery, ProviderError> {
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let response = self.http().get(&url).send().await?;
        if !response.status().is_success() {
            return Err(ProviderError::Discovery(response.status()));
        }
        let discovery: Discovery = response.json().await?;
        if discovery.issuer != issuer {
            return Err(ProviderError::WrongIssuer {
                named: discovery.issuer,
                expected: issuer.to_owned(),
            });
        }
        Ok(discovery)
    }

    /// Sends the browser to the provider.
    pub(crate) async fn start_federation(
        &self,
        ctx: &Ctx<'_>,
        mut flow: LoginFlow,
        guest_id: ObjectId,
        federation: &DomainFederation,
        address: &EmailAddress,
    ) -> FlowOutcome {
        let discovery = match self.discovery(&federation.issuer).await {
            Ok(discovery) => discovery,
            Err(error) => return provider_error(&federation.issuer, error),
        };
        let (state, nonce, verifier) = (
            self.random().secret(),
            self.random().secret(),
            self.random().secret(),
        );
        let challenge = URL_SAFE_NO_PAD.encode(crate::secrets::sha256(verifier.as_bytes()));
        flow.step = FlowStep::Federated {
            guest_id,
            issuer: federation.issuer.clone(),
            address: address.to_string(),
            state_sha256_hex: digest_hex(&state),
            nonce: nonce.clone(),
            verifier,
        };
        commit_step!(
            self.store()
                .apply(ctx.tenant.id, vec![Write::UpdateLoginFlow(flow)])
                .await
        );
        let redirect_uri = self.federation_redirect_uri(ctx);
        let Ok(mut authorize) = url::Url::parse(&discovery.authorization_endpoint) else {
            return ErrorPage::server("the provider's authorization endpoint is not a URL").into();
        };
        authorize
            .query_pairs_mut()
            .append_pair("client_id", &federation.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("scope", "openid profile email")
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("login_hint", address.as_str());
        let url = String::from(authorize);
        let callback_path = url::Url::parse(&redirect_uri)
            .map(|u| u.path().to_owned())
            .unwrap_or(redirect_uri);
        FlowOutcome::Federate {
            url,
            callback_path,
            flow_secret: ctx.flow_secret.clone(),
        }
    }

    /// The flow waiting for this provider's answer: its tenant, row and secret.
    pub(crate) async fn callback_flow(
        &self,
        segment: &str,
        flow_secret: Option<String>,
        answer: &ProviderAnswer,
    ) -> Result<(Tenant, LoginFlow, String), FlowOutcome> {
        let unexpected = |why: &str| FlowOutcome::from(ErrorPage::provider_answer_unexpected(why));
        let tenant = match self.resolve_tenant(segment).await {
            Ok(Some(tenant)) => tenant,
            Ok(None) => return Err(unexpected("the tenant does not exist")),
            Err(error) => return Err(ErrorPage::server(error).into()),
        };
        let Some(secret) = flow_secret else {
            return Err(unexpected("this browser has no sign-in waiting for it"));
        };
        let found = self
            .store()
            .find_login_flow(tenant.id, &digest_hex(&secret))
            .await;
        let flow = match found {
            Ok(Some(flow)) => flow,
            Ok(None) => return Err(unexpected("the sign-in has ended or expired")),
            Err(error) => return Err(ErrorPage::server(error).into()),
        };
        let FlowStep::Federated {
            state_sha256_hex, ..
        } = &flow.step
        else {
            return Err(unexpected("the sign-in is not waiting for a provider"));
        };
        if !answer
            .state
            .as_deref()
            .is_some_and(|s| constant_time_eq(&digest_hex(s), state_sha256_hex))
        {
            return Err(unexpected("its state does not match"));
        }
        Ok((tenant, flow, secret))
    }

    /// The address the provider's verified ID token asserts (`Err(page)` for the machine when
    /// the provider failed), or a page when the answer belongs to no usable sign-in.
    pub(crate) async fn provider_claims(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        answer: ProviderAnswer,
    ) -> Result<Result<String, ErrorPage>, FlowOutcome> {
        let unexpected = |why: &str| FlowOutcome::from(ErrorPage::provider_answer_unexpected(why));
        let FlowStep::Federated {
            issuer,
            nonce,
            verifier,
            ..
        } = &flow.step
        else {
            return Err(unexpected("the sign-in is not waiting for a provider"));
        };
        let failed = |what: String| ErrorPage::provider_failed(issuer, what);
        if let Some(error) = answer.error {
            return Ok(Err(failed(format!("it answered '{error}'"))));
        }
        let Some(code) = answer.code else {
            return Err(unexpected("it carries no authorization code"));
        };
        let settings = self.store().get_settings(ctx.tenant.id).await;
        let settings = settings.map_err(|error| FlowOutcome::from(ErrorPage::server(error)))?;
        let Some(federation) = settings.federations.iter().find(|f| &f.issuer == issuer) else {
            return Err(unexpected(
                "the tenant no longer federates with this provider",
            ));
        };
        let claims = match self
            .redeem_external_code(ctx, federation, &code, verifier)
            .await
        {
            Ok(claims) => claims,
            Err(error) => return Ok(Err(failed(error.to_string()))),
        };
        if claims.get("nonce").and_then(Value::as_str) != Some(nonce.as_str()) {
            return Ok(Err(failed(
                "the ID token's nonce is not this sign-in's".into(),
            )));
        }
        let asserted = claims
            .get("email")
            .or_else(|| claims.get("preferred_username"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        Ok(Ok(asserted.to_owned()))
    }

    /// The token request to the provider and the verified ID token's claims.
    async fn redeem_external_code(
        &self,
        ctx: &Ctx<'_>,
        federation: &DomainFederation,
        code: &str,
        verifier: &str,
    ) -> Result<serde_json::Map<String, Value>, ProviderError> {
        let discovery = self.discovery(&federation.issuer).await?;
        let secret = self.federation_secret(ctx.tenant.id, federation)?;
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", federation.client_id.as_str()),
            ("client_secret", secret.as_str()),
            ("code", code),
            ("redirect_uri", &self.federation_redirect_uri(ctx)),
            ("code_verifier", verifier),
        ];
        let response = self
            .http()
            .post(&discovery.token_endpoint)
            .form(&form)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        if !status.is_success() {
            let description = body.get("error_description").and_then(Value::as_str);
            return Err(ProviderError::TokenRequest(
                description.unwrap_or("no description").to_owned(),
            ));
        }
        let id_token = body
            .get("id_token")
            .and_then(Value::as_str)
            .ok_or(ProviderError::NoIdToken)?;
        let jwks: Value = self
            .http()
            .get(&discovery.jwks_uri)
            .send()
            .await?
            .json()
            .await?;
        verify_id_token(id_token, jwks, federation, self.now().timestamp())
    }
}

/// Clock skew allowed on the provider's `exp`.
const EXPIRY_LEEWAY_SECONDS: i64 = 300;

/// An external provider's ID token, checked by `jsonwebtoken`: RS256 only, signed by a key of
/// the provider's JWKS, issued by the provider to Portico's client. Expiry is checked here
/// against Portico's clock (tests move it), not the system's.
fn verify_id_token(
    id_token: &str,
    jwks: Value,
    federation: &DomainFederation,
    now: i64,
) -> Result<serde_json::Map<String, Value>, ProviderError> {
    use jsonwebtoken::{jwk::JwkSet, Algorithm, DecodingKey, Validation};
    let invalid = |e: jsonwebtoken::errors::Error| ProviderError::Unverified(e.to_string());
    let header = jsonwebtoken::decode_header(id_token).map_err(invalid)?;
    if header.alg != Algorithm::RS256 {
        return Err(ProviderError::Unverified("only RS256 is accepted".into()));
    }
    let keys: JwkSet = serde_json::from_value(jwks).map_err(ProviderError::Jwks)?;
    let key = header
        .kid
        .as_deref()
        .and_then(|kid| keys.find(kid))
        .ok_or_else(|| ProviderError::Unverified("its key is not in the provider's JWKS".into()))?;
    let key = DecodingKey::from_jwk(key).map_err(invalid)?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[federation.issuer.as_str()]);
    validation.set_audience(&[federation.client_id.as_str()]);
    validation.set_required_spec_claims(&["iss", "aud", "exp"]);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let claims =
        jsonwebtoken::decode::<serde_json::Map<String, Value>>(id_token, &key, &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidIssuer => ProviderError::Issuer,
                jsonwebtoken::errors::ErrorKind::InvalidAudience => ProviderError::Audience,
                _ => invalid(e),
            })?
            .claims;
    if claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_none_or(|exp| now > exp + EXPIRY_LEEWAY_SECONDS)
    {
        return Err(ProviderError::Expired);
    }
    Ok(claims)
}
