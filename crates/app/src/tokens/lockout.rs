//! Smart lockout (Entra's) at every credential check: passwords (pages and the password grant),
//! MFA codes, e-mail one-time passcodes and client secrets. A check is claimed in the store
//! *before* it runs, so parallel guesses cannot overshoot the threshold; a right credential gives
//! its claim back, and a completed sign-in clears the counter and makes its address familiar.
//! Counters are per account and per location class: failures from unfamiliar addresses lock
//! out only sign-ins from unfamiliar addresses.

use crate::sign_in::machine::{Claimed, MAX_CODE_ATTEMPTS};
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use portico_model::lockout::{LockoutAccount, LockoutKey, LockoutState};
use portico_model::oauth::LoginFlow;
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

impl App {
    /// The one attempt counter of a credential check, claimed before the check runs so that
    /// parallel guesses use up attempts instead of racing past a limit: the flow's code attempts
    /// (when `flow` is given; in `flow_tenant`) and the account's smart lockout (when `account`
    /// is given). The key comes back when the check may run; hand it back with [`refund`] when
    /// the credential is right.
    pub(crate) async fn claim_attempt(
        &self,
        flow_tenant: TenantId,
        flow: Option<&LoginFlow>,
        account: Option<(TenantId, LockoutAccount)>,
        ip: Option<IpAddr>,
    ) -> Result<(Claimed, Option<LockoutKey>), StoreError> {
        if let Some(flow) = flow {
            let claim = Write::ClaimFlowAttempt {
                flow_hash: flow.flow_hash.clone(),
                max: MAX_CODE_ATTEMPTS,
            };
            match self.store().apply(flow_tenant, vec![claim]).await {
                Ok(()) => {}
                Err(StoreError::Conflict(Conflict::Precondition(_))) => {
                    return Ok((Claimed::Spent, None))
                }
                Err(error) => return Err(error),
            }
        }
        let Some((tenant, account)) = account else {
            return Ok((Claimed::Granted, None));
        };
        Ok(match self.claim_check(tenant, account, ip).await? {
            Claim::Granted(key) => (Claimed::Granted, Some(key)),
            Claim::Locked => (Claimed::Locked, None),
        })
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
