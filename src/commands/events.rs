//! `credits events`: the credit transactions of a billing profile, a billing account or a
//! customer in a date window, written page by page as the pages arrive (or of every profile
//! with `--all`, profile by profile).

use super::settle;
use crate::arm::consumption::{eq_filter, events};
use crate::checks::Ledger;
use crate::cli::EventsArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::model::dates::parse_user_date;
use crate::model::domain::CreditEvent;
use crate::model::scope::{last_segment, ScopeKind};
use crate::output::views::OfProfile;
use crate::output::Flow;
use crate::resolve::{self, Resolved, Selection, Served};
use chrono::{Months, NaiveDate};

const SERVED: Served = Served {
    command: "credits events",
    kinds: &[
        ScopeKind::BillingProfile,
        ScopeKind::BillingAccount,
        ScopeKind::Customer,
    ],
    why_not: "",
};

/// The window: `--end` defaults to the reference day, `--start` to one year before `--end`.
fn window(today: NaiveDate, args: &EventsArgs) -> Result<(NaiveDate, NaiveDate)> {
    let end = match &args.end {
        Some(text) => parse_user_date("--end", text).map_err(Error::usage)?,
        None => today,
    };
    let start = match &args.start {
        Some(text) => parse_user_date("--start", text).map_err(Error::usage)?,
        None => end.checked_sub_months(Months::new(12)).unwrap_or(end),
    };
    if start > end {
        return Err(Error::usage(format!(
            "--start {start} is after --end {end}; give a start on or before the end"
        )));
    }
    Ok((start, end))
}

pub(crate) async fn run(context: &Context, args: EventsArgs) -> Result<()> {
    let (start, end) = window(context.settings.as_of.value, &args)?;
    let filter = EventFilter {
        lot_source: args.lot_source.clone(),
        lot_id: args.lot_id.clone(),
    };
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    let none_between = format!("no credit transactions between {start} and {end}");
    if let Selection::All = selection {
        return run_all(context, &selection, (start, end), &filter, &none_between).await;
    }
    // One scope: written page by page. A fresh list for every attempt: a retry starts from
    // nothing (the resolver retries only while nothing has been written).
    let resolved = resolve::read(context, &selection, async |client, scope| {
        let mut list = context.printer.list::<CreditEvent>();
        events(
            client,
            &scope.scope,
            (start, end),
            filter.odata(),
            |mut page| {
                page.retain(|event| filter.keeps(event));
                page.iter_mut().for_each(|event| event.read_at(&scope));
                list.push(&page)
            },
        )
        .await?;
        list.finish()
    })
    .await?;
    if let Resolved::One(_, 0) = resolved {
        context.printer.note(&none_between);
    }
    Ok(())
}

/// `--all`: every readable MCA profile's transactions, read concurrently and written profile
/// by profile in listing order. A profile that cannot be read is reported on stderr and
/// decides the exit code (as in `balance --all`); the others still print.
async fn run_all(
    context: &Context,
    selection: &Selection,
    window: (NaiveDate, NaiveDate),
    filter: &EventFilter,
    none_between: &str,
) -> Result<()> {
    let resolved = resolve::read(context, selection, async |client, scope| {
        let mut all = Vec::new();
        events(
            client,
            &scope.scope,
            window,
            filter.odata(),
            |mut page| -> Result<Flow> {
                page.retain(|event| filter.keeps(event));
                page.iter_mut().for_each(|event| event.read_at(&scope));
                all.extend(page);
                Ok(Flow::Continue(()))
            },
        )
        .await?;
        Ok(all)
    })
    .await?;
    let Resolved::Many(rows) = resolved else {
        return Err(Error::unavailable("--all resolved to one scope"));
    };
    let mut list = context.printer.list::<OfProfile<CreditEvent>>();
    for row in &rows {
        if let Ok(events) = &row.result {
            let listed: Vec<OfProfile<CreditEvent>> = events
                .iter()
                .map(|event| OfProfile {
                    profile: &row.profile,
                    record: event,
                })
                .collect();
            if list.push(&listed)?.is_break() {
                break;
            }
        }
    }
    let printed = list.finish()?;
    if printed == 0 && rows.iter().all(|r| r.error().is_none()) {
        context.printer.note(none_between);
    }
    settle(
        context,
        &rows,
        &Ledger::of_rows("billing profile", &rows, |_| Vec::new()),
    )
}

/// `--lot-source` and `--lot-id`: the documented `$filter` where Azure documents one (the
/// Consumption client knows where), and always applied here too (in case Azure ignores it).
struct EventFilter {
    lot_source: Option<String>,
    lot_id: Option<String>,
}

impl EventFilter {
    fn odata(&self) -> Option<String> {
        eq_filter(&[
            ("lotsource", self.lot_source.as_deref()),
            ("lotid", self.lot_id.as_deref()),
        ])
    }

    fn keeps(&self, event: &CreditEvent) -> bool {
        let same = |wanted: &Option<String>, actual: &Option<String>| {
            wanted
                .as_ref()
                .is_none_or(|w| actual.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(w)))
        };
        // Azure answers a `lotid eq 'G2020…'` filter with full lot ids: a lot matches by its
        // id or by its last segment.
        let lot_matches = self.lot_id.as_ref().is_none_or(|wanted| {
            event.lot_id.as_deref().is_some_and(|actual| {
                last_segment(actual).eq_ignore_ascii_case(last_segment(wanted))
            })
        });
        same(&self.lot_source, &event.lot_source) && lot_matches
    }
}
