//! `$select`, `$top`, `$orderby`, `$count`, `$search`, `$skip` and the raw query itself.

use portico_odata::{
    parse_query, parse_search, Direction, ODataError, RawQuery, Search, GROUP, ORG_CONTACT,
    SKIP_NOT_SUPPORTED, USER,
};

fn query(pairs: &[(&str, &str)]) -> Result<portico_odata::QueryOptions, ODataError> {
    parse_query(&USER, &RawQuery::from_pairs(pairs.iter().copied())?, true)
}

#[test]
fn defaults() {
    let options = query(&[]).unwrap();
    assert_eq!(options.top, 100);
    assert_eq!(options.select, None);
    assert!(options.filter.is_none() && options.search.is_none() && options.order_by.is_empty());
    assert!(!options.count && !options.advanced);
    assert_eq!(
        USER.default_select(),
        [
            "id",
            "businessPhones",
            "displayName",
            "givenName",
            "jobTitle",
            "mail",
            "mobilePhone",
            "officeLocation",
            "preferredLanguage",
            "surname",
            "userPrincipalName",
        ]
    );
    assert!(GROUP.default_select().contains(&"securityEnabled"));
    assert_eq!(ORG_CONTACT.max_top, 999);
    // An empty $filter is no filter.
    assert!(query(&[("$filter", "  ")]).unwrap().filter.is_none());
}

#[test]
fn top_is_bounded() {
    assert_eq!(query(&[("$top", "999")]).unwrap().top, 999);
    assert_eq!(query(&[("$top", "1")]).unwrap().top, 1);
    for bad in ["1000", "0", "-1", "abc", "", "1e3", "99999999999"] {
        assert_eq!(
            query(&[("$top", bad)]),
            Err(ODataError::BadRequest(format!(
                "Invalid page size specified: '{bad}'. Must be between 1 and 999 inclusive."
            ))),
            "$top={bad}"
        );
    }
}

#[test]
fn select_normalises_names_and_refuses_unknown_ones() {
    let options = query(&[("$select", "displayName, ID,displayname,otherMails")]).unwrap();
    assert_eq!(
        options.select,
        Some(vec!["displayName", "id", "otherMails"])
    );
    assert_eq!(
        query(&[("$select", "displayName,passwordHash")]),
        Err(ODataError::BadRequest(
            "Could not find a property named 'passwordHash' on type 'microsoft.graph.user'.".into()
        ))
    );
    assert!(query(&[("$select", "displayName,,mail")]).is_err());
}

#[test]
fn order_by_keys_and_directions() {
    let options = query(&[("$orderby", "displayName desc, UserPrincipalName ASC")]).unwrap();
    assert_eq!(
        options.order_by,
        vec![
            ("displayName", Direction::Descending),
            ("userPrincipalName", Direction::Ascending)
        ]
    );
    for bad in [
        "displayName up",
        "displayName desc extra",
        "",
        "displayName,",
        "displayName, displayName desc",
        "nope",
    ] {
        assert!(
            matches!(query(&[("$orderby", bad)]), Err(ODataError::BadRequest(_))),
            "$orderby={bad}"
        );
    }
}

#[test]
fn count_values() {
    assert!(query(&[("$count", "TRUE")]).unwrap().count);
    assert!(!query(&[("$count", "false")]).unwrap().count);
    assert!(matches!(
        query(&[("$count", "yes")]),
        Err(ODataError::BadRequest(_))
    ));
}

#[test]
fn skip_and_unknown_options_are_refused() {
    assert_eq!(
        query(&[("$skip", "10")]),
        Err(ODataError::BadRequest(SKIP_NOT_SUPPORTED.into()))
    );
    assert_eq!(
        SKIP_NOT_SUPPORTED,
        "'$skip' is not supported by the service."
    );
    assert_eq!(
        query(&[("$expand", "manager")]),
        Err(ODataError::BadRequest(
            "The query parameter '$expand' is not supported.".into()
        ))
    );
}

#[test]
fn raw_query_names() {
    let raw = RawQuery::from_pairs([
        ("filter", "userType eq 'Guest'"),
        ("$TOP", "5"),
        ("$skiptoken", "opaque"),
        ("api-version", "1.0"),
    ])
    .unwrap();
    assert_eq!(raw.filter.as_deref(), Some("userType eq 'Guest'"));
    assert_eq!(raw.top.as_deref(), Some("5"));
    assert!(raw.unsupported.is_empty());
    let options = parse_query(&USER, &raw, false).unwrap();
    assert_eq!(options.skip_token.as_deref(), Some("opaque"));
    assert_eq!(options.top, 5);

    assert_eq!(
        RawQuery::from_pairs([("$top", "1"), ("top", "2")]),
        Err(ODataError::BadRequest(
            "Query option '$top' was specified more than once, but it must be specified at most once.".into()
        ))
    );
}

#[test]
fn search_expressions() {
    let term = |property: &'static str, text: &str| Search::Term {
        property,
        text: text.into(),
    };
    let parsed = parse_search(&USER, "\"displayName:wa\" OR \"displayName:ad\"").unwrap();
    assert_eq!(
        parsed,
        Search::Or(
            Box::new(term("displayName", "wa")),
            Box::new(term("displayName", "ad"))
        )
    );

    let parsed = parse_search(
        &GROUP,
        "\"description:One\" AND (\"displayName:Video\" or \"DisplayName:Drive\")",
    )
    .unwrap();
    assert_eq!(
        parsed,
        Search::And(
            Box::new(term("description", "One")),
            Box::new(Search::Or(
                Box::new(term("displayName", "Video")),
                Box::new(term("displayName", "Drive"))
            ))
        )
    );
    let parsed = parse_search(&USER, "\"mail:a\" OR \"mail:b\" AND \"mail:c\"").unwrap();
    assert_eq!(
        parsed,
        Search::Or(
            Box::new(term("mail", "a")),
            Box::new(Search::And(
                Box::new(term("mail", "b")),
                Box::new(term("mail", "c"))
            ))
        )
    );
    assert_eq!(
        parse_search(&USER, r#""displayName:say \"hi\"""#).unwrap(),
        term("displayName", "say \"hi\"")
    );
}

#[test]
fn search_errors() {
    let bad = [
        "displayName:wa",
        "\"wa\"",
        "\"displayName:\"",
        "\"displayName:wa",
        "\"displayName:wa\" OR",
        "\"displayName:wa\" \"mail:b\"",
        "(\"displayName:wa\"",
        "\"nope:wa\"",
        "",
    ];
    for text in bad {
        assert!(
            matches!(parse_search(&USER, text), Err(ODataError::BadRequest(_))),
            "{text}: {:?}",
            parse_search(&USER, text)
        );
    }
    assert_eq!(
        parse_search(&USER, "\"userType:Guest\""),
        Err(ODataError::UnsupportedQuery(
            "$search is not supported on property 'userType' of resource 'User'.".into()
        ))
    );
    let deep = format!("{}\"mail:a\"{}", "(".repeat(40), ")".repeat(40));
    assert!(matches!(
        parse_search(&USER, &deep),
        Err(ODataError::BadRequest(_))
    ));
    let wide = vec!["\"mail:a\""; 120].join(" OR ");
    assert!(matches!(
        parse_search(&USER, &wide),
        Err(ODataError::BadRequest(_))
    ));
}
