//! The shape checks of `POST /invitations` that come before any rule: required properties,
//! Entra's length limits, the characters Graph documents as invalid in the invited address, and
//! the message language.

use super::invite::InvitationRequest;
use crate::directory::GraphError;
use crate::mail_bodies::Language;

/// Entra's limit on a user's display name.
pub(crate) const MAX_DISPLAY_NAME: usize = 256;
/// Portico's limit on a personal message (Entra documents none; the mail must stay a mail).
pub(crate) const MAX_MESSAGE: usize = 10_000;
/// The longest redirect URL accepted.
pub(crate) const MAX_REDIRECT_URL: usize = 2_048;
/// RFC 5321's limit on a forward path (an e-mail address).
pub(crate) const MAX_ADDRESS: usize = 254;

/// Characters the invitation resource documents as not allowed in the address's user name.
const INVALID_IN_USER_NAME: &[char] = &[
    '~', '!', '#', '$', '%', '^', '&', '*', '(', ')', '+', '=', '[', ']', '{', '}', '\\', '/', '|',
    ';', ':', '"', '<', '>', '?', ',',
];

fn too_long(property: &str, limit: usize) -> GraphError {
    GraphError::with_reason(
        "propertyTooLong",
        format!("Property '{property}' is longer than {limit} characters."),
    )
}

fn check_length(property: &str, value: Option<&str>, limit: usize) -> Result<(), GraphError> {
    match value {
        Some(text) if text.chars().count() > limit => Err(too_long(property, limit)),
        _ => Ok(()),
    }
}

/// Graph's rule for the user name (the part before `@`): none of the listed characters, and no
/// `.` or `-` at its start or end (`_` is allowed anywhere).
pub(crate) fn check_user_name(property: &str, address: &str) -> Result<(), GraphError> {
    let user_name = address.rsplit_once('@').map_or(address, |(name, _)| name);
    let invalid = user_name.chars().find(|c| INVALID_IN_USER_NAME.contains(c));
    let bad_edge = [user_name.chars().next(), user_name.chars().last()]
        .into_iter()
        .flatten()
        .find(|c| *c == '.' || *c == '-');
    match invalid.or(bad_edge) {
        Some(c) => Err(GraphError::with_reason(
            "invalidEmailAddress",
            format!("Property '{property}' has a character that is not allowed in the user name of an invited address: '{c}'."),
        )),
        None => Ok(()),
    }
}

/// The language of the invitation mail: `messageLanguage` (English when it names a language
/// Portico has no text for), unless a personal message replaces the default text, and the
/// language with it (Graph's rule).
pub(crate) fn mail_language(request: &InvitationRequest) -> Language {
    match (
        &request.customized_message_body,
        request.message_language.as_deref(),
    ) {
        (None, Some(tag)) => Language::from_tag(tag).unwrap_or(Language::EnUs),
        _ => Language::EnUs,
    }
}

/// The checks, in order.
pub(crate) fn check_request(request: &InvitationRequest) -> Result<(), GraphError> {
    let Some(address) = request.invited_user_email_address.as_deref() else {
        return Err(GraphError::bad_request(
            "Property 'invitedUserEmailAddress' is required.",
        ));
    };
    check_length("invitedUserEmailAddress", Some(address), MAX_ADDRESS)?;
    check_user_name("invitedUserEmailAddress", address)?;
    check_length(
        "invitedUserDisplayName",
        request.invited_user_display_name.as_deref(),
        MAX_DISPLAY_NAME,
    )?;
    check_length(
        "invitedUserMessageInfo.customizedMessageBody",
        request.customized_message_body.as_deref(),
        MAX_MESSAGE,
    )?;
    check_length(
        "inviteRedirectUrl",
        request.invite_redirect_url.as_deref(),
        MAX_REDIRECT_URL,
    )?;
    for cc in &request.cc_recipients {
        check_length("invitedUserMessageInfo.ccRecipients", Some(cc), MAX_ADDRESS)?;
    }
    match request.message_language.as_deref() {
        Some(tag) if Language::from_tag(tag).is_none() => Err(GraphError::bad_request(format!(
            "Invalid value '{tag}' for property 'invitedUserMessageInfo.messageLanguage': use an ISO 639 language tag such as 'en-US' or 'ja-JP'."
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(address: &str) -> InvitationRequest {
        InvitationRequest {
            invited_user_email_address: Some(address.to_owned()),
            invite_redirect_url: Some("https://example.com".into()),
            ..Default::default()
        }
    }

    #[test]
    fn documented_characters_and_edges_are_refused_in_the_user_name() {
        for bad in [
            "a+b@example.com",
            "a!b@example.com",
            "a,b@example.com",
            ".ab@example.com",
            "ab-@example.com",
            "a/b@example.com",
        ] {
            assert!(check_request(&request(bad)).is_err(), "{bad}");
        }
        for good in ["a.b@example.com", "_ab_@example.com", "a-b@example.com"] {
            assert!(check_request(&request(good)).is_ok(), "{good}");
        }
    }

    #[test]
    fn limits_and_the_language_are_checked() {
        let mut long_name = request("a@example.com");
        long_name.invited_user_display_name = Some("x".repeat(MAX_DISPLAY_NAME + 1));
        assert!(check_request(&long_name).is_err());
        let mut japanese = request("a@example.com");
        japanese.message_language = Some("ja-JP".into());
        assert!(check_request(&japanese).is_ok());
        assert_eq!(mail_language(&japanese), Language::JaJp);
        japanese.customized_message_body = Some("hello".into());
        assert_eq!(mail_language(&japanese), Language::EnUs);
        let mut nonsense = request("a@example.com");
        nonsense.message_language = Some("no such language!".into());
        assert!(check_request(&nonsense).is_err());
        let mut missing = request("a@example.com");
        missing.invited_user_email_address = None;
        let error = check_request(&missing).unwrap_err().to_string();
        assert_eq!(error, "Property 'invitedUserEmailAddress' is required.");
    }
}
