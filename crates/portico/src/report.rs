//! `portico report mau`: the monthly-active-users billing report, read from the store a server
//! uses, as a table or as the control API's JSON (`--json`).

use crate::cli::{MauArgs, Report, ReportArgs};
use anyhow::{Context, Result};
use portico_app::reports::{MauGroupReport, FREE_TIER};
use portico_http::reports::{group_body, history_body, report_body};
use portico_model::month::Month;
use portico_model::tenant::Tenant;

pub async fn report(args: ReportArgs) -> Result<()> {
    match args.report {
        Report::Mau(args) => mau(args).await,
    }
}

async fn mau(args: MauArgs) -> Result<()> {
    let app = crate::directory::open_app(&args.store, &url::Url::parse("https://localhost:8443")?)
        .await?;
    let mut tenants: Vec<Tenant> = Vec::new();
    for segment in &args.tenants {
        let tenant = app
            .resolve_tenant(segment.trim())
            .await?
            .with_context(|| format!("no tenant has the id or verified domain '{segment}'"))?;
        if !tenants.iter().any(|t| t.id == tenant.id) {
            tenants.push(tenant);
        }
    }
    let ids: Vec<_> = tenants.iter().map(|t| t.id).collect();
    let last = args.month.unwrap_or_else(|| app.current_month());
    let count = i64::from(args.months.unwrap_or(1));
    let first = last
        .plus(1 - count)
        .context("the history reaches before year 1")?;
    let mut groups = Vec::new();
    for offset in 0..count {
        let month = first.plus(offset).context("month out of range")?;
        groups.push(app.mau_group_report(&ids, month).await?);
    }

    if args.json {
        let text = match groups.as_slice() {
            [group] if args.months.is_none() => match group.tenants.as_slice() {
                [only] => serde_json::to_string_pretty(&report_body(only))?,
                _ => serde_json::to_string_pretty(&group_body(group))?,
            },
            _ if ids.len() == 1 => {
                let history = app.mau_history(ids[0], first, last).await?;
                serde_json::to_string_pretty(&history_body(&history))?
            }
            _ => {
                let bodies: Vec<_> = groups.iter().map(group_body).collect();
                serde_json::to_string_pretty(&bodies)?
            }
        };
        crate::output::println(&text)?;
    } else {
        crate::output::print(&table(&tenants, &groups))?;
    }
    Ok(())
}

/// Tenant, month, MAU, free tier, billable: one row per tenant and month, and for several
/// tenants a total row per month that carries the subscription's free tier and bill.
fn table(tenants: &[Tenant], groups: &[MauGroupReport]) -> String {
    let name = |id| {
        tenants
            .iter()
            .find(|t| t.id == id)
            .map_or_else(|| id.to_string(), |t| t.display_name.clone())
    };
    let mut rows: Vec<[String; 5]> = vec![[
        "Tenant".into(),
        "Month".into(),
        "MAU".into(),
        "Free tier".into(),
        "Billable".into(),
    ]];
    for group in groups {
        let month = group.month;
        if let [only] = group.tenants.as_slice() {
            rows.push(row(
                &name(only.tenant),
                month,
                only.monthly_active_users,
                true,
            ));
            continue;
        }
        for tenant in &group.tenants {
            rows.push(row(
                &name(tenant.tenant),
                month,
                tenant.monthly_active_users,
                false,
            ));
        }
        rows.push(row("Total", month, group.monthly_active_users(), true));
    }
    render(&rows)
}

/// A row; the free tier and the bill only where one is billed (a lone tenant, or a total).
fn row(tenant: &str, month: Month, mau: u64, billed: bool) -> [String; 5] {
    let (free, billable) = if billed {
        (
            thousands(FREE_TIER),
            thousands(portico_app::reports::billable(mau)),
        )
    } else {
        ("-".into(), "-".into())
    };
    [
        tenant.to_owned(),
        month.to_string(),
        thousands(mau),
        free,
        billable,
    ]
}

/// Text columns left-aligned, numbers right-aligned, two spaces apart.
fn render(rows: &[[String; 5]]) -> String {
    let mut widths = [0usize; 5];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(column, (cell, width))| {
                if column < 2 {
                    format!("{cell:<width$}")
                } else {
                    format!("{cell:>width$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// 50000 → "50,000".
fn thousands(n: u64) -> String {
    let reversed: Vec<char> = n.to_string().chars().rev().collect();
    let mut groups: Vec<String> = reversed
        .chunks(3)
        .map(|group| group.iter().rev().collect())
        .collect();
    groups.reverse();
    groups.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(50_000), "50,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
