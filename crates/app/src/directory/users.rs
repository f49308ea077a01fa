//! Users through Graph: read, create, update (including `userType` conversion), delete.

use super::access::{Caller, GraphError};
use super::permissions::{Operation, Reach, Target};
use super::user_profile::{apply_profile, PatchValue};
use crate::App;
use portico_model::user::{User, UserType};
use portico_model::{EmailAddress, ObjectId, ProxyAddress, Upn};
use portico_store::{Conflict, StoreError, UserChanges, Write};

/// `POST /users`.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub account_enabled: Option<bool>,
    pub display_name: Option<String>,
    pub mail_nickname: Option<String>,
    pub user_principal_name: Option<String>,
    pub password: Option<String>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub mail: Option<String>,
    pub user_type: Option<String>,
    /// Profile properties (`jobTitle` …) by the name the body gave them.
    pub profile: Vec<(String, PatchValue)>,
}

/// `PATCH /users/{id}`: only the properties present change.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub given_name: Option<Option<String>>,
    pub surname: Option<Option<String>>,
    pub mail: Option<Option<String>>,
    pub other_mails: Option<Vec<String>>,
    pub account_enabled: Option<bool>,
    pub user_type: Option<String>,
    /// `passwordProfile.password`: an administrator's reset.
    pub password: Option<String>,
    /// Profile properties (`jobTitle` …) by the name the body gave them.
    pub profile: Vec<(String, PatchValue)>,
}

fn invalid_value(property: &str) -> GraphError {
    GraphError::bad_request(format!(
        "Invalid value specified for property '{property}' of resource 'User'."
    ))
}

fn parse_user_type(text: &str) -> Result<UserType, GraphError> {
    match text {
        t if t.eq_ignore_ascii_case("Member") => Ok(UserType::Member),
        t if t.eq_ignore_ascii_case("Guest") => Ok(UserType::Guest),
        _ => Err(invalid_value("userType")),
    }
}

fn conflict(error: StoreError) -> GraphError {
    match error {
        StoreError::Conflict(Conflict::UserPrincipalName(_)) => GraphError::bad_request("Another object with the same value for property userPrincipalName already exists."),
        StoreError::Conflict(Conflict::ProxyAddress(address)) => GraphError::with_reason(
            "proxyAddressConflict",
            format!("Another object with the same value for property proxyAddresses already exists: {address} belongs to another user, group or contact."),
        ),
        other => other.into(),
    }
}

impl UserPatch {
    /// Whether it changes a sensitive property (Entra's "who can perform sensitive actions").
    fn is_sensitive(&self) -> bool {
        self.account_enabled.is_some()
            || self.user_type.is_some()
            || self.mail.is_some()
            || self.other_mails.is_some()
            || self.password.is_some()
    }
}

impl App {
    /// The permission table's check of a change to user `id`: a sensitive change needs a role
    /// that may manage every role the user holds.
    pub(crate) async fn require_user_change(
        &self,
        caller: &Caller,
        op: Operation,
        id: ObjectId,
        sensitive: bool,
    ) -> Result<(), GraphError> {
        let roles = self.roles_of(caller.tenant(), id).await?;
        let target = Target::User {
            id,
            roles: &roles,
            sensitive,
        };
        caller.require_target(op, target)
    }

