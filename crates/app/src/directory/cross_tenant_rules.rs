//! What a cross-tenant B2B setting (or tenant restriction) must satisfy before it is stored:
//! targets of the right kind in the right half, and halves that do not contradict each other
//! (Entra: "blocking all users requires blocking all apps; allowing users requires at least one
//! allowed app"). Pure: the use cases call these after merging a request onto the stored value.

use super::access::GraphError;
use portico_model::cross_tenant::{
    AccessType, B2bSetting, Target, TargetType, Targets, ALL_APPLICATIONS, ALL_USERS,
};
use portico_model::ObjectId;

/// Keywords Graph accepts for applications besides app ids.
const APP_KEYWORDS: [&str; 3] = [ALL_APPLICATIONS, "AllMicrosoftApps", "Office365"];

fn invalid(message: String) -> GraphError {
    GraphError::with_reason("invalidTargetConfiguration", message)
}

fn conflicting(message: String) -> GraphError {
    GraphError::with_reason("conflictingTargetConfiguration", message)
}

fn is_guid(target: &Target) -> bool {
    ObjectId::parse(&target.target).is_ok()
}

fn type_name(target_type: TargetType) -> &'static str {
    match target_type {
        TargetType::User => "user",
        TargetType::Group => "group",
        TargetType::Application => "application",
    }
}

/// Checks one whole setting; `property` names it in messages (e.g. `b2bCollaborationInbound`).
pub(super) fn check_setting(property: &str, setting: &B2bSetting) -> Result<(), GraphError> {
    check_users(
        &format!("{property}.usersAndGroups"),
        &setting.users_and_groups,
    )?;
    check_applications(&format!("{property}.applications"), &setting.applications)?;
    check_consistent(property, setting)
}

fn check_users(at: &str, targets: &Targets) -> Result<(), GraphError> {
    if targets.targets.is_empty() {
        return Err(invalid(format!("{at} lists no targets. Name users or groups by object id, or use AllUsers with targetType user.")));
    }
    for t in &targets.targets {
        let name = &t.target;
        if t.target_type == TargetType::Application {
            return Err(invalid(format!("{at} takes targets of type user or group, but '{name}' has targetType application. Put applications under applications.")));
        }
        if APP_KEYWORDS.contains(&name.as_str()) {
            return Err(invalid(format!("{name} names applications: put it under applications with targetType application, not in {at}.")));
        }
        if name == ALL_USERS {
            if t.target_type != TargetType::User {
                return Err(invalid(format!(
                    "AllUsers in {at} must have targetType user, not {}.",
                    type_name(t.target_type)
                )));
            }
        } else if !is_guid(t) {
            return Err(invalid(format!("'{name}' in {at} is not an object id. Give the object id (a GUID) of a user or group, or AllUsers with targetType user.")));
        }
    }
    Ok(())
}

fn check_applications(at: &str, targets: &Targets) -> Result<(), GraphError> {
    if targets.targets.is_empty() {
        return Err(invalid(format!("{at} lists no targets. Name applications by appId, or use AllApplications with targetType application.")));
    }
    for t in &targets.targets {
        let name = &t.target;
        if name == ALL_USERS {
            return Err(invalid(format!("AllUsers names users: put it under usersAndGroups with targetType user, not in {at}.")));
        }
        if t.target_type != TargetType::Application {
            return Err(invalid(format!(
                "{at} takes targets of type application, but '{name}' has targetType {}. Put users and groups under usersAndGroups.",
                type_name(t.target_type)
            )));
        }
        if !APP_KEYWORDS.contains(&name.as_str()) && !is_guid(t) {
            return Err(invalid(format!("'{name}' in {at} is not an application. Give an appId (a GUID), AllApplications, AllMicrosoftApps or Office365.")));
        }
    }
    Ok(())
}

fn names(targets: &Targets, keyword: &str) -> bool {
    targets.targets.iter().any(|t| t.target == keyword)
}

