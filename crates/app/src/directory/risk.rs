//! Identity Protection through Graph (`docs/decisions.md` 14). User risk is kept per (tenant, user) in
//! the user's home tenant and is set and cleared there: by `confirmCompromised`, `dismiss`, or a
//! password change or reset at home. A resource tenant neither lists nor clears a guest's risk.

use super::access::{Caller, GraphError};
use super::permissions::Operation;
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use portico_model::conditional_access::RiskLevel;
use portico_model::logs::AuditTarget;
use portico_model::risk::{RiskState, RiskyUser};
use portico_model::user::{CreationType, User};
use portico_model::{ObjectId, TenantId, Upn};
use portico_store::{StoreError, Write};

/// Graph's limit on user ids per dismiss / confirmCompromised call.
const MAX_USER_IDS: usize = 60;

/// A risk record with the user it belongs to (`None` once the user is deleted).
#[derive(Debug, Clone)]
pub struct RiskyUserView {
    pub risk: RiskyUser,
    pub user: Option<User>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AdminAction {
    ConfirmCompromised,
    Dismiss,
}

/// A record the dev control API made only to hold a simulated sign-in risk is not a risky user.
fn is_listed(risk: &RiskyUser) -> bool {
    risk.risk_level != RiskLevel::None || risk.risk_state != RiskState::None
}

impl App {
    /// Whether the account behind `user` lives in another organisation: an invited guest or
    /// external member (bound to a home account, or still pending with an `#EXT#` name).
    pub(crate) async fn is_homed_elsewhere(
        &self,
        tenant: TenantId,
        user: &User,
    ) -> Result<bool, GraphError> {
        if user.user_principal_name.is_external()
            || user.creation_type == Some(CreationType::Invitation)
        {
            return Ok(true);
        }
        Ok(self
            .store()
            .find_binding_of_guest(tenant, user.id)
            .await?
            .is_some())
    }

    async fn risky_user_view(
        &self,
        tenant: TenantId,
        risk: RiskyUser,
    ) -> Result<Option<RiskyUserView>, GraphError> {
        if !is_listed(&risk) {
            return Ok(None);
        }
        let user = match self.store().get_user(tenant, risk.user_id).await {
            Ok(user) => Some(user),
            Err(StoreError::NotFound) => None,
            Err(other) => return Err(other.into()),
        };
        if let Some(user) = &user {
            if self.is_homed_elsewhere(tenant, user).await? {
                return Ok(None);
            }
        }
        Ok(Some(RiskyUserView { risk, user }))
    }

    pub async fn graph_list_risky_users(
        &self,
        caller: &Caller,
    ) -> Result<Vec<RiskyUserView>, GraphError> {
        caller.require(Operation::ListRiskyUsers)?;
        let mut views = Vec::new();
        for risk in self.store().list_risky_users(caller.tenant()).await? {
            if let Some(view) = self.risky_user_view(caller.tenant(), risk).await? {
                views.push(view);
            }
        }
        Ok(views)
    }

    pub async fn graph_get_risky_user(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<RiskyUserView, GraphError> {
        caller.require(Operation::GetRiskyUser)?;
        let not_found = || GraphError::NotFound(id.to_owned());
        let user_id = ObjectId::parse(id).map_err(|_| not_found())?;
        let risk = self
            .store()
            .find_risky_user(caller.tenant(), user_id)
            .await?
            .ok_or_else(not_found)?;
        self.risky_user_view(caller.tenant(), risk)
            .await?
            .ok_or_else(not_found)
    }

    pub async fn graph_confirm_compromised(
        &self,
        caller: &Caller,
        user_ids: &[String],
    ) -> Result<(), GraphError> {
        self.admin_risk_action(caller, user_ids, AdminAction::ConfirmCompromised)
            .await
    }

    pub async fn graph_dismiss_risk(
        &self,
        caller: &Caller,
        user_ids: &[String],
    ) -> Result<(), GraphError> {
        self.admin_risk_action(caller, user_ids, AdminAction::Dismiss)
            .await
    }

    /// The users an administrator's risk action names: this tenant's own users (a guest's risk
    /// belongs to its home), each once, at most `MAX_USER_IDS`.
    async fn risk_targets(
        &self,
        tenant: TenantId,
        user_ids: &[String],
    ) -> Result<Vec<User>, GraphError> {
        if user_ids.is_empty() {
            return Err(GraphError::bad_request(
                "'userIds' is empty: list the object ids of the users to change.",
            ));
        }
        if user_ids.len() > MAX_USER_IDS {
            return Err(GraphError::bad_request(format!(
                "'userIds' lists {} users; send at most {MAX_USER_IDS} per call.",
                user_ids.len()
            )));
        }
        let mut users = Vec::new();
        for id in user_ids {
            let not_found = || GraphError::NotFound(id.clone());
            let user_id = ObjectId::parse(id).map_err(|_| not_found())?;
            let user = self
                .store()
                .get_user(tenant, user_id)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound => not_found(),
                    other => other.into(),
                })?;
            if self.is_homed_elsewhere(tenant, &user).await? {
                return Err(GraphError::with_reason(
                    "riskManagedByHomeTenant",
                    format!(
                        "User '{}' ({}) is a guest from another organization. A guest's user risk belongs to their home organization: an administrator there must dismiss it (or confirm it) in the home tenant, or the user can reset their password at home. This organization cannot change it.",
                        user.display_name, user.id
                    ),
                ));
            }
            if !users.iter().any(|u: &User| u.id == user.id) {
                users.push(user);
            }
        }
        Ok(users)
    }

