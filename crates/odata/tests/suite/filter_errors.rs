//! Every way a filter is refused: the error code and (part of) the message.

use portico_odata::{parse_filter, Entity, ODataError, GROUP, USER};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Code {
    Bad,
    Unsupported,
}

fn refusal(entity: &Entity, filter: &str) -> (Code, String) {
    match parse_filter(entity, filter) {
        Ok((expr, _)) => panic!("{filter} was accepted as {expr:?}"),
        Err(ODataError::BadRequest(message)) => (Code::Bad, message),
        Err(ODataError::UnsupportedQuery(message)) => (Code::Unsupported, message),
    }
}

fn check(entity: &Entity, filter: &str, code: Code, message: &str) {
    let (actual_code, actual_message) = refusal(entity, filter);
    assert_eq!(actual_code, code, "code for {filter}: {actual_message}");
    assert!(
        actual_message.contains(message),
        "message for {filter}: {actual_message:?} lacks {message:?}"
    );
}

const UNSUPPORTED_USER_TYPE: &str =
    "Unsupported or invalid query filter clause specified for property 'userType' of resource 'User'.";

#[test]
fn syntax_errors_are_bad_requests_with_a_position() {
    use Code::Bad;
    let cases = [
        (
            "",
            "Syntax error at position 0 in $filter '': expected a property name",
        ),
        ("   ", "expected a property name"),
        ("userType eq", "expected a value"),
        ("userType 'Guest'", "Syntax error at position 9"),
        (
            "userType eq 'Guest' extra",
            "expected 'and', 'or' or the end",
        ),
        ("(userType eq 'Guest'", "expected ')'"),
        ("userType eq 'Guest')", "expected 'and', 'or' or the end"),
        ("'Guest' eq userType", "expected a property name"),
        ("userType in ()", "expected a value"),
        ("userType in 'Guest'", "expected '(' after in"),
        ("userType in ('Guest' 'Member')", "expected ',' or ')'"),
        ("userType has 'Guest'", "unsupported operator 'has'"),
        ("mail eq 'unterminated", "unterminated string literal"),
        ("mail eq 1.5", "decimal numbers are not supported"),
        ("mail eq 12abc", "invalid number"),
        (
            "otherMails/$count eq 99999999999999999999",
            "integer out of range",
        ),
        ("mail eq 'x' # y", "unexpected character '#'"),
        ("displayName eq 'a' and", "expected a property name"),
        ("not", "expected a property name"),
        (
            "startswith('a', displayName)",
            "expected a property name as the first argument",
        ),
        ("startswith(displayName 'a')", "expected ','"),
        (
            "otherMails/any(x x eq 'a')",
            "expected ':' after the lambda variable",
        ),
        ("otherMails/any x: x eq 'a'", "expected '(' after any"),
        ("otherMails/any(: x eq 'a')", "expected a lambda variable"),
        ("otherMails/$count 0", "expected an operator after $count"),
        (
            "createdDateTime ge 2026-03-01T00:00:00",
            "needs a time zone",
        ),
        (
            "createdDateTime ge 2026-02-30T00:00:00Z",
            "invalid DateTimeOffset",
        ),
    ];
    for (filter, message) in cases {
        check(&USER, filter, Bad, message);
    }
}

#[test]
fn unknown_names_and_wrong_types_are_bad_requests() {
    use Code::Bad;
    let cases = [
        ("foo eq 'x'", "Could not find a property named 'foo' on type 'microsoft.graph.user'."),
        ("passwordHash eq 'x'", "Could not find a property named 'passwordHash'"),
        (
            "accountEnabled eq 'true'",
            "A binary operator with incompatible types was detected. Found operand types 'Edm.Boolean' and 'Edm.String' for operator kind 'Equal'.",
        ),
        ("mail eq 42", "Found operand types 'Edm.String' and 'Edm.Int32'"),
        ("createdDateTime ge '2021-11-01T00:00:00Z'", "'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'GreaterThanOrEqual'"),
        ("userType in ('Guest', true)", "for operator kind 'In'"),
        ("id eq 'abc'", "Invalid object identifier 'abc'."),
        ("id eq '{7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01}'", "Invalid object identifier"),
        ("otherMails/$count eq 'a'", "Found operand types 'Edm.Int32' and 'Edm.String'"),
        ("startswith(displayName, 1)", "No function signature for the function with name 'startswith' matches the specified arguments."),
    ];
    for (filter, message) in cases {
        check(&USER, filter, Bad, message);
    }
}

