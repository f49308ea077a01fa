//! Users: members, guests and synced accounts.

use crate::{EmailAddress, ObjectId, ProxyAddress, Upn};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserType {
    Member,
    Guest,
}

/// How the account came to be; `None` on a user object means a regular account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreationType {
    Invitation,
    LocalAccount,
    EmailVerified,
    SelfServiceSignUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExternalUserState {
    PendingAcceptance,
    Accepted,
}

/// One way of signing in to the account (Graph `objectIdentity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectIdentity {
    pub sign_in_type: String,
    pub issuer: String,
    pub issuer_assigned_id: String,
}

/// A registered MFA method. Registrations belong to the tenant where they were made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum MfaMethod {
    /// RFC 6238 TOTP: SHA-1, 6 digits, 30-second steps.
    Totp {
        id: ObjectId,
        /// The base32 secret sealed with the master key (`sealed:…`, bound to the tenant and
        /// user); plain base32 in rows written before sealing, sealed on the next check.
        secret_base32: String,
        registered_at: DateTime<Utc>,
        /// The last 30-second step accepted, as recorded before the store claimed steps
        /// (`Write::ClaimTotpStep`); still honoured, no longer written.
        #[serde(default)]
        last_used_step: Option<u64>,
    },
}

/// One administrator-set profile value (`jobTitle`, `businessPhones`, `employeeHireDate` …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileValue {
    Text(String),
    Texts(Vec<String>),
    Time(DateTime<Utc>),
}

/// The profile values an administrator set, by Graph property name (the names and their columns
/// are `portico_odata::USER`'s profile rows). An absent name is Graph's default (`null`, `[]`).
pub type UserProfile = std::collections::BTreeMap<String, ProfileValue>;

/// Graph `signInActivity`: the last interactive, non-interactive and successful sign-in, each
/// with the request id of its sign-in log row. Maintained by the store when it writes a user's
/// sign-in row, in the same transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInActivity {
    pub last_sign_in: Option<(DateTime<Utc>, String)>,
    pub last_non_interactive_sign_in: Option<(DateTime<Utc>, String)>,
    pub last_successful_sign_in: Option<(DateTime<Utc>, String)>,
}

/// A user object in one tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: ObjectId,
    pub user_principal_name: Upn,
    pub display_name: String,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub mail: Option<EmailAddress>,
    pub other_mails: Vec<EmailAddress>,
    pub proxy_addresses: Vec<ProxyAddress>,
    pub user_type: UserType,
    pub creation_type: Option<CreationType>,
    pub external_user_state: Option<ExternalUserState>,
    pub external_user_state_changed_at: Option<DateTime<Utc>>,
    pub identities: Vec<ObjectIdentity>,
    pub account_enabled: bool,
    /// Exchange's `HiddenFromAddressListsEnabled`; Graph `showInAddressList` is its negation.
    pub hidden_from_address_lists: bool,
    pub on_premises_sync_enabled: bool,
    /// Argon2id PHC string; `None` for accounts that cannot sign in with a password here (guests).
    pub password_hash: Option<String>,
    pub mfa_methods: Vec<MfaMethod>,
    pub created_at: DateTime<Utc>,
    pub profile: UserProfile,
    /// Boxed: rarely read, and it would double the size of every enum holding a user.
    pub sign_in_activity: Box<SignInActivity>,
    /// Graph `signInSessionsValidFromDateTime`: refresh tokens and sessions issued before it no
    /// longer work. Moved by the store with every revocation of the user's tokens.
    #[serde(default)]
    pub sign_in_sessions_valid_from: Option<DateTime<Utc>>,
    /// Graph `deletedDateTime`: set only on a user read from the deleted items.
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
}

impl User {
    /// A cloud member with the given sign-in name; everything else empty or default.
    pub fn member(id: ObjectId, upn: Upn, display_name: String, created_at: DateTime<Utc>) -> Self {
        Self {
            id,
            user_principal_name: upn,
            display_name,
            given_name: None,
            surname: None,
            mail: None,
            other_mails: Vec::new(),
            proxy_addresses: Vec::new(),
            user_type: UserType::Member,
            creation_type: None,
            external_user_state: None,
            external_user_state_changed_at: None,
            identities: Vec::new(),
            account_enabled: true,
            hidden_from_address_lists: false,
            on_premises_sync_enabled: false,
            password_hash: None,
            mfa_methods: Vec::new(),
            created_at,
            profile: UserProfile::new(),
            sign_in_activity: Box::default(),
            sign_in_sessions_valid_from: None,
            deleted_at: None,
        }
    }

    /// Every address the account answers to: UPN (when it is an address), mail, otherMails and
    /// proxy addresses. Used to decide whether two invited addresses are the same home account.
    pub fn addresses(&self) -> Vec<EmailAddress> {
        let mut all: Vec<EmailAddress> = Vec::new();
        let candidates = self
            .user_principal_name
            .as_email()
            .into_iter()
            .chain(self.mail.clone())
            .chain(self.other_mails.iter().cloned())
            .chain(self.proxy_addresses.iter().map(|p| p.address.clone()));
        for address in candidates {
            if !all.contains(&address) {
                all.push(address);
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn addresses_are_deduplicated_case_insensitively() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let id = ObjectId::parse("00000000-0000-4000-8000-000000000001").unwrap();
        let mut user = User::member(
            id,
            Upn::parse("user1@adatum.com").unwrap(),
            "User 1".into(),
            now,
        );
        user.mail = Some(EmailAddress::parse("User1@adatum.com").unwrap());
        user.proxy_addresses = vec![
            ProxyAddress::parse("SMTP:user1@adatum.com").unwrap(),
            ProxyAddress::parse("smtp:user1_tokyo@adatum.com").unwrap(),
        ];
        let addresses: Vec<String> = user.addresses().iter().map(|a| a.normalized()).collect();
        assert_eq!(addresses, ["user1@adatum.com", "user1_tokyo@adatum.com"]);
    }
}
