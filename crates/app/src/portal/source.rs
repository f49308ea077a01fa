//! A user's Source, as the Entra admin center shows it (seed 001): where the account signs in.
//! It follows from the invitation state, the identity the guest redeemed with and on-premises
//! sync — never from `userType`, so converting Member ↔ Guest leaves it unchanged (S18).

use portico_model::user::{ExternalUserState, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSource {
    /// Invited, not yet redeemed.
    InvitedUser,
    /// Redeemed with an account of another Entra (Portico) tenant (state 1).
    ExternalAzureActiveDirectory,
    /// Redeemed with a personal Microsoft account (state 2).
    MicrosoftAccount,
    /// Redeemed with a one-time passcode sent by e-mail.
    EmailOneTimePasscode,
    /// Redeemed at an external identity provider the tenant federates with.
    Federated,
    /// Synced from on-premises Active Directory (state 3).
    WindowsServerAd,
    /// An account of this tenant with its own credentials (state 4).
    AzureActiveDirectory,
}

impl UserSource {
    pub const ALL: &'static [UserSource] = &[
        Self::InvitedUser,
        Self::ExternalAzureActiveDirectory,
        Self::MicrosoftAccount,
        Self::EmailOneTimePasscode,
        Self::Federated,
        Self::WindowsServerAd,
        Self::AzureActiveDirectory,
    ];

    pub fn of(user: &User) -> Self {
        if user.on_premises_sync_enabled {
            return Self::WindowsServerAd;
        }
        match user.external_user_state {
            Some(ExternalUserState::PendingAcceptance) => Self::InvitedUser,
            Some(ExternalUserState::Accepted) => {
                match user.identities.first().map(|i| i.issuer.as_str()) {
                    Some("ExternalAzureAD") => Self::ExternalAzureActiveDirectory,
                    Some("MicrosoftAccount") => Self::MicrosoftAccount,
                    Some("mail") => Self::EmailOneTimePasscode,
                    _ => Self::Federated,
                }
            }
            None => Self::AzureActiveDirectory,
        }
    }

    /// The admin center's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::InvitedUser => "Invited user",
            Self::ExternalAzureActiveDirectory => "External Azure Active Directory",
            Self::MicrosoftAccount => "Microsoft account",
            Self::EmailOneTimePasscode => "Email one-time passcode",
            Self::Federated => "Federated identity provider",
            Self::WindowsServerAd => "Windows Server AD",
            Self::AzureActiveDirectory => "Azure Active Directory",
        }
    }

    /// A stable name for forms and links.
    pub fn key(self) -> &'static str {
        match self {
            Self::InvitedUser => "invitedUser",
            Self::ExternalAzureActiveDirectory => "externalAzureAD",
            Self::MicrosoftAccount => "microsoftAccount",
            Self::EmailOneTimePasscode => "emailOneTimePasscode",
            Self::Federated => "federated",
            Self::WindowsServerAd => "windowsServerAD",
            Self::AzureActiveDirectory => "azureAD",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.key() == key)
    }

    /// The part of the rule the store can filter on (the rest is checked on each row).
    pub(super) fn store_filter(self) -> Option<&'static str> {
        match self {
            Self::InvitedUser => Some("externalUserState eq 'PendingAcceptance'"),
            Self::WindowsServerAd => Some("onPremisesSyncEnabled eq true"),
            Self::ExternalAzureActiveDirectory
            | Self::MicrosoftAccount
            | Self::EmailOneTimePasscode
            | Self::Federated => Some("externalUserState eq 'Accepted'"),
            Self::AzureActiveDirectory => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UserSource;
    use portico_model::user::{ExternalUserState, ObjectIdentity, User, UserType};
    use portico_model::{ObjectId, Upn};

    fn user() -> User {
        let upn = Upn::parse("a_fabrikam.com#EXT#@contoso.onmicrosoft.com").expect("upn");
        User::member(
            ObjectId::from_uuid(uuid::Uuid::nil()),
            upn,
            "A".into(),
            chrono::DateTime::UNIX_EPOCH,
        )
    }

    #[test]
    fn source_follows_redemption_not_user_type() {
        let mut guest = user();
        assert_eq!(UserSource::of(&guest), UserSource::AzureActiveDirectory);
        guest.user_type = UserType::Guest;
        guest.external_user_state = Some(ExternalUserState::PendingAcceptance);
        assert_eq!(UserSource::of(&guest), UserSource::InvitedUser);
        guest.external_user_state = Some(ExternalUserState::Accepted);
        for (issuer, source) in [
            ("ExternalAzureAD", UserSource::ExternalAzureActiveDirectory),
            ("MicrosoftAccount", UserSource::MicrosoftAccount),
            ("mail", UserSource::EmailOneTimePasscode),
            ("https://idp.example", UserSource::Federated),
        ] {
            guest.identities = vec![ObjectIdentity {
                sign_in_type: "federated".into(),
                issuer: issuer.into(),
                issuer_assigned_id: "x".into(),
            }];
            assert_eq!(UserSource::of(&guest), source);
            guest.user_type = UserType::Member;
            assert_eq!(
                UserSource::of(&guest),
                source,
                "conversion keeps the source"
            );
            guest.user_type = UserType::Guest;
        }
        guest.on_premises_sync_enabled = true;
        assert_eq!(UserSource::of(&guest), UserSource::WindowsServerAd);
        for source in UserSource::ALL {
            assert_eq!(UserSource::from_key(source.key()), Some(*source));
        }
    }
}
