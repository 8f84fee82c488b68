//! `credits invoices`: the invoices of a billing profile, a billing account or every profile
//! in a window of billing periods, with the credit each applied; `--summary` adds the
//! transaction summaries, `--events` the settled charges from the credit ledger; the
//! `--max-due` and `--fail-if-charged-with-credit` checks.

use super::settle;
use crate::arm::client::{conversion_error, ArmClient};
use crate::arm::consumption::{events, EventQuery};
use crate::arm::error::{ArmError, ArmResult};
use crate::arm::invoices::{invoices, transaction_summary, InvoiceList};
use crate::checks::{Ledger, Outcome, Threshold, Thresholds};
use crate::cli::InvoicesArgs;
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::model::amount::Amount;
use crate::model::dates::{month_window, MonthWindow};
use crate::model::domain::CreditEvent;
use crate::model::invoice::{self, InvoiceKind, InvoiceLine, InvoiceSummary};
use crate::model::scope::{last_segment, Scope, ScopeKind};
use crate::output::views::{InvoicesPage, ListedInvoice, Shown};
use crate::resolve::{self, Resolved, Selection, Served};
use chrono::{Datelike, NaiveDate};
use futures::stream::{self, StreamExt, TryStreamExt};
use std::collections::BTreeSet;
use std::ops::ControlFlow;

const SERVED: Served = Served {
    command: "credits invoices",
    kinds: &[ScopeKind::BillingProfile, ScopeKind::BillingAccount],
    why_not: "a partner's customer has no invoices of its own (they are billed to the partner)",
};

/// What is read beside the invoices.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Want {
    /// The transaction summary of each invoice.
    pub(crate) summary: bool,
    /// The credit transactions from the window's first period through the reference day.
    pub(crate) events: bool,
}

/// The invoices of one scope, with what was read beside them.
#[derive(Debug, Clone)]
pub(crate) struct ScopeInvoices {
    pub(crate) lines: Vec<InvoiceLine>,
    /// The Billing API version that served the list.
    pub(crate) api_version: &'static str,
}