fn check_consistent(property: &str, setting: &B2bSetting) -> Result<(), GraphError> {
    let users = &setting.users_and_groups;
    let apps = &setting.applications;
    let all_users_blocked = users.access_type == AccessType::Blocked && names(users, ALL_USERS);
    let all_apps_blocked = apps.access_type == AccessType::Blocked && names(apps, ALL_APPLICATIONS);
    if all_users_blocked && !all_apps_blocked {
        return Err(conflicting(format!("{property} blocks all users (AllUsers) but not all applications. Blocking every user blocks every application too: set applications to accessType blocked with the target AllApplications, or allow some users.")));
    }
    if users.access_type == AccessType::Allowed && all_apps_blocked {
        return Err(conflicting(format!("{property} allows users but blocks all applications, so the allowed users could use nothing. Allow at least one application (e.g. accessType allowed with AllApplications), or block all users as well.")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(name: &str, target_type: TargetType) -> Target {
        Target {
            target: name.into(),
            target_type,
        }
    }

    fn reason(result: Result<(), GraphError>) -> &'static str {
        match result {
            Err(GraphError::BadRequest {
                reason: Some(reason),
                ..
            }) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    const GROUP: &str = "6f546279-4da5-4b53-a095-09ea0cef9971";

    #[test]
    fn service_defaults_pass() {
        assert!(check_setting("x", &B2bSetting::allow_all()).is_ok());
        assert!(check_setting("x", &B2bSetting::block_all()).is_ok());
    }

    #[test]
    fn blocking_all_users_needs_all_applications_blocked() {
        let mut setting = B2bSetting::block_all();
        setting.applications.access_type = AccessType::Allowed;
        assert_eq!(
            reason(check_setting("x", &setting)),
            "conflictingTargetConfiguration"
        );
        setting.applications = Targets {
            access_type: AccessType::Blocked,
            targets: vec![target("Office365", TargetType::Application)],
        };
        assert_eq!(
            reason(check_setting("x", &setting)),
            "conflictingTargetConfiguration"
        );
    }

    #[test]
    fn allowing_users_needs_an_allowed_application() {
        let mut setting = B2bSetting::allow_all();
        setting.applications = Targets::all(
            AccessType::Blocked,
            ALL_APPLICATIONS,
            TargetType::Application,
        );
        assert_eq!(
            reason(check_setting("x", &setting)),
            "conflictingTargetConfiguration"
        );
        // Blocking only some apps leaves the others allowed.
        setting.applications = Targets {
            access_type: AccessType::Blocked,
            targets: vec![target("Office365", TargetType::Application)],
        };
        assert!(check_setting("x", &setting).is_ok());
        // Blocking some users while all apps are blocked is Graph's own example.
        let example = B2bSetting {
            users_and_groups: Targets {
                access_type: AccessType::Blocked,
                targets: vec![target(GROUP, TargetType::Group)],
            },
            applications: Targets::all(
                AccessType::Blocked,
                ALL_APPLICATIONS,
                TargetType::Application,
            ),
        };
        assert!(check_setting("x", &example).is_ok());
    }

    #[test]
    fn targets_match_their_half_and_keyword() {
        let mut setting = B2bSetting::allow_all();
        setting.users_and_groups.targets = vec![target(GROUP, TargetType::Application)];
        assert_eq!(
            reason(check_setting("x", &setting)),
            "invalidTargetConfiguration"
        );
        setting.users_and_groups.targets = vec![target(ALL_USERS, TargetType::Group)];
        assert_eq!(
            reason(check_setting("x", &setting)),
            "invalidTargetConfiguration"
        );
        setting.users_and_groups.targets = vec![target(ALL_APPLICATIONS, TargetType::User)];
        assert_eq!(
            reason(check_setting("x", &setting)),
            "invalidTargetConfiguration"
        );
        setting.users_and_groups.targets = vec![target("not-a-guid", TargetType::User)];
        assert_eq!(
            reason(check_setting("x", &setting)),
            "invalidTargetConfiguration"
        );
        setting.users_and_groups.targets = vec![];
        assert_eq!(
            reason(check_setting("x", &setting)),
            "invalidTargetConfiguration"
        );
        let mut setting = B2bSetting::allow_all();
        setting.applications.targets = vec![target(ALL_APPLICATIONS, TargetType::User)];
        assert_eq!(
            reason(check_setting("x", &setting)),
            "invalidTargetConfiguration"
        );
        setting.applications.targets = vec![target(ALL_USERS, TargetType::Application)];
        assert_eq!(
            reason(check_setting("x", &setting)),
            "invalidTargetConfiguration"
        );
        setting.applications.targets = vec![target(GROUP, TargetType::Application)];
        assert!(check_setting("x", &setting).is_ok());
    }
}
