//! Valid filters: what each parses to, and whether it needs an advanced query.

use crate::support::{and, at, cmp, eq, not, or, text};
use chrono::{TimeZone, Utc};
use portico_odata::{
    parse_filter, print_filter, CmpOp, Entity, Expr, Literal, GROUP, ORG_CONTACT, USER,
};
use uuid::Uuid;

const MEGAN: &str = "7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01";

fn parsed(entity: &Entity, filter: &str) -> (Expr, bool) {
    parse_filter(entity, filter).unwrap_or_else(|error| panic!("{filter}: {error}"))
}

/// (filter, expected tree, needs an advanced query)
fn user_cases() -> Vec<(&'static str, Expr, bool)> {
    let megan = Uuid::parse_str(MEGAN).unwrap();
    let any = |collection: &str, predicate: Expr| Expr::Any {
        collection: collection.into(),
        predicate: Box::new(predicate),
    };
    vec![
        ("userType eq 'Guest'", eq("userType", "Guest"), false),
        ("UserType EQ 'guest'", eq("userType", "Guest"), false),
        ("  userType\teq\n'Guest'  ", eq("userType", "Guest"), false),
        ("userType eq 'Partner'", eq("userType", "Partner"), false),
        (
            "externalUserState eq 'pendingacceptance'",
            eq("externalUserState", "PendingAcceptance"),
            false,
        ),
        (
            "creationType eq 'Invitation'",
            eq("creationType", "Invitation"),
            false,
        ),
        (
            "creationType eq null",
            cmp("creationType", CmpOp::Eq, Literal::Null),
            true,
        ),
        (
            "displayName eq 'O''Brien'",
            eq("displayName", "O'Brien"),
            false,
        ),
        ("displayName eq ''", eq("displayName", ""), false),
        (
            "mail eq 'megan@contoso.com'",
            eq("mail", "megan@contoso.com"),
            false,
        ),
        (
            "mail ne 'megan@contoso.com'",
            cmp("mail", CmpOp::Ne, text("megan@contoso.com")),
            true,
        ),
        ("mail eq null", cmp("mail", CmpOp::Eq, Literal::Null), true),
        ("mail ne null", cmp("mail", CmpOp::Ne, Literal::Null), true),
        (
            "mail ge 'a' and mail le 'b'",
            and(
                cmp("mail", CmpOp::Ge, text("a")),
                cmp("mail", CmpOp::Le, text("b")),
            ),
            false,
        ),
        ("mail gt 'a'", cmp("mail", CmpOp::Gt, text("a")), false),
        (
            "userType in ('Guest', 'member')",
            Expr::In {
                property: "userType".into(),
                values: vec![text("Guest"), text("Member")],
            },
            false,
        ),
        (
            "startswith(displayName, 'Meg')",
            Expr::StartsWith {
                property: "displayName".into(),
                prefix: "Meg".into(),
            },
            false,
        ),
        (
            "startsWith(DISPLAYNAME,'Meg')",
            Expr::StartsWith {
                property: "displayName".into(),
                prefix: "Meg".into(),
            },
            false,
        ),
        (
            "endswith(userPrincipalName, '#EXT#@contoso.onmicrosoft.com')",
            Expr::EndsWith {
                property: "userPrincipalName".into(),
                suffix: "#EXT#@contoso.onmicrosoft.com".into(),
            },
            true,
        ),
        (
            "endsWith(mail,'@outlook.com')",
            Expr::EndsWith {
                property: "mail".into(),
                suffix: "@outlook.com".into(),
            },
            true,
        ),
        (
            "not (userType eq 'Guest')",
            not(eq("userType", "Guest")),
            true,
        ),
        (
            "NOT userType eq 'Guest'",
            not(eq("userType", "Guest")),
            true,
        ),
        (
            "NOT startsWith(displayName, 'Conf')",
            not(Expr::StartsWith {
                property: "displayName".into(),
                prefix: "Conf".into(),
            }),
            true,
        ),
        (
            "id eq '7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01'",
            cmp("id", CmpOp::Eq, Literal::Guid(megan)),
            false,
        ),
        (
            "id eq 7F3C1A52-0C1E-4A47-9B5E-2D4F6A8B9C01",
            cmp("id", CmpOp::Eq, Literal::Guid(megan)),
            false,
        ),
        (
            "id in ('7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01', 7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01)",
            Expr::In {
                property: "id".into(),
                values: vec![Literal::Guid(megan), Literal::Guid(megan)],
            },
            false,
        ),
        (
            "accountEnabled eq false",
            cmp("accountEnabled", CmpOp::Eq, Literal::Bool(false)),
            false,
        ),
        (
            "accountEnabled eq TRUE",
            cmp("accountEnabled", CmpOp::Eq, Literal::Bool(true)),
            false,
        ),
        (
            "accountEnabled ne true",
            cmp("accountEnabled", CmpOp::Ne, Literal::Bool(true)),
            true,
        ),
        (
            "accountEnabled ge true",
            cmp("accountEnabled", CmpOp::Ge, Literal::Bool(true)),
            true,
        ),
        (
            "showInAddressList eq false",
            cmp("showInAddressList", CmpOp::Eq, Literal::Bool(false)),
            true,
        ),
        (
            "createdDateTime ge 2026-03-01T00:00:00Z",
            cmp(
                "createdDateTime",
                CmpOp::Ge,
                Literal::DateTime(at(2026, 3, 1)),
            ),
            false,
        ),
        (
            "createdDateTime le 2026-03-01T01:00+01:00",
            cmp(
                "createdDateTime",
                CmpOp::Le,
                Literal::DateTime(at(2026, 3, 1)),
            ),
            false,
        ),
        (
            "createdDateTime lt 2026-03-01T00:00:00.250Z",
            cmp(
                "createdDateTime",
                CmpOp::Lt,
                Literal::DateTime(
                    Utc.timestamp_millis_opt(at(2026, 3, 1).timestamp_millis() + 250)
                        .unwrap(),
                ),
            ),
            false,
        ),
        (
            "createdDateTime in (2026-03-01T00:00:00Z)",
            Expr::In {
                property: "createdDateTime".into(),
                values: vec![Literal::DateTime(at(2026, 3, 1))],
            },
            true,
        ),
        (
            "externalUserStateChangeDateTime eq 2026-03-01T00:00:00Z",
            cmp(
                "externalUserStateChangeDateTime",
                CmpOp::Eq,
                Literal::DateTime(at(2026, 3, 1)),
            ),
            false,
        ),
        (
            "otherMails/any(x: x eq 'a@b.com')",
            any("otherMails", eq("", "a@b.com")),
            false,
        ),
        (
            "otherMails/ANY(m:startswith(m,'a'))",
            any(
                "otherMails",
                Expr::StartsWith {
                    property: "".into(),
                    prefix: "a".into(),
                },
            ),
            false,
        ),
        (
            "otherMails/any(x: (x ge 'a'))",
            any("otherMails", cmp("", CmpOp::Ge, text("a"))),
            false,
        ),
        (
            "otherMails/any(x: x in ('a', 'b'))",
            any(
                "otherMails",
                Expr::In {
                    property: "".into(),
                    values: vec![text("a"), text("b")],
                },
            ),
            false,
        ),
        (
            "otherMails/any(x: x ne 'a')",
            any("otherMails", cmp("", CmpOp::Ne, text("a"))),
            true,
        ),
        (
            "proxyAddresses/any (p:endsWith(p, 'OnMicrosoft.com'))",
            any(
                "proxyAddresses",
                Expr::EndsWith {
                    property: "".into(),
                    suffix: "OnMicrosoft.com".into(),
                },
            ),
            true,
        ),
        (
            "not(otherMails/any(x: x eq 'a'))",
            not(any("otherMails", eq("", "a"))),
            true,
        ),
        (
            "otherMails/$count eq 0",
            Expr::Count {
                collection: "otherMails".into(),
                op: CmpOp::Eq,
                value: 0,
            },
            true,
        ),
        (
            "proxyaddresses/$COUNT ne -1",
            Expr::Count {
                collection: "proxyAddresses".into(),
                op: CmpOp::Ne,
                value: -1,
            },
            true,
        ),
    ]
}

