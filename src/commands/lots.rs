//! `credits lots`: the credit lots of a billing profile, a billing account or a customer (or
//! of every profile with `--all`), and the `--expiring-within` check.

use super::settle;
use crate::arm::consumption::{lots, LotQuery};
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
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    let query = super::asked(&[
        ("--source", args.source.clone()),
        ("--status", args.status.clone()),
        ("--expiring-within", within_days.map(|d| d.to_string())),
    ]);
    let resume = super::resume_of("lots", &query, &args.sweep, &selection)?;
    let as_of = context.settings.as_of.value;
    let asked = LotQuery {
        source: args.source.clone(),
        status: args.status.clone(),
        as_of,
    };
    let read = async |client: &crate::arm::client::ArmClient, scope: ScopeRef| {
        let mut lots = lots(client, &scope.scope, &asked).await?;
        sort_lots(&mut lots);
        Ok(lots)
    };
    let check = |lots: &Vec<CreditLot>| match within_days {
        Some(days) => vec![(
            "--expiring-within",
            checks::expiring_within(lots, as_of, days),
        )],
        None => Vec::new(),
    };
    if selection.is_sweep() {
        // Each customer's lots, written customer by customer in order as soon as the
        // customers before are written.
        let sink = context.printer.rows_of::<OfProfile<LotRow>>();
        return super::sweep_with(
            context,
            &selection,
            resume,
            read,
            check,
            sink,
            |row, sink| {
                // Nothing to write (not even a csv header) for a customer without lots.
                let Some(lots) = row.result.as_ref().ok().filter(|lots| !lots.is_empty()) else {
                    return Ok(crate::output::Flow::Continue(()));
                };
                let shown: Vec<LotRow> = lots
                    .iter()
                    .map(|lot| LotRow {
                        profile: Some(&row.profile),
                        account: None,
                        lot: lot.on(as_of),
                    })
                    .collect();
                let listed: Vec<OfProfile<LotRow>> = shown
                    .iter()
                    .map(|record| OfProfile {
                        profile: &row.profile,
                        record,
                    })
                    .collect();
                sink.push(&listed)
            },
        )
        .await;
    }
    let resolved = resolve::read(context, &selection, read).await?;
    super::note_ea_prepayment(context, &selection).await;
    match resolved {
        Resolved::One(scope, lots) => {
            if lots.is_empty() {
                let that_match = if asked.filters() { " that match" } else { "" };
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
                        standing: None,
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
            super::note_excluded(context, &rows);
            if shown.is_empty() && rows.iter().all(|r| r.error().is_none() || r.excluded()) {
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
