//! `credits invoices`: one row per invoice (newest first), the totals per currency, and
//! gauges for the newest invoice of each profile.

use super::profile_title;
use crate::model::amount::Amount;
use crate::model::dates::{format_month, MonthWindow};
use crate::model::domain::ScopeRef;
use crate::model::invoice::{InvoiceKind, InvoiceLine, InvoiceSummary, InvoiceTotals};
use crate::model::money::Money;
use crate::output::cell::{Cell, Column};
use crate::output::flat::{self, Field, FlatTable};
use crate::output::metrics::Metrics;
use crate::output::tone;
use crate::output::view::{Block, TableBlock, View};
use chrono::NaiveDate;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Which of the optional columns a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shown {
    /// A Profile column (`--all`, `--account`).
    pub(crate) profile: bool,
    /// `--summary`.
    pub(crate) summary: bool,
    /// `--events` (or the gate that reads them).
    pub(crate) events: bool,
}

impl Shown {
    fn index(self) -> usize {
        usize::from(self.profile) | usize::from(self.summary) << 1 | usize::from(self.events) << 2
    }

    fn from_index(index: usize) -> Self {
        Shown {
            profile: index & 1 != 0,
            summary: index & 2 != 0,
            events: index & 4 != 0,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Only {
    Always,
    Profile,
    Summary,
    Events,
}

impl Only {
    fn shown(self, shown: Shown) -> bool {
        match self {
            Only::Always => true,
            Only::Profile => shown.profile,
            Only::Summary => shown.summary,
            Only::Events => shown.events,
        }
    }
}

/// Every column, when it is shown, and its cell, side by side.
const INVOICE_COLUMNS: [(Column, Only); 13] = [
    (Column::prose("Profile"), Only::Profile),
    (Column::text("Invoice"), Only::Always),
    (Column::text("Period"), Only::Always),
    (Column::text("Status"), Only::Always),
    (Column::money("Charges"), Only::Always),
    (Column::money("Credit"), Only::Always),
    (Column::money("Refunds").optional(3), Only::Always),
    (Column::money("Tax").optional(2), Only::Always),
    (Column::money("Total"), Only::Always),
    (Column::money("Due"), Only::Always),
    (Column::money("Summary credit"), Only::Summary),
    (Column::money("Settled").optional(1), Only::Events),
    (Column::money("Uncovered"), Only::Events),
];

fn invoice_cells<'a>(row: &'a ListedInvoice<'a>) -> [Cell<'a>; 13] {
    let line = row.line;
    let invoice = &line.invoice;
    let settlement = line.settlement.as_ref();
    [
        Cell::owned(row.profile_label().unwrap_or("-")),
        Cell::owned(invoice.label()),
        Cell::Text(invoice.period_label().map(Cow::Owned)),
        Cell::owned(status_text(line)),
        Cell::money(&invoice.billed_amount),
        Cell::Amount(line.credit_applied.as_ref()),
        Cell::money(&invoice.credit_amount),
        Cell::money(&invoice.tax_amount),
        Cell::money(&invoice.total_amount),
        Cell::money(&invoice.amount_due),
        Cell::Money(
            line.summary
                .as_ref()
                .and_then(|s| s.azure_credit_applied.as_ref()),
        ),
        Cell::Amount(settlement.and_then(|s| s.settled_charges.as_ref())),
        {
            let charged = settlement.and_then(|s| s.charged_with_credit_left.as_ref());
            Cell::Amount(charged).toned(tone::charged_with_credit_left(charged))
        },
    ]
}

/// `Paid`, `Due (rebill)`, `credit note`, `void`, `replaced`.
fn status_text(line: &InvoiceLine) -> String {
    let status = line.invoice.status.as_deref().unwrap_or("-");
    match line.kind {
        InvoiceKind::Invoice => status.to_string(),
        InvoiceKind::Rebill => format!("{status} (rebill)"),
        other => other.label().to_string(),
    }
}

/// The columns of each combination of optional ones, made once.
static COLUMN_SETS: LazyLock<[Vec<Column>; 8]> = LazyLock::new(|| {
    std::array::from_fn(|index| {
        let shown = Shown::from_index(index);
        INVOICE_COLUMNS
            .iter()
            .filter(|(_, only)| only.shown(shown))
            .map(|(column, _)| *column)
            .collect()
    })
});

const TOTAL_COLUMNS: [(Column, Only); 8] = [
    (Column::text("Currency"), Only::Always),
    (Column::count("Invoices"), Only::Always),
    (Column::money("Charges"), Only::Always),
    (Column::money("Credit"), Only::Always),
    (Column::money("Tax"), Only::Always),
    (Column::money("Total"), Only::Always),
    (Column::money("Due"), Only::Always),
    (Column::money("Uncovered"), Only::Events),
];

static TOTAL_COLUMN_SETS: LazyLock<[Vec<Column>; 2]> = LazyLock::new(|| {
    std::array::from_fn(|index| {
        let shown = Shown::from_index(index << 2);
        TOTAL_COLUMNS
            .iter()
            .filter(|(_, only)| only.shown(shown))
            .map(|(column, _)| *column)
            .collect()
    })
});

fn total_cells(totals: &InvoiceTotals) -> [Cell<'_>; 8] {
    let charged = totals
        .charged_with_credit_left
        .as_ref()
        .and_then(Option::as_ref);
    [
        Cell::Text(totals.currency.as_deref().map(Cow::Borrowed)),
        Cell::Count(totals.invoices as u64),
        Cell::Amount(totals.billed_amount.as_ref()),
        Cell::Amount(totals.credit_applied.as_ref()),
        Cell::Amount(totals.tax_amount.as_ref()),
        Cell::Amount(totals.total_amount.as_ref()),
        Cell::Amount(totals.amount_due.as_ref()),
        Cell::Amount(charged).toned(tone::charged_with_credit_left(charged)),
    ]
}

/// An invoice with the profile it belongs to.
pub(crate) struct ListedInvoice<'a> {
    /// The profile read (one profile, or a row of `--all`); at account scope, none: the
    /// invoice names its own.
    pub(crate) profile: Option<&'a ScopeRef>,
    pub(crate) line: &'a InvoiceLine,
}

impl ListedInvoice<'_> {
    fn profile_id(&self) -> Option<&str> {
        self.profile
            .map(ScopeRef::id)
            .or(self.line.invoice.billing_profile_id.as_deref())
    }

