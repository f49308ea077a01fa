//! Registered authenticators (TOTP) at rest and in use. A secret is sealed with the master key,
//! bound to its tenant and user, wherever it is stored (the user's methods, a registration in
//! progress in a sign-in flow); a secret stored before sealing existed still opens and is sealed
//! on the account's next successful check. A code's time step is claimed in the store
//! (`Write::ClaimTotpStep`) before the code counts, so one code works once even in parallel
//! sign-ins.

use super::master_key::is_sealed_text;
use super::totp;
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use portico_model::user::{MfaMethod, User};
use portico_model::{ObjectId, TenantId};
use portico_store::{Conflict, StoreError, UserChanges, Write};

fn context(tenant: TenantId, user: ObjectId) -> String {
    format!("totp:{tenant}:{user}")
}

impl App {
    /// A new authenticator secret for `user`: the plaintext the registration page shows once,
    /// and the sealed form the sign-in flow keeps.
    pub(crate) fn new_totp_secret(
        &self,
        tenant: TenantId,
        user: ObjectId,
    ) -> Result<(String, String), AppError> {
        let plain = totp::new_secret(self.random());
        let sealed = self.seal_totp_secret(tenant, user, &plain)?;
        Ok((plain, sealed))
    }

    pub(crate) fn seal_totp_secret(
        &self,
        tenant: TenantId,
        user: ObjectId,
        plain: &str,
    ) -> Result<String, AppError> {
        Ok(self
            .keys()
            .master()
            .seal_text(&context(tenant, user), plain)?)
    }

    /// The secret as stored (sealed, or plaintext from before sealing) opened.
    pub(crate) fn open_totp_secret(
        &self,
        tenant: TenantId,
        user: ObjectId,
        stored: &str,
    ) -> Result<String, AppError> {
        Ok(self
            .keys()
            .master()
            .open_text(&context(tenant, user), stored)?)
    }

    /// A registration: `code` from the authenticator being set up (`sealed_secret`, as the flow
    /// keeps it). When it is right and its step is claimed, the method is added to `user` and the
    /// write that saves it is returned; `None` for a wrong (or already used) code.
    pub(crate) async fn register_totp(
        &self,
        tenant: TenantId,
        user: &mut User,
        sealed_secret: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Write>, AppError> {
        let plain = self.open_totp_secret(tenant, user.id, sealed_secret)?;
        let Some(step) = totp::verify(&plain, code, now, None) else {
            return Ok(None);
        };
        if !self.claim_totp_step(tenant, user.id, step).await? {
            return Ok(None);
        }
        user.mfa_methods.push(MfaMethod::Totp {
            id: self.random().object_id(),
            secret_base32: self.seal_totp_secret(tenant, user.id, &plain)?,
            registered_at: now,
            last_used_step: None,
        });
        Ok(Some(Write::PatchUser {
            id: user.id,
            changes: UserChanges::mfa_methods(user.mfa_methods.clone()),
        }))
    }

    /// A challenge: `code` from one of `user`'s authenticators, its step claimed now. `None` for
    /// a wrong or replayed code; otherwise the writes to commit with the sign-in (the methods
    /// re-sealed when one was still stored in the clear).
    pub(crate) async fn check_totp(
        &self,
        tenant: TenantId,
        user: &User,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<Write>>, AppError> {
        let mut matched = None;
        for MfaMethod::Totp {
            secret_base32,
            last_used_step,
            ..
        } in &user.mfa_methods
        {
            let plain = self.open_totp_secret(tenant, user.id, secret_base32)?;
            // A step recorded in the method itself predates the store's claims: still honoured.
            matched = matched.or_else(|| totp::verify(&plain, code, now, *last_used_step));
        }
        let Some(step) = matched else {
            return Ok(None);
        };
        if !self.claim_totp_step(tenant, user.id, step).await? {
            return Ok(None);
        }
        self.reseal_legacy_secrets(tenant, user).map(Some)
    }

    /// Methods stored before sealing existed, sealed now (no write when there are none).
    fn reseal_legacy_secrets(&self, tenant: TenantId, user: &User) -> Result<Vec<Write>, AppError> {
        let legacy = |m: &MfaMethod| match m {
            MfaMethod::Totp { secret_base32, .. } => !is_sealed_text(secret_base32),
        };
        if !user.mfa_methods.iter().any(legacy) {
            return Ok(Vec::new());
        }
        let mut methods = user.mfa_methods.clone();
        for MfaMethod::Totp { secret_base32, .. } in &mut methods {
            if !is_sealed_text(secret_base32) {
                *secret_base32 = self.seal_totp_secret(tenant, user.id, secret_base32)?;
            }
        }
        Ok(vec![Write::PatchUser {
            id: user.id,
            changes: UserChanges::mfa_methods(methods),
        }])
    }

    /// True when `step` is later than every step `user` had accepted: this code is theirs.
    async fn claim_totp_step(
        &self,
        tenant: TenantId,
        user: ObjectId,
        step: u64,
    ) -> Result<bool, AppError> {
        let claim = Write::ClaimTotpStep {
            user_id: user,
            step,
        };
        match self.store().apply(tenant, vec![claim]).await {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict(Conflict::Precondition(_))) => Ok(false),
            Err(other) => Err(other.into()),
        }
    }
}
