use portico_app::App;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Cleared when shutdown begins, so load balancers stop sending traffic.
    pub ready: Arc<AtomicBool>,
    pub throttle: Arc<crate::throttle::Throttle>,
    /// Dev mode: the injected faults (`/portico/v1/faults`).
    pub faults: Arc<crate::faults::Faults>,
    /// Dev mode: the service principals behind the managed identity endpoints, if any.
    pub managed_identity: Option<Arc<crate::managed_identity::ManagedIdentityOptions>>,
    /// Requests counted by route and status (`/metrics` on the metrics port).
    pub metrics: Arc<crate::metrics::HttpMetrics>,
}

impl AppState {
    /// Admits one Graph request of this token's app in its tenant, or answers 429.
    pub fn throttle(
        &self,
        claims: &portico_app::tokens::AccessTokenClaims,
    ) -> Result<(), crate::errors::ApiError> {
        self.throttle.admit(claims.tenant, &claims.client_id)
    }
}
