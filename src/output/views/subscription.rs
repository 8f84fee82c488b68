//! `credits balance|forecast --subscription S` on a monthly-credit offer: the estimate (the
//! allowance less this billing period's cost), marked as one everywhere: the table's
//! heading, JSON `estimate: true`, a csv column, an OpenMetrics label.

use crate::forecast::estimate::EstimateForecast;
use crate::model::subscription::SubscriptionCredit;
use crate::output::cell::{Cell, Column};
use crate::output::flat::{self, FlatTable};
use crate::output::metrics::Metrics;
use crate::output::tone;
use crate::output::view::{fields, Block, TableBlock, View};

const ESTIMATE_COLUMNS: &[Column] = &[Column::text("Estimate"), Column::money("Amount")];

/// How old Cost Management's figures can be, in Microsoft's words of its refresh.
const DATA_AGE: &str =
    "Cost Management's cost can be 8 to 24 hours behind, so the estimate can be too high by that day's use";

fields! {
    /// The estimate in csv: the `--json` names.
    const ESTIMATE_FIELDS;
    fn estimate_fields<'a>(credit: &'a SubscriptionCredit) {
        "kind" => flat::str(credit.kind),
        "subscriptionId" => flat::str(&credit.subscription.id),
        "subscriptionDisplayName" => flat::text(&credit.subscription.display_name),
        "quotaId" => flat::text(&credit.quota_id),
        "estimate" => flat::flag(Some(credit.estimate)),
        "currency" => flat::text(&credit.estimated_balance.currency),
        "allowance" => flat::decimal(credit.allowance.value),
        "cost" => flat::decimal(credit.cost.value),
        "estimatedBalance" => flat::decimal(credit.estimated_balance.value),
        "periodStart" => flat::day(credit.period_start),
        "periodEnd" => flat::day(credit.period_end),
        "dataAsOf" => flat::date(credit.data_as_of),
    }
}

/// `Subscription: Visual Studio Enterprise (id), MSDN_2014-09-01`.
fn title(credit: &SubscriptionCredit) -> String {
    let name = credit.subscription.label();
    let offer = credit.quota_id.as_deref().unwrap_or("monthly credit");
    if name == credit.subscription.id {
        format!("Subscription: {name}, {offer}")
    } else {
        format!("Subscription: {name} ({}), {offer}", credit.subscription.id)
    }
}

/// The billing period, or that it is Azure's billing month to date.
fn period_line(credit: &SubscriptionCredit) -> String {
    match (credit.period_start, credit.period_end) {
        (Some(start), Some(end)) => format!("Billing period: {start} to {end}"),
        _ => "Billing period: Azure's current billing month to date (its days could not be read)"
            .to_string(),
    }
}

fn estimate_blocks(credit: &SubscriptionCredit) -> Vec<Block<'_>> {
    vec![
        Block::Line(title(credit)),
        Block::Line(
            "ESTIMATE, not Azure's figure: no API returns this credit; it is the allowance less this billing period's actual cost".into(),
        ),
        Block::Table(TableBlock {
            retitle: None,
            columns: ESTIMATE_COLUMNS,
            rows: vec![
                vec![Cell::owned("Monthly allowance"), Cell::Money(Some(&credit.allowance))],
                vec![Cell::owned("Cost this billing period"), Cell::Money(Some(&credit.cost))],
                vec![
                    Cell::owned("Estimated balance"),
                    Cell::Money(Some(&credit.estimated_balance))
                        .toned(tone::balance(Some(&credit.estimated_balance))),
                ],
            ],
        }),
        Block::Line(period_line(credit)),
        Block::Line(DATA_AGE.into()),
    ]
}

