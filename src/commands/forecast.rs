//! `credits forecast`: the burn rate, runway and credit expiring unused of one billing
//! profile (or every profile with `--all`), and the `--min-days` and `--max-unused` checks.

use crate::arm::consumption::{balance_summary, events, lots};
use crate::arm::{ArmClient, ArmError};
use crate::checks::{self, Outcome, Thresholds};
use crate::cli::ForecastArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::forecast::{self, ForecastInputs, Inputs, ProfileForecast};
use crate::model::domain::ProfileRef;
use crate::model::row::ProfileRow;
use crate::resolve::{every_profile, with_profile};
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// The default window of the burn rate, in days.
pub const DEFAULT_WINDOW_DAYS: i64 = 90;

/// What the checks of one run ask for.
struct Checks {
    min_days: Option<i64>,
    max_unused: Option<Thresholds>,
}

pub async fn run(context: &Context, args: ForecastArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let window = match &args.window {
        Some(text) => checks::parse_day_count("--window", text, 1..=3650)?,
        None => DEFAULT_WINDOW_DAYS,
    };
    let wanted = Checks {
        min_days: args
            .min_days
            .as_deref()
            .map(|text| checks::parse_day_count("--min-days", text, 0..=36_500))
            .transpose()?,
        max_unused: Thresholds::parse("--max-unused", &args.max_unused)?,
    };
    let as_of = context.settings.as_of.value;
    if args.chart {
        context.printer.show_charts_in_pipes();
    }
    if args.all {
        return run_all(context, as_of, window, &wanted).await;
    }
    let query = context.settings.profile(args.profile.profile.as_deref())?;
    let result = with_profile(context, &query.value, async |client, profile| {
        read(client, profile, as_of, window).await
    })
    .await?;
    if result.forecast.too_little_history.is_some() {
        context.printer.note(&format!(
            "billing profile {} has too little history for a burn rate: no runway or expiring credit can be forecast",
            result.billing_profile.label()
        ));
    }
    context.printer.emit(&result)?;
    let mut outcomes = Vec::new();
    for outcome in check(&result, &wanted)? {
        match outcome {
            // One profile, asked for by name: an amount in another currency is a mistake.
            Outcome::NotChecked(why) => return Err(Error::usage(why)),
            outcome => outcomes.push(outcome),
        }
    }
    checks::verdict(&outcomes).conclude(
        || checks::reasons(&outcomes).join("; "),
        || unread_reasons(&outcomes),
    )
}

fn unread_reasons(outcomes: &[Outcome]) -> String {
    let reasons: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Unread(_, why) => Some(why.as_str()),
            _ => None,
        })
        .collect();
    reasons.join("; ")
}

fn check(result: &ProfileForecast, wanted: &Checks) -> Result<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    if let Some(days) = wanted.min_days {
        outcomes.push(checks::min_runway(&result.forecast, days));
    }
    if let Some(maximum) = &wanted.max_unused {
        outcomes.push(checks::max_unused(&result.forecast, maximum)?);
    }
    Ok(outcomes)
}

/// The three reads of a forecast, concurrently: one round trip plus the event pages.
pub(super) async fn read(
    client: &ArmClient,
    profile: ProfileRef,
    as_of: NaiveDate,
    window: i64,
) -> Result<ProfileForecast> {
    let start = forecast::history_start(as_of, window);
    let all_events = async {
        let mut all = Vec::new();
        events(client, &profile.id, start, as_of, |page| {
            all.extend(page);
            Ok::<(), ArmError>(())
        })
        .await
        .map(|()| all)
    };
    let (balance, lots, events) = tokio::join!(
        balance_summary(client, profile.clone()),
        lots(client, &profile.id),
        all_events
    );
    let (balance, mut lots, events) = (balance?, lots?, events?);
    // In the order `credits lots` shows them.
    crate::model::domain::sort_lots(&mut lots);
    let made = forecast::forecast(&Inputs {
        as_of,
        window_days: window,
        balance: &balance,
        lots: &lots,
        events: &events,
    })
    .map_err(|e| Error::unavailable(format!("billing profile {}: {e}", profile.label())))?;
    Ok(ProfileForecast {
        billing_profile: profile,
        forecast: made,
        inputs: ForecastInputs {
            balance,
            lots,
            as_of,
        },
    })
}

/// `--all`: every readable MCA profile, read concurrently; failures are rows that say so.
async fn run_all(context: &Context, as_of: NaiveDate, window: i64, wanted: &Checks) -> Result<()> {
    let rows: Vec<ProfileRow<ProfileForecast>> = every_profile(context, async |client, profile| {
        read(client, profile, as_of, window).await
    })
    .await?;
    context.printer.emit_list(&rows)?;
    let every_row_read = rows.iter().all(|r| r.error().is_none());
    if let (Some(maximum), true) = (&wanted.max_unused, every_row_read) {
        let currencies: BTreeSet<String> = rows
            .iter()
            .filter_map(|r| r.result.as_ref().ok())
            .filter_map(|r| r.forecast.currency.clone())
            .collect();
        maximum.fit(&currencies)?;
    }
    let mut outcomes = Vec::new();
    let mut failed = Vec::new();
    for row in &rows {
        match &row.result {
            Err(error) => {
                context.printer.error(&Error {
                    kind: error.kind,
                    message: format!("billing profile {}: {}", row.profile.label(), error.message),
                    hints: error.hints.clone(),
                });
                outcomes.push(Outcome::Unread(error.kind, error.message.clone()));
            }
            Ok(_) if !every_row_read => {}
            Ok(result) => {
                for outcome in check(result, wanted)? {
                    match &outcome {
                        Outcome::Failed(why) => {
                            failed.push(format!("{}: {why}", row.profile.label()))
                        }
                        Outcome::NotChecked(_) => context.printer.note(&format!(
                            "billing profile {} is not checked: no --max-unused amount is given in its currency",
                            row.profile.label()
                        )),
                        Outcome::Unread(_, why) => context
                            .printer
                            .note(&format!("billing profile {}: {why}", row.profile.label())),
                        Outcome::Passed => {}
                    }
                    outcomes.push(outcome);
                }
            }
        }
    }
    checks::verdict(&outcomes).conclude(
        || format!("{} check(s) failed: {}", failed.len(), failed.join("; ")),
        || {
            let unread = rows.iter().filter(|r| r.error().is_some()).count();
            if unread > 0 {
                format!(
                    "{unread} of {} billing profiles could not be read (see above)",
                    rows.len()
                )
            } else {
                unread_reasons(&outcomes)
            }
        },
    )
}
