//! The token endpoint's grants: client credentials, authorization code, refresh token, and the
//! resource-owner password grant for apps that enable it.

use super::api_access::api_audience;
use super::client::{Client, ClientCredentials};
use super::device::tenant_named_in;
use super::errors::OAuthError;
use super::issue::{Subject, GRAPH_AUDIENCE};
use super::resource::Resource;
use crate::secrets::digest_hex;
use crate::sign_in::{SignInAttempt, SignInKind};
use crate::sign_in_policy::enforce::{refusal_error, Judged};
use crate::sign_in_policy::Attempt;
use crate::App;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use portico_model::application::Application;
use portico_model::oauth::RefreshToken;
use portico_model::tenant::Tenant;
use portico_model::user::{User, UserType};
use portico_model::{ObjectId, Upn};
use portico_policy::facts::Stage;
use portico_store::{Conflict, StoreError, Write};
use serde::Serialize;

/// A token request, as the endpoint received it.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub client: ClientCredentials,
    pub scope: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The device code flow's poll.
    pub device_code: Option<String>,
    /// On-behalf-of: the token the middle tier received, and `requested_token_use`.
    pub assertion: Option<String>,
    pub requested_token_use: Option<String>,
    /// MSAL sends `client_info=1` to receive the account's home identifiers.
    pub client_info: bool,
    /// The request's address, software and tenant-restriction headers.
    pub client_request: crate::sign_in_policy::ClientRequest,
}

/// The successful answer (Entra's field names).
#[derive(Debug, Clone, Serialize)]
pub struct TokenResponse {
    pub token_type: &'static str,
    pub scope: String,
    pub expires_in: i64,
    pub ext_expires_in: i64,
    pub access_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_info: Option<String>,
}

fn server_error<E: std::fmt::Display>(error: E) -> OAuthError {
    tracing::error!(%error, "token request failed");
    OAuthError::server_error()
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, OAuthError> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OAuthError::missing_parameter(name))
}

/// RFC 8628's grant type.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn is_multi_tenant(segment: &str) -> bool {
    ["common", "organizations"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(segment))
}

fn split_scopes(scope: &str) -> Vec<String> {
    scope.split_whitespace().map(str::to_owned).collect()
}

impl App {
    /// Serves `POST /{tenant}/oauth2/v2.0/token`.
    pub async fn token(
        &self,
        tenant_segment: &str,
        request: TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        let now = self.now();
        // Device codes, authorization codes and refresh tokens name their tenant, so
        // `/common` and `/organizations` can redeem them.
        let named = match request.grant_type.as_deref() {
            Some(DEVICE_CODE_GRANT | "device_code") => request.device_code.as_deref(),
            Some("authorization_code") => request.code.as_deref(),
            Some("refresh_token") => request.refresh_token.as_deref(),
            _ => None,
        };
        let named_tenant = named
            .and_then(tenant_named_in)
            .filter(|_| is_multi_tenant(tenant_segment))
            .map(|tenant| tenant.to_string());
        let tenant_segment = named_tenant.as_deref().unwrap_or(tenant_segment);
        let tenant = self
            .resolve_tenant(tenant_segment)
            .await
            .map_err(server_error)?
            .ok_or_else(|| OAuthError::tenant_not_found(tenant_segment))?;
        let grant = required(&request.grant_type, "grant_type")?.to_owned();
        let client = self
            .authenticate_client(&tenant, &request.client, request.client_request.ip, now)
            .await?;
        let (label, issued) = match grant.as_str() {
            "client_credentials" => (
                "client_credentials",
                self.client_credentials(&tenant, &client, &request, now)
                    .await,
            ),
            "authorization_code" => (
                "authorization_code",
                self.redeem_code(&tenant, &client, &request, now).await,
            ),
            "refresh_token" => (
                "refresh_token",
                self.redeem_refresh_token(&tenant, &client, &request, now)
                    .await,
            ),
            "password" => (
                "password",
                self.password_grant(&tenant, &client, &request, now).await,
            ),
            // msal-node sends the short name, which Entra accepts too.
            DEVICE_CODE_GRANT | "device_code" => (
                "device_code",
                self.redeem_device_code(&tenant, &client, &request, now)
                    .await,
            ),
            super::obo::OBO_GRANT => (
                "on_behalf_of",
                self.on_behalf_of(&tenant, &client, &request, now).await,
            ),
            other => return Err(OAuthError::unsupported_grant_type(other)),
        };
        if issued.is_ok() {
            self.metrics().token_issued(label);
        }
        issued
    }