    /// A user by object id or UPN, and whether the caller sees only the limited guest view.
    pub async fn graph_get_user(
        &self,
        caller: &Caller,
        key: &str,
    ) -> Result<(User, bool), GraphError> {
        let not_found = || GraphError::NotFound(key.to_owned());
        let user = match ObjectId::parse(key) {
            Ok(id) => self
                .store()
                .get_user(caller.tenant(), id)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound => not_found(),
                    other => other.into(),
                })?,
            Err(_) => {
                let upn = Upn::parse(key).map_err(|_| not_found())?;
                self.store()
                    .find_user_by_upn(caller.tenant(), &upn)
                    .await?
                    .ok_or_else(not_found)?
            }
        };
        let target = Target::User {
            id: user.id,
            roles: &[],
            sensitive: false,
        };
        caller.require_target(Operation::GetUser, target)?;
        let limited = caller.user_id() != Some(user.id)
            && caller.reach(Operation::GetUser) == Some(Reach::LimitedGuest);
        Ok((user, limited))
    }

    /// `GET /users/{id}` and `/me` with `$select`: the user, whether the caller sees only the
    /// limited guest view, and the permission signInActivity needs when the selection names it.
    pub async fn graph_read_user(
        &self,
        caller: &Caller,
        key: &str,
        select: Option<&[&str]>,
    ) -> Result<(User, bool), GraphError> {
        let read = self.graph_get_user(caller, key).await?;
        require_sign_in_activity(caller, select, None)?;
        Ok(read)
    }

    pub async fn graph_create_user(
        &self,
        caller: &Caller,
        new: NewUser,
    ) -> Result<User, GraphError> {
        caller.require(Operation::CreateUser)?;
        let missing = |name: &str| {
            GraphError::bad_request(format!(
                "Property '{name}' is required when creating the entity."
            ))
        };
        let display_name = new
            .display_name
            .filter(|d| !d.trim().is_empty())
            .ok_or_else(|| missing("displayName"))?;
        let upn_text = new
            .user_principal_name
            .ok_or_else(|| missing("userPrincipalName"))?;
        let nickname = new
            .mail_nickname
            .filter(|n| !n.is_empty())
            .ok_or_else(|| missing("mailNickname"))?;
        let account_enabled = new
            .account_enabled
            .ok_or_else(|| missing("accountEnabled"))?;
        let password = new.password.ok_or_else(|| missing("passwordProfile"))?;
        let upn = Upn::parse(&upn_text).map_err(|_| invalid_value("userPrincipalName"))?;
        let tenant = self
            .store()
            .find_tenant(caller.tenant())
            .await?
            .ok_or_else(|| GraphError::Internal("tenant vanished".into()))?;
        if upn.is_external() || !tenant.owns_domain(&upn.domain()) {
            return Err(GraphError::bad_request("The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization."));
        }
        let hash = tokio::task::spawn_blocking(move || crate::secrets::hash_password(&password))
            .await
            .map_err(|e| GraphError::Internal(e.to_string()))?
            .map_err(|e| GraphError::Internal(e.to_string()))?;
        let mut user = User::member(self.random().object_id(), upn, display_name, self.now());
        user.account_enabled = account_enabled;
        let mut profile = new.profile;
        profile.push(("mailNickname".to_owned(), PatchValue::Text(nickname)));
        apply_profile(&mut user.profile, profile)?;
        user.given_name = new.given_name;
        user.surname = new.surname;
        user.password_hash = Some(hash);
        if let Some(kind) = new.user_type.as_deref() {
            user.user_type = parse_user_type(kind)?;
        }
        let mail = match new.mail.as_deref() {
            Some(mail) => Some(EmailAddress::parse(mail).map_err(|_| invalid_value("mail"))?),
            None => user.user_principal_name.as_email(),
        };
        user.proxy_addresses = mail.iter().cloned().map(ProxyAddress::primary).collect();
        user.mail = mail;
        let audit = self.directory_audit(
            caller,
            "UserManagement",
            "Add user",
            "User",
            user.id,
            &user.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::InsertUser(user.clone()), audit],
            )
            .await
            .map_err(conflict)?;
        Ok(user)
    }

    pub async fn graph_update_user(
        &self,
        caller: &Caller,
        key: &str,
        patch: UserPatch,
    ) -> Result<(), GraphError> {
        let (mut user, _) = self.graph_get_user(caller, key).await?;
        self.require_user_change(caller, Operation::UpdateUser, user.id, patch.is_sensitive())
            .await?;
        let read = user.clone();
        let mut writes = Vec::new();
        let mut patch = patch;
        patch_names(&mut user, &mut patch)?;
        apply_profile(&mut user.profile, patch.profile)?;
        let mut revoke = false;
        if let Some(enabled) = patch.account_enabled {
            revoke |= !enabled && user.account_enabled;
            user.account_enabled = enabled;
        }
        let mut activity = "Update user";
        if let Some(password) = patch.password {
            // A guest's password is kept by their home organisation, which is also where their
            // risk is remediated.
            if self.is_homed_elsewhere(caller.tenant(), &user).await? {
                return Err(GraphError::bad_request(format!("User '{}' is a guest from another organization: their password is kept by their home organization and can only be reset there.", user.id)));
            }
            super::passwords::check_password_strength(&password)?;
            user.password_hash = Some(super::passwords::hash_password(password).await?);
            writes.extend(
                self.risk_remediation(caller.tenant(), user.id, "adminGeneratedTemporaryPassword")
                    .await?,
            );
            revoke = true;
            activity = "Reset user password";
        }
        if revoke {
            writes.push(Write::RevokeUserTokens {
                user_id: user.id,
                at: self.now(),
            });
        }
        let audit = self.directory_audit(
            caller,
            "UserManagement",
            activity,
            "User",
            user.id,
            &user.display_name,
        );
        // Only what this request changed: a concurrent change to another property is kept.
        let changes = UserChanges::between(&read, &user);
        writes.insert(
            0,
            Write::PatchUser {
                id: user.id,
                changes,
            },
        );
        writes.push(audit);
        self.store()
            .apply(caller.tenant(), writes)
            .await
            .map_err(conflict)
    }

    pub async fn graph_delete_user(&self, caller: &Caller, key: &str) -> Result<(), GraphError> {
        caller.require(Operation::DeleteUser)?;
        let (user, _) = self.graph_get_user(caller, key).await?;
        self.require_user_change(caller, Operation::DeleteUser, user.id, true)
            .await?;
        let audit = self.directory_audit(
            caller,
            "UserManagement",
            "Delete user",
            "User",
            user.id,
            &user.display_name,
        );
        let writes = vec![
            Write::RevokeUserTokens {
                user_id: user.id,
                at: self.now(),
            },
            // Graph's delete is soft: restorable from /directory/deletedItems for 30 days.
            Write::SoftDeleteUser {
                id: user.id,
                at: self.now(),
            },
            audit,
        ];
        self.store()
            .apply(caller.tenant(), writes)
            .await
            .map_err(conflict)
    }
}

