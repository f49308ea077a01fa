//! What each Graph entity lets a query touch: its properties, their types, which `$filter`
//! operators each supports (and whether only in an advanced query), which sort, which `$search`
//! reaches, and which come back without `$select`.
//!
//! A property that is not in an entity's table does not exist for queries: it cannot be filtered,
//! sorted, searched or selected. Sensitive fields (password hashes, MFA secrets) are therefore
//! simply absent, and every listed property is selectable.
//!
//! The tables follow Graph's documentation (`concepts/aad-advanced-queries.md` and the resource
//! pages), summarised in `docs/entra-contract.md` §2.

mod contact;
mod directory_audit;
mod group;
mod sign_in;
mod user;

pub use contact::ORG_CONTACT;
pub use directory_audit::{AUDIT_RESULTS, DIRECTORY_AUDIT};
pub use group::GROUP;
pub use sign_in::{CROSS_TENANT_ACCESS_TYPES, SIGN_IN, SIGN_IN_BETA, SIGN_IN_USER_TYPES};
pub use user::{
    AGE_GROUPS, CONSENT_FOR_MINOR, CREATION_TYPES, EXTERNAL_USER_STATES, USER, USER_TYPES,
};

/// A property's type, as far as queries care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Bool,
    /// A 32-bit integer (`status/errorCode`).
    Int,
    Guid,
    DateTime,
    /// A collection of strings (`otherMails`, `proxyAddresses`): filtered with `any` and `/$count`.
    StringCollection,
    /// A string with a known set of values, compared case-insensitively. A literal that matches a
    /// value in another letter case is stored in the value's canonical spelling; other literals
    /// are kept as written (they match nothing).
    Enum(&'static [&'static str]),
    /// A complex value (`signInActivity`), named by its OData type: `microsoft.graph.…`.
    Complex(&'static str),
    /// A collection of complex values (`identities`), named by the element's OData type.
    ComplexCollection(&'static str),
}

impl Kind {
    /// The OData type name, as used in type-mismatch messages.
    pub(crate) fn edm_name(self) -> &'static str {
        match self {
            Kind::String | Kind::Enum(_) | Kind::Guid => "Edm.String",
            Kind::Bool => "Edm.Boolean",
            Kind::Int => "Edm.Int32",
            Kind::DateTime => "Edm.DateTimeOffset",
            Kind::StringCollection => "Collection(Edm.String)",
            Kind::Complex(name) | Kind::ComplexCollection(name) => name,
        }
    }

    /// The type as Graph's metadata declares it: `Edm.String`, `microsoft.graph.signInActivity`,
    /// `Collection(microsoft.graph.objectIdentity)`. Enums and ids are strings in Graph's user.
    pub fn odata_type(self) -> String {
        match self {
            Kind::ComplexCollection(name) => format!("Collection({name})"),
            other => other.edm_name().to_owned(),
        }
    }
}

/// Where Portico keeps a property, for the store's column map and the PATCH path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Not kept: served as Graph's default for an object without it (`null`, `[]`).
    No,
    /// A model field of its own, in this column of the entity's table.
    Field(&'static str),
    /// An administrator-set profile value in this column, kept generically by name (text, a
    /// string collection as JSON, or a time).
    Profile(&'static str),
}

/// Whether a query feature works on a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Refused: `Request_UnsupportedQuery`.
    No,
    /// Works in every request.
    Default,
    /// Works only in advanced queries (`ConsistencyLevel: eventual` and `$count=true`).
    Advanced,
}

impl Support {
    pub fn is_supported(self) -> bool {
        self != Support::No
    }
}

/// `$filter` support per operator. `ne` and `not` are not listed: Graph supports them wherever
/// `eq` (or `eq null`) works, always as advanced queries. For a collection, `eq`, `range`, `in`,
/// `starts_with` and `ends_with` describe the element conditions inside `any(…)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterSupport {
    pub eq: Support,
    /// `ge` and `le`; Portico also accepts `gt` and `lt` wherever these work.
    pub range: Support,
    pub in_list: Support,
    pub starts_with: Support,
    pub ends_with: Support,
    /// `eq null` (and, as advanced, `ne null`).
    pub null: Support,
    /// `collection/$count op n`.
    pub count: Support,
}

impl FilterSupport {
    /// Not filterable at all.
    pub const NONE: FilterSupport = FilterSupport {
        eq: Support::No,
        range: Support::No,
        in_list: Support::No,
        starts_with: Support::No,
        ends_with: Support::No,
        null: Support::No,
        count: Support::No,
    };
}

/// How `$search` matches a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchMode {
    /// Not searchable.
    No,
    /// The value starts with the term (case-insensitive): `mail`, `userPrincipalName`.
    Prefix,
    /// Some word of the value starts with each word of the term (case-insensitive), words being
    /// split as [`crate::search_tokens`] splits them: `displayName`, `description`.
    Tokenized,
}

