//! Passwords through Graph: a user's own change (`/me/changePassword`) and Entra's complexity
//! rule. Either kind of change at home remediates the user's risk (`docs/decisions.md` 14).

use super::access::{Caller, GraphError};
use super::permissions::Operation;
use crate::App;
use portico_store::{UserChanges, Write};

/// Entra's rule for cloud accounts: 8 to 256 characters, three of four character classes.
pub(crate) fn check_password_strength(password: &str) -> Result<(), GraphError> {
    let length = password.chars().count();
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password
            .chars()
            .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
    ]
    .iter()
    .filter(|present| **present)
    .count();
    if (8..=256).contains(&length) && classes >= 3 {
        Ok(())
    } else {
        Err(GraphError::bad_request("The specified password does not comply with password complexity requirements. Please provide a different password: use 8 to 256 characters with three of lower-case letters, upper-case letters, digits and symbols."))
    }
}

/// Argon2id is CPU-heavy: hashing and checking run off the async executor.
pub(crate) async fn hash_password(password: String) -> Result<String, GraphError> {
    tokio::task::spawn_blocking(move || crate::secrets::hash_password(&password))
        .await
        .map_err(|e| GraphError::Internal(e.to_string()))?
        .map_err(|e| GraphError::Internal(e.to_string()))
}

async fn verify_password(password: String, hash: String) -> Result<bool, GraphError> {
    tokio::task::spawn_blocking(move || crate::secrets::verify_password(&password, &hash))
        .await
        .map_err(|e| GraphError::Internal(e.to_string()))
}

impl App {
    /// `POST /me/changePassword`: the signed-in user proves the current password. Signs the
    /// user out elsewhere (refresh tokens and sessions) and remediates their risk.
    pub async fn graph_change_password(
        &self,
        caller: &Caller,
        current: String,
        new: String,
    ) -> Result<(), GraphError> {
        caller.require(Operation::ChangeOwnPassword)?;
        let Some(user) = caller.user.clone() else {
            return Err(GraphError::bad_request(
                "/me request is only valid with delegated authentication flow.",
            ));
        };
        let tenant = caller.tenant();
        if self.is_homed_elsewhere(tenant, &user).await? {
            return Err(GraphError::bad_request("This account's password is kept by its home organization: change it there. A guest has no password in this organization."));
        }
        let Some(hash) = user.password_hash.clone() else {
            return Err(GraphError::bad_request(
                "This account has no password to change in this organization.",
            ));
        };
        if !verify_password(current, hash).await? {
            return Err(GraphError::bad_request("Invalid currentPassword. Send the password the user signs in with now as 'currentPassword'."));
        }
        check_password_strength(&new)?;
        let mut user = user;
        user.password_hash = Some(hash_password(new).await?);
        let mut writes = vec![Write::RevokeUserTokens {
            user_id: user.id,
            at: self.now(),
        }];
        writes.extend(
            self.risk_remediation(tenant, user.id, "userPerformedSecuredPasswordChange")
                .await?,
        );
        writes.push(self.directory_audit(
            caller,
            "UserManagement",
            "Change user password",
            "User",
            user.id,
            &user.display_name,
        ));
        let changes = UserChanges {
            password_hash: Some(user.password_hash.clone()),
            ..UserChanges::default()
        };
        writes.insert(
            0,
            Write::PatchUser {
                id: user.id,
                changes,
            },
        );
        Ok(self.store().apply(tenant, writes).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complexity_follows_entra() {
        assert!(check_password_strength("Portico-dev-1").is_ok());
        assert!(check_password_strength("Sh0rt!").is_err());
        assert!(check_password_strength("alllowercaseletters").is_err());
        assert!(check_password_strength("lower1234567").is_err());
        assert!(check_password_strength("Lower1234567").is_ok());
    }
}