    async fn client_credentials(
        &self,
        tenant: &Tenant,
        client: &Client,
        request: &TokenRequest,
        now: DateTime<Utc>,
    ) -> Result<TokenResponse, OAuthError> {
        if !client.confidential {
            return Err(OAuthError::secret_required());
        }
        let scope = required(&request.scope, "scope")?;
        self.app_only_token(tenant, &client.app, scope, &request.client_request, now)
            .await
    }

    /// The client credentials grant once the client is known: the app-only token for `scope`
    /// (`<resource>/.default`: Graph, Azure Resource Manager or an API of the tenant, as
    /// `resolve_resource` finds it) and its service principal sign-in row. The managed identity
    /// endpoints (`managed_identity.rs`) issue their tokens here too.
    pub(crate) async fn app_only_token(
        &self,
        tenant: &Tenant,
        app: &Application,
        scope: &str,
        client_request: &crate::sign_in_policy::ClientRequest,
        now: DateTime<Utc>,
    ) -> Result<TokenResponse, OAuthError> {
        let scopes = split_scopes(scope);
        if !scopes.iter().all(|s| s.ends_with("/.default")) {
            return Err(OAuthError::scope_not_default(scope));
        }
        let requested = self.resolve_resource(tenant, &scopes).await?;
        let attempt = SignInAttempt::service_principal(app).from_request(client_request);
        let (signed, attempt) = match &requested.resource {
            Resource::Graph => {
                let signed = self
                    .app_access_token(tenant.id, app, now)
                    .await
                    .map_err(server_error)?;
                (signed, attempt)
            }
            Resource::Api(api) => {
                let roles = self.assigned_roles(tenant, api, &[app.id]).await?;
                let (audience, version) = api_audience(api, &requested.named);
                let signed = self
                    .app_api_token(tenant, app, (&audience, version), &roles, now)
                    .await?;
                let resource = (api.client_id.to_string(), api.display_name.clone());
                (signed, attempt.for_resource(resource.0, resource.1))
            }
        };
        let log = self.sign_in_record(tenant.id, attempt, now);
        self.store()
            .apply(tenant.id, vec![log])
            .await
            .map_err(server_error)?;
        let named = match requested.resource {
            Resource::Graph => GRAPH_AUDIENCE,
            Resource::Api(_) => requested.named.as_str(),
        };
        Ok(TokenResponse {
            token_type: "Bearer",
            scope: format!("{named}/.default"),
            expires_in: signed.expires_in,
            ext_expires_in: signed.expires_in,
            access_token: signed.token,
            refresh_token: None,
            id_token: None,
            client_info: None,
        })
    }

    async fn redeem_code(
        &self,
        tenant: &Tenant,
        client: &Client,
        request: &TokenRequest,
        now: DateTime<Utc>,
    ) -> Result<TokenResponse, OAuthError> {
        let code_value = required(&request.code, "code")?;
        let redirect_uri = required(&request.redirect_uri, "redirect_uri")?;
        let code_hash = digest_hex(code_value);
        let code = self
            .store()
            .find_authorization_code(tenant.id, &code_hash)
            .await
            .map_err(server_error)?
            .ok_or_else(OAuthError::invalid_code)?;
        if code.client_id != client.app.client_id {
            return Err(OAuthError::invalid_code());
        }
        if code.redirect_uri != redirect_uri {
            return Err(OAuthError::redirect_mismatch());
        }
        match (&code.code_challenge, &request.code_verifier) {
            (Some(challenge), Some(verifier)) if pkce_s256(verifier) == *challenge => {}
            (Some(_), _) => return Err(OAuthError::pkce_mismatch()),
            (None, Some(_)) => return Err(OAuthError::pkce_unexpected()),
            (None, None) => {}
        }
        if code.redeemed_at.is_some() {
            return Err(self.code_reused(tenant, code.family_id, now).await);
        }
        if now >= code.expires_at {
            return Err(OAuthError::code_expired());
        }
        let user = self.active_user(tenant, code.user_id).await?;
        self.judge_at_token(
            tenant,
            &client.app,
            &user,
            &code.amr,
            Some(code.auth_time),
            request,
            Stage::CodeRedemption,
            now,
        )
        .await?;
        let mut writes = vec![Write::RedeemAuthorizationCode { code_hash, at: now }];
        let response = self
            .user_tokens(
                tenant,
                client,
                &user,
                &code.scopes,
                (code.nonce.as_deref(), code.session_id.as_deref()),
                code.auth_time,
                &code.amr,
                code.family_id,
                request.client_info,
                now,
                &mut writes,
            )
            .await?;
        match self.store().apply(tenant.id, writes).await {
            Ok(()) => Ok(response),
            Err(StoreError::Conflict(Conflict::Precondition(_))) => {
                Err(self.code_reused(tenant, code.family_id, now).await)
            }
            Err(other) => Err(server_error(other)),
        }
    }

