//! One view per noun: how accounts, a balance summary, `balance --all` rows, lots and events
//! look as tables. Pure functions from domain values to typed cells; no I/O, no format.

use super::cell::{human_text, Cell, Column};
use super::chart::BalanceChart;
use super::view::{Block, Record, TableBlock, View};
use crate::forecast::{Forecast, ProfileForecast};
use crate::model::domain::{BalanceSummary, BillingAccount, CreditEvent, LotOnDay, ProfileRef};
use crate::model::money::Money;
use crate::model::row::ProfileRow;
use crate::report::Report;
use serde::Serialize;

/// `credits accounts`: one row per profile (an account without profiles is one row).
#[derive(Serialize)]
#[serde(transparent)]
pub struct Accounts<'a>(pub &'a [BillingAccount]);

const ACCOUNT_COLUMNS: &[Column] = &[
    Column::text("Account"),
    Column::text("Agreement"),
    Column::text("Profile"),
    Column::text("Profile name (ID)"),
    Column::text("Currency"),
    Column::text("Profile id"),
];

impl View for Accounts<'_> {
    fn blocks(&self) -> Vec<Block<'_>> {
        let mut rows = Vec::new();
        for account in self.0 {
            let account_name = account.display_name.as_deref().unwrap_or(&account.name);
            let agreement = match (&account.agreement_type, account.has_credits) {
                (Some(a), true) => a.clone(),
                (Some(a), false) => format!("{a} (no credits)"),
                (None, _) => "unknown (no credits)".to_string(),
            };
            if account.billing_profiles.is_empty() {
                rows.push(vec![
                    Cell::owned(account_name),
                    Cell::owned(agreement),
                    Cell::Text(None),
                    Cell::Text(None),
                    Cell::Text(None),
                    Cell::Text(None),
                ]);
                continue;
            }
            for profile in &account.billing_profiles {
                let name = if profile.has_read_access {
                    Cell::text(&profile.display_name)
                } else {
                    let display = human_text(&Cell::text(&profile.display_name)).into_owned();
                    Cell::owned(format!("{display} (no read access)"))
                };
                rows.push(vec![
                    Cell::owned(account_name),
                    Cell::owned(agreement.clone()),
                    name,
                    Cell::owned(profile.name.as_str()),
                    Cell::text(&profile.currency),
                    Cell::owned(profile.id.as_str()),
                ]);
            }
        }
        vec![Block::Table(TableBlock {
            columns: ACCOUNT_COLUMNS,
            rows,
        })]
    }
}

/// `Billing profile: Development (/providers/...)`: the first line of a one-profile view.
fn profile_title(profile: &ProfileRef) -> String {
    match &profile.display_name {
        Some(name) => format!("Billing profile: {name} ({})", profile.id),
        None => format!("Billing profile: {}", profile.id),
    }
}

/// The account and profile cells that start every `--all` row.
fn row_names<'a, T>(row: &'a ProfileRow<T>, cells: &mut Vec<Cell<'a>>) {
    let account = row
        .account
        .display_name
        .as_deref()
        .unwrap_or(&row.account.name);
    let profile = row
        .profile
        .display_name
        .as_deref()
        .unwrap_or(&row.profile.name);
    cells.extend([Cell::owned(account), Cell::owned(profile)]);
}

const BALANCE_COLUMNS: &[Column] = &[Column::text("Balance"), Column::money("Amount")];

