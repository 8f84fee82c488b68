//! `credits events`: one credit transaction per row.

use super::per_profile::ListedPerProfile;
use crate::model::domain::CreditEvent;
use crate::output::cell::{Cell, Column};
use crate::output::flat::{self, Field};
use crate::output::tone;
use crate::output::view::Record;
use crate::output::view::{fields, table};

table! {
    const EVENT_COLUMNS + profile EVENT_COLUMNS_WITH_PROFILE;
    fn event_cells<'a>(event: &'a CreditEvent) {
        Column::day("Date") => Cell::Day(event.transaction_date),
        Column::prose("Description") => Cell::text(&event.description),
        Column::text("Type").optional(2) => Cell::text(&event.event_type),
        Column::money("New credit").optional(3) => Cell::money(&event.new_credit),
        Column::money("Adjustments").optional(5) => Cell::money(&event.adjustments),
        Column::money("Credit expired").optional(4) => Cell::money(&event.credit_expired),
        Column::money("Charges") => Cell::money(&event.charges),
        Column::money("Balance after") => {
            Cell::money(&event.closed_balance).toned(tone::balance(event.closed_balance.as_ref()))
        },
        Column::text("Invoice").optional(6) => Cell::text(&event.invoice_number),
    }
}

fields! {
    const EVENT_FIELDS;
    fn event_fields<'a>(event: &'a CreditEvent) {
        "billingProfileId" => flat::text(&event.billing_profile_id),
        "transactionDate" => flat::date(event.transaction_date),
        "description" => flat::text(&event.description),
        "eventType" => flat::text(&event.event_type),
        "currency" => flat::currency(&[
            &event.closed_balance,
            &event.charges,
            &event.new_credit,
            &event.adjustments,
            &event.credit_expired,
            &event.canceled_credit,
        ])
        .or_else(|| flat::text(&event.credit_currency)),
        "newCredit" => flat::amount(&event.new_credit),
        "adjustments" => flat::amount(&event.adjustments),
        "creditExpired" => flat::amount(&event.credit_expired),
        "charges" => flat::amount(&event.charges),
        "closedBalance" => flat::amount(&event.closed_balance),
        "canceledCredit" => flat::amount(&event.canceled_credit),
        "invoiceNumber" => flat::text(&event.invoice_number),
        "lotId" => flat::text(&event.lot_id),
        "lotSource" => flat::text(&event.lot_source),
        "name" => flat::text(&event.name),
        "id" => flat::text(&event.id),
    }
}

impl Record for CreditEvent {
    fn columns() -> &'static [Column] {
        EVENT_COLUMNS
    }

    fn cells<'a>(&'a self, row: &mut Vec<Cell<'a>>) {
        event_cells(self, row);
    }

    fn header() -> &'static [&'static str] {
        EVENT_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        event_fields(self, row);
    }
}

impl ListedPerProfile for CreditEvent {
    const WITH_PROFILE: &'static [Column] = EVENT_COLUMNS_WITH_PROFILE;
}
