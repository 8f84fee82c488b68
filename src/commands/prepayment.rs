//! `credits balance --account ENROLLMENT`: an Enterprise Agreement enrollment's Azure
//! Prepayment (formerly monetary commitment), the current period, one (`--period`) or the
//! newest N (`--periods`), read at once; `--min` judges the newest period's ending balance,
//! `--expiring-within` the enrollment's end date.

use super::settle;
use crate::arm::billing::enrollment_end;
use crate::arm::client::conversion_error;
use crate::arm::consumption::ea_balance;
use crate::arm::error::ArmError;
use crate::checks::{self, prepayment, Ledger, Thresholds};
use crate::cli::BalanceArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::model::ea::{EaPrepayment, Period};
use crate::resolve;
use futures::StreamExt;

/// The most periods `--periods` reads: ten years.
const MAX_PERIODS: usize = 120;

/// The agreement whose accounts have an Azure Prepayment.
const EA_AGREEMENT: &str = "EnterpriseAgreement";

pub(crate) async fn run(context: &Context, args: &BalanceArgs, query: &str) -> Result<()> {
    // Bad input fails before any request.
    let minimum = Thresholds::parse("--min", &args.min)?;
    let within_days = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    let as_of = context.settings.as_of.value;
    let current = Period::of(as_of);
    let periods = asked_periods(args, current)?;
    let (scope, account) = resolve::account_listed(context, query).await?;
    let is_ea = account
        .agreement_type
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case(EA_AGREEMENT));
    if !is_ea {
        let agreement = account
            .agreement_type
            .as_deref()
            .unwrap_or("unknown agreement");
        return Err(Error::usage(format!(
            "credits balance --account reads the Azure Prepayment of an Enterprise Agreement enrollment, and billing account {} is a {agreement} account: Azure keeps no credit balance summary for it (its lots and transactions are read with credits lots and credits events; its profiles' balances with --profile or --all)",
            scope.label()
        )));
    }
    let client = context.client().await?;
    let enrollment = account.name.clone();
    let reads = periods.iter().map(|period| {
        let scope = &scope.scope;
        async move {
            // The current period has its own path; earlier ones are named.
            let named = (*period != current).then_some(*period);
            (*period, ea_balance(client, scope, named).await)
        }
    });
    let balances = futures::stream::iter(reads)
        .buffered(client.concurrency().clamp(1, 8))
        .collect::<Vec<_>>();
    let end = async {
        match within_days {
            Some(_) => Some(enrollment_end(client, &scope.scope).await),
            None => None,
        }
    };
    let (balances, end) = tokio::join!(balances, end);
    let mut records = Vec::with_capacity(balances.len());
    let mut missing = Vec::new();
    for (period, read) in balances {
        match read {
            Ok(Some(raw)) => records.push(
                EaPrepayment::from_wire(&enrollment, account.display_name.clone(), period, raw)
                    .map_err(|e| Error::from(conversion_error("Azure Prepayment", e)))?,
            ),
            Ok(None) => missing.push(period),
            // A period before the enrollment began has no balance; said, never dropped.
            Err(error) if error.status() == Some(404) && periods.len() > 1 => missing.push(period),
            Err(error) => return Err(forbidden_named(error)),
        }
    }
    let end = end.transpose().map_err(forbidden_named)?;
    let mut outcomes = Vec::new();
    if let Some(minimum) = &minimum {
        let outcome = match records.first() {
            Some(newest) => prepayment::min_prepayment(newest, minimum),
            None => checks::Outcome::Unread(
                crate::error::ErrorKind::NotFound,
                format!(
                    "enrollment {enrollment} has no Azure Prepayment balance to compare with --min"
                ),
            ),
        };
        outcomes.push(("--min", outcome));
    }
    if let (Some(days), Some(end)) = (within_days, end) {
        outcomes.push((
            "--expiring-within",
            prepayment::enrollment_ends(&enrollment, end, as_of, days),
        ));
    }
    // A check that cannot be judged is refused before the first byte of output.
    let ledger = Ledger::of_one("enrollment", scope.label(), outcomes)?;
    if !missing.is_empty() {
        let named: Vec<String> = missing.iter().map(|p| p.code()).collect();
        context.printer.note(&format!(
            "enrollment {enrollment} has no Azure Prepayment balance for {} (Azure answered none)",
            named.join(", ")
        ));
    }
    match (args.periods.is_some(), records.first()) {
        (false, Some(record)) => context.printer.emit(record)?,
        (false, None) => {
            return Err(Error::new(
                crate::error::ErrorKind::NotFound,
                format!(
                    "enrollment {enrollment} has no Azure Prepayment balance for {}",
                    periods.first().map(|p| p.code()).unwrap_or_default()
                ),
            ))
        }
        (true, _) => {
            context.printer.emit_list(&records)?;
        }
    }
    settle::<()>(context, &[], &ledger)
}

/// The periods asked for, newest first: the current one, `--period`, or the `--periods`
/// newest ending with the current one.
fn asked_periods(args: &BalanceArgs, current: Period) -> Result<Vec<Period>> {
    if let Some(text) = &args.period {
        return Ok(vec![Period::parse(text).map_err(Error::usage)?]);
    }
    let Some(text) = &args.periods else {
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