impl View for BalanceSummary {
    fn blocks(&self) -> Vec<Block<'_>> {
        let title = profile_title(&self.billing_profile);
        let always: [(&'static str, &Option<Money>); 5] = [
            ("Estimated balance", &self.estimated_balance),
            ("Current balance", &self.current_balance),
            ("Pending eligible charges", &self.pending_eligible_charges),
            (
                "Pending credit adjustments",
                &self.pending_credit_adjustments,
            ),
            ("Expired credit", &self.expired_credit),
        ];
        // The billing-currency rows only exist in newer API versions; hidden when absent.
        let when_sent: [(&'static str, &Option<Money>); 2] = [
            (
                "Estimated balance (billing currency)",
                &self.estimated_balance_in_billing_currency,
            ),
            (
                "Current balance (billing currency)",
                &self.current_balance_in_billing_currency,
            ),
        ];
        let rows = always
            .into_iter()
            .chain(
                when_sent
                    .into_iter()
                    .filter(|(_, value)| value.as_ref().is_some_and(|m| m.value.is_some())),
            )
            .map(|(label, value)| vec![Cell::owned(label), Cell::money(value)])
            .collect();
        let mut blocks = vec![
            Block::Line(title),
            Block::Table(TableBlock {
                columns: BALANCE_COLUMNS,
                rows,
            }),
        ];
        let currencies: Vec<String> = [
            ("Credit currency", &self.credit_currency),
            ("Billing currency", &self.billing_currency),
        ]
        .iter()
        .filter_map(|(label, value)| value.as_ref().map(|v| format!("{label}: {v}")))
        .collect();
        if !currencies.is_empty() {
            blocks.push(Block::Line(currencies.join("  ")));
        }
        blocks
    }
}

const BALANCE_ROW_COLUMNS: &[Column] = &[
    Column::text("Account"),
    Column::text("Profile"),
    Column::money("Estimated balance"),
    Column::money("Current balance"),
    Column::money("Pending charges"),
    Column::money("Pending adjustments"),
    Column::money("Expired credit"),
    Column::text("Note"),
];

/// `balance --all`: one row per profile; failed profiles say why.
impl Record for ProfileRow<BalanceSummary> {
    fn columns() -> &'static [Column] {
        BALANCE_ROW_COLUMNS
    }

    fn cells<'a>(&'a self, cells: &mut Vec<Cell<'a>>) {
        row_names(self, cells);
        match &self.result {
            Ok(summary) => {
                cells.extend([
                    Cell::money(&summary.estimated_balance),
                    Cell::money(&summary.current_balance),
                    Cell::money(&summary.pending_eligible_charges),
                    Cell::money(&summary.pending_credit_adjustments),
                    Cell::money(&summary.expired_credit),
                ]);
                cells.push(if summary.has_credits {
                    Cell::Blank
                } else {
                    Cell::owned("no credits")
                });
            }
            Err(error) => {
                cells.extend(std::iter::repeat_n(Cell::Money(None), 5));
                cells.push(Cell::owned(format!("error: {}", error.kind.short_name())));
            }
        }
    }
}

const LOT_COLUMNS: &[Column] = &[
    Column::text("Source"),
    Column::text("Status"),
    Column::day("Start"),
    Column::day("Expires"),
    Column::money("Original"),
    Column::money("Remaining"),
    Column::text("PO number"),
];

impl Record for LotOnDay<'_> {
    fn columns() -> &'static [Column] {
        LOT_COLUMNS
    }

    fn cells<'a>(&'a self, row: &mut Vec<Cell<'a>>) {
        let lot = self.lot;
        row.extend([
            Cell::text(&lot.source),
            Cell::owned(self.status.label()),
            Cell::Day(lot.start_date),
            Cell::Day(lot.expiration_date),
            Cell::money(&lot.original_amount),
            Cell::money(&lot.closed_balance),
            Cell::text(&lot.po_number),
        ]);
    }
}

const EVENT_COLUMNS: &[Column] = &[
    Column::day("Date"),
    Column::text("Description"),
    Column::text("Type"),
    Column::money("New credit"),
    Column::money("Adjustments"),
    Column::money("Credit expired"),
    Column::money("Charges"),
    Column::money("Balance after"),
    Column::text("Invoice"),
];

impl Record for CreditEvent {
    fn columns() -> &'static [Column] {
        EVENT_COLUMNS
    }

    fn cells<'a>(&'a self, row: &mut Vec<Cell<'a>>) {
        row.extend([
            Cell::Day(self.transaction_date),
            Cell::text(&self.description),
            Cell::text(&self.event_type),
            Cell::money(&self.new_credit),
            Cell::money(&self.adjustments),
            Cell::money(&self.credit_expired),
            Cell::money(&self.charges),
            Cell::money(&self.closed_balance),
            Cell::text(&self.invoice_number),
        ]);
    }
}

