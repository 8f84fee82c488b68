//! `credits forecast` (one profile, with its chart) and `forecast --all` (a row per profile).

use super::{account_cell, error_cell, profile_cell, profile_title, read_cell, ProfileLine};
use crate::forecast::{Forecast, ProfileForecast};
use crate::model::row::ProfileRow;
use crate::output::cell::{Cell, Column};
use crate::output::chart::BalanceChart;
use crate::output::flat::{self, Field, FlatTable};
use crate::output::tone;
use crate::output::view::{fields, table};
use crate::output::view::{Block, Record, TableBlock, View};

const FORECAST_COLUMNS: &[Column] = &[Column::text("Forecast"), Column::prose("Value")];

fields! {
    /// `forecast`, `forecast --all` and `report` in csv: one row per profile.
    pub(super) const FORECAST_FIELDS;
    fn forecast_fields<'a>(line: &ProfileLine<'a, ProfileForecast>) {
        "billingAccountId" => flat::str(line.account_id),
        "billingAccountDisplayName" => line.account_name(),
        "billingProfileId" => flat::str(line.profile.id()),
        "billingProfileName" => flat::str(line.profile.name()),
        "billingProfileDisplayName" => flat::text(&line.profile.display_name),
        "asOf" => line.value.and_then(|r| flat::day(Some(r.forecast.as_of))),
        "currency" => line.value.and_then(|r| flat::text(&r.forecast.currency)),
        "estimatedBalance" => line.value.and_then(|r| {
            flat::decimal(r.forecast.estimated_balance.as_ref().map(|a| a.value))
        }),
        "pendingCharges" => {
            line.value.and_then(|r| flat::decimal(Some(r.forecast.pending_charges.value)))
        },
        "windowStart" => line.value.and_then(|r| flat::day(Some(r.forecast.window.start))),
        "windowEnd" => line.value.and_then(|r| flat::day(Some(r.forecast.window.end))),
        "windowDays" => line.value.and_then(|r| flat::number(Some(r.forecast.window.days))),
        "burnRatePerDay" => line.value.and_then(|r| {
            flat::decimal(r.forecast.burn_rate_per_day.as_ref().map(|a| a.value))
        }),
        "runwayDays" => line.value.and_then(|r| flat::number(r.forecast.runway_days)),
        "depletionDate" => line.value.and_then(|r| flat::day(r.forecast.depletion_date)),
        "expiringUnusedBestCase" => line.value.and_then(|r| {
            flat::decimal(r.forecast.expiring_unused.as_ref().map(|u| u.best_case.value))
        }),
        "expiringUnusedWorstCase" => line.value.and_then(|r| {
            flat::decimal(r.forecast.expiring_unused.as_ref().map(|u| u.worst_case.value))
        }),
        "creditLastsBestCase" => line.value.and_then(|r| {
            flat::day(r.forecast.expiring_unused.as_ref().and_then(|u| u.credit_lasts_best_case))
        }),
        "creditLastsWorstCase" => line.value.and_then(|r| {
            flat::day(r.forecast.expiring_unused.as_ref().and_then(|u| u.credit_lasts_worst_case))
        }),
        "tooLittleHistory" => {
            line.value.and_then(|r| flat::flag(Some(r.forecast.too_little_history.is_some())))
        },
        "errorExitCode" => line.error_code(),
        "errorMessage" => line.error_message(),
    }
}

/// One `--all` row (or a report's profile) in csv.
pub(super) fn forecast_row<'a>(row: &'a ProfileRow<ProfileForecast>, fields: &mut Vec<Field<'a>>) {
    forecast_fields(&ProfileLine::of_row(row), fields);
}

