//! `credits lots`: the credit lots of one billing profile, and the `--expiring-within` check.

use super::profile::{profile_query, with_profile};
use super::Context;
use crate::arm::consumption::lots;
use crate::cli::{LotsArgs, OutputFormat};
use crate::error::{Error, Result};
use crate::model::dates::format_day;
use crate::model::domain::{sort_lots, CreditLot};
use crate::output::{json, table};
use chrono::{DateTime, Duration, Utc};

pub async fn run(context: &Context, args: LotsArgs) -> Result<()> {
    let query = profile_query(&args.profile)?;
    let within_days = args
        .expiring_within
        .as_deref()
        .map(parse_days)
        .transpose()?;
    let mut lots = with_profile(context, &query, async |profile| {
        lots(&context.client, &profile.id, context.as_of()).await
    })
    .await?;
    sort_lots(&mut lots);
    if lots.is_empty() {
        eprintln!("note: billing profile {query:?} has no credit lots");
    }
    let text = match context.format {
        OutputFormat::Json => json::to_json(&lots)?,
        OutputFormat::Table if lots.is_empty() => String::new(),
        OutputFormat::Table => table::lots(&lots, context.printer.is_terminal),
    };
    context.printer.print(&text)?;
    match within_days {
        Some(days) => check_expiring(&lots, context.as_of(), days),
        None => Ok(()),
    }
}

fn parse_days(text: &str) -> Result<i64> {
    match text.trim().parse::<i64>() {
        Ok(days) if (0..=36_500).contains(&days) => Ok(days),
        _ => Err(Error::usage(format!(
            "--expiring-within {text:?} is not a whole number of days; write a number from 0 to 36500, for example --expiring-within 30"
        ))),
    }
}

/// Exit 1 when a lot with credit left expires within `days` days of `as_of`. Already
/// expired lots are history, not a warning.
fn check_expiring(lots: &[CreditLot], as_of: DateTime<Utc>, days: i64) -> Result<()> {
    let horizon = as_of + Duration::days(days);
    let expiring: Vec<String> = lots
        .iter()
        .filter_map(|lot| {
            let remaining = lot.remaining()?;
            let expires = lot.expiration_date?;
            (expires > as_of && expires <= horizon).then(|| {
                format!(
                    "{} ({}) with {} left expires {}",
                    lot.source.as_deref().unwrap_or("credit"),
                    lot.name.as_deref().unwrap_or("unnamed lot"),
                    remaining.display(),
                    format_day(&expires)
                )
            })
        })
        .collect();
    if expiring.is_empty() {
        return Ok(());
    }
    Err(Error::check_failed(format!(
        "check failed: {} lot(s) with credit left expire within {days} days: {}",
        expiring.len(),
        expiring.join("; ")
    )))
}
