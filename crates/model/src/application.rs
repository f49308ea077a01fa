//! Applications (app registrations with their service principal folded in), secrets and
//! redirect URIs.

use crate::{ClientId, ObjectId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A redirect URI that passed registration checks (RFC 9700 §2.6): absolute, `https` (or `http`
/// on a loopback host), no fragment, no user info, no control characters. Compared byte for byte.
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
        let fail = |reason| {
            Err(RedirectUriError {
                uri: text.to_owned(),
                reason,
            })
        };
        if text.is_empty() || text.len() > 2048 {
            return fail("length must be 1 to 2048 characters");
        }
        if text
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        {
            return fail("whitespace, control characters and backslashes are not allowed");
        }
        if text.contains('#') {
            return fail("fragments are not allowed");
        }
        let (scheme, rest) = match text.split_once("://") {
            Some(parts) => parts,
            None => return fail("must be an absolute URI"),
        };
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        if authority.contains('@') {
            return fail("user info is not allowed");
        }
        let host = host_of(authority);
        if host.is_empty() {
            return fail("must name a host");
        }
        match scheme {
            "https" => Ok(Self(text.to_owned())),
            "http" if is_loopback(host) => Ok(Self(text.to_owned())),
            "http" => fail("http is allowed only for loopback hosts"),
            _ => fail("the scheme must be https (or http on loopback)"),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Exact match, except that a loopback redirect may use any port (RFC 8252 §7.3).
    pub fn matches(&self, requested: &str) -> bool {
        if self.0 == requested {
            return true;
        }
        let strip_port = |uri: &str| -> Option<String> {
            let rest = uri.strip_prefix("http://")?;
            let (authority, path) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
            let host = host_of(authority);
            is_loopback(host).then(|| format!("http://{host}{path}"))
        };
        matches!((strip_port(&self.0), strip_port(requested)), (Some(a), Some(b)) if a == b)
    }
}

fn host_of(authority: &str) -> &str {
    if let Some(end) = authority.strip_prefix('[').and_then(|a| a.find(']')) {
        return &authority[..end + 2];
    }
    authority.split(':').next().unwrap_or_default()
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
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

/// A client secret. Only its SHA-256 is stored: secrets are high-entropy, so a fast hash compared
/// in constant time is the right check (a password KDF would only cost throughput).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSecret {
    pub id: ObjectId,
    pub display_name: Option<String>,
    /// The first three characters, as Entra shows them.
    pub hint: String,
    pub sha256_hex: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// An application registered in a tenant, together with its service principal's settings there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub id: ObjectId,
    pub client_id: ClientId,
    pub display_name: String,
    pub redirect_uris: Vec<RedirectUri>,
    pub public_client: bool,
    /// "User assignment required": only assigned users (or members of assigned groups) may sign in.
    pub assignment_required: bool,
    /// The resource-owner password grant, off unless the app explicitly enables it.
    pub allow_password_grant: bool,
    /// Microsoft Graph application permissions granted to the app (e.g. `User.Read.All`).
    pub graph_app_permissions: Vec<String>,
    pub secrets: Vec<ClientSecret>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_loopback_http() {
        for ok in [
            "https://localhost:8443/portico/callback",
            "http://localhost",
            "http://127.0.0.1:3000/cb",
            "https://app.contoso.com/signin-oidc?x=1",
            "http://[::1]:9/cb",
        ] {
            assert!(RedirectUri::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_dangerous_forms() {
        for bad in [
            "",
            "javascript:alert(1)",
            "JaVaScRiPt://x",
            "data:text/html,x",
            "http://evil.com/cb",
            "https://a.com/cb#frag",
            "https://user@a.com/cb",
            "https://a.com@evil.com/",
            "https://a.com/ cb",
            "https://a.com/\tcb",
            "https://a.com\\@evil.com",
            "ftp://a.com",
            "https:///path",
            "/relative",
        ] {
            assert!(RedirectUri::parse(bad).is_err(), "{bad:?}");
        }
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
        ] {
            assert!(!registered.matches(other), "{other}");
        }
        let native = RedirectUri::parse("http://localhost").unwrap();
        assert!(native.matches("http://localhost:53000"));
        assert!(!native.matches("http://localhost.evil.com"));
        assert!(!native.matches("http://localhost:53000/other"));
    }
}
