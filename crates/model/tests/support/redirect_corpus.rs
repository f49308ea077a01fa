//! The redirect corpus (security.md §D-3): for one registered redirect URI, the requested URIs
//! that must be accepted and several hundred that must not. Shared by the matcher's unit test
//! (`crates/model/tests/redirect.rs`) and the end-to-end test against `/authorize` and logout
//! (`crates/http/tests/server/redirect_corpus.rs`).

/// A registered URI split at its authority: `scheme://authority` + `rest` (path and query).
struct Parts<'a> {
    scheme: &'a str,
    authority: &'a str,
    host: &'a str,
    port: Option<&'a str>,
    rest: &'a str,
}

fn split(registered: &str) -> Parts<'_> {
    let (scheme, after) = registered.split_once("://").expect("absolute URI");
    let end = after.find(['/', '?']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority, None),
    };
    Parts {
        scheme,
        authority,
        host,
        port,
        rest,
    }
}

fn is_loopback_http(parts: &Parts<'_>) -> bool {
    parts.scheme == "http" && matches!(parts.host, "localhost" | "127.0.0.1" | "[::1]")
}

/// Requested URIs that must match `registered`: itself and, for an `http` loopback URI, the same
/// with any port (and `/` for an empty path).
pub fn accepted(registered: &str) -> Vec<String> {
    let parts = split(registered);
    let mut ok = vec![registered.to_owned()];
    if is_loopback_http(&parts) {
        // The URL standard writes an empty path as `/`: both spellings are the same URI.
        let query = parts.rest.trim_start_matches('/');
        let rests: Vec<String> =
            if parts.rest.is_empty() || query.starts_with('?') || query.is_empty() {
                vec![query.to_owned(), format!("/{query}")]
            } else {
                vec![parts.rest.to_owned()]
            };
        for rest in &rests {
            ok.push(format!("http://{}{rest}", parts.host));
            for port in ["0", "1", "443", "1024", "8080", "8443", "53123", "65535"] {
                ok.push(format!("http://{}:{port}{rest}", parts.host));
            }
        }
    }
    ok.sort();
    ok.dedup();
    ok
}

/// Requested URIs that must not match `registered` (at least 300 for any registered URI).
pub fn refused(registered: &str) -> Vec<String> {
    let parts = split(registered);
    let mut out = Vec::new();
    userinfo(&parts, &mut out);
    paths(&parts, &mut out);
    cases(registered, &parts, &mut out);
    schemes(registered, &parts, &mut out);
    controls(registered, &parts, &mut out);
    hosts(&parts, &mut out);
    ports(&parts, &mut out);
    queries_and_fragments(registered, &mut out);
    let ok = accepted(registered);
    out.retain(|candidate| !ok.contains(candidate));
    out.sort();
    out.dedup();
    out
}

const EVIL: &str = "evil.example";

/// `http://localhost:@evil.example` and its family: the hole of issue 10.
fn userinfo(p: &Parts<'_>, out: &mut Vec<String>) {
    let (s, a, h, r) = (p.scheme, p.authority, p.host, p.rest);
    for middle in [
        "@", ":@", ":x@", ":@@", "@@", ":%0d%0a@", ":1234@", ":53123@", "%40", ":%40@", "@:",
        ":pass@", "%00@", "\\@", "#@", "?@", ";@", "&@", ":@:@", "%2540",
    ] {
        out.push(format!("{s}://{h}{middle}{EVIL}{r}"));
        out.push(format!("{s}://{a}{middle}{EVIL}{r}"));
        out.push(format!("{s}://{h}{middle}{EVIL}"));
        out.push(format!("{s}://{h}:53123{middle}{EVIL}{r}"));
        out.push(format!("{s}://{h}{middle}{EVIL}:53123{r}"));
    }
    for user in ["user", "user:pass", ":", "", EVIL, "localhost", "%40"] {
        out.push(format!("{s}://{user}@{a}{r}"));
        out.push(format!("{s}://{user}@{EVIL}{r}"));
    }
    out.push(format!("{s}://{a}@{EVIL}@{a}{r}"));
    out.push(format!("{s}://{EVIL}@{a}@{EVIL}{r}"));
    out.push(format!("{s}://{h}:1@{h}:2@{EVIL}{r}"));
}

