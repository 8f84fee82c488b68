//! `credits lots`: a lot on the reference day, with its profile (and account at account scope).

use super::per_profile::ListedPerProfile;
use crate::model::domain::{AccountRef, LotOnDay, ScopeRef};
use crate::model::money::Money;
use crate::output::cell::{Cell, Column};
use crate::output::flat::{self, Field};
use crate::output::metrics::Metrics;
use crate::output::tone;
use crate::output::view::Record;
use crate::output::view::{fields, table};
use serde::Serialize;
use std::borrow::Cow;

table! {
    pub(super) const LOT_COLUMNS + profile LOT_COLUMNS_WITH_PROFILE;
    fn lot_cells<'a>(row: &'a LotRow<'_>) {
        Column::prose("Source") => source_cell(row),
        Column::text("Status") => status_cell(row),
        Column::day("Start").optional(1) => Cell::Day(row.lot.lot.start_date),
        Column::day("Expires") => Cell::Day(row.lot.lot.expiration_date),
        Column::money("Original").optional(2) => Cell::money(&row.lot.lot.original_amount),
        Column::money("Remaining") => Cell::money(&row.lot.lot.closed_balance),
        Column::text("PO number").optional(3) => Cell::text(&row.lot.lot.po_number),
    }
}

/// A MACC commitment's lot is what is left to commit, not credit.
pub(super) fn source_cell<'a>(row: &'a LotRow<'_>) -> Cell<'a> {
    let lot = row.lot.lot;
    if lot.is_commitment() {
        Cell::owned("ConsumptionCommitment (remaining commitment)")
    } else {
        Cell::text(&lot.source)
    }
}

/// Expired lots in red, lots with credit lapsing within the window in yellow (`tone.rs`).
pub(super) fn status_cell<'a>(row: &'a LotRow<'_>) -> Cell<'a> {
    Cell::Text(Some(Cow::Borrowed(row.lot.status.label()))).toned(tone::lot(&row.lot))
}

fields! {
    pub(super) const LOT_FIELDS;
    fn lot_fields<'a>(row: &'a LotRow<'_>) {
        "billingProfileId" => row.profile.and_then(|p| flat::str(p.id())),
        "name" => flat::text(&row.lot.lot.name),
        "source" => flat::text(&row.lot.lot.source),
        "status" => flat::str(row.lot.status.label()),
        "statusDerived" => flat::flag(Some(row.lot.status.is_derived())),
        "startDate" => flat::date(row.lot.lot.start_date),
        "expirationDate" => flat::date(row.lot.lot.expiration_date),
        "purchasedDate" => flat::date(row.lot.lot.purchased_date),
        "currency" => flat::currency(&[
            &row.lot.lot.original_amount,
            &row.lot.lot.closed_balance,
            &row.lot.lot.used_amount,
        ]),
        "originalAmount" => flat::amount(&row.lot.lot.original_amount),
        "closedBalance" => flat::amount(&row.lot.lot.closed_balance),
        "usedAmount" => flat::amount(&row.lot.lot.used_amount),
        "poNumber" => flat::text(&row.lot.lot.po_number),
        "creditCurrency" => flat::text(&row.lot.lot.credit_currency),
        "billingCurrency" => flat::text(&row.lot.lot.billing_currency),
        "originalAmountInBillingCurrency" => {
            flat::amount(&row.lot.lot.original_amount_in_billing_currency)
        },
        "closedBalanceInBillingCurrency" => {
            flat::amount(&row.lot.lot.closed_balance_in_billing_currency)
        },
        "id" => flat::text(&row.lot.lot.id),
    }
}

/// A lot of a billing profile on the reference day: what `credits lots` lists. Its JSON is
/// the lot's own (`LotOnDay`); csv and metrics add the profile.
pub(crate) struct LotRow<'a> {
    /// The lot's billing profile (at account scope: the one its id names; none for a lot of
    /// the account itself, such as a MACC commitment, or of a customer).
    pub(crate) profile: Option<&'a ScopeRef>,
    /// At account scope: the account read.
    pub(crate) account: Option<&'a AccountRef>,
    pub(crate) lot: LotOnDay<'a>,
}