    fn profile_name(&self) -> Option<&str> {
        match self.profile {
            Some(profile) => profile.display_name.as_deref(),
            None => self.line.invoice.billing_profile_display_name.as_deref(),
        }
    }

    fn profile_label(&self) -> Option<&str> {
        self.profile_name()
            .or_else(|| self.profile_id().map(crate::model::scope::last_segment))
    }
}

impl Serialize for ListedInvoice<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape<'a> {
            billing_profile_id: Option<&'a str>,
            billing_profile_display_name: Option<&'a str>,
            name: Option<&'a str>,
            id: Option<&'a str>,
            kind: InvoiceKind,
            counted_in_totals: bool,
            status: Option<&'a str>,
            document_type: Option<&'a str>,
            invoice_type: Option<&'a str>,
            is_monthly_invoice: Option<bool>,
            invoice_date: Option<String>,
            due_date: Option<String>,
            invoice_period_start_date: Option<String>,
            invoice_period_end_date: Option<String>,
            billed_amount: Option<&'a Money>,
            free_azure_credit_applied: Option<&'a Money>,
            azure_prepayment_applied: Option<&'a Money>,
            credit_applied: Option<&'a Amount>,
            credit_amount: Option<&'a Money>,
            sub_total: Option<&'a Money>,
            tax_amount: Option<&'a Money>,
            total_amount: Option<&'a Money>,
            amount_due: Option<&'a Money>,
            credit_for_document_id: Option<&'a str>,
            rebill_of: Option<&'a str>,
            transaction_summary: Option<&'a InvoiceSummary>,
            settled_charges: Option<&'a Amount>,
            charged_with_credit_left: Option<&'a Amount>,
        }
        let line = self.line;
        let i = &line.invoice;
        let iso = |d: Option<chrono::DateTime<chrono::Utc>>| {
            d.as_ref().map(crate::model::dates::format_iso)
        };
        let settlement = line.settlement.as_ref();
        Shape {
            billing_profile_id: self.profile_id(),
            billing_profile_display_name: self.profile_name(),
            name: i.name.as_deref(),
            id: i.id.as_deref(),
            kind: line.kind,
            counted_in_totals: line.kind.counts(),
            status: i.status.as_deref(),
            document_type: i.document_type.as_deref(),
            invoice_type: i.invoice_type.as_deref(),
            is_monthly_invoice: i.is_monthly_invoice,
            invoice_date: iso(i.invoice_date),
            due_date: iso(i.due_date),
            invoice_period_start_date: iso(i.invoice_period_start_date),
            invoice_period_end_date: iso(i.invoice_period_end_date),
            billed_amount: i.billed_amount.as_ref(),
            free_azure_credit_applied: i.free_azure_credit_applied.as_ref(),
            azure_prepayment_applied: i.azure_prepayment_applied.as_ref(),
            credit_applied: line.credit_applied.as_ref(),
            credit_amount: i.credit_amount.as_ref(),
            sub_total: i.sub_total.as_ref(),
            tax_amount: i.tax_amount.as_ref(),
            total_amount: i.total_amount.as_ref(),
            amount_due: i.amount_due.as_ref(),
            credit_for_document_id: i.credit_for_document_id.as_deref(),
            rebill_of: i.rebill_of.as_deref(),
            transaction_summary: line.summary.as_ref(),
            settled_charges: settlement.and_then(|s| s.settled_charges.as_ref()),
            charged_with_credit_left: settlement.and_then(|s| s.charged_with_credit_left.as_ref()),
        }
        .serialize(s)
    }
}

