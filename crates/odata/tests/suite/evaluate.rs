//! Evaluating filters and searches on sample users.

use crate::support::{at, cmp, text, Sample};
use portico_odata::{
    evaluate, matches_search, parse_filter, parse_search, CmpOp, Expr, Field, Literal, USER,
};
use uuid::Uuid;

const MEGAN_ID: &str = "7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01";
const ALICE_ID: &str = "0b9e4c1d-5a6f-4e2b-8c3d-1f2a3b4c5d6e";

fn users() -> Vec<(&'static str, Sample)> {
    let megan = Sample::default()
        .with("id", Field::Guid(Uuid::parse_str(MEGAN_ID).unwrap()))
        .text("displayName", "Megan Bowen")
        .text("userPrincipalName", "megan@contoso.com")
        .text("mail", "Megan@Contoso.com")
        .strings("otherMails", &[])
        .strings(
            "proxyAddresses",
            &["SMTP:megan@contoso.com", "smtp:mb@contoso.com"],
        )
        .text("userType", "Member")
        .with("accountEnabled", Field::Bool(true))
        .with("createdDateTime", Field::DateTime(at(2024, 1, 1)));
    let alice = Sample::default()
        .with("id", Field::Guid(Uuid::parse_str(ALICE_ID).unwrap()))
        .text("displayName", "Alice Smith")
        .text(
            "userPrincipalName",
            "alice_fabrikam.com#EXT#@contoso.onmicrosoft.com",
        )
        .text("mail", "alice@fabrikam.com")
        .strings("otherMails", &["alice@fabrikam.com", "a.l@fabrikam.com"])
        .strings("proxyAddresses", &[])
        .text("userType", "Guest")
        .text("externalUserState", "PendingAcceptance")
        .text("creationType", "Invitation")
        .with("accountEnabled", Field::Bool(true))
        .with("createdDateTime", Field::DateTime(at(2026, 3, 2)));
    let bob = Sample::default()
        .with(
            "id",
            Field::String("5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f".into()),
        )
        .text("displayName", "Bob Kelly")
        .text("userPrincipalName", "bob@contoso.com")
        .strings("otherMails", &[])
        .text("userType", "Member")
        .with("accountEnabled", Field::Bool(false))
        .with("createdDateTime", Field::DateTime(at(2025, 6, 1)));
    vec![("megan", megan), ("alice", alice), ("bob", bob)]
}

fn matching(filter: &str) -> Vec<&'static str> {
    let (expr, _) = parse_filter(&USER, filter).unwrap_or_else(|error| panic!("{filter}: {error}"));
    users()
        .into_iter()
        .filter(|(_, user)| evaluate(&expr, user))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn filters_select_the_right_users() {
    let cases: &[(&str, &[&str])] = &[
        ("userType eq 'guest'", &["alice"]),
        ("userType ne 'Guest'", &["megan", "bob"]),
        ("userType in ('Guest', 'MEMBER')", &["megan", "alice", "bob"]),
        ("mail eq 'megan@contoso.com'", &["megan"]),
        ("mail eq null", &["bob"]),
        ("mail ne null", &["megan", "alice"]),
        ("mail ne 'megan@contoso.com'", &["alice", "bob"]),
        ("not (mail eq 'megan@contoso.com')", &["alice", "bob"]),
        ("mail ge 'b'", &["megan"]),
        ("mail lt 'b'", &["alice"]),
        ("startswith(displayName, 'meg')", &["megan"]),
        ("startswith(mail, '')", &["megan", "alice"]),
        ("endswith(userPrincipalName, '#ext#@contoso.onmicrosoft.com')", &["alice"]),
        ("otherMails/any(x: x eq 'A.L@fabrikam.com')", &["alice"]),
        ("otherMails/any(x: startswith(x, 'a.'))", &["alice"]),
        ("not otherMails/any(x: x eq 'alice@fabrikam.com')", &["megan", "bob"]),
        ("otherMails/$count eq 0", &["megan", "bob"]),
        ("otherMails/$count ge 2", &["alice"]),
        ("proxyAddresses/$count eq 0", &["alice", "bob"]),
        ("proxyAddresses/any(p: startswith(p, 'SMTP:mb'))", &["megan"]),
        ("proxyAddresses/any(p: endswith(p, '@CONTOSO.COM'))", &["megan"]),
        ("createdDateTime ge 2025-01-01T00:00:00Z", &["alice", "bob"]),
        ("createdDateTime lt 2025-06-01T00:00:00Z", &["megan"]),
        ("createdDateTime le 2025-06-01T00:00:00Z", &["megan", "bob"]),
        ("accountEnabled eq false", &["bob"]),
        ("accountEnabled ne false", &["megan", "alice"]),
        ("id eq '7F3C1A52-0C1E-4A47-9B5E-2D4F6A8B9C01'", &["megan"]),
        ("id in ('0b9e4c1d-5a6f-4e2b-8c3d-1f2a3b4c5d6e', '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f')", &["alice", "bob"]),
        ("displayName ge 'b' and displayName lt 'c'", &["bob"]),
        ("creationType eq null", &["megan", "bob"]),
        ("externalUserState in ('PendingAcceptance', 'Accepted')", &["alice"]),
        ("userType eq 'Guest' or accountEnabled eq false", &["alice", "bob"]),
        ("userType eq 'Member' and not (accountEnabled eq false)", &["megan"]),
        ("givenName eq 'x'", &[]),
        ("givenName ne 'x'", &["megan", "alice", "bob"]),
    ];
    for (filter, expected) in cases {
        assert_eq!(matching(filter), *expected, "{filter}");
    }
}

