//! The route table: one origin serves everything.

use crate::state::AppState;
use crate::{callback, context, control, errors, graph, health, oidc};
use axum::routing::{get, post};
use axum::Router;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router(state: AppState) -> Router {
    let dev_mode = state.app.config().dev_mode;
    let managed_identity = dev_mode && state.managed_identity.is_some();
    let metrics = state.metrics.clone();
    let mut routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/portico/callback",
            get(callback::callback_get).post(callback::callback_post),
        )
        .route("/portico/callback/redeem", post(callback::redeem))
        .route("/portico/try", get(callback::start))
        .merge(crate::portal::routes(dev_mode))
        .merge(oidc::routes())
        .merge(json_apis(dev_mode));
    if managed_identity {
        routes = routes.merge(crate::managed_identity::routes());
    }
    let mut routes = routes
        .fallback(errors::fallback)
        .method_not_allowed_fallback(errors::method_not_allowed)
        .with_state(state.clone());
    if dev_mode {
        // Injected faults act at the edge: after the request context, before any handler.
        routes = routes.layer(axum::middleware::from_fn_with_state(
            state,
            crate::faults::inject,
        ));
    }
    routes
        // Bodies are read whole (Graph-shaped 413 over the limit) before any handler answers.
        .layer(axum::middleware::from_fn(crate::body::read_whole_body))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(context::with_request_context))
        .layer(axum::middleware::map_response(strict_transport_security))
        // Outermost: every answer is counted, timeouts and caught panics included.
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            crate::metrics::measure,
        ))
}

/// Graph and Portico's own JSON APIs (the control API in dev mode). U+0000 anywhere in their
/// requests is refused before a handler runs (`nul_guard`); the OIDC pages answer in their own
/// terms (a redirect URI with it simply matches nothing).
fn json_apis(dev_mode: bool) -> Router<AppState> {
    let mut routes = Router::new()
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
        .merge(graph::routes());
    if dev_mode {
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
                "/portico/v1/tenants/{tenant}/applications/{app}/keyCredentials",
                post(control::add_key_credential),
            )
            .route(
                "/portico/v1/tenants/{tenant}/lockouts",
                get(crate::lockouts::list),
            )
            .route(
                "/portico/v1/tenants/{tenant}/lockouts/{account}",
                axum::routing::delete(crate::lockouts::clear),
            )
            .route(
                "/portico/v1/tenants/{tenant}/tokens",
                post(crate::test_tokens::mint),
            )
            .route(
                "/portico/v1/faults",
                get(crate::faults::list)
                    .post(crate::faults::add)
                    .delete(crate::faults::clear),
            )
            .route(
                "/portico/v1/world",
                get(crate::world::export).put(crate::world::import),
            )
            .route(
                "/portico/v1/faults/{id}",
                axum::routing::delete(crate::faults::remove),
            );
    }
    routes.layer(axum::middleware::from_fn(crate::nul_guard::refuse_nul))
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
