//! `user` (GET /users): Graph's table for the properties Portico stores.

use super::shorthand::{A, D, N};
use super::{Entity, FilterSupport, Kind, Property, SearchMode};

/// `userType` values.
pub const USER_TYPES: &[&str] = &["Member", "Guest"];
/// `externalUserState` values (`null` for users who were not invited).
pub const EXTERNAL_USER_STATES: &[&str] = &["PendingAcceptance", "Accepted"];
/// `creationType` values (`null` for regular accounts).
pub const CREATION_TYPES: &[&str] = &[
    "Invitation",
    "LocalAccount",
    "EmailVerified",
    "SelfServiceSignUp",
];

/// A string property with Graph's usual indexed-name support: `eq`, `ge`/`le`, `in`, `startsWith`
/// by default, `eq null` in advanced queries.
const NAME_FILTER: FilterSupport = FilterSupport {
    eq: D,
    range: D,
    in_list: D,
    starts_with: D,
    null: A,
    ..FilterSupport::NONE
};

/// An address: a name filter plus `endsWith` in advanced queries.
const ADDRESS_FILTER: FilterSupport = FilterSupport {
    ends_with: A,
    ..NAME_FILTER
};

/// `eq` and `in` by default, `eq null` in advanced queries: enums and the state-change time.
const EQ_IN_FILTER: FilterSupport = FilterSupport {
    eq: D,
    in_list: D,
    null: A,
    ..FilterSupport::NONE
};

pub static USER: Entity = Entity {
    name: "user",
    resource: "User",
    type_name: "microsoft.graph.user",
    default_top: 100,
    max_top: 999,
    advanced_queries: true,
    properties: &[
        Property::new("id", Kind::Guid)
            .filter(FilterSupport {
                eq: D,
                in_list: D,
                ..FilterSupport::NONE
            })
            .default_select(),
        Property::new("userPrincipalName", Kind::String)
            .filter(FilterSupport {
                null: N,
                ..ADDRESS_FILTER
            })
            .order_by(D)
            .search(SearchMode::Prefix)
            .default_select(),
        Property::new("displayName", Kind::String)
            .filter(NAME_FILTER)
            .order_by(D)
            .search(SearchMode::Tokenized)
            .default_select(),
        Property::new("givenName", Kind::String)
            .filter(NAME_FILTER)
            .search(SearchMode::Prefix)
            .default_select(),
        Property::new("surname", Kind::String)
            .filter(NAME_FILTER)
            .search(SearchMode::Prefix)
            .default_select(),
        Property::new("mail", Kind::String)
            .filter(ADDRESS_FILTER)
            .search(SearchMode::Prefix)
            .default_select(),
        Property::new("otherMails", Kind::StringCollection).filter(FilterSupport {
            eq: D,
            range: D,
            in_list: D,
            starts_with: D,
            ends_with: A,
            count: A,
            ..FilterSupport::NONE
        }),
        Property::new("proxyAddresses", Kind::StringCollection).filter(FilterSupport {
            eq: D,
            range: D,
            starts_with: D,
            ends_with: A,
            count: A,
            ..FilterSupport::NONE
        }),
        Property::new("userType", Kind::Enum(USER_TYPES)).filter(EQ_IN_FILTER),
        Property::new("externalUserState", Kind::Enum(EXTERNAL_USER_STATES)).filter(EQ_IN_FILTER),
        Property::new("externalUserStateChangeDateTime", Kind::DateTime).filter(EQ_IN_FILTER),
        Property::new("creationType", Kind::Enum(CREATION_TYPES)).filter(EQ_IN_FILTER),
        Property::new("accountEnabled", Kind::Bool).filter(FilterSupport {
            eq: D,
            range: A,
            in_list: D,
            ..FilterSupport::NONE
        }),
        Property::new("createdDateTime", Kind::DateTime)
            .filter(FilterSupport {
                eq: D,
                range: D,
                in_list: A,
                ..FilterSupport::NONE
            })
            .order_by(A),
        Property::new("showInAddressList", Kind::Bool).filter(FilterSupport {
            eq: A,
            range: A,
            in_list: A,
            ..FilterSupport::NONE
        }),
        Property::new("onPremisesSyncEnabled", Kind::Bool).filter(FilterSupport {
            eq: D,
            range: A,
            in_list: D,
            ..FilterSupport::NONE
        }),
    ],
};