const FORECAST_COLUMNS: &[Column] = &[Column::text("Forecast"), Column::text("Value")];
const MONTH_COLUMNS: &[Column] = &[
    Column::text("Month"),
    Column {
        title: "Days in window",
        kind: super::cell::ColumnKind::Count,
    },
    Column::money("Charges"),
];
const OUTLOOK_COLUMNS: &[Column] = &[
    Column::text("Lot"),
    Column::day("Expires"),
    Column::money("Remaining"),
    Column::money("Unused (best case)"),
    Column::money("Unused (worst case)"),
];

/// The burn rate, or why there is none.
fn burn_text(forecast: &Forecast) -> String {
    match (&forecast.burn_rate_per_day, &forecast.too_little_history) {
        (Some(rate), _) => format!("{rate} a day"),
        (None, Some(short)) => format!(
            "too little history: first credit event {}, {} days before {} are needed",
            short
                .first_event
                .map_or("none".to_string(), |d| d.to_string()),
            short.needed_days,
            forecast.as_of
        ),
        (None, None) => "-".into(),
    }
}

fn has_no_balance(forecast: &Forecast) -> bool {
    forecast.estimated_balance.is_none()
}

fn runway_text(forecast: &Forecast) -> String {
    match (
        forecast.runway_days,
        forecast.depletion_date,
        &forecast.burn_rate_per_day,
    ) {
        (Some(days), Some(date), _) => format!("{days} days, to {date}"),
        (Some(days), None, _) => format!("{days} days"),
        (None, _, Some(_)) if has_no_balance(forecast) => {
            "unknown: Azure reported no estimated balance".into()
        }
        (None, _, Some(rate)) if !rate.value.is_zero() => {
            "no depletion in sight (more than a million days)".into()
        }
        (None, _, Some(_)) => "no depletion in sight (no charges in the window)".into(),
        (None, _, None) => "-".into(),
    }
}

impl View for ProfileForecast {
    fn blocks(&self) -> Vec<Block<'_>> {
        let f = &self.forecast;
        let title = profile_title(&self.billing_profile);
        let unused = f.expiring_unused.as_ref();
        let rows = vec![
            vec![Cell::owned("As of"), Cell::date(Some(f.as_of))],
            vec![
                Cell::owned("Estimated balance"),
                Cell::Amount(f.estimated_balance.as_ref()),
            ],
            vec![
                Cell::owned("Pending charges (drawn first)"),
                Cell::Amount(Some(&f.pending_charges)),
            ],
            vec![
                Cell::owned(format!(
                    "Burn rate ({} days, {} to {})",
                    f.window.days, f.window.start, f.window.end
                )),
                Cell::owned(burn_text(f)),
            ],
            vec![Cell::owned("Runway"), Cell::owned(runway_text(f))],
            vec![
                Cell::owned("Credit on the lots lasts until (best/worst)"),
                Cell::owned(match unused {
                    Some(u) => {
                        let day = |d: Option<chrono::NaiveDate>| {
                            d.map_or("never runs out".to_string(), |d| d.to_string())
                        };
                        format!(
                            "{} / {}",
                            day(u.credit_lasts_best_case),
                            day(u.credit_lasts_worst_case)
                        )
                    }
                    None => "-".into(),
                }),
            ],
            vec![
                Cell::owned("Expiring unused, best case"),
                Cell::Amount(unused.map(|u| &u.best_case)),
            ],
            vec![
                Cell::owned("Expiring unused, worst case"),
                Cell::Amount(unused.map(|u| &u.worst_case)),
            ],
        ];
        let months = f
            .monthly_charges
            .iter()
            .map(|m| {
                vec![
                    Cell::owned(m.month.as_str()),
                    Cell::Count(m.days.unsigned_abs()),
                    Cell::Amount(Some(&m.charges)),
                ]
            })
            .collect();
        let mut blocks = vec![
            Block::Line(title),
            Block::Table(TableBlock {
                columns: FORECAST_COLUMNS,
                rows,
            }),
            Block::Line(
                "Best case: soonest-expiring lot used first; worst case: latest-expiring first."
                    .into(),
            ),
        ];
        if let Some(chart) = balance_chart(f) {
            blocks.push(Block::Chart(chart));
        }
        blocks.extend([
            Block::Line("Charges per month in the window:".into()),
            Block::Table(TableBlock {
                columns: MONTH_COLUMNS,
                rows: months,
            }),
        ]);
        if let Some(unused) = unused.filter(|u| !u.lots.is_empty()) {
            let lots = unused
                .lots
                .iter()
                .map(|lot| {
                    let name = lot.source.as_deref().or(lot.name.as_deref()).unwrap_or("-");
                    vec![
                        Cell::owned(name),
                        Cell::date(lot.expiration_date),
                        Cell::Amount(Some(&lot.remaining)),
                        Cell::Amount(Some(&lot.unused_best_case)),
                        Cell::Amount(Some(&lot.unused_worst_case)),
                    ]
                })
                .collect();
            blocks.push(Block::Line(
                "Lots with credit left, at their expiration:".into(),
            ));
            blocks.push(Block::Table(TableBlock {
                columns: OUTLOOK_COLUMNS,
                rows: lots,
            }));
        }
        blocks
    }
}

