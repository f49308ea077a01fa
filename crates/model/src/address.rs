//! Names and addresses: domains, e-mail addresses, user principal names and proxy addresses.
//!
//! Entra accepts a narrower syntax than RFC 5322 (no quoted local parts, no IP-literal domains),
//! so these validators are deliberately strict. Comparisons are case-insensitive: use
//! [`EmailAddress::normalized`] and friends as keys, and keep the original spelling for display.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a name or address was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("'{0}' is not a valid domain name")]
    Domain(String),
    #[error("'{0}' is not a valid e-mail address")]
    Email(String),
    #[error("'{0}' is not a valid user principal name")]
    Upn(String),
    #[error("'{0}' is not a valid proxy address (expected SMTP:address or smtp:address)")]
    Proxy(String),
}

const MAX_DOMAIN_LEN: usize = 253;
const MAX_LOCAL_LEN: usize = 64;
const MAX_ADDRESS_LEN: usize = 254;

fn is_valid_domain(text: &str) -> bool {
    if text.is_empty() || text.len() > MAX_DOMAIN_LEN || !text.contains('.') {
        return false;
    }
    text.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    }) && !text
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
}

fn is_valid_local_part(local: &str, extra: &[char]) -> bool {
    const ATEXT: &[char] = &[
        '!', '#', '$', '%', '&', '\'', '*', '+', '-', '/', '=', '?', '^', '_', '`', '{', '|', '}',
        '~',
    ];
    !local.is_empty()
        && local.len() <= MAX_LOCAL_LEN
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| {
            c.is_ascii_alphanumeric() || c == '.' || ATEXT.contains(&c) || extra.contains(&c)
        })
}

fn split_address(text: &str) -> Option<(&str, &str)> {
    let (local, domain) = text.rsplit_once('@')?;
    (!local.contains('@')).then_some((local, domain))
}

/// A DNS domain name such as `contoso.com`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DomainName(String);