fn paths(p: &Parts<'_>, out: &mut Vec<String>) {
    let (s, a, r) = (p.scheme, p.authority, p.rest);
    let base = format!("{s}://{a}");
    let (path, query) = r.split_at(r.find('?').unwrap_or(r.len()));
    for suffix in [
        "/",
        "//",
        "/.",
        "/..",
        "/../",
        "/..;/",
        "/..;/evil",
        "/%2e%2e",
        "/%2e%2e/",
        "/%2E%2E%2F",
        "/.%2e/",
        "%2f",
        "%2F..",
        "/evil",
        "/%2F%2Fevil.example",
        "//evil.example",
        "/./",
        ";x",
        ";jsessionid=1",
        "%00",
        "%20",
        "%09",
        ".",
        "..",
        "/x/..",
        "~",
        "%3F",
        "%23",
        "*",
        "/*",
    ] {
        out.push(format!("{base}{path}{suffix}{query}"));
        // A native app's port may vary; its path still may not.
        out.push(format!("{s}://{}:53123{path}{suffix}{query}", p.host));
    }
    for prefix in ["/..;", "/.", "/x/..", "//", "/%2e", "/%2e%2e"] {
        out.push(format!("{base}{prefix}{path}{query}"));
    }
    if let Some(trimmed) = path.strip_suffix('/') {
        out.push(format!("{base}{trimmed}{query}"));
    }
    if path.len() > 1 {
        out.push(format!("{base}{}{query}", path.replace('/', "\\")));
        out.push(format!("{base}{}{query}", path.replace('/', "//")));
        out.push(format!("{base}{}{query}", path.replace('/', "/./")));
        out.push(format!("{base}{}{query}", path.replace('/', "%2F")));
        out.push(format!("{base}{}{query}", path.replacen('o', "%6f", 1)));
        out.push(format!("{base}{}{query}", path.to_uppercase()));
        out.push(format!("{base}{}{query}", &path[..path.len() - 1]));
        out.push(format!("{base}{}x{query}", path));
        out.push(format!("{base}/x{}{query}", path));
        out.push(format!(
            "{base}{}{query}",
            path.replacen('/', "/%2e%2e/x/", 1)
        ));
        out.push(format!("{base}{query}"));
    }
}

fn cases(registered: &str, p: &Parts<'_>, out: &mut Vec<String>) {
    out.push(registered.to_uppercase());
    out.push(registered.replacen(p.scheme, &p.scheme.to_uppercase(), 1));
    out.push(registered.replacen(p.host, &p.host.to_uppercase(), 1));
    let mut first_upper = p.host.to_owned();
    if let Some(c) = first_upper.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    out.push(registered.replacen(p.host, &first_upper, 1));
    out.push(registered.replacen(
        p.scheme,
        &format!("{}{}", &p.scheme[..1].to_uppercase(), &p.scheme[1..]),
        1,
    ));
    if !p.rest.is_empty() {
        out.push(format!(
            "{}://{}{}",
            p.scheme,
            p.authority,
            p.rest.to_uppercase()
        ));
    }
}

fn schemes(registered: &str, p: &Parts<'_>, out: &mut Vec<String>) {
    let after = &registered[p.scheme.len() + 3..];
    let other = if p.scheme == "https" { "http" } else { "https" };
    for scheme_part in [
        format!("{other}://"),
        format!("{}:", p.scheme),
        format!("{}:/", p.scheme),
        format!("{}:///", p.scheme),
        format!("{}:\\\\", p.scheme),
        format!("{}:/\\", p.scheme),
        "//".into(),
        "///".into(),
        "javascript://".into(),
        "JaVaScRiPt://".into(),
        "java\tscript://".into(),
        "java\nscript://".into(),
        " javascript://".into(),
        "vbscript://".into(),
        "data://".into(),
        "file://".into(),
        "ftp://".into(),
        "ws://".into(),
        "wss://".into(),
        format!("{}s://", p.scheme),
        format!("x-{}://", p.scheme),
        format!("{} ://", p.scheme),
        format!("{}: //", p.scheme),
        format!("{}:%2F%2F", p.scheme),
        format!("blob:{}://", p.scheme),
        format!("view-source:{}://", p.scheme),
    ] {
        out.push(format!("{scheme_part}{after}"));
    }
    out.push(format!("javascript:alert(1)//{registered}"));
    out.push(format!("JAVASCRIPT:alert(1)//{registered}"));
    out.push(format!("javascript:{registered}"));
    out.push(format!(
        "data:text/html,<script>location='{registered}'</script>"
    ));
    out.push(format!("data:text/html;base64,PHNjcmlwdD4={registered}"));
    out.push(format!("vbscript:msgbox(1)//{registered}"));
    out.push(after.to_owned());
    out.push(format!("/{after}"));
}

