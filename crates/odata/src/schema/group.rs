//! `group` (GET /groups).

use super::shorthand::{A, D};
use super::{Entity, FilterSupport, Kind, Property, SearchMode};

const NAME_FILTER: FilterSupport = FilterSupport {
    eq: D,
    range: D,
    in_list: D,
    starts_with: D,
    null: A,
    ..FilterSupport::NONE
};

const FLAG_FILTER: FilterSupport = FilterSupport {
    eq: D,
    in_list: D,
    ..FilterSupport::NONE
};

pub static GROUP: Entity = Entity {
    name: "group",
    resource: "Group",
    type_name: "microsoft.graph.group",
    default_top: 100,
    max_top: 999,
    advanced_queries: true,
    properties: &[
        Property::new("id", Kind::Guid)
            .filter(FLAG_FILTER)
            .default_select(),
        Property::new("displayName", Kind::String)
            .filter(NAME_FILTER)
            .order_by(D)
            .search(SearchMode::Tokenized)
            .default_select(),
        Property::new("description", Kind::String)
            .filter(NAME_FILTER)
            .search(SearchMode::Tokenized)
            .default_select(),
        Property::new("mail", Kind::String)
            .filter(FilterSupport {
                ends_with: A,
                ..NAME_FILTER
            })
            .search(SearchMode::Prefix)
            .default_select(),
        Property::new("mailEnabled", Kind::Bool)
            .filter(FLAG_FILTER)
            .default_select(),
        Property::new("securityEnabled", Kind::Bool)
            .filter(FLAG_FILTER)
            .default_select(),
        Property::new("mailNickname", Kind::String)
            .filter(NAME_FILTER)
            .search(SearchMode::Prefix)
            .default_select(),
        Property::new("proxyAddresses", Kind::StringCollection)
            .filter(FilterSupport {
                eq: D,
                range: D,
                starts_with: D,
                ends_with: A,
                count: A,
                ..FilterSupport::NONE
            })
            .default_select(),
        // Graph's documented example of an unindexed property: any filter on it is refused.
        Property::new("createdDateTime", Kind::DateTime).default_select(),
        // Selectable, not filterable in Portico (Graph filters `groupTypes/any(…)`).
        Property::new("groupTypes", Kind::StringCollection).default_select(),
        Property::new("membershipRule", Kind::String).default_select(),
        Property::new("membershipRuleProcessingState", Kind::String).default_select(),
        Property::new("visibility", Kind::String).default_select(),
    ],
};
