//! `credits forecast`: the burn rate, runway and credit expiring unused of one billing
//! profile (or every profile with `--all`), and the `--min-days` and `--max-unused` checks.

use crate::arm::consumption::{balance_summary, events, lots};
use crate::arm::{ArmClient, ArmError};
use crate::checks::{self, Outcome, Thresholds};
use crate::cli::{ForecastArgs, ForecastOptions};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::forecast::{self, ForecastInputs, Inputs, ProfileForecast};
use crate::model::domain::ProfileRef;
use crate::model::row::ProfileRow;
use crate::resolve::{every_profile, with_profile};
use crate::settings::{DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS};
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// `--window` and the forecast's checks, as `forecast` and `report` take them.
pub(super) struct ForecastChecks {
    pub window: i64,
    pub min_days: Option<i64>,
    pub max_unused: Option<Thresholds>,
}

impl ForecastChecks {
    pub fn parse(options: &ForecastOptions) -> Result<Self> {
        Ok(ForecastChecks {
            window: options
                .window
                .as_deref()
                .map(|text| checks::parse_day_count("--window", text, 1..=MAX_WINDOW_DAYS))
                .transpose()?
                .unwrap_or(DEFAULT_WINDOW_DAYS),
            min_days: options
                .min_days
                .as_deref()
                .map(|text| checks::parse_day_count("--min-days", text, 0..=36_500))
                .transpose()?,
            max_unused: Thresholds::parse("--max-unused", &options.max_unused)?,
        })
    }

    /// The checks asked for, each with its name and outcome. A check that cannot be made
    /// for this profile is its outcome, not an error.
    pub fn check(&self, result: &ProfileForecast) -> Vec<(&'static str, Outcome)> {
        let mut outcomes = Vec::new();
        if let Some(days) = self.min_days {
            outcomes.push(("--min-days", checks::min_runway(&result.forecast, days)));
        }
        if let Some(maximum) = &self.max_unused {
            let outcome = checks::max_unused(&result.forecast, maximum)
                .unwrap_or_else(|e| Outcome::Unread(e.kind, e.message));
            outcomes.push(("--max-unused", outcome));
        }
        outcomes
    }
}

pub async fn run(context: &Context, args: ForecastArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let wanted = ForecastChecks::parse(&args.forecast)?;
    let window = wanted.window;
    let as_of = context.settings.as_of.value;
    if args.chart {
        context.printer.show_charts_in_pipes();
    }
    if args.all {
        return run_all(context, as_of, window, &wanted).await;
    }
    let query = context.settings.profile(args.profile.profile.as_deref())?;
    let result = with_profile(context, &query, async |client, profile| {
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
    let outcomes = checks::for_one_profile(
        wanted
            .check(&result)
            .into_iter()
            .map(|(_, outcome)| outcome)
            .collect(),
    )?;
    checks::verdict(&outcomes).conclude(
        || checks::reasons(&outcomes).join("; "),
        || checks::unread_reasons(&outcomes),
    )
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
        events(client, &profile.id, (start, as_of), None, |page| {
            all.extend(page);
            Ok::<(), ArmError>(())
        })
        .await
        .map(|()| all)
    };
    let (balance, lots, events) = tokio::join!(
        balance_summary(client, profile.clone()),
        lots(client, &profile.id, None),
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
async fn run_all(
    context: &Context,
    as_of: NaiveDate,
    window: i64,
    wanted: &ForecastChecks,
) -> Result<()> {
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
                if let Some(failure) = row.failure() {
                    context.printer.error(&failure);
                }
                outcomes.push(Outcome::Unread(error.kind, error.message.clone()));
            }
            Ok(_) if !every_row_read => {}
            Ok(result) => {
                for (_, outcome) in wanted.check(result) {
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
                checks::unread_reasons(&outcomes)
            }
        },
    )
}
