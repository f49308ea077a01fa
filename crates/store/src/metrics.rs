//! What the store measures about itself: write transactions, SQLite's group commits and the
//! connection pools. Registered by the composition (`portico-http`'s server) in the one
//! Prometheus registry (`prometheus-client`: see `portico_app::metrics` for why that crate).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// Which of a store's pools a gauge describes.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PoolLabels {
    /// `read` or `write` (SQLite has one writer connection; on PostgreSQL both are one pool).
    pub pool: &'static str,
}

/// The store's own metrics.
#[derive(Debug)]
pub struct StoreMetrics {
    /// Seconds one `apply` took, queueing for the writer included.
    pub(crate) write_seconds: Histogram,
    /// Callers one SQLite group commit carried.
    pub(crate) group_commit_batch_size: Histogram,
    connections: Family<PoolLabels, Gauge>,
    idle_connections: Family<PoolLabels, Gauge>,
}

impl Default for StoreMetrics {
    fn default() -> Self {
        Self {
            // 0.5 ms … about 16 s.
            write_seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 16)),
            // 1, 2, 4 … 256 (`MAX_BATCH`).
            group_commit_batch_size: Histogram::new(exponential_buckets(1.0, 2.0, 9)),
            connections: Family::default(),
            idle_connections: Family::default(),
        }
    }
}

impl StoreMetrics {
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "store_write_duration_seconds",
            "Time one write transaction (Store::apply) took, waiting for the writer included",
            self.write_seconds.clone(),
        );
        registry.register(
            "store_group_commit_batch_size",
            "Write calls committed together in one SQLite transaction (group commit)",
            self.group_commit_batch_size.clone(),
        );
        registry.register(
            "store_pool_connections",
            "Open database connections per pool",
            self.connections.clone(),
        );
        registry.register(
            "store_pool_idle_connections",
            "Idle database connections per pool",
            self.idle_connections.clone(),
        );
    }

    /// Sets the pool gauges (read when scraped: a pool knows its size without a query).
    pub(crate) fn set_pool(&self, pool: &'static str, size: u32, idle: usize) {
        let labels = PoolLabels { pool };
        self.connections.get_or_create(&labels).set(i64::from(size));
        self.idle_connections
            .get_or_create(&labels)
            .set(i64::try_from(idle).unwrap_or(i64::MAX));
    }
}
