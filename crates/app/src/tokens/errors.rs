//! OAuth errors with Entra's AADSTS codes: the token endpoint renders them as Entra's JSON body,
//! the authorize step as a redirect or an error page.

/// Entra's AADSTS50053 text.
pub const LOCKED_MESSAGE: &str = crate::sign_in::outcome::inline::LOCKED;

/// One failure of the token service, in Entra's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// The OAuth `error` value (`invalid_grant`, `invalid_client`, …).
    pub error: &'static str,
    /// The AADSTS number.
    pub code: u32,
    /// Entra's message, without the `AADSTSnnnnn: ` prefix.
    pub message: String,
    /// 401 for client authentication failures, else 400.
    pub status: u16,
    /// A claims challenge for the client to send back interactively (`interaction_required`).
    pub claims: Option<String>,
}

impl OAuthError {
    fn new(error: &'static str, code: u32, message: impl Into<String>) -> Self {
        Self {
            error,
            code,
            message: message.into(),
            status: 400,
            claims: None,
        }
    }

    /// The same error with a claims challenge.
    pub fn with_claims(self, claims: String) -> Self {
        Self {
            claims: Some(claims),
            ..self
        }
    }

    pub fn tenant_not_found(tenant: &str) -> Self {
        Self::new("invalid_request", 90002, format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."))
    }
    pub fn missing_parameter(name: &str) -> Self {
        Self::new(
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new("invalid_request", 9002313, message)
    }
    pub fn unknown_client(client_id: &str, tenant_name: &str) -> Self {
        Self::new(
            "unauthorized_client",
            700016,
            format!("Application with identifier '{client_id}' was not found in the directory '{tenant_name}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."),
        )
    }
    /// A registration created through Graph whose service principal was not created (yet).
    pub fn missing_service_principal(client_id: &str) -> Self {
        Self {
            status: 401,
            ..Self::new(
                "invalid_client",
                7000229,
                format!("The client application {client_id} is missing service principal in the tenant. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119"),
            )
        }
    }
    pub fn invalid_secret(client_id: &str) -> Self {
        Self { status: 401, ..Self::new("invalid_client", 7000215, format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'.")) }
    }
    /// Smart lockout: refused whatever the credential, until the lockout period ends.
    pub fn account_locked() -> Self {
        Self::new("invalid_grant", 50053, LOCKED_MESSAGE)
    }
    /// Smart lockout of an application's secrets (per app).
    pub fn client_locked() -> Self {
        Self { status: 401, ..Self::new("invalid_client", 50053, "The application is locked because too many invalid client secrets were presented. Try again later.") }
    }
    pub fn secret_required() -> Self {
        Self { status: 401, ..Self::new("invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.") }
    }
    /// A client assertion (`private_key_jwt`) that does not authenticate the client.
    pub fn invalid_client_assertion(code: u32, message: impl Into<String>) -> Self {
        Self {
            status: 401,
            ..Self::new("invalid_client", code, message)
        }
    }
    pub fn public_client_with_secret() -> Self {
        Self { status: 401, ..Self::new("invalid_client", 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.") }
    }
    pub fn unsupported_grant_type(grant: &str) -> Self {
        Self::new(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{grant}'."),
        )
    }
    pub fn scope_not_default(scope: &str) -> Self {
        Self::new(
            "invalid_scope",
            1002012,
            format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."),
        )
    }
    pub fn unknown_resource(resource: &str, tenant_name: &str) -> Self {
        Self::new("invalid_resource", 500011, format!("The resource principal named {resource} was not found in the tenant named {tenant_name}."))
    }
    /// Scopes of more than one resource in one request.
    pub fn incompatible_scopes(scope: &str) -> Self {
        Self::new(
            "invalid_scope",
            70011,
            format!("The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. One or more scopes in '{scope}' are not compatible with each other."),
        )
    }
    /// A delegated scope the resource does not expose.
    pub fn scope_not_on_resource(app_name: &str, scope: &str, resource_app_id: &str) -> Self {
        Self::new(
            "invalid_client",
            650053,
            format!("The application '{app_name}' asked for scope '{scope}' that doesn't exist on the resource '{resource_app_id}'. Contact the app vendor."),
        )
    }
    /// The on-behalf-of grant's `assertion` is not a token this client may exchange.
    pub fn invalid_assertion(code: u32, message: impl Into<String>) -> Self {
        Self::new("invalid_grant", code, message)
    }
    /// A delegated scope that needs admin consent the application does not have (Entra's
    /// `consent_required`; the interactive prompt's AADSTS90094 "needs admin approval").
    pub fn consent_required(client_id: &str, app_name: &str, scopes: &[&str]) -> Self {
        Self::new(
            "invalid_grant",
            65001,
            format!("The user or administrator has not consented to use the application with ID '{client_id}' named '{app_name}'. Send an interactive authorization request for this user and resource. The scopes {} need an administrator's consent for the organization.", scopes.join(", ")),
        )
    }
    pub fn invalid_code() -> Self {
        Self::new(
            "invalid_grant",
            70000,
            "The provided value for the 'code' parameter is not valid.",
        )
    }
    pub fn code_expired() -> Self {
        Self::new("invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
    }
    pub fn code_redeemed() -> Self {
        Self::new("invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
    }
    pub fn redirect_mismatch() -> Self {
        Self::new("invalid_grant", 500112, "The reply address does not match the reply address provided when requesting the authorization code.")
    }
    pub fn pkce_mismatch() -> Self {
        Self::new("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.")
    }
    pub fn pkce_unexpected() -> Self {
        Self::new(
            "invalid_grant",
            501481,
            "A code_verifier was sent but the authorization request carried no code_challenge.",
        )
    }
    pub fn refresh_invalid() -> Self {
        Self::new(
            "invalid_grant",
            9002313,
            "Invalid request. The refresh token is malformed or not valid for this application.",
        )
    }
    pub fn refresh_revoked() -> Self {
        Self::new("invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password, or the refresh token was used twice.")
    }
    pub fn refresh_expired() -> Self {
        Self::new(
            "invalid_grant",
            700082,
            "The refresh token has expired due to inactivity.",
        )
    }
    pub fn password_grant_disabled() -> Self {
        Self::new(
            "unauthorized_client",
            70001,
            "The application is not allowed to use the resource owner password credentials grant.",
        )
    }
    pub fn bad_credentials() -> Self {
        Self::new(
            "invalid_grant",
            50126,
            "Error validating credentials due to invalid username or password.",
        )
    }
    pub fn account_disabled() -> Self {
        Self::new("invalid_grant", 50057, "The user account is disabled.")
    }
    pub fn guest_password_grant() -> Self {
        Self::new("invalid_grant", 50126, "The resource owner password credentials grant is not available for guest accounts; sign in interactively.")
    }
    /// A sign-in policy denied the request (`docs/decisions.md` 15: blocks are `invalid_grant`).
    pub fn denied_by_policy(code: u32, reason: &str) -> Self {
        Self::new("invalid_grant", code, reason)
    }
    /// A sign-in policy needs the user at a browser (MFA, registration, terms of use).
    pub fn interaction_required(code: u32, reason: &str) -> Self {
        Self::new("interaction_required", code, reason)
    }
    /// The device code flow's answers while polling (RFC 8628 §3.5, with Entra's AADSTS codes).
    pub fn authorization_pending() -> Self {
        Self::new(
            "authorization_pending",
            70016,
            "The provided request has not yet been authorized by the user. The user must input their code.",
        )
    }
    pub fn slow_down(interval: i64) -> Self {
        Self::new(
            "slow_down",
            70016,
            format!("The device is polling too fast. Wait at least {interval} seconds between requests."),
        )
    }
    pub fn device_code_expired() -> Self {
        Self::new(
            "expired_token",
            70019,
            "Verification code expired. Have the user retry the sign-in.",
        )
    }
    pub fn authorization_declined() -> Self {
        Self::new(
            "authorization_declined",
            70000,
            "The user declined the authorization request on the device login page.",
        )
    }
    pub fn bad_verification_code() -> Self {
        Self::new(
            "bad_verification_code",
            70018,
            "The provided value for the input parameter 'device_code' is not valid.",
        )
    }
    pub fn device_code_redeemed() -> Self {
        Self::new(
            "invalid_grant",
            54005,
            "The device code was already redeemed; start a new device code flow.",
        )
    }
    pub fn server_error() -> Self {
        Self {
            status: 500,
            ..Self::new(
                "temporarily_unavailable",
                90033,
                "A transient error has occurred. Please try again.",
            )
        }
    }
}

impl std::fmt::Display for OAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AADSTS{}: {}", self.code, self.message)
    }
}
