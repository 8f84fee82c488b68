//! `credits lots`: the credit lots of a billing profile, a billing account or a customer (or
//! of every profile with `--all`), and the `--expiring-within` check.

use super::credit_resources::{
    self, CreditResources, ResourcesRead, NOT_VISIBLE, SUSPENSION_WINDOW_DAYS,
};
use super::settle;
use crate::arm::consumption::{lots, LotQuery};
use crate::checks::{self, Ledger, Outcome};
use crate::cli::LotsArgs;
use crate::context::Context;
use crate::error::Result;
use crate::model::credit_resource::{join, suspends_within, JoinLot};
use crate::model::domain::{sort_lots, CreditLot, ScopeRef};
use crate::model::scope::ScopeKind;
use crate::output::views::{LotResourcesPage, LotRow, OfProfile, ResourcedLot, UnmatchedResource};
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
    let as_of = context.settings.as_of.value;
    let asked = LotQuery {
        source: args.source.clone(),
        status: args.status.clone(),
        as_of,
    };
    if args.resources {
        if selection.is_sweep() || args.sweep.resume.is_some() {
            return Err(crate::error::Error::usage(
                "--resources reads the credit resources of billing profiles and accounts, not of a sweep of customers: give --profile, --all, --account or --customer",
            ));
        }
        return with_resources(context, &selection, &asked, within_days).await;
    }
    let resume = super::resume_of("lots", &query, &args.sweep, &selection)?;
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
            let profiles: Vec<Option<ScopeRef>> =
                lots.iter().map(|lot| lot_profile(&scope, lot)).collect();
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

/// One scope read with its credit resources: its lots, the profile of each, and the
/// resources of its billing account.
struct ReadWithResources {
    scope: ScopeRef,
    lots: Vec<CreditLot>,
    profiles: Vec<Option<ScopeRef>>,
    resources: ResourcesRead,
}

