//! `credits report`: one page (Markdown in a pipe, JSON with `--json`) with the balance,
//! the credit expiring soon, the forecast and the checks of one profile or of all, and the
//! exit code of those checks.

use super::forecast::{read, ForecastChecks};
use crate::checks::{self, Outcome, Thresholds};
use crate::cli::ReportArgs;
use crate::context::Context;
use crate::error::Result;
use crate::forecast::ProfileForecast;
use crate::model::domain::AccountRef;
use crate::model::row::ProfileRow;
use crate::report::{expiring_soon, CheckResult, Report};
use crate::resolve::{every_profile, with_profile};
use std::collections::BTreeSet;

pub async fn run(context: &Context, args: ReportArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let min = Thresholds::parse("--min", &args.min)?;
    let forecast_checks = ForecastChecks::parse(&args.forecast)?;
    let window = forecast_checks.window;
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
        let result = with_profile(context, &query, async |client, profile| {
            read(client, profile, as_of, window).await
        })
        .await?;
        // One profile: its account as far as it is known (the id is in the profile's id,
        // the name only when the profile was found in a listing).
        let profile = &result.billing_profile;
        let id = profile.account_id().unwrap_or_default().to_string();
        let account = AccountRef {
            name: id.rsplit('/').next().unwrap_or_default().to_string(),
            id,
            display_name: profile.account_display_name.clone(),
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
        for thresholds in [&min, &forecast_checks.max_unused].into_iter().flatten() {
            thresholds.fit(&currencies)?;
        }
    }

    // Every check of every profile, by name. A check that cannot be made for one profile is
    // that profile's result, not the end of the page.
    let mut checked: Vec<(&str, &'static str, Outcome)> = Vec::new();
    for row in &rows {
        let label = row.profile.label();
        let result = match &row.result {
            Ok(result) => result,
            Err(error) => {
                checked.push((
                    label,
                    "read",
                    Outcome::Unread(error.kind, error.message.clone()),
                ));
                continue;
            }
        };
        if let Some(min) = &min {
            let outcome = checks::min_balance(&result.inputs.balance, min)
                .unwrap_or_else(|e| Outcome::Unread(e.kind, e.message));
            checked.push((label, "--min", outcome));
        }
        for (check, outcome) in forecast_checks.check(result) {
            checked.push((label, check, outcome));
        }
        if let Some(days) = expiring_within {
            let outcome = checks::expiring_within(&result.inputs.lots, as_of, days);
            checked.push((label, "--expiring-within", outcome));
        }
    }
    let results: Vec<CheckResult> = checked
        .iter()
        .map(|(label, check, outcome)| CheckResult::of(label, check, outcome))
        .collect();
    let described = |pick: fn(&Outcome) -> Option<&str>| -> Vec<String> {
        checked
            .iter()
            .filter_map(|(label, check, o)| pick(o).map(|why| format!("{label} {check}: {why}")))
            .collect()
    };
    let failed = described(|o| match o {
        Outcome::Failed(why) => Some(why),
        _ => None,
    });
    let unread = described(|o| match o {
        Outcome::Unread(_, why) => Some(why),
        _ => None,
    });
    let outcomes: Vec<Outcome> = checked.into_iter().map(|(_, _, o)| o).collect();
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
    for failure in report.profiles.iter().filter_map(ProfileRow::failure) {
        context.printer.error(&failure);
    }
    checks::verdict(&outcomes).conclude(
        || format!("{} check(s) failed: {}", failed.len(), failed.join("; ")),
        || format!("could not check: {}", unread.join("; ")),
    )
}
