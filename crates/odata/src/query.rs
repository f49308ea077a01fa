//! All query options of one collection request, checked together under Graph's advanced-query
//! rule.
//!
//! An *advanced query* needs the header `ConsistencyLevel: eventual` **and** `$count=true`, except
//! that `$search` needs only the header. Advanced features: `ne`, `not`, `endsWith`, `/$count`,
//! `eq null`, operators a property supports only there, `in` lists over 15 values and `eq`
//! values over 120 characters (see [`crate::schema`]), `$orderby` on properties sortable only
//! there, and `$filter` together with `$orderby`. Without its parameters an advanced feature is
//! refused with Graph's message; `$count=true` without the header is silently ignored, as Graph
//! does (the response simply has no `@odata.count`).

use crate::ast::{Direction, Expr, Search};
use crate::error::{
    excerpt, page_size, too_long, unknown_property, ODataError, SEARCH_NEEDS_HEADER,
    SKIP_NOT_SUPPORTED, SORTING_NOT_SUPPORTED,
};
use crate::filter::parse_filter_checked;
use crate::limits::MAX_OPTION_LENGTH;
use crate::schema::{Entity, Support};
use crate::search::parse_search;

/// The raw, percent-decoded values of a request's query options. Build it with
/// [`RawQuery::from_pairs`] or fill the fields directly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawQuery {
    pub filter: Option<String>,
    pub select: Option<String>,
    pub top: Option<String>,
    pub orderby: Option<String>,
    pub count: Option<String>,
    pub search: Option<String>,
    pub skip: Option<String>,
    pub skip_token: Option<String>,
    /// Other `$`-prefixed options (`$expand`, `$format`, …): refused by [`parse_query`].
    pub unsupported: Vec<String>,
}

impl RawQuery {
    /// Sorts decoded `(name, value)` pairs into options. Names match in any letter case, with or
    /// without the `$` (as Graph accepts `filter=` for `$filter=`); names without `$` that are not
    /// query options are ignored. An option given twice is refused, as OData refuses it.
    pub fn from_pairs<N, V>(pairs: impl IntoIterator<Item = (N, V)>) -> Result<RawQuery, ODataError>
    where
        N: AsRef<str>,
        V: Into<String>,
    {
        let mut query = RawQuery::default();
        for (name, value) in pairs {
            let name = name.as_ref();
            let bare = name.strip_prefix('$').unwrap_or(name).to_ascii_lowercase();
            let slot = match bare.as_str() {
                "filter" => &mut query.filter,
                "select" => &mut query.select,
                "top" => &mut query.top,
                "orderby" => &mut query.orderby,
                "count" => &mut query.count,
                "search" => &mut query.search,
                "skip" => &mut query.skip,
                "skiptoken" => &mut query.skip_token,
                _ => {
                    if name.starts_with('$') {
                        query.unsupported.push(name.to_owned());
                    }
                    continue;
                }
            };
            if slot.is_some() {
                return Err(ODataError::BadRequest(format!(
                    "Query option '${bare}' was specified more than once, but it must be specified at most once."
                )));
            }
            *slot = Some(value.into());
        }
        Ok(query)
    }
}

/// The checked options of one collection request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryOptions {
    pub filter: Option<Expr>,
    /// Canonical names, in request order without repeats; `None` means the entity's default set
    /// ([`Entity::default_select`]).
    pub select: Option<Vec<&'static str>>,
    /// Page size: `$top`, or the entity's default.
    pub top: u32,
    pub order_by: Vec<(&'static str, Direction)>,
    /// Whether the response carries `@odata.count` (`$count=true` with the header).
    pub count: bool,
    pub search: Option<Search>,
    /// Whether an advanced feature was used (the results are then "eventually consistent").
    pub advanced: bool,
    /// `$skiptoken`, passed through untouched: paging tokens are the HTTP layer's business.
    pub skip_token: Option<String>,
}

