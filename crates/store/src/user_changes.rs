//! [`UserChanges`]: the properties of a user one write sets, for [`crate::Write::PatchUser`].
//!
//! A path that reads a user, does other work and then writes the whole row back would undo what
//! landed in between (an administrator disabling the account during a sign-in). A patch writes
//! only the properties the path changed, so concurrent changes to the others are kept.

use chrono::{DateTime, Utc};
use portico_model::user::UserType;
use portico_model::user::{
    CreationType, ExternalUserState, MfaMethod, ObjectIdentity, ProfileValue, User,
};
use portico_model::{EmailAddress, ProxyAddress, Upn};
use std::collections::BTreeMap;

/// Each `Some` property is set; `None` leaves the stored value as it is. For optional
/// properties, `Some(None)` clears the value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserChanges {
    pub user_principal_name: Option<Upn>,
    pub display_name: Option<String>,
    pub given_name: Option<Option<String>>,
    pub surname: Option<Option<String>>,
    pub mail: Option<Option<EmailAddress>>,
    pub other_mails: Option<Vec<EmailAddress>>,
    pub proxy_addresses: Option<Vec<ProxyAddress>>,
    pub user_type: Option<UserType>,
    pub creation_type: Option<Option<CreationType>>,
    pub external_user_state: Option<Option<ExternalUserState>>,
    pub external_user_state_changed_at: Option<Option<DateTime<Utc>>>,
    pub identities: Option<Vec<ObjectIdentity>>,
    pub account_enabled: Option<bool>,
    pub hidden_from_address_lists: Option<bool>,
    pub on_premises_sync_enabled: Option<bool>,
    pub password_hash: Option<Option<String>>,
    pub mfa_methods: Option<Vec<MfaMethod>>,
    /// Profile values by Graph name: `Some(value)` sets, `None` clears; absent names stay.
    pub profile: BTreeMap<String, Option<ProfileValue>>,
}

/// `Some(after)` when the property changed.
fn changed<T: PartialEq + Clone>(before: &T, after: &T) -> Option<T> {
    (before != after).then(|| after.clone())
}

/// The profile names whose values differ, with the value after (`None`: cleared).
fn profile_changes(before: &User, after: &User) -> BTreeMap<String, Option<ProfileValue>> {
    let names = before.profile.keys().chain(after.profile.keys());
    names
        .filter(|name| before.profile.get(*name) != after.profile.get(*name))
        .map(|name| (name.clone(), after.profile.get(name).cloned()))
        .collect()
}

impl UserChanges {
    /// The properties that differ between `before` (as read) and `after` (as the caller left
    /// it). The id and creation time never change.
    pub fn between(before: &User, after: &User) -> Self {
        Self {
            user_principal_name: changed(&before.user_principal_name, &after.user_principal_name),
            display_name: changed(&before.display_name, &after.display_name),
            given_name: changed(&before.given_name, &after.given_name),
            surname: changed(&before.surname, &after.surname),
            mail: changed(&before.mail, &after.mail),
            other_mails: changed(&before.other_mails, &after.other_mails),
            proxy_addresses: changed(&before.proxy_addresses, &after.proxy_addresses),
            user_type: changed(&before.user_type, &after.user_type),
            creation_type: changed(&before.creation_type, &after.creation_type),
            external_user_state: changed(&before.external_user_state, &after.external_user_state),
            external_user_state_changed_at: changed(
                &before.external_user_state_changed_at,
                &after.external_user_state_changed_at,
            ),
            identities: changed(&before.identities, &after.identities),
            account_enabled: changed(&before.account_enabled, &after.account_enabled),
            hidden_from_address_lists: changed(
                &before.hidden_from_address_lists,
                &after.hidden_from_address_lists,
            ),
            on_premises_sync_enabled: changed(
                &before.on_premises_sync_enabled,
                &after.on_premises_sync_enabled,
            ),
            password_hash: changed(&before.password_hash, &after.password_hash),
            mfa_methods: changed(&before.mfa_methods, &after.mfa_methods),
            profile: profile_changes(before, after),
        }
    }

    /// Only the MFA methods (a registration, or a TOTP's last used step).
    pub fn mfa_methods(methods: Vec<MfaMethod>) -> Self {
        Self {
            mfa_methods: Some(methods),
            ..Self::default()
        }
    }

    /// True when nothing would be set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}
