//! `credits report`: the page's blocks (headings, tables, a Mermaid chart as code), which the
//! Markdown writer writes.

use super::balance::BALANCE_COLUMNS;
use super::forecast::{
    balance_chart, burn_text, forecast_row, runway_text, FORECAST_FIELDS, FORECAST_ROW_COLUMNS,
};
use crate::forecast::Forecast;
use crate::output::cell::{Cell, Column};
use crate::output::flat::FlatTable;
use crate::output::tone;
use crate::output::view::{Block, Record, TableBlock, View};
use crate::report::Report;

const EXPIRING_COLUMNS: &[Column] = &[
    Column::text("Expiring within"),
    Column::count("Lots"),
    Column::money("Credit left on them"),
];

/// "Where the credit went" (`report --spend`).
const SPENT_COLUMNS: &[Column] = &[
    Column::prose("Profile"),
    Column::prose("Service"),
    Column::money("Cost"),
    Column::money("Not covered"),
];

const CHECK_COLUMNS: &[Column] = &[
    Column::text("Profile"),
    Column::text("Check"),
    Column::text("Result"),
    Column::prose("Detail"),
];

/// The lines of a Mermaid `xychart-beta` of the balance over the window and its projection to zero:
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
            crate::output::chart::value_on(&chart, *day)
                .or_else(|| crate::output::chart::value_on(&chart, chart.as_of))
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
        "xychart-beta".into(),
        format!(
            "    title \"Balance ({unit}), projected from {} at the burn rate\"",
            f.as_of
        ),
        format!("    x-axis [{}]", labels.join(", ")),
        format!("    y-axis \"{unit}\""),
        format!("    line [{}]", values.join(", ")),
    ])
}

