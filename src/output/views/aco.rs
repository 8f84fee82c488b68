//! `credits aco`: a row per credit, and the totals per currency for people.

use crate::aco::{month_text, AcoCredit};
use crate::output::cell::{Cell, Column};
use crate::output::flat::{self, Field, FlatTable};
use crate::output::tone;
use crate::output::view::{fields, table};
use crate::output::view::{Block, Record, TableBlock, View};
use serde::Serialize;
use std::borrow::Cow;

// Short titles: a header never wraps. Customer ids are tenant GUIDs: shortened when narrow.
table! {
    /// `credits aco`: a row per credit (a list, streamed like events), then the totals per
    /// currency for people (`AcoTotals`, never across currencies).
    const ACO_COLUMNS;
    fn aco_cells<'a>(credit: &'a AcoCredit) {
        Column::id("Customer") => Cell::owned(credit.customer_id.as_str()),
        Column::text("Agreement").optional(4) => Cell::owned(credit.agreement_id.as_str()),
        Column::text("Month").optional(2) => Cell::owned(month_text(&credit.latest_month)),
        Column::money("Balance") => Cell::Amount(Some(&credit.balance_amount)),
        Column::money("Used (month)").optional(3) => {
            Cell::Amount(credit.credit_used_latest_month.as_ref())
        },
        // Expired or not matters most after the balance on a narrow terminal.
        Column::text("Status").optional(1) => match (&credit.status, credit.expired) {
            (None, true) => Cell::owned("expired"),
            (status, _) => Cell::text(status),
        }
        .toned(tone::aco(credit)),
        Column::day("Expires") => Cell::date(credit.expiry_date).toned(tone::aco(credit)),
    }
}

const ACO_TOTAL_COLUMNS: &[Column] = &[
    Column::text("Total, not expired"),
    Column::count("Credits"),
    Column::money("Balance"),
    Column::money("Used in latest month").optional(1),
];

fields! {
    const ACO_FIELDS;
    fn aco_fields<'a>(credit: &'a AcoCredit) {
        "customerId" => flat::str(&credit.customer_id),
        "agreementId" => flat::str(&credit.agreement_id),
        "partnerId" => flat::text(&credit.partner_id),
        "creditName" => flat::text(&credit.credit_name),
        "currency" => flat::str(&credit.currency),
        "latestMonth" => Some(Cow::Owned(month_text(&credit.latest_month))),
        "balanceAmount" => flat::decimal(Some(credit.balance_amount.value)),
        "creditAmount" => flat::decimal(Some(credit.credit_amount.value)),
        "creditUsedLatestMonth" => {
            flat::decimal(credit.credit_used_latest_month.as_ref().map(|a| a.value))
        },
        "status" => flat::text(&credit.status),
        "expired" => flat::flag(Some(credit.expired)),
        "effectiveDate" => flat::day(credit.effective_date),
        "expiryDate" => flat::day(credit.expiry_date),
    }
}

impl Record for AcoCredit {
    fn columns() -> &'static [Column] {
        ACO_COLUMNS
    }

    fn cells<'a>(&'a self, row: &mut Vec<Cell<'a>>) {
        aco_cells(self, row);
    }

    fn header() -> &'static [&'static str] {
        ACO_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        aco_fields(self, row);
    }
}

/// The totals under the `credits aco` table: per currency, the latest balances, and what was
/// used in the latest month when that is known for every credit of the currency. For people
/// only (`Printer::emit_footer`): JSON and csv carry the credits, which add up to it.
#[derive(Serialize)]
#[serde(transparent)]
pub(crate) struct AcoTotals<'a>(pub &'a [AcoCredit]);

impl View for AcoTotals<'_> {
    fn blocks(&self) -> Vec<Block<'_>> {
        use rust_decimal::Decimal;
        // Credits that have not expired, per currency; what was used is summed over those
        // whose latest month is the currency's newest (older ones did not report that month).
        let live: Vec<&crate::aco::AcoCredit> = self.0.iter().filter(|c| !c.expired).collect();
        let mut newest: std::collections::BTreeMap<&str, chrono::NaiveDate> =
            std::collections::BTreeMap::new();
        for credit in &live {
            let month = newest
                .entry(credit.currency.as_str())
                .or_insert(credit.latest_month);
            *month = (*month).max(credit.latest_month);
        }
        let mut totals: std::collections::BTreeMap<&str, (u64, Decimal, Option<Decimal>)> =
            std::collections::BTreeMap::new();
        for credit in &live {
            let entry = totals.entry(credit.currency.as_str()).or_insert((
                0,
                Decimal::ZERO,
                Some(Decimal::ZERO),
            ));
            entry.0 += 1;
            // Amounts are at most 10^20 each (the reader refuses more): sums cannot overflow.
            entry.1 += credit.balance_amount.value;
            if Some(&credit.latest_month) == newest.get(credit.currency.as_str()) {
                entry.2 = match (entry.2, &credit.credit_used_latest_month) {
                    (Some(sum), Some(used)) => Some(sum + used.value),
                    _ => None,
                };
            }
        }
        // Rounded here, as every amount for people is: the totals are made in this view.
        let for_people = |value: Decimal, currency: &str| {
            Cell::owned(crate::model::money::for_people(&value, Some(currency)))
        };
        let rows: Vec<Vec<Cell<'_>>> = totals
            .into_iter()
            .map(|(currency, (count, balance, used))| {
                vec![
                    Cell::owned(currency),
                    Cell::Count(count),
                    for_people(balance, currency),
                    match used {
                        Some(used) => for_people(used, currency),
                        None => Cell::Text(None),
                    },
                ]
            })
            .collect();
        if rows.is_empty() {
            return Vec::new();
        }
        vec![Block::Table(TableBlock {
            retitle: None,
            columns: ACO_TOTAL_COLUMNS,
            rows,
        })]
    }

    fn flat(&self) -> FlatTable<'_> {
        FlatTable {
            header: &[],
            rows: Vec::new(),
        }
    }
}
