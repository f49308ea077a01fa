//! Audit records for directory changes, committed with the change they describe. Every audit
//! row is built here: by who (a Graph caller, or a user acting for themselves), what, and on what.

use crate::directory::Caller;
use crate::tokens::AccessTokenClaims;
use crate::App;
use portico_model::logs::{Actor, AuditRecord, AuditTarget};
use portico_model::user::User;
use portico_model::ObjectId;
use portico_store::Write;

fn claim(claims: &AccessTokenClaims, name: &str) -> String {
    claims
        .raw
        .get(name)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Who a token stands for: its app, or its user as the token names them.
fn actor_of_claims(claims: &AccessTokenClaims) -> Actor {
    if claims.app_only {
        Actor::App {
            id: claims.oid,
            display_name: claim(claims, "app_displayname"),
        }
    } else {
        Actor::User {
            id: claims.oid,
            user_principal_name: claim(claims, "preferred_username"),
        }
    }
}

fn actor_of_user(user: &User) -> Actor {
    Actor::User {
        id: user.id,
        user_principal_name: user.user_principal_name.to_string(),
    }
}

/// A user as an audit target.
pub(crate) fn user_target(user: &User) -> AuditTarget {
    AuditTarget {
        id: user.id.to_string(),
        kind: "User".into(),
        display_name: Some(user.display_name.clone()),
    }
}

impl App {
    fn audit(
        &self,
        initiated_by: Actor,
        category: &str,
        activity: &str,
        target: AuditTarget,
    ) -> Write {
        Write::Audit(AuditRecord {
            id: self.random().object_id(),
            activity_at: self.now(),
            category: category.to_owned(),
            activity: activity.to_owned(),
            initiated_by,
            targets: vec![target],
            success: true,
            correlation_id: None,
        })
    }

    /// One audit row for a policy change made by `caller`, to include in the change's `apply`.
    pub fn audit_record(
        &self,
        caller: &AccessTokenClaims,
        category: &str,
        activity: &str,
        target: &str,
    ) -> Write {
        let target = AuditTarget {
            id: target.to_owned(),
            kind: "Policy".to_owned(),
            display_name: Some(target.to_owned()),
        };
        self.audit(actor_of_claims(caller), category, activity, target)
    }

    /// An audit row for a change made through Graph; a delegated caller is named by their
    /// directory object.
    pub(crate) fn directory_audit(
        &self,
        caller: &Caller,
        category: &str,
        activity: &str,
        kind: &str,
        id: ObjectId,
        name: &str,
    ) -> Write {
        let initiated_by = match &caller.user {
            Some(user) => actor_of_user(user),
            None => actor_of_claims(&caller.claims),
        };
        let target = AuditTarget {
            id: id.to_string(),
            kind: kind.to_owned(),
            display_name: Some(name.to_owned()),
        };
        self.audit(initiated_by, category, activity, target)
    }

    /// One audit row for something a user did for themselves (signing up, redeeming, registering
    /// an authenticator, accepting terms of use).
    pub(crate) fn self_service_audit(
        &self,
        user: &User,
        category: &str,
        activity: &str,
        target: AuditTarget,
    ) -> Write {
        self.audit(actor_of_user(user), category, activity, target)
    }

    /// An audit row for a change made by Portico itself on an operator's command (`what`).
    pub(crate) fn system_audit(
        &self,
        what: &str,
        category: &str,
        activity: &str,
        target: AuditTarget,
    ) -> Write {
        let initiated_by = Actor::System { what: what.into() };
        self.audit(initiated_by, category, activity, target)
    }
}
