//! `ODataError`: the two Graph error codes a query can earn, with Graph's own messages where they
//! are known (`docs/entra-contract.md` §2) and OData-library wording elsewhere.

/// A query the service refuses; both variants are HTTP 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ODataError {
    /// Graph code `Request_BadRequest`: malformed syntax, unknown names, values of the wrong type,
    /// limits exceeded.
    #[error("{0}")]
    BadRequest(String),
    /// Graph code `Request_UnsupportedQuery`: well-formed, but not a query Graph answers (an
    /// operator a property does not support, or an advanced query without its parameters).
    #[error("{0}")]
    UnsupportedQuery(String),
}

impl ODataError {
    /// The Graph error code: `Request_BadRequest` or `Request_UnsupportedQuery`.
    pub fn code(&self) -> &'static str {
        match self {
            ODataError::BadRequest(_) => "Request_BadRequest",
            ODataError::UnsupportedQuery(_) => "Request_UnsupportedQuery",
        }
    }

    /// The message for the error body.
    pub fn message(&self) -> &str {
        match self {
            ODataError::BadRequest(message) | ODataError::UnsupportedQuery(message) => message,
        }
    }
}

/// Graph's answer to `GET /users/$count` without `ConsistencyLevel: eventual`.
pub const COUNT_NOT_SUPPORTED: &str = "$count is not currently supported.";

/// Graph's answer to `$search` without `ConsistencyLevel: eventual`.
pub const SEARCH_NEEDS_HEADER: &str = "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'";

/// Graph's answer to `$orderby` that the property or the query shape does not allow.
pub const SORTING_NOT_SUPPORTED: &str = "Sorting not supported for current query.";

/// Graph's answer to `$skip` on directory collections.
pub const SKIP_NOT_SUPPORTED: &str = "'$skip' is not supported by the service.";

pub(crate) fn unknown_property(type_name: &str, property: &str) -> ODataError {
    ODataError::BadRequest(format!(
        "Could not find a property named '{property}' on type '{type_name}'."
    ))
}

pub(crate) fn unsupported_clause(resource: &str, property: &str) -> ODataError {
    ODataError::UnsupportedQuery(format!(
        "Unsupported or invalid query filter clause specified for property '{property}' of resource '{resource}'."
    ))
}

/// Graph's message when an operator (`ne`, `not`, `endsWith`, …) needs advanced query parameters.
pub(crate) fn operator_needs_advanced(operator: &str) -> String {
    format!(
        "Operator '{operator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information"
    )
}

pub(crate) fn page_size(value: &str, max: u32) -> ODataError {
    ODataError::BadRequest(format!(
        "Invalid page size specified: '{}'. Must be between 1 and {max} inclusive.",
        excerpt(value)
    ))
}

/// A syntax error, pointing at a character position (0-based) in the option's text.
pub(crate) fn syntax(option: &str, text: &str, position: usize, detail: &str) -> ODataError {
    ODataError::BadRequest(format!(
        "Syntax error at position {position} in {option} '{}': {detail}",
        excerpt(text)
    ))
}

pub(crate) fn too_long(option: &str, limit: usize) -> ODataError {
    ODataError::BadRequest(format!(
        "The {option} query option is too long: at most {limit} characters are allowed."
    ))
}

/// The text as quoted in a message, shortened so a huge input does not make a huge error body.
pub(crate) fn excerpt(text: &str) -> String {
    const SHOWN: usize = 100;
    if text.chars().count() <= SHOWN {
        text.to_owned()
    } else {
        let mut shown: String = text.chars().take(SHOWN).collect();
        shown.push('…');
        shown
    }
}
