//! A user's lifecycle beyond create and update: the deleted items (`/directory/deletedItems`:
//! a deleted user stays restorable with the same id for 30 days, then the retention job purges
//! it) and `revokeSignInSessions` (every refresh token and sign-in session issued before now
//! stops working, and `signInSessionsValidFromDateTime` moves to now).

use super::access::{Caller, GraphError};
use super::permissions::{Operation, Target};
use crate::App;
use portico_model::user::User;
use portico_model::ObjectId;
use portico_store::{Conflict, StoreError, Write};

/// How a list of deleted users is ordered (`$orderby=deletedDateTime asc|desc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeletedOrder {
    /// Most recently deleted first (Portico's order without `$orderby`).
    #[default]
    NewestFirst,
    OldestFirst,
}

/// `GET /directory/deletedItems/microsoft.graph.user`'s options.
#[derive(Debug, Clone, Default)]
pub struct DeletedQuery {
    pub filter: Option<portico_odata::Expr>,
    pub order: DeletedOrder,
    pub top: Option<u32>,
    /// `$select`, which may name `signInActivity` (and so needs its permission).
    pub select: Option<Vec<&'static str>>,
}

fn restore_conflict(error: StoreError, id: &str) -> GraphError {
    match error {
        StoreError::Conflict(Conflict::UserPrincipalName(_)) => GraphError::bad_request(
            "Another object with the same value for property userPrincipalName already exists.",
        ),
        StoreError::Conflict(Conflict::ProxyAddress(address)) => GraphError::with_reason(
            "proxyAddressConflict",
            format!("Another object with the same value for property proxyAddresses already exists: {address} belongs to another user, group or contact."),
        ),
        StoreError::NotFound => GraphError::NotFound(id.to_owned()),
        other => other.into(),
    }
}

impl App {
    /// The deleted user `id`, after the caller's row for `op`.
    async fn deleted_user(
        &self,
        caller: &Caller,
        op: Operation,
        id: &str,
    ) -> Result<User, GraphError> {
        caller.require(op)?;
        let not_found = || GraphError::NotFound(id.to_owned());
        let object = ObjectId::parse(id).map_err(|_| not_found())?;
        self.store()
            .find_deleted_user(caller.tenant(), object)
            .await?
            .ok_or_else(not_found)
    }

    /// `GET /directory/deletedItems/microsoft.graph.user`: `$filter` over the user's properties,
    /// ordered by `deletedDateTime`.
    pub async fn graph_list_deleted_users(
        &self,
        caller: &Caller,
        query: &DeletedQuery,
    ) -> Result<Vec<User>, GraphError> {
        caller.require(Operation::ListDeletedUsers)?;
        super::users::require_sign_in_activity(
            caller,
            query.select.as_deref(),
            query.filter.as_ref(),
        )?;
        let mut users = self.store().list_deleted_users(caller.tenant()).await?;
        if let Some(filter) = &query.filter {
            users.retain(|user| {
                portico_odata::evaluate(filter, &portico_store::records::UserRecord(user))
            });
        }
        if query.order == DeletedOrder::OldestFirst {
            users.reverse();
        }
        if let Some(top) = query.top {
            users.truncate(usize::try_from(top).unwrap_or(usize::MAX));
        }
        Ok(users)
    }

    /// `GET /directory/deletedItems/{id}`.
    pub async fn graph_get_deleted_item(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<User, GraphError> {
        self.deleted_user(caller, Operation::GetDeletedItem, id)
            .await
    }

    /// `POST /directory/deletedItems/{id}/restore`: the user comes back with the same id, its
    /// properties and the groups, apps and sponsors that still exist.
    pub async fn graph_restore_deleted_item(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<User, GraphError> {
        let user = self
            .deleted_user(caller, Operation::RestoreDeletedItem, id)
            .await?;
        let target = Target::User {
            id: user.id,
            roles: &[],
            sensitive: true,
        };
        caller.require_target(Operation::RestoreDeletedItem, target)?;
        let audit = self.directory_audit(
            caller,
            "UserManagement",
            "Restore user",
            "User",
            user.id,
            &user.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::RestoreDeletedUser(user.id), audit],
            )
            .await
            .map_err(|e| restore_conflict(e, id))?;
        let mut restored = user;
        restored.deleted_at = None;
        Ok(restored)
    }

    /// `DELETE /directory/deletedItems/{id}`: gone for good.
    pub async fn graph_purge_deleted_item(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(), GraphError> {
        let user = self
            .deleted_user(caller, Operation::PurgeDeletedItem, id)
            .await?;
        let audit = self.directory_audit(
            caller,
            "UserManagement",
            "Hard delete user",
            "User",
            user.id,
            &user.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::PurgeDeletedObject(user.id), audit],
            )
            .await
            .map_err(|e| match e {
                StoreError::NotFound => GraphError::NotFound(id.to_owned()),
                other => other.into(),
            })
    }

    /// `POST /users/{id}/revokeSignInSessions`: the user's refresh tokens and browser sessions
    /// end (a refresh answers `invalid_grant` AADSTS50173, `/authorize` asks to sign in again)
    /// and `signInSessionsValidFromDateTime` becomes now.
    pub async fn graph_revoke_sign_in_sessions(
        &self,
        caller: &Caller,
        key: &str,
    ) -> Result<(), GraphError> {
        caller.require(Operation::RevokeSignInSessions)?;
        let (user, _) = self.graph_get_user(caller, key).await?;
        // A sensitive action: the caller's roles must cover every role the user holds.
        self.require_user_change(caller, Operation::RevokeSignInSessions, user.id, true)
            .await?;
        let audit = self.directory_audit(
            caller,
            "UserManagement",
            "Invalidate all refresh tokens for user",
            "User",
            user.id,
            &user.display_name,
        );
        let writes = vec![
            Write::RevokeUserTokens {
                user_id: user.id,
                at: self.now(),
            },
            audit,
        ];
        self.store()
            .apply(caller.tenant(), writes)
            .await
            .map_err(GraphError::from)
    }
}
