//! Groups and mail contacts through Graph.

use super::access::{Caller, GraphError};
use super::permissions::{Operation, Reach, Target};
use crate::App;
use portico_model::group::{Group, MailContact};
use portico_model::{EmailAddress, ObjectId, ProxyAddress};
use portico_store::{Conflict, StoreError, Write};

/// `POST /groups`.
#[derive(Debug, Clone, Default)]
pub struct NewGroup {
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub mail_nickname: Option<String>,
    pub mail_enabled: Option<bool>,
    pub security_enabled: Option<bool>,
}

fn conflict(error: StoreError, what: &str) -> GraphError {
    match error {
        StoreError::Conflict(Conflict::ProxyAddress(address)) => GraphError::with_reason(
            "proxyAddressConflict",
            format!("Another object with the same value for property proxyAddresses already exists: {address} belongs to another user, group or contact."),
        ),
        StoreError::Conflict(Conflict::ObjectId(_)) => GraphError::bad_request(format!("One or more added object references already exist for the following modified properties: '{what}'.")),
        other => other.into(),
    }
}

impl App {
    pub async fn graph_get_group(&self, caller: &Caller, id: &str) -> Result<Group, GraphError> {
        self.group_for(caller, Operation::GetGroup, id).await
    }

    /// The group `id` of the caller's tenant, once the caller may do `op` on it (404 for a
    /// foreign or missing id, after the operation's row).
    async fn group_for(
        &self,
        caller: &Caller,
        op: Operation,
        id: &str,
    ) -> Result<Group, GraphError> {
        let reach = caller.require(op)?;
        let id = ObjectId::parse(id).map_err(|_| GraphError::NotFound(id.to_owned()))?;
        let group = match self.store().get_group(caller.tenant(), id).await {
            Ok(group) => group,
            Err(StoreError::NotFound) => return Err(GraphError::NotFound(id.to_string())),
            Err(other) => return Err(other.into()),
        };
        let caller_is_member = match (reach, caller.user_id()) {
            (Reach::RestrictedGuest, Some(user)) => self
                .store()
                .list_groups_of(caller.tenant(), user)
                .await?
                .contains(&group.id),
            _ => false,
        };
        caller.require_target(op, Target::Group { caller_is_member })?;
        Ok(group)
    }

