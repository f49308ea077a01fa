//! Workload identity federation (issue #16): a client assertion issued by an external OpenID
//! Connect issuer authenticates an application that has a federated identity credential for its
//! `iss` and `sub`. The issuer's keys come from its discovery document's `jwks_uri`, fetched
//! over HTTPS (the system's trust and Portico's own CA, so another Portico tenant can be the
//! issuer); `aud` must be the credential's audience and `exp` is checked against Portico's clock.

use super::errors::OAuthError;
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::app_registration::FederatedCredential;
use portico_model::application::Application;
use serde_json::{Map, Value};

const EXPIRY_LEEWAY_SECONDS: i64 = 300;

fn no_match() -> OAuthError {
    OAuthError::invalid_client_assertion(
        70021,
        "No matching federated identity record found for presented assertion.",
    )
}

fn unverified(why: impl std::fmt::Display) -> OAuthError {
    OAuthError::invalid_client_assertion(
        700211,
        format!("The federated assertion could not be validated: {why}"),
    )
}

impl App {
    /// `None` when the assertion's `iss` is a client id (the application's own, or another's):
    /// the certificate check applies. An issuer URL is federation: the matching federated
    /// credential's verdict, AADSTS70021 when none matches.
    pub(super) async fn federated_assertion(
        &self,
        app: &Application,
        raw: &str,
        claims: &Map<String, Value>,
        now: DateTime<Utc>,
    ) -> Option<Result<(), OAuthError>> {
        let text = |name| claims.get(name).and_then(Value::as_str);
        let issuer = text("iss")?;
        // An external issuer is a URL; any other `iss` is a client id (certificate credentials).
        if issuer == app.client_id.to_string() || !issuer.contains("://") {
            return None;
        }
        let subject = text("sub").unwrap_or_default();
        let credential = app
            .registration
            .federated_credentials
            .iter()
            .find(|c| c.issuer == issuer && c.subject == subject);
        Some(match credential {
            None => Err(no_match()),
            Some(credential) => self.verify_federated(credential, raw, now).await,
        })
    }

    async fn verify_federated(
        &self,
        credential: &FederatedCredential,
        raw: &str,
        now: DateTime<Utc>,
    ) -> Result<(), OAuthError> {
        use jsonwebtoken::{jwk::JwkSet, Algorithm, DecodingKey, Validation};
        let discovery = self
            .discovery(&credential.issuer)
            .await
            .map_err(unverified)?;
        let fetched = self.http().get(&discovery.jwks_uri).send().await;
        let keys: JwkSet = match fetched {
            Ok(response) => response.json().await.map_err(unverified)?,
            Err(error) => return Err(unverified(error)),
        };
        let header = jsonwebtoken::decode_header(raw).map_err(unverified)?;
        if header.alg != Algorithm::RS256 {
            return Err(unverified("only RS256 is accepted"));
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| keys.find(kid))
            .ok_or_else(|| unverified("its key is not in the issuer's key set"))?;
        let key = DecodingKey::from_jwk(key).map_err(unverified)?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[credential.issuer.as_str()]);
        validation.set_audience(&credential.audiences);
        validation.set_required_spec_claims(&["iss", "sub", "aud", "exp"]);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let claims = jsonwebtoken::decode::<Map<String, Value>>(raw, &key, &validation)
            .map_err(unverified)?
            .claims;
        let expired = claims
            .get("exp")
            .and_then(Value::as_i64)
            .is_none_or(|exp| now.timestamp() > exp + EXPIRY_LEEWAY_SECONDS);
        match expired {
            true => Err(OAuthError::invalid_client_assertion(
                700024,
                "Client assertion is not within its valid time range.",
            )),
            false => Ok(()),
        }
    }
}
