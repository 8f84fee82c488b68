//! `credits forecast`: the burn rate, runway and credit expiring unused of one billing
//! profile (or every profile with `--all`), and the `--min-days` and `--max-unused` checks.

use super::{emit_at, settle};
use crate::arm::consumption::{
    all_events, balance_summary, lots, summary_gone, EventQuery, LotQuery,
};
use crate::arm::ArmClient;
use crate::checks::{self, Ledger, Outcome, Thresholds};
use crate::cli::{ForecastArgs, ForecastOptions};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::forecast::{self, ForecastInputs, Inputs, ProfileForecast};
use crate::model::domain::{BalanceSummary, CreditEvent, ScopeRef};
use crate::model::scope::ScopeKind;
use crate::resolve::{self, Resolved, Selection, Served};
use crate::settings::{DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS};
use chrono::NaiveDate;

/// The scopes a forecast (and `report`, which holds one) reads: it starts from a balance
/// summary, which Azure keeps for billing profiles and partners' customers only.
pub(super) const FORECAST_SCOPES: &[ScopeKind] = &[ScopeKind::BillingProfile, ScopeKind::Customer];

pub(super) const NO_ACCOUNT_FORECAST: &str = "Azure keeps no credit balance summary for a billing account, and a forecast starts from one (an account's lots and transactions are read with credits lots and credits events)";

const SERVED: Served = Served {
    command: "credits forecast",
    kinds: FORECAST_SCOPES,
    why_not: NO_ACCOUNT_FORECAST,
};

/// `--window` and the forecast's checks, with the balance's `--min`, as `forecast` and
/// `report` take them.
pub(super) struct ForecastChecks {
    pub(crate) window: i64,
    pub(crate) min: Option<Thresholds>,
    pub(crate) min_days: Option<i64>,
    pub(crate) max_unused: Option<Thresholds>,
}