    /// A code presented twice: revoke what the first redemption issued (RFC 6749 §4.1.2).
    async fn code_reused(
        &self,
        tenant: &Tenant,
        family_id: ObjectId,
        now: DateTime<Utc>,
    ) -> OAuthError {
        if let Err(error) = self
            .store()
            .apply(
                tenant.id,
                vec![Write::RevokeTokenFamily { family_id, at: now }],
            )
            .await
        {
            return server_error(error);
        }
        tracing::warn!(tenant_id = %tenant.id, %family_id, "authorization code reused; its tokens are revoked");
        OAuthError::code_redeemed()
    }

    async fn redeem_refresh_token(
        &self,
        tenant: &Tenant,
        client: &Client,
        request: &TokenRequest,
        now: DateTime<Utc>,
    ) -> Result<TokenResponse, OAuthError> {
        let (token, token_hash) = self
            .usable_refresh_token(tenant, client, request, now)
            .await?;
        let user = self.active_user(tenant, token.user_id).await?;
        let judged = self
            .judge_at_token(
                tenant,
                &client.app,
                &user,
                &token.amr,
                Some(token.auth_time),
                request,
                Stage::Refresh,
                now,
            )
            .await?;
        let mut writes = vec![Write::RotateRefreshToken {
            token_hash,
            at: now,
        }];
        let attempt = SignInAttempt::user(&user, &client.app, SignInKind::NonInteractive)
            .judged(&judged)
            .for_scopes(&token.scopes)
            .from_request(&request.client_request);
        let mut attempt = self
            .with_logged_resource(tenant, attempt, &token.scopes)
            .await;
        if let Some(home) = judged.facts.origin.home_tenant() {
            attempt = attempt.cross_tenant(home.id, tenant.id);
        }
        writes.push(self.sign_in_record(tenant.id, attempt, now));
        let response = self
            .user_tokens(
                tenant,
                client,
                &user,
                &token.scopes,
                (None, None),
                token.auth_time,
                &token.amr,
                token.family_id,
                request.client_info,
                now,
                &mut writes,
            )
            .await?;
        match self.store().apply(tenant.id, writes).await {
            Ok(()) => Ok(response),
            // Rotated by a parallel request: the token was used twice.
            Err(StoreError::Conflict(Conflict::Precondition(_))) => {
                self.revoke_family(tenant, token.family_id, now).await?;
                Err(OAuthError::refresh_revoked())
            }
            Err(other) => Err(server_error(other)),
        }
    }

    /// The refresh token of the request, if it is this client's, live and not used before; a
    /// reuse of a rotated token ends its family (someone else may hold it, RFC 9700 §4.14).
    async fn usable_refresh_token(
        &self,
        tenant: &Tenant,
        client: &Client,
        request: &TokenRequest,
        now: DateTime<Utc>,
    ) -> Result<(RefreshToken, String), OAuthError> {
        let token_hash = digest_hex(required(&request.refresh_token, "refresh_token")?);
        let token = self
            .store()
            .find_refresh_token(tenant.id, &token_hash)
            .await
            .map_err(server_error)?
            .ok_or_else(OAuthError::refresh_invalid)?;
        if token.client_id != client.app.client_id {
            return Err(OAuthError::refresh_invalid());
        }
        if token.revoked_at.is_some() {
            return Err(OAuthError::refresh_revoked());
        }
        if token.rotated_at.is_some() {
            self.revoke_family(tenant, token.family_id, now).await?;
            tracing::warn!(tenant_id = %tenant.id, family_id = %token.family_id, "refresh token reused; its family is revoked");
            return Err(OAuthError::refresh_revoked());
        }
        if now >= token.expires_at {
            return Err(OAuthError::refresh_expired());
        }
        Ok((token, token_hash))
    }

