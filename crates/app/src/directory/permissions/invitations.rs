//! Who may send invitations: the tenant's `allowInvitesFrom`, the Guest Inviter role, and the
//! rule that only user administrators invite members.

use super::Operation;
use crate::directory::{Caller, GraphError};
use portico_model::role::DirectoryRole;
use portico_model::settings::{AllowInvitesFrom, TenantSettings};

impl Caller {
    /// Who may invite (`allowInvitesFrom`, Guest Inviter; member invitations need an admin).
    pub(crate) fn require_inviter(
        &self,
        settings: &TenantSettings,
        member: bool,
    ) -> Result<(), GraphError> {
        let caller = self;
        let policy = settings.authorization.allow_invites_from;
        if policy == AllowInvitesFrom::None {
            return Err(GraphError::denied("invitationsNotAllowed", "This organization does not allow anyone to invite external users (allowInvitesFrom is 'none'). A Global Administrator can change the external collaboration settings."));
        }
        caller.require(Operation::Invite)?;
        let admin = caller.administers_users();
        if member && !admin {
            return Err(GraphError::denied("memberInviteRequiresAdmin", "Only administrators (Global Administrator, User Administrator) can invite external users as members. Invite them as guests, or ask an administrator."));
        }
        if admin {
            return Ok(());
        }
        // An app acts for no one: it may invite where members may, not where only admins and
        // Guest Inviters may.
        if caller.is_app() {
            return match policy {
                AllowInvitesFrom::AdminsGuestInvitersAndAllMembers | AllowInvitesFrom::Everyone => {
                    Ok(())
                }
                _ => Err(GraphError::denied(
                    "invitationsNotAllowed",
                    "Invitations are restricted to administrators and Guest Inviters (allowInvitesFrom is 'adminsAndGuestInviters'), so an application cannot send them. Invite as an administrator, or ask a Global Administrator to change the external collaboration settings.",
                )),
            };
        }
        let allowed = match policy {
            AllowInvitesFrom::None => false,
            AllowInvitesFrom::AdminsAndGuestInviters => {
                caller.has_role(&[DirectoryRole::GuestInviter])
            }
            AllowInvitesFrom::AdminsGuestInvitersAndAllMembers => {
                caller.has_role(&[DirectoryRole::GuestInviter]) || !caller.is_guest()
            }
            AllowInvitesFrom::Everyone => true,
        };
        if allowed {
            Ok(())
        } else {
            Err(GraphError::denied(
                "invitationsNotAllowed",
                "Your organization's external collaboration settings do not let you invite external users. Ask an administrator or a Guest Inviter to send the invitation.",
            ))
        }
    }
}
