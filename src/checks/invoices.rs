//! The gates of `credits invoices`: `--max-due` (each invoice's amount due, in its own
//! currency) and `--fail-if-charged-with-credit` (what an invoice billed to another payment
//! method while credit was left). Pure: outcomes from what was read.

use super::{Outcome, Threshold, Thresholds};
use crate::error::{ErrorKind, Result};
use crate::model::amount::Amount;
use crate::model::invoice::InvoiceLine;
use crate::model::row::ProfileRow;
use std::collections::BTreeSet;

/// The invoice gates asked for.
#[derive(Debug, Clone)]
pub(crate) struct InvoiceGates {
    pub(crate) max_due: Option<Thresholds>,
    pub(crate) fail_if_charged_with_credit: bool,
}

impl InvoiceGates {
    pub(crate) fn parse(max_due: &[String], fail_if_charged_with_credit: bool) -> Result<Self> {
        Ok(InvoiceGates {
            max_due: Thresholds::parse("--max-due", max_due)?,
            fail_if_charged_with_credit,
        })
    }

    /// The outcomes of one scope's invoices.
    pub(crate) fn check(&self, lines: &[InvoiceLine]) -> Vec<(&'static str, Outcome)> {
        let mut outcomes = Vec::new();
        if let Some(maximum) = &self.max_due {
            outcomes.extend(
                max_due(lines, maximum)
                    .into_iter()
                    .map(|o| ("--max-due", o)),
            );
        }
        if self.fail_if_charged_with_credit {
            outcomes.extend(
                charged_with_credit_left(lines)
                    .into_iter()
                    .map(|o| ("--fail-if-charged-with-credit", o)),
            );
        }
        outcomes
    }

    /// Refuses, before any output, a `--max-due` that cannot be judged as asked over one
    /// scope's invoices: a bare amount among currencies, or a currency no invoice is in.
    pub(crate) fn fit_one(&self, lines: &[InvoiceLine]) -> Result<()> {
        self.fit(&currencies([lines]), true)
    }

    /// The same over the rows of `--all` (a currency no row has is not refused while a row
    /// could not be read: it may have it).
    pub(crate) fn fit_rows<T>(
        &self,
        rows: &[ProfileRow<T>],
        lines: impl Fn(&T) -> &[InvoiceLine],
    ) -> Result<()> {
        let complete = rows.iter().all(|r| r.error().is_none() || r.excluded());
        let read = rows
            .iter()
            .filter_map(|r| r.result.as_ref().ok())
            .map(lines);
        self.fit(&currencies(read), complete)
    }

    fn fit(&self, currencies: &BTreeSet<String>, complete: bool) -> Result<()> {
        match &self.max_due {
            Some(maximum) => maximum.fit(currencies, "invoice", complete),
            None => Ok(()),
        }
    }
}

/// The currencies of the invoices the gates judge, upper case.
fn currencies<'a>(reads: impl IntoIterator<Item = &'a [InvoiceLine]>) -> BTreeSet<String> {
    reads
        .into_iter()
        .flat_map(|lines| lines.iter().filter(|l| l.kind.gated()))
        .filter_map(|l| l.invoice.currency())
        .collect()
}

/// `--max-due`: every invoice due more than the maximum in its currency fails; one whose
/// amount due (or its currency) Azure did not state cannot be checked; one in a currency no
/// amount is given in is not checked (for one scope, that is refused before any output).
fn max_due(lines: &[InvoiceLine], maximum: &Thresholds) -> Vec<Outcome> {
    let mut over = Vec::new();
    let mut unknown = Vec::new();
    let mut not_given: Vec<String> = Vec::new();
    for line in lines.iter().filter(|l| l.kind.gated()) {
        let invoice = &line.invoice;
        let Some(due) = invoice.amount(&invoice.amount_due) else {
            unknown.push(invoice.label().to_string());
            continue;
        };
        let limit = match maximum.for_currency(due.currency()) {
            Threshold::Amount(limit) => {
                Amount::new(limit.value, limit.currency().or(due.currency()))
            }
            Threshold::NoneFor(currency) => {
                if !not_given.contains(&currency) {
                    not_given.push(currency);
                }
                continue;
            }
            Threshold::UnknownCurrency => {
                unknown.push(invoice.label().to_string());
                continue;
            }
        };
        match due.try_cmp(&limit) {
            Ok(order) if order.is_gt() => over.push(format!(
                "invoice {} is due {due}, more than {limit}",
                invoice.label()
            )),
            Ok(_) => {}
            Err(_) => unknown.push(invoice.label().to_string()),
        }
    }
    let outcomes = not_given
        .into_iter()
        .map(|currency| {
            Outcome::NotChecked(format!(
                "--max-due is given in {} but invoices are in {currency}; give the amount in {currency} too (for example --max-due 0{currency})",
                maximum.describe()
            ))
        })
        .collect();
    let unknown = (!unknown.is_empty()).then(|| {
        format!(
            "Azure did not state the amount due (with its currency) of invoice {}",
            unknown.join(", ")
        )
    });
    gate(outcomes, unknown, &over)
}

/// `--fail-if-charged-with-credit`: an invoice that charged another payment method while
/// credit was left fails; one without a settled transaction to tell cannot be checked.
fn charged_with_credit_left(lines: &[InvoiceLine]) -> Vec<Outcome> {
    let mut charged = Vec::new();
    let mut unknown = Vec::new();
    for line in lines.iter().filter(|l| l.kind.counts()) {
        let label = line.invoice.label();
        match line
            .settlement
            .as_ref()
            .and_then(|s| s.charged_with_credit_left.as_ref())
        {
            None => unknown.push(label.to_string()),
            Some(amount) if amount.value > rust_decimal::Decimal::ZERO => charged.push(format!(
                "invoice {label} charged {amount} to another payment method while credit was left"
            )),
            Some(_) => {}
        }
    }
    let unknown = (!unknown.is_empty()).then(|| {
        format!(
            "no settled credit transaction tells whether invoice {} charged while credit was left (a profile without credit has none: leave it out with --exclude)",
            unknown.join(", ")
        )
    });
    gate(Vec::new(), unknown, &charged)
}

/// A gate's outcomes for one scope: what could not be judged (`unknown`, said in full),
/// what failed, or a pass when neither.
pub(super) fn gate(
    mut outcomes: Vec<Outcome>,
    unknown: Option<String>,
    failed: &[String],
) -> Vec<Outcome> {
    if let Some(why) = unknown {
        outcomes.push(Outcome::Unread(ErrorKind::Unavailable, why));
    }
    if !failed.is_empty() {
        outcomes.push(Outcome::Failed(failed.join("; ")));
    }
    if outcomes.is_empty() {
        outcomes.push(Outcome::Passed);
    }
    outcomes
}
