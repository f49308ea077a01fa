//! The device authorization grant (RFC 8628) as Entra serves it: `/devicecode` hands a device a
//! device code and a user code; the user types the user code on the tenant's verification page,
//! confirms the app and signs in through the ordinary sign-in pages (decided and logged like any
//! interactive sign-in), which approve the code; the device polls the token endpoint.

use super::errors::OAuthError;
use super::grants::{TokenRequest, TokenResponse};
use crate::secrets::digest_hex;
use crate::sign_in::outcome::FlowOutcome;
use crate::App;
use chrono::{DateTime, Duration, Utc};
use portico_model::application::Application;
use portico_model::oauth::{
    AuthorizationRequest, DeviceApproval, DeviceCode, DeviceCodeStatus, FlowPurpose,
};
use portico_model::tenant::Tenant;
use portico_model::{ClientId, ObjectId, TenantId};
use portico_policy::facts::Stage;
use portico_store::{Conflict, StoreError, Write};

/// How long a device code lives (Entra: 15 minutes) and how often the device may poll.
const LIFETIME_SECONDS: i64 = 900;
const INTERVAL_SECONDS: i64 = 5;
/// User codes typed on the verification page, per address and per tenant, in a window that
/// starts at the first: guessing a live code (32^8 of them) stays hopeless.
const ENTRIES_PER_ADDRESS: u32 = 20;
const ENTRIES_PER_TENANT: u32 = 1000;
const ENTRY_WINDOW_SECONDS: i64 = 15 * 60;
/// User-code letters: no 0/O or 1/I to misread.
const USER_CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// The `/devicecode` answer (Entra's fields).
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    pub user_code: String,
    pub device_code: String,
    pub verification_uri: String,
    pub expires_in: i64,
    pub interval: i64,
    pub message: String,
}

/// What the verification page does with the code it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceLoginAction {
    /// The code was typed: ask "are you signing in to …?".
    Enter,
    /// Confirmed: the sign-in pages take over.
    Continue,
    /// Declined: the device gets `authorization_declined`.
    Cancel,
}

/// The verification page's next view.
#[derive(Debug)]
pub enum DeviceLogin {
    /// The code form, with why the last code was refused.
    Ask {
        tenant: Tenant,
        error: Option<&'static str>,
    },
    Confirm {
        tenant: Tenant,
        app_name: String,
        user_code: String,
    },
    Declined {
        tenant: Tenant,
        app_name: String,
    },
    /// The sign-in pages, or an error page.
    Flow(FlowOutcome),
}

/// Inline messages of the code form.
pub mod refusal {
    pub const UNKNOWN: &str =
        "That code didn't work. Check the code and try again, or ask the app for a new one.";
    pub const EXPIRED: &str = "That code has expired. Ask the app for a new one.";
    pub const USED: &str = "That code has already been used. Ask the app for a new one.";
    pub const THROTTLED: &str =
        "Too many codes were entered from here. Wait a few minutes and try again.";
}

