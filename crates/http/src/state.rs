use portico_app::App;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Cleared when shutdown begins, so load balancers stop sending traffic.
    pub ready: Arc<AtomicBool>,
}
