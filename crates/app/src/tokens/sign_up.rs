//! Self-service sign-up, for tenants that allow it (the personal-accounts tenant of the demo
//! world): an address in one of the tenant's domains that has no account yet can create one
//! during sign-in.

use crate::App;
use chrono::{DateTime, Utc};
use portico_model::tenant::Tenant;
use portico_model::user::{CreationType, User};
use portico_model::{EmailAddress, ProxyAddress, Upn};
use portico_store::{StoreError, Write};

/// Entra's password rule: 8 to 256 characters, with three of lower case, upper case, digits and
/// symbols.
fn password_problem(password: &str) -> Option<&'static str> {
    let length = password.chars().count();
    if !(8..=256).contains(&length) {
        return Some("The password must be 8 to 256 characters long.");
    }
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if classes.iter().filter(|present| **present).count() < 3 {
        return Some("The password must contain three of: lower-case letters, upper-case letters, digits and symbols.");
    }
    None
}

impl App {
    /// Whether an unknown `login` may create an account in `tenant`.
    pub(crate) async fn offers_sign_up(
        &self,
        tenant: &Tenant,
        login: &str,
    ) -> Result<bool, StoreError> {
        let Ok(address) = EmailAddress::parse(login) else {
            return Ok(false);
        };
        if !tenant.owns_domain(&address.domain()) {
            return Ok(false);
        }
        Ok(self
            .store()
            .get_settings(tenant.id)
            .await?
            .collaboration
            .self_service_sign_up)
    }

    /// Builds the new account and the writes that create it; `Err(problem)` explains what to fix.
    pub(crate) async fn sign_up(
        &self,
        tenant: &Tenant,
        email: &str,
        display_name: &str,
        password: String,
        now: DateTime<Utc>,
    ) -> Result<Result<(User, Vec<Write>), String>, crate::AppError> {
        if display_name.is_empty() || display_name.chars().count() > 256 {
            return Ok(Err("Enter your name (at most 256 characters).".into()));
        }
        if let Some(problem) = password_problem(&password) {
            return Ok(Err(problem.into()));
        }
        let (Ok(address), Ok(upn)) = (EmailAddress::parse(email), Upn::parse(email)) else {
            return Ok(Err("That is not a valid e-mail address.".into()));
        };
        if !self
            .store()
            .list_users_by_address(tenant.id, &address)
            .await?
            .is_empty()
        {
            return Ok(Err(
                "An account with this address already exists; sign in instead.".into(),
            ));
        }
        let hash = tokio::task::spawn_blocking(move || crate::secrets::hash_password(&password))
            .await
            .map_err(|e| crate::AppError::Task(e.to_string()))??;
        let mut user = User::member(self.random().object_id(), upn, display_name.to_owned(), now);
        user.mail = Some(address.clone());
        user.proxy_addresses = vec![ProxyAddress::primary(address)];
        user.creation_type = Some(CreationType::SelfServiceSignUp);
        user.password_hash = Some(hash);
        let audit = self.self_service_audit(
            &user,
            "UserManagement",
            "Self-service sign-up",
            crate::audit::user_target(&user),
        );
        Ok(Ok((user.clone(), vec![Write::InsertUser(user), audit])))
    }
}

#[cfg(test)]
mod tests {
    use super::password_problem;

    #[test]
    fn password_rule() {
        assert!(password_problem("Portico-dev-1").is_none());
        assert!(password_problem("short1A").is_some());
        assert!(password_problem("alllowercase1").is_some());
        assert!(password_problem("NoDigitsOrSymbols").is_some());
        assert!(password_problem("Has Space1").is_none());
    }
}