fn controls(registered: &str, p: &Parts<'_>, out: &mut Vec<String>) {
    let cut = p.scheme.len() + 3 + p.authority.len();
    for c in [
        " ", "\t", "\n", "\r", "\r\n", "\0", "\x0b", "\x0c", "\x1b", "\x7f", "\u{a0}", "\u{2028}",
        "\u{200b}", "\u{feff}", "%0d%0a", "%0a", "%00", "%09",
    ] {
        out.push(format!("{c}{registered}"));
        out.push(format!("{registered}{c}"));
        out.push(format!("{}{c}{}", &registered[..cut], &registered[cut..]));
        out.push(format!(
            "{}{c}{}",
            &registered[..p.scheme.len()],
            &registered[p.scheme.len()..]
        ));
    }
    out.push(format!("{registered}%0d%0aLocation:%20https://{EVIL}"));
    out.push(format!("{registered}\r\nLocation: https://{EVIL}"));
}

fn hosts(p: &Parts<'_>, out: &mut Vec<String>) {
    let (s, h, r) = (p.scheme, p.host, p.rest);
    let port = p.port.map(|x| format!(":{x}")).unwrap_or_default();
    let mut swaps = vec![
        format!("{h}.{EVIL}"),
        format!("{h}.{EVIL}."),
        format!("{h}{EVIL}"),
        format!("{EVIL}{h}"),
        format!("{EVIL}/{h}"),
        format!("{EVIL}?{h}"),
        format!("{EVIL}#{h}"),
        format!("{EVIL}\\{h}"),
        format!("{h}."),
        format!("{h}%2e"),
        format!("{h}%00.{EVIL}"),
        format!("{h}%2f{EVIL}"),
        format!("{h}%252f{EVIL}"),
        format!("sub.{h}"),
        EVIL.to_owned(),
        "127.0.0.1".into(),
        "127.1".into(),
        "127.000.000.001".into(),
        "0x7f.0.0.1".into(),
        "0177.0.0.1".into(),
        "2130706433".into(),
        "127.0.0.2".into(),
        "0.0.0.0".into(),
        "[::1]".into(),
        "[0:0:0:0:0:0:0:1]".into(),
        "[::ffff:127.0.0.1]".into(),
        "[::]".into(),
        "localhost".into(),
        "localhost.".into(),
        "LOCALHOST".into(),
        "localtest.me".into(),
        "127.0.0.1.nip.io".into(),
        "l\u{043e}calhost".into(),
        "\u{ff4c}\u{ff4f}\u{ff43}\u{ff41}\u{ff4c}\u{ff48}\u{ff4f}\u{ff53}\u{ff54}".into(),
        "xn--lcalhost-9bg".into(),
        "%6cocalhost".into(),
        "localhost%09".into(),
    ];
    swaps.retain(|candidate| candidate != h);
    for host in swaps {
        out.push(format!("{s}://{host}{port}{r}"));
        out.push(format!("{s}://{host}:53123{r}"));
    }
}

fn ports(p: &Parts<'_>, out: &mut Vec<String>) {
    let (s, h, r) = (p.scheme, p.host, p.rest);
    for port in [
        ":",
        ":0",
        ":00",
        ":80",
        ":443",
        ":8443",
        ":08443",
        ":053123",
        ":65536",
        ":99999",
        ":-1",
        ": 80",
        ":80 ",
        ":+80",
        ":0x50",
        ":1e3",
        ":53123:53124",
        ":53123@",
        ":%35",
        ":1/",
    ] {
        out.push(format!("{s}://{h}{port}{r}"));
    }
    if !is_loopback_http(p) {
        for port in [":1", ":53123", ":8444", ":65535"] {
            out.push(format!("{s}://{h}{port}{r}"));
        }
    }
}

fn queries_and_fragments(registered: &str, out: &mut Vec<String>) {
    let join = if registered.contains('?') { '&' } else { '?' };
    for query in [
        "x=1",
        "",
        "redirect_uri=https://evil.example",
        "code=stolen",
        "next=//evil.example",
        "a=1&b=2",
        "%00",
        "@evil.example",
    ] {
        out.push(format!("{registered}{join}{query}"));
    }
    out.push(format!("{registered}&x=1"));
    out.push(format!("{registered}??"));
    for fragment in [
        "#",
        "#x",
        "#@evil.example",
        "#/callback",
        "#%0d%0a",
        "#?code=1",
    ] {
        out.push(format!("{registered}{fragment}"));
    }
}
