//! What a sign-in step answers: the page to show, where the browser goes, or an error page. A
//! leaf module — it imports nothing of the flow — holding the catalogue of the sign-in's error
//! pages (each page's AADSTS code, title, message and remedy in one place, as `tokens/errors.rs`
//! is for OAuth errors) and of the messages shown on a page that asks again.

use portico_model::tenant::Tenant;
use portico_model::TenantId;

/// Which page to show, with what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Identify {
        login_hint: Option<String>,
    },
    Password {
        username: String,
    },
    RegisterMfa {
        username: String,
        secret_base32: String,
    },
    ChallengeMfa {
        username: String,
    },
    SignUp {
        email: String,
    },
    /// A one-time passcode was mailed to `address`.
    Passcode {
        address: String,
    },
    /// "Review permissions" before a guest's first access.
    Consent {
        organization: String,
        username: String,
    },
    /// Terms of use a Conditional Access policy requires.
    Terms {
        agreements: Vec<AgreementView>,
    },
}

/// A terms-of-use agreement as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementView {
    pub id: String,
    pub display_name: String,
    pub text: String,
}

/// A page to render for a flow in progress.
#[derive(Debug, Clone)]
pub struct ShownPage {
    pub page: Page,
    pub tenant: Tenant,
    pub app_name: String,
    /// The flow's secret: goes in the form and in the flow cookie.
    pub flow_secret: String,
    pub csrf: String,
    /// An error to show on the page (AADSTS code, message).
    pub error: Option<(u32, String)>,
    /// Where the flow ends: the page's forms may lead there (CSP `form-action`).
    pub redirect_uri: String,
}

/// Where the browser goes with the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    Query(String),
    FormPost {
        action: String,
        fields: Vec<(String, String)>,
    },
}

/// What a sign-in request answers.
#[derive(Debug, Clone)]
pub enum FlowOutcome {
    Show(Box<ShownPage>),
    /// Signed in: send the code (and keep the session).
    Complete {
        redirect: Redirect,
        session_secret: Option<String>,
        persistent: bool,
        tenant: TenantId,
    },
    /// Back to the client with an OAuth error.
    Redirect(Redirect),
    /// Elsewhere in Portico (`/common` resolved to a tenant).
    Location(String),
    /// To an external identity provider. Its answer comes back to `callback_path`, which alone
    /// sees the flow's secret: the provider may be another tenant of this server, whose own
    /// sign-in would replace the ordinary flow cookie.
    Federate {
        url: String,
        callback_path: String,
        flow_secret: String,
    },
    Error(ErrorPage),
}

impl From<ErrorPage> for FlowOutcome {
    fn from(page: ErrorPage) -> Self {
        Self::Error(page)
    }
}

/// An error shown on a page that asks again (AADSTS code, message).
pub type InlineError = (u32, String);

/// The messages of a page that asks again.
pub mod inline {
    use super::InlineError;

    pub const UNKNOWN_USERNAME: &str = "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.";
    pub const WRONG_PASSWORD: &str = "Your account or password is incorrect.";
    pub const WRONG_CODE: &str = "The code you entered is not valid.";
    pub const WRONG_PASSCODE: &str = "That code didn't work. Check it and try again.";
    /// Entra's AADSTS50053 text.
    pub const LOCKED: &str = "Your account is locked because the user tried to sign in too many times with an incorrect user ID or password.";

    pub fn unknown_username() -> InlineError {
        (50034, UNKNOWN_USERNAME.into())
    }
    pub fn wrong_password() -> InlineError {
        (50126, WRONG_PASSWORD.into())
    }
    pub fn wrong_code() -> InlineError {
        (500121, WRONG_CODE.into())
    }
    pub fn wrong_passcode() -> InlineError {
        (500121, WRONG_PASSCODE.into())
    }
    pub fn locked() -> InlineError {
        (50053, LOCKED.into())
    }
}

/// A page that explains a failure and who can fix it; never redirects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorPage {
    pub code: u32,
    pub title: String,
    pub message: String,
    pub remedy: String,
    pub status: u16,
    /// Who must act, when a policy decided (`docs/decisions.md` 16).
    pub who: Option<String>,
    /// The setting that decided.
    pub setting: Option<String>,
}

/// The catalogue: every error page of the sign-in, by what went wrong.
impl ErrorPage {
    pub fn new(code: u32, title: &str, message: impl Into<String>, remedy: &str) -> Self {
        Self {
            code,
            title: title.into(),
            message: message.into(),
            remedy: remedy.into(),
            status: 400,
            who: None,
            setting: None,
        }
    }

    /// Something broke (the store, the random source): logged here, never shown.
    pub fn server<E: std::fmt::Display>(error: E) -> Self {
        tracing::error!(%error, "sign-in failed");
        Self {
            status: 500,
            ..Self::new(
                90033,
                "Something went wrong",
                "A transient error has occurred.",
                "Try again in a moment.",
            )
        }
    }