    async fn revoke_family(
        &self,
        tenant: &Tenant,
        family_id: ObjectId,
        now: DateTime<Utc>,
    ) -> Result<(), OAuthError> {
        let revoke = Write::RevokeTokenFamily { family_id, at: now };
        self.store()
            .apply(tenant.id, vec![revoke])
            .await
            .map_err(server_error)
    }

    async fn password_grant(
        &self,
        tenant: &Tenant,
        client: &Client,
        request: &TokenRequest,
        now: DateTime<Utc>,
    ) -> Result<TokenResponse, OAuthError> {
        if !client.app.allow_password_grant {
            return Err(OAuthError::password_grant_disabled());
        }
        let (user, attempt) = self
            .password_grant_user(tenant, client, request, now)
            .await?;
        let scopes = split_scopes(
            request
                .scope
                .as_deref()
                .unwrap_or("openid profile offline_access"),
        );
        let family = self.random().object_id();
        let amr = vec!["pwd".to_owned()];
        let judged = self
            .judge_at_token(
                tenant,
                &client.app,
                &user,
                &amr,
                None,
                request,
                Stage::Interactive,
                now,
            )
            .await?;
        let attempt = attempt
            .judged(&judged)
            .for_scopes(&scopes)
            .from_request(&request.client_request);
        let mut writes = vec![self.sign_in_record(tenant.id, attempt, now)];
        let account = portico_model::lockout::LockoutAccount::User(user.id);
        writes.extend(
            self.signed_in_writes(tenant.id, account, request.client_request.ip, now)
                .await
                .map_err(server_error)?,
        );
        let response = self
            .user_tokens(
                tenant,
                client,
                &user,
                &scopes,
                (None, None),
                now,
                &amr,
                family,
                request.client_info,
                now,
                &mut writes,
            )
            .await?;
        self.store()
            .apply(tenant.id, writes)
            .await
            .map_err(server_error)?;
        Ok(response)
    }

    /// The password grant's check, behind smart lockout: the failure to answer, if any.
    async fn grant_password_check(
        &self,
        tenant: &Tenant,
        user: &User,
        password: String,
        ip: Option<std::net::IpAddr>,
    ) -> Result<Option<OAuthError>, OAuthError> {
        let account = portico_model::lockout::LockoutAccount::User(user.id);
        let claim = self
            .claim_check(tenant.id, account, ip)
            .await
            .map_err(server_error)?;
        let super::lockout::Claim::Granted(key) = claim else {
            return Ok(Some(OAuthError::account_locked()));
        };
        if !self
            .check_password(user, password)
            .await
            .map_err(server_error)?
        {
            return Ok(Some(OAuthError::bad_credentials()));
        }
        self.store()
            .apply(tenant.id, vec![super::lockout::refund(key)])
            .await
            .map_err(server_error)?;
        Ok((!user.account_enabled).then(OAuthError::account_disabled))
    }

