//! What depends on the object an operation acts on: the signed-in user's own object, the groups
//! a restricted guest belongs to, and Entra's rule for privileged administrators — who may reset
//! whose password and change whose sensitive properties (`accountEnabled`, mail addresses, user
//! principal name, user type) or delete them.

use portico_model::role::DirectoryRole;
use portico_model::ObjectId;

/// The object an operation acts on, with what the checks need to know about it.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// A user; `sensitive` when the change touches a sensitive property or deletes them.
    User {
        id: ObjectId,
        roles: &'a [DirectoryRole],
        sensitive: bool,
    },
    /// A group, and whether the caller is one of its members.
    Group { caller_is_member: bool },
    /// Any other object (a contact): never the caller's own.
    Other,
}

/// Roles whose holders any user administrator may manage: they grant no administrative right.
const UNPRIVILEGED: &[DirectoryRole] =
    &[DirectoryRole::DirectoryReaders, DirectoryRole::GuestInviter];

/// The roles a holder of `actor` may act on, beyond users without a role (Entra's "Who can
/// reset passwords" table, for the roles Portico models). Global Administrator: everyone.
fn manageable(actor: DirectoryRole) -> &'static [DirectoryRole] {
    use DirectoryRole::*;
    match actor {
        GlobalAdministrator => &[
            GlobalAdministrator,
            UserAdministrator,
            HelpdeskAdministrator,
            DirectoryReaders,
            GuestInviter,
            ApplicationAdministrator,
            CloudApplicationAdministrator,
        ],
        UserAdministrator => &[
            UserAdministrator,
            HelpdeskAdministrator,
            DirectoryReaders,
            GuestInviter,
        ],
        HelpdeskAdministrator => &[HelpdeskAdministrator, DirectoryReaders, GuestInviter],
        DirectoryReaders
        | GuestInviter
        | ApplicationAdministrator
        | CloudApplicationAdministrator => UNPRIVILEGED,
    }
}

/// May a principal holding `actor_roles` reset the password of, change the sensitive properties
/// of, or delete a user holding `target_roles`? An application without a role is treated as a
/// principal without a role: it manages users who hold no privileged role.
pub fn may_manage(actor_roles: &[DirectoryRole], target_roles: &[DirectoryRole]) -> bool {
    target_roles.iter().all(|target| {
        UNPRIVILEGED.contains(target)
            || actor_roles
                .iter()
                .any(|actor| manageable(*actor).contains(target))
    })
}

#[cfg(test)]
mod tests {
    use super::may_manage;
    use portico_model::role::DirectoryRole::*;

    #[test]
    fn administrators_act_only_on_lower_or_equal_roles() {
        assert!(may_manage(&[GlobalAdministrator], &[GlobalAdministrator]));
        assert!(may_manage(&[UserAdministrator], &[]));
        assert!(may_manage(
            &[UserAdministrator],
            &[UserAdministrator, GuestInviter]
        ));
        assert!(may_manage(&[UserAdministrator], &[HelpdeskAdministrator]));
        assert!(!may_manage(&[UserAdministrator], &[GlobalAdministrator]));
        assert!(!may_manage(
            &[UserAdministrator],
            &[DirectoryReaders, GlobalAdministrator]
        ));
        assert!(may_manage(&[HelpdeskAdministrator], &[DirectoryReaders]));
        assert!(!may_manage(&[HelpdeskAdministrator], &[UserAdministrator]));
        assert!(may_manage(&[], &[GuestInviter]));
        assert!(!may_manage(&[], &[HelpdeskAdministrator]));
    }
}