/// Reads the invoices of `scope` in `window`, and (concurrently) the credit transactions
/// from the window's first day through `as_of` when asked: settlements are dated after the
/// period they bill.
pub(crate) async fn read(
    client: &ArmClient,
    scope: &Scope,
    window: MonthWindow,
    as_of: NaiveDate,
    want: Want,
) -> Result<ScopeInvoices> {
    let listed = async {
        let list = invoices(client, scope, window).await?;
        let summaries = if want.summary && list.has_summaries() {
            Some(summaries(client, scope, &list).await?)
        } else {
            None
        };
        Ok::<_, ArmError>((list, summaries))
    };
    let ledger_from = window.from;
    let ledger_to = as_of.max(window.from);
    let (list, summaries, events) = if want.events && scope.kind() == ScopeKind::BillingAccount {
        // An account's invoices each name their profile: the ledger is the profiles' own
        // (an account's transactions are its commitment's), read once the list names them.
        let (list, summaries) = listed.await?;
        let mut profiles: Vec<Scope> = Vec::new();
        for invoice in &list.invoices {
            let profile = invoice
                .billing_profile_id
                .as_deref()
                .and_then(Scope::enclosing)
                .and_then(|s| s.profile());
            if let Some(profile) = profile.filter(|p| !profiles.contains(p)) {
                profiles.push(profile);
            }
        }
        let ledgers: Vec<Vec<CreditEvent>> = stream::iter(
            profiles
                .iter()
                .map(|profile| ledger_of(client, profile, ledger_from, ledger_to)),
        )
        .buffered(client.concurrency())
        .try_collect()
        .await?;
        (list, summaries, Some(ledgers.concat()))
    } else {
        let ledger = async {
            if want.events {
                ledger_of(client, scope, ledger_from, ledger_to)
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        };
        let (listed, ledger) = tokio::join!(listed, ledger);
        let (list, summaries) = listed?;
        (list, summaries, ledger?)
    };
    let invalid = |e: String| Error::from(conversion_error("invoice", e));
    let settlements = events
        .as_deref()
        .map(|events| invoice::settle(&list.invoices, events))
        .transpose()
        .map_err(invalid)?;
    let api_version = list.api_version;
    let lines = invoice::lines(list.invoices, summaries, settlements).map_err(invalid)?;
    Ok(ScopeInvoices { lines, api_version })
}

/// Every credit transaction of `scope` from `start` through `end`.
async fn ledger_of(
    client: &ArmClient,
    scope: &Scope,
    start: NaiveDate,
    end: NaiveDate,
) -> ArmResult<Vec<CreditEvent>> {
    let mut all = Vec::new();
    events(client, scope, &EventQuery::window(start, end), |page| {
        all.extend(page);
        Ok::<_, ArmError>(ControlFlow::Continue(()))
    })
    .await?;
    Ok(all)
}

/// The transaction summary of every invoice, `concurrency` at a time; an invoice Azure has
/// none for (404) has none.
async fn summaries(
    client: &ArmClient,
    scope: &Scope,
    list: &InvoiceList,
) -> ArmResult<Vec<Option<InvoiceSummary>>> {
    stream::iter(list.invoices.iter().map(|invoice| async move {
        // A document Azure sent without a name has no summary to ask for.
        let Some(name) = invoice
            .name
            .as_deref()
            .or(invoice.id.as_deref().map(last_segment))
        else {
            return Ok(None);
        };
        match transaction_summary(client, scope, name).await {
            Err(error) if error.status() == Some(404) => Ok(None),
            other => other,
        }
    }))
    .buffered(client.concurrency())
    .try_collect()
    .await
}

pub(crate) async fn run(context: &Context, args: InvoicesArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let as_of = context.settings.as_of.value;
    let window =
        month_window(as_of, args.from.as_deref(), args.to.as_deref()).map_err(Error::usage)?;
    let max_due = Thresholds::parse("--max-due", &args.max_due)?;
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    // The period of the reference day is still open: it has no invoice yet.
    let open = as_of.with_day(1).unwrap_or(as_of);
    if window.to >= open {
        context.printer.note(&format!(
            "the billing period {} is still open on {as_of} (and later ones have not begun): no invoice exists for it yet",
            crate::model::dates::format_month(open)
        ));
    }
    let want = Want {
        summary: args.summary,
        events: args.events || args.fail_if_charged_with_credit,
    };
    let resolved = resolve::read(context, &selection, async |client, scope| {
        read(client, &scope.scope, window, as_of, want).await
    })
    .await?;
    let gate = args.fail_if_charged_with_credit;
    let check = |read: &ScopeInvoices| {
        let mut outcomes = Vec::new();
        if let Some(maximum) = &max_due {
            outcomes.extend(
                max_due_outcomes(read, maximum)
                    .into_iter()
                    .map(|o| ("--max-due", o)),
            );
        }
        if gate {
            outcomes.extend(
                charged_outcomes(read)
                    .into_iter()
                    .map(|o| ("--fail-if-charged-with-credit", o)),
            );
        }
        outcomes
    };
    let mut shown = Shown {
        profile: !matches!(selection, Selection::Profile(_)),
        summary: args.summary,
        events: want.events,
    };
    let no_summaries = |read: &ScopeInvoices| {
        want.summary && read.api_version != crate::arm::invoices::INVOICES_API_VERSION
    };
    let totals_of = |lines: &[&InvoiceLine]| {
        invoice::totals(
            lines
                .iter()
                .map(|l| (&l.invoice, l.kind, l.settlement.as_ref())),
            want.events,
        )
        .map_err(|e| Error::from(conversion_error("invoice", e)))
    };
    match resolved {
        Resolved::One(scope, read) => {
            // A check that cannot be judged is refused before the first byte of output: a
            // bare --max-due among currencies, or one in a currency no invoice is in.
            if let Some(maximum) = &max_due {
                maximum.fit(&invoice_currencies([&read]), "invoice", true)?;
            }
            let ledger = Ledger::of_one(scope.kind().noun(), scope.label(), check(&read))?;
            if no_summaries(&read) {
                context.printer.note(SUMMARIES_NOT_SERVED);
            }
            let lines: Vec<&InvoiceLine> = read.lines.iter().collect();
            let totals = totals_of(&lines)?;
            let profile = (scope.kind() == ScopeKind::BillingProfile).then_some(&scope);
            if scope.kind() == ScopeKind::BillingAccount {
                shown.profile = true;
            }
            let page = InvoicesPage {
                as_of,
                window,
                scope: Some(&scope),
                invoices: read
                    .lines
                    .iter()
                    .map(|line| ListedInvoice { profile, line })
                    .collect(),
                totals: &totals,
                shown,
                unread: 0,
            };
            context.printer.emit(&page)?;
            settle::<()>(context, &[], &ledger)
        }
        Resolved::Many(rows) => {
            // A bare --max-due among several currencies is refused before anything is printed.
            if let Some(maximum) = &max_due {
                let complete = rows.iter().all(|r| r.error().is_none() || r.excluded());
                let read = rows.iter().filter_map(|r| r.result.as_ref().ok());
                maximum.fit(&invoice_currencies(read), "invoice", complete)?;
            }
            let ledger = Ledger::of_rows("billing profile", &rows, check);
            if rows
                .iter()
                .filter_map(|r| r.result.as_ref().ok())
                .any(no_summaries)
            {
                context.printer.note(SUMMARIES_NOT_SERVED);
            }
            super::note_excluded(context, &rows);
            let read: Vec<(&crate::model::domain::ScopeRef, &InvoiceLine)> = rows
                .iter()
                .filter_map(|row| row.result.as_ref().ok().map(|r| (&row.profile, r)))
                .flat_map(|(profile, r)| r.lines.iter().map(move |line| (profile, line)))
                .collect();
            let lines: Vec<&InvoiceLine> = read.iter().map(|(_, line)| *line).collect();
            let totals = totals_of(&lines)?;
            let page = InvoicesPage {
                as_of,
                window,
                scope: None,
                invoices: read
                    .iter()
                    .map(|(profile, line)| ListedInvoice {
                        profile: Some(profile),
                        line,
                    })
                    .collect(),
                totals: &totals,
                shown,
                unread: rows
                    .iter()
                    .filter(|r| r.error().is_some() && !r.excluded())
                    .count(),
            };
            context.printer.emit(&page)?;
            settle(context, &rows, &ledger)
        }
    }
}

const SUMMARIES_NOT_SERVED: &str = "Azure served the invoices only in API version 2020-05-01, which has no transaction summaries: the summary fields are null";

/// Whether an invoice counts for the gates: voids and replaced invoices do not.
fn gated(line: &InvoiceLine) -> bool {
    !matches!(line.kind, InvoiceKind::Void | InvoiceKind::Replaced)
}

/// `--max-due`: every invoice due more than the maximum in its currency fails; one whose
/// amount due (or its currency) Azure did not state cannot be checked; one in a currency no
/// amount is given in is not checked (for one scope, that is refused before any output).
fn max_due_outcomes(read: &ScopeInvoices, maximum: &Thresholds) -> Vec<Outcome> {
    let mut over = Vec::new();
    let mut unknown = Vec::new();
    let mut not_given: Vec<String> = Vec::new();
    for line in read.lines.iter().filter(|l| gated(l)) {
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
    let mut outcomes = Vec::new();
    for currency in not_given {
        outcomes.push(Outcome::NotChecked(format!(
            "--max-due is given in {} but invoices are in {currency}; give the amount in {currency} too (for example --max-due 0{currency})",
            maximum.describe()
        )));
    }
    let unknown = (!unknown.is_empty()).then(|| {
        format!(
            "Azure did not state the amount due (with its currency) of invoice {}",
            unknown.join(", ")
        )
    });
    gate(outcomes, unknown, &over)
}

/// A gate's outcomes for one scope: what could not be judged (`unknown`, said in full),
/// what failed, or a pass when neither.
fn gate(mut outcomes: Vec<Outcome>, unknown: Option<String>, failed: &[String]) -> Vec<Outcome> {
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

/// The currencies of the invoices a gate judges, upper case.
fn invoice_currencies<'a>(reads: impl IntoIterator<Item = &'a ScopeInvoices>) -> BTreeSet<String> {
    reads
        .into_iter()
        .flat_map(|read| read.lines.iter().filter(|l| gated(l)))
        .filter_map(|l| l.invoice.currency())
        .collect()
}

/// `--fail-if-charged-with-credit`: an invoice that charged another payment method while
/// credit was left fails; one without a settled transaction to tell cannot be checked.
fn charged_outcomes(read: &ScopeInvoices) -> Vec<Outcome> {
    let mut charged = Vec::new();
    let mut unknown = Vec::new();
    for line in read.lines.iter().filter(|l| l.kind.counts()) {
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