#[test]
fn user_filters_parse_to_the_expected_trees() {
    for (filter, expected, advanced) in user_cases() {
        let (expr, needs_advanced) = parsed(&USER, filter);
        assert_eq!(expr, expected, "{filter}");
        assert_eq!(needs_advanced, advanced, "advanced flag of {filter}");
    }
}

#[test]
fn precedence_not_over_and_over_or_left_associative() {
    let [a, b, c] = ["a", "b", "c"].map(|value| eq("mail", value));
    let cases = [
        (
            "mail eq 'a' or mail eq 'b' and mail eq 'c'",
            or(a.clone(), and(b.clone(), c.clone())),
        ),
        (
            "mail eq 'a' and mail eq 'b' or mail eq 'c'",
            or(and(a.clone(), b.clone()), c.clone()),
        ),
        (
            "mail eq 'a' and mail eq 'b' and mail eq 'c'",
            and(and(a.clone(), b.clone()), c.clone()),
        ),
        (
            "mail eq 'a' or mail eq 'b' or mail eq 'c'",
            or(or(a.clone(), b.clone()), c.clone()),
        ),
        (
            "mail eq 'a' or (mail eq 'b' or mail eq 'c')",
            or(a.clone(), or(b.clone(), c.clone())),
        ),
        (
            "(mail eq 'a' or mail eq 'b') and mail eq 'c'",
            and(or(a.clone(), b.clone()), c.clone()),
        ),
        (
            "not mail eq 'a' and mail eq 'b'",
            and(not(a.clone()), b.clone()),
        ),
        (
            "not mail eq 'a' or mail eq 'b'",
            or(not(a.clone()), b.clone()),
        ),
        (
            "not (mail eq 'a' or mail eq 'b')",
            not(or(a.clone(), b.clone())),
        ),
        ("not not mail eq 'a'", not(not(a.clone()))),
        ("((((mail eq 'a'))))", a.clone()),
        (
            "mail eq 'a' AND mail eq 'b' Or mail eq 'c'",
            or(and(a.clone(), b.clone()), c.clone()),
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(parsed(&USER, filter).0, expected, "{filter}");
        assert_eq!(
            parsed(&USER, &print_filter(&expected)).0,
            expected,
            "reprint of {filter}"
        );
    }
}

#[test]
fn long_in_lists_and_long_values_need_advanced_queries() {
    let list = |count: usize| {
        let values: Vec<String> = (0..count)
            .map(|i| format!("'user{i}@contoso.com'"))
            .collect();
        format!("mail in ({})", values.join(", "))
    };
    assert!(!parsed(&USER, &list(15)).1);
    assert!(parsed(&USER, &list(16)).1);
    assert!(parsed(&USER, &list(100)).1);
    let value = |length: usize| format!("displayName eq '{}'", "x".repeat(length));
    assert!(!parsed(&USER, &value(120)).1);
    assert!(parsed(&USER, &value(121)).1);
}

#[test]
fn group_and_contact_filters() {
    let cases: [(&Entity, &str, bool); 10] = [
        (
            &GROUP,
            "mailEnabled eq true and securityEnabled eq false",
            false,
        ),
        (&GROUP, "securityEnabled in (true)", false),
        (&GROUP, "startswith(mailNickname, 'sales')", false),
        (&GROUP, "description eq null", true),
        (&GROUP, "proxyAddresses/$count ne 0", true),
        (
            &GROUP,
            "proxyAddresses/any(x: x eq 'SMTP:sales@contoso.com')",
            false,
        ),
        (&GROUP, "endswith(mail, '@contoso.com')", true),
        (
            &ORG_CONTACT,
            "startswith(displayName, 'A') or mail eq 'a@b.com'",
            false,
        ),
        (
            &ORG_CONTACT,
            "proxyAddresses/any(x: startswith(x, 'smtp:'))",
            false,
        ),
        (
            &ORG_CONTACT,
            "id eq '7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01'",
            false,
        ),
    ];
    for (entity, filter, advanced) in cases {
        assert_eq!(
            parsed(entity, filter).1,
            advanced,
            "{} {filter}",
            entity.name
        );
    }
}

#[test]
fn node_counts_include_in_values() {
    assert_eq!(parsed(&USER, "userType eq 'Guest'").0.node_count(), 1);
    assert_eq!(
        parsed(&USER, "userType in ('Guest', 'Member')")
            .0
            .node_count(),
        3
    );
    assert_eq!(
        parsed(&USER, "not (mail eq 'a' or otherMails/any(x: x eq 'b'))")
            .0
            .node_count(),
        5
    );
}
