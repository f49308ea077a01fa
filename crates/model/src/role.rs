//! Directory roles Portico models, with Entra's well-known role template ids.

use crate::ObjectId;
use serde::{Deserialize, Serialize};
use uuid::{uuid, Uuid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DirectoryRole {
    GlobalAdministrator,
    UserAdministrator,
    GuestInviter,
    DirectoryReaders,
    HelpdeskAdministrator,
    ApplicationAdministrator,
    CloudApplicationAdministrator,
}

impl DirectoryRole {
    pub const ALL: [DirectoryRole; 7] = [
        Self::GlobalAdministrator,
        Self::UserAdministrator,
        Self::GuestInviter,
        Self::DirectoryReaders,
        Self::HelpdeskAdministrator,
        Self::ApplicationAdministrator,
        Self::CloudApplicationAdministrator,
    ];

    /// Entra's `roleTemplateId`, identical in every tenant.
    pub fn template_id(self) -> Uuid {
        match self {
            Self::GlobalAdministrator => uuid!("62e90394-69f5-4237-9190-012177145e10"),
            Self::UserAdministrator => uuid!("fe930be7-5e62-47db-91af-98c3a49a38b1"),
            Self::GuestInviter => uuid!("95e79109-95c0-4d8e-aee3-d01accf2d47b"),
            Self::DirectoryReaders => uuid!("88d8e3e3-8f55-4a1e-953a-9b9898b8876b"),
            Self::HelpdeskAdministrator => uuid!("729827e3-9c14-49f7-bb1b-9608f156bbb8"),
            Self::ApplicationAdministrator => uuid!("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"),
            Self::CloudApplicationAdministrator => uuid!("158c047a-c907-4556-b7ef-446551a6b5f7"),
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Self::GlobalAdministrator => "Global Administrator",
            Self::UserAdministrator => "User Administrator",
            Self::GuestInviter => "Guest Inviter",
            Self::DirectoryReaders => "Directory Readers",
            Self::HelpdeskAdministrator => "Helpdesk Administrator",
            Self::ApplicationAdministrator => "Application Administrator",
            Self::CloudApplicationAdministrator => "Cloud Application Administrator",
        }
    }

    pub fn from_template_id(id: &Uuid) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.template_id() == *id)
    }

    pub fn from_display_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|role| role.display_name().eq_ignore_ascii_case(name))
    }
}

/// A principal (user, group or service principal) holding a directory role in a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleAssignment {
    pub principal_id: ObjectId,
    pub role: DirectoryRole,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_ids_round_trip() {
        for role in DirectoryRole::ALL {
            assert_eq!(
                DirectoryRole::from_template_id(&role.template_id()),
                Some(role)
            );
            assert_eq!(
                DirectoryRole::from_display_name(role.display_name()),
                Some(role)
            );
        }
        assert_eq!(DirectoryRole::from_display_name("Chief Wizard"), None);
    }
}
