//! Applying the table to a caller: `Caller::require` (the operation's row) and
//! `Caller::require_target` (what depends on the object acted on).

use super::{
    may_manage, Guests, Operation, Reach, Target, Users, DIRECTORY_READER_ROLES, USER_ADMIN_ROLES,
};
use crate::directory::access::{Caller, GraphError};
use portico_model::settings::GuestAccessLevel;

fn any(granted: &[String], wanted: &[&str]) -> bool {
    granted.iter().any(|g| wanted.contains(&g.as_str()))
}

impl Caller {
    /// The guest access level that applies to this caller: `None` for members and apps; a guest
    /// holding a directory-reading role sees the directory as members do.
    fn guest_level(&self) -> Option<GuestAccessLevel> {
        if !self.is_guest() {
            return None;
        }
        if self.has_role(DIRECTORY_READER_ROLES) {
            return Some(GuestAccessLevel::SameAsMembers);
        }
        Some(self.guest_access)
    }

    /// How far the table lets this caller into `op`, or `None`.
    pub fn reach(&self, op: Operation) -> Option<Reach> {
        let rule = op.rule();
        if self.is_app() {
            return any(&self.claims.roles, rule.application).then_some(Reach::All);
        }
        if any(&self.claims.scopes, rule.delegated) {
            let reach = match rule.users {
                Users::Me => Some(Reach::All),
                Users::Roles(roles) => self.has_role(roles).then_some(Reach::All),
                Users::Members => self.member_reach(rule.guests),
            };
            if reach.is_some() {
                return reach;
            }
        }
        any(&self.claims.scopes, rule.own).then_some(Reach::Own)
    }

    fn member_reach(&self, guests: Guests) -> Option<Reach> {
        let Some(level) = self.guest_level() else {
            return Some(Reach::All);
        };
        match guests {
            Guests::Never => None,
            Guests::Always => Some(Reach::All),
            Guests::SameAsMembers => {
                (level == GuestAccessLevel::SameAsMembers).then_some(Reach::All)
            }
            Guests::ById => Some(match level {
                GuestAccessLevel::SameAsMembers => Reach::All,
                GuestAccessLevel::Limited => Reach::LimitedGuest,
                GuestAccessLevel::Restricted => Reach::RestrictedGuest,
            }),
        }
    }

    /// Whether the caller administers users (member invitations, redemption resets): an app
    /// holding a permission that creates users, or a holder of a user-administrator role.
    pub fn administers_users(&self) -> bool {
        if self.is_app() {
            return any(&self.claims.roles, Operation::CreateUser.rule().application);
        }
        self.has_role(USER_ADMIN_ROLES)
    }

    /// The operation's row: 403 unless the caller may call it at all. An app-only token on a
    /// `/me` operation is a 400, as in Graph.
    pub fn require(&self, op: Operation) -> Result<Reach, GraphError> {
        if self.is_app() && op.rule().users == Users::Me {
            return Err(GraphError::bad_request(
                "/me request is only valid with delegated authentication flow.",
            ));
        }
        self.reach(op).ok_or(GraphError::Forbidden)
    }

    /// The row, then what depends on the target: own-object scopes and restricted guests reach
    /// only their own object (and their groups); sensitive changes to a user need a role that
    /// may manage every role the user holds.
    pub fn require_target(&self, op: Operation, target: Target<'_>) -> Result<(), GraphError> {
        let reach = self.require(op)?;
        let own = |id| self.user_id() == Some(id);
        let allowed = match (reach, target) {
            (Reach::Own, Target::User { id, sensitive, .. }) => own(id) && !sensitive,
            (Reach::Own | Reach::RestrictedGuest, Target::Other)
            | (Reach::Own, Target::Group { .. }) => false,
            (Reach::RestrictedGuest, Target::User { id, .. }) => own(id),
            (Reach::RestrictedGuest, Target::Group { caller_is_member }) => caller_is_member,
            (Reach::LimitedGuest, _) => true,
            (
                Reach::All,
                Target::User {
                    roles, sensitive, ..
                },
            ) => !sensitive || may_manage(&self.roles, roles),
            (Reach::All, Target::Group { .. } | Target::Other) => true,
        };
        if allowed {
            Ok(())
        } else {
            Err(GraphError::Forbidden)
        }
    }
}
