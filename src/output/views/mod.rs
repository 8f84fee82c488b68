//! One view per noun (one file each): how accounts, balance summaries and their `--all` rows,
//! lots, events, forecasts, the report page, the config list and the ACO file look, as typed
//! cells (tables), csv/tsv fields and gauges. Pure functions from domain values; no I/O, no
//! format. This file holds what several views share: the title of a one-scope view, the
//! account and profile that start every per-profile row, and the error of an unread row.

mod accounts;
mod aco;
mod balance;
mod config;
mod customer;
mod events;
mod forecast;
mod invoices;
mod kinds;
mod lot_resources;
mod lots;
mod per_profile;
mod prepayment;
mod report;
mod spend;
mod subscription;
mod verify;

pub(crate) use accounts::Accounts;
pub(crate) use aco::AcoTotals;
pub(crate) use config::{ConfigList, ConfigRow};
pub(crate) use customer::{rows_by_scope, ForCustomer};
pub(crate) use invoices::{InvoicesPage, ListedInvoice, Shown};
pub(crate) use kinds::TwoKinds;
pub(crate) use lot_resources::{LotResourcesPage, ResourcedLot, UnmatchedResource};
pub(crate) use lots::LotRow;
pub(crate) use per_profile::OfProfile;
pub(crate) use spend::{SpendPage, SpendScope};
pub(crate) use verify::{verify_cells, VerifyPage};

use crate::model::domain::ScopeRef;
use crate::model::row::{ProfileRow, RowError};
use crate::model::scope::ScopeKind;
use crate::output::cell::{Cell, Tone};
use crate::output::flat::{self, Field};
use std::borrow::Cow;

/// The Note of an `--all` row that could not be read: `error: permission denied`, in red.
fn error_cell(error: &RowError) -> Cell<'static> {
    if error.excluded {
        return Cell::owned("excluded");
    }
    Cell::Marked(
        Cow::Owned(format!("error: {}", error.kind.short_name())),
        Tone::Bad,
    )
}

/// `Billing profile: Development (/providers/...)`: the first line of a one-profile view.
fn profile_title(scope: &ScopeRef) -> String {
    let kind = match scope.kind() {
        ScopeKind::BillingProfile => "Billing profile",
        ScopeKind::BillingAccount => "Billing account",
        ScopeKind::Customer => "Customer",
        ScopeKind::InvoiceSection => "Invoice section",
    };
    match &scope.display_name {
        Some(name) => format!("{kind}: {name} ({})", scope.id()),
        None => format!("{kind}: {}", scope.id()),
    }
}

/// The Account cell that starts every `--all` row.
fn account_cell<T>(row: &ProfileRow<T>) -> Cell<'_> {
    Cell::owned(
        row.account
            .display_name
            .as_deref()
            .unwrap_or(&row.account.name),
    )
}

/// The Profile cell of every `--all` row.
fn profile_cell<T>(row: &ProfileRow<T>) -> Cell<'_> {
    Cell::owned(
        row.profile
            .display_name
            .as_deref()
            .unwrap_or(row.profile.name()),
    )
}

/// A cell of the value a row read, or `unread` for a row that could not be read.
fn read_cell<'a, T>(
    row: &'a ProfileRow<T>,
    unread: Cell<'a>,
    cell: impl FnOnce(&'a T) -> Cell<'a>,
) -> Cell<'a> {
    row.result.as_ref().map_or(unread, cell)
}

/// What every per-profile csv row (`balance`, `forecast`, one profile or `--all`) is made of:
/// the account and profile that start it, the value (none for a profile that could not be
/// read) and the error (none for one that was).
struct ProfileLine<'a, T> {
    account_id: &'a str,
    account_name: Option<&'a str>,
    profile: &'a ScopeRef,
    value: Option<&'a T>,
    error: Option<&'a RowError>,
}

impl<'a, T> ProfileLine<'a, T> {
    /// An `--all` row: the account as listed.
    fn of_row(row: &'a ProfileRow<T>) -> Self {
        ProfileLine {
            account_id: &row.account.id,
            account_name: Some(
                row.account
                    .display_name
                    .as_deref()
                    .unwrap_or(&row.account.name),
            ),
            profile: &row.profile,
            value: row.result.as_ref().ok(),
            error: row.error(),
        }
    }

    /// One profile: its account as far as it is known.
    fn of_one(profile: &'a ScopeRef, value: &'a T) -> Self {
        ProfileLine {
            account_id: profile.scope.account_id(),
            account_name: profile.account_display_name.as_deref(),
            profile,
            value: Some(value),
            error: None,
        }
    }

    fn account_name(&self) -> Field<'a> {
        self.account_name.map(Cow::Borrowed)
    }

    fn error_code(&self) -> Field<'a> {
        self.error
            .filter(|e| !e.excluded)
            .and_then(|e| flat::number(Some(e.exit_code)))
    }

    fn error_message(&self) -> Field<'a> {
        self.error.and_then(|e| flat::str(&e.message))
    }
}
