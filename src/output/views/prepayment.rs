//! `credits balance --account ENROLLMENT`: an Enterprise Agreement enrollment's Azure
//! Prepayment, one period (a table of its figures and their details) or several (a row per
//! period, newest first). Hidden prices read "hidden", never 0.

use crate::model::ea::{EaPrepayment, NamedAmount};
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