#[test]
fn unsupported_clauses_use_graphs_message() {
    use Code::Unsupported;
    let clause = |property: &str| {
        format!("Unsupported or invalid query filter clause specified for property '{property}' of resource 'User'.")
    };
    let cases = [
        ("userType ge 'Guest'", clause("userType")),
        (
            "userType eq 'Guest' and startswith(userType, 'G')",
            clause("userType"),
        ),
        ("userType in ('Guest', null)", clause("userType")),
        ("endswith(displayName, 'x')", clause("displayName")),
        ("accountEnabled eq null", clause("accountEnabled")),
        ("mail gt null", clause("mail")),
        ("otherMails eq 'a'", clause("otherMails")),
        ("startswith(otherMails, 'a')", clause("otherMails")),
        ("displayName/any(x: x eq 'a')", clause("displayName")),
        ("displayName/$count eq 0", clause("displayName")),
        ("otherMails/all(x: x eq 'a')", clause("otherMails")),
        (
            "otherMails/any(x: x eq 'a' or x eq 'b')",
            clause("otherMails"),
        ),
        ("otherMails/any(x: not (x eq 'a'))", clause("otherMails")),
        ("otherMails/any(x: mail eq 'a')", clause("otherMails")),
        ("otherMails/any(x: x eq null)", clause("otherMails")),
        (
            "otherMails/any(x: x/any(y: y eq 'a'))",
            clause("otherMails"),
        ),
        (
            "proxyAddresses/any(x: x in ('a'))",
            clause("proxyAddresses"),
        ),
        ("id ge '7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01'", clause("id")),
        (
            "createdDateTime ge 2021-11-01",
            "The type of the value doesn't match the property whose type is DateTime".to_owned(),
        ),
        (
            "contains(displayName, 'a')",
            "The function 'contains' is not supported in $filter.".to_owned(),
        ),
    ];
    for (filter, message) in cases {
        check(&USER, filter, Unsupported, &message);
    }
    assert_eq!(
        refusal(&USER, "userType ge 'Guest'").1,
        UNSUPPORTED_USER_TYPE
    );
    // Graph's documented example, word for word.
    assert_eq!(
        refusal(&GROUP, "createdDateTime ge 2021-11-01T00:00:00Z"),
        (
            Code::Unsupported,
            "Unsupported or invalid query filter clause specified for property 'createdDateTime' of resource 'Group'.".to_owned()
        )
    );
}

#[test]
fn limits_are_bad_requests_not_crashes() {
    use Code::Bad;
    let comparison = "mail eq 'a'";
    let nested = |depth: usize| format!("{}{comparison}{}", "(".repeat(depth), ")".repeat(depth));
    assert!(parse_filter(&USER, &nested(32)).is_ok());
    check(
        &USER,
        &nested(33),
        Bad,
        "nested too deeply: at most 32 levels",
    );
    check(&USER, &nested(2000), Bad, "nested too deeply");

    let nots = |count: usize| format!("{}{comparison}", "not ".repeat(count));
    assert!(parse_filter(&USER, &nots(32)).is_ok());
    check(&USER, &nots(33), Bad, "nested too deeply");

    let chain = |count: usize| vec![comparison; count].join(" or ");
    assert_eq!(
        parse_filter(&USER, &chain(100)).unwrap().0.node_count(),
        199
    );
    check(&USER, &chain(101), Bad, "too complex: at most 200 nodes");

    let list = |count: usize| format!("mail in ({})", vec!["'a'"; count].join(","));
    assert!(parse_filter(&USER, &list(100)).is_ok());
    check(&USER, &list(101), Bad, "at most 100 are allowed");

    let long_value = |length: usize| format!("mail eq '{}'", "a".repeat(length));
    assert!(parse_filter(&USER, &long_value(1024)).is_ok());
    check(&USER, &long_value(1025), Bad, "longer than 1024 characters");

    let padded = format!("{comparison}{}", " ".repeat(8192));
    check(
        &USER,
        &padded,
        Bad,
        "The $filter query option is too long: at most 8192 characters",
    );
    check(&USER, &"(".repeat(1_000_000), Bad, "too long");
}

#[test]
fn long_inputs_are_quoted_shortened_in_messages() {
    let filter = format!("mail eq 'a' {}", "x".repeat(500));
    let (_, message) = refusal(&USER, &filter);
    assert!(message.len() < 300, "{message}");
    assert!(message.contains('…'));
}