/// `credits lots --resources`: the lots, each with its credit resource, and the resources
/// of the scope that match no lot. The resources of each billing account are read once,
/// beside the first lots of it.
async fn with_resources(
    context: &Context,
    selection: &Selection,
    asked: &LotQuery,
    within_days: Option<i64>,
) -> Result<()> {
    let as_of = asked.as_of;
    let window = within_days.unwrap_or(SUSPENSION_WINDOW_DAYS);
    let reader = CreditResources::default();
    // Every lot is read for the join (a resource whose lot a filter leaves out is not
    // "unmatched", and one matching two lots joins neither, filtered or not); the filters
    // apply to the rows shown.
    let every_lot = LotQuery::all(as_of);
    let read = async |client: &crate::arm::client::ArmClient, scope: ScopeRef| {
        let (read_lots, resources) = tokio::join!(
            lots(client, &scope.scope, &every_lot),
            reader.of_account(client, &scope.scope)
        );
        let mut read_lots = read_lots?;
        sort_lots(&mut read_lots);
        Ok((read_lots, resources))
    };
    // The checks: --expiring-within as without --resources, and a failure to read the
    // resources (other than a 403, which is said) as "could not check".
    let check = |(lots, resources): &(Vec<CreditLot>, ResourcesRead)| {
        let mut outcomes = Vec::new();
        if let Some(days) = within_days {
            let shown: Vec<CreditLot> = lots.iter().filter(|l| asked.keeps(l)).cloned().collect();
            outcomes.push((
                "--expiring-within",
                checks::expiring_within(&shown, as_of, days),
            ));
        }
        if let Err(unread) = resources {
            // Anything but a 403 (said in its sentence) is "could not check".
            if !unread.forbidden {
                outcomes.push((
                    "--resources",
                    Outcome::Unread(
                        crate::error::ErrorKind::Unavailable,
                        format!("the credit resources could not be read: {}", unread.why),
                    ),
                ));
            }
        }
        outcomes
    };
    let resolved = resolve::read(context, selection, read).await?;
    super::note_ea_prepayment(context, selection).await;
    let (parts, ledger, rows) = match resolved {
        Resolved::One(scope, value) => {
            let mut ledger = Ledger::one(scope.kind().noun());
            ledger.record_all(scope.label(), check(&value));
            let (lots, resources) = value;
            let profiles = lots.iter().map(|lot| lot_profile(&scope, lot)).collect();
            let part = ReadWithResources {
                scope,
                lots,
                profiles,
                resources,
            };
            (vec![part], ledger, Vec::new())
        }
        Resolved::Many(rows) => {
            let ledger = Ledger::of_rows("billing profile", &rows, check);
            super::note_excluded(context, &rows);
            let parts = rows
                .iter()
                .filter_map(|row| {
                    let (lots, resources) = row.result.as_ref().ok()?;
                    Some(ReadWithResources {
                        scope: row.profile.clone(),
                        profiles: vec![Some(row.profile.clone()); lots.len()],
                        lots: lots.clone(),
                        resources: resources.clone(),
                    })
                })
                .collect();
            (parts, ledger, rows)
        }
    };
    let many = !rows.is_empty()
        || parts
            .iter()
            .any(|p| p.scope.kind() == ScopeKind::BillingAccount);
    let accounts: Vec<Option<crate::model::domain::AccountRef>> = parts
        .iter()
        .map(|p| (p.scope.kind() == ScopeKind::BillingAccount).then(|| p.scope.account()))
        .collect();
    let mut page = LotResourcesPage {
        lots: Vec::new(),
        unmatched: Vec::new(),
        with_profile: many,
        resources_read: parts.iter().all(|p| p.resources.is_ok()),
    };
    let mut said_not_visible = false;
    for (part, account) in parts.iter().zip(&accounts) {
        let own = match &part.resources {
            Ok(all) => credit_resources::belonging_to(&part.scope, all),
            Err(unread) => {
                if unread.forbidden && !said_not_visible {
                    context.printer.note(NOT_VISIBLE);
                    said_not_visible = true;
                } else if !unread.forbidden {
                    context.printer.note(&format!(
                        "the credit resources of {} {} could not be read: {}",
                        part.scope.kind().noun(),
                        part.scope.label(),
                        unread.why
                    ));
                }
                Vec::new()
            }
        };
        let joinable: Vec<JoinLot<'_>> = part
            .lots
            .iter()
            .zip(&part.profiles)
            .map(|(lot, profile)| JoinLot {
                lot,
                owner: profile
                    .as_ref()
                    .map(ScopeRef::id)
                    .or(match part.scope.kind() {
                        ScopeKind::Customer => Some(part.scope.id()),
                        _ => None,
                    }),
            })
            .collect();
        let joined = join(&joinable, &own);
        for ((lot, profile), matched) in part.lots.iter().zip(&part.profiles).zip(&joined.of_lot) {
            if !asked.keeps(lot) {
                continue;
            }
            let resource = matched.map(|(r, how)| (own[r], how));
            // The flag is the row's own ("suspends the billing profile", in yellow), and
            // `suspendsBillingProfile` in JSON and csv.
            let suspends_at = resource.and_then(|(r, _)| suspends_within(lot, r, as_of, window));
            page.lots.push(ResourcedLot {
                row: LotRow {
                    profile: profile.as_ref(),
                    account: account.as_ref(),
                    lot: lot.on(as_of),
                },
                resource,
                suspends: suspends_at.is_some(),
            });
        }
        page.unmatched.extend(joined.unmatched.iter().map(|&r| {
            UnmatchedResource {
                profile: match part.scope.kind() {
                    ScopeKind::BillingProfile => Some(std::borrow::Cow::Borrowed(&part.scope)),
                    // At account scope: the profile the resource names.
                    _ => own[r]
                        .billing_profile_id
                        .as_deref()
                        .and_then(|id| crate::model::scope::Scope::parse(id).ok())
                        .map(|scope| std::borrow::Cow::Owned(ScopeRef::bare(scope))),
                },
                resource: own[r],
            }
        }));
    }
    if page.lots.is_empty() && page.unmatched.is_empty() {
        let that_match = if asked.filters() { " that match" } else { "" };
        // Resources that could not be read are not "none": their sentence is said above.
        let resources = if page.resources_read {
            " and no credit resources"
        } else {
            ""
        };
        context
            .printer
            .note(&format!("no credit lots{that_match}{resources}"));
    }
    context.printer.emit(&page)?;
    settle(context, &rows, &ledger)
}

/// The billing profile a lot belongs to: the profile read, or at account scope the one
/// its id names (none for a lot of the account itself, or of a customer).
fn lot_profile(scope: &ScopeRef, lot: &CreditLot) -> Option<ScopeRef> {
    match scope.kind() {
        ScopeKind::BillingProfile => Some(scope.clone()),
        ScopeKind::BillingAccount => lot.profile_scope().map(|profile| ScopeRef {
            account_display_name: scope.display_name.clone(),
            standing: None,
            ..ScopeRef::bare(profile)
        }),
        _ => None,
    }
}