/// The balance over the window, then projected to zero (at most two years ahead).
fn balance_chart(f: &Forecast) -> Option<BalanceChart> {
    if f.balance_history.is_empty() {
        return None;
    }
    let projection = match (&f.estimated_balance, &f.burn_rate_per_day) {
        (Some(balance), Some(rate)) if !rate.value.is_zero() => Some((balance.value, rate.value)),
        _ => None,
    };
    let horizon = f.as_of + chrono::Duration::days(730);
    let end = match f.depletion_date {
        Some(depletion) => depletion.min(horizon),
        None => f.as_of + chrono::Duration::days(f.window.days),
    };
    let expiries = f
        .expiring_unused
        .iter()
        .flat_map(|u| u.lots.iter().filter_map(|l| l.expiration_date))
        .filter(|d| *d >= f.window.start && *d <= end)
        .collect();
    Some(BalanceChart {
        history: f
            .balance_history
            .iter()
            .map(|p| (p.date, p.balance.value))
            .collect(),
        start: f.window.start,
        as_of: f.as_of,
        projection,
        end: end.max(f.as_of),
        expiries,
        currency: f.currency.clone(),
    })
}

const FORECAST_ROW_COLUMNS: &[Column] = &[
    Column::text("Account"),
    Column::text("Profile"),
    Column::money("Estimated balance"),
    Column::money("Burn a day"),
    Column {
        title: "Runway days",
        kind: super::cell::ColumnKind::Count,
    },
    Column::day("Depletion"),
    Column::money("Unused (best)"),
    Column::money("Unused (worst)"),
    Column::text("Note"),
];

/// `forecast --all`: one row per profile.
impl Record for ProfileRow<ProfileForecast> {
    fn columns() -> &'static [Column] {
        FORECAST_ROW_COLUMNS
    }

    fn cells<'a>(&'a self, cells: &mut Vec<Cell<'a>>) {
        row_names(self, cells);
        match &self.result {
            Ok(result) => {
                let f = &result.forecast;
                let unused = f.expiring_unused.as_ref();
                cells.extend([
                    Cell::Amount(f.estimated_balance.as_ref()),
                    Cell::Amount(f.burn_rate_per_day.as_ref()),
                    match f.runway_days {
                        Some(days) => Cell::Count(days.unsigned_abs()),
                        None => Cell::Text(None),
                    },
                    Cell::date(f.depletion_date),
                    Cell::Amount(unused.map(|u| &u.best_case)),
                    Cell::Amount(unused.map(|u| &u.worst_case)),
                ]);
                cells.push(match (&f.too_little_history, f.runway_days) {
                    (Some(_), _) => Cell::owned("too little history"),
                    (None, None) => Cell::owned("no depletion in sight"),
                    _ => Cell::Blank,
                });
            }
            Err(error) => {
                cells.extend(std::iter::repeat_n(Cell::Text(None), 6));
                cells.push(Cell::owned(format!("error: {}", error.kind.short_name())));
            }
        }
    }
}

const EXPIRING_COLUMNS: &[Column] = &[
    Column::text("Expiring within"),
    Column {
        title: "Lots",
        kind: super::cell::ColumnKind::Count,
    },
    Column::money("Credit left on them"),
];

const CHECK_COLUMNS: &[Column] = &[
    Column::text("Profile"),
    Column::text("Check"),
    Column::text("Result"),
    Column::text("Detail"),
];

