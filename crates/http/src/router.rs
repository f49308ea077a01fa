//! The route table: one origin serves everything.

use crate::state::AppState;
use crate::{callback, context, control, errors, graph, health, oidc};
use axum::routing::{get, post};
use axum::Router;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

/// Request bodies above this are refused with 413.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router(state: AppState) -> Router {
    let mut routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/portico/v1/tenants/{tenant}", get(control::tenant))
        .route(
            "/portico/v1/tenants/{tenant}/reports/mau",
            get(crate::reports::tenant_report),
        )
        .route(
            "/portico/v1/tenants/{tenant}/reports/mau/history",
            get(crate::reports::tenant_history),
        )
        .route("/portico/v1/me/tenants", get(crate::me::my_tenants))
        .route(
            "/portico/callback",
            get(callback::callback_get).post(callback::callback_post),
        )
        .route("/portico/callback/redeem", post(callback::redeem))
        .route("/portico/try", get(callback::start))
        .merge(crate::portal::routes(state.app.config().dev_mode))
        .merge(oidc::routes())
        .merge(graph::routes());
    if state.app.config().dev_mode {
        routes = routes
            .route("/portico/v1/reset", post(control::reset))
            .route(
                "/portico/v1/clock",
                get(control::get_clock).post(control::set_clock),
            )
            .route("/portico/v1/outbox", get(control::outbox))
            .route("/portico/v1/whatif", post(crate::whatif::what_if))
            .route("/portico/v1/reports/mau", get(crate::reports::group_report))
            .route(
                "/portico/v1/tenants/{tenant}/keys/rotate",
                post(control::rotate_keys),
            )
            .route(
                "/portico/v1/tenants/{tenant}/users/{user}/signInRisk",
                post(control::set_sign_in_risk),
            )
            .route(
                "/portico/v1/tenants/{tenant}/lockouts",
                get(crate::lockouts::list),
            )
            .route(
                "/portico/v1/tenants/{tenant}/lockouts/{account}",
                axum::routing::delete(crate::lockouts::clear),
            );
    }
    routes
        .fallback(errors::fallback)
        .method_not_allowed_fallback(errors::method_not_allowed)
        .with_state(state)
        .layer(axum::middleware::from_fn(crate::body::read_whole_body))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(context::with_request_context))
        .layer(axum::middleware::map_response(strict_transport_security))
}

/// Portico serves only HTTPS: tell browsers never to try plain HTTP for a year (RFC 6797).
async fn strict_transport_security(
    mut response: axum::response::Response,
) -> axum::response::Response {
    response.headers_mut().insert(
        axum::http::header::STRICT_TRANSPORT_SECURITY,
        axum::http::HeaderValue::from_static("max-age=31536000"),
    );
    response
}
