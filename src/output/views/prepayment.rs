//! `credits balance --account ENROLLMENT`: an Enterprise Agreement enrollment's Azure
//! Prepayment, one period (a table of its figures and their details) or several (a row per
//! period, newest first). Hidden prices read "hidden", never 0.

use crate::forecast::prepayment::{EaForecast, EnrollmentForecastRow};
use crate::model::ea::{EaPrepayment, EnrollmentRow, NamedAmount};
use crate::model::money::Money;
use crate::output::cell::{Cell, Column};
use crate::output::flat::{self, Field, FlatTable};
use crate::output::tone;
use crate::output::view::{fields, table, Block, Record, TableBlock, View};

const FIGURE_COLUMNS: &[Column] = &[Column::text("Azure Prepayment"), Column::money("Amount")];

/// An amount, or "hidden" when the enrollment hides its prices.
fn figure<'a>(period: &EaPrepayment, value: &'a Option<Money>) -> Cell<'a> {
    if period.price_hidden {
        Cell::owned("hidden")
    } else {
        Cell::money(value)
    }
}

fields! {
    /// One period in csv: the `--json` names, amounts as Azure's digits.
    const PREPAYMENT_FIELDS;
    fn prepayment_fields<'a>(period: &'a EaPrepayment) {
        "kind" => flat::str(period.kind),
        "account" => flat::str(&period.account),
        "period" => flat::str(&period.period),
        "currency" => flat::text(&period.currency),
        "beginningBalance" => flat::amount(&period.beginning_balance),
        "newPurchases" => flat::amount(&period.new_purchases),
        "adjustments" => flat::amount(&period.adjustments),
        "utilized" => flat::amount(&period.utilized),
        "endingBalance" => flat::amount(&period.ending_balance),
        "serviceOverage" => flat::amount(&period.service_overage),
        "chargesBilledSeparately" => flat::amount(&period.charges_billed_separately),
        "totalOverage" => flat::amount(&period.total_overage),
        "azureMarketplaceServiceCharges" => {
            flat::amount(&period.azure_marketplace_service_charges)
        },
        "priceHidden" => flat::flag(Some(period.price_hidden)),
        "totalUsage" => flat::amount(&period.total_usage),
        "billingFrequency" => flat::text(&period.billing_frequency),
        "overageRefund" => flat::amount(&period.overage_refund),
    }
}