    /// Checks every id first (this tenant's own users only), then changes all in one transaction
    /// with one audit record naming them.
    async fn admin_risk_action(
        &self,
        caller: &Caller,
        user_ids: &[String],
        action: AdminAction,
    ) -> Result<(), GraphError> {
        caller.require(match action {
            AdminAction::ConfirmCompromised => Operation::ConfirmCompromised,
            AdminAction::Dismiss => Operation::DismissRisk,
        })?;
        let tenant = caller.tenant();
        let users = self.risk_targets(tenant, user_ids).await?;
        let now = self.now();
        let mut writes = Vec::new();
        for user in &users {
            let existing = self.store().find_risky_user(tenant, user.id).await?;
            if let Some(record) = risk_after(action, user.id, existing, now) {
                writes.push(Write::PutRiskyUser(record));
            }
        }
        let activity = match action {
            AdminAction::ConfirmCompromised => "Confirm user compromised",
            AdminAction::Dismiss => "Dismiss user risk",
        };
        let mut audit = self.directory_audit(
            caller,
            "IdentityProtection",
            activity,
            "User",
            users[0].id,
            &users[0].display_name,
        );
        if let Write::Audit(record) = &mut audit {
            record
                .targets
                .extend(users.iter().skip(1).map(|user| AuditTarget {
                    id: user.id.to_string(),
                    kind: "User".into(),
                    display_name: Some(user.display_name.clone()),
                }));
        }
        writes.push(audit);
        Ok(self.store().apply(tenant, writes).await?)
    }

    /// The write that marks a user's risk remediated after a secure password change or an
    /// administrator's reset (`detail` says which), if the user is at risk.
    pub(crate) async fn risk_remediation(
        &self,
        tenant: TenantId,
        user: ObjectId,
        detail: &str,
    ) -> Result<Option<Write>, GraphError> {
        let Some(mut risk) = self.store().find_risky_user(tenant, user).await? else {
            return Ok(None);
        };
        let at_risk = risk.risk_level != RiskLevel::None
            || matches!(
                risk.risk_state,
                RiskState::AtRisk | RiskState::ConfirmedCompromised
            );
        if !at_risk {
            return Ok(None);
        }
        risk.risk_level = RiskLevel::None;
        risk.risk_state = RiskState::Remediated;
        risk.risk_detail = detail.to_owned();
        risk.updated_at = self.now();
        Ok(Some(Write::PutRiskyUser(risk)))
    }

    /// Dev mode: the sign-in risk this user's next sign-ins in `tenant` are given. Creates a
    /// record without user risk when there is none (and such a record is not listed as risky).
    pub async fn set_simulated_sign_in_risk(
        &self,
        tenant: TenantId,
        user_key: &str,
        level: RiskLevel,
    ) -> Result<RiskyUser, AppError> {
        let user = match ObjectId::parse(user_key) {
            Ok(id) => self.store().get_user(tenant, id).await?,
            Err(_) => {
                let upn =
                    Upn::parse(user_key).map_err(|_| AppError::Store(StoreError::NotFound))?;
                self.store()
                    .find_user_by_upn(tenant, &upn)
                    .await?
                    .ok_or(AppError::Store(StoreError::NotFound))?
            }
        };
        let now = self.now();
        let mut record = self
            .store()
            .find_risky_user(tenant, user.id)
            .await?
            .unwrap_or(RiskyUser {
                user_id: user.id,
                risk_level: RiskLevel::None,
                risk_state: RiskState::None,
                risk_detail: "none".into(),
                updated_at: now,
                simulated_sign_in_risk: RiskLevel::None,
            });
        record.simulated_sign_in_risk = level;
        self.store()
            .apply(tenant, vec![Write::PutRiskyUser(record.clone())])
            .await?;
        Ok(record)
    }
}

/// A user's risk record after an administrator's action; `None` when a dismissal finds no risk.
fn risk_after(
    action: AdminAction,
    user_id: ObjectId,
    existing: Option<RiskyUser>,
    now: DateTime<Utc>,
) -> Option<RiskyUser> {
    let record = match (action, existing) {
        (AdminAction::ConfirmCompromised, existing) => {
            let mut record = existing.unwrap_or(RiskyUser {
                user_id,
                risk_level: RiskLevel::None,
                risk_state: RiskState::None,
                risk_detail: "none".into(),
                updated_at: now,
                simulated_sign_in_risk: RiskLevel::None,
            });
            record.risk_level = RiskLevel::High;
            record.risk_state = RiskState::ConfirmedCompromised;
            record.risk_detail = "adminConfirmedUserCompromised".into();
            record
        }
        // Nothing to dismiss for a user who never had risk.
        (AdminAction::Dismiss, None) => return None,
        (AdminAction::Dismiss, Some(mut record)) => {
            record.risk_level = RiskLevel::None;
            record.risk_state = RiskState::Dismissed;
            record.risk_detail = "adminDismissedAllRiskForUser".into();
            record
        }
    };
    Some(RiskyUser {
        updated_at: now,
        ..record
    })
}
