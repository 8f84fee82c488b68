//! `credits balance --account ENROLLMENT`: an Enterprise Agreement enrollment's Azure
//! Prepayment (formerly monetary commitment), the current period, one (`--period`) or the
//! newest N (`--periods`), read at once; `--min` judges the newest period's ending balance,
//! `--expiring-within` the enrollment's end date.

use super::settle;
use crate::arm::billing::enrollment_end;
use crate::arm::client::conversion_error;
use crate::arm::consumption::ea_balance;
use crate::arm::error::ArmError;
use crate::checks::{self, prepayment, Ledger, Outcome, Thresholds};
use crate::cli::BalanceArgs;
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::forecast::prepayment::{EaForecast, EnrollmentForecastRow};
use crate::model::domain::{BillingAccount, ScopeRef};
use crate::model::ea::{answered_period, EaPrepayment, EnrollmentRow, Period};
use crate::model::row::RowError;
use crate::resolve;
use futures::StreamExt;

/// The most periods `--periods` reads: ten years.
const MAX_PERIODS: usize = 120;

/// An enrollment as read: its listing, the periods Azure answered for (newest first; those
/// it had none for are said in a note), and its end date when asked (`None`: not asked).
pub(crate) struct Enrollment {
    pub(crate) scope: ScopeRef,
    pub(crate) account: BillingAccount,
    pub(crate) records: Vec<EaPrepayment>,
    /// Whether the newest period asked was answered (`records[0]` is it): only then does
    /// `--min` judge.
    pub(crate) newest_read: bool,
    /// The enrollment's end date when asked (`None`: not asked), or why it could not be read.
    pub(crate) end: Option<std::result::Result<Option<chrono::NaiveDate>, Error>>,
}

/// Looks up the enrollment `query` names (an account of another agreement is `refused`,
/// after the lookup) and reads `periods` at once, bounded, with its end date when
/// `want_end`.
pub(crate) async fn read_enrollment(
    context: &Context,
    query: &str,
    periods: &[Period],
    want_end: bool,
    refused: impl FnOnce(&str, &str) -> Error,
) -> Result<Enrollment> {
    let (scope, account) = resolve::account_listed(context, query).await?;
    if !account.is_enterprise_agreement() {
        let agreement = account
            .agreement_type
            .as_deref()
            .unwrap_or("unknown agreement");
        return Err(refused(scope.label(), agreement));
    }
    read_periods(context, scope, account, periods, want_end).await
}

