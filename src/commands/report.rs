//! `credits report`: one page (Markdown in a pipe, JSON with `--json`) with the balance,
//! the credit expiring soon, the forecast and the checks of one profile or of all, and the
//! exit code of those checks.

use super::forecast::{read, DEFAULT_WINDOW_DAYS};
use crate::checks::{self, Outcome, Thresholds};
use crate::cli::ReportArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::forecast::ProfileForecast;
use crate::model::domain::AccountRef;
use crate::model::row::ProfileRow;
use crate::report::{expiring_soon, CheckResult, Report};
use crate::resolve::{every_profile, with_profile};
use std::collections::BTreeSet;

pub async fn run(context: &Context, args: ReportArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let window = match &args.window {
        Some(text) => checks::parse_day_count("--window", text, 1..=3650)?,
        None => DEFAULT_WINDOW_DAYS,
    };
    let min = Thresholds::parse("--min", &args.min)?;
    let max_unused = Thresholds::parse("--max-unused", &args.max_unused)?;
    let min_days = args
        .min_days
        .as_deref()
        .map(|text| checks::parse_day_count("--min-days", text, 0..=36_500))
        .transpose()?;
    let expiring_within = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    let as_of = context.settings.as_of.value;
    let rows: Vec<ProfileRow<ProfileForecast>> = if args.all {
        every_profile(context, async |client, profile| {
            read(client, profile, as_of, window).await
        })
        .await?
    } else {
        let query = context.settings.profile(args.profile.profile.as_deref())?;
        let result = with_profile(context, &query.value, async |client, profile| {
            read(client, profile, as_of, window).await
        })
        .await?;
        // One profile asked for by name: the page names no account.
        let account = AccountRef {
            id: String::new(),
            name: String::new(),
            display_name: None,
        };
        vec![ProfileRow {
            account,
            profile: result.billing_profile.clone(),
            result: Ok(result),
        }]
    };

    // Which currencies the amounts must fit, once every profile is read.
    let currencies: BTreeSet<String> = rows
        .iter()
        .filter_map(|r| r.result.as_ref().ok())
        .filter_map(|r| r.forecast.currency.clone())
        .collect();
    // A read failure already makes the run "could not check"; only a complete set of
    // currencies can make a bare amount a usage error.
    if rows.iter().all(|r| r.error().is_none()) {
        for thresholds in [&min, &max_unused].into_iter().flatten() {
            thresholds.fit(&currencies)?;
        }
    }

    let mut outcomes = Vec::new();
    let mut results = Vec::new();
    for row in &rows {
        let label = row.profile.label();
        let result = match &row.result {
            Ok(result) => result,
            Err(error) => {
                let outcome = Outcome::Unread(error.kind, error.message.clone());
                results.push(CheckResult::of(label, "read", &outcome));
                outcomes.push(outcome);
                continue;
            }
        };
        let mut add = |check: &'static str, outcome: Outcome| {
            results.push(CheckResult::of(label, check, &outcome));
            outcomes.push(outcome);
        };
        // A check that cannot be made for one profile is that profile's result, not the
        // end of the page.
        let unread = |e: Error| Outcome::Unread(e.kind, e.message);
        if let Some(min) = &min {
            let outcome = checks::min_balance(&result.inputs.balance, min).unwrap_or_else(unread);
            add("--min", outcome);
        }
        if let Some(days) = min_days {
            add("--min-days", checks::min_runway(&result.forecast, days));
        }
        if let Some(max) = &max_unused {
            let outcome = checks::max_unused(&result.forecast, max).unwrap_or_else(unread);
            add("--max-unused", outcome);
        }
        if let Some(days) = expiring_within {
            add(
                "--expiring-within",
                checks::expiring_within(&result.inputs.lots, as_of, days),
            );
        }
    }
    let report = Report {
        as_of,
        expiring_soon: rows
            .iter()
            .map(|r| r.result.as_ref().map(expiring_soon).unwrap_or_default())
            .collect(),
        profiles: rows,
        checks: results,
    };
    context.printer.emit(&report)?;
    for row in &report.profiles {
        if let Err(error) = &row.result {
            context.printer.error(&Error {
                kind: error.kind,
                message: format!("billing profile {}: {}", row.profile.label(), error.message),
                hints: error.hints.clone(),
            });
        }
    }
    let failed: Vec<String> = report
        .checks
        .iter()
        .filter(|c| c.result == "failed")
        .map(|c| format!("{} {}: {}", c.profile, c.check, c.detail))
        .collect();
    checks::verdict(&outcomes).conclude(
        || format!("{} check(s) failed: {}", failed.len(), failed.join("; ")),
        || {
            let unread: Vec<String> = report
                .checks
                .iter()
                .filter(|c| c.result == "could not check")
                .map(|c| format!("{} {}: {}", c.profile, c.check, c.detail))
                .collect();
            format!("could not check: {}", unread.join("; "))
        },
    )
}