/// The csv/tsv fields: the `--json` names, one row per invoice (the totals are sums of
/// these rows).
const INVOICE_FIELDS: &[&str] = &[
    "billingProfileId",
    "billingProfileDisplayName",
    "name",
    "kind",
    "countedInTotals",
    "status",
    "documentType",
    "invoiceType",
    "isMonthlyInvoice",
    "invoiceDate",
    "dueDate",
    "invoicePeriodStartDate",
    "invoicePeriodEndDate",
    "currency",
    "billedAmount",
    "freeAzureCreditApplied",
    "azurePrepaymentApplied",
    "creditApplied",
    "creditAmount",
    "subTotal",
    "taxAmount",
    "totalAmount",
    "amountDue",
    "summaryAzureCreditApplied",
    "settledCharges",
    "chargedWithCreditLeft",
    "creditForDocumentId",
    "rebillOf",
    "id",
];

fn computed(amount: Option<&Amount>) -> Field<'static> {
    flat::decimal(amount.map(|a| a.value))
}

fn invoice_fields<'a>(row: &'a ListedInvoice<'a>) -> Vec<Field<'a>> {
    let line = row.line;
    let i = &line.invoice;
    let settlement = line.settlement.as_ref();
    vec![
        row.profile_id().map(Cow::Borrowed),
        row.profile_name().map(Cow::Borrowed),
        flat::text(&i.name),
        flat::str(match line.kind {
            InvoiceKind::Invoice => "invoice",
            InvoiceKind::Rebill => "rebill",
            InvoiceKind::CreditNote => "creditNote",
            InvoiceKind::Void => "void",
            InvoiceKind::Replaced => "replaced",
            InvoiceKind::Other => "other",
        }),
        flat::flag(Some(line.kind.counts())),
        flat::text(&i.status),
        flat::text(&i.document_type),
        flat::text(&i.invoice_type),
        flat::flag(i.is_monthly_invoice),
        flat::date(i.invoice_date),
        flat::date(i.due_date),
        flat::date(i.invoice_period_start_date),
        flat::date(i.invoice_period_end_date),
        i.currency().map(Cow::Owned),
        flat::amount(&i.billed_amount),
        flat::amount(&i.free_azure_credit_applied),
        flat::amount(&i.azure_prepayment_applied),
        computed(line.credit_applied.as_ref()),
        flat::amount(&i.credit_amount),
        flat::amount(&i.sub_total),
        flat::amount(&i.tax_amount),
        flat::amount(&i.total_amount),
        flat::amount(&i.amount_due),
        line.summary
            .as_ref()
            .and_then(|s| flat::amount(&s.azure_credit_applied)),
        computed(settlement.and_then(|s| s.settled_charges.as_ref())),
        computed(settlement.and_then(|s| s.charged_with_credit_left.as_ref())),
        flat::text(&i.credit_for_document_id),
        flat::text(&i.rebill_of),
        flat::text(&i.id),
    ]
}

/// The page of `credits invoices`.
pub(crate) struct InvoicesPage<'a> {
    pub(crate) as_of: NaiveDate,
    pub(crate) window: MonthWindow,
    /// The one scope read (none for `--all`).
    pub(crate) scope: Option<&'a ScopeRef>,
    pub(crate) invoices: Vec<ListedInvoice<'a>>,
    pub(crate) totals: &'a [InvoiceTotals],
    pub(crate) shown: Shown,
    /// With `--all`: profiles that could not be read (their invoices are in no total).
    pub(crate) unread: usize,
}

impl Serialize for InvoicesPage<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape<'a> {
            as_of: String,
            from: String,
            to: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            billing_profile: Option<&'a ScopeRef>,
            #[serde(skip_serializing_if = "Option::is_none")]
            billing_account: Option<&'a ScopeRef>,
            invoices: &'a [ListedInvoice<'a>],
            totals: &'a [InvoiceTotals],
            /// False when a profile could not be read: the totals leave it out.
            complete: bool,
        }
        let is = |kind| self.scope.filter(|scope| scope.kind() == kind);
        Shape {
            as_of: self.as_of.to_string(),
            from: format_month(self.window.from),
            to: format_month(self.window.to),
            billing_profile: is(crate::model::scope::ScopeKind::BillingProfile),
            billing_account: is(crate::model::scope::ScopeKind::BillingAccount),
            invoices: &self.invoices,
            totals: self.totals,
            complete: self.unread == 0,
        }
        .serialize(s)
    }
}

