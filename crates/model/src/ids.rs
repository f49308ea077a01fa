//! GUID identifiers. Each kind is its own type so a tenant id can never be passed where an object
//! id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// A string that is not a GUID in the `8-4-4-4-12` form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a GUID (expected the form 00000000-0000-0000-0000-000000000000)")]
pub struct IdError(pub String);

macro_rules! guid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            pub fn as_uuid(&self) -> &Uuid {
                &self.0
            }
            /// Parses the hyphenated GUID form only, as Graph accepts it in paths.
            pub fn parse(text: &str) -> Result<Self, IdError> {
                let trimmed = text.trim();
                if trimmed.len() != 36 {
                    return Err(IdError(text.to_owned()));
                }
                Uuid::parse_str(trimmed).map(Self).map_err(|_| IdError(text.to_owned()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(text: &str) -> Result<Self, IdError> {
                Self::parse(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(text: String) -> Result<Self, IdError> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.to_string()
            }
        }
    };
}

guid_id!(
    /// A tenant (directory) id.
    TenantId
);
guid_id!(
    /// The id of a directory object (user, group, contact, application, invitation, policy …),
    /// unique within its tenant. Always used together with its `TenantId`.
    ObjectId
);
guid_id!(
    /// An application's client id (`appId`), distinct from its object id.
    ClientId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hyphenated_guids_only() {
        let id = TenantId::parse("11111111-1111-4111-8111-111111111111").unwrap();
        assert_eq!(id.to_string(), "11111111-1111-4111-8111-111111111111");
        assert!(TenantId::parse("11111111111141118111111111111111").is_err());
        assert!(TenantId::parse("not-a-guid").is_err());
        assert!(ObjectId::parse("").is_err());
        assert!(ClientId::parse("11111111-1111-4111-8111-11111111111g").is_err());
    }

    #[test]
    fn upper_case_guids_are_normalised() {
        let id = ObjectId::parse("ABCDEF01-1111-4111-8111-111111111111").unwrap();
        assert_eq!(id.to_string(), "abcdef01-1111-4111-8111-111111111111");
    }

    #[test]
    fn serde_rejects_invalid_ids() {
        let ok: TenantId =
            serde_json::from_str("\"22222222-2222-4222-8222-222222222222\"").unwrap();
        assert_eq!(ok.to_string(), "22222222-2222-4222-8222-222222222222");
        assert!(serde_json::from_str::<TenantId>("\"nope\"").is_err());
    }
}