    /// The sign-in no longer exists (expired, finished or ended).
    pub fn expired() -> Self {
        Self::new(
            9002313,
            "This sign-in has expired",
            "The sign-in request is no longer valid.",
            "Go back to the app and sign in again.",
        )
    }

    /// The form's flow is not the one this browser's cookie names.
    pub fn not_this_browser() -> Self {
        Self::new(
            9002313,
            "This sign-in could not be verified",
            "The sign-in form did not come from this browser's sign-in.",
            "Go back to the app and sign in again; allow cookies for this site.",
        )
    }

    pub fn tenant_not_found(segment: &str, remedy: &str) -> Self {
        Self::new(
            90002,
            "We couldn't find that organization",
            format!("Tenant '{segment}' not found."),
            remedy,
        )
    }

    /// `/common` without a hint of the organization.
    pub fn which_organization() -> Self {
        Self::new(
            900144,
            "Tell us which organization",
            "This sign-in request does not say which organization to use.",
            "The app should use its tenant's authority (its id or domain), or pass login_hint or domain_hint.",
        )
    }

    /// `/common`'s account name names no organization here.
    pub fn no_organization_for(login: &str) -> Self {
        Self::new(
            50034,
            "We couldn't find that account",
            format!("No organization here owns the domain of '{login}'."),
            "Check the account name, or ask the app for the right organization.",
        )
    }

    pub fn missing_client_id() -> Self {
        Self::new(
            900144,
            "Sign-in request is incomplete",
            "The request must contain the parameter 'client_id'.",
            "The app's developer must fix the sign-in request.",
        )
    }

    pub fn unknown_application(client_id: &str, tenant: &str) -> Self {
        Self::new(
            700016,
            "Application not found",
            format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'."),
            "The app's developer must register the app in this organization, or use the right tenant.",
        )
    }

    pub fn redirect_uri_not_registered(requested: &str, client_id: &str) -> Self {
        Self::new(
            50011,
            "The redirect URI is not registered",
            format!("The redirect URI '{requested}' specified in the request does not match the redirect URIs configured for the application '{client_id}'."),
            "The app's developer must register this exact redirect URI, or send one that is registered.",
        )
    }

    /// A member whose account an administrator disabled.
    pub fn account_disabled(tenant: &str) -> Self {
        Self::new(
            50057,
            "Your account is disabled",
            "The user account is disabled.",
            &format!("Ask an administrator of {tenant} to enable your account."),
        )
    }

    /// A guest whose home account is disabled: the home tenant must act.
    pub fn home_account_disabled(home: &str, resource: &str) -> Self {
        Self::new(
            50057,
            "Your account is disabled",
            format!("Your account is disabled in your own organization, {home}."),
            &format!("Ask an administrator of {home} (your organization, not {resource}) to enable your account."),
        )
    }

    /// The flow's code attempts are spent.
    pub fn too_many_codes() -> Self {
        Self::new(
            50053,
            "Too many attempts",
            "Too many wrong verification codes were entered in this sign-in.",
            "Go back to the app and sign in again.",
        )
    }

    pub fn passcode_expired() -> Self {
        Self::new(
            50053,
            "This code can no longer be used",
            "The one-time passcode expired or was entered wrongly too many times.",
            "Go back and ask for a new code.",
        )
    }

    pub fn too_many_passcodes() -> Self {
        Self::new(
            90055,
            "Too many codes requested",
            "Too many one-time passcodes were requested for this address.",
            "Wait a few minutes and try again; use the newest code you received.",
        )
    }

    pub fn passcodes_disabled(address: &str, tenant: &str) -> Self {
        Self::new(
            1000012,
            "This account cannot be used here",
            format!("{address} has no account in a directory Portico knows, and {tenant} does not allow one-time passcodes."),
            &format!("An administrator of {tenant} can turn on e-mail one-time passcodes for guests."),
        )
    }

    /// An invitation or sign-in link that leads nowhere (any more).
    pub fn invalid_link() -> Self {
        Self::new(
            90075,
            "This link is not valid",
            "The invitation or sign-in link is not valid (any more).",
            "Ask the person who invited you for a new invitation.",
        )
    }

    /// A redeem link whose ticket matches no invitation.
    pub fn invalid_invitation_link() -> Self {
        Self::new(
            90075,
            "This link is not valid",
            "The invitation link is not valid.",
            "Ask the person who invited you for a new invitation.",
        )
    }

    pub fn invitation_superseded() -> Self {
        Self::new(
            90073,
            "This invitation link was replaced",
            "A newer invitation was sent for this account, and this link no longer works.",
            "Use the link in the newest invitation e-mail.",
        )
    }

    pub fn invitation_expired(tenant: &str, expired_on: &str) -> Self {
        Self::new(
            90074,
            "This invitation has expired",
            format!("The invitation from {tenant} expired on {expired_on}."),
            &format!("Ask the person who invited you to {tenant} to send a new invitation; it works at once."),
        )
    }