/// Graph serves `signInActivity` (selected, or filtered by its paths) only with the audit-log
/// permission, as the sign-in logs themselves.
pub(crate) fn require_sign_in_activity(
    caller: &Caller,
    select: Option<&[&str]>,
    filter: Option<&portico_odata::Expr>,
) -> Result<(), GraphError> {
    let selected = select.is_some_and(|names| names.contains(&"signInActivity"));
    let filtered = filter.is_some_and(names_sign_in_activity);
    if selected || filtered {
        caller.require(Operation::ReadSignInActivity)?;
    }
    Ok(())
}

fn names_sign_in_activity(expr: &portico_odata::Expr) -> bool {
    use portico_odata::Expr;
    match expr {
        Expr::Compare { property, .. }
        | Expr::In { property, .. }
        | Expr::StartsWith { property, .. }
        | Expr::EndsWith { property, .. } => property.starts_with("signInActivity/"),
        Expr::Not(inner) => names_sign_in_activity(inner),
        Expr::And(left, right) | Expr::Or(left, right) => {
            names_sign_in_activity(left) || names_sign_in_activity(right)
        }
        Expr::Any { .. } | Expr::Count { .. } => false,
    }
}

/// Exchange's rule: the new mail becomes the primary `SMTP:` address and the old primary stays
/// as a secondary `smtp:` one. Clearing mail keeps the proxy addresses.
fn set_mail(user: &mut User, mail: Option<EmailAddress>) {
    if let Some(new) = &mail {
        for proxy in &mut user.proxy_addresses {
            proxy.primary = false;
        }
        match user.proxy_addresses.iter_mut().find(|p| p.address == *new) {
            Some(existing) => existing.primary = true,
            None => user
                .proxy_addresses
                .insert(0, ProxyAddress::primary(new.clone())),
        }
    }
    user.mail = mail;
}

/// The names, addresses and type a PATCH sets (taken from `patch`).
fn patch_names(user: &mut User, patch: &mut UserPatch) -> Result<(), GraphError> {
    if let Some(name) = patch.display_name.take() {
        if name.trim().is_empty() {
            return Err(invalid_value("displayName"));
        }
        user.display_name = name;
    }
    if let Some(given) = patch.given_name.take() {
        user.given_name = given;
    }
    if let Some(surname) = patch.surname.take() {
        user.surname = surname;
    }
    if let Some(mail) = patch.mail.take() {
        let mail = mail
            .map(|m| EmailAddress::parse(&m).map_err(|_| invalid_value("mail")))
            .transpose()?;
        set_mail(user, mail);
    }
    if let Some(others) = patch.other_mails.take() {
        if others.len() > 250 {
            return Err(invalid_value("otherMails"));
        }
        user.other_mails = others
            .iter()
            .map(|m| EmailAddress::parse(m).map_err(|_| invalid_value("otherMails")))
            .collect::<Result<_, _>>()?;
    }
    if let Some(kind) = patch.user_type.take() {
        user.user_type = parse_user_type(&kind)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_new_mail_becomes_primary_and_the_old_one_stays_secondary() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let mut user = User::member(
            ObjectId::parse("00000000-0000-4000-8000-000000000001").unwrap(),
            Upn::parse("a@contoso.com").unwrap(),
            "A".into(),
            now,
        );
        user.mail = Some(EmailAddress::parse("a@contoso.com").unwrap());
        user.proxy_addresses = vec![ProxyAddress::primary(
            EmailAddress::parse("a@contoso.com").unwrap(),
        )];
        set_mail(
            &mut user,
            Some(EmailAddress::parse("alias@contoso.com").unwrap()),
        );
        let proxies: Vec<String> = user
            .proxy_addresses
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(proxies, ["SMTP:alias@contoso.com", "smtp:a@contoso.com"]);
        set_mail(
            &mut user,
            Some(EmailAddress::parse("A@contoso.com").unwrap()),
        );
        let proxies: Vec<String> = user
            .proxy_addresses
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(proxies, ["smtp:alias@contoso.com", "SMTP:a@contoso.com"]);
    }
}
