//! Graph's advanced-query rule: `ne`, `not`, `endsWith`, `$count`, `eq null`, `$orderby` on some
//! properties and `$filter` with `$orderby` need `ConsistencyLevel: eventual` and `$count=true`;
//! `$search` needs only the header; `eq`, `in`, `startsWith`, `ge`, `le` work without either.

use portico_odata::{
    check_count_segment, parse_query, ODataError, QueryOptions, RawQuery, COUNT_NOT_SUPPORTED,
    SEARCH_NEEDS_HEADER, SORTING_NOT_SUPPORTED, USER,
};

/// How the request is sent: with the header, with `$count=true`.
#[derive(Debug, Clone, Copy)]
struct Sent {
    header: bool,
    count: bool,
}

const PLAIN: Sent = Sent {
    header: false,
    count: false,
};
const HEADER_ONLY: Sent = Sent {
    header: true,
    count: false,
};
const COUNT_ONLY: Sent = Sent {
    header: false,
    count: true,
};
const ADVANCED: Sent = Sent {
    header: true,
    count: true,
};
const ALL_WAYS: [Sent; 4] = [PLAIN, HEADER_ONLY, COUNT_ONLY, ADVANCED];

fn run(options: &[(&str, &str)], sent: Sent) -> Result<QueryOptions, ODataError> {
    let mut pairs: Vec<(&str, &str)> = options.to_vec();
    if sent.count {
        pairs.push(("$count", "true"));
    }
    parse_query(&USER, &RawQuery::from_pairs(pairs)?, sent.header)
}

fn operator_message(operator: &str) -> String {
    format!("Operator '{operator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information")
}

#[test]
fn default_operators_work_in_every_request() {
    let filters = [
        "userType eq 'Guest'",
        "userType in ('Guest', 'Member')",
        "startswith(displayName, 'Meg')",
        "mail ge 'a' and mail le 'n'",
        "createdDateTime ge 2026-01-01T00:00:00Z",
        "otherMails/any(x: x eq 'a@b.com')",
        "externalUserState eq 'PendingAcceptance' or creationType eq 'Invitation'",
    ];
    for filter in filters {
        for sent in ALL_WAYS {
            let options = run(&[("$filter", filter)], sent)
                .unwrap_or_else(|error| panic!("{filter} {sent:?}: {error}"));
            assert!(options.filter.is_some());
            assert_eq!(
                options.advanced,
                sent.header && sent.count,
                "{filter} {sent:?}"
            );
            assert_eq!(
                options.count,
                sent.header && sent.count,
                "{filter} {sent:?}"
            );
        }
    }
}

#[test]
fn advanced_operators_need_the_header_and_count() {
    let cases = [
        ("accountEnabled ne true", "ne"),
        ("not (userType eq 'Guest')", "not"),
        (
            "endsWith(userPrincipalName,'#EXT#@contoso.com')",
            "endsWith",
        ),
        ("endswith(mail, '@outlook.com')", "endsWith"),
        ("otherMails/$count eq 0", "$count"),
        ("mail eq null", "eq"),
        ("mail ne null", "ne"),
        ("accountEnabled ge true", "ge"),
        ("createdDateTime in (2026-01-01T00:00:00Z)", "in"),
        (
            "proxyAddresses/any(p: endswith(p, 'contoso.com'))",
            "endsWith",
        ),
        (
            "userType eq 'Guest' and not startswith(displayName, 'A')",
            "not",
        ),
    ];
    for (filter, operator) in cases {
        for sent in [PLAIN, HEADER_ONLY, COUNT_ONLY] {
            let refused = run(&[("$filter", filter)], sent);
            assert_eq!(
                refused,
                Err(ODataError::UnsupportedQuery(operator_message(operator))),
                "{filter} {sent:?}"
            );
        }
        let options = run(&[("$filter", filter)], ADVANCED).unwrap();
        assert!(options.advanced && options.count, "{filter}");
    }
}

