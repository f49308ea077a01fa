//! Redirect URI registration rules and the matcher, against the shared corpus.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

#[path = "support/redirect_corpus.rs"]
mod redirect_corpus;

use portico_model::application::RedirectUri;
use portico_model::redirect::check_target;

const REGISTERED: [&str; 6] = [
    "http://localhost",
    "http://127.0.0.1:3000/cb",
    "http://[::1]/cb?x=1",
    "http://localhost/",
    "https://localhost:8443/portico/callback",
    "https://app.contoso.com/signin-oidc?x=1",
];

#[test]
fn the_corpus_never_matches_and_legitimate_uris_always_do() {
    let mut total = 0;
    for text in REGISTERED {
        let registered = RedirectUri::parse(text).unwrap();
        let refused = redirect_corpus::refused(text);
        assert!(refused.len() >= 300, "{text}: only {}", refused.len());
        println!("{text}: {} refused variants", refused.len());
        total += refused.len();
        let wrongly: Vec<&String> = refused.iter().filter(|r| registered.matches(r)).collect();
        assert!(wrongly.is_empty(), "{text} matched {wrongly:#?}");
        for ok in redirect_corpus::accepted(text) {
            assert!(registered.matches(&ok), "{text} should match {ok}");
        }
    }
    assert!(total >= 1800, "{total}");
}

#[test]
fn the_userinfo_hole_of_issue_10_is_closed() {
    let native = RedirectUri::parse("http://localhost").unwrap();
    for attack in [
        "http://localhost:@evil.example",
        "http://localhost:1234@evil.example",
        "http://localhost:x@evil.example",
        "http://localhost:@@evil.example",
        "http://localhost:%0d%0a@evil.example",
        "http://localhost:@evil.example/",
        "http://localhost@evil.example:53123",
    ] {
        assert!(!native.matches(attack), "{attack}");
    }
    assert!(native.matches("http://localhost:53000"));
    assert!(native.matches("http://localhost:53000/"));
    assert!(!native.matches("http://localhost.evil.com"));
    assert!(!native.matches("http://localhost:53000/other"));
    assert!(!native.matches("http://127.0.0.1:53000"));
}

#[test]
fn matching_is_exact_except_loopback_ports() {
    let registered = RedirectUri::parse("https://localhost:8443/portico/callback").unwrap();
    assert!(registered.matches("https://localhost:8443/portico/callback"));
    for other in [
        "https://localhost:8443/portico/callback/",
        "https://LOCALHOST:8443/portico/callback",
        "https://localhost:8443/portico/Callback",
        "https://localhost:8444/portico/callback",
        "https://localhost/portico/callback",
    ] {
        assert!(!registered.matches(other), "{other}");
    }
    let with_query = RedirectUri::parse("http://127.0.0.1:3000/cb?x=1").unwrap();
    assert!(with_query.matches("http://127.0.0.1:4000/cb?x=1"));
    assert!(!with_query.matches("http://127.0.0.1:4000/cb?x=1&y=2"));
    assert!(!with_query.matches("http://127.0.0.1:4000/cb?x=2"));
}

#[test]
fn registration_accepts_https_and_loopback_http() {
    for ok in [
        "https://localhost:8443/portico/callback",
        "http://localhost",
        "http://localhost/",
        "http://127.0.0.1:3000/cb",
        "https://app.contoso.com/signin-oidc?x=1",
        "https://App.Contoso.com/Signin",
        "http://[::1]:9/cb",
        "https://xn--bcher-kva.example/cb",
    ] {
        assert!(RedirectUri::parse(ok).is_ok(), "{ok}");
    }
}

#[test]
fn registration_refuses_dangerous_forms() {
    for bad in [
        "",
        "javascript:alert(1)",
        "JaVaScRiPt://x",
        "javascript://localhost/%0aalert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "DATA:text/html,x",
        "vbscript:msgbox(1)",
        "VbScript:msgbox(1)",
        "http://evil.com/cb",
        "https://a.com/cb#frag",
        "https://a.com/cb#",
        "https://user@a.com/cb",
        "https://:x@a.com/cb",
        "https://@a.com/cb",
        "https://a.com@evil.com/",
        "http://localhost:@evil.example",
        "https://a.com/ cb",
        "https://a.com/\tcb",
        "https://a.com/cb\n",
        "\thttps://a.com/cb",
        "https://a.com/\u{0}cb",
        "https://a.com\\@evil.com",
        "https://bücher.example/cb",
        "ftp://a.com",
        "https:///path",
        "https:a.com/cb",
        "https:/a.com/cb",
        "HTTPS://a.com/cb",
        "/relative",
        "//a.com/cb",
        "http://LOCALHOST/cb",
        "http://localhost:80/cb",
        "http://127.1/cb",
        "http://localhost/a/../cb",
        "http://localhost./cb",
    ] {
        assert!(RedirectUri::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn invite_targets_share_the_rules_but_may_carry_a_fragment() {
    assert!(check_target("https://myapps.microsoft.com/?tenantid=x#/apps").is_ok());
    for bad in [
        "javascript:alert(1)",
        "https://:x@evil.example/",
        "http://evil.example/",
        "https://a.com/\r\nx",
    ] {
        assert!(check_target(bad).is_err(), "{bad:?}");
    }
}