/// Reads `periods` of the enrollment `account` at once, bounded, with its end date when
/// `want_end`.
async fn read_periods(
    context: &Context,
    scope: ScopeRef,
    account: BillingAccount,
    periods: &[Period],
    want_end: bool,
) -> Result<Enrollment> {
    // The current period (the month of --as-of) is asked at Azure's unnamed path, its open
    // period; the answer's id says which period that is, and the record is labelled so.
    let open = Period::of(context.settings.as_of.value);
    let client = context.client().await?;
    let enrollment = account.name.clone();
    let reads = periods.iter().map(|period| {
        let scope = &scope.scope;
        async move {
            let named = (*period != open).then_some(*period);
            (*period, ea_balance(client, scope, named).await)
        }
    });
    let balances = futures::stream::iter(reads)
        .buffered(client.concurrency().clamp(1, 8))
        .collect::<Vec<_>>();
    let end = async {
        if want_end {
            Some(enrollment_end(client, &scope.scope).await)
        } else {
            None
        }
    };
    let (balances, end) = tokio::join!(balances, end);
    let mut records: Vec<EaPrepayment> = Vec::with_capacity(balances.len());
    let mut missing = Vec::new();
    let mut newest_read = false;
    for (index, (period, read)) in balances.into_iter().enumerate() {
        match read {
            Ok(Some(raw)) => {
                // The period is the one Azure names in its answer: the open period's path
                // answers for the period Azure has open, which may not be the month asked.
                let answered = answered_period(raw.id.as_deref());
                let label = match answered {
                    Some(answered) if answered != period && period != open => {
                        return Err(Error::unavailable(format!(
                            "Azure answered the Azure Prepayment of enrollment {enrollment} for {} when {} was asked",
                            answered.code(),
                            period.code()
                        )))
                    }
                    Some(answered) => answered,
                    None => period,
                };
                let record =
                    EaPrepayment::from_wire(&enrollment, account.display_name.clone(), label, raw)
                        .map_err(|e| Error::from(conversion_error("Azure Prepayment", e)))?;
                // The open period's answer may name a period also asked by name: once.
                if records.iter().any(|r| r.period == record.period) {
                    continue;
                }
                newest_read |= index == 0;
                records.push(record);
            }
            Ok(None) => missing.push(period),
            // A period before the enrollment began has no balance; said, never dropped.
            Err(error) if error.status() == Some(404) && periods.len() > 1 => missing.push(period),
            Err(error) => return Err(forbidden_named(error)),
        }
    }
    // The end date only serves --expiring-within: a failure there is that check's.
    let end = end.map(|read| read.map_err(Error::from));
    if !missing.is_empty() {
        let named: Vec<String> = missing.iter().map(|p| p.code()).collect();
        context.printer.note(&format!(
            "enrollment {enrollment} has no Azure Prepayment balance for {} (Azure answered none)",
            named.join(", ")
        ));
    }
    if records.is_empty() {
        return Err(Error::new(
            crate::error::ErrorKind::NotFound,
            format!(
                "enrollment {enrollment} has no Azure Prepayment balance for {}",
                periods.first().map(|p| p.code()).unwrap_or_default()
            ),
        ));
    }
    Ok(Enrollment {
        scope,
        account,
        records,
        newest_read,
        end,
    })
}

pub(crate) async fn run(context: &Context, args: &BalanceArgs, query: &str) -> Result<()> {
    // Bad input fails before any request: what an enrollment cannot take is refused, never
    // ignored.
    refuse_for_enrollment(&[
        ("--exclude", !args.scope.exclude.is_empty()),
        ("--resume", args.sweep.resume.is_some()),
        ("--details", args.details),
    ])?;
    let minimum = Thresholds::parse("--min", &args.min)?;
    let within_days = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    let as_of = context.settings.as_of.value;
    let periods = asked_periods(
        args.period.as_deref(),
        args.periods.as_deref(),
        Period::of(as_of),
    )?;
    let read = read_enrollment(context, query, &periods, within_days.is_some(), |label, agreement| {
        Error::usage(format!(
            "credits balance --account reads the Azure Prepayment of an Enterprise Agreement enrollment, and billing account {label} is a {agreement} account: Azure keeps no credit balance summary for it (its lots and transactions are read with credits lots and credits events; its profiles' balances with --profile or --all)"
        ))
    })
    .await?;
    let enrollment = &read.account.name;
    let mut outcomes = Vec::new();
    if let Some(minimum) = &minimum {
        let outcome = match read.records.first().filter(|_| read.newest_read) {
            Some(newest) => prepayment::min_prepayment(newest, minimum),
            // Never an older period in its place.
            None => Outcome::Unread(
                ErrorKind::Unavailable,
                format!(
                    "enrollment {enrollment} has no Azure Prepayment balance for the newest period asked, so --min cannot be judged"
                ),
            ),
        };
        outcomes.push(("--min", outcome));
    }
    if let (Some(days), Some(end)) = (within_days, read.end) {
        let end = end.as_ref().map_err(|e| (e.kind, e.message.as_str()));
        let outcome = prepayment::enrollment_ends(enrollment, end.copied(), as_of, days);
        outcomes.push(("--expiring-within", outcome));
    }
    // A check that cannot be judged is refused before the first byte of output.
    let ledger = Ledger::of_one("enrollment", read.scope.label(), outcomes)?;
    match (args.periods.is_some(), read.records.first()) {
        (false, Some(record)) => context.printer.emit(record)?,
        _ => {
            context.printer.emit_list(&read.records)?;
        }
    }
    settle::<()>(context, &[], &ledger)
}

