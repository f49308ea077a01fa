//! Groups and mail contacts through Graph.

use super::access::{Caller, GraphError};
use super::group_kinds::{new_group_kind, patch_group};
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
    /// `groupTypes`: `Unified`, `DynamicMembership`.
    pub group_types: Vec<String>,
    pub membership_rule: Option<String>,
    /// `membershipRuleProcessingState`: `On` or `Paused`.
    pub membership_rule_processing_state: Option<String>,
    pub visibility: Option<String>,
}

/// `PATCH /groups/{id}`: only the properties present change.
#[derive(Debug, Clone, Default)]
pub struct GroupPatch {
    pub display_name: Option<String>,
    pub description: Option<Option<String>>,
    pub membership_rule: Option<String>,
    pub membership_rule_processing_state: Option<String>,
    pub visibility: Option<String>,
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

/// Members of a dynamic group come from its rule: adding or removing one by hand is refused.
fn refuse_dynamic(group: &Group) -> Result<(), GraphError> {
    if group.kind.dynamic.is_some() {
        return Err(GraphError::bad_request("The members of a group with dynamic membership come from its membershipRule: they cannot be added or removed by hand."));
    }
    Ok(())
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
                .groups_of_id(caller.tenant(), user)
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
            .clone()
            .filter(|d| !d.trim().is_empty())
            .ok_or_else(|| missing("displayName"))?;
        let nickname = new
            .mail_nickname
            .clone()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| missing("mailNickname"))?;
        let mail_enabled = new.mail_enabled.ok_or_else(|| missing("mailEnabled"))?;
        let security_enabled = new
            .security_enabled
            .ok_or_else(|| missing("securityEnabled"))?;
        let kind = new_group_kind(&new, mail_enabled)?;
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
            description: new.description.clone(),
            mail_nickname: Some(nickname),
            proxy_addresses: mail.iter().cloned().map(ProxyAddress::primary).collect(),
            mail,
            mail_enabled,
            security_enabled,
            created_at: self.now(),
            kind,
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
}

impl App {
    /// `PATCH /groups/{id}`: names, visibility and a dynamic group's rule and processing state.
    /// Pausing freezes the members the rule matches now; resuming lets the rule decide again.
    pub async fn graph_update_group(
        &self,
        caller: &Caller,
        id: &str,
        patch: GroupPatch,
    ) -> Result<Group, GraphError> {
        let mut group = self.group_for(caller, Operation::UpdateGroup, id).await?;
        let processing = patch_group(&mut group, patch)?;
        let mut writes = vec![Write::UpdateGroup(group.clone())];
        match processing {
            Some(true) => {
                let rule = group.kind.dynamic.as_ref().map(|d| d.rule.as_str());
                let members = match rule.map(portico_model::membership_rule::MembershipRule::parse)
                {
                    Some(Ok(rule)) => self.rule_matches(caller.tenant(), &rule).await?,
                    _ => Vec::new(),
                };
                writes.push(Write::SetGroupMembers {
                    group: group.id,
                    members,
                });
            }
            Some(false) => writes.push(Write::SetGroupMembers {
                group: group.id,
                members: Vec::new(),
            }),
            None => {}
        }
        writes.push(self.directory_audit(
            caller,
            "GroupManagement",
            "Update group",
            "Group",
            group.id,
            &group.display_name,
        ));
        match self.store().apply(caller.tenant(), writes).await {
            Err(StoreError::NotFound) => Err(GraphError::NotFound(id.to_owned())),
            other => other.map_err(|e| conflict(e, "members")),
        }?;
        Ok(group)
    }
}

impl App {
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
        let ids = self.member_ids(caller.tenant(), &group).await?;
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
        refuse_dynamic(&group)?;
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
        refuse_dynamic(&group)?;
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