/// `Promo Credit 1.10 USD; SIE Credit 1.00 USD`.
fn details_text(period: &EaPrepayment, details: &[NamedAmount]) -> String {
    details
        .iter()
        .map(|detail| {
            let name = detail.name.as_deref().unwrap_or("-");
            let amount = if period.price_hidden {
                "hidden".to_string()
            } else {
                detail
                    .value
                    .as_ref()
                    .map_or_else(|| "-".to_string(), Money::display)
            };
            format!("{name} {amount}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl View for EaPrepayment {
    fn blocks(&self) -> Vec<Block<'_>> {
        let title = format!(
            "Enrollment: {} ({}), Azure Prepayment, period {}",
            self.account_display_name
                .as_deref()
                .unwrap_or(&self.account),
            self.account,
            self.period_shown()
        );
        let figures: [(&'static str, &Option<Money>); 9] = [
            ("Beginning balance", &self.beginning_balance),
            ("New purchases", &self.new_purchases),
            ("Adjustments", &self.adjustments),
            ("Used (utilized)", &self.utilized),
            ("Ending balance", &self.ending_balance),
            ("Service overage", &self.service_overage),
            ("Charges billed separately", &self.charges_billed_separately),
            ("Total overage", &self.total_overage),
            (
                "Azure Marketplace service charges",
                &self.azure_marketplace_service_charges,
            ),
        ];
        let rows = figures
            .into_iter()
            .map(|(label, value)| {
                let toned = (label == "Ending balance")
                    .then(|| tone::balance(value.as_ref()))
                    .flatten();
                vec![Cell::owned(label), figure(self, value).toned(toned)]
            })
            .collect();
        let mut blocks = vec![
            Block::Line(title),
            Block::Table(TableBlock {
                retitle: None,
                columns: FIGURE_COLUMNS,
                rows,
            }),
        ];
        if !self.new_purchases_details.is_empty() {
            blocks.push(Block::Line(format!(
                "New purchases: {}",
                details_text(self, &self.new_purchases_details)
            )));
        }
        if !self.adjustment_details.is_empty() {
            blocks.push(Block::Line(format!(
                "Adjustments: {}",
                details_text(self, &self.adjustment_details)
            )));
        }
        if self.price_hidden {
            blocks.push(Block::Line(
                "Prices are hidden for this enrollment (priceHidden): amounts are unknown, not zero"
                    .to_string(),
            ));
        }
        blocks
    }

    fn flat(&self) -> FlatTable<'_> {
        let mut row = Vec::with_capacity(PREPAYMENT_FIELDS.len());
        prepayment_fields(self, &mut row);
        FlatTable {
            header: PREPAYMENT_FIELDS,
            rows: vec![row],
        }
    }
}

table! {
    const PERIOD_COLUMNS;
    fn period_cells<'a>(period: &'a EaPrepayment) {
        Column::text("Period") => Cell::owned(period.period_shown()),
        Column::money("Beginning") => figure(period, &period.beginning_balance),
        Column::money("Purchases").optional(2) => figure(period, &period.new_purchases),
        Column::money("Adjustments").optional(3) => figure(period, &period.adjustments),
        Column::money("Used") => figure(period, &period.utilized),
        Column::money("Ending") => {
            figure(period, &period.ending_balance)
                .toned(tone::balance(period.ending_balance.as_ref()))
        },
        Column::money("Overage").optional(1) => figure(period, &period.total_overage),
        Column::money("Marketplace").optional(4) => {
            figure(period, &period.azure_marketplace_service_charges)
        },
    }
}

/// `--periods N`: a row per period.
impl Record for EaPrepayment {
    fn columns() -> &'static [Column] {
        PERIOD_COLUMNS
    }

    fn cells<'a>(&'a self, cells: &mut Vec<Cell<'a>>) {
        period_cells(self, cells);
    }

    fn header() -> &'static [&'static str] {
        PREPAYMENT_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        prepayment_fields(self, row);
    }
}

const FORECAST_COLUMNS: &[Column] = &[Column::text("Forecast"), Column::text("Value")];

fields! {
    /// An enrollment's forecast in csv.
    const FORECAST_FIELDS;
    fn forecast_fields<'a>(forecast: &'a EaForecast) {
        "kind" => flat::str(forecast.kind),
        "account" => flat::str(&forecast.account),
        "asOf" => Some(forecast.as_of.to_string().into()),
        "period" => flat::str(&forecast.period),
        "currency" => flat::text(&forecast.currency),
        "endingBalance" => forecast.ending_balance.as_ref().map(|a| a.value.to_string().into()),
        "burnPeriods" => Some(forecast.burn_periods.join(" ").into()),
        "burnRatePerDay" => forecast.burn_rate_per_day.as_ref().map(|a| a.value.to_string().into()),
        "tooLittleHistory" => flat::flag(Some(forecast.too_little_history)),
        "runwayDays" => forecast.runway_days.map(|d| d.to_string().into()),
        "depletionDate" => forecast.depletion_date.map(|d| d.to_string().into()),
        "enrollmentEndDate" => forecast.enrollment_end_date.map(|d| d.to_string().into()),
        "expiringUnused" => forecast.expiring_unused.as_ref().map(|a| a.value.to_string().into()),
    }
}

