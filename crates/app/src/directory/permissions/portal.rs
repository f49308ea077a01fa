//! The admin portal's reading of the table, as Entra's "Restrict access to the admin center":
//! a page is for callers who reach its operation through an administrator role, not only
//! through the default permissions every member has. The call itself is still checked by
//! `Caller::require` in the use case.

use super::{Operation, Reach, Users, DIRECTORY_READER_ROLES, USER_ADMIN_ROLES};
use crate::directory::access::Caller;
use portico_model::role::DirectoryRole;

/// Who administers invitations: the user administrators and the Guest Inviter.
const INVITER_ROLES: &[DirectoryRole] = &[
    DirectoryRole::GlobalAdministrator,
    DirectoryRole::UserAdministrator,
    DirectoryRole::GuestInviter,
];

/// The administrator roles of an operation every member may call.
fn member_operation_admins(op: Operation) -> &'static [DirectoryRole] {
    match op {
        Operation::Invite => INVITER_ROLES,
        Operation::CreateGroup => USER_ADMIN_ROLES,
        _ => DIRECTORY_READER_ROLES,
    }
}

impl Caller {
    /// Whether the portal offers `op` to this caller: the table allows it for every object,
    /// and through an administrator role.
    pub fn administers(&self, op: Operation) -> bool {
        if self.reach(op) != Some(Reach::All) || self.is_app() {
            return false;
        }
        match op.rule().users {
            Users::Roles(_) => true,
            Users::Members => self.has_role(member_operation_admins(op)),
            Users::Me => false,
        }
    }
}
