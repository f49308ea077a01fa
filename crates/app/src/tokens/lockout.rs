//! Smart lockout (Entra's) at every credential check: passwords (pages and the password grant),
//! MFA codes, e-mail one-time passcodes and client secrets. A check is claimed in the store
//! *before* it runs, so parallel guesses cannot overshoot the threshold; a right credential gives
//! its claim back, and a completed sign-in clears the counter and makes its address familiar.
//! Counters are per account and per location class: failures from unfamiliar addresses lock
//! out only sign-ins from unfamiliar addresses.

use super::flow::attempt;
use super::guest_flow::Ctx;
use crate::sign_in::outcome::{inline, ErrorPage, FlowOutcome, Page};
use crate::sign_in::{SignInAttempt, SignInKind};
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use portico_model::lockout::{LockoutAccount, LockoutKey, LockoutState};
use portico_model::oauth::LoginFlow;
use portico_model::user::User;
use portico_model::TenantId;
use portico_store::{Conflict, StoreError, Write};
use std::net::IpAddr;

/// The outcome of claiming a check.
pub(crate) enum Claim {
    /// Go on and check; hand the key back with [`refund`] when the credential is right.
    Granted(LockoutKey),
    /// Locked: refuse with AADSTS50053 without looking at the credential.
    Locked,
}

/// A lockout counter as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockoutView {
    pub state: LockoutState,
    pub locked: bool,
}

/// The write that gives a right credential's claim back.
pub(crate) fn refund(key: LockoutKey) -> Write {
    Write::RefundCredentialCheck { key }
}

impl App {
    async fn lockout_key(
        &self,
        tenant: TenantId,
        account: LockoutAccount,
        ip: Option<IpAddr>,
    ) -> Result<LockoutKey, StoreError> {
        let familiar = match ip {
            Some(ip) => {
                self.store()
                    .is_familiar_address(tenant, account, &ip.to_string())
                    .await?
            }
            None => false,
        };
        Ok(LockoutKey { account, familiar })
    }

    /// Claims one credential check for `account` from `ip`, before it runs.
    pub(crate) async fn claim_check(
        &self,
        tenant: TenantId,
        account: LockoutAccount,
        ip: Option<IpAddr>,
    ) -> Result<Claim, StoreError> {
        let key = self.lockout_key(tenant, account, ip).await?;
        let claim = Write::ClaimCredentialCheck {
            key,
            now: self.now(),
        };
        match self.store().apply(tenant, vec![claim]).await {
            Ok(()) => Ok(Claim::Granted(key)),
            Err(StoreError::Conflict(Conflict::Precondition(_))) => Ok(Claim::Locked),
            Err(error) => Err(error),
        }
    }

    /// A completed sign-in: its counter starts again and its address becomes familiar.
    pub(crate) async fn signed_in_writes(
        &self,
        tenant: TenantId,
        account: LockoutAccount,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Write>, StoreError> {
        let key = self.lockout_key(tenant, account, ip).await?;
        let mut writes = vec![Write::ClearLockout {
            account,
            familiar: Some(key.familiar),
        }];
        if let Some(ip) = ip {
            writes.push(Write::RecordFamiliarAddress {
                account,
                address: ip.to_string(),
                at: now,
            });
        }
        Ok(writes)
    }

    /// The tenant's lockout counters (an administrator's view).
    pub async fn lockouts(&self, tenant: TenantId) -> Result<Vec<LockoutView>, AppError> {
        let now = self.now();
        Ok(self
            .store()
            .list_lockouts(tenant)
            .await?
            .into_iter()
            .map(|state| LockoutView {
                locked: state.locked_at(now),
                state,
            })
            .collect())
    }

    /// Clears an account's lockout, from every location (an administrator's action).
    pub async fn clear_lockout(
        &self,
        tenant: TenantId,
        account: LockoutAccount,
    ) -> Result<(), AppError> {
        let clear = Write::ClearLockout {
            account,
            familiar: None,
        };
        Ok(self.store().apply(tenant, vec![clear]).await?)
    }
}

/// Codes (MFA, one-time passcodes) one sign-in flow may try, all steps together.
pub(crate) const MAX_CODE_ATTEMPTS: u32 = 5;

impl App {
    /// Claims one code attempt of the flow before the code is checked, so that parallel guesses
    /// use up attempts instead of racing past the limit. `Some(page)` ends the flow.
    pub(crate) async fn claim_code_attempt(
        &self,
        tenant: TenantId,
        flow: &LoginFlow,
    ) -> Option<FlowOutcome> {
        let claim = Write::ClaimFlowAttempt {
            flow_hash: flow.flow_hash.clone(),
            max: MAX_CODE_ATTEMPTS,
        };
        match self.store().apply(tenant, vec![claim]).await {
            Ok(()) => None,
            Err(StoreError::Conflict(Conflict::Precondition(_))) => Some(
                self.fail_flow(tenant, flow, Vec::new(), ErrorPage::too_many_codes())
                    .await,
            ),
            Err(error) => Some(ErrorPage::server(error).into()),
        }
    }

    /// After a wrong code: `shown` (the page again, with its error), or the end of the flow when
    /// that was its last attempt. `flow.failed_attempts` is the count before this code's claim.
    pub(crate) async fn after_wrong_code(
        &self,
        tenant: TenantId,
        flow: &LoginFlow,
        shown: FlowOutcome,
    ) -> FlowOutcome {
        if flow.failed_attempts + 1 >= MAX_CODE_ATTEMPTS {
            return self
                .fail_flow(tenant, flow, Vec::new(), ErrorPage::too_many_codes())
                .await;
        }
        shown
    }

    /// The page of a locked account: the sign-in row says AADSTS50053, the page shows it.
    pub(crate) async fn locked_page(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        user: &User,
        page: Page,
        now: DateTime<Utc>,
    ) -> FlowOutcome {
        let attempt = SignInAttempt::user(user, ctx.app, SignInKind::Interactive)
            .failed(50053, inline::LOCKED)
            .from_ip(ctx.request.ip.map(|ip| ip.to_string()));
        let log = self.sign_in_record(ctx.tenant.id, attempt, now);
        attempt!(self.store().apply(ctx.tenant.id, vec![log]).await);
        ctx.show(flow, page, Some(inline::locked()))
    }
}

impl App {
    /// `POST /users/{id}/portico.clearLockout`: an administrator who may write users (User
    /// Administrator, Global Administrator, `User.ReadWrite.All`) ends a user's lockout. Audited.
    pub async fn graph_clear_lockout(
        &self,
        caller: &crate::directory::Caller,
        key: &str,
    ) -> Result<(), crate::directory::GraphError> {
        use crate::directory::GraphError;
        let op = crate::directory::Operation::ClearLockout;
        caller.require(op)?;
        let (user, _) = self.graph_get_user(caller, key).await?;
        self.require_user_change(caller, op, user.id, true).await?;
        let audit = self.directory_audit(
            caller,
            "UserManagement",
            "Clear sign-in lockout",
            "User",
            user.id,
            &user.display_name,
        );
        let clear = Write::ClearLockout {
            account: LockoutAccount::User(user.id),
            familiar: None,
        };
        self.store()
            .apply(caller.tenant(), vec![clear, audit])
            .await
            .map_err(|error| GraphError::Internal(error.to_string()))
    }
}