    /// A parallel sign-in redeemed the invitation first.
    pub fn invitation_already_accepted() -> Self {
        Self::new(
            90076,
            "This invitation was already accepted",
            "Someone already accepted this invitation.",
            "Sign in with the organization's sign-in link instead.",
        )
    }

    /// A redeem link used with another account than the invited one.
    pub fn invitation_for_someone_else(invited: &str, login: &str, tenant: &str) -> Self {
        Self::new(
            90072,
            "This invitation is for someone else",
            format!("The invitation was sent to {invited}, and {login} cannot redeem it."),
            &format!("Sign in with the account the invitation was sent to, or ask {tenant} to invite {login}."),
        )
    }

    /// An external provider asserted another address than the guest's.
    pub fn signed_in_as_someone_else(asserted: &str, address: &str) -> Self {
        Self::new(
            90072,
            "This invitation is for someone else",
            format!("You signed in as {asserted}, but the invitation is for {address}."),
            &format!("Sign in with {address} at your organization's sign-in page."),
        )
    }

    /// An outside account that is no guest of this tenant; `message` is the log's text too.
    pub fn not_a_guest(message: String, login: &str, tenant: &str) -> Self {
        Self::new(
            50020,
            "You can't sign in here",
            message,
            &format!("An administrator of {tenant} must invite {login} first."),
        )
    }

    pub fn terms_declined(tenant: &str) -> Self {
        Self::new(
            50158,
            "You declined the terms of use",
            format!("{tenant} requires you to accept its terms of use to continue."),
            "Sign in again and accept the terms if you want to continue.",
        )
    }

    /// Conditional Access sign-in frequency: the credentials are older than a policy allows.
    pub fn session_too_old(reason: &str) -> Self {
        Self::new(
            70044,
            "Please sign in again",
            reason,
            "Sign in again: your organization asks for your credentials at regular intervals.",
        )
    }

    pub fn consent_declined() -> Self {
        Self::new(
            65004,
            "You declined",
            "You declined to consent to access the organization's resources.",
            "Use the invitation link again if you change your mind.",
        )
    }

    /// An external identity provider failed or answered wrongly.
    pub fn provider_failed(issuer: &str, what: impl std::fmt::Display) -> Self {
        tracing::warn!(issuer, %what, "external identity provider failed");
        Self::new(
            50000,
            "Your organization's sign-in service did not answer as expected",
            format!("The identity provider {issuer} could not complete the sign-in: {what}."),
            "Try again; if it keeps failing, the administrator of the inviting organization must check its federation settings.",
        )
    }

    /// A provider's answer that belongs to no sign-in in progress here.
    pub fn provider_answer_unexpected(why: &str) -> Self {
        Self::new(
            9002313,
            "This sign-in has expired",
            format!("The answer from your organization's sign-in service does not belong to a sign-in in progress: {why}."),
            "Go back to the invitation or the app and sign in again.",
        )
    }
}

/// `?` for the sign-in pages: a store failure becomes the "something went wrong" page.
macro_rules! attempt {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(error) => return $crate::sign_in::outcome::ErrorPage::server(error).into(),
        }
    };
}
pub(crate) use attempt;

/// [`attempt`] for the write of a flow's next step (`Write::UpdateLoginFlow`): a flow that ended
/// meanwhile — finished or given up by a parallel request — shows the expired page rather than
/// a server error, and is not brought back.
macro_rules! commit_step {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(portico_store::StoreError::NotFound) => {
                return $crate::sign_in::outcome::ErrorPage::expired().into()
            }
            Err(error) => return $crate::sign_in::outcome::ErrorPage::server(error).into(),
        }
    };
}
pub(crate) use commit_step;

#[cfg(test)]
mod tests {
    use super::ErrorPage;

    #[test]
    fn the_catalogue_has_one_code_per_page_and_no_empty_text() {
        let pages = [
            ErrorPage::expired(),
            ErrorPage::not_this_browser(),
            ErrorPage::which_organization(),
            ErrorPage::missing_client_id(),
            ErrorPage::account_disabled("Contoso"),
            ErrorPage::home_account_disabled("Fabrikam", "Contoso"),
            ErrorPage::too_many_codes(),
            ErrorPage::passcode_expired(),
            ErrorPage::too_many_passcodes(),
            ErrorPage::invalid_link(),
            ErrorPage::invitation_superseded(),
            ErrorPage::invitation_already_accepted(),
            ErrorPage::terms_declined("Contoso"),
            ErrorPage::consent_declined(),
        ];
        for page in pages {
            assert!(page.code > 0);
            assert!(!page.title.is_empty() && !page.message.is_empty() && !page.remedy.is_empty());
            assert_eq!(page.status, 400);
        }
        assert_eq!(ErrorPage::server("boom").status, 500);
    }
}
