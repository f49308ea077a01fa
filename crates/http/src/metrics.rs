//! `/metrics`: Prometheus text exposition, served on its own listen address
//! (`--metrics-listen`), never on the public port. Requests are counted here at the edge, by
//! route *template* (axum's `MatchedPath`, so `/v1.0/users/{id}` and not every id: the label
//! set stays bounded); business events are counted in the app (`portico_app::metrics`) and the
//! store's own figures in `portico_store::metrics`. One registry holds all three.
//!
//! The scrape port speaks plain HTTP: it is meant for loopback or an internal network that a
//! Prometheus server scrapes, it carries no secrets and accepts no input, and keeping it off the
//! public HTTPS origin means nobody outside reads it by default.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use portico_app::App;
use portico_store::SqlStore;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a scrape waits for the gauges read from the database.
const GAUGE_TIMEOUT: Duration = Duration::from_secs(2);

/// The route a request matched, never its raw path.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    /// The route template (`/{tenant}/oauth2/v2.0/token`), or `unmatched` (404s, the fallback).
    pub route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    /// The status code (`200`, `404` …).
    pub status: u16,
    /// `2xx`, `4xx`, `5xx` …, for the common "error ratio" query.
    pub class: &'static str,
}

/// What the edge measures.
#[derive(Debug)]
pub struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    duration: Family<RouteLabels, Histogram>,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        Self {
            requests: Family::default(),
            // 1 ms … about 33 s (the request timeout is 30 s).
            duration: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.001, 2.0, 16))
            }),
        }
    }
}

impl HttpMetrics {
    fn register(&self, registry: &mut Registry) {
        registry.register(
            "http_requests",
            "HTTP requests answered on the public port, by method, route template and status",
            self.requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request on the public port, by method and route template",
            self.duration.clone(),
        );
    }
}

/// Middleware: counts and times every request by its matched route.
pub async fn measure(
    State(metrics): State<Arc<HttpMetrics>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status();
    let labels = RouteLabels { method, route };
    metrics
        .duration
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method: labels.method,
            route: labels.route,
            status: status.as_u16(),
            class: status_class(status),
        })
        .inc();
    response
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// The registry and what its gauges are read from at scrape time.
#[derive(Clone)]
pub struct Exposition {
    registry: Arc<Registry>,
    app: App,
    store: Arc<SqlStore>,
}

impl Exposition {
    /// One registry (names prefixed `portico_`) over the edge's, the app's and the store's metrics.
    pub fn new(http: &HttpMetrics, app: App, store: Arc<SqlStore>) -> Self {
        let mut registry = Registry::with_prefix("portico");
        http.register(&mut registry);
        app.metrics().register(&mut registry);
        store.metrics().register(&mut registry);
        Self {
            registry: Arc::new(registry),
            app,
            store,
        }
    }

    /// The scrape port's routes: `/metrics` only.
    pub fn router(self) -> Router {
        Router::new()
            .route("/metrics", get(scrape))
            .with_state(self)
    }
}

async fn scrape(State(exposition): State<Exposition>) -> Response {
    // A scrape must answer promptly even when the database does not.
    let _ = tokio::time::timeout(GAUGE_TIMEOUT, exposition.app.refresh_gauges()).await;
    exposition.store.observe_pools();
    let mut text = String::new();
    if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &exposition.registry) {
        tracing::error!(%error, "cannot encode the metrics");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
