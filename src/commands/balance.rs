//! `credits balance`: the balance summary of one billing profile, and the `--min` check.

use super::profile::{profile_query, resolve_profile};
use super::Context;
use crate::arm::consumption::balance_summary;
use crate::cli::{BalanceArgs, OutputFormat};
use crate::error::{Error, Result};
use crate::model::domain::BalanceSummary;
use crate::model::money::{group_thousands, parse_user_amount};
use crate::output::{json, table};
use rust_decimal::Decimal;

/// `--min`: the amount and its optional currency suffix.
struct MinimumBalance {
    amount: Decimal,
    currency: Option<String>,
}

pub async fn run(context: &Context, args: BalanceArgs) -> Result<()> {
    let query = profile_query(&args.profile)?;
    // Bad input fails before any request is made.
    let minimum = match &args.min {
        Some(text) => {
            let (amount, currency) =
                parse_user_amount(text).map_err(|e| Error::usage(format!("--min {e}")))?;
            Some(MinimumBalance { amount, currency })
        }
        None => None,
    };
    let profile = resolve_profile(context, &query).await?;
    let summary = balance_summary(&context.client, profile).await?;
    if !summary.has_credits {
        eprintln!(
            "note: billing profile {} has no credits (Azure answered 204 No Content)",
            summary
                .billing_profile
                .display_name
                .as_deref()
                .unwrap_or(&summary.billing_profile.id)
        );
    }
    let text = match context.format {
        OutputFormat::Json => json::to_json(&summary)?,
        OutputFormat::Table => table::balance(&summary, context.printer.is_terminal),
    };
    context.printer.print(&text)?;
    match minimum {
        Some(minimum) => check_minimum(&summary, &minimum),
        None => Ok(()),
    }
}

/// Exit 1 when the estimated balance is below the minimum. Never compares across
/// currencies, and a balance Azure did not state fails the check rather than passing it.
fn check_minimum(summary: &BalanceSummary, minimum: &MinimumBalance) -> Result<()> {
    let estimated = summary.estimated_balance.as_ref();
    let currency = estimated
        .and_then(|m| m.currency.clone())
        .or_else(|| summary.billing_profile.currency.clone());
    if let (Some(wanted), Some(actual)) = (&minimum.currency, &currency) {
        if !wanted.eq_ignore_ascii_case(actual) {
            return Err(Error::usage(format!(
                "--min is in {wanted} but the balance is in {actual}; give the amount in {actual} (for example --min {}{actual})",
                minimum.amount
            )));
        }
    }
    let unit = currency.map(|c| format!(" {c}")).unwrap_or_default();
    let Some(value) = estimated.and_then(|m| m.value) else {
        return Err(Error::check_failed(format!(
            "check failed: Azure reported no estimated balance, so it cannot be shown to be at least {}{unit}",
            group_thousands(&minimum.amount)
        )));
    };
    if value < minimum.amount {
        return Err(Error::check_failed(format!(
            "check failed: estimated balance {}{unit} is below the minimum {}{unit} by {}{unit}",
            group_thousands(&value),
            group_thousands(&minimum.amount),
            group_thousands(&(minimum.amount - value))
        )));
    }
    Ok(())
}