impl View for InvoicesPage<'_> {
    fn blocks(&self) -> Vec<Block<'_>> {
        let mut blocks = Vec::new();
        let periods = format!(
            "billing periods {} to {}",
            format_month(self.window.from),
            format_month(self.window.to)
        );
        match self.scope {
            Some(scope) => {
                blocks.push(Block::Line(profile_title(scope)));
                blocks.push(Block::Line(String::new()));
                blocks.push(Block::Line(format!("Invoices of the {periods}")));
            }
            None => blocks.push(Block::Line(format!(
                "Invoices of every billing profile, {periods}"
            ))),
        }
        if self.invoices.is_empty() {
            blocks.push(Block::Line("No invoices in these billing periods.".into()));
        }
        let columns: &'static [Column] = &COLUMN_SETS[self.shown.index()];
        if !self.invoices.is_empty() {
            let rows = self
                .invoices
                .iter()
                .map(|row| {
                    invoice_cells(row)
                        .into_iter()
                        .zip(INVOICE_COLUMNS.iter())
                        .filter(|(_, (_, only))| only.shown(self.shown))
                        .map(|(cell, _)| cell)
                        .collect()
                })
                .collect();
            blocks.push(Block::Table(TableBlock {
                columns,
                retitle: None,
                rows,
            }));
            if self.shown.events {
                // Apart from the table, or from the last record it became: not a field of it.
                blocks.push(Block::Line(String::new()));
                blocks.push(Block::Line(
                "Settled: the charges the credit ledger settled on the invoice. Uncovered: what the invoice billed to another payment method (before tax) while credit was left.".into(),
            ));
            }
        }
        if !self.totals.is_empty() {
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Line(
                "Totals per currency (invoices and rebills; credit notes, voids, replaced invoices and other documents are listed but not counted):".into(),
            ));
            let columns: &'static [Column] = &TOTAL_COLUMN_SETS[usize::from(self.shown.events)];
            let rows = self
                .totals
                .iter()
                .map(|totals| {
                    total_cells(totals)
                        .into_iter()
                        .zip(TOTAL_COLUMNS.iter())
                        .filter(|(_, (_, only))| only.shown(self.shown))
                        .map(|(cell, _)| cell)
                        .collect()
                })
                .collect();
            blocks.push(Block::Table(TableBlock {
                columns,
                retitle: None,
                rows,
            }));
        }
        if self.unread > 0 {
            blocks.push(Block::Line(format!(
                "The totals leave out {} billing profile(s) that could not be read (see the errors below).",
                self.unread
            )));
        }
        blocks
    }

    fn flat(&self) -> FlatTable<'_> {
        FlatTable {
            header: INVOICE_FIELDS,
            rows: self.invoices.iter().map(invoice_fields).collect(),
        }
    }

    /// The newest counted invoice of each profile: its amount due, credit applied and (with
    /// the events read) what it charged while credit was left.
    fn metrics(&self, out: &mut Metrics) -> bool {
        let mut newest: Vec<&ListedInvoice<'_>> = Vec::new();
        for row in self.invoices.iter().filter(|r| r.line.kind.counts()) {
            let profile = row.profile_id().map(str::to_ascii_lowercase);
            // Rows are newest first: the first of each profile is its newest.
            if !newest
                .iter()
                .any(|seen| seen.profile_id().map(str::to_ascii_lowercase) == profile)
            {
                newest.push(row);
            }
        }
        for row in newest {
            let invoice = &row.line.invoice;
            let currency = invoice.currency().unwrap_or_default();
            let labels = [
                ("billing_profile_id", row.profile_id().unwrap_or("")),
                ("profile", row.profile_label().unwrap_or("")),
                ("invoice", invoice.label()),
                ("currency", currency.as_str()),
            ];
            let figures: [(&str, &str, Option<rust_decimal::Decimal>); 3] = [
                (
                    "credits_invoice_amount_due",
                    "The amount due of the newest invoice.",
                    invoice.amount_due.as_ref().and_then(|m| m.value),
                ),
                (
                    "credits_invoice_credit_applied",
                    "The credit (free Azure credit and prepayment) the newest invoice applied.",
                    row.line.credit_applied.as_ref().map(|a| a.value),
                ),
                (
                    "credits_invoice_charged_with_credit_left",
                    "What the newest invoice charged to another payment method, before tax, while credit was left.",
                    row.line
                        .settlement
                        .as_ref()
                        .and_then(|s| s.charged_with_credit_left.as_ref())
                        .map(|a| a.value),
                ),
            ];
            for (metric, help, value) in figures {
                if let Some(value) = value {
                    out.gauge(metric, help, &labels, &value.to_string());
                }
            }
        }
        true
    }
}
