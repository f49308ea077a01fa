//! What the HTTP request tells the policy engine: the client's address and software, tenant
//! restriction headers added by a proxy or device, and (dev mode only) simulated device state.

use portico_policy::facts::{ClientAppType, DeviceClaims, Platform};
use std::net::IpAddr;

/// The parts of a sign-in request the policies look at. HTTP fills it; tests and what-if may too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientRequest {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    /// `Restrict-Access-To-Tenants` (tenant restrictions v1).
    pub restrict_access_to_tenants: Option<String>,
    /// `Restrict-Access-Context`: the tenant whose v1 policy this is.
    pub restrict_access_context: Option<String>,
    /// `sec-Restrict-Tenant-Access-Policy: <tenant id>:<policy id>` (tenant restrictions v2).
    pub restrict_tenant_access_policy: Option<String>,
    /// Dev mode: the `Portico-Device` header (`compliant`, `domainJoined`), standing in for the
    /// device state a home tenant would assert. Ignored outside dev mode.
    pub simulated_device: Option<DeviceClaims>,
}

impl ClientRequest {
    /// The device platform, from the User-Agent (as Entra derives it).
    pub fn platform(&self) -> Option<Platform> {
        let agent = self.user_agent.as_deref()?.to_ascii_lowercase();
        let platform = if agent.contains("windows phone") {
            Platform::WindowsPhone
        } else if agent.contains("android") {
            Platform::Android
        } else if agent.contains("iphone") || agent.contains("ipad") || agent.contains("ios") {
            Platform::Ios
        } else if agent.contains("windows") {
            Platform::Windows
        } else if agent.contains("mac os") || agent.contains("macintosh") {
            Platform::MacOs
        } else if agent.contains("linux") || agent.contains("x11") {
            Platform::Linux
        } else {
            return None;
        };
        Some(platform)
    }

    /// Parses the `Portico-Device` header value: a comma-separated list of states.
    pub fn parse_device(value: &str) -> DeviceClaims {
        let has = |word: &str| {
            value
                .split(',')
                .any(|part| part.trim().eq_ignore_ascii_case(word))
        };
        DeviceClaims {
            compliant: has("compliant"),
            domain_joined: has("domainJoined"),
        }
    }
}

/// Browser pages versus token-endpoint clients.
pub fn client_app_type(interactive: bool) -> ClientAppType {
    if interactive {
        ClientAppType::Browser
    } else {
        ClientAppType::MobileAppsAndDesktopClients
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_come_from_the_user_agent() {
        let cases = [
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
                Some(Platform::Ios),
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8)",
                Some(Platform::Android),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
                Some(Platform::Windows),
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)",
                Some(Platform::MacOs),
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome",
                Some(Platform::Linux),
            ),
            ("python-requests/2.32", None),
        ];
        for (agent, platform) in cases {
            let request = ClientRequest {
                user_agent: Some(agent.into()),
                ..Default::default()
            };
            assert_eq!(request.platform(), platform, "{agent}");
        }
    }

    #[test]
    fn device_states_are_a_list() {
        assert_eq!(
            ClientRequest::parse_device("compliant, domainjoined"),
            DeviceClaims {
                compliant: true,
                domain_joined: true
            }
        );
        assert_eq!(
            ClientRequest::parse_device("unknown"),
            DeviceClaims::default()
        );
    }
}
