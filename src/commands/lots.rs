//! `credits lots`: the credit lots of one billing profile, and the `--expiring-within` check.

use crate::arm::consumption::lots;
use crate::checks::{self, Outcome};
use crate::cli::LotsArgs;
use crate::context::Context;
use crate::error::Result;
use crate::model::domain::sort_lots;
use crate::model::row::ProfileRow;
use crate::output::views::{LotRow, OfProfile};
use crate::resolve::{every_profile, with_profile};

pub async fn run(context: &Context, args: LotsArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let within_days = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    if args.all {
        return run_all(context, within_days).await;
    }
    let query = context.settings.profile(args.profile.profile.as_deref())?;
    let (profile, mut lots) = with_profile(context, &query, async |client, profile| {
        let lots = lots(client, &profile.id, None).await?;
        Ok((profile, lots))
    })
    .await?;
    sort_lots(&mut lots);
    let as_of = context.settings.as_of.value;
    if lots.is_empty() {
        context.printer.note(&format!(
            "billing profile {:?} has no credit lots",
            query.value
        ));
    }
    let shown: Vec<_> = lots
        .iter()
        .map(|lot| LotRow {
            profile: &profile,
            lot: lot.on(as_of),
        })
        .collect();
    context.printer.emit_list(&shown)?;
    let outcomes: Vec<_> = within_days
        .map(|days| checks::expiring_within(&lots, as_of, days))
        .into_iter()
        .collect();
    checks::verdict(&outcomes).conclude(
        || checks::reasons(&outcomes).join("; "),
        || "the lots could not be read".into(),
    )
}

/// `--all`: the lots of every readable MCA profile, read concurrently, in listing order. A
/// profile that cannot be read is reported on stderr and decides the exit code (as in
/// `balance --all`); the others still print.
async fn run_all(context: &Context, within_days: Option<i64>) -> Result<()> {
    let mut rows = every_profile(context, async |client, profile| {
        Ok(lots(client, &profile.id, None).await?)
    })
    .await?;
    for row in &mut rows {
        if let Ok(lots) = &mut row.result {
            sort_lots(lots);
        }
    }
    let as_of = context.settings.as_of.value;
    let shown: Vec<LotRow> = rows
        .iter()
        .filter_map(|row| row.result.as_ref().ok().map(|lots| (row, lots)))
        .flat_map(|(row, lots)| {
            lots.iter().map(move |lot| LotRow {
                profile: &row.profile,
                lot: lot.on(as_of),
            })
        })
        .collect();
    if shown.is_empty() && rows.iter().all(|r| r.error().is_none()) {
        context.printer.note("no billing profile has credit lots");
    }
    let listed: Vec<OfProfile<LotRow>> = shown
        .iter()
        .map(|row| OfProfile {
            profile: row.profile,
            record: row,
        })
        .collect();
    context.printer.emit_list(&listed)?;
    let outcomes = profile_outcomes(context, &rows, |lots| {
        within_days.map(|days| checks::expiring_within(lots, as_of, days))
    });
    checks::verdict(&outcomes).conclude(
        || checks::reasons(&outcomes).join("; "),
        || checks::unread_reasons(&outcomes),
    )
}

/// Per profile: its failure (printed, and an `Unread` outcome) or its check, named after it.
pub fn profile_outcomes<T>(
    context: &Context,
    rows: &[ProfileRow<T>],
    check: impl Fn(&T) -> Option<Outcome>,
) -> Vec<Outcome> {
    rows.iter()
        .filter_map(|row| match &row.result {
            Err(error) => {
                if let Some(failure) = row.failure() {
                    context.printer.error(&failure);
                }
                Some(Outcome::Unread(error.kind, error.message.clone()))
            }
            Ok(value) => check(value).map(|outcome| match outcome {
                Outcome::Failed(why) => Outcome::Failed(format!("{}: {why}", row.profile.label())),
                other => other,
            }),
        })
        .collect()
}