#[test]
fn graphs_documented_ends_with_error_word_for_word() {
    let refused = run(
        &[("$filter", "endsWith(userPrincipalName,'#EXT#@contoso.com')")],
        PLAIN,
    )
    .unwrap_err();
    assert_eq!(refused.code(), "Request_UnsupportedQuery");
    assert_eq!(
        refused.message(),
        "Operator 'endsWith' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information"
    );
}

#[test]
fn long_in_lists_need_advanced_queries() {
    let values: Vec<String> = (0..16).map(|i| format!("'u{i}@contoso.com'")).collect();
    let filter = format!("mail in ({})", values.join(","));
    let refused = run(&[("$filter", &filter)], HEADER_ONLY).unwrap_err();
    assert_eq!(
        refused,
        ODataError::UnsupportedQuery("Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15.".into())
    );
    assert!(run(&[("$filter", &filter)], ADVANCED).is_ok());
}

#[test]
fn search_needs_only_the_header() {
    let search = [("$search", "\"displayName:wa\"")];
    for sent in [PLAIN, COUNT_ONLY] {
        assert_eq!(
            run(&search, sent),
            Err(ODataError::UnsupportedQuery(SEARCH_NEEDS_HEADER.into()))
        );
    }
    let options = run(&search, HEADER_ONLY).unwrap();
    assert!(options.search.is_some() && options.advanced && !options.count);
    let options = run(&search, ADVANCED).unwrap();
    assert!(options.search.is_some() && options.count);

    // $search with an advanced filter still needs $count=true for the filter.
    let both = [
        ("$search", "\"displayName:wa\""),
        ("$filter", "mail ne null"),
    ];
    assert!(run(&both, HEADER_ONLY).is_err());
    assert!(run(&both, ADVANCED).is_ok());
    assert!(run(
        &[
            ("$search", "\"displayName:wa\""),
            ("$filter", "mail eq 'a'")
        ],
        HEADER_ONLY
    )
    .is_ok());
}

#[test]
fn count_without_the_header_is_silently_ignored() {
    let options = run(&[], COUNT_ONLY).unwrap();
    assert!(!options.count && !options.advanced);
    let options = run(&[], ADVANCED).unwrap();
    assert!(options.count && options.advanced);
    let options = run(&[], HEADER_ONLY).unwrap();
    assert!(!options.count && !options.advanced);
}

#[test]
fn the_count_segment_needs_the_header() {
    let refused = check_count_segment(false).unwrap_err();
    assert_eq!(refused, ODataError::BadRequest(COUNT_NOT_SUPPORTED.into()));
    assert_eq!(refused.code(), "Request_BadRequest");
    assert_eq!(refused.message(), "$count is not currently supported.");
    assert!(check_count_segment(true).is_ok());
}

#[test]
fn sorting_rules() {
    let sorting = Err(ODataError::UnsupportedQuery(SORTING_NOT_SUPPORTED.into()));
    // displayName and userPrincipalName sort by default; createdDateTime only in advanced queries.
    for sent in ALL_WAYS {
        assert!(run(&[("$orderby", "displayName")], sent).is_ok());
        assert!(run(&[("$orderby", "userPrincipalName desc")], sent).is_ok());
    }
    for sent in [PLAIN, HEADER_ONLY, COUNT_ONLY] {
        assert_eq!(run(&[("$orderby", "createdDateTime")], sent), sorting);
        // $filter with $orderby is always an advanced query.
        assert_eq!(
            run(
                &[
                    ("$orderby", "displayName"),
                    ("$filter", "userType eq 'Guest'")
                ],
                sent
            ),
            sorting
        );
    }
    let options = run(&[("$orderby", "createdDateTime desc")], ADVANCED).unwrap();
    assert!(options.advanced);
    assert!(run(
        &[
            ("$orderby", "displayName"),
            ("$filter", "userType eq 'Guest'")
        ],
        ADVANCED
    )
    .is_ok());
    // Not sortable at all, even in an advanced query.
    assert_eq!(run(&[("$orderby", "mail")], ADVANCED), sorting);
}