    /// The policies decide again at the token endpoint (T9: a block reaches refresh too). A
    /// refusal is logged and answered with `invalid_grant` or `interaction_required`.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn judge_at_token(
        &self,
        tenant: &Tenant,
        app: &Application,
        user: &User,
        amr: &[String],
        entered_at: Option<DateTime<Utc>>,
        request: &TokenRequest,
        stage: Stage,
        now: DateTime<Utc>,
    ) -> Result<Judged, OAuthError> {
        let attempt = Attempt {
            entered_at,
            resource: tenant,
            user,
            app,
            home: None,
            amr,
            request: &request.client_request,
            stage,
        };
        let judged = self.judge(&attempt).await.map_err(server_error)?;
        match refusal_error(&judged.evaluation.decision) {
            None => Ok(judged),
            Some(error) => {
                self.log_refusal(&attempt, &judged, SignInKind::NonInteractive, now)
                    .await;
                Err(with_challenge(error, &judged.evaluation))
            }
        }
    }

    /// The user behind a code or refresh token, if they may still sign in.
    pub(super) async fn active_user(
        &self,
        tenant: &Tenant,
        user_id: ObjectId,
    ) -> Result<User, OAuthError> {
        let user = match self.store().get_user(tenant.id, user_id).await {
            Ok(user) => user,
            Err(StoreError::NotFound) => return Err(OAuthError::refresh_revoked()),
            Err(other) => return Err(server_error(other)),
        };
        if !user.account_enabled {
            return Err(OAuthError::account_disabled());
        }
        Ok(user)
    }

    /// Access token, ID token (with `openid`) and a refresh token (with `offline_access`), whose
    /// row is appended to `writes`.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn user_tokens(
        &self,
        tenant: &Tenant,
        client: &Client,
        user: &User,
        scopes: &[String],
        (nonce, sid): (Option<&str>, Option<&str>),
        auth_time: DateTime<Utc>,
        amr: &[String],
        family_id: ObjectId,
        client_info: bool,
        now: DateTime<Utc>,
        writes: &mut Vec<Write>,
    ) -> Result<TokenResponse, OAuthError> {
        let binding = self.token_binding(tenant, user).await?;
        let subject = Subject {
            tenant: tenant.id,
            user,
            client_id: client.app.client_id,
            auth_time,
            amr,
            idp: binding
                .as_ref()
                .map(|b| crate::sign_in::home_issuers(self, b).0),
            sid: sid.map(str::to_owned),
        };
        let (access, scope) = self
            .delegated_access(tenant, client, &subject, (scopes, true), now, writes)
            .await?;
        let wants = |scope: &str| scopes.iter().any(|s| s == scope);
        let id_token = match wants("openid") {
            true => Some(
                self.id_token(&subject, nonce, now)
                    .await
                    .map_err(server_error)?,
            ),
            false => None,
        }
        .map(|token| token.token);
        let refresh_token = match wants("offline_access") {
            true => {
                // Named by its tenant, like codes, so `/common` can refresh it.
                let secret = format!("{}.{}", tenant.id, self.random().secret());
                writes.push(Write::InsertRefreshToken(RefreshToken {
                    token_hash: digest_hex(&secret),
                    family_id,
                    client_id: client.app.client_id,
                    user_id: user.id,
                    scopes: scopes.to_vec(),
                    auth_time,
                    amr: amr.to_vec(),
                    created_at: now,
                    expires_at: now + self.lifetimes().refresh,
                    rotated_at: None,
                    revoked_at: None,
                }));
                Some(secret)
            }
            false => None,
        };
        let client_info = client_info.then(|| client_info_of(binding.as_ref(), user, tenant));
        Ok(TokenResponse {
            token_type: "Bearer",
            scope,
            expires_in: access.expires_in,
            ext_expires_in: access.expires_in,
            access_token: access.token,
            refresh_token,
            id_token,
            client_info,
        })
    }

    /// Argon2id verification off the async workers.
    /// The password grant's account: an enabled member whose password matches. Failures are
    /// logged with their reason; the client sees one answer for every 50126, so unknown users
    /// and guests read like a wrong password (no account enumeration).
    async fn password_grant_user(
        &self,
        tenant: &Tenant,
        client: &Client,
        request: &TokenRequest,
        now: DateTime<Utc>,
    ) -> Result<(User, SignInAttempt), OAuthError> {
        let username = required(&request.username, "username")?.to_owned();
        let password = required(&request.password, "password")?.to_owned();
        let user = match Upn::parse(&username) {
            Ok(upn) => self
                .store()
                .find_user_by_upn(tenant.id, &upn)
                .await
                .map_err(server_error)?,
            Err(_) => None,
        };
        let ip = request.client_request.ip;
        let failure = match &user {
            Some(user) if user.user_type != UserType::Guest => {
                self.grant_password_check(tenant, user, password, ip)
                    .await?
            }
            _ => {
                // Unknown users and guests cost the same hashing work, so timing tells no more
                // than the answer.
                self.check_password_of(None, password)
                    .await
                    .map_err(server_error)?;
                Some(match &user {
                    None => OAuthError::bad_credentials(),
                    Some(_) => OAuthError::guest_password_grant(),
                })
            }
        };
        let attempt = match &user {
            Some(user) => SignInAttempt::user(user, &client.app, SignInKind::Interactive),
            None => SignInAttempt::unknown_user(&username, &client.app),
        }
        .from_request(&request.client_request);
        if let Some(error) = failure {
            let log =
                self.sign_in_record(tenant.id, attempt.failed(error.code, &error.message), now);
            self.store()
                .apply(tenant.id, vec![log])
                .await
                .map_err(server_error)?;
            return Err(if error.code == 50126 {
                OAuthError::bad_credentials()
            } else {
                error
            });
        }
        match user {
            Some(user) => Ok((user, attempt)),
            None => Err(OAuthError::bad_credentials()),
        }
    }

    /// `check_password`, or for no user the same work against a stand-in hash (always false).
    async fn check_password_of(
        &self,
        user: Option<&User>,
        password: String,
    ) -> Result<bool, crate::AppError> {
        match user {
            Some(user) => self.check_password(user, password).await,
            None => tokio::task::spawn_blocking(move || {
                crate::secrets::verify_password(&password, crate::secrets::stand_in_hash());
                false
            })
            .await
            .map_err(|e| crate::AppError::Task(e.to_string())),
        }
    }

    /// A guest's confirmed home binding (once redeemed): its tokens name that home.
    async fn token_binding(
        &self,
        tenant: &Tenant,
        user: &User,
    ) -> Result<Option<portico_model::invitation::GuestBinding>, OAuthError> {
        let binding = self
            .store()
            .find_binding_of_guest(tenant.id, user.id)
            .await
            .map_err(server_error)?;
        Ok(binding.filter(|b| b.confirmed))
    }

    pub(crate) async fn check_password(
        &self,
        user: &User,
        password: String,
    ) -> Result<bool, crate::AppError> {
        let Some(hash) = user.password_hash.clone() else {
            return Ok(false);
        };
        tokio::task::spawn_blocking(move || crate::secrets::verify_password(&password, &hash))
            .await
            .map_err(|e| crate::AppError::Task(e.to_string()))
    }
}

