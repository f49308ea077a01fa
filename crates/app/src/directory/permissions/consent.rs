//! Consent for delegated scopes. Portico shows no consent prompt: a user consents implicitly to
//! the scopes any user may consent to, and every other scope the table names needs admin
//! consent, as in Entra — the signed-in user is an administrator who may grant it, or the
//! application's registration lists it (its configured permissions count as consented by an
//! administrator of the tenant).

use super::Operation;
use portico_model::role::DirectoryRole;

/// The Graph scopes a user may consent to for themselves.
pub const USER_CONSENTABLE_SCOPES: &[&str] = &["User.Read", "User.ReadWrite", "User.ReadBasic.All"];

/// Roles that may grant tenant-wide admin consent (Entra's Privileged Role Administrator and
/// Cloud Application Administrator are not modelled).
pub const ADMIN_CONSENT_ROLES: &[DirectoryRole] = &[DirectoryRole::GlobalAdministrator];

/// Whether a delegated scope needs admin consent: every scope of the table that a user may not
/// consent to. Scopes Portico does not know grant nothing at its Graph and are left alone.
pub fn needs_admin_consent(scope: &str) -> bool {
    if USER_CONSENTABLE_SCOPES.contains(&scope) {
        return false;
    }
    Operation::ALL.iter().any(|op| {
        let rule = op.rule();
        rule.delegated.contains(&scope) || rule.own.contains(&scope)
    })
}

#[cfg(test)]
mod tests {
    use super::needs_admin_consent;

    #[test]
    fn high_privilege_scopes_need_admin_consent() {
        for scope in [
            "Group.ReadWrite.All",
            "User.ReadWrite.All",
            "Directory.ReadWrite.All",
            "Directory.AccessAsUser.All",
            "Policy.ReadWrite.ConditionalAccess",
            "Policy.ReadWrite.CrossTenantAccess",
            "AuditLog.Read.All",
            "User.Read.All",
        ] {
            assert!(needs_admin_consent(scope), "{scope}");
        }
        for scope in [
            "User.Read",
            "User.ReadWrite",
            "User.ReadBasic.All",
            "Mail.Read",
        ] {
            assert!(!needs_admin_consent(scope), "{scope}");
        }
    }
}