/// Uppercase without spaces or dashes: `abcd-efgh` and `ABCDEFGH` are the same code.
fn normalised(user_code: &str) -> String {
    user_code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

fn new_user_code(random: &crate::random::Randomness) -> String {
    let alphabet = USER_CODE_ALPHABET;
    let size = u64::try_from(alphabet.len()).unwrap_or(u64::MAX);
    (0..8)
        .map(|_| {
            let index = usize::try_from(random.below(size)).unwrap_or(0);
            char::from(alphabet[index])
        })
        .collect()
}

/// The tenant a device code, authorization code or refresh token belongs to: each starts with
/// it (`{tenant id}.{secret}`), so `/common` and `/organizations` can redeem them.
pub(crate) fn tenant_named_in(handle: &str) -> Option<TenantId> {
    let (tenant, _) = handle.split_once('.')?;
    TenantId::parse(tenant).ok()
}

fn server_error<E: std::fmt::Display>(error: E) -> OAuthError {
    tracing::error!(%error, "device code request failed");
    OAuthError::server_error()
}

impl App {
    /// `POST /{tenant}/oauth2/v2.0/devicecode` (also `/common` and `/organizations`: the tenant
    /// that registered the client).
    pub async fn device_authorization(
        &self,
        segment: &str,
        client_id: Option<&str>,
        scope: Option<&str>,
    ) -> Result<DeviceAuthorization, OAuthError> {
        let now = self.now();
        let raw_id = client_id.ok_or_else(|| OAuthError::missing_parameter("client_id"))?;
        let scope = scope
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| OAuthError::missing_parameter("scope"))?;
        let (tenant, app) = self.device_client(segment, raw_id).await?;
        let scopes: Vec<String> = scope.split_whitespace().map(str::to_owned).collect();
        self.resolve_resource(&tenant, &scopes).await?;
        let secret = self.random().secret();
        let device_code = format!("{}.{secret}", tenant.id);
        let user_code = new_user_code(self.random());
        let code = DeviceCode {
            device_code_hash: digest_hex(&device_code),
            user_code_hash: digest_hex(&user_code),
            client_id: app.client_id,
            scopes,
            interval_seconds: INTERVAL_SECONDS,
            created_at: now,
            expires_at: now + Duration::seconds(LIFETIME_SECONDS),
            status: DeviceCodeStatus::Pending,
            approval: None,
            polled_at: None,
        };
        self.store()
            .apply(tenant.id, vec![Write::InsertDeviceCode(code)])
            .await
            .map_err(server_error)?;
        let verification_uri = self.device_login_uri(tenant.id);
        Ok(DeviceAuthorization {
            message: format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
            user_code,
            device_code,
            verification_uri,
            expires_in: LIFETIME_SECONDS,
            interval: INTERVAL_SECONDS,
        })
    }

    /// The verification page of a tenant.
    pub fn device_login_uri(&self, tenant: TenantId) -> String {
        format!("{}{tenant}/devicelogin", self.public_base())
    }

    /// The tenant and application of a device code request: the segment's tenant, or for
    /// `/common` and `/organizations` the tenant that registered the client.
    async fn device_client(
        &self,
        segment: &str,
        raw_id: &str,
    ) -> Result<(Tenant, Application), OAuthError> {
        let multi = ["common", "organizations"]
            .iter()
            .any(|m| m.eq_ignore_ascii_case(segment));
        let tenants = match multi {
            true => self.store().list_tenants().await.map_err(server_error)?,
            false => vec![self
                .resolve_tenant(segment)
                .await
                .map_err(server_error)?
                .ok_or_else(|| OAuthError::tenant_not_found(segment))?],
        };
        let unknown = |name: &str| OAuthError::unknown_client(raw_id, name);
        let client_id = ClientId::parse(raw_id).map_err(|_| unknown(segment))?;
        for tenant in tenants {
            let found = self.store().find_application(tenant.id, client_id).await;
            if let Some(app) = found.map_err(server_error)? {
                return Ok((tenant, app));
            }
            if !multi {
                return Err(unknown(&tenant.display_name));
            }
        }
        Err(unknown(segment))
    }

    /// `GET /{tenant}/devicelogin`: the code form.
    pub async fn device_login_page(&self, segment: &str) -> DeviceLogin {
        match self.resolve_tenant(segment).await {
            Ok(Some(tenant)) => DeviceLogin::Ask {
                tenant,
                error: None,
            },
            Ok(None) => DeviceLogin::Flow(
                crate::sign_in::outcome::ErrorPage::tenant_not_found(segment, "Check the link.")
                    .into(),
            ),
            Err(error) => {
                DeviceLogin::Flow(crate::sign_in::outcome::ErrorPage::server(error).into())
            }
        }
    }

    /// `POST /{tenant}/devicelogin`: a typed code (counted against the entry quota before it
    /// is looked up), then its confirmation or refusal.
    pub async fn device_login(
        &self,
        segment: &str,
        user_code: &str,
        action: DeviceLoginAction,
        client: &crate::sign_in_policy::ClientRequest,
    ) -> DeviceLogin {
        use crate::sign_in::outcome::ErrorPage;
        let now = self.now();
        let tenant = match self.device_login_page(segment).await {
            DeviceLogin::Ask { tenant, .. } => tenant,
            other => return other,
        };
        let ask = |tenant, error| DeviceLogin::Ask {
            tenant,
            error: Some(error),
        };
        let quota = entry_quotas(client.ip, now);
        match self.store().apply(tenant.id, quota).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return ask(tenant, refusal::THROTTLED),
            Err(error) => return DeviceLogin::Flow(ErrorPage::server(error).into()),
        }
        let user_code = normalised(user_code);
        let found = self
            .store()
            .find_device_code_by_user_code(tenant.id, &digest_hex(&user_code))
            .await;
        let code = match found {
            Ok(Some(code)) => code,
            Ok(None) => return ask(tenant, refusal::UNKNOWN),
            Err(error) => return DeviceLogin::Flow(ErrorPage::server(error).into()),
        };
        if code.status != DeviceCodeStatus::Pending {
            return ask(tenant, refusal::USED);
        }
        if now >= code.expires_at {
            return ask(tenant, refusal::EXPIRED);
        }
        let app = match self
            .store()
            .find_application(tenant.id, code.client_id)
            .await
        {
            Ok(Some(app)) => app,
            Ok(None) => return ask(tenant, refusal::UNKNOWN),
            Err(error) => return DeviceLogin::Flow(ErrorPage::server(error).into()),
        };
        self.device_login_step(tenant, app, code, user_code, action)
            .await
    }

    /// A live code's next step: confirm, decline, or start the sign-in pages.
    async fn device_login_step(
        &self,
        tenant: Tenant,
        app: Application,
        code: DeviceCode,
        user_code: String,
        action: DeviceLoginAction,
    ) -> DeviceLogin {
        use crate::sign_in::outcome::ErrorPage;
        match action {
            DeviceLoginAction::Enter => DeviceLogin::Confirm {
                tenant,
                app_name: app.display_name,
                user_code,
            },
            DeviceLoginAction::Cancel => {
                let decline = Write::SettleDeviceCode {
                    device_code_hash: code.device_code_hash,
                    from: DeviceCodeStatus::Pending,
                    to: DeviceCodeStatus::Declined,
                    approval: None,
                };
                match self.store().apply(tenant.id, vec![decline]).await {
                    Ok(()) => DeviceLogin::Declined {
                        tenant,
                        app_name: app.display_name,
                    },
                    Err(StoreError::Conflict(_)) => DeviceLogin::Ask {
                        tenant,
                        error: Some(refusal::USED),
                    },
                    Err(error) => DeviceLogin::Flow(ErrorPage::server(error).into()),
                }
            }
            DeviceLoginAction::Continue => {
                let request = AuthorizationRequest {
                    client_id: app.client_id,
                    redirect_uri: format!("{}/done", self.device_login_uri(tenant.id)),
                    scopes: code.scopes.clone(),
                    state: None,
                    nonce: None,
                    code_challenge: None,
                    response_mode: "query".into(),
                    login_hint: None,
                    max_age: None,
                };
                let purpose = FlowPurpose::DeviceCode {
                    device_code_hash: code.device_code_hash,
                };
                let flow = self.start_flow(&tenant, purpose, request, app.display_name);
                DeviceLogin::Flow(flow.await)
            }
        }
    }

    /// The token endpoint's `urn:ietf:params:oauth:grant-type:device_code`.
    pub(crate) async fn redeem_device_code(
        &self,
        tenant: &Tenant,
        client: &super::client::Client,
        request: &TokenRequest,
        now: DateTime<Utc>,
    ) -> Result<TokenResponse, OAuthError> {
        let device_code = request
            .device_code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| OAuthError::missing_parameter("device_code"))?;
        let hash = digest_hex(device_code);
        let code = self
            .store()
            .find_device_code(tenant.id, &hash)
            .await
            .map_err(server_error)?
            .filter(|code| code.client_id == client.app.client_id)
            .ok_or_else(OAuthError::bad_verification_code)?;
        match (code.status, code.approval.clone()) {
            (DeviceCodeStatus::Pending, _) => Err(self.pending_poll(tenant, &code, now).await),
            (DeviceCodeStatus::Declined, _) => Err(OAuthError::authorization_declined()),
            (DeviceCodeStatus::Approved, Some(approval)) => {
                self.device_tokens(tenant, client, request, &code, approval, now)
                    .await
            }
            (DeviceCodeStatus::Approved | DeviceCodeStatus::Redeemed, _) => {
                Err(OAuthError::device_code_redeemed())
            }
        }
    }

    /// A poll before the user approved: expired, too fast, or still pending.
    async fn pending_poll(
        &self,
        tenant: &Tenant,
        code: &DeviceCode,
        now: DateTime<Utc>,
    ) -> OAuthError {
        if now >= code.expires_at {
            return OAuthError::device_code_expired();
        }
        let poll = Write::PollDeviceCode {
            device_code_hash: code.device_code_hash.clone(),
            at: now,
            not_before: now - Duration::seconds(code.interval_seconds),
        };
        match self.store().apply(tenant.id, vec![poll]).await {
            Ok(()) => OAuthError::authorization_pending(),
            Err(StoreError::Conflict(Conflict::Precondition(_))) => {
                OAuthError::slow_down(code.interval_seconds)
            }
            Err(error) => server_error(error),
        }
    }

    /// The approved code's tokens: the policies decide again (as at code redemption), and the
    /// code is redeemed once, in the same transaction as the refresh token.
    async fn device_tokens(
        &self,
        tenant: &Tenant,
        client: &super::client::Client,
        request: &TokenRequest,
        code: &DeviceCode,
        approval: DeviceApproval,
        now: DateTime<Utc>,
    ) -> Result<TokenResponse, OAuthError> {
        let user = self.active_user(tenant, approval.user_id).await?;
        let stage = Stage::CodeRedemption;
        self.judge_at_token(
            tenant,
            &client.app,
            &user,
            &approval.amr,
            Some(approval.auth_time),
            request,
            stage,
            now,
        )
        .await?;
        let mut writes = vec![Write::SettleDeviceCode {
            device_code_hash: code.device_code_hash.clone(),
            from: DeviceCodeStatus::Approved,
            to: DeviceCodeStatus::Redeemed,
            approval: None,
        }];
        let family_id = self.random().object_id();
        let response = self
            .user_tokens(
                tenant,
                client,
                &user,
                &code.scopes,
                (None, None),
                approval.auth_time,
                &approval.amr,
                family_id,
                request.client_info,
                now,
                &mut writes,
            )
            .await?;
        match self.store().apply(tenant.id, writes).await {
            Ok(()) => Ok(response),
            Err(StoreError::Conflict(Conflict::Precondition(_))) => {
                Err(OAuthError::device_code_redeemed())
            }
            Err(other) => Err(server_error(other)),
        }
    }
}

