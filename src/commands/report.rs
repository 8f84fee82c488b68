//! `credits report`: one page (Markdown in a pipe, JSON with `--json`) with the balance,
//! the credit expiring soon, the forecast and the checks of one profile or customer, or of
//! all profiles, and the exit code of those checks.

use super::forecast::{read_with_events, ForecastChecks, FORECAST_SCOPES, NO_ACCOUNT_FORECAST};
use super::settle;
use super::spend::month_so_far;
use crate::checks::verify::{self, Subject, Verification};
use crate::checks::{self, Ledger};
use crate::cli::ReportArgs;
use crate::context::Context;
use crate::error::Result;
use crate::forecast::ProfileForecast;
use crate::model::row::ProfileRow;
use crate::report::{expiring_soon, CheckResult, Report, SpentOf};
use crate::resolve::{self, Resolved, Selection, Served};

const SERVED: Served = Served {
    command: "credits report",
    kinds: FORECAST_SCOPES,
    why_not: NO_ACCOUNT_FORECAST,
};

pub(crate) async fn run(context: &Context, args: ReportArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let forecast_checks = ForecastChecks::parse(&args.forecast, &args.min)?;
    let expiring_within = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    // `--all-enrollments` alone reads no billing profile.
    let only_enrollments = args.all_enrollments && !args.scope.all;
    if args.all_enrollments {
        if only_enrollments {
            super::prepayment::refuse_for_enrollment(&[
                ("--spend", args.spend),
                ("--verify", args.verify),
                ("--details", args.details),
                ("--exclude", !args.scope.exclude.is_empty()),
            ])?;
        }
        if only_enrollments && args.forecast.window.is_some() {
            return Err(crate::error::Error::usage(
                "--window does not apply to an Enterprise Agreement enrollment: its burn rate is the use of its last three closed billing periods (with --all it applies to the billing profiles)",
            ));
        }
    }
    let selection = if only_enrollments {
        None
    } else {
        Some(Selection::from_flags(context, &args.scope, &SERVED)?)
    };
    if selection.as_ref().is_some_and(Selection::is_sweep) {
        forecast_checks.for_sweep()?;
    }
    let (as_of, window) = (context.settings.as_of.value, forecast_checks.window);
    // With --verify, the checks of Azure's figures are made from the same reads; with
    // --spend, one Cost Management query per profile beside them (one at a time: the quota
    // is the tenant's). Without either, nothing more is read.
    let (verify, spend, details) = (args.verify, args.spend, args.details);
    let one_query = tokio::sync::Semaphore::new(1);
    // Read once per billing account however many of its profiles ask.
    let credit_resources = super::credit_resources::CreditResources::default();
    let flag_days = expiring_within.unwrap_or(super::credit_resources::SUSPENSION_WINDOW_DAYS);
    let spent = std::sync::Mutex::new(Vec::<SpentOf>::new());
    let read_one = async |client: &crate::arm::ArmClient, scope: crate::model::domain::ScopeRef| {
        let costs = async {
            if spend {
                month_so_far(client, &scope, as_of, &one_query)
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        };
        // `--details`: a billing profile's payments on account, read at the same time.
        let payments = async {
            if details && scope.kind() == crate::model::scope::ScopeKind::BillingProfile {
                Some(crate::arm::billing::payments_on_account(client, &scope.scope).await)
            } else {
                None
            }
        };
        // And the credit resources of its account, for the suspension flags.
        let resources = async {
            if details && scope.kind() == crate::model::scope::ScopeKind::BillingProfile {
                Some(credit_resources.of_account(client, &scope.scope).await)
            } else {
                None
            }
        };
        let (read, costs, payments, resources) = tokio::join!(
            read_with_events(client, scope.clone(), as_of, window),
            costs,
            payments,
            resources
        );
        let (mut forecast, events) = read?;
        if let Some(payments) = payments {
            super::balance::with_payments(&mut forecast.inputs.balance, payments);
        }
        if let Some(resources) = resources {
            let inputs = &mut forecast.inputs;
            super::credit_resources::with_suspension_flags(
                &mut inputs.balance,
                &inputs.lots,
                &resources,
                as_of,
                flag_days,
            );
        }
        if let Some(costs) = costs? {
            if let Ok(mut all) = spent.lock() {
                all.push(SpentOf {
                    scope: scope.clone(),
                    spend: costs,
                });
            }
        }
        let verified = if verify {
            figures_checked(&scope, &forecast, &events)
        } else {
            Vec::new()
        };
        Ok((forecast, verified))
    };
    let gates = super::prepayment::ForecastGates {
        minimum: forecast_checks.min.as_ref(),
        min_days: forecast_checks.min_days,
        max_unused: forecast_checks.max_unused.as_ref(),
    };
    // One listing serves both.
    let accounts = if args.all_enrollments {
        Some(resolve::listed_accounts(context).await?)
    } else {
        None
    };
    let (resolved, enrollments) = tokio::join!(
        async {
            match &selection {
                Some(selection) => resolve::read(context, selection, read_one).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match accounts {
                Some(accounts) => super::prepayment::forecast_rows(context, accounts, &gates)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        }
    );
    let mut enrollments = enrollments?;
    if only_enrollments {
        if let Some(rows) = &enrollments {
            super::prepayment::nothing_to_check(
                rows,
                &[
                    ("--min", gates.minimum.is_some()),
                    ("--min-days", gates.min_days.is_some()),
                    ("--max-unused", gates.max_unused.is_some()),
                    ("--expiring-within", expiring_within.is_some()),
                ],
            )?;
        }
    }
    // An enrollment-only sign-in with --all: the enrollments answer.
    let resolved = match resolved {
        Err(error)
            if resolve::no_readable_profile(&error)
                && enrollments.as_ref().is_some_and(|rows| !rows.is_empty()) =>
        {
            context.printer.note(&error.message);
            Ok(None)
        }
        other => other,
    };
    // `--expiring-within` judges an enrollment's end: its prepayment ends with it.
    if let (Some(days), Some(rows)) = (expiring_within, enrollments.as_mut()) {
        for row in rows.iter_mut() {
            if let Ok(forecast) = &row.result {
                // An end date that could not be read says why, with the read's exit code.
                let end = match &forecast.end_unread {
                    Some((kind, why)) => Err((*kind, why.as_str())),
                    None => Ok(forecast.enrollment_end_date),
                };
                let outcome = checks::prepayment::enrollment_ends(&row.account, end, as_of, days);
                row.outcomes.push(("--expiring-within", outcome));
            }
        }
    }
    let mut spent = spent.into_inner().unwrap_or_default();
    let (one, rows, verified): (bool, Vec<ProfileRow<ProfileForecast>>, Vec<Verification>) =
        match resolved? {
            None => (false, Vec::new(), Vec::new()),
            Some(Resolved::Many(rows)) => {
                let mut verified = Vec::new();
                let rows = rows
                    .into_iter()
                    .map(|row| ProfileRow {
                        account: row.account,
                        profile: row.profile,
                        result: row.result.map(|(forecast, found)| {
                            verified.extend(found);
                            forecast
                        }),
                    })
                    .collect();
                (false, rows, verified)
            }
            Some(Resolved::One(scope, (result, verified))) => (
                true,
                vec![ProfileRow {
                    account: scope.account(),
                    profile: scope,
                    result: Ok(result),
                }],
                verified,
            ),
        };
    // Every check of every profile, by name. A check that cannot be made for one profile is
    // that profile's result, not the end of the page.
    let check = |result: &ProfileForecast| {
        // Any check on a disabled profile fails, alone, saying why (as in `balance`).
        if expiring_within.is_some() {
            let standing = checks::profile_standing(&result.inputs.balance.standing());
            if standing != checks::Outcome::Passed {
                return vec![("status", standing)];
            }
        }
        let mut outcomes = forecast_checks.check(result);
        if outcomes.iter().any(|(name, _)| *name == "status") {
            return outcomes;
        }
        // The checks of Azure's figures that failed or could not be made join the page's.
        let id = result.billing_profile.id();
        outcomes.extend(
            verified
                .iter()
                .filter(|f| f.scope == id)
                .filter_map(|f| f.outcome().map(|o| (f.check, o))),
        );
        if let Some(days) = expiring_within {
            let outcome = checks::expiring_within(&result.inputs.lots, as_of, days);
            outcomes.push(("--expiring-within", outcome));
        }
        outcomes
    };
    let mut ledger = if one {
        let outcomes = rows[0].result.as_ref().map(&check).unwrap_or_default();
        let scope = &rows[0].profile;
        Ledger::of_one(scope.kind().noun(), scope.label(), outcomes)?
    } else if only_enrollments {
        if let Some(rows) = &enrollments {
            checks::prepayment::fit_enrollments::<(), _>(
                &[gates.minimum, gates.max_unused],
                &[],
                |_| None,
                rows,
            )?;
        }
        Ledger::many("enrollment", enrollments.as_ref().map_or(0, Vec::len))
    } else {
        // Which currencies the amounts must fit, once every profile (and enrollment) is
        // read: one rule over both kinds.
        match &enrollments {
            Some(enrolled) => checks::prepayment::fit_enrollments(
                &[
                    forecast_checks.min.as_ref(),
                    forecast_checks.max_unused.as_ref(),
                ],
                &rows,
                |r| checks::balance_currency(&r.inputs.balance),
                enrolled,
            )?,
            None => forecast_checks.fit_rows(&rows)?,
        }
        Ledger::of_rows("billing profile", &rows, check)
    };
    if let Some(rows) = &enrollments {
        if !only_enrollments {
            ledger.add_subjects(rows.len(), "billing profiles and enrollments");
        }
        super::prepayment::record_forecasts(&mut ledger, rows);
        if rows.is_empty() {
            context
                .printer
                .note("this sign-in sees no Enterprise Agreement enrollment");
        }
    }
    let rows_order: Vec<String> = rows.iter().map(|r| r.profile.id().to_string()).collect();
    let report = Report {
        as_of,
        expiring_soon: rows
            .iter()
            .map(|r| r.result.as_ref().map(expiring_soon).unwrap_or_default())
            .collect(),
        checks: ledger
            .entries()
            .map(|(subject, check, outcome)| {
                CheckResult::of(subject, check.unwrap_or("read"), outcome)
            })
            .collect(),
        profiles: rows,
        enrollments,
        verified: verify.then(|| verified.clone()),
        spent: spend.then(|| {
            // In the order of the rows.
            let order: Vec<String> = rows_order.clone();
            spent.sort_by_key(|s| order.iter().position(|id| id == s.scope.id()));
            std::mem::take(&mut spent)
        }),
    };
    for result in report
        .profiles
        .iter()
        .filter_map(|r| r.result.as_ref().ok())
    {
        super::balance::note_source(context, &result.inputs.balance);
    }
    context.printer.emit(&report)?;
    settle(context, &report.profiles, &ledger)
}

/// The checks of `credits verify` made from a forecast's reads: its balance summary (none
/// when it came from the lots), its lots and the transactions of its window.
fn figures_checked(
    scope: &crate::model::domain::ScopeRef,
    forecast: &ProfileForecast,
    events: &[crate::model::domain::CreditEvent],
) -> Vec<Verification> {
    let balance = &forecast.inputs.balance;
    let summary =
        (balance.balance_source == crate::model::domain::BalanceSource::Summary).then_some(balance);
    let subject = Subject {
        scope: scope.id().to_string(),
        label: scope.label().to_string(),
        tolerance: rust_decimal::Decimal::ZERO,
    };
    let currency = balance
        .credit_currency
        .clone()
        .or_else(|| scope.currency.clone());
    verify::of_reads(
        &subject,
        Ok(summary),
        Ok(&forecast.inputs.lots),
        Ok(events),
        currency.as_deref(),
        forecast.inputs.as_of,
    )
}
