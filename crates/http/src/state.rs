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