/// A Mermaid `xychart-beta` of the balance over the window and its projection to zero:
/// GitHub draws it in a step summary or a comment.
fn mermaid(f: &Forecast) -> Option<Vec<String>> {
    let chart = balance_chart(f)?;
    let points = 12;
    let span = (chart.end - chart.start).num_days().max(1);
    let days: Vec<chrono::NaiveDate> = (0..points)
        .map(|i| chart.start + chrono::Duration::days(span * i / (points - 1)))
        .collect();
    let values: Vec<String> = days
        .iter()
        .map(|day| {
            // Without a projection (no burn) the balance stays where it is.
            super::chart::value_on(&chart, *day)
                .or_else(|| super::chart::value_on(&chart, chart.as_of))
                .map(|(v, _)| v.round_dp(2).to_string())
                .unwrap_or_else(|| "0".into())
        })
        .collect();
    let labels: Vec<String> = days
        .iter()
        .map(|d| format!("\"{}\"", d.format("%b %d")))
        .collect();
    let unit = f.currency.clone().unwrap_or_default();
    Some(vec![
        "```mermaid".into(),
        "xychart-beta".into(),
        format!(
            "    title \"Balance ({unit}), projected from {} at the burn rate\"",
            f.as_of
        ),
        format!("    x-axis [{}]", labels.join(", ")),
        format!("    y-axis \"{unit}\""),
        format!("    line [{}]", values.join(", ")),
        "```".into(),
    ])
}

impl View for Report {
    fn blocks(&self) -> Vec<Block<'_>> {
        let mut blocks = vec![Block::Line(format!("# Azure credits, {}", self.as_of))];
        blocks.push(Block::Line(String::new()));
        blocks.push(Block::Table(TableBlock {
            columns: FORECAST_ROW_COLUMNS,
            rows: self
                .profiles
                .iter()
                .map(|row| {
                    let mut cells = Vec::new();
                    row.cells(&mut cells);
                    cells
                })
                .collect(),
        }));
        for (row, soon) in self.profiles.iter().zip(&self.expiring_soon) {
            let Ok(result) = &row.result else {
                continue;
            };
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Line(format!(
                "## {} ({})",
                row.profile.label(),
                row.profile.name
            )));
            blocks.push(Block::Line(String::new()));
            let summary = &result.inputs.balance;
            blocks.push(Block::Table(TableBlock {
                columns: BALANCE_COLUMNS,
                rows: vec![
                    vec![
                        Cell::owned("Estimated balance"),
                        Cell::money(&summary.estimated_balance),
                    ],
                    vec![
                        Cell::owned("Current balance"),
                        Cell::money(&summary.current_balance),
                    ],
                    vec![
                        Cell::owned("Pending eligible charges"),
                        Cell::money(&summary.pending_eligible_charges),
                    ],
                ],
            }));
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Table(TableBlock {
                columns: EXPIRING_COLUMNS,
                rows: soon
                    .iter()
                    .map(|s| {
                        vec![
                            Cell::owned(format!("{} days", s.days)),
                            Cell::Count(s.lots as u64),
                            Cell::Amount(Some(&s.remaining)),
                        ]
                    })
                    .collect(),
            }));
            let f = &result.forecast;
            let unused = f
                .expiring_unused
                .as_ref()
                .map(|u| {
                    format!(
                        "{} (best case) to {} (worst case)",
                        u.best_case, u.worst_case
                    )
                })
                .unwrap_or_else(|| "-".into());
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Line(format!(
                "Burn rate: {}. Runway: {}. Expiring unused: {unused}.",
                burn_text(f),
                runway_text(f)
            )));
            if let Some(lines) = mermaid(f) {
                blocks.push(Block::Line(String::new()));
                blocks.extend(lines.into_iter().map(Block::Line));
            }
        }
        if !self.checks.is_empty() {
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Line("## Checks".into()));
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Table(TableBlock {
                columns: CHECK_COLUMNS,
                rows: self
                    .checks
                    .iter()
                    .map(|c| {
                        vec![
                            Cell::owned(c.profile.as_str()),
                            Cell::owned(c.check),
                            Cell::owned(c.result),
                            Cell::owned(c.detail.as_str()),
                        ]
                    })
                    .collect(),
            }));
        }
        blocks
    }
}