/// No enrollment to judge a check asked of every enrollment: exit 5, never "all clear".
pub(crate) fn nothing_to_check<T>(rows: &[T], asked: &[(&str, bool)]) -> Result<()> {
    match asked.iter().find(|(_, given)| *given) {
        Some((flag, _)) if rows.is_empty() => Err(Error::not_found(format!(
            "this sign-in sees no Enterprise Agreement enrollment, so {flag} has nothing to check"
        ))),
        _ => Ok(()),
    }
}

/// The flags an enrollment does not take, refused by name.
pub(crate) fn refuse_for_enrollment(given: &[(&str, bool)]) -> Result<()> {
    match given.iter().find(|(_, given)| *given) {
        Some((flag, _)) => Err(Error::usage(format!(
            "{flag} does not apply to an Enterprise Agreement enrollment's Azure Prepayment; leave it out"
        ))),
        None => Ok(()),
    }
}

/// The periods asked for, newest first: the current one, `--period`, or the `--periods`
/// newest ending with the current one.
pub(crate) fn asked_periods(
    period: Option<&str>,
    periods: Option<&str>,
    current: Period,
) -> Result<Vec<Period>> {
    if let Some(text) = period {
        return Ok(vec![Period::parse(text).map_err(Error::usage)?]);
    }
    let Some(text) = periods else {
        return Ok(vec![current]);
    };
    match text.trim().parse::<usize>() {
        Ok(count) if (1..=MAX_PERIODS).contains(&count) => {
            Ok(std::iter::successors(Some(current), |p| Some(p.previous()))
                .take(count)
                .collect())
        }
        _ => Err(Error::usage(format!(
            "--periods {text:?} is not a number of billing periods; give 1-{MAX_PERIODS} (the newest periods, ending with the current one)"
        ))),
    }
}

/// A 403 on an enrollment names the roles that read it.
fn forbidden_named(error: ArmError) -> Error {
    let forbidden = error.status() == Some(403);
    let error = Error::from(error);
    if forbidden {
        error.hinted(
            "an enrollment's Azure Prepayment is read by an enterprise administrator, or by a service principal with the EnrollmentReader role on the enrollment",
        )
    } else {
        error
    }
}

/// How many periods a forecast reads: the open one and enough closed ones to find three
/// that are not hidden.
const FORECAST_PERIODS: usize = 7;

/// `credits forecast --account ENROLLMENT`: the burn rate of the last three closed periods,
/// the runway of the newest ending balance, and what is left when the enrollment ends.
pub(crate) async fn forecast(
    context: &Context,
    args: &crate::cli::ForecastArgs,
    query: &str,
) -> Result<()> {
    let (minimum, min_days, max_unused) = forecast_flags(args, "")?;
    let read = read_enrollment(context, query, &forecast_periods(context), true, |label, agreement| {
        Error::usage(format!(
            "credits forecast --account reads the Azure Prepayment of an Enterprise Agreement enrollment, and billing account {label} is a {agreement} account: {}",
            super::forecast::NO_ACCOUNT_FORECAST
        ))
    })
    .await?;
    let label = read.scope.label().to_string();
    let (outlook, outcomes) = forecast_of(
        context,
        read,
        &ForecastGates {
            minimum: minimum.as_ref(),
            min_days,
            max_unused: max_unused.as_ref(),
        },
    );
    let ledger = Ledger::of_one("enrollment", &label, outcomes)?;
    context.printer.emit(&outlook)?;
    settle::<()>(context, &[], &ledger)
}

