//! `credits invoices`: the invoices of a billing profile, a billing account or every profile
//! in a window of billing periods, with the credit each applied; `--summary` adds the
//! transaction summaries, `--events` the settled charges from the credit ledger; the
//! `--max-due` and `--fail-if-charged-with-credit` checks.

use super::settle;
use crate::arm::client::{conversion_error, ArmClient};
use crate::arm::consumption::{all_events, EventQuery};
use crate::arm::error::{ArmError, ArmResult};
use crate::arm::invoices::{invoices, transaction_summary, InvoiceList};
use crate::checks::invoices::InvoiceGates;
use crate::checks::Ledger;
use crate::cli::InvoicesArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::model::dates::{month_window, MonthWindow};
use crate::model::domain::CreditEvent;
use crate::model::invoice::{self, InvoiceLine, InvoiceSummary};
use crate::model::scope::{last_segment, Scope, ScopeKind};
use crate::output::views::{InvoicesPage, ListedInvoice, Shown};
use crate::resolve::{self, Resolved, Selection, Served};
use chrono::{Datelike, NaiveDate};
use futures::stream::{self, StreamExt, TryStreamExt};

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
    let ledger = EventQuery::window(window.from, as_of.max(window.from));
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
                .map(|profile| all_events(client, profile, &ledger)),
        )
        .buffered(client.concurrency())
        .try_collect()
        .await?;
        (list, summaries, Some(ledgers.concat()))
    } else {
        let read_ledger = async {
            if want.events {
                all_events(client, scope, &ledger).await.map(Some)
            } else {
                Ok(None)
            }
        };
        let (listed, read) = tokio::join!(listed, read_ledger);
        let (list, summaries) = listed?;
        (list, summaries, read?)
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
    let gates = InvoiceGates::parse(&args.max_due, args.fail_if_charged_with_credit)?;
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
    let check = |read: &ScopeInvoices| gates.check(&read.lines);
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
            // A check that cannot be judged is refused before the first byte of output.
            gates.fit_one(&read.lines)?;
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
            gates.fit_rows(&rows, |read| read.lines.as_slice())?;
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