/// Checks every option of a collection request to `entity`, applying Graph's advanced-query rule
/// given whether the request had the header `ConsistencyLevel: eventual`.
pub fn parse_query(
    entity: &Entity,
    params: &RawQuery,
    consistency_eventual: bool,
) -> Result<QueryOptions, ODataError> {
    if let Some(name) = params.unsupported.first() {
        return Err(ODataError::BadRequest(format!(
            "The query parameter '{name}' is not supported."
        )));
    }
    if params.skip.is_some() {
        return Err(ODataError::BadRequest(SKIP_NOT_SUPPORTED.to_owned()));
    }
    let count_requested = params
        .count
        .as_deref()
        .map(parse_count)
        .transpose()?
        .unwrap_or(false);
    let advanced_parameters = consistency_eventual && count_requested;
    let refuse_unless_advanced = |message: String| {
        if advanced_parameters {
            Ok(())
        } else {
            Err(ODataError::UnsupportedQuery(message))
        }
    };
    let mut advanced = count_requested && consistency_eventual;

    let filter = match params
        .filter
        .as_deref()
        .filter(|text| !text.trim().is_empty())
    {
        None => None,
        Some(text) => {
            let parsed = parse_filter_checked(entity, text)?;
            if let Some(reason) = parsed.advanced {
                refuse_unless_advanced(reason.message())?;
                advanced = true;
            }
            Some(parsed.expr)
        }
    };

    let order_by = match params.orderby.as_deref() {
        None => Vec::new(),
        Some(text) => parse_order_by(entity, text)?,
    };
    let sorts_advanced = order_by.iter().any(|(name, _)| {
        entity
            .property(name)
            .is_some_and(|property| property.order_by == Support::Advanced)
    });
    if entity.advanced_queries && (sorts_advanced || (filter.is_some() && !order_by.is_empty())) {
        refuse_unless_advanced(SORTING_NOT_SUPPORTED.to_owned())?;
        advanced = true;
    }

    let search = match params.search.as_deref() {
        None => None,
        Some(text) => {
            if !consistency_eventual {
                return Err(ODataError::UnsupportedQuery(SEARCH_NEEDS_HEADER.to_owned()));
            }
            advanced = true;
            Some(parse_search(entity, text)?)
        }
    };

    Ok(QueryOptions {
        filter,
        select: params
            .select
            .as_deref()
            .map(|text| parse_select(entity, text))
            .transpose()?,
        top: params
            .top
            .as_deref()
            .map_or(Ok(entity.default_top), |text| parse_top(entity, text))?,
        order_by,
        count: count_requested && consistency_eventual,
        search,
        advanced,
        skip_token: params.skip_token.clone(),
    })
}

/// The answer to the `/$count` path segment (`GET /users/$count`): it needs the header.
pub fn check_count_segment(consistency_eventual: bool) -> Result<(), ODataError> {
    if consistency_eventual {
        Ok(())
    } else {
        Err(ODataError::BadRequest(
            crate::error::COUNT_NOT_SUPPORTED.to_owned(),
        ))
    }
}

fn parse_count(text: &str) -> Result<bool, ODataError> {
    match text.trim() {
        value if value.eq_ignore_ascii_case("true") => Ok(true),
        value if value.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ODataError::BadRequest(format!(
            "Invalid value '{}' for $count: expected true or false.",
            excerpt(text)
        ))),
    }
}

fn parse_top(entity: &Entity, text: &str) -> Result<u32, ODataError> {
    match text.trim().parse::<u32>() {
        Ok(top) if (1..=entity.max_top).contains(&top) => Ok(top),
        _ => Err(page_size(text, entity.max_top)),
    }
}

/// `$select=a,b`: canonical names, without repeats; Graph's 400 for a name that is not a
/// selectable property. Collections and single reads (`GET /users/{id}`) check it alike.
pub fn parse_select(entity: &Entity, text: &str) -> Result<Vec<&'static str>, ODataError> {
    if text.len() > MAX_OPTION_LENGTH {
        return Err(too_long("$select", MAX_OPTION_LENGTH));
    }
    let mut names = Vec::new();
    for name in text.split(',').map(str::trim) {
        if name.is_empty() {
            return Err(ODataError::BadRequest(
                "$select has an empty property name.".to_owned(),
            ));
        }
        let property = entity
            .selectable(name)
            .ok_or_else(|| unknown_property(entity.type_name, name))?;
        if !names.contains(&property.name) {
            names.push(property.name);
        }
    }
    Ok(names)
}

/// `$orderby=displayName desc, userPrincipalName`.
fn parse_order_by(
    entity: &Entity,
    text: &str,
) -> Result<Vec<(&'static str, Direction)>, ODataError> {
    if text.len() > MAX_OPTION_LENGTH {
        return Err(too_long("$orderby", MAX_OPTION_LENGTH));
    }
    let mut keys: Vec<(&'static str, Direction)> = Vec::new();
    for item in text.split(',') {
        let mut words = item.split_whitespace();
        let (Some(name), direction, None) = (words.next(), words.next(), words.next()) else {
            return Err(ODataError::BadRequest(format!(
                "Invalid $orderby item '{}': expected a property name and optionally asc or desc.",
                excerpt(item.trim())
            )));
        };
        let direction = match direction {
            None => Direction::Ascending,
            Some(word) if word.eq_ignore_ascii_case("asc") => Direction::Ascending,
            Some(word) if word.eq_ignore_ascii_case("desc") => Direction::Descending,
            Some(word) => {
                return Err(ODataError::BadRequest(format!(
                    "Invalid $orderby direction '{}': expected asc or desc.",
                    excerpt(word)
                )))
            }
        };
        let property = entity
            .property(name)
            .ok_or_else(|| unknown_property(entity.type_name, name))?;
        if property.order_by == Support::No {
            return Err(ODataError::UnsupportedQuery(
                SORTING_NOT_SUPPORTED.to_owned(),
            ));
        }
        if keys.iter().any(|(existing, _)| *existing == property.name) {
            return Err(ODataError::BadRequest(format!(
                "Duplicate property named '{}' is not supported in '$orderby'.",
                property.name
            )));
        }
        keys.push((property.name, direction));
    }
    Ok(keys)
}
