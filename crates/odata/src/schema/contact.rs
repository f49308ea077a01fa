//! `orgContact` (GET /contacts).

use super::shorthand::{A, D};
use super::{Entity, FilterSupport, Kind, Property, SearchMode};

pub static ORG_CONTACT: Entity = Entity {
    name: "orgContact",
    resource: "OrgContact",
    type_name: "microsoft.graph.orgContact",
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
        Property::new("displayName", Kind::String)
            .filter(FilterSupport {
                eq: D,
                range: D,
                in_list: D,
                starts_with: D,
                null: A,
                ..FilterSupport::NONE
            })
            .order_by(A)
            .search(SearchMode::Tokenized)
            .default_select(),
        Property::new("mail", Kind::String)
            .filter(FilterSupport {
                eq: D,
                range: D,
                in_list: D,
                starts_with: D,
                ends_with: A,
                null: A,
                ..FilterSupport::NONE
            })
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
        Property::new("createdDateTime", Kind::DateTime)
            .order_by(A)
            .default_select(),
    ],
};
