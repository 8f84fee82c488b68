//! `credits lots`: the credit lots of one billing profile, and the `--expiring-within` check.

use crate::arm::consumption::lots;
use crate::checks;
use crate::cli::LotsArgs;
use crate::context::Context;
use crate::error::Result;
use crate::model::domain::sort_lots;
use crate::output::views::LotRow;
use crate::resolve::with_profile;

pub async fn run(context: &Context, args: LotsArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let query = context.settings.profile(args.profile.profile.as_deref())?;
    let within_days = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    let (profile, mut lots) = with_profile(context, &query, async |client, profile| {
        let lots = lots(client, &profile.id).await?;
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