impl View for Report {
    fn blocks(&self) -> Vec<Block<'_>> {
        let mut blocks = vec![Block::Heading(1, format!("Azure credits, {}", self.as_of))];
        blocks.push(Block::Line(String::new()));
        // Customers' rows say so, in every table that names them.
        let customers = self
            .profiles
            .first()
            .is_some_and(|row| row.profile.kind() == crate::model::scope::ScopeKind::Customer);
        let retitle = customers.then_some(("Profile", "Customer"));
        if !self.profiles.is_empty() {
            blocks.push(Block::Table(TableBlock {
                retitle,
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
        }
        for (row, soon) in self.profiles.iter().zip(&self.expiring_soon) {
            let Ok(result) = &row.result else {
                continue;
            };
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Heading(
                2,
                format!("{} ({})", row.profile.label(), row.profile.name()),
            ));
            blocks.push(Block::Line(String::new()));
            let summary = &result.inputs.balance;
            blocks.push(Block::Table(TableBlock {
                retitle: None,
                columns: BALANCE_COLUMNS,
                rows: vec![
                    vec![
                        Cell::owned("Estimated balance"),
                        Cell::money(&summary.estimated_balance)
                            .toned(tone::balance(summary.estimated_balance.as_ref())),
                    ],
                    vec![
                        Cell::owned("Current balance"),
                        Cell::money(&summary.current_balance)
                            .toned(tone::balance(summary.current_balance.as_ref())),
                    ],
                    vec![
                        Cell::owned("Pending eligible charges"),
                        Cell::money(&summary.pending_eligible_charges),
                    ],
                ],
            }));
            // A status other than active, and (`--details`) payments on account, which are
            // not credit: lines of their own under the balance, never rows of it.
            let standing = summary.standing();
            if let Some(status) = standing.not_active() {
                blocks.push(Block::Line(String::new()));
                blocks.push(Block::Line(format!("Status: {status}")));
            }
            if let Some(payments) = &summary.payments_on_account {
                blocks.push(Block::Line(String::new()));
                blocks.push(Block::Line(super::balance::payments_line(payments)));
            }
            for flag in summary.suspension_flags.iter().flatten() {
                blocks.push(Block::Line(String::new()));
                blocks.push(Block::Line(flag.line()));
            }
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Table(TableBlock {
                retitle: None,
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
                        u.best_case.rounded(),
                        u.worst_case.rounded()
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
                blocks.push(Block::Code("mermaid", lines));
            }
        }
        if let Some(enrollments) = &self.enrollments {
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Heading(
                2,
                "Enterprise Agreement enrollments: Azure Prepayment".into(),
            ));
            blocks.push(Block::Line(String::new()));
            if enrollments.is_empty() {
                blocks.push(Block::Line(
                    "This sign-in sees no Enterprise Agreement enrollment.".into(),
                ));
            } else {
                blocks.push(Block::Table(TableBlock {
                    retitle: None,
                    columns: <crate::forecast::prepayment::EnrollmentForecastRow as crate::output::view::Record>::columns(),
                    rows: enrollments
                        .iter()
                        .map(|row| {
                            let mut cells = Vec::new();
                            crate::output::view::Record::cells(row, &mut cells);
                            cells
                        })
                        .collect(),
                }));
            }
        }
        if let Some(spent) = &self.spent {
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Heading(2, "Where the credit went".into()));
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Line(format!(
                "This month through {}: estimated costs before credit and tax, from Cost Management (the newest may be 8 to 24 hours old).",
                self.as_of
            )));
            blocks.push(Block::Line(String::new()));
            let mut rows = Vec::new();
            for of in spent {
                for spend in &of.spend {
                    for group in &spend.groups {
                        let part = group.not_covered.as_ref();
                        rows.push(vec![
                            Cell::owned(of.scope.label()),
                            Cell::owned(group.name.as_str()),
                            Cell::Amount(Some(&group.cost)),
                            Cell::Amount(part).toned(tone::unused(part)),
                        ]);
                    }
                    let part = spend.not_covered.as_ref();
                    rows.push(vec![
                        Cell::owned(of.scope.label()),
                        Cell::owned("Total"),
                        Cell::Amount(Some(&spend.total)),
                        Cell::Amount(part).toned(tone::unused(part)),
                    ]);
                }
            }
            if rows.is_empty() {
                blocks.push(Block::Line("No cost this month.".into()));
            } else {
                blocks.push(Block::Table(TableBlock {
                    retitle,
                    columns: SPENT_COLUMNS,
                    rows,
                }));
            }
        }
        if let Some(verified) = &self.verified {
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Heading(2, "Checks of Azure's figures".into()));
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Table(TableBlock {
                retitle: None,
                columns: super::verify::VERIFY_COLUMNS,
                rows: verified.iter().map(super::verify_cells).collect(),
            }));
        }
        if !self.checks.is_empty() {
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Heading(2, "Checks".into()));
            blocks.push(Block::Line(String::new()));
            // Enrollments' checks sit beside the profiles' in this table.
            let retitle = match (&self.enrollments, self.profiles.is_empty()) {
                (Some(_), true) => Some(("Profile", "Enrollment")),
                (Some(_), false) => Some(("Profile", "Profile or enrollment")),
                (None, _) => retitle,
            };
            blocks.push(Block::Table(TableBlock {
                retitle,
                columns: CHECK_COLUMNS,
                rows: self
                    .checks
                    .iter()
                    .map(|c| {
                        vec![
                            Cell::owned(c.profile.as_str()),
                            Cell::owned(c.check),
                            Cell::owned(c.result).toned(tone::check(c.result)),
                            Cell::owned(c.detail.as_str()),
                        ]
                    })
                    .collect(),
            }));
        }
        blocks
    }

    /// csv: the profile rows (the page's per-profile details are in `--json`).
    fn flat(&self) -> FlatTable<'_> {
        let rows = self
            .profiles
            .iter()
            .map(|row| {
                let mut fields = Vec::with_capacity(FORECAST_FIELDS.len());
                forecast_row(row, &mut fields);
                fields
            })
            .collect();
        FlatTable {
            header: FORECAST_FIELDS,
            rows,
        }
    }
}
