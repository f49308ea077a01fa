//! The text and HTML bodies of Portico's e-mails, rendered by askama from `templates/mail/`: the
//! HTML ones escape every value (a tenant or inviter name is attacker-chosen text), the text ones
//! do not.

use askama::Template;

/// A message's two alternative bodies.
pub(crate) struct Bodies {
    pub text: String,
    pub html: String,
}

/// What an invitation says.
pub(crate) struct InvitationText<'a> {
    pub inviter: &'a str,
    pub org: &'a str,
    pub domain: &'a str,
    pub custom_message: Option<&'a str>,
    pub redeem_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/invitation.txt")]
struct InvitationPlain<'a> {
    inviter: &'a str,
    org: &'a str,
    domain: &'a str,
    custom_message: Option<&'a str>,
    redeem_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/invitation.html")]
struct InvitationHtml<'a> {
    inviter: &'a str,
    org: &'a str,
    domain: &'a str,
    custom_message: Option<&'a str>,
    redeem_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/passcode.txt")]
struct PasscodePlain<'a> {
    code: &'a str,
    org: &'a str,
    minutes: u32,
}

#[derive(Template)]
#[template(path = "mail/passcode.html")]
struct PasscodeHtml<'a> {
    code: &'a str,
    org: &'a str,
    minutes: u32,
}

pub(crate) fn invitation(mail: &InvitationText<'_>) -> Result<Bodies, askama::Error> {
    let InvitationText {
        inviter,
        org,
        domain,
        custom_message,
        redeem_url,
    } = *mail;
    Ok(Bodies {
        text: InvitationPlain {
            inviter,
            org,
            domain,
            custom_message,
            redeem_url,
        }
        .render()?,
        html: InvitationHtml {
            inviter,
            org,
            domain,
            custom_message,
            redeem_url,
        }
        .render()?,
    })
}

/// An e-mail one-time passcode for signing in to `org`, valid for `minutes`.
pub(crate) fn passcode(code: &str, org: &str, minutes: u32) -> Result<Bodies, askama::Error> {
    Ok(Bodies {
        text: PasscodePlain { code, org, minutes }.render()?,
        html: PasscodeHtml { code, org, minutes }.render()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_bodies_escape_every_value_and_text_bodies_keep_them() {
        let hostile = "<script>alert('x')</script> & \"Co\"";
        let bodies = invitation(&InvitationText {
            inviter: hostile,
            org: hostile,
            domain: "contoso.com",
            custom_message: Some(hostile),
            redeem_url: "https://example.com/redeem?a=1&b=2",
        })
        .unwrap();
        assert!(!bodies.html.contains("<script>"), "{}", bodies.html);
        assert!(bodies.html.contains("&#60;script&#62;"), "{}", bodies.html);
        assert!(bodies.html.contains("a=1&#38;b=2"), "{}", bodies.html);
        assert!(bodies.text.contains(hostile), "{}", bodies.text);
        assert!(bodies.text.contains("Message from"), "{}", bodies.text);

        let code = passcode("12345678", hostile, 30).unwrap();
        assert!(!code.html.contains("<script>"), "{}", code.html);
        assert!(code.html.contains("<strong>12345678</strong>"));
        assert!(code.text.contains("expires in 30 minutes"));
    }

    #[test]
    fn an_invitation_without_a_message_has_no_message_block() {
        let bodies = invitation(&InvitationText {
            inviter: "Ann",
            org: "Contoso",
            domain: "contoso.com",
            custom_message: None,
            redeem_url: "https://example.com/r",
        })
        .unwrap();
        assert!(!bodies.html.contains("blockquote"));
        assert!(!bodies.text.contains("Message from"));
    }
}
