//! `credits events`: the credit transactions of one billing profile in a date window.

use super::profile::{profile_query, with_profile};
use super::Context;
use crate::arm::consumption::events;
use crate::cli::{EventsArgs, OutputFormat};
use crate::error::{Error, Result};
use crate::model::dates::parse_user_date;
use crate::output::json::JsonArrayWriter;
use crate::output::table::EventsTable;
use chrono::{Months, NaiveDate};

/// The window: `--end` defaults to the reference day, `--start` to one year before `--end`.
fn window(context: &Context, args: &EventsArgs) -> Result<(NaiveDate, NaiveDate)> {
    let end = match &args.end {
        Some(text) => parse_user_date("--end", text).map_err(Error::usage)?,
        None => context.today,
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
    let query = profile_query(&args.profile)?;
    let (start, end) = window(context, &args)?;
    match context.format {
        OutputFormat::Json => {
            // Streamed: each page is written as soon as it is parsed, and not kept.
            let mut writer = JsonArrayWriter::default();
            with_profile(context, &query, async |profile| {
                events(&context.client, &profile.id, start, end, |page| {
                    context.printer.print(&writer.elements(&page)?)
                })
                .await
            })
            .await?;
            context.printer.print(&writer.finish())
        }
        OutputFormat::Table => {
            let mut rows = EventsTable::default();
            with_profile(context, &query, async |profile| {
                rows = EventsTable::default();
                events(&context.client, &profile.id, start, end, |page| {
                    rows.push(&page);
                    Ok(())
                })
                .await
            })
            .await?;
            if rows.is_empty() {
                eprintln!("note: no credit transactions between {start} and {end}");
                return Ok(());
            }
            context
                .printer
                .print(&rows.render(context.printer.is_terminal))
        }
    }
}
