//! Session controls: sign-in frequency (credentials older than the policy allows must be entered
//! again — AADSTS70044 for a session, 70043 for a refresh token) and the persistent browser
//! session, which the app applies to the session cookie it sets.

use crate::decision::{Interrupt, InterruptKind, SessionLimits};
use crate::facts::{SignIn, Stage};
use portico_model::conditional_access::{ConditionalAccessPolicy, PersistentBrowserMode};

/// The interrupt an applied policy's sign-in frequency raises, if the credentials are too old.
pub fn reauthenticate(policy: &ConditionalAccessPolicy, sign_in: &SignIn) -> Option<Interrupt> {
    let frequency = policy.session_controls?.sign_in_frequency?;
    let age = sign_in.auth.credentials_age_seconds?;
    let allowed = frequency.interval.max_age_seconds();
    if !frequency.is_enabled || age <= allowed {
        return None;
    }
    let (code, reason) = match sign_in.stage {
        Stage::Refresh => (70043, format!("The refresh token has expired or is invalid due to sign-in frequency checks by conditional access. The token was issued {age} seconds ago and the maximum allowed lifetime for this request is {allowed} seconds.")),
        _ => (70044, "The session has expired or is invalid due to sign-in frequency checks by conditional access.".to_owned()),
    };
    Some(Interrupt {
        kind: InterruptKind::Reauthenticate,
        code,
        reason,
        setting: format!(
            "{} › Conditional Access › {} › sign-in frequency",
            sign_in.resource.tenant.display_name, policy.display_name
        ),
    })
}

/// Folds an applied, enforced policy's session controls into the limits: the shortest sign-in
/// frequency, and a never-persistent browser session over an always-persistent one.
pub fn tighten(limits: &mut SessionLimits, policy: &ConditionalAccessPolicy) {
    let Some(session) = policy.session_controls else {
        return;
    };
    if let Some(frequency) = session.sign_in_frequency.filter(|f| f.is_enabled) {
        let age = frequency.interval.max_age_seconds();
        limits.max_credentials_age_seconds = Some(
            limits
                .max_credentials_age_seconds
                .map_or(age, |current| current.min(age)),
        );
    }
    if let Some(browser) = session.persistent_browser.filter(|b| b.is_enabled) {
        limits.persistent_browser = match (limits.persistent_browser, browser.mode) {
            (Some(PersistentBrowserMode::Never), _) => Some(PersistentBrowserMode::Never),
            (_, mode) => Some(mode),
        };
    }
}
