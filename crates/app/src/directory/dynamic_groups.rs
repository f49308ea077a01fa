//! Membership of dynamic groups (`groupTypes: ["DynamicMembership"]`). While processing is `On`
//! the members are whoever the rule matches now — evaluated at every read, so a user's change or
//! a rule's change shows at once (Entra takes minutes; Portico has no backlog to wait for). While
//! `Paused` they are the members stored when processing stopped. Every reader of membership
//! (members lists, the sign-in facts that CA policies and app assignment see, restricted guests'
//! group reads) goes through these two functions.

use crate::App;
use portico_model::group::Group;
use portico_model::membership_rule::MembershipRule;
use portico_model::user::User;
use portico_model::{ObjectId, TenantId};
use portico_store::{Page, StoreError};

/// Users read per page while a rule is evaluated over the tenant.
const PAGE: u32 = 500;

/// The rule of a group whose processing is on (`None` for any other group). A stored rule was
/// checked when it was set; one that no longer parses matches nobody.
fn live_rule(group: &Group) -> Option<Option<MembershipRule>> {
    match &group.kind.dynamic {
        Some(dynamic) if !dynamic.paused => Some(MembershipRule::parse(&dynamic.rule).ok()),
        _ => None,
    }
}

impl App {
    /// The groups `user` is a direct member of: assigned, frozen and matched by a live rule.
    pub(crate) async fn groups_of(
        &self,
        tenant: TenantId,
        user: &User,
    ) -> Result<Vec<ObjectId>, StoreError> {
        let mut groups = self.store().list_groups_of(tenant, user.id).await?;
        for group in self.store().list_dynamic_groups(tenant).await? {
            if let Some(Some(rule)) = live_rule(&group) {
                if rule.matches(user) && !groups.contains(&group.id) {
                    groups.push(group.id);
                }
            }
        }
        groups.sort();
        Ok(groups)
    }

    /// [`App::groups_of`] by id (a group or a missing user has only stored memberships).
    pub(crate) async fn groups_of_id(
        &self,
        tenant: TenantId,
        member: ObjectId,
    ) -> Result<Vec<ObjectId>, StoreError> {
        match self.store().get_user(tenant, member).await {
            Ok(user) => self.groups_of(tenant, &user).await,
            Err(StoreError::NotFound) => self.store().list_groups_of(tenant, member).await,
            Err(other) => Err(other),
        }
    }

    /// A group's direct members: the rule's matches for a live dynamic group, else the stored ones.
    pub(crate) async fn member_ids(
        &self,
        tenant: TenantId,
        group: &Group,
    ) -> Result<Vec<ObjectId>, StoreError> {
        match live_rule(group) {
            Some(Some(rule)) => self.rule_matches(tenant, &rule).await,
            Some(None) => Ok(Vec::new()),
            None => self.store().list_group_members(tenant, group.id).await,
        }
    }

    /// Every user of the tenant the rule matches, in id order.
    pub(crate) async fn rule_matches(
        &self,
        tenant: TenantId,
        rule: &MembershipRule,
    ) -> Result<Vec<ObjectId>, StoreError> {
        let mut members = Vec::new();
        let mut after = None;
        loop {
            let users = self
                .store()
                .list_users(tenant, Page { after, limit: PAGE })
                .await?;
            members.extend(users.iter().filter(|u| rule.matches(u)).map(|u| u.id));
            match users.last() {
                Some(last) if users.len() == PAGE as usize => after = Some(last.id),
                _ => return Ok(members),
            }
        }
    }
}
