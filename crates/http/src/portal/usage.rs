//! `/portal/usage`: monthly active guests of the last twelve months as a bar chart with the
//! 50,000 free line, and the numbers beside it (`decisions.md` 17). A log scale, so that a
//! month of three guests and the free line both show.

use super::{render, Chrome, PortalError, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use portico_app::directory::{GraphError, Operation};
use portico_app::reports::{require_report_reader, FREE_TIER};

/// Chart geometry (SVG user units).
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 28.0;

pub struct Bar {
    pub month: String,
    pub users: u64,
    pub billable: u64,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

pub struct Tick {
    pub label: &'static str,
    pub y: f64,
}

#[derive(Template)]
#[template(path = "portal/usage.html")]
struct UsagePage {
    chrome: Chrome,
    bars: Vec<Bar>,
    ticks: Vec<Tick>,
    free_y: f64,
    free_tier: String,
    width: f64,
    height: f64,
    left: f64,
    base_y: f64,
}

/// Height above the axis of `value` on a log scale whose top is 10^6.
fn scaled(value: u64) -> f64 {
    let top = 1_000_000_f64.log10();
    #[allow(clippy::cast_precision_loss)] // counts of guests: far below 2^52
    let v = (value as f64 + 1.0).log10();
    (v / top).min(1.0) * (HEIGHT - BOTTOM - 8.0)
}

/// `GET /portal/usage`.
pub async fn usage(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, PortalError> {
    if !session.caller.administers(Operation::ReadMauReport) {
        return Err(GraphError::Forbidden.into());
    }
    require_report_reader(&session.caller)?;
    let (first, last) = state.app.history_range(None, None);
    let history = state
        .app
        .mau_history(session.tenant.id, first, last)
        .await
        .map_err(PortalError::internal)?;
    let base_y = HEIGHT - BOTTOM;
    #[allow(clippy::cast_precision_loss)]
    let slot = (WIDTH - LEFT) / history.months.len().max(1) as f64;
    let bars = history
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let height = scaled(m.monthly_active_users);
            #[allow(clippy::cast_precision_loss)]
            let x = LEFT + slot * i as f64 + slot * 0.15;
            Bar {
                month: m.month.to_string(),
                users: m.monthly_active_users,
                billable: m.billable(),
                x,
                y: base_y - height,
                width: slot * 0.7,
                height,
            }
        })
        .collect();
    let ticks = [
        (1, "1"),
        (10, "10"),
        (100, "100"),
        (1_000, "1k"),
        (10_000, "10k"),
        (100_000, "100k"),
        (1_000_000, "1M"),
    ]
    .into_iter()
    .map(|(n, label)| Tick {
        label,
        y: base_y - scaled(n),
    })
    .collect();
    Ok(render(&UsagePage {
        chrome: Chrome::of(&state, &session, "usage").await,
        bars,
        ticks,
        free_y: base_y - scaled(FREE_TIER),
        free_tier: grouped(FREE_TIER),
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        base_y,
    }))
}

/// 50000 → "50,000".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::grouped(50_000), "50,000");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1_234_567), "1,234,567");
    }
}