/// The checks `forecast` takes for an enrollment (`--min`, `--min-days`, `--max-unused`),
/// parsed; what an enrollment does not take is refused by name, before any request.
#[allow(clippy::type_complexity)]
fn forecast_flags(
    args: &crate::cli::ForecastArgs,
    window_also: &str,
) -> Result<(Option<Thresholds>, Option<i64>, Option<Thresholds>)> {
    if args.forecast.window.is_some() {
        return Err(Error::usage(format!(
            "--window does not apply to an Enterprise Agreement enrollment: its burn rate is the use of its last three closed billing periods{window_also}"
        )));
    }
    refuse_for_enrollment(&[
        ("--exclude", !args.scope.exclude.is_empty()),
        ("--resume", args.sweep.resume.is_some()),
        ("--chart", args.chart),
    ])?;
    let min_days = args
        .forecast
        .min_days
        .as_deref()
        .map(|text| checks::parse_day_count("--min-days", text, 0..=36_500))
        .transpose()?;
    Ok((
        Thresholds::parse("--min", &args.min)?,
        min_days,
        Thresholds::parse("--max-unused", &args.forecast.max_unused)?,
    ))
}

/// The periods a forecast reads: the open one and the six before it.
fn forecast_periods(context: &Context) -> Vec<Period> {
    let open = Period::of(context.settings.as_of.value);
    std::iter::successors(Some(open), |p| Some(p.previous()))
        .take(FORECAST_PERIODS)
        .collect()
}

/// The checks a forecast of an enrollment is asked.
pub(crate) struct ForecastGates<'a> {
    pub(crate) minimum: Option<&'a Thresholds>,
    pub(crate) min_days: Option<i64>,
    pub(crate) max_unused: Option<&'a Thresholds>,
}

