//! `credits balance`: the balance summary of one billing profile (or of every profile with
//! `--all`), and the `--min` check.

use super::profile::{
    forget_cached_accounts, fresh_accounts, known_accounts, profile_query, profile_ref,
    with_profile,
};
use super::Context;
use crate::arm::consumption::balance_summary;
use crate::cli::{BalanceArgs, OutputFormat};
use crate::error::{Error, ErrorKind, Result};
use crate::model::domain::{AccountRef, BalanceSummary};
use crate::model::money::{group_thousands, parse_user_amount};
use crate::output::{json, table};
use futures::stream::{self, StreamExt};
use rust_decimal::Decimal;

/// `--min`: the amount and its optional currency suffix.
struct MinimumBalance {
    amount: Decimal,
    currency: Option<String>,
}

fn parse_minimum(args: &BalanceArgs) -> Result<Option<MinimumBalance>> {
    args.min
        .as_deref()
        .map(|text| {
            let (amount, currency) =
                parse_user_amount(text).map_err(|e| Error::usage(format!("--min {e}")))?;
            Ok(MinimumBalance { amount, currency })
        })
        .transpose()
}

pub async fn run(context: &Context, args: BalanceArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let minimum = parse_minimum(&args)?;
    if args.all {
        return run_all(context, minimum).await;
    }
    let query = profile_query(&args.profile)?;
    let summary = with_profile(context, &query, async |profile| {
        balance_summary(&context.client, profile).await
    })
    .await?;
    if !summary.has_credits {
        eprintln!(
            "note: billing profile {} has no credits (Azure answered 204 No Content)",
            profile_label(&summary)
        );
    }
    let text = match context.format {
        OutputFormat::Json => json::to_json(&summary)?,
        OutputFormat::Table => table::balance(&summary, context.printer.is_terminal),
    };
    context.printer.print(&text)?;
    match minimum {
        Some(minimum) => match shortfall(&summary, &minimum)? {
            Some(why) => Err(Error::check_failed(format!("check failed: {why}"))),
            None => Ok(()),
        },
        None => Ok(()),
    }
}

fn profile_label(summary: &BalanceSummary) -> &str {
    summary
        .billing_profile
        .display_name
        .as_deref()
        .unwrap_or(&summary.billing_profile.id)
}

/// `--all`: every readable MCA profile, fetched concurrently. A profile that fails is a row
/// that says so; the others still print, and the exit code reports the failure.
async fn run_all(context: &Context, minimum: Option<MinimumBalance>) -> Result<()> {
    let (accounts, from_cache) = known_accounts(context).await?;
    let mut rows = all_balances(context, &accounts).await?;
    // A cached profile that answers 404 may have moved: list afresh and read again, once.
    if from_cache
        && rows.iter().any(|r| {
            r.error
                .as_ref()
                .is_some_and(|e| e.kind == ErrorKind::NotFound)
        })
    {
        forget_cached_accounts(context).await?;
        rows = all_balances(context, &fresh_accounts(context).await?).await?;
    }
    print_and_check_all(context, &rows, minimum)
}

async fn all_balances(
    context: &Context,
    accounts: &[crate::model::domain::BillingAccount],
) -> Result<Vec<BalanceSummary>> {
    let targets: Vec<(AccountRef, _)> = accounts
        .iter()
        .filter(|a| a.has_credits)
        .flat_map(|account| {
            let owner = AccountRef {
                id: account.id.clone(),
                name: account.name.clone(),
                display_name: account.display_name.clone(),
            };
            account
                .billing_profiles
                .iter()
                .filter(|p| p.has_read_access)
                .map(move |p| (owner.clone(), profile_ref(p)))
        })
        .collect();
    if targets.is_empty() {
        return Err(Error::not_found(
            "this sign-in can read no Microsoft Customer Agreement billing profile; it needs a billing role on the billing account or profile (subscription roles do not apply)",
        ));
    }
    let client = &context.client;
    let rows: Vec<BalanceSummary> =
        stream::iter(targets.into_iter().map(|(owner, profile)| async move {
            let mut row = match balance_summary(client, profile.clone()).await {
                Ok(summary) => summary,
                Err(error) => BalanceSummary::failed(profile, error),
            };
            row.billing_account = Some(owner);
            row
        }))
        .buffered(context.concurrency)
        .collect()
        .await;
    Ok(rows)
}

fn print_and_check_all(
    context: &Context,
    rows: &[BalanceSummary],
    minimum: Option<MinimumBalance>,
) -> Result<()> {
    let text = match context.format {
        OutputFormat::Json => json::to_json(rows)?,
        OutputFormat::Table => table::balances(rows, context.printer.is_terminal),
    };
    context.printer.print(&text)?;

    let failures: Vec<&BalanceSummary> = rows.iter().filter(|r| r.error.is_some()).collect();
    if let Some(first) = failures.first() {
        for row in &failures {
            if let Some(error) = &row.error {
                eprintln!(
                    "error: billing profile {}: {}",
                    profile_label(row),
                    error.message
                );
            }
        }
        let kind = first
            .error
            .as_ref()
            .map_or(ErrorKind::Unavailable, |e| e.kind);
        return Err(Error::new(
            kind,
            format!(
                "{} of {} billing profiles could not be read (see above)",
                failures.len(),
                rows.len()
            ),
        ));
    }
    let Some(minimum) = minimum else {
        return Ok(());
    };
    let mut below = Vec::new();
    for row in rows {
        if let Some(why) = shortfall(row, &minimum)? {
            below.push(format!("{}: {why}", profile_label(row)));
        }
    }
    if below.is_empty() {
        return Ok(());
    }
    Err(Error::check_failed(format!(
        "check failed: {} of {} billing profiles are below the minimum: {}",
        below.len(),
        rows.len(),
        below.join("; ")
    )))
}

/// Why the estimated balance fails `--min`, or `None` when it passes. Never compares
/// across currencies (a usage error), and a balance Azure did not state fails the check
/// rather than passing it.
fn shortfall(summary: &BalanceSummary, minimum: &MinimumBalance) -> Result<Option<String>> {
    let estimated = summary.estimated_balance.as_ref();
    let currency = estimated
        .and_then(|m| m.currency.clone())
        .or_else(|| summary.billing_profile.currency.clone());
    if let (Some(wanted), Some(actual)) = (&minimum.currency, &currency) {
        if !wanted.eq_ignore_ascii_case(actual) {
            return Err(Error::usage(format!(
                "--min is in {wanted} but the balance of {} is in {actual}; give the amount in {actual} (for example --min {}{actual})",
                profile_label(summary),
                minimum.amount
            )));
        }
    }
    let unit = currency.map(|c| format!(" {c}")).unwrap_or_default();
    let Some(value) = estimated.and_then(|m| m.value) else {
        return Ok(Some(format!(
            "Azure reported no estimated balance, so it cannot be shown to be at least {}{unit}",
            group_thousands(&minimum.amount)
        )));
    };
    if value < minimum.amount {
        return Ok(Some(format!(
            "estimated balance {}{unit} is below the minimum {}{unit} by {}{unit}",
            group_thousands(&value),
            group_thousands(&minimum.amount),
            group_thousands(&(minimum.amount - value))
        )));
    }
    Ok(None)
}