impl Serialize for LotRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The profile first, then the lot's own fields (`flatten` forwards them as they are
        // when serializing; exact numbers stay exact).
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct WithProfile<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            billing_account_id: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            billing_account_display_name: Option<Option<&'a str>>,
            billing_profile_id: Option<&'a str>,
            billing_profile_display_name: Option<&'a str>,
            #[serde(flatten)]
            lot: &'a LotOnDay<'a>,
        }
        WithProfile {
            billing_account_id: self.account.map(|a| a.id.as_str()),
            billing_account_display_name: self.account.map(|a| a.display_name.as_deref()),
            billing_profile_id: self.profile.map(ScopeRef::id),
            billing_profile_display_name: self.profile.and_then(|p| p.display_name.as_deref()),
            lot: &self.lot,
        }
        .serialize(s)
    }
}

impl Record for LotRow<'_> {
    fn columns() -> &'static [Column] {
        LOT_COLUMNS
    }

    fn cells<'a>(&'a self, row: &mut Vec<Cell<'a>>) {
        lot_cells(self, row);
    }

    fn header() -> &'static [&'static str] {
        LOT_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        lot_fields(self, row);
    }

    const HAS_METRICS: bool = true;

    fn metrics(&self, out: &mut Metrics) {
        let lot = self.lot.lot;
        // A lot without name or id is told apart by what it is (one series per lot: a
        // duplicate series makes the textfile collector drop the whole file).
        let made_up;
        let name = match lot.name.as_deref().or(lot.id.as_deref()) {
            Some(name) => name,
            None => {
                let day = |d: Option<chrono::DateTime<chrono::Utc>>| {
                    d.map_or("-".to_string(), |d| d.format("%Y-%m-%d").to_string())
                };
                made_up = format!(
                    "{}:{}:{}",
                    lot.source.as_deref().unwrap_or("-"),
                    day(lot.start_date),
                    day(lot.expiration_date)
                );
                made_up.as_str()
            }
        };
        let who = [
            ("billing_profile_id", self.profile.map_or("", ScopeRef::id)),
            ("profile", self.profile.map_or("", ScopeRef::label)),
            ("lot", name),
        ];
        for (metric, help, money) in [
            (
                "credits_lot_original_amount",
                "The credit the lot started with.",
                &lot.original_amount,
            ),
            (
                "credits_lot_closed_balance",
                "The credit left on the lot.",
                &lot.closed_balance,
            ),
        ] {
            if let Some(Money {
                value: Some(value),
                currency,
                ..
            }) = money
            {
                out.gauge(
                    metric,
                    help,
                    &[
                        who[0],
                        who[1],
                        who[2],
                        ("currency", currency.as_deref().unwrap_or("")),
                    ],
                    &value.to_string(),
                );
            }
        }
        for (metric, help, date) in [
            (
                "credits_lot_start_timestamp_seconds",
                "When the lot's credit became usable, in seconds since 1970 (UTC).",
                lot.start_date,
            ),
            (
                "credits_lot_expiration_timestamp_seconds",
                "When the lot's credit expires, in seconds since 1970 (UTC).",
                lot.expiration_date,
            ),
        ] {
            if let Some(date) = date {
                out.gauge(metric, help, &who, &date.timestamp().to_string());
            }
        }
        out.gauge(
            "credits_lot_info",
            "The lot's source, status and PO number; the value is always 1.",
            &[
                who[0],
                who[1],
                who[2],
                ("source", lot.source.as_deref().unwrap_or("")),
                ("status", self.lot.status.label()),
                ("po_number", lot.po_number.as_deref().unwrap_or("")),
            ],
            "1",
        );
    }
}

impl ListedPerProfile for LotRow<'_> {
    const WITH_PROFILE: &'static [Column] = LOT_COLUMNS_WITH_PROFILE;
}
