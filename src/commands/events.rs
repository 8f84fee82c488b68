//! `credits events`: the credit transactions of one billing profile in a date window,
//! written page by page as the pages arrive.

use crate::arm::consumption::events;
use crate::cli::EventsArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::model::dates::parse_user_date;
use crate::model::domain::CreditEvent;
use crate::resolve::with_profile;
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
    let query = context.settings.profile(args.profile.profile.as_deref())?;
    let (start, end) = window(context.settings.as_of.value, &args)?;
    let printed = with_profile(context, &query, async |client, profile| {
        // A fresh list for every attempt: a retry starts from nothing (the resolver retries
        // only while nothing has been written).
        let mut list = context.printer.list::<CreditEvent>();
        events(client, &profile.id, start, end, |page| list.push(&page)).await?;
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
