//! The on-behalf-of grant (issue #16): a middle-tier API presents the token it received
//! (`assertion`, whose `aud` is the middle tier) and gets one for a downstream API for the same
//! user. The sign-in policies decide again, the sign-in is logged as non-interactive, and the
//! downstream scopes need consent as for any delegated token.

use super::client::Client;
use super::errors::OAuthError;
use super::grants::{TokenRequest, TokenResponse};
use super::issue::Subject;
use super::resource::{names_app, Resource};
use super::verify::{claim_list, TokenRejected};
use crate::sign_in::{SignInAttempt, SignInKind};
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::tenant::Tenant;
use portico_model::user::User;
use portico_model::ObjectId;
use portico_policy::facts::Stage;
use serde_json::{Map, Value};

/// RFC 7523's grant type, which Entra uses for on-behalf-of.
pub const OBO_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

fn server_error<E: std::fmt::Display>(error: E) -> OAuthError {
    tracing::error!(%error, "on-behalf-of request failed");
    OAuthError::server_error()
}

/// Entra's answers for an assertion it will not exchange.
fn rejected(reason: TokenRejected) -> OAuthError {
    match reason {
        TokenRejected::Lifetime => {
            OAuthError::invalid_assertion(500133, "Assertion is not within its valid time range.")
        }
        TokenRejected::WrongAudience => OAuthError::invalid_assertion(
            50013,
            "Assertion failed signature validation. [Reason - Assertion audience does not match the Client app presenting the assertion.]",
        ),
        TokenRejected::WrongTenant => OAuthError::invalid_assertion(
            50013,
            "Assertion failed signature validation. [Reason - The assertion was not issued by this tenant.]",
        ),
        TokenRejected::Invalid(_) | TokenRejected::NotAnAccessToken => {
            OAuthError::invalid_assertion(50013, "Assertion failed signature validation.")
        }
    }
}

impl App {
    /// Serves `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` with
    /// `requested_token_use=on_behalf_of`.
    pub(super) async fn on_behalf_of(
        &self,
        tenant: &Tenant,
        client: &Client,
        request: &TokenRequest,
        now: DateTime<Utc>,
    ) -> Result<TokenResponse, OAuthError> {
        let scope = request
            .scope
            .as_deref()
            .ok_or_else(|| OAuthError::missing_parameter("scope"))?;
        let scopes: Vec<String> = scope.split_whitespace().map(str::to_owned).collect();
        let (user, claims) = self.obo_assertion(tenant, client, request).await?;
        let amr = claim_list(&claims, "amr");
        let auth_time = claims
            .get("iat")
            .and_then(Value::as_i64)
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .unwrap_or(now);
        let requested = self.resolve_resource(tenant, &scopes).await?;
        let judged = self
            .judge_at_token(
                tenant,
                &client.app,
                &user,
                &amr,
                None,
                request,
                Stage::Refresh,
                now,
            )
            .await?;
        let mut attempt = SignInAttempt::user(&user, &client.app, SignInKind::NonInteractive)
            .judged(&judged)
            .for_scopes(&scopes)
            .from_request(&request.client_request);
        if let Resource::Api(api) = &requested.resource {
            attempt = attempt.for_resource(api.client_id.to_string(), api.display_name.clone());
        }
        if let Some(home) = judged.facts.origin.home_tenant() {
            attempt = attempt.cross_tenant(home.id, tenant.id);
        }
        let mut writes = vec![self.sign_in_record(tenant.id, attempt, now)];
        let idp = claims
            .get("idp")
            .and_then(Value::as_str)
            .filter(|idp| *idp != self.v1_issuer(tenant.id))
            .map(str::to_owned);
        let subject = Subject {
            tenant: tenant.id,
            user: &user,
            client_id: client.app.client_id,
            auth_time,
            amr: &amr,
            idp,
            sid: None,
        };
        let (access, scope) = self
            .delegated_access(tenant, client, &subject, (&scopes, false), now, &mut writes)
            .await?;
        self.store()
            .apply(tenant.id, writes)
            .await
            .map_err(server_error)?;
        Ok(TokenResponse {
            token_type: "Bearer",
            scope,
            expires_in: access.expires_in,
            ext_expires_in: access.expires_in,
            access_token: access.token,
            refresh_token: None,
            id_token: None,
            client_info: None,
        })
    }

    /// The user of the request's `assertion`: a user's access token of this tenant whose `aud`
    /// is the calling client, and its claims.
    async fn obo_assertion(
        &self,
        tenant: &Tenant,
        client: &Client,
        request: &TokenRequest,
    ) -> Result<(User, Map<String, Value>), OAuthError> {
        if !client.confidential {
            return Err(OAuthError::secret_required());
        }
        match request.requested_token_use.as_deref() {
            Some("on_behalf_of") => {}
            Some(_) => {
                return Err(OAuthError::invalid_request(
                    "The provided value for 'requested_token_use' is not valid: use on_behalf_of.",
                ))
            }
            None => return Err(OAuthError::missing_parameter("requested_token_use")),
        }
        let assertion = request
            .assertion
            .as_deref()
            .ok_or_else(|| OAuthError::missing_parameter("assertion"))?;
        let (_, claims) = self
            .verify_access_token(assertion, Some(tenant.id), |aud| {
                names_app(&client.app, aud)
            })
            .await
            .map_err(rejected)?;
        if claims.get("idtyp").and_then(Value::as_str) == Some("app") {
            return Err(OAuthError::invalid_assertion(
                50013,
                "Assertion failed signature validation. [Reason - An app-only token cannot be exchanged on behalf of a user.]",
            ));
        }
        let user_id = claims
            .get("oid")
            .and_then(Value::as_str)
            .and_then(|oid| ObjectId::parse(oid).ok())
            .ok_or_else(|| rejected(TokenRejected::Invalid("no oid".into())))?;
        let user = self.active_user(tenant, user_id).await?;
        Ok((user, claims))
    }
}
