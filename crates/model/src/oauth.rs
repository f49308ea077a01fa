//! Short-lived protocol state of the token service: sign-in flows in progress, sessions,
//! authorization codes and refresh tokens. Every secret is stored as its SHA-256 only; the
//! `*_hash` fields are those digests and also the keys the store finds them by.

use crate::{ClientId, ObjectId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a browser sign-in stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "camelCase")]
pub enum FlowStep {
    /// Asking for the account name.
    Identify,
    /// The account is known; asking for its password.
    Password { user_id: ObjectId },
    /// A policy asks for MFA and the user has no authenticator in this tenant: register one
    /// (secret shown once). `guest` carries a guest's home sign-in on to what follows.
    RegisterMfa {
        user_id: ObjectId,
        /// The new authenticator's secret, sealed with the master key (`sealed:…`).
        secret_base32: String,
        #[serde(default)]
        guest: Option<GuestContinuation>,
    },
    /// A policy asks for MFA: a code from the authenticator registered in this tenant.
    ChallengeMfa {
        user_id: ObjectId,
        #[serde(default)]
        guest: Option<GuestContinuation>,
    },
    /// A Conditional Access policy requires these terms of use, not yet accepted.
    AcceptTerms {
        user_id: ObjectId,
        terms: Vec<ObjectId>,
        amr: Vec<String>,
        #[serde(default)]
        guest: Option<GuestContinuation>,
    },
    /// No account has this address in a tenant that allows self-service sign-up: offer one.
    SignUp { email: String },
    /// A guest signs in at home: the home account's password.
    HomePassword {
        guest_id: ObjectId,
        home_tenant: crate::TenantId,
        home_user: ObjectId,
    },
    /// A guest's home tenant requires MFA: challenge (or register, with the secret shown).
    HomeMfa {
        guest_id: ObjectId,
        home_tenant: crate::TenantId,
        home_user: ObjectId,
        /// A registration's new secret, sealed with the master key; `None` for a challenge.
        register_secret: Option<String>,
    },
    /// A guest without a home tenant: a one-time passcode mailed to the address.
    OneTimePasscode {
        guest_id: ObjectId,
        address: String,
        code_sha256_hex: String,
        expires_at: DateTime<Utc>,
    },
    /// A guest signs in at an external OpenID Connect provider; `state_sha256_hex` and the PKCE
    /// verifier tie its answer to this flow.
    Federated {
        guest_id: ObjectId,
        issuer: String,
        address: String,
        state_sha256_hex: String,
        nonce: String,
        verifier: String,
    },
    /// First sign-in of a guest: "review permissions", then redemption.
    Consent {
        guest_id: ObjectId,
        home: HomeRef,
        amr: Vec<String>,
    },
}

/// A guest's sign-in so far: the home account that proved itself and how (`amr`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestContinuation {
    pub home: HomeRef,
    pub amr: Vec<String>,
}

/// The home account a guest authenticated with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum HomeRef {
    Tenant {
        tenant_id: crate::TenantId,
        user_id: ObjectId,
    },
    Mail {
        address: String,
    },
    /// An external provider's account, known by the verified address it asserted.
    Federated {
        issuer: String,
        address: String,
    },
}

/// What a sign-in flow is for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FlowPurpose {
    /// An `/authorize` request: ends with a code sent to the client.
    #[default]
    Authorize,
    /// An invitation's redeem link: ends at the invitation's redirect URL.
    Redeem { invitation_id: ObjectId },
    /// The tenant's direct sign-in link (`/{tenant}`): ends on a signed-in page.
    Portal,
    /// The device code flow's verification page: ends by approving the device code (its
    /// SHA-256 hex) for the signed-in user, on a "you may close this window" page.
    DeviceCode { device_code_hash: String },
}

/// An authorization request being served by the sign-in pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginFlow {
    pub flow_hash: String,
    /// Forms must echo this (on top of the SameSite flow cookie).
    pub csrf_token: String,
    pub request: AuthorizationRequest,
    #[serde(default)]
    pub purpose: FlowPurpose,
    pub step: FlowStep,
    /// "Stay signed in" was ticked.
    pub keep_signed_in: bool,
    /// Codes tried so far, all steps together; the flow ends at the limit. The store's counter
    /// column is the truth: it is claimed atomically before each code is checked, and writing
    /// the flow never changes it.
    #[serde(default)]
    pub failed_attempts: u32,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A validated `/authorize` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationRequest {
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    /// `query` or `form_post`.
    pub response_mode: String,
    pub login_hint: Option<String>,
    pub max_age: Option<i64>,
}

/// A signed-in browser session with one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub session_hash: String,
    pub user_id: ObjectId,
    pub auth_time: DateTime<Utc>,
    /// Authentication methods used: `pwd`, `otp`, `mfa`.
    pub amr: Vec<String>,
    pub persistent: bool,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An issued authorization code, single use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationCode {
    pub code_hash: String,
    /// Refresh tokens issued from this code belong to this family: reusing the code revokes it.
    pub family_id: ObjectId,
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub user_id: ObjectId,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: DateTime<Utc>,
    pub amr: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub redeemed_at: Option<DateTime<Utc>>,
    /// The session the code was issued in (`session_state`), for the ID token's `sid`.
    #[serde(default)]
    pub session_id: Option<String>,
}

/// An issued refresh token. Rotation marks it used and issues the next of the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshToken {
    pub token_hash: String,
    pub family_id: ObjectId,
    pub client_id: ClientId,
    pub user_id: ObjectId,
    pub scopes: Vec<String>,
    pub auth_time: DateTime<Utc>,
    pub amr: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub rotated_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Where a device code (RFC 8628) stands. The store's `status` column is the truth and moves
/// only forward, by compare-and-set: pending → approved or declined, approved → redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeviceCodeStatus {
    Pending,
    Approved,
    Declined,
    Redeemed,
}

impl DeviceCodeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Declined => "declined",
            Self::Redeemed => "redeemed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Approved,
            Self::Declined,
            Self::Redeemed,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// Who approved a device code, and how they signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceApproval {
    pub user_id: ObjectId,
    pub auth_time: DateTime<Utc>,
    pub amr: Vec<String>,
}

/// A device authorization request: the device polls with the device code (stored as its
/// SHA-256), the user types the user code (stored as the SHA-256 of its normalised form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCode {
    pub device_code_hash: String,
    pub user_code_hash: String,
    pub client_id: ClientId,
    pub scopes: Vec<String>,
    /// The polling interval the device was told, in seconds.
    pub interval_seconds: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Read from the store's column; ignored in the stored document.
    pub status: DeviceCodeStatus,
    pub approval: Option<DeviceApproval>,
    pub polled_at: Option<DateTime<Utc>>,
}