const MONTH_COLUMNS: &[Column] = &[
    Column::text("Month"),
    Column::count("Days in window"),
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
pub(super) fn burn_text(forecast: &Forecast) -> String {
    match (&forecast.burn_rate_per_day, &forecast.too_little_history) {
        (Some(rate), _) => format!("{} a day", rate.rounded()),
        (None, Some(short)) => format!(
            "too little history: first credit event {}, {} days before {} are needed",
            short
                .first_event
                .map_or("none".to_string(), |d| d.to_string()),
            short.needed_days,
            forecast.as_of
        ),
        (None, None) if forecast.no_credit => "none: the profile has no credit".into(),
        (None, None) => "-".into(),
    }
}

fn has_no_balance(forecast: &Forecast) -> bool {
    forecast.estimated_balance.is_none()
}

pub(super) fn runway_text(forecast: &Forecast) -> String {
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
                Cell::Amount(f.estimated_balance.as_ref())
                    .toned(tone::computed_balance(f.estimated_balance.as_ref())),
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
                Cell::Amount(unused.map(|u| &u.best_case))
                    .toned(tone::unused(unused.map(|u| &u.best_case))),
            ],
            vec![
                Cell::owned("Expiring unused, worst case"),
                Cell::Amount(unused.map(|u| &u.worst_case))
                    .toned(tone::unused(unused.map(|u| &u.worst_case))),
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
                retitle: None,
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
                retitle: None,
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
                        Cell::Amount(Some(&lot.unused_best_case))
                            .toned(tone::unused(Some(&lot.unused_best_case))),
                        Cell::Amount(Some(&lot.unused_worst_case))
                            .toned(tone::unused(Some(&lot.unused_worst_case))),
                    ]
                })
                .collect();
            blocks.push(Block::Line(
                "Lots with credit left, at their expiration:".into(),
            ));
            blocks.push(Block::Table(TableBlock {
                retitle: None,
                columns: OUTLOOK_COLUMNS,
                rows: lots,
            }));
        }
        blocks
    }

    fn flat(&self) -> FlatTable<'_> {
        let mut row = Vec::with_capacity(FORECAST_FIELDS.len());
        forecast_fields(&ProfileLine::of_one(&self.billing_profile, self), &mut row);
        FlatTable {
            header: FORECAST_FIELDS,
            rows: vec![row],
        }
    }
}

/// The balance over the window, then projected to zero (at most two years ahead).
pub(super) fn balance_chart(f: &Forecast) -> Option<BalanceChart> {
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

table! {
    pub(super) const FORECAST_ROW_COLUMNS;
    fn forecast_row_cells<'a>(row: &'a ProfileRow<ProfileForecast>) {
        Column::text("Account").optional(4) => account_cell(row),
        Column::text("Profile") => profile_cell(row),
        Column::money("Estimated balance") => read_cell(row, Cell::Text(None), |r| {
            let balance = r.forecast.estimated_balance.as_ref();
            Cell::Amount(balance).toned(tone::computed_balance(balance))
        }),
        Column::money("Burn a day").optional(1) => read_cell(row, Cell::Text(None), |r| {
            Cell::Amount(r.forecast.burn_rate_per_day.as_ref())
        }),
        Column::count("Runway days") => read_cell(row, Cell::Text(None), |r| {
            match r.forecast.runway_days {
                Some(days) => Cell::Count(days.unsigned_abs()),
                None => Cell::Text(None),
            }
        }),
        Column::day("Depletion").optional(2) => {
            read_cell(row, Cell::Text(None), |r| Cell::date(r.forecast.depletion_date))
        },
        Column::money("Unused (best)").optional(3) => read_cell(row, Cell::Text(None), |r| {
            let best = r.forecast.expiring_unused.as_ref().map(|u| &u.best_case);
            Cell::Amount(best).toned(tone::unused(best))
        }),
        Column::money("Unused (worst)") => read_cell(row, Cell::Text(None), |r| {
            let worst = r.forecast.expiring_unused.as_ref().map(|u| &u.worst_case);
            Cell::Amount(worst).toned(tone::unused(worst))
        }),
        Column::prose("Note") => match &row.result {
            Ok(r) => match (&r.forecast.too_little_history, r.forecast.runway_days) {
                _ if r.forecast.no_credit => Cell::owned("no credit"),
                (Some(_), _) => Cell::owned("too little history"),
                (None, None) => Cell::owned("no depletion in sight"),
                _ => Cell::Blank,
            },
            Err(error) => error_cell(error),
        },
    }
}

/// `forecast --all`: one row per profile.
impl Record for ProfileRow<ProfileForecast> {
    fn columns() -> &'static [Column] {
        FORECAST_ROW_COLUMNS
    }

    fn retitled(&self) -> Option<(&'static str, &'static str)> {
        (self.profile.kind() == crate::model::scope::ScopeKind::Customer)
            .then_some(("Profile", "Customer"))
    }

    fn cells<'a>(&'a self, cells: &mut Vec<Cell<'a>>) {
        forecast_row_cells(self, cells);
    }

    fn header() -> &'static [&'static str] {
        FORECAST_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        forecast_row(self, row);
    }
}
