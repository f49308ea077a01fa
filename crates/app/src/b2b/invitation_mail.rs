//! The invitation e-mail.

use chrono::{DateTime, Utc};
use portico_model::mail::OutboxMessage;
use portico_model::tenant::Tenant;
use portico_model::{EmailAddress, ObjectId, TenantId};

/// What the message says and to whom.
pub(crate) struct InvitationMail<'a> {
    pub tenant: &'a Tenant,
    pub inviter: &'a str,
    pub to: EmailAddress,
    pub cc: Vec<EmailAddress>,
    pub custom_message: Option<&'a str>,
    pub redeem_url: &'a str,
    pub now: DateTime<Utc>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub(crate) fn invitation_message(mail: InvitationMail<'_>) -> Option<OutboxMessage> {
    let org = &mail.tenant.display_name;
    let from = EmailAddress::parse(&format!("invites@{}", mail.tenant.initial_domain)).ok()?;
    let subject = format!(
        "{} invited you to access applications within their organization",
        mail.inviter
    );
    let custom = mail
        .custom_message
        .map(|m| format!("\n\nMessage from {}:\n{m}", mail.inviter))
        .unwrap_or_default();
    let text = format!(
        "{inviter} from {org} ({domain}) invited you to access applications within their organization.{custom}\n\nAccept invitation: {url}\n\nAccepting lets {org} see your name and e-mail address. Only accept if you trust {org}.",
        inviter = mail.inviter,
        domain = mail.tenant.initial_domain,
        url = mail.redeem_url,
    );
    let custom_html = mail
        .custom_message
        .map(|m| format!("<blockquote>{}</blockquote>", escape(m)))
        .unwrap_or_default();
    let html = format!(
        "<p><strong>{inviter}</strong> from <strong>{org}</strong> ({domain}) invited you to access applications within their organization.</p>{custom_html}<p><a href=\"{url}\">Accept invitation</a></p><p>Accepting lets {org} see your name and e-mail address. Only accept if you trust {org}.</p>",
        inviter = escape(mail.inviter),
        org = escape(org),
        domain = escape(mail.tenant.initial_domain.as_str()),
        url = escape(mail.redeem_url),
    );
    Some(OutboxMessage {
        id: ObjectId::from_uuid(uuid::Uuid::new_v4()),
        tenant_id: Some(TenantId::from_uuid(*mail.tenant.id.as_uuid())),
        from,
        to: vec![mail.to],
        cc: mail.cc,
        subject,
        text,
        html,
        links: vec![mail.redeem_url.to_owned()],
        created_at: mail.now,
        delivered_at: None,
        delivery_attempts: 0,
        last_error: None,
        sealed_body: None,
    })
}
