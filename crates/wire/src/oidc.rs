//! OpenID Connect documents as Entra shapes them: discovery, the key set, MSAL's instance
//! discovery, and the token endpoint's error body.

use serde::Serialize;
use serde_json::{json, Value};

/// Where one authority's endpoints are: `base` is the public URL with its final `/`, `path` the
/// tenant id or multi-tenant segment, `issuer` the authority's issuer.
pub struct Authority<'a> {
    pub base: &'a str,
    pub path: &'a str,
    pub issuer: &'a str,
    /// The grant types the token endpoint takes (their OAuth names).
    pub grant_types: &'a [&'a str],
}

/// `/{tenant}/v2.0/.well-known/openid-configuration`.
pub fn openid_configuration(authority: &Authority<'_>) -> Value {
    let Authority {
        base,
        path,
        issuer,
        grant_types,
    } = authority;
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}{path}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}{path}/oauth2/v2.0/token"),
        "end_session_endpoint": format!("{base}{path}/oauth2/v2.0/logout"),
        "device_authorization_endpoint": format!("{base}{path}/oauth2/v2.0/devicecode"),
        "jwks_uri": format!("{base}{path}/discovery/v2.0/keys"),
        "userinfo_endpoint": format!("{base}oidc/userinfo"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": grant_types,
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "name", "preferred_username", "email", "oid", "tid", "idp", "acct", "ver"],
        "authorization_response_iss_parameter_supported": true,
        "request_uri_parameter_supported": false,
        "frontchannel_logout_supported": false,
        "tenant_region_scope": "NA",
        "cloud_instance_name": base.trim_end_matches('/').trim_start_matches("https://"),
    })
}

/// `/{tenant}/discovery/v2.0/keys`: `{"keys": [...]}`.
pub fn key_set<K: Serialize>(keys: &[K]) -> Value {
    json!({ "keys": keys })
}

/// `/common/discovery/instance`: MSAL's instance discovery, for this host only.
pub fn instance_discovery(base: &str, tenant: &str) -> Value {
    let host = base.trim_end_matches('/').trim_start_matches("https://");
    json!({
        "tenant_discovery_endpoint": format!("{base}{tenant}/v2.0/.well-known/openid-configuration"),
        "api-version": "1.1",
        "metadata": [{ "preferred_network": host, "preferred_cache": host, "aliases": [host] }],
    })
}

/// Entra's token error body (`AADSTS…` in the description and `error_codes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenError {
    pub error: String,
    pub error_description: String,
    pub error_codes: Vec<u32>,
    pub timestamp: String,
    pub trace_id: String,
    pub correlation_id: String,
    pub error_uri: String,
    /// The claims challenge of an `interaction_required` answer (Conditional Access).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<String>,
}
