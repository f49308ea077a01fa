//! The text and HTML bodies of Portico's e-mails, rendered by askama from `templates/mail/`: the
//! HTML ones escape every value (a tenant or inviter name is attacker-chosen text), the text ones
//! do not.

use askama::Template;

/// The languages Portico writes mails in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    EnUs,
    JaJp,
}

impl Language {
    /// An ISO 639 tag (`ja`, `ja-JP`, `en-US`, `fr-FR` …): Japanese for `ja`, English for every
    /// other language; `None` when the text is not a language tag at all.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let mut parts = tag.split(['-', '_']);
        let primary = parts.next()?;
        let well_formed = (2..=3).contains(&primary.len())
            && primary.chars().all(|c| c.is_ascii_alphabetic())
            && parts.all(|p| {
                (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if !well_formed {
            return None;
        }
        Some(if primary.eq_ignore_ascii_case("ja") {
            Self::JaJp
        } else {
            Self::EnUs
        })
    }
}

/// A message's two alternative bodies.
pub(crate) struct Bodies {
    pub text: String,
    pub html: String,
}

/// What an invitation says.
pub(crate) struct InvitationText<'a> {
    pub language: Language,
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
#[template(path = "mail/invitation.ja.txt")]
struct InvitationPlainJa<'a> {
    inviter: &'a str,
    org: &'a str,
    domain: &'a str,
    custom_message: Option<&'a str>,
    redeem_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/invitation.ja.html")]
struct InvitationHtmlJa<'a> {
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

/// The subject line of an invitation from `inviter`.
pub(crate) fn invitation_subject(language: Language, inviter: &str) -> String {
    match language {
        Language::EnUs => {
            format!("{inviter} invited you to access applications within their organization")
        }
        Language::JaJp => {
            format!("{inviter} から組織内のアプリケーションへのアクセスに招待されました")
        }
    }
}

pub(crate) fn invitation(mail: &InvitationText<'_>) -> Result<Bodies, askama::Error> {
    let InvitationText {
        language,
        inviter,
        org,
        domain,
        custom_message,
        redeem_url,
    } = *mail;
    Ok(match language {
        Language::EnUs => Bodies {
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
        },
        Language::JaJp => Bodies {
            text: InvitationPlainJa {
                inviter,
                org,
                domain,
                custom_message,
                redeem_url,
            }
            .render()?,
            html: InvitationHtmlJa {
                inviter,
                org,
                domain,
                custom_message,
                redeem_url,
            }
            .render()?,
        },
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
            language: Language::EnUs,
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
            language: Language::EnUs,
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

    #[test]
    fn japanese_invitations_are_written_in_japanese() {
        let bodies = invitation(&InvitationText {
            language: Language::from_tag("ja-JP").unwrap(),
            inviter: "佐藤",
            org: "Contoso",
            domain: "contoso.com",
            custom_message: None,
            redeem_url: "https://example.com/r",
        })
        .unwrap();
        assert!(bodies.text.contains("招待を承諾"), "{}", bodies.text);
        assert!(bodies.html.contains("招待を承諾"), "{}", bodies.html);
        assert!(invitation_subject(Language::JaJp, "佐藤").contains("招待"));
        assert_eq!(Language::from_tag("fr-FR"), Some(Language::EnUs));
        assert_eq!(Language::from_tag("12"), None);
    }
}
