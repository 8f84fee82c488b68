//! `credits lots`: the credit lots of one billing profile, and the `--expiring-within` check.

use crate::arm::consumption::{eq_filter, lots};
use crate::checks;
use crate::cli::LotsArgs;
use crate::context::Context;
use crate::error::Result;
use crate::model::domain::{sort_lots, CreditLot, ProfileRef};
use crate::output::views::{LotRow, OfProfile};
use crate::resolve::{every_profile, with_profile};

pub async fn run(context: &Context, args: LotsArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let within_days = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    let filter = LotFilter {
        source: args.source.clone(),
        status: args.status.clone(),
    };
    if let Some(account) = &args.scope.account {
        return run_account(context, account, &filter, within_days).await;
    }
    if let Some(customer) = &args.scope.customer {
        let customer = crate::resolve::customer(context, customer).await?;
        let client = context.client().await?;
        let mut lots = lots(client, &customer.id, filter.odata()).await?;
        let as_of = context.settings.as_of.value;
        lots.retain(|lot| filter.keeps(lot, as_of));
        sort_lots(&mut lots);
        // A customer's lots belong to no billing profile of the partner's.
        let none = ProfileRef {
            id: String::new(),
            name: String::new(),
            display_name: None,
            currency: None,
            account_display_name: customer.account_display_name.clone(),
        };
        let shown: Vec<LotRow> = lots
            .iter()
            .map(|lot| LotRow {
                profile: &none,
                account: None,
                lot: lot.on(as_of),
            })
            .collect();
        return emit_and_check(context, &shown, &lots, as_of, within_days);
    }
    if args.scope.all {
        return run_all(context, within_days, &filter).await;
    }
    let query = context
        .settings
        .profile(args.scope.profile.profile.as_deref())?;
    let (profile, mut lots) = with_profile(context, &query, async |client, profile| {
        let lots = lots(client, &profile.id, None).await?;
        Ok((profile, lots))
    })
    .await?;
    let as_of = context.settings.as_of.value;
    lots.retain(|lot| filter.keeps(lot, as_of));
    sort_lots(&mut lots);
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
            account: None,
            lot: lot.on(as_of),
        })
        .collect();
    emit_and_check(context, &shown, &lots, as_of, within_days)
}

/// `--all`: the lots of every readable MCA profile, read concurrently, in listing order. A
/// profile that cannot be read is reported on stderr and decides the exit code (as in
/// `balance --all`); the others still print.
async fn run_all(context: &Context, within_days: Option<i64>, filter: &LotFilter) -> Result<()> {
    let mut rows = every_profile(context, async |client, profile| {
        Ok(lots(client, &profile.id, None).await?)
    })
    .await?;
    let as_of = context.settings.as_of.value;
    for row in &mut rows {
        if let Ok(lots) = &mut row.result {
            lots.retain(|lot| filter.keeps(lot, as_of));
            sort_lots(lots);
        }
    }
    let shown: Vec<LotRow> = rows
        .iter()
        .filter_map(|row| row.result.as_ref().ok().map(|lots| (row, lots)))
        .flat_map(|(row, lots)| {
            lots.iter().map(move |lot| LotRow {
                profile: &row.profile,
                account: None,
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
    let outcomes = super::row_outcomes(context, &rows, |lots| {
        within_days.map(|days| checks::expiring_within(lots, as_of, days))
    });
    checks::verdict(&outcomes).conclude(
        || checks::reasons(&outcomes).join("; "),
        || checks::unread_reasons(&outcomes),
    )
}

/// `--source` and `--status`: the documented `$filter` at account scope, and always applied
/// here too (in case Azure ignores it, and at profile scope where it is not documented).
pub struct LotFilter {
    pub source: Option<String>,
    pub status: Option<String>,
}

impl LotFilter {
    fn odata(&self) -> Option<String> {
        // Only Azure's own statuses go to Azure; the derived ones (Expiring, Used) are known
        // here only.
        const AZURE_STATUSES: [&str; 5] = ["Active", "Inactive", "Expired", "Complete", "Canceled"];
        let status = self
            .status
            .clone()
            .filter(|s| AZURE_STATUSES.iter().any(|a| a.eq_ignore_ascii_case(s)));
        eq_filter(&[
            ("source", self.source.as_deref()),
            ("status", status.as_deref()),
        ])
    }

    fn keeps(&self, lot: &CreditLot, as_of: chrono::NaiveDate) -> bool {
        let source_ok = self.source.as_ref().is_none_or(|wanted| {
            lot.source
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(wanted))
        });
        let status_ok = self
            .status
            .as_ref()
            .is_none_or(|wanted| lot.status(as_of).label().eq_ignore_ascii_case(wanted));
        source_ok && status_ok
    }
}

/// `--account`: the lots of a billing account (`{account}/providers/Microsoft.Consumption/lots`).
async fn run_account(
    context: &Context,
    query: &str,
    filter: &LotFilter,
    within_days: Option<i64>,
) -> Result<()> {
    let account = crate::resolve::account(context, query).await?;
    let client = context.client().await?;
    let mut lots = lots(client, &account.id, filter.odata()).await?;
    let as_of = context.settings.as_of.value;
    lots.retain(|lot| filter.keeps(lot, as_of));
    sort_lots(&mut lots);
    if lots.is_empty() {
        context.printer.note(&format!(
            "billing account {} has no credit lots{}",
            account.display_name.as_deref().unwrap_or(&account.name),
            if filter.odata().is_some() {
                " that match"
            } else {
                ""
            }
        ));
    }
    // The profile a lot's id names; a lot of the account itself has none.
    let profiles: Vec<ProfileRef> = lots
        .iter()
        .map(|lot| {
            let id = lot.id.as_deref().unwrap_or_default();
            let lower = id.to_ascii_lowercase();
            match lower.find("/billingprofiles/") {
                Some(at) => {
                    let rest = &id[at + "/billingProfiles/".len()..];
                    let name = rest.split('/').next().unwrap_or_default();
                    let profile_id = &id[..at + "/billingProfiles/".len() + name.len()];
                    ProfileRef {
                        id: profile_id.to_string(),
                        name: name.to_string(),
                        display_name: None,
                        currency: None,
                        account_display_name: account.display_name.clone(),
                    }
                }
                None => ProfileRef {
                    id: String::new(),
                    name: String::new(),
                    display_name: None,
                    currency: None,
                    account_display_name: account.display_name.clone(),
                },
            }
        })
        .collect();
    let shown: Vec<LotRow> = lots
        .iter()
        .zip(&profiles)
        .map(|(lot, profile)| LotRow {
            profile,
            account: Some(&account),
            lot: lot.on(as_of),
        })
        .collect();
    emit_and_check(context, &shown, &lots, as_of, within_days)
}

/// The lots of one scope written, then `--expiring-within` over them.
fn emit_and_check(
    context: &Context,
    shown: &[LotRow],
    lots: &[CreditLot],
    as_of: chrono::NaiveDate,
    within_days: Option<i64>,
) -> Result<()> {
    context.printer.emit_list(shown)?;
    let outcomes: Vec<_> = within_days
        .map(|days| checks::expiring_within(lots, as_of, days))
        .into_iter()
        .collect();
    checks::verdict(&outcomes).conclude(
        || checks::reasons(&outcomes).join("; "),
        || "the lots could not be read".into(),
    )
}