/// MSAL's `client_info`: the account's home object and tenant ids, base64url JSON.
fn client_info_of(
    binding: Option<&portico_model::invitation::GuestBinding>,
    user: &User,
    tenant: &Tenant,
) -> String {
    let (uid, utid) = home_account_ids(binding, user, tenant);
    URL_SAFE_NO_PAD.encode(format!(r#"{{"uid":"{uid}","utid":"{utid}"}}"#))
}

/// `client_info`'s `uid` and `utid`, from which MSAL builds the account's home id: a guest whose
/// home is a tenant is that tenant's account (home object id, home tenant id), as in Entra;
/// anyone else is the account here.
fn home_account_ids(
    binding: Option<&portico_model::invitation::GuestBinding>,
    user: &User,
    tenant: &Tenant,
) -> (String, String) {
    match binding {
        Some(b) if portico_model::TenantId::parse(&b.issuer).is_ok() => {
            (b.subject.clone(), b.issuer.clone())
        }
        _ => (user.id.to_string(), tenant.id.to_string()),
    }
}

/// An `interaction_required` answer names the Conditional Access policies the user must satisfy
/// interactively, as Entra's `claims` challenge does (`capolids`).
fn with_challenge(
    error: OAuthError,
    evaluation: &portico_policy::decision::Evaluation,
) -> OAuthError {
    use portico_policy::decision::PolicyOutcome;
    if error.error != "interaction_required" {
        return error;
    }
    let policies: Vec<String> = evaluation
        .policies
        .iter()
        .filter(|p| p.result == PolicyOutcome::Failure)
        .map(|p| p.id.to_string())
        .collect();
    error.with_claims(super::issue::claims_challenge(&policies))
}

/// `BASE64URL(SHA256(verifier))`, the S256 PKCE transform.
pub(crate) fn pkce_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD
        .encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes()).as_ref())
}

#[cfg(test)]
mod tests {
    #[test]
    fn pkce_s256_matches_an_independent_implementation() {
        // Expected value computed with Python: base64url(sha256(verifier)) without padding.
        pkce()
    }

    fn pkce() {
        assert_eq!(
            super::pkce_s256("dBjftJeZ4CVP-mJ0kT2L8LuFkNQyk8D3wmz3GN1QJAk"),
            "FNPf0rmr_16jzjCJb7DI9HvZxPuJxGz6dB5PKY9Bemc"
        );
    }
}
