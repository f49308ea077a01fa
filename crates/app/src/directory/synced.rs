//! Accounts synchronised from an on-premises directory (`portico import --synced`): members or
//! guests whose Source is "Windows Server AD", written with their audit row.

use crate::App;
use portico_model::logs::AuditTarget;
use portico_model::user::User;
use portico_model::TenantId;
use portico_store::{StoreError, Write};

/// What became of one synced account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncedImport {
    Imported,
    /// The tenant already has a user with this id or principal name.
    AlreadyPresent,
}

impl App {
    /// Inserts `user` (built by the caller with `on_premises_sync_enabled`) with an audit row
    /// naming the import as the actor, in one transaction.
    pub async fn import_synced_user(
        &self,
        tenant: TenantId,
        user: User,
    ) -> Result<SyncedImport, StoreError> {
        let audit = self.system_audit(
            "portico import --synced",
            "UserManagement",
            "Import synced user",
            AuditTarget {
                id: user.id.to_string(),
                kind: "User".into(),
                display_name: Some(user.display_name.clone()),
            },
        );
        match self
            .store()
            .apply(tenant, vec![Write::InsertUser(user), audit])
            .await
        {
            Ok(()) => Ok(SyncedImport::Imported),
            Err(StoreError::Conflict(_)) => Ok(SyncedImport::AlreadyPresent),
            Err(other) => Err(other),
        }
    }
}