impl DomainName {
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        let trimmed = text.trim();
        if is_valid_domain(trimmed) {
            Ok(Self(trimmed.to_ascii_lowercase()))
        } else {
            Err(AddressError::Domain(text.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A routable e-mail address (`local@domain`). The spelling is kept; equality ignores case.
#[derive(Debug, Clone, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        let trimmed = text.trim();
        let valid = trimmed.len() <= MAX_ADDRESS_LEN
            && split_address(trimmed).is_some_and(|(local, domain)| {
                is_valid_local_part(local, &[]) && is_valid_domain(domain)
            });
        if valid {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(AddressError::Email(text.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The comparison key: the whole address in lower case.
    pub fn normalized(&self) -> String {
        self.0.to_ascii_lowercase()
    }
    pub fn local_part(&self) -> &str {
        split_address(&self.0).map_or("", |(local, _)| local)
    }
    pub fn domain(&self) -> DomainName {
        let domain = split_address(&self.0).map_or("", |(_, domain)| domain);
        DomainName(domain.to_ascii_lowercase())
    }
}

impl PartialEq for EmailAddress {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl std::hash::Hash for EmailAddress {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.normalized().hash(state);
    }
}

/// A user principal name. Like an e-mail address, but the local part may carry the `#EXT#`
/// marker of guest accounts (`alice_fabrikam.com#EXT#@contoso.onmicrosoft.com`).
#[derive(Debug, Clone, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Upn(String);

impl Upn {
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        let trimmed = text.trim();
        let valid = split_address(trimmed).is_some_and(|(local, domain)| {
            (is_valid_local_part(local, &['#']) || is_guest_local(local)) && is_valid_domain(domain)
        });
        if valid {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(AddressError::Upn(text.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn normalized(&self) -> String {
        self.0.to_ascii_lowercase()
    }
    pub fn domain(&self) -> DomainName {
        let domain = split_address(&self.0).map_or("", |(_, domain)| domain);
        DomainName(domain.to_ascii_lowercase())
    }
    /// Guest accounts' UPNs carry `#EXT#` before the `@`.
    pub fn is_external(&self) -> bool {
        self.0.to_ascii_uppercase().contains("#EXT#@")
    }
    /// A UPN read as an e-mail address, when it is one. Guest (`#EXT#`) UPNs are not: nobody
    /// receives mail there.
    pub fn as_email(&self) -> Option<EmailAddress> {
        if self.is_external() {
            return None;
        }
        EmailAddress::parse(&self.0).ok()
    }
}

/// Guest UPN local parts are `{address with @ as _}` + optional digits + `#EXT#`, longer than 64.
fn is_guest_local(local: &str) -> bool {
    let upper = local.to_ascii_uppercase();
    upper.ends_with("#EXT#")
        && local.len() <= 113
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+'!#^~".contains(c))
}

impl PartialEq for Upn {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

/// An Exchange proxy address: `SMTP:` marks the primary address, `smtp:` a secondary one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProxyAddress {
    pub primary: bool,
    pub address: EmailAddress,
}

impl ProxyAddress {
    pub fn primary(address: EmailAddress) -> Self {
        Self {
            primary: true,
            address,
        }
    }
    pub fn secondary(address: EmailAddress) -> Self {
        Self {
            primary: false,
            address,
        }
    }
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        let err = || AddressError::Proxy(text.to_owned());
        let (prefix, rest) = text.trim().split_once(':').ok_or_else(err)?;
        let primary = match prefix {
            "SMTP" => true,
            "smtp" => false,
            _ => return Err(err()),
        };
        let address = EmailAddress::parse(rest).map_err(|_| err())?;
        Ok(Self { primary, address })
    }
}

macro_rules! string_conversions {
    ($name:ident) => {
        impl TryFrom<String> for $name {
            type Error = AddressError;
            fn try_from(text: String) -> Result<Self, AddressError> {
                Self::parse(&text)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.to_string()
            }
        }
        impl std::str::FromStr for $name {
            type Err = AddressError;
            fn from_str(text: &str) -> Result<Self, AddressError> {
                Self::parse(text)
            }
        }
    };
}
string_conversions!(DomainName);
string_conversions!(EmailAddress);
string_conversions!(Upn);
string_conversions!(ProxyAddress);

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Display for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Display for ProxyAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = if self.primary { "SMTP" } else { "smtp" };
        write!(f, "{prefix}:{}", self.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses() {
        for ok in [
            "alice@fabrikam.com",
            "user1_tokyo@adatum.com",
            "a.b+c@x.example.net",
            "O'Neil@contoso.com",
        ] {
            assert!(EmailAddress::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "alice",
            "@fabrikam.com",
            "alice@",
            "a@@b.com",
            "a..b@c.com",
            ".a@c.com",
            "a@c",
            "a@-c.com",
            "a@c..com",
            "a b@c.com",
            "\"q\"@c.com",
            "a@[1.2.3.4]",
            "a@1.2.3.4",
            "a@c.com\r\nBcc: x@y.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn email_equality_ignores_case_but_keeps_spelling() {
        let a = EmailAddress::parse("Alice@Fabrikam.com").unwrap();
        let b = EmailAddress::parse("alice@fabrikam.COM").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "Alice@Fabrikam.com");
        assert_eq!(a.normalized(), "alice@fabrikam.com");
        assert_eq!(a.domain().as_str(), "fabrikam.com");
    }

    #[test]
    fn upns_accept_guest_form() {
        let guest = Upn::parse("alice_fabrikam.com#EXT#@contoso.onmicrosoft.com").unwrap();
        assert!(guest.is_external());
        assert!(guest.as_email().is_none());
        let member = Upn::parse("megan@contoso.com").unwrap();
        assert!(!member.is_external());
        assert_eq!(member.domain().as_str(), "contoso.com");
        for bad in [
            "megan",
            "megan@",
            "me gan@contoso.com",
            "a@b@contoso.com",
            "x@contoso",
        ] {
            assert!(Upn::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn proxy_addresses_keep_primary_flag() {
        let p = ProxyAddress::parse("SMTP:user1@adatum.com").unwrap();
        assert!(p.primary);
        let s = ProxyAddress::parse("smtp:user1_tokyo@adatum.com").unwrap();
        assert!(!s.primary);
        assert_eq!(s.to_string(), "smtp:user1_tokyo@adatum.com");
        for bad in [
            "user1@adatum.com",
            "X500:/o=foo",
            "Smtp:a@b.com",
            "SMTP:not-an-address",
        ] {
            assert!(ProxyAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn domains() {
        assert_eq!(
            DomainName::parse("Contoso.COM").unwrap().as_str(),
            "contoso.com"
        );
        for bad in [
            "", "contoso", "-a.com", "a-.com", "a..com", "a_b.com", "1.2.3.4",
        ] {
            assert!(DomainName::parse(bad).is_err(), "{bad}");
        }
    }
}