/// One property of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Property {
    /// Graph's camelCase name; queries may spell it in any letter case.
    pub name: &'static str,
    pub kind: Kind,
    pub filter: FilterSupport,
    pub order_by: Support,
    pub search: SearchMode,
    /// Returned when the request has no `$select`. Other properties are "$select-only".
    pub in_default_select: bool,
    /// For a collection of objects (`targetResources`): the one member its elements are compared
    /// by, written `t/id` inside `any(t: …)`. The checked tree names the collection
    /// `targetResources/id`.
    pub element_member: Option<&'static str>,
    /// For a collection of objects filtered by several members (`identities`): the members an
    /// `any(c: c/issuer eq … and c/issuerAssignedId eq …)` may compare, and those it must.
    pub members: &'static [&'static str],
    pub required_members: &'static [&'static str],
    /// Whether `$select` may name it. Filter-only paths into a complex value
    /// (`signInActivity/lastSignInDateTime`) are not selectable.
    pub selectable: bool,
    /// Whether Graph's metadata allows `null` (`Nullable="false"` otherwise).
    pub nullable: bool,
    /// Whether an administrator may set it with `PATCH` (and `POST`).
    pub patchable: bool,
    /// Longest text a `PATCH` may set (Graph's documented limit).
    pub max_length: Option<usize>,
    pub stored: Stored,
}

impl Property {
    /// A property that can only be selected; the builder methods below add query support.
    pub const fn new(name: &'static str, kind: Kind) -> Property {
        Property {
            name,
            kind,
            filter: FilterSupport::NONE,
            order_by: Support::No,
            search: SearchMode::No,
            in_default_select: false,
            element_member: None,
            members: &[],
            required_members: &[],
            selectable: true,
            nullable: true,
            patchable: false,
            max_length: None,
            stored: Stored::No,
        }
    }

    /// A path into a complex value that only `$filter` names (`signInActivity/lastSignInDateTime`).
    pub const fn filter_only(mut self) -> Property {
        self.selectable = false;
        self
    }

    /// `Nullable="false"` in Graph's metadata.
    pub const fn not_null(mut self) -> Property {
        self.nullable = false;
        self
    }

    /// Kept in a model field of its own, in `column`.
    pub const fn field(mut self, column: &'static str) -> Property {
        self.stored = Stored::Field(column);
        self
    }

    /// An administrator-set profile value kept in `column`, settable with `PATCH` up to
    /// `max_length` characters (for text).
    pub const fn profile(mut self, column: &'static str, max_length: Option<usize>) -> Property {
        self.stored = Stored::Profile(column);
        self.patchable = true;
        self.max_length = max_length;
        self
    }

    /// Settable with `PATCH` through its own use-case code (`displayName`, `accountEnabled` …).
    pub const fn patchable(mut self) -> Property {
        self.patchable = true;
        self
    }

    /// Filtered by `any` over several members of its elements.
    pub const fn members(
        mut self,
        members: &'static [&'static str],
        required: &'static [&'static str],
    ) -> Property {
        self.members = members;
        self.required_members = required;
        self
    }

    pub const fn filter(mut self, filter: FilterSupport) -> Property {
        self.filter = filter;
        self
    }

    pub const fn order_by(mut self, support: Support) -> Property {
        self.order_by = support;
        self
    }

    pub const fn search(mut self, mode: SearchMode) -> Property {
        self.search = mode;
        self
    }

    pub const fn default_select(mut self) -> Property {
        self.in_default_select = true;
        self
    }

    /// A collection of objects whose elements are compared by `member`.
    pub const fn element_member(mut self, member: &'static str) -> Property {
        self.element_member = Some(member);
        self
    }

    /// A collection a filter reaches with `any` or `/$count`.
    pub fn is_collection(&self) -> bool {
        self.kind == Kind::StringCollection || !self.members.is_empty()
    }

    /// The column a stored property lives in.
    pub fn column(&self) -> Option<&'static str> {
        match self.stored {
            Stored::Field(column) | Stored::Profile(column) => Some(column),
            Stored::No => None,
        }
    }
}

/// A Graph entity set's query surface. Property names may be paths into complex values
/// (`status/errorCode`, `initiatedBy/user/id`): filters name them with their slashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entity {
    /// The entity's name: `user`, `group`, `orgContact`.
    pub name: &'static str,
    /// The name Graph's filter errors give it: `User`, `Group`, `OrgContact`.
    pub resource: &'static str,
    /// The OData type: `microsoft.graph.user`.
    pub type_name: &'static str,
    pub properties: &'static [Property],
    /// Page size without `$top`.
    pub default_top: u32,
    /// Largest `$top` accepted.
    pub max_top: u32,
    /// Whether Graph's advanced-query rule applies (directory objects). The log APIs have no such
    /// rule: every operator a property lists works in every request, `ne` and `not` included.
    pub advanced_queries: bool,
}

impl Entity {
    /// The property with this name in any letter case.
    pub fn property(&self, name: &str) -> Option<&'static Property> {
        self.properties
            .iter()
            .find(|property| property.name.eq_ignore_ascii_case(name))
    }

    /// A property `$select` may name, in any letter case.
    pub fn selectable(&self, name: &str) -> Option<&'static Property> {
        self.property(name).filter(|property| property.selectable)
    }

    /// The properties returned without `$select`, in table order.
    pub fn default_select(&self) -> Vec<&'static str> {
        self.properties
            .iter()
            .filter(|property| property.in_default_select)
            .map(|property| property.name)
            .collect()
    }
}

/// Shorthand for the tables: `D` works by default, `A` only in advanced queries, `N` not at all.
mod shorthand {
    use super::Support;
    pub const D: Support = Support::Default;
    pub const A: Support = Support::Advanced;
    pub const N: Support = Support::No;
}
