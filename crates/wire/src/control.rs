//! The control API (`/portico/v1/…`), dev mode only. These shapes are fixed by the product spec:
//! tests and tutorials script them.

use serde::{Deserialize, Serialize};

/// `GET /portico/v1/clock` and the answer to `POST`:
/// `{"now": "2026-03-01T00:00:00Z", "frozen": false}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub now: String,
    /// The clock stands still (it moves only when set or advanced).
    pub frozen: bool,
}

/// `POST /portico/v1/clock`: at most one of `now` (RFC 3339) or `advanceSeconds`, and
/// optionally `frozen` (applied first, so `{"now": …, "frozen": true}` stops it exactly there).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClockChange {
    pub now: Option<String>,
    pub advance_seconds: Option<i64>,
    pub frozen: Option<bool>,
}

/// `GET /portico/v1/outbox?to=…`: `{"value": [...]}`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    pub value: Vec<OutboxMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    pub id: String,
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub links: Vec<String>,
    pub sent_date_time: String,
}

/// `GET /portico/v1/tenants/{tenant}`: how Portico resolved a tenant id or domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: String,
    pub display_name: String,
    pub initial_domain: String,
    pub verified_domains: Vec<String>,
}

/// `GET /healthz` and `GET /readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
}

/// `POST /portico/v1/tenants/{tenant}/users/{user}/signInRisk`: `{"level": "high"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInRiskChange {
    /// `none`, `low`, `medium` or `high`.
    pub level: String,
}

/// The answer: the user's stored risk, with the simulated sign-in risk just set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInRiskState {
    pub tenant_id: String,
    pub user_id: String,
    /// The sign-in risk the user's next sign-ins in this tenant are given.
    pub sign_in_risk_level: String,
    /// The user risk kept for the user in this tenant (Identity Protection's riskyUser).
    pub risk_level: String,
    pub risk_state: String,
    pub risk_detail: String,
}

/// `GET /portico/v1/tenants/{tenant}/lockouts`: the tenant's smart lockout counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lockouts {
    pub value: Vec<Lockout>,
}

/// One counter: an account (`user:<object id>` or `app:<client id>`) from familiar addresses or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lockout {
    pub account: String,
    pub familiar_location: bool,
    pub failures: u32,
    pub lockouts: u32,
    pub locked: bool,
    pub locked_until: Option<String>,
}

/// `POST /portico/v1/tenants/{tenant}/keys/rotate`: the new signing key and when it signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RotatedKey {
    pub kid: String,
    /// RFC 3339; until then the current key keeps signing.
    pub active_from: String,
}

/// `POST /portico/v1/tenants/{tenant}/applications/{appId}/keyCredentials`: a certificate for
/// `private_key_jwt` client assertions — `key` is the certificate (base64 DER, as Graph's
/// `keyCredential.key`, or PEM).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyCredentialAdd {
    pub key: String,
    pub display_name: Option<String>,
}

/// The registered key credential, in Graph's `keyCredential` names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyCredentialAdded {
    pub key_id: String,
    pub display_name: Option<String>,
    /// The certificate's SHA-1 thumbprint, upper-case hex (what the Entra portal shows).
    pub custom_key_identifier: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub usage: String,
    pub start_date_time: Option<String>,
    pub end_date_time: Option<String>,
}
