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

#[cfg(test)]
mod tests {
    use super::Operation::{self, *};
    use crate::directory::access::Caller;
    use crate::tokens::AccessTokenClaims;
    use portico_model::role::DirectoryRole;
    use portico_model::settings::GuestAccessLevel;
    use portico_model::user::User;
    use portico_model::{ObjectId, TenantId, Upn};

    /// A member signed in to the portal, with its scopes, holding `roles`.
    fn portal_user(roles: &[DirectoryRole]) -> Caller {
        let id = ObjectId::from_uuid(uuid::Uuid::from_u128(7));
        let upn = Upn::parse("someone@contoso.com").expect("upn");
        Caller {
            claims: AccessTokenClaims {
                tenant: TenantId::from_uuid(uuid::Uuid::from_u128(1)),
                oid: id,
                app_only: false,
                client_id: String::new(),
                roles: Vec::new(),
                scopes: crate::portal::PORTAL_SCOPES
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
                raw: serde_json::Map::new(),
            },
            user: Some(User::member(
                id,
                upn,
                "Someone".into(),
                chrono::DateTime::UNIX_EPOCH,
            )),
            roles: roles.to_vec(),
            guest_access: GuestAccessLevel::Limited,
        }
    }

    fn pages(caller: &Caller) -> Vec<Operation> {
        [
            ListUsers,
            GetUser,
            UpdateUser,
            Invite,
            ListSignIns,
            GetCrossTenantPolicy,
            ReadMauReport,
            GetMe,
        ]
        .into_iter()
        .filter(|op| caller.administers(*op))
        .collect()
    }

    #[test]
    fn each_role_administers_its_own_pages() {
        assert_eq!(
            pages(&portal_user(&[DirectoryRole::GlobalAdministrator])),
            [
                ListUsers,
                GetUser,
                UpdateUser,
                Invite,
                ListSignIns,
                GetCrossTenantPolicy,
                ReadMauReport
            ]
        );
        assert_eq!(
            pages(&portal_user(&[DirectoryRole::GuestInviter])),
            [Invite]
        );
        assert_eq!(
            pages(&portal_user(&[DirectoryRole::UserAdministrator])),
            [ListUsers, GetUser, UpdateUser, Invite]
        );
        assert_eq!(
            pages(&portal_user(&[DirectoryRole::DirectoryReaders])),
            [ListUsers, GetUser]
        );
        // A member without a role may list users through Graph, but administers nothing.
        let member = portal_user(&[]);
        assert!(member.require(ListUsers).is_ok());
        assert!(pages(&member).is_empty());
    }
}