impl View for EaForecast {
    fn blocks(&self) -> Vec<Block<'_>> {
        let title = format!(
            "Enrollment: {} ({}), Azure Prepayment forecast as of {}",
            self.account_display_name
                .as_deref()
                .unwrap_or(&self.account),
            self.account,
            self.as_of
        );
        let shown = |code: &str| crate::model::ea::shown(code);
        let amount = |a: &Option<crate::model::amount::Amount>| {
            a.as_ref().map_or_else(|| "-".to_string(), |a| a.rounded())
        };
        // Short enough for one line at 80 columns beside its label.
        let burn = if self.too_little_history {
            format!(
                "too little history ({} of 3 closed periods)",
                self.burn_periods.len()
            )
        } else {
            let newest = self
                .burn_periods
                .first()
                .map(|p| shown(p))
                .unwrap_or_default();
            let oldest = self
                .burn_periods
                .last()
                .map(|p| shown(p))
                .unwrap_or_default();
            format!(
                "{} (use of {oldest} to {newest})",
                amount(&self.burn_rate_per_day)
            )
        };
        let runway = match (self.runway_days, self.too_little_history) {
            _ if self.price_hidden => "hidden".to_string(),
            (_, true) => "-".to_string(),
            _ if self.ending_balance.is_none() => "-".to_string(),
            (Some(days), _) => format!("{days} days"),
            (None, _) => "no depletion in sight".to_string(),
        };
        let day =
            |d: Option<chrono::NaiveDate>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
        let rows: Vec<(String, String)> = vec![
            (
                format!("Ending balance ({})", shown(&self.period)),
                amount(&self.ending_balance),
            ),
            ("Burn rate per day".into(), burn),
            ("Runway".into(), runway),
            ("Runs out on".into(), day(self.depletion_date)),
            ("Enrollment ends on".into(), day(self.enrollment_end_date)),
            (
                "Left when it ends (expires)".into(),
                amount(&self.expiring_unused),
            ),
        ];
        vec![
            Block::Line(title),
            Block::Table(TableBlock {
                retitle: None,
                columns: FORECAST_COLUMNS,
                rows: rows
                    .into_iter()
                    .map(|(label, value)| vec![Cell::owned(label), Cell::owned(value)])
                    .collect(),
            }),
        ]
    }

    fn flat(&self) -> FlatTable<'_> {
        let mut row = Vec::with_capacity(FORECAST_FIELDS.len());
        forecast_fields(self, &mut row);
        FlatTable {
            header: FORECAST_FIELDS,
            rows: vec![row],
        }
    }
}

table! {
    const ENROLLMENT_COLUMNS;
    fn enrollment_cells<'a>(row: &'a EnrollmentRow) {
        Column::prose("Enrollment") => {
            Cell::owned(row.account_display_name.as_deref().unwrap_or(&row.account))
        },
        Column::text("Number").optional(2) => Cell::owned(row.account.as_str()),
        Column::text("Period") => match &row.result {
            Ok(period) => Cell::owned(period.period_shown()),
            Err(_) => Cell::Text(None),
        },
        Column::money("Used").optional(1) => match &row.result {
            Ok(period) => figure(period, &period.utilized),
            Err(_) => Cell::Money(None),
        },
        Column::money("Ending") => match &row.result {
            Ok(period) => figure(period, &period.ending_balance)
                .toned(tone::balance(period.ending_balance.as_ref())),
            Err(_) => Cell::Money(None),
        },
        Column::text("Note") => match &row.result {
            Ok(period) if period.price_hidden => Cell::owned("prices hidden"),
            Ok(_) => Cell::Blank,
            Err(error) => Cell::owned(format!("error: {}", error.kind.short_name())),
        },
    }
}

/// `balance --all-enrollments` in csv: a period's columns, then the row's outcome.
const ENROLLMENT_FIELDS: &[&str] = &[
    "kind",
    "account",
    "period",
    "currency",
    "beginningBalance",
    "newPurchases",
    "adjustments",
    "utilized",
    "endingBalance",
    "serviceOverage",
    "chargesBilledSeparately",
    "totalOverage",
    "azureMarketplaceServiceCharges",
    "priceHidden",
    "totalUsage",
    "billingFrequency",
    "overageRefund",
    "outcome",
    "errorExitCode",
    "errorMessage",
];

