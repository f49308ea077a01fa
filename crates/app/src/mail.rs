//! Mail delivery. Use cases queue messages in the store's outbox in the same transaction as the
//! change that caused them; the [`Dispatcher`] then hands them to a [`MailTransport`]. Without a
//! relay (dev mode's default) messages simply stay in the outbox, readable through the control API.
//!
//! A message's body carries secrets (one-time passcodes, redeem links), so it is queued sealed
//! with the master key ([`seal_body`]), opened only to deliver it and for the dev-mode outbox
//! ([`open_body`]), and purged by the store once the relay accepted it.

use crate::clock::Clock;
use crate::tokens::master_key::{MasterKey, MasterKeyError};
use async_trait::async_trait;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use portico_model::mail::OutboxMessage;
use portico_store::{Delivery, Store};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// The secret-bearing part of a message, as it is sealed.
#[derive(serde::Serialize, serde::Deserialize)]
struct Body {
    text: String,
    html: String,
    links: Vec<String>,
}

fn body_context(message: &OutboxMessage) -> String {
    format!("outbox:{}", message.id)
}

/// Seals `message`'s body for the outbox: the stored row keeps only the envelope in the clear.
pub fn seal_body(
    master: &MasterKey,
    mut message: OutboxMessage,
) -> Result<OutboxMessage, MasterKeyError> {
    let body = Body {
        text: std::mem::take(&mut message.text),
        html: std::mem::take(&mut message.html),
        links: std::mem::take(&mut message.links),
    };
    let json = serde_json::to_string(&body).map_err(|_| MasterKeyError::Malformed)?;
    message.sealed_body = Some(master.seal_text(&body_context(&message), &json)?);
    Ok(message)
}

/// The message with its body opened; a message queued before sealing (or already delivered
/// and purged) is returned as it is.
pub fn open_body(
    master: &MasterKey,
    mut message: OutboxMessage,
) -> Result<OutboxMessage, MasterKeyError> {
    let Some(sealed) = message.sealed_body.take() else {
        return Ok(message);
    };
    let json = master.open_text(&body_context(&message), &sealed)?;
    let body: Body = serde_json::from_str(&json).map_err(|_| MasterKeyError::WrongKey)?;
    message.text = body.text;
    message.html = body.html;
    message.links = body.links;
    Ok(message)
}

/// Why a message was not handed over; kept on the message as its last error.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("bad address {address}: {reason}")]
    Address { address: String, reason: String },
    #[error("cannot build message: {0}")]
    Build(String),
    #[error("{0}")]
    Transport(String),
    #[error(transparent)]
    Sealed(#[from] MasterKeyError),
}

/// Hands one message to a mail system.
#[async_trait]
pub trait MailTransport: Send + Sync {
    async fn send(&self, message: &OutboxMessage) -> Result<(), MailError>;
}

/// Real SMTP through lettre. `smtp://host:port` (plain, for local relays), `smtp://…?tls=required`
/// (STARTTLS) or `smtps://host:port`, with optional `user:password@`.
pub struct SmtpTransport {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpTransport {
    pub fn from_url(url: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Self { transport })
    }
}

/// Builds the MIME message: a text and an HTML alternative.
fn mime_message(message: &OutboxMessage) -> Result<Message, MailError> {
    let mailbox = |address: &portico_model::EmailAddress| -> Result<Mailbox, MailError> {
        address
            .as_str()
            .parse::<Mailbox>()
            .map_err(|e| MailError::Address {
                address: address.to_string(),
                reason: e.to_string(),
            })
    };
    let mut builder = Message::builder()
        .from(mailbox(&message.from)?)
        .subject(message.subject.clone());
    for to in &message.to {
        builder = builder.to(mailbox(to)?);
    }
    for cc in &message.cc {
        builder = builder.cc(mailbox(cc)?);
    }
    let body = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(message.text.clone()),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(message.html.clone()),
        );
    builder
        .multipart(body)
        .map_err(|e| MailError::Build(e.to_string()))
}

#[async_trait]
impl MailTransport for SmtpTransport {
    async fn send(&self, message: &OutboxMessage) -> Result<(), MailError> {
        let mime = mime_message(message)?;
        self.transport
            .send(mime)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Transport(e.to_string()))
    }
}

/// Messages are retried on every pass until this many attempts have failed.
const MAX_ATTEMPTS: u32 = 10;

/// Delivers queued messages, at least once, oldest first.
pub struct Dispatcher {
    store: Arc<dyn Store>,
    transport: Arc<dyn MailTransport>,
    clock: Arc<dyn Clock>,
    wakeup: Arc<Notify>,
    /// Opens the sealed bodies at delivery time.
    master: Arc<MasterKey>,
    /// Where dead letters are counted (the app's, when the server runs one).
    metrics: Arc<crate::metrics::AppMetrics>,
}

impl Dispatcher {
    pub fn new(
        store: Arc<dyn Store>,
        transport: Arc<dyn MailTransport>,
        clock: Arc<dyn Clock>,
        wakeup: Arc<Notify>,
        master: Arc<MasterKey>,
    ) -> Self {
        Self {
            store,
            transport,
            clock,
            wakeup,
            master,
            metrics: Arc::default(),
        }
    }

    /// Counts dead letters in these metrics (the app's).
    #[must_use]
    pub fn counting_in(mut self, metrics: Arc<crate::metrics::AppMetrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// Opens and sends one message.
    async fn send(&self, message: &OutboxMessage) -> Result<(), MailError> {
        let opened = open_body(&self.master, message.clone())?;
        self.transport.send(&opened).await
    }

    /// Sends what is queued now; returns how many messages were delivered.
    pub async fn deliver_pending(&self) -> usize {
        let pending = match self.store.list_undelivered(100).await {
            Ok(pending) => pending,
            Err(error) => {
                tracing::warn!(%error, "cannot read the outbox");
                return 0;
            }
        };
        let mut delivered = 0;
        for message in pending
            .iter()
            .filter(|m| m.delivery_attempts < MAX_ATTEMPTS)
        {
            let outcome = match self.send(message).await {
                Ok(()) => {
                    delivered += 1;
                    Delivery::Delivered {
                        at: self.clock.now(),
                    }
                }
                Err(error) => {
                    tracing::warn!(message_id = %message.id, %error, "mail delivery failed; will retry");
                    Delivery::Failed {
                        error: error.to_string(),
                    }
                }
            };
            let failed = matches!(outcome, Delivery::Failed { .. });
            if let Err(error) = self.store.record_delivery(message.id, outcome).await {
                tracing::warn!(message_id = %message.id, %error, "cannot record a delivery");
            } else if failed && message.delivery_attempts + 1 >= MAX_ATTEMPTS {
                tracing::error!(message_id = %message.id, "mail delivery given up after {MAX_ATTEMPTS} attempts");
                self.metrics.mail_dead_letter();
            }
        }
        delivered
    }

    /// Runs until `shutdown` turns true: delivers on every wake-up and at least every few seconds.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            self.deliver_pending().await;
            tokio::select! {
                _ = self.wakeup.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                _ = shutdown.changed() => {
                    self.deliver_pending().await;
                    return;
                }
            }
        }
    }
}
