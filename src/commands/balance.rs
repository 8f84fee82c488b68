//! `credits balance`: the balance summary of one billing profile (or of every profile with
//! `--all`), and the `--min` check.

use crate::arm::consumption::balance_summary;
use crate::checks::{self, Outcome, Thresholds};
use crate::cli::BalanceArgs;
use crate::context::Context;
use crate::error::Result;
use crate::model::domain::BalanceSummary;
use crate::model::row::ProfileRow;
use crate::output::views::CustomerBalance;
use crate::resolve::{every_profile, with_profile};
use std::collections::BTreeSet;

pub async fn run(context: &Context, args: BalanceArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let minimum = Thresholds::parse("--min", &args.min)?;
    if args.all {
        return run_all(context, minimum).await;
    }
    let (summary, of_customer) = match &args.customer {
        Some(customer) => {
            let customer = crate::resolve::customer(context, customer).await?;
            let client = context.client().await?;
            let summary = crate::arm::consumption::balance_summary_at(
                client,
                customer,
                crate::arm::consumption::CUSTOMER_API_VERSION,
            )
            .await?;
            (summary, true)
        }
        None => {
            let query = context.settings.profile(args.profile.profile.as_deref())?;
            let summary = with_profile(context, &query, async |client, profile| {
                Ok(balance_summary(client, profile).await?)
            })
            .await?;
            (summary, false)
        }
    };
    if !summary.has_credits {
        context.printer.note(&format!(
            "billing profile {} has no credits (Azure answered 204 No Content)",
            summary.billing_profile.label()
        ));
    }
    if of_customer {
        context.printer.emit(&CustomerBalance(&summary))?;
    } else {
        context.printer.emit(&summary)?;
    }
    let outcomes = match &minimum {
        Some(minimum) => checks::for_one_profile(vec![checks::min_balance(&summary, minimum)?])?,
        None => Vec::new(),
    };
    checks::verdict(&outcomes).conclude(
        || checks::reasons(&outcomes).join("; "),
        || "the balance could not be read".into(),
    )
}

/// `--all`: every readable MCA profile, read concurrently. A profile that fails is a row
/// that says so; the others still print, and the exit code reports the failure.
async fn run_all(context: &Context, minimum: Option<Thresholds>) -> Result<()> {
    let rows: Vec<ProfileRow<BalanceSummary>> = every_profile(context, async |client, profile| {
        Ok(balance_summary(client, profile).await?)
    })
    .await?;
    context.printer.emit_list(&rows)?;

    // A read failure makes the run "could not check" whatever the others hold, so the
    // minimum is only compared when every profile was read.
    let every_row_read = rows.iter().all(|r| r.error().is_none());
    if let (Some(minimum), true) = (&minimum, every_row_read) {
        let currencies: BTreeSet<String> = rows
            .iter()
            .filter_map(|r| r.result.as_ref().ok())
            .filter_map(checks::balance_currency)
            .collect();
        minimum.fit(&currencies)?;
    }
    let mut outcomes = Vec::with_capacity(rows.len());
    let mut below = Vec::new();
    for row in &rows {
        let outcome = match (&row.result, &minimum) {
            (Err(error), _) => {
                if let Some(failure) = row.failure() {
                    context.printer.error(&failure);
                }
                Outcome::Unread(error.kind, error.message.clone())
            }
            (Ok(summary), Some(minimum)) if every_row_read => {
                checks::min_balance(summary, minimum)?
            }
            (Ok(_), _) => Outcome::Passed,
        };
        match &outcome {
            Outcome::Failed(why) => below.push(format!("{}: {why}", row.profile.label())),
            Outcome::NotChecked(_) => context.printer.note(&format!(
                "billing profile {} is not checked: no {} amount is given in its currency",
                row.profile.label(),
                minimum.as_ref().map_or("--min", Thresholds::flag)
            )),
            _ => {}
        }
        outcomes.push(outcome);
    }
    checks::verdict(&outcomes).conclude(
        || {
            format!(
                "{} of {} billing profiles are below the minimum: {}",
                below.len(),
                rows.len(),
                below.join("; ")
            )
        },
        || {
            let unread = rows.iter().filter(|r| r.error().is_some()).count();
            format!(
                "{unread} of {} billing profiles could not be read (see above)",
                rows.len()
            )
        },
    )
}