/// `balance --all-enrollments`: a row per enrollment, its current period or why not.
impl Record for EnrollmentRow {
    fn columns() -> &'static [Column] {
        ENROLLMENT_COLUMNS
    }

    fn cells<'a>(&'a self, cells: &mut Vec<Cell<'a>>) {
        enrollment_cells(self, cells);
    }

    fn header() -> &'static [&'static str] {
        ENROLLMENT_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        match &self.result {
            Ok(period) => prepayment_fields(period, row),
            Err(_) => {
                row.push(flat::str("eaPrepayment"));
                row.push(flat::str(&self.account));
                // The period's other columns are empty for a row that was not read.
                row.extend((2..PREPAYMENT_FIELDS.len()).map(|_| None));
            }
        }
        row.push(flat::str(self.outcome()));
        match &self.result {
            Ok(_) => row.extend([None, None]),
            Err(error) => {
                row.push(Some(error.exit_code.to_string().into()));
                row.push(Some(error.message.as_str().into()));
            }
        }
    }
}

table! {
    const ENROLLMENT_FORECAST_COLUMNS;
    fn enrollment_forecast_cells<'a>(row: &'a EnrollmentForecastRow) {
        Column::prose("Enrollment") => {
            Cell::owned(row.account_display_name.as_deref().unwrap_or(&row.account))
        },
        Column::text("Number").optional(3) => Cell::owned(row.account.as_str()),
        Column::money("Ending balance") => match &row.result {
            Ok(f) if f.price_hidden => Cell::owned("hidden"),
            Ok(f) => Cell::Amount(f.ending_balance.as_ref()),
            Err(_) => Cell::Amount(None),
        },
        Column::money("Burn a day") => match &row.result {
            Ok(f) => Cell::Amount(f.burn_rate_per_day.as_ref()),
            Err(_) => Cell::Amount(None),
        },
        Column::count("Runway days").optional(2) => match &row.result {
            Ok(f) => match f.runway_days {
                Some(days) => Cell::Count(u64::try_from(days).unwrap_or(0)),
                None => Cell::Text(None),
            },
            Err(_) => Cell::Text(None),
        },
        Column::day("Runs out").optional(1) => match &row.result {
            Ok(f) => Cell::date(f.depletion_date),
            Err(_) => Cell::Day(None),
        },
        Column::day("Ends") => match &row.result {
            Ok(f) => Cell::date(f.enrollment_end_date),
            Err(_) => Cell::Day(None),
        },
        Column::money("Left at end") => match &row.result {
            Ok(f) => Cell::Amount(f.expiring_unused.as_ref())
                .toned(tone::unused(f.expiring_unused.as_ref())),
            Err(_) => Cell::Amount(None),
        },
        Column::text("Note") => match &row.result {
            Ok(f) if f.too_little_history => Cell::owned("too little history"),
            Ok(f) if f.price_hidden => Cell::owned("prices hidden"),
            Ok(_) => Cell::Blank,
            Err(error) => Cell::owned(format!("error: {}", error.kind.short_name())),
        },
    }
}

/// `forecast --all-enrollments` in csv: a forecast's columns, then the row's outcome.
static ENROLLMENT_FORECAST_FIELDS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| {
        let mut all = FORECAST_FIELDS.to_vec();
        all.extend(["outcome", "errorExitCode", "errorMessage"]);
        all
    });

/// `forecast --all-enrollments`: a row per enrollment, its forecast or why not.
impl Record for EnrollmentForecastRow {
    fn columns() -> &'static [Column] {
        ENROLLMENT_FORECAST_COLUMNS
    }

    fn cells<'a>(&'a self, cells: &mut Vec<Cell<'a>>) {
        enrollment_forecast_cells(self, cells);
    }

    fn header() -> &'static [&'static str] {
        ENROLLMENT_FORECAST_FIELDS.as_slice()
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        match &self.result {
            Ok(forecast) => {
                forecast_fields(forecast, row);
                row.extend([flat::str("ok"), None, None]);
            }
            Err(error) => {
                row.push(flat::str("eaPrepayment"));
                row.push(flat::str(&self.account));
                row.extend((2..FORECAST_FIELDS.len()).map(|_| None));
                row.push(flat::str(error.outcome()));
                row.push(Some(error.exit_code.to_string().into()));
                row.push(Some(error.message.as_str().into()));
            }
        }
    }
}