impl ForecastChecks {
    pub(crate) fn parse(options: &ForecastOptions, min: &[String]) -> Result<Self> {
        Ok(ForecastChecks {
            min: Thresholds::parse("--min", min)?,
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
    pub(crate) fn check(&self, result: &ProfileForecast) -> Vec<(&'static str, Outcome)> {
        let mut outcomes = Vec::new();
        // Every check on a disabled profile fails, saying why, and alone (as in `balance`).
        let gated = self.min.is_some() || self.min_days.is_some() || self.max_unused.is_some();
        if gated {
            let standing = checks::profile_standing(&result.inputs.balance.standing());
            if standing != Outcome::Passed {
                return vec![("status", standing)];
            }
        }
        if let Some(minimum) = &self.min {
            let outcome = checks::min_balance(&result.inputs.balance, minimum)
                .unwrap_or_else(|e| Outcome::Unread(e.kind, e.message));
            outcomes.push(("--min", outcome));
        }
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

    /// Refuses, before any request, an amount without a currency for a customer sweep.
    pub(crate) fn for_sweep(&self) -> Result<()> {
        Thresholds::for_sweep(self.min.as_ref())?;
        Thresholds::for_sweep(self.max_unused.as_ref())
    }

    /// Refuses, once every profile is read, an amount that cannot be judged as asked (a bare
    /// amount among currencies, a currency no profile has).
    pub(crate) fn fit_rows(
        &self,
        rows: &[crate::model::row::ProfileRow<ProfileForecast>],
    ) -> Result<()> {
        if let Some(minimum) = &self.min {
            minimum.fit_rows(rows, |r| checks::balance_currency(&r.inputs.balance))?;
        }
        if let Some(maximum) = &self.max_unused {
            maximum.fit_rows(rows, |r| r.forecast.currency.clone())?;
        }
        Ok(())
    }
}

pub(crate) async fn run(context: &Context, args: ForecastArgs) -> Result<()> {
    // `--allowance` and `--allow-estimate` say something of a subscription only.
    super::subscription::refuse_without_subscription(&args.subscription)?;
    if args.all_enrollments {
        if args.scope.all {
            return with_enrollments(context, args).await;
        }
        return super::prepayment::forecast_all(context, &args).await;
    }
    if let Some(query) = args.subscription.subscription.clone() {
        return by_subscription(context, args, &query).await;
    }
    run_as(context, args, None).await
}

/// `forecast --all --all-enrollments`: every billing profile's forecast and every
/// enrollment's, read at the same time; one JSON array, a table of each for people.
async fn with_enrollments(context: &Context, args: ForecastArgs) -> Result<()> {
    super::prepayment::refuse_for_enrollment(&[("--resume", args.sweep.resume.is_some())])?;
    // Bad input fails before any request is made.
    let wanted = ForecastChecks::parse(&args.forecast, &args.min)?;
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    let (as_of, window) = (context.settings.as_of.value, wanted.window);
    let read_one = async |client: &ArmClient, scope| read(client, scope, as_of, window).await;
    let gates = super::prepayment::ForecastGates {
        minimum: wanted.min.as_ref(),
        min_days: wanted.min_days,
        max_unused: wanted.max_unused.as_ref(),
    };
    // One listing serves both (the second finds it cached).
    let accounts = resolve::listed_accounts(context).await?;
    let (profiles, enrollments) = tokio::join!(
        resolve::read(context, &selection, read_one),
        super::prepayment::forecast_rows(context, accounts, &gates)
    );
    let enrollments = enrollments?;
    let rows = match profiles {
        Ok(Resolved::Many(rows)) => rows,
        Ok(Resolved::One(scope, _)) => {
            return Err(Error::unavailable(format!(
                "--all read one {} only",
                scope.kind().noun()
            )))
        }
        // An enrollment-only sign-in: the enrollments answer.
        Err(error) if resolve::no_readable_profile(&error) && !enrollments.is_empty() => {
            context.printer.note(&error.message);
            Vec::new()
        }
        Err(error) => return Err(error),
    };
    // A bare amount among several currencies, over both kinds, is refused before output.
    checks::prepayment::fit_enrollments(
        &[wanted.min.as_ref(), wanted.max_unused.as_ref()],
        &rows,
        |r| checks::balance_currency(&r.inputs.balance),
        &enrollments,
    )?;
    let mut ledger = Ledger::of_rows("billing profile", &rows, |r| wanted.check(r));
    ledger.add_subjects(enrollments.len(), "billing profiles and enrollments");
    super::prepayment::record_forecasts(&mut ledger, &enrollments);
    for result in rows.iter().filter_map(|r| r.result.as_ref().ok()) {
        super::balance::note_source(context, &result.inputs.balance);
    }
    if enrollments.is_empty() {
        context
            .printer
            .note("this sign-in sees no Enterprise Agreement enrollment");
    }
    context.printer.emit(&crate::output::views::TwoKinds {
        first: &rows,
        second: &enrollments,
        second_title: "Enterprise Agreement enrollments: Azure Prepayment forecast",
    })?;
    settle(context, &rows, &ledger)
}

/// `forecast --subscription S`: the billing profile's forecast of an MCA-billed
/// subscription (naming the subscription), or the forecast of a monthly credit's estimate.
async fn by_subscription(context: &Context, mut args: ForecastArgs, query: &str) -> Result<()> {
    use super::subscription::{self, Answer};
    subscription::refuse_for_subscription(&[
        ("--exclude", !args.scope.exclude.is_empty()),
        ("--resume", args.sweep.resume.is_some()),
    ])?;
    // Bad input fails before any request is made.
    let wanted = ForecastChecks::parse(&args.forecast, &args.min)?;
    match subscription::answer(context, query, &args.subscription).await? {
        Answer::Profile(billed) => {
            let via = billed.say(context, &args.subscription);
            args.scope.profile.profile = Some(billed.profile_id);
            run_as(context, args, Some(via)).await
        }
        Answer::Estimate(credit) => {
            subscription::refuse_for_subscription(&[
                (
                    "--window (an estimate burns at this billing period's daily cost)",
                    args.forecast.window.is_some(),
                ),
                ("--chart", args.chart),
            ])?;
            subscription::forecast_estimate(
                context,
                *credit,
                &wanted,
                args.subscription.allow_estimate,
            )
        }
    }
}

/// `forecast`, its record naming `via` when a subscription asked for it.
async fn run_as(
    context: &Context,
    args: ForecastArgs,
    via: Option<super::subscription::Via>,
) -> Result<()> {
    // `--account` names an Enterprise Agreement enrollment (an MCA account is refused after
    // the lookup).
    if let (Some(query), false) = (&args.scope.account, args.scope.all_customers) {
        return super::prepayment::forecast(context, &args, query).await;
    }
    // Bad input fails before any request is made.
    let wanted = ForecastChecks::parse(&args.forecast, &args.min)?;
    let check = |r: &ProfileForecast| wanted.check(r);
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    if selection.is_sweep() {
        wanted.for_sweep()?;
    }
    let mut flags: Vec<(&str, Option<String>)> = vec![
        ("--window", Some(wanted.window.to_string())),
        ("--min-days", args.forecast.min_days.clone()),
    ];
    flags.extend(args.min.iter().map(|m| ("--min", Some(m.clone()))));
    flags.extend(
        args.forecast
            .max_unused
            .iter()
            .map(|m| ("--max-unused", Some(m.clone()))),
    );
    let query = super::asked(&flags);
    let resume = super::resume_of("forecast", &query, &args.sweep, &selection)?;
    let (as_of, window) = (context.settings.as_of.value, wanted.window);
    let read_one = async |client: &ArmClient, scope| read(client, scope, as_of, window).await;
    if selection.is_sweep() {
        return super::sweep(context, &selection, resume, read_one, check, |r| {
            super::balance::note_source(context, &r.inputs.balance)
        })
        .await;
    }
    let resolved = resolve::read(context, &selection, read_one).await?;
    match resolved {
        Resolved::One(scope, mut result) => {
            if let Some(via) = via {
                // A full id is never looked up: the billing property named the profile.
                if result.billing_profile.display_name.is_none() {
                    result.billing_profile.display_name = via.profile_name;
                }
                result.subscription = Some(via.subscription);
            }
            let ledger = Ledger::of_one(scope.kind().noun(), scope.label(), check(&result))?;
            super::balance::note_source(context, &result.inputs.balance);
            if result.forecast.too_little_history.is_some() {
                context.printer.note(&format!(
                    "{} {} has too little history for a burn rate: no runway or expiring credit can be forecast",
                    scope.kind().noun(),
                    scope.label()
                ));
            }
            emit_at(context, &scope, &result)?;
            settle::<()>(context, &[], &ledger)
        }
        Resolved::Many(rows) => {
            wanted.fit_rows(&rows)?;
            let ledger = Ledger::of_rows("billing profile", &rows, check);
            for result in rows.iter().filter_map(|r| r.result.as_ref().ok()) {
                super::balance::note_source(context, &result.inputs.balance);
            }
            context.printer.emit_list(&rows)?;
            settle(context, &rows, &ledger)
        }
    }
}

/// The three reads of a forecast, concurrently: one round trip plus the event pages.
pub(super) async fn read(
    client: &ArmClient,
    profile: ScopeRef,
    as_of: NaiveDate,
    window: i64,
) -> Result<ProfileForecast> {
    read_with_events(client, profile, as_of, window)
        .await
        .map(|(forecast, _)| forecast)
}

/// `read`, and the credit transactions of the window it read (`report --verify` checks
/// them).
pub(super) async fn read_with_events(
    client: &ArmClient,
    profile: ScopeRef,
    as_of: NaiveDate,
    window: i64,
) -> Result<(ProfileForecast, Vec<CreditEvent>)> {
    let start = forecast::history_start(as_of, window);
    let window_events = EventQuery::window(start, as_of);
    let every_event = all_events(client, &profile.scope, &window_events);
    let every_lot = LotQuery::all(as_of);
    let (balance, lots, events) = tokio::join!(
        balance_summary(client, profile.clone()),
        lots(client, &profile.scope, &every_lot),
        every_event
    );
    // A scope that is not there answers 404 everywhere: the summary's answer says so.
    let lots = match (lots, &balance) {
        (Err(lots_error), Err(_)) if lots_error.status() == Some(404) => {
            return Err(balance
                .err()
                .map(Error::from)
                .unwrap_or_else(|| lots_error.into()))
        }
        (lots, _) => lots,
    };
    let (mut lots, events) = (lots?, events?);
    // A summary Azure no longer serves: the balance is the sum of the lots (which answered,
    // so the scope exists).
    let balance = match balance {
        Ok(balance) => balance,
        Err(error) if summary_gone(&error) => {
            BalanceSummary::from_lots(profile.clone(), &lots, as_of).map_err(|e| {
                Error::unavailable(format!(
                    "{} {}: the balance from lots: {e}",
                    profile.kind().noun(),
                    profile.label()
                ))
            })?
        }
        Err(error) => return Err(error.into()),
    };
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
    Ok((
        ProfileForecast {
            kind: balance.kind,
            subscription: None,
            billing_profile: profile,
            forecast: made,
            inputs: ForecastInputs {
                balance,
                lots,
                as_of,
            },
        },
        events,
    ))
}