#[test]
fn edge_semantics() {
    let user = Sample::default()
        .with("accountEnabled", Field::Bool(true))
        .text("displayName", "Élodie")
        .with("otherMails", Field::Null);
    // Values of another type never compare equal.
    assert!(!evaluate(
        &cmp("accountEnabled", CmpOp::Eq, text("true")),
        &user
    ));
    assert!(evaluate(
        &cmp("accountEnabled", CmpOp::Ne, text("true")),
        &user
    ));
    assert!(!evaluate(
        &cmp("accountEnabled", CmpOp::Gt, text("true")),
        &user
    ));
    // Only ASCII letters fold.
    assert!(!evaluate(
        &cmp("displayName", CmpOp::Eq, text("élodie")),
        &user
    ));
    assert!(evaluate(
        &cmp("displayName", CmpOp::Eq, text("Élodie")),
        &user
    ));
    // A null collection has no elements and counts as empty.
    let any = Expr::Any {
        collection: "otherMails".into(),
        predicate: Box::new(cmp("", CmpOp::Ne, text("x"))),
    };
    assert!(!evaluate(&any, &user));
    let count = Expr::Count {
        collection: "otherMails".into(),
        op: CmpOp::Eq,
        value: 0,
    };
    assert!(evaluate(&count, &user));
    // Ordering comparisons with a null field are false; eq null is true.
    assert!(!evaluate(&cmp("mail", CmpOp::Ge, text("")), &user));
    assert!(!evaluate(&cmp("mail", CmpOp::Lt, text("zzz")), &user));
    assert!(evaluate(&cmp("mail", CmpOp::Eq, Literal::Null), &user));
    assert!(!evaluate(
        &Expr::StartsWith {
            property: "mail".into(),
            prefix: String::new()
        },
        &user
    ));
}

#[test]
fn search_matches() {
    let matching = |text: &str| {
        let search = parse_search(&USER, text).unwrap();
        users()
            .into_iter()
            .filter(|(_, user)| matches_search(&USER, &search, user))
            .map(|(name, _)| name)
            .collect::<Vec<_>>()
    };
    assert_eq!(matching("\"displayName:bow\""), ["megan"]);
    assert_eq!(
        matching("\"displayName:SMI\" OR \"displayName:kel\""),
        ["alice", "bob"]
    );
    assert_eq!(matching("\"displayName:megan bow\""), ["megan"]);
    assert_eq!(matching("\"displayName:owen\""), Vec::<&str>::new());
    assert_eq!(matching("\"mail:ALICE@\""), ["alice"]);
    assert_eq!(matching("\"mail:fabrikam\""), Vec::<&str>::new());
    assert_eq!(
        matching("\"userPrincipalName:b\" AND \"displayName:bob\""),
        ["bob"]
    );
}