/// The forecast of an enrollment read, and the outcomes of the checks asked of it.
fn forecast_of(
    context: &Context,
    read: Enrollment,
    gates: &ForecastGates<'_>,
) -> (EaForecast, Vec<(&'static str, Outcome)>) {
    let as_of = context.settings.as_of.value;
    let enrollment = read.account.name.clone();
    let (end, end_unread) = match read.end {
        Some(Ok(end)) => (end, None),
        Some(Err(error)) => {
            context.printer.note(&format!(
                "the end date of enrollment {enrollment} could not be read: {}",
                error.message
            ));
            (None, Some((error.kind, error.message)))
        }
        None => (None, None),
    };
    // The open period's record is the first, when Azure answered for it; the rest were
    // asked by name.
    let (newest, closed) = match read.records.split_first() {
        Some((first, rest)) if read.newest_read => (Some(first), rest),
        _ => (None, read.records.as_slice()),
    };
    let mut outlook = crate::forecast::prepayment::forecast(newest, closed, as_of, end);
    outlook.end_unread = end_unread;
    let mut outcomes = Vec::new();
    if let Some(minimum) = gates.minimum {
        let outcome = match read.records.first().filter(|_| read.newest_read) {
            Some(newest) => prepayment::min_prepayment(newest, minimum),
            None => Outcome::Unread(
                ErrorKind::Unavailable,
                format!("enrollment {enrollment} has no Azure Prepayment balance for the current period, so --min cannot be judged"),
            ),
        };
        outcomes.push(("--min", outcome));
    }
    if let Some(days) = gates.min_days {
        outcomes.push(("--min-days", prepayment::min_days(&outlook, days)));
    }
    if let Some(maximum) = gates.max_unused {
        outcomes.push(("--max-unused", prepayment::max_unused(&outlook, maximum)));
    }
    (outlook, outcomes)
}

/// `credits forecast --all-enrollments`: every enrollment's forecast, read a few at a time,
/// a row each in listing order, each with the outcomes of the checks asked.
pub(crate) async fn forecast_rows(
    context: &Context,
    accounts: Vec<BillingAccount>,
    gates: &ForecastGates<'_>,
) -> Result<Vec<EnrollmentForecastRow>> {
    let enrollments: Vec<BillingAccount> = accounts
        .into_iter()
        .filter(BillingAccount::is_enterprise_agreement)
        .collect();
    let periods = forecast_periods(context);
    let reads = enrollments.into_iter().map(|account| {
        let periods = &periods;
        async move {
            let (name, display_name) = (account.name.clone(), account.display_name.clone());
            let read = async {
                let scope = crate::model::scope::Scope::parse(&account.id).map_err(|e| {
                    Error::unavailable(format!("Azure listed an enrollment badly: {e}"))
                })?;
                let scope = ScopeRef {
                    display_name: account.display_name.clone(),
                    account_display_name: account.display_name.clone(),
                    ..ScopeRef::bare(scope)
                };
                read_periods(context, scope, account, periods, true).await
            }
            .await;
            let (result, outcomes) = match read {
                Ok(read) => {
                    let (outlook, outcomes) = forecast_of(context, read, gates);
                    (Ok(outlook), outcomes)
                }
                Err(error) => {
                    let unread = vec![("read", Outcome::Unread(error.kind, error.message.clone()))];
                    (Err(RowError::from(error)), unread)
                }
            };
            EnrollmentForecastRow {
                account: name,
                account_display_name: display_name,
                result,
                outcomes,
            }
        }
    });
    // Each enrollment reads its periods at once: a few enrollments at a time.
    Ok(futures::stream::iter(reads).buffered(4).collect().await)
}

/// The rows of `forecast --all-enrollments` in `ledger`, each with its outcomes.
pub(crate) fn record_forecasts(ledger: &mut Ledger, rows: &[EnrollmentForecastRow]) {
    for row in rows {
        let subject = row.account_display_name.as_deref().unwrap_or(&row.account);
        ledger.record_all(subject, row.outcomes.clone());
    }
}

/// `credits forecast --all-enrollments` alone.
pub(crate) async fn forecast_all(context: &Context, args: &crate::cli::ForecastArgs) -> Result<()> {
    let (minimum, min_days, max_unused) =
        forecast_flags(args, " (with --all it applies to the billing profiles)")?;
    let gates = ForecastGates {
        minimum: minimum.as_ref(),
        min_days,
        max_unused: max_unused.as_ref(),
    };
    let accounts = resolve::listed_accounts(context).await?;
    let rows = forecast_rows(context, accounts, &gates).await?;
    nothing_to_check(
        &rows,
        &[
            ("--min", gates.minimum.is_some()),
            ("--min-days", gates.min_days.is_some()),
            ("--max-unused", gates.max_unused.is_some()),
        ],
    )?;
    if rows.is_empty() {
        context
            .printer
            .note("this sign-in sees no Enterprise Agreement enrollment");
    }
    prepayment::fit_enrollments::<(), _>(&[gates.minimum, gates.max_unused], &[], |_| None, &rows)?;
    let mut ledger = Ledger::many("enrollment", rows.len());
    record_forecasts(&mut ledger, &rows);
    context.printer.emit_list(&rows)?;
    settle::<()>(context, &[], &ledger)
}

/// `credits balance --all-enrollments`: the current period of every Enterprise Agreement
/// enrollment listed, read at once (bounded), a row each in listing order; `--min` judges
/// each row in its own currency, `--expiring-within` each enrollment's end date. With
/// `--all` the billing profiles' balances come too (`balance::with_enrollments`).
pub(crate) async fn all_enrollments(context: &Context, args: &BalanceArgs) -> Result<()> {
    refuse_for_enrollment(&[
        ("--exclude", !args.scope.exclude.is_empty()),
        ("--resume", args.sweep.resume.is_some()),
        ("--details", args.details),
    ])?;
    let minimum = Thresholds::parse("--min", &args.min)?;
    let within_days = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    let accounts = resolve::listed_accounts(context).await?;
    let rows = enrollment_rows(context, accounts, within_days.is_some()).await?;
    nothing_to_check(
        &rows,
        &[
            ("--min", minimum.is_some()),
            ("--expiring-within", within_days.is_some()),
        ],
    )?;
    if rows.is_empty() {
        context
            .printer
            .note("this sign-in sees no Enterprise Agreement enrollment");
    }
    // A bare --min among several currencies (or an amount in a currency no enrollment is
    // in) is refused before anything is printed.
    if let Some(minimum) = &minimum {
        prepayment::fit_enrollments::<(), _>(&[Some(minimum)], &[], |_| None, &rows)?;
    }
    let mut ledger = Ledger::many("enrollment", rows.len());
    record_enrollments(
        &mut ledger,
        &rows,
        minimum.as_ref(),
        within_days,
        context.settings.as_of.value,
    );
    context.printer.emit_list(&rows)?;
    settle::<()>(context, &[], &ledger)
}

/// The checks of each enrollment row in `ledger`, named by the enrollment: `--min` on its
/// current period, `--expiring-within` on its end date; a row not read is its error.
pub(crate) fn record_enrollments(
    ledger: &mut Ledger,
    rows: &[EnrollmentRow],
    minimum: Option<&Thresholds>,
    within_days: Option<i64>,
    as_of: chrono::NaiveDate,
) {
    for row in rows {
        let subject = row.account_display_name.as_deref().unwrap_or(&row.account);
        let period = match &row.result {
            Ok(period) => period,
            Err(error) => {
                ledger.record_all(
                    subject,
                    vec![("read", Outcome::Unread(error.kind, error.message.clone()))],
                );
                continue;
            }
        };
        let mut outcomes = Vec::new();
        if let Some(minimum) = minimum {
            outcomes.push(("--min", prepayment::min_prepayment(period, minimum)));
        }
        if let (Some(days), Some(end)) = (within_days, &row.end) {
            let end = end.as_ref().map_err(|e| (e.kind, e.message.as_str()));
            let outcome = prepayment::enrollment_ends(&row.account, end.copied(), as_of, days);
            outcomes.push(("--expiring-within", outcome));
        }
        ledger.record_all(subject, outcomes);
    }
}

/// Every Enterprise Agreement enrollment listed, each with its current period (and its end
/// date when `want_end`), read at once (bounded), in listing order.
pub(crate) async fn enrollment_rows(
    context: &Context,
    accounts: Vec<BillingAccount>,
    want_end: bool,
) -> Result<Vec<EnrollmentRow>> {
    let current = Period::of(context.settings.as_of.value);
    let enrollments: Vec<BillingAccount> = accounts
        .into_iter()
        .filter(BillingAccount::is_enterprise_agreement)
        .collect();
    let client = context.client().await?;
    let reads = enrollments.iter().map(|account| async move {
        let scope = crate::model::scope::Scope::parse(&account.id)
            .map_err(|e| Error::unavailable(format!("Azure listed an enrollment badly: {e}")));
        let balance = async {
            let scope = scope.as_ref().map_err(Clone::clone)?;
            match ea_balance(client, scope, None).await {
                Ok(Some(raw)) => {
                    let label = answered_period(raw.id.as_deref()).unwrap_or(current);
                    EaPrepayment::from_wire(&account.name, account.display_name.clone(), label, raw)
                        .map_err(|e| Error::from(conversion_error("Azure Prepayment", e)))
                }
                Ok(None) => Err(Error::new(
                    ErrorKind::NotFound,
                    format!(
                        "enrollment {} has no Azure Prepayment balance for {}",
                        account.name,
                        current.code()
                    ),
                )),
                Err(error) => Err(forbidden_named(error)),
            }
        };
        let end = async {
            if !want_end {
                return None;
            }
            let read = match scope.as_ref() {
                Ok(scope) => enrollment_end(client, scope).await.map_err(Error::from),
                Err(error) => Err(error.clone()),
            };
            Some(read.map_err(RowError::from))
        };
        let (result, end) = tokio::join!(balance, end);
        EnrollmentRow {
            account: account.name.clone(),
            account_display_name: account.display_name.clone(),
            result: result.map_err(RowError::from),
            end,
        }
    });
    Ok(futures::stream::iter(reads)
        .buffered(client.concurrency().clamp(1, 8))
        .collect()
        .await)
}
