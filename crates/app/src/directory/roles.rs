//! Directory role assignment (`POST /directoryRoles/{id}/members/$ref`), audited with the change.

use super::permissions::Operation;
use super::{Caller, GraphError};
use crate::App;
use portico_model::role::{DirectoryRole, RoleAssignment};
use portico_model::ObjectId;
use portico_store::{StoreError, Write};

impl App {
    /// Gives `member` (a user object id, as the reference names it) the role.
    pub async fn assign_directory_role(
        &self,
        caller: &Caller,
        role: DirectoryRole,
        member: &str,
    ) -> Result<(), GraphError> {
        caller.require(Operation::AssignDirectoryRole)?;
        let not_found = || GraphError::NotFound(member.to_owned());
        let member = ObjectId::parse(member).map_err(|_| not_found())?;
        let user = match self.store().get_user(caller.tenant(), member).await {
            Ok(user) => user,
            Err(StoreError::NotFound) => return Err(not_found()),
            Err(other) => return Err(GraphError::Internal(other.to_string())),
        };
        let audit = self.audit_record(
            &caller.claims,
            "RoleManagement",
            "Add member to role",
            role.display_name(),
        );
        let assignment = Write::AssignRole(RoleAssignment {
            principal_id: user.id,
            role,
        });
        match self.store().apply(caller.tenant(), vec![assignment, audit]).await {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict(_)) => Err(GraphError::bad_request(
                "One or more added object references already exist for the following modified properties: 'members'.",
            )),
            Err(other) => Err(GraphError::Internal(other.to_string())),
        }
    }
}
