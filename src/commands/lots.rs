//! `credits lots`: the credit lots of a billing profile, a billing account or a customer (or
//! of every profile with `--all`), and the `--expiring-within` check.

use super::settle;
use crate::arm::consumption::{eq_filter, lots};
use crate::checks::{self, Ledger};
use crate::cli::LotsArgs;
use crate::context::Context;
use crate::error::Result;
use crate::model::domain::{sort_lots, CreditLot, ScopeRef};
use crate::model::scope::ScopeKind;
use crate::output::views::{LotRow, OfProfile};
use crate::resolve::{self, Resolved, Selection, Served};

const SERVED: Served = Served {
    command: "credits lots",
    kinds: &[
        ScopeKind::BillingProfile,
        ScopeKind::BillingAccount,
        ScopeKind::Customer,
    ],
    why_not: "",
};

pub(crate) async fn run(context: &Context, args: LotsArgs) -> Result<()> {
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
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    let as_of = context.settings.as_of.value;
    let resolved = resolve::read(context, &selection, async |client, scope| {
        let mut lots = lots(client, &scope.scope, filter.odata()).await?;
        lots.retain(|lot| filter.keeps(lot, as_of));
        sort_lots(&mut lots);
        Ok(lots)
    })
    .await?;
    let check = |lots: &Vec<CreditLot>| match within_days {
        Some(days) => vec![(
            "--expiring-within",
            checks::expiring_within(lots, as_of, days),
        )],
        None => Vec::new(),
    };
    match resolved {
        Resolved::One(scope, lots) => {
            if lots.is_empty() {
                let that_match = if filter.odata().is_some() {
                    " that match"
                } else {
                    ""
                };
                context.printer.note(&format!(
                    "{} {} has no credit lots{that_match}",
                    scope.kind().noun(),
                    scope.label()
                ));
            }
            // At account scope each lot names its profile (or none: the account's own).
            let account = (scope.kind() == ScopeKind::BillingAccount).then(|| scope.account());
            let profiles: Vec<Option<ScopeRef>> = lots
                .iter()
                .map(|lot| match scope.kind() {
                    ScopeKind::BillingProfile => Some(scope.clone()),
                    ScopeKind::BillingAccount => lot.profile_scope().map(|profile| ScopeRef {
                        account_display_name: scope.display_name.clone(),
                        ..ScopeRef::bare(profile)
                    }),
                    _ => None,
                })
                .collect();
            let shown: Vec<LotRow> = lots
                .iter()
                .zip(&profiles)
                .map(|(lot, profile)| LotRow {
                    profile: profile.as_ref(),
                    account: account.as_ref(),
                    lot: lot.on(as_of),
                })
                .collect();
            context.printer.emit_list(&shown)?;
            let mut ledger = Ledger::one(scope.kind().noun());
            ledger.record_all(scope.label(), check(&lots));
            settle::<()>(context, &[], &ledger)
        }
        Resolved::Many(rows) => {
            let shown: Vec<(&ScopeRef, LotRow)> = rows
                .iter()
                .filter_map(|row| row.result.as_ref().ok().map(|lots| (&row.profile, lots)))
                .flat_map(|(profile, lots)| {
                    lots.iter().map(move |lot| {
                        let row = LotRow {
                            profile: Some(profile),
                            account: None,
                            lot: lot.on(as_of),
                        };
                        (profile, row)
                    })
                })
                .collect();
            if shown.is_empty() && rows.iter().all(|r| r.error().is_none()) {
                context.printer.note("no billing profile has credit lots");
            }
            let listed: Vec<OfProfile<LotRow>> = shown
                .iter()
                .map(|(profile, record)| OfProfile { profile, record })
                .collect();
            let ledger = Ledger::of_rows("billing profile", &rows, check);
            context.printer.emit_list(&listed)?;
            settle(context, &rows, &ledger)
        }
    }
}

/// `--source` and `--status`: the documented `$filter` where Azure documents one (the
/// Consumption client knows where), and always applied here too (in case Azure ignores it).
struct LotFilter {
    source: Option<String>,
    status: Option<String>,
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
