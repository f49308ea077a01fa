//! Redirect URIs: the registration rules and the one matcher every redirect goes through
//! (`/authorize`, logout's `post_logout_redirect_uri`, restricted `inviteRedirectUrl`s).
//!
//! Matching is an exact string comparison (RFC 9700 §2.1: no case folding, no normalisation),
//! except for `http` loopback redirects of native apps, whose port may vary (RFC 8252 §7.3). Those
//! are compared as parsed URLs (the `url` crate) and only when the requested text is exactly what
//! the parser serialises, so nothing but the port can differ: no user info, no second `@`, no
//! encoded dots, no other spelling of the host.

use serde::{Deserialize, Serialize};
use std::fmt;
use url::{Host, Position, Url};

const MAX_LENGTH: usize = 2048;

/// A redirect URI that passed registration checks (RFC 9700 §2.6): absolute, `https` (or `http`
/// on a loopback host), ASCII, no fragment, no user info, no whitespace or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RedirectUri(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{uri}' is not an acceptable redirect URI: {reason}")]
pub struct RedirectUriError {
    pub uri: String,
    pub reason: &'static str,
}

impl RedirectUri {
    pub fn parse(text: &str) -> Result<Self, RedirectUriError> {
        let url = check_target(text)?;
        let fail = |reason| {
            Err(RedirectUriError {
                uri: text.to_owned(),
                reason,
            })
        };
        if text.contains('#') || url.fragment().is_some() {
            return fail("fragments are not allowed");
        }
        // A loopback URI is compared by its parts, so it must be written as the parser writes it.
        if is_loopback_http(&url) && !serialises_to(&url, text) {
            return fail("a loopback URI must be in canonical form (lower case, no default port, no dot segments)");
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `requested` may be used where this URI is registered: byte for byte equal, or
    /// both `http` loopback URIs that differ only in the port (RFC 8252 §7.3). An empty path and
    /// `/` are the same path there, as the URL standard writes both as `/`.
    pub fn matches(&self, requested: &str) -> bool {
        if self.0 == requested {
            return true;
        }
        match (without_port(&self.0), without_port(requested)) {
            (Some(registered), Some(requested)) => registered == requested,
            _ => false,
        }
    }
}

/// The rules every redirect target shares (registered redirect URIs and `inviteRedirectUrl`):
/// an absolute `https` URL, or `http` on a loopback host, written in ASCII, naming a host, with
/// no user info, whitespace, control characters or backslashes. Returns the parsed URL.
pub fn check_target(text: &str) -> Result<Url, RedirectUriError> {
    let fail = |reason| RedirectUriError {
        uri: text.to_owned(),
        reason,
    };
    if text.is_empty() || text.len() > MAX_LENGTH {
        return Err(fail("length must be 1 to 2048 characters"));
    }
    if !text.is_ascii() {
        return Err(fail(
            "only ASCII is allowed (write an international domain name in its xn-- form)",
        ));
    }
    if text
        .chars()
        .any(|c| c.is_ascii_control() || c.is_ascii_whitespace() || c == '\\')
    {
        return Err(fail(
            "whitespace, control characters and backslashes are not allowed",
        ));
    }
    let url = Url::parse(text).map_err(|_| fail("must be an absolute URI"))?;
    // `https:host` and `https:/host` parse too; only the plain `scheme://` spelling is accepted,
    // and the scheme in lower case, so `JaVaScRiPt:` or `HTTPS:` never reach a browser.
    let authority = text
        .strip_prefix(&format!("{}://", url.scheme()))
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .ok_or_else(|| fail("must be an absolute URI starting with https:// or http://"))?;
    if authority.contains('@') || !url.username().is_empty() || url.password().is_some() {
        return Err(fail("user info is not allowed"));
    }
    if authority.is_empty() || url.host().is_none() {
        return Err(fail("must name a host"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback_http(&url) => Ok(url),
        "http" => Err(fail("http is allowed only for loopback hosts")),
        _ => Err(fail("the scheme must be https (or http on loopback)")),
    }
}

/// `localhost`, `127.0.0.1` or `[::1]` over `http`: the native-app redirects of RFC 8252 §7.3.
fn is_loopback_http(url: &Url) -> bool {
    url.scheme() == "http"
        && match url.host() {
            Some(Host::Domain(name)) => name == "localhost",
            Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
            Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
            None => false,
        }
}

/// Whether `text` is exactly the parser's serialisation of `url` (allowing `http://h:1` for
/// `http://h:1/`, the one spelling the URL standard adds a character to).
fn serialises_to(url: &Url, text: &str) -> bool {
    if url.as_str() == text {
        return true;
    }
    url.path() == "/"
        && format!(
            "{}{}",
            &url[..Position::BeforePath],
            &url[Position::AfterPath..]
        ) == text
}

/// A canonical `http` loopback URI with its port removed; `None` for anything else.
fn without_port(text: &str) -> Option<String> {
    if text.len() > MAX_LENGTH || !text.is_ascii() {
        return None;
    }
    let mut url = Url::parse(text).ok()?;
    let plain = is_loopback_http(&url)
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none()
        && serialises_to(&url, text);
    if !plain {
        return None;
    }
    url.set_port(None).ok()?;
    Some(url.into())
}

impl TryFrom<String> for RedirectUri {
    type Error = RedirectUriError;
    fn try_from(text: String) -> Result<Self, RedirectUriError> {
        Self::parse(&text)
    }
}
impl From<RedirectUri> for String {
    fn from(uri: RedirectUri) -> String {
        uri.0
    }
}
impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