/// The approval a completed device sign-in writes (pending → approved, once).
pub(crate) fn approve_write(
    device_code_hash: &str,
    user_id: ObjectId,
    auth_time: DateTime<Utc>,
    amr: &[String],
) -> Write {
    Write::SettleDeviceCode {
        device_code_hash: device_code_hash.to_owned(),
        from: DeviceCodeStatus::Pending,
        to: DeviceCodeStatus::Approved,
        approval: Some(DeviceApproval {
            user_id,
            auth_time,
            amr: amr.to_vec(),
        }),
    }
}

/// The quota claims one typed code needs; they fail when spent.
fn entry_quotas(ip: Option<std::net::IpAddr>, now: DateTime<Utc>) -> Vec<Write> {
    let quota = |key: String, max| Write::ClaimQuota {
        key,
        now,
        window_seconds: ENTRY_WINDOW_SECONDS,
        max,
    };
    let address = ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    vec![
        quota(format!("device-login:{address}"), ENTRIES_PER_ADDRESS),
        quota("device-login".to_owned(), ENTRIES_PER_TENANT),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_eight_unambiguous_letters_and_typing_is_forgiving() {
        let code = new_user_code(&crate::random::Randomness::seeded(9));
        assert_eq!(code.len(), 8);
        assert!(
            code.bytes().all(|b| USER_CODE_ALPHABET.contains(&b)),
            "{code}"
        );
        assert_eq!(normalised(" abcd-efgh "), "ABCDEFGH");
    }

    #[test]
    fn device_codes_name_their_tenant() {
        let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        assert_eq!(
            tenant_named_in(&format!("{tenant}.secret")).map(|t| t.to_string()),
            Some(tenant.to_owned())
        );
        assert_eq!(tenant_named_in("no-tenant"), None);
    }
}