    /// A new group; a mail-enabled one gets `{mailNickname}@{initial domain}` as its address.
    pub async fn graph_create_group(
        &self,
        caller: &Caller,
        new: NewGroup,
    ) -> Result<Group, GraphError> {
        caller.require(Operation::CreateGroup)?;
        let missing = |name: &str| {
            GraphError::bad_request(format!(
                "Property '{name}' is required when creating the entity."
            ))
        };
        let display_name = new
            .display_name
            .filter(|d| !d.trim().is_empty())
            .ok_or_else(|| missing("displayName"))?;
        let nickname = new
            .mail_nickname
            .filter(|n| !n.is_empty())
            .ok_or_else(|| missing("mailNickname"))?;
        let mail_enabled = new.mail_enabled.ok_or_else(|| missing("mailEnabled"))?;
        let security_enabled = new
            .security_enabled
            .ok_or_else(|| missing("securityEnabled"))?;
        let tenant = self
            .store()
            .find_tenant(caller.tenant())
            .await?
            .ok_or_else(|| GraphError::Internal("tenant vanished".into()))?;
        let mail = if mail_enabled {
            let address = EmailAddress::parse(&format!("{nickname}@{}", tenant.initial_domain))
                .map_err(|_| {
                    GraphError::bad_request(
                        "Invalid value specified for property 'mailNickname' of resource 'Group'.",
                    )
                })?;
            Some(address)
        } else {
            None
        };
        let group = Group {
            id: self.random().object_id(),
            display_name,
            description: new.description,
            mail_nickname: Some(nickname),
            proxy_addresses: mail.iter().cloned().map(ProxyAddress::primary).collect(),
            mail,
            mail_enabled,
            security_enabled,
            created_at: self.now(),
        };
        let audit = self.directory_audit(
            caller,
            "GroupManagement",
            "Add group",
            "Group",
            group.id,
            &group.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::InsertGroup(group.clone()), audit],
            )
            .await
            .map_err(|e| conflict(e, "proxyAddresses"))?;
        Ok(group)
    }

    pub async fn graph_delete_group(&self, caller: &Caller, id: &str) -> Result<(), GraphError> {
        let group = self.group_for(caller, Operation::DeleteGroup, id).await?;
        let audit = self.directory_audit(
            caller,
            "GroupManagement",
            "Delete group",
            "Group",
            group.id,
            &group.display_name,
        );
        self.store()
            .apply(caller.tenant(), vec![Write::DeleteGroup(group.id), audit])
            .await
            .map_err(|e| conflict(e, "members"))
    }

    pub async fn graph_group_members(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Vec<super::DirectoryObject>, GraphError> {
        let group = self
            .group_for(caller, Operation::ListGroupMembers, id)
            .await?;
        let ids = self
            .store()
            .list_group_members(caller.tenant(), group.id)
            .await?;
        self.directory_objects(caller.tenant(), ids).await
    }

    pub async fn graph_add_member(
        &self,
        caller: &Caller,
        group: &str,
        member: &str,
    ) -> Result<(), GraphError> {
        let group = self
            .group_for(caller, Operation::AddGroupMember, group)
            .await?;
        let member =
            ObjectId::parse(member).map_err(|_| GraphError::NotFound(member.to_owned()))?;
        let audit = self.directory_audit(
            caller,
            "GroupManagement",
            "Add member to group",
            "Group",
            group.id,
            &group.display_name,
        );
        match self
            .store()
            .apply(
                caller.tenant(),
                vec![
                    Write::AddGroupMember {
                        group: group.id,
                        member,
                    },
                    audit,
                ],
            )
            .await
        {
            Err(StoreError::NotFound) => Err(GraphError::NotFound(member.to_string())),
            other => other.map_err(|e| conflict(e, "members")),
        }
    }

    pub async fn graph_remove_member(
        &self,
        caller: &Caller,
        group: &str,
        member: &str,
    ) -> Result<(), GraphError> {
        let group = self
            .group_for(caller, Operation::RemoveGroupMember, group)
            .await?;
        let member =
            ObjectId::parse(member).map_err(|_| GraphError::NotFound(member.to_owned()))?;
        let audit = self.directory_audit(
            caller,
            "GroupManagement",
            "Remove member from group",
            "Group",
            group.id,
            &group.display_name,
        );
        match self
            .store()
            .apply(
                caller.tenant(),
                vec![
                    Write::RemoveGroupMember {
                        group: group.id,
                        member,
                    },
                    audit,
                ],
            )
            .await
        {
            Err(StoreError::NotFound) => Err(GraphError::NotFound(member.to_string())),
            other => other.map_err(|e| conflict(e, "members")),
        }
    }

    pub async fn graph_get_contact(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<MailContact, GraphError> {
        caller.require_target(Operation::GetContact, Target::Other)?;
        let id = ObjectId::parse(id).map_err(|_| GraphError::NotFound(id.to_owned()))?;
        match self.store().get_contact(caller.tenant(), id).await {
            Err(StoreError::NotFound) => Err(GraphError::NotFound(id.to_string())),
            other => Ok(other?),
        }
    }

    /// `POST /contacts` (Portico's addition, `docs/decisions.md` 19): an Exchange mail contact.
    pub async fn graph_create_contact(
        &self,
        caller: &Caller,
        display_name: Option<String>,
        mail: Option<String>,
    ) -> Result<MailContact, GraphError> {
        caller.require(Operation::CreateContact)?;
        let display_name = display_name
            .filter(|d| !d.trim().is_empty())
            .ok_or_else(|| {
                GraphError::bad_request(
                    "Property 'displayName' is required when creating the entity.",
                )
            })?;
        let mail = mail.ok_or_else(|| {
            GraphError::bad_request("Property 'mail' is required when creating the entity.")
        })?;
        let mail = EmailAddress::parse(&mail).map_err(|_| {
            GraphError::with_reason(
                "invalidEmailAddress",
                format!("'{mail}' is not a valid e-mail address."),
            )
        })?;
        let contact = MailContact {
            id: self.random().object_id(),
            display_name,
            proxy_addresses: vec![ProxyAddress::primary(mail.clone())],
            mail,
            hidden_from_address_lists: false,
            created_at: self.now(),
        };
        let audit = self.directory_audit(
            caller,
            "ContactManagement",
            "Add contact",
            "Contact",
            contact.id,
            &contact.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::InsertContact(contact.clone()), audit],
            )
            .await
            .map_err(|e| conflict(e, "proxyAddresses"))?;
        Ok(contact)
    }
}

impl App {
    /// `POST /servicePrincipals/{id}/appRoleAssignedTo`: lets `principal` (a user or group) use an
    /// app that requires assignment.
    pub async fn graph_assign_app(
        &self,
        caller: &Caller,
        app_id: &str,
        principal: &str,
    ) -> Result<(ObjectId, ObjectId), GraphError> {
        caller.require(Operation::AssignApp)?;
        let tenant = caller.tenant();
        let app_object =
            ObjectId::parse(app_id).map_err(|_| GraphError::NotFound(app_id.to_owned()))?;
        let app = self
            .store()
            .list_applications(tenant)
            .await?
            .into_iter()
            .find(|a| a.id == app_object)
            .ok_or_else(|| GraphError::NotFound(app_id.to_owned()))?;
        let principal =
            ObjectId::parse(principal).map_err(|_| GraphError::NotFound(principal.to_owned()))?;
        let exists = match self.store().get_user(tenant, principal).await {
            Ok(_) => true,
            Err(StoreError::NotFound) => self.store().get_group(tenant, principal).await.is_ok(),
            Err(other) => return Err(other.into()),
        };
        if !exists {
            return Err(GraphError::NotFound(principal.to_string()));
        }
        let audit = self.directory_audit(
            caller,
            "ApplicationManagement",
            "Add app role assignment grant to user",
            "ServicePrincipal",
            app.id,
            &app.display_name,
        );
        self.store()
            .apply(
                tenant,
                vec![
                    Write::AssignApplication {
                        app: app.id,
                        principal,
                    },
                    audit,
                ],
            )
            .await
            .map_err(|e| conflict(e, "appRoleAssignments"))?;
        Ok((app.id, principal))
    }
}
