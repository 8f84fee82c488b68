//! `credits events`: the credit transactions of a billing profile, a billing account or a
//! customer in a date window, written page by page as the pages arrive (or of every profile
//! with `--all`, profile by profile).

use super::settle;
use crate::arm::consumption::{events, EventQuery};
use crate::checks::Ledger;
use crate::cli::EventsArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::model::dates::event_window;
use crate::model::domain::CreditEvent;
use crate::model::scope::ScopeKind;
use crate::output::views::OfProfile;
use crate::output::Flow;
use crate::resolve::{self, Resolved, Selection, Served};

const SERVED: Served = Served {
    command: "credits events",
    kinds: &[
        ScopeKind::BillingProfile,
        ScopeKind::BillingAccount,
        ScopeKind::Customer,
    ],
    why_not: "",
};

pub(crate) async fn run(context: &Context, args: EventsArgs) -> Result<()> {
    let today = context.settings.as_of.value;
    let (start, end) =
        event_window(today, args.start.as_deref(), args.end.as_deref()).map_err(Error::usage)?;
    let asked = EventQuery {
        lot_source: args.lot_source.clone(),
        lot_id: args.lot_id.clone(),
        ..EventQuery::window(start, end)
    };
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    let query = super::asked(&[
        ("--start", Some(start.to_string())),
        ("--end", Some(end.to_string())),
        ("--lot-source", args.lot_source.clone()),
        ("--lot-id", args.lot_id.clone()),
    ]);
    let resume = super::resume_of("events", &query, &args.sweep, &selection)?;
    let none_between = format!("no credit transactions between {start} and {end}");
    if let Selection::All(_) = selection {
        return run_all(context, &selection, &asked, &none_between).await;
    }
    if selection.is_sweep() {
        return run_sweep(context, &selection, resume, &asked).await;
    }
    // One scope: written page by page. A fresh list for every attempt: a retry starts from
    // nothing (the resolver retries only while nothing has been written).
    let resolved = resolve::read(context, &selection, async |client, scope| {
        let mut list = context.printer.list::<CreditEvent>();
        events(client, &scope.scope, &asked, |mut page| {
            page.iter_mut().for_each(|event| event.read_at(&scope));
            list.push(&page)
        })
        .await?;
        list.finish()
    })
    .await?;
    super::note_ea_prepayment(context, &selection).await;
    if let Resolved::One(_, 0) = resolved {
        context.printer.note(&none_between);
    }
    Ok(())
}

/// A customer sweep: each customer's transactions, written customer by customer in order as
/// soon as the customers before are written (the customer's name in front in a table).
async fn run_sweep(
    context: &Context,
    selection: &Selection,
    resume: Option<crate::resume::JournalOf<'_>>,
    asked: &EventQuery,
) -> Result<()> {
    let sink = context.printer.rows_of::<OfProfile<CreditEvent>>();
    super::sweep_with(
        context,
        selection,
        resume,
        async |client, scope| every_event(client, &scope, asked).await,
        |_| Vec::new(),
        sink,
        |row, sink| {
            // Nothing to write (not even a csv header) for a customer without transactions.
            let Some(events) = row.result.as_ref().ok().filter(|events| !events.is_empty()) else {
                return Ok(Flow::Continue(()));
            };
            sink.push(&of_profile(&row.profile, events))
        },
    )
    .await
}

/// The transactions of one profile or customer, its name in front (for a table).
fn of_profile<'a>(
    profile: &'a crate::model::domain::ScopeRef,
    events: &'a [CreditEvent],
) -> Vec<OfProfile<'a, CreditEvent>> {
    events
        .iter()
        .map(|event| OfProfile {
            profile,
            record: event,
        })
        .collect()
}

/// Every transaction of `scope` asked for, each knowing where it was read.
async fn every_event(
    client: &crate::arm::client::ArmClient,
    scope: &crate::model::domain::ScopeRef,
    asked: &EventQuery,
) -> Result<Vec<CreditEvent>> {
    let mut all = Vec::new();
    events(client, &scope.scope, asked, |mut page| -> Result<Flow> {
        page.iter_mut().for_each(|event| event.read_at(scope));
        all.extend(page);
        Ok(Flow::Continue(()))
    })
    .await?;
    Ok(all)
}

/// `--all`: every readable MCA profile's transactions, read concurrently and written profile
/// by profile in listing order. A profile that cannot be read is reported on stderr and
/// decides the exit code (as in `balance --all`); the others still print.
async fn run_all(
    context: &Context,
    selection: &Selection,
    asked: &EventQuery,
    none_between: &str,
) -> Result<()> {
    let resolved = resolve::read(context, selection, async |client, scope| {
        every_event(client, &scope, asked).await
    })
    .await?;
    let Resolved::Many(rows) = resolved else {
        return Err(Error::unavailable("--all resolved to one scope"));
    };
    let mut list = context.printer.list::<OfProfile<CreditEvent>>();
    for row in &rows {
        if let Ok(events) = &row.result {
            if list.push(&of_profile(&row.profile, events))?.is_break() {
                break;
            }
        }
    }
    let printed = list.finish()?;
    super::note_excluded(context, &rows);
    if printed == 0 && rows.iter().all(|r| r.error().is_none() || r.excluded()) {
        context.printer.note(none_between);
    }
    settle(
        context,
        &rows,
        &Ledger::of_rows("billing profile", &rows, |_| Vec::new()),
    )
}
