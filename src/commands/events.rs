//! `credits events`: the credit transactions of one billing profile in a date window,
//! written page by page as the pages arrive.

use crate::arm::consumption::events;
use crate::cli::EventsArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::model::dates::parse_user_date;
use crate::model::domain::CreditEvent;
use crate::model::domain::ProfileRef;
use crate::output::views::OfProfile;
use crate::resolve::{every_profile, with_profile};
use chrono::{Months, NaiveDate};

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

pub async fn run(context: &Context, args: EventsArgs) -> Result<()> {
    let (start, end) = window(context.settings.as_of.value, &args)?;
    let filter = EventFilter {
        lot_source: args.lot_source.clone(),
        lot_id: args.lot_id.clone(),
        window: (start, end),
    };
    if let Some(account) = &args.scope.account {
        return run_account(context, account, &filter).await;
    }
    if let Some(customer) = &args.scope.customer {
        let customer = crate::resolve::customer(context, customer).await?;
        let client = context.client().await?;
        let mut list = context.printer.list::<CreditEvent>();
        events(client, &customer.id, filter.window, None, |mut page| {
            page.retain(|event| filter.keeps(event));
            list.push(&page)
        })
        .await?;
        if list.finish()? == 0 {
            context
                .printer
                .note(&format!("no credit transactions between {start} and {end}"));
        }
        return Ok(());
    }
    if args.scope.all {
        return run_all(context, start, end, &filter).await;
    }
    let query = context
        .settings
        .profile(args.scope.profile.profile.as_deref())?;
    let printed = with_profile(context, &query, async |client, profile| {
        // A fresh list for every attempt: a retry starts from nothing (the resolver retries
        // only while nothing has been written).
        let mut list = context.printer.list::<CreditEvent>();
        events(client, &profile.id, (start, end), None, |mut page| {
            page.retain(|event| filter.keeps(event));
            name_the_profile(&mut page, &profile);
            list.push(&page)
        })
        .await?;
        list.finish()
    })
    .await?;
    if printed == 0 {
        context
            .printer
            .note(&format!("no credit transactions between {start} and {end}"));
    }
    Ok(())
}

/// Events carry their billing profile; where Azure left it out, it is the one asked for.
fn name_the_profile(page: &mut [CreditEvent], profile: &ProfileRef) {
    for event in page {
        if event.billing_profile_id.is_none() {
            event.billing_profile_id = Some(profile.id.clone());
        }
        if event.billing_profile_display_name.is_none() {
            event.billing_profile_display_name = profile.display_name.clone();
        }
    }
}

/// `--all`: every readable MCA profile's transactions, read concurrently and written profile
/// by profile in listing order. A profile that cannot be read is reported on stderr and
/// decides the exit code (as in `balance --all`); the others still print.
async fn run_all(
    context: &Context,
    start: NaiveDate,
    end: NaiveDate,
    filter: &EventFilter,
) -> Result<()> {
    let rows = every_profile(context, async |client, profile| {
        let mut all = Vec::new();
        events(
            client,
            &profile.id,
            (start, end),
            None,
            |mut page| -> Result<()> {
                page.retain(|event| filter.keeps(event));
                name_the_profile(&mut page, &profile);
                all.extend(page);
                Ok(())
            },
        )
        .await?;
        Ok(all)
    })
    .await?;
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
            match list.push(&listed) {
                Err(error) if error.kind == crate::error::ErrorKind::ClosedPipe => break,
                other => other?,
            }
        }
    }
    let printed = match list.finish() {
        Err(error) if error.kind == crate::error::ErrorKind::ClosedPipe => 1,
        other => other?,
    };
    if printed == 0 && rows.iter().all(|r| r.error().is_none()) {
        context
            .printer
            .note(&format!("no credit transactions between {start} and {end}"));
    }
    let outcomes = super::row_outcomes(context, &rows, |_| None);
    crate::checks::verdict(&outcomes).conclude(
        || crate::checks::reasons(&outcomes).join("; "),
        || crate::checks::unread_reasons(&outcomes),
    )
}

/// `--lot-source`, `--lot-id` and the window: the documented `$filter` at account scope, and
/// always applied here too (in case Azure ignores it).
pub struct EventFilter {
    pub lot_source: Option<String>,
    pub lot_id: Option<String>,
    pub window: (NaiveDate, NaiveDate),
}

impl EventFilter {
    fn odata(&self) -> Option<String> {
        crate::arm::consumption::eq_filter(&[
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
        let last = |id: &str| {
            id.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string()
        };
        let lot_matches = self.lot_id.as_ref().is_none_or(|wanted| {
            event
                .lot_id
                .as_deref()
                .is_some_and(|actual| last(actual).eq_ignore_ascii_case(&last(wanted)))
        });
        same(&self.lot_source, &event.lot_source) && lot_matches
    }

    /// At account scope the window is checked here too: Microsoft's MACC article sends it,
    /// but an account-scope read is not documented to honour it.
    fn in_window(&self, event: &CreditEvent) -> bool {
        let (start, end) = self.window;
        event
            .transaction_date
            .is_none_or(|d| d.date_naive() >= start && d.date_naive() <= end)
    }
}

/// `--account`: the transactions of a billing account, written page by page; each carries
/// `billingAccountId` and `billingAccountDisplayName`.
async fn run_account(context: &Context, query: &str, filter: &EventFilter) -> Result<()> {
    let account = crate::resolve::account(context, query).await?;
    let client = context.client().await?;
    let mut list = context.printer.list::<CreditEvent>();
    events(
        client,
        &account.id,
        filter.window,
        filter.odata(),
        |mut page| {
            page.retain(|event| filter.keeps(event) && filter.in_window(event));
            for event in &mut page {
                event.billing_account_id = Some(account.id.clone());
                event.billing_account_display_name = account.display_name.clone();
            }
            list.push(&page)
        },
    )
    .await?;
    let printed = list.finish()?;
    if printed == 0 {
        let (start, end) = filter.window;
        context
            .printer
            .note(&format!("no credit transactions between {start} and {end}"));
    }
    Ok(())
}
