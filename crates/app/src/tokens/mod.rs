//! The token service: keys, JWTs, grants, `/authorize` and single sign-on. The interactive
//! sign-in's pages are `crate::sign_in`.

pub mod certificate;
pub mod errors;
pub mod flow;
pub mod jwt;
pub mod key_certificate;
pub mod keys;
pub mod managed_identity;
pub mod master_key;
pub mod mint;
pub mod totp;

mod api_access;
mod assertion;
mod authenticator;
mod authorize;
mod client;
mod consent;
mod device;
mod federated;
mod grants;
mod issue;
pub(crate) mod lockout;
mod logout;
mod multi_tenant;
mod obo;
mod resource;
mod sign_up;
mod verify;

pub use assertion::JWT_BEARER;
pub(crate) use device::approve_write as device_approval;
pub use device::{refusal as device_refusal, DeviceAuthorization, DeviceLogin, DeviceLoginAction};
pub use grants::{TokenRequest, TokenResponse, DEVICE_CODE_GRANT};
pub use issue::GRAPH_AUDIENCE;
pub use lockout::LockoutView;
pub use logout::LogoutHint;
pub(crate) use resource::names_app as names_api;
pub use resource::{names_graph, GRAPH_APP_ID};
pub use verify::{AccessTokenClaims, TokenRejected};

use chrono::Duration;

/// Lifetimes of what the token service issues (Entra's defaults).
#[derive(Debug, Clone)]
pub struct TokenLifetimes {
    /// Access tokens live between these two, at random, as in Entra (60–90 minutes).
    pub access_min: Duration,
    pub access_max: Duration,
    pub id_token: Duration,
    pub code: Duration,
    pub refresh: Duration,
    pub session: Duration,
    pub persistent_session: Duration,
    pub login_flow: Duration,
}

impl Default for TokenLifetimes {
    fn default() -> Self {
        Self {
            access_min: Duration::minutes(60),
            access_max: Duration::minutes(90),
            id_token: Duration::minutes(60),
            code: Duration::seconds(60),
            refresh: Duration::days(90),
            session: Duration::hours(24),
            persistent_session: Duration::days(90),
            login_flow: Duration::minutes(30),
        }
    }
}
