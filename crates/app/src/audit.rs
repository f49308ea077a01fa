//! Audit records for directory changes, committed with the change they describe.

use crate::tokens::AccessTokenClaims;
use crate::App;
use portico_model::logs::{Actor, AuditRecord, AuditTarget};
use portico_model::ObjectId;
use portico_store::Write;

impl App {
    /// One audit row for a change made by `caller`, to include in the change's `apply`.
    pub fn audit_record(
        &self,
        caller: &AccessTokenClaims,
        category: &str,
        activity: &str,
        target: &str,
    ) -> Write {
        let initiated_by = if caller.app_only {
            Actor::App {
                id: caller.oid,
                display_name: caller
                    .raw
                    .get("app_displayname")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
            }
        } else {
            Actor::User {
                id: caller.oid,
                user_principal_name: caller
                    .raw
                    .get("preferred_username")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
            }
        };
        Write::Audit(AuditRecord {
            id: ObjectId::from_uuid(uuid::Uuid::new_v4()),
            activity_at: self.now(),
            category: category.to_owned(),
            activity: activity.to_owned(),
            initiated_by,
            targets: vec![AuditTarget {
                id: target.to_owned(),
                kind: "Policy".to_owned(),
                display_name: Some(target.to_owned()),
            }],
            success: true,
            correlation_id: None,
        })
    }
}

impl App {
    /// One audit row for something a user did for themselves at sign-in (registering an
    /// authenticator, accepting terms of use): the user is both actor and target.
    pub(crate) fn self_service_audit(
        &self,
        user: &portico_model::user::User,
        category: &str,
        activity: &str,
        target: AuditTarget,
    ) -> Write {
        Write::Audit(AuditRecord {
            id: ObjectId::from_uuid(uuid::Uuid::new_v4()),
            activity_at: self.now(),
            category: category.to_owned(),
            activity: activity.to_owned(),
            initiated_by: Actor::User {
                id: user.id,
                user_principal_name: user.user_principal_name.to_string(),
            },
            targets: vec![target],
            success: true,
            correlation_id: None,
        })
    }
}