impl View for SubscriptionCredit {
    fn blocks(&self) -> Vec<Block<'_>> {
        estimate_blocks(self)
    }

    fn flat(&self) -> FlatTable<'_> {
        let mut row = Vec::with_capacity(ESTIMATE_FIELDS.len());
        estimate_fields(self, &mut row);
        FlatTable {
            header: ESTIMATE_FIELDS,
            rows: vec![row],
        }
    }

    fn metrics(&self, out: &mut Metrics) -> bool {
        let currency = self.estimated_balance.currency.as_deref().unwrap_or("");
        let labels = [
            ("subscription_id", self.subscription.id.as_str()),
            ("subscription", self.subscription.label()),
            ("currency", currency),
            ("estimate", "true"),
        ];
        for (metric, help, money) in [
            (
                "credits_subscription_estimated_balance",
                "Estimated monthly credit left: the allowance less this billing period's actual cost (not Azure's figure).",
                &self.estimated_balance,
            ),
            (
                "credits_subscription_allowance",
                "The subscription's monthly credit allowance, as given.",
                &self.allowance,
            ),
            (
                "credits_subscription_cost",
                "The actual cost of the subscription's current billing period so far.",
                &self.cost,
            ),
        ] {
            if let Some(value) = money.value {
                out.gauge(metric, help, &labels, &value.to_string());
            }
        }
        true
    }
}

fields! {
    /// The forecast of an estimate in csv: the estimate's columns, then the forecast's.
    const ESTIMATE_FORECAST_FIELDS;
    fn estimate_forecast_fields<'a>(outlook: &'a EstimateForecast) {
        "kind" => flat::str(outlook.credit.kind),
        "subscriptionId" => flat::str(&outlook.credit.subscription.id),
        "subscriptionDisplayName" => flat::text(&outlook.credit.subscription.display_name),
        "quotaId" => flat::text(&outlook.credit.quota_id),
        "estimate" => flat::flag(Some(outlook.credit.estimate)),
        "currency" => flat::text(&outlook.credit.estimated_balance.currency),
        "allowance" => flat::decimal(outlook.credit.allowance.value),
        "cost" => flat::decimal(outlook.credit.cost.value),
        "estimatedBalance" => flat::decimal(outlook.credit.estimated_balance.value),
        "periodStart" => flat::day(outlook.credit.period_start),
        "periodEnd" => flat::day(outlook.credit.period_end),
        "dataAsOf" => flat::date(outlook.credit.data_as_of),
        "burnRatePerDay" => flat::amount(&outlook.burn_rate_per_day),
        "runwayDays" => flat::number(outlook.runway_days),
        "depletionDate" => flat::day(outlook.depletion_date),
        "resetsOn" => flat::day(outlook.resets_on),
        "unusedAtPeriodEnd" => flat::amount(&outlook.unused_at_period_end),
    }
}

impl View for EstimateForecast {
    fn blocks(&self) -> Vec<Block<'_>> {
        let mut blocks = estimate_blocks(&self.credit);
        let burn = self
            .burn_rate_per_day
            .as_ref()
            .map_or_else(|| "unknown".to_string(), |m| m.display());
        let outlook = match (self.depletion_date, self.runway_days, self.resets_on) {
            (Some(day), Some(days), _) => {
                format!("at {burn} a day the estimate runs out in {days} days, on {day}")
            }
            (None, _, Some(reset)) => {
                format!("at {burn} a day the estimate lasts until the credit is renewed on {reset}")
            }
            (None, Some(days), None) => format!("at {burn} a day the estimate lasts {days} days"),
            _ => format!("at {burn} a day the estimate does not run out"),
        };
        blocks.push(Block::Line(format!("Forecast: {outlook}")));
        if let Some(unused) = &self.unused_at_period_end {
            blocks.push(Block::Line(format!(
                "Unused when the billing period ends (lost, never carried over): {}",
                unused.display()
            )));
        }
        blocks
    }

    fn flat(&self) -> FlatTable<'_> {
        let mut row = Vec::with_capacity(ESTIMATE_FORECAST_FIELDS.len());
        estimate_forecast_fields(self, &mut row);
        FlatTable {
            header: ESTIMATE_FORECAST_FIELDS,
            rows: vec![row],
        }
    }
}
