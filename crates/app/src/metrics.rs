//! Business events, counted where they happen: tokens issued, sign-ins recorded, invitations
//! created, mail given up on. The composition registers them in its Prometheus registry.
//!
//! Why `prometheus-client` (the Prometheus project's own Rust client) rather than the `metrics`
//! facade: its registry is a value, not a process-wide recorder, so every `App` (several run in
//! one test process) counts only its own events, and metrics are typed labels — a label set is a
//! struct, so no call site can invent an unbounded label.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct GrantLabels {
    /// The token endpoint's grant (`client_credentials`, `authorization_code`, `refresh_token`,
    /// `password`, `device_code`) or `managed_identity`.
    pub grant_type: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SignInLabels {
    /// `success` or `failure`.
    pub outcome: &'static str,
    /// The AADSTS number of the sign-in log's `status.errorCode` (0 on success): a closed
    /// catalogue, so a bounded label.
    pub error_code: u32,
}

/// The app's counters.
#[derive(Debug, Default)]
pub struct AppMetrics {
    tokens_issued: Family<GrantLabels, Counter>,
    sign_ins: Family<SignInLabels, Counter>,
    invitations: Counter,
    mail_dead_letters: Counter,
    mail_queue_depth: Gauge,
}

impl AppMetrics {
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "tokens_issued",
            "Tokens the token endpoint (and the managed identity endpoints) issued, by grant",
            self.tokens_issued.clone(),
        );
        registry.register(
            "sign_ins",
            "Sign-in log rows written, by outcome and AADSTS error code",
            self.sign_ins.clone(),
        );
        registry.register(
            "invitations_created",
            "Invitations created (POST /invitations, the portal, the CLI)",
            self.invitations.clone(),
        );
        registry.register(
            "mail_dead_letters",
            "Queued messages given up on after their last failed delivery attempt",
            self.mail_dead_letters.clone(),
        );
        registry.register(
            "mail_queue_depth",
            "Messages in the outbox waiting for delivery (read from the store when scraped)",
            self.mail_queue_depth.clone(),
        );
    }

    pub(crate) fn token_issued(&self, grant_type: &'static str) {
        self.tokens_issued
            .get_or_create(&GrantLabels { grant_type })
            .inc();
    }

    pub(crate) fn sign_in(&self, error_code: u32) {
        let outcome = if error_code == 0 {
            "success"
        } else {
            "failure"
        };
        self.sign_ins
            .get_or_create(&SignInLabels {
                outcome,
                error_code,
            })
            .inc();
    }

    pub(crate) fn invitation_created(&self) {
        self.invitations.inc();
    }

    pub(crate) fn mail_dead_letter(&self) {
        self.mail_dead_letters.inc();
    }
}

impl crate::App {
    /// Brings the gauges read from the store up to date (before a scrape). A store that does
    /// not answer leaves the last values; `/readyz` is what reports it.
    pub async fn refresh_gauges(&self) {
        match self.store().count_undelivered().await {
            Ok(depth) => {
                let depth = i64::try_from(depth).unwrap_or(i64::MAX);
                self.metrics().mail_queue_depth.set(depth);
            }
            Err(error) => tracing::warn!(%error, "cannot count the outbox for metrics"),
        }
    }
}
