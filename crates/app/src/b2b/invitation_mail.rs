//! The invitation e-mail.

use chrono::{DateTime, Utc};
use portico_model::mail::OutboxMessage;
use portico_model::tenant::Tenant;
use portico_model::{EmailAddress, ObjectId, TenantId};

/// What the message says and to whom.
pub(crate) struct InvitationMail<'a> {
    /// The message's id in the outbox.
    pub id: ObjectId,
    pub language: crate::mail_bodies::Language,
    pub tenant: &'a Tenant,
    pub inviter: &'a str,
    pub to: EmailAddress,
    pub cc: Vec<EmailAddress>,
    pub custom_message: Option<&'a str>,
    pub redeem_url: &'a str,
    pub now: DateTime<Utc>,
}

pub(crate) fn invitation_message(mail: InvitationMail<'_>) -> Option<OutboxMessage> {
    let org = &mail.tenant.display_name;
    let from = EmailAddress::parse(&format!("invites@{}", mail.tenant.initial_domain)).ok()?;
    let subject = crate::mail_bodies::invitation_subject(mail.language, mail.inviter);
    let bodies = crate::mail_bodies::invitation(&crate::mail_bodies::InvitationText {
        language: mail.language,
        inviter: mail.inviter,
        org,
        domain: mail.tenant.initial_domain.as_str(),
        custom_message: mail.custom_message,
        redeem_url: mail.redeem_url,
    })
    .ok()?;
    Some(OutboxMessage {
        id: mail.id,
        tenant_id: Some(TenantId::from_uuid(*mail.tenant.id.as_uuid())),
        from,
        to: vec![mail.to],
        cc: mail.cc,
        subject,
        text: bodies.text,
        html: bodies.html,
        links: vec![mail.redeem_url.to_owned()],
        created_at: mail.now,
        delivered_at: None,
        delivery_attempts: 0,
        last_error: None,
        sealed_body: None,
    })
}
