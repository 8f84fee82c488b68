//! `credits balance`: the balance summary of one billing profile or customer (or of every
//! profile with `--all`), and the `--min` check.

use super::credit_resources::{with_suspension_flags, CreditResources, SUSPENSION_WINDOW_DAYS};
use super::{emit_at, settle};
use crate::arm::billing::{payments_on_account, profile_in_detail};
use crate::arm::client::ArmClient;
use crate::arm::consumption::{balance_summary, lots, summary_gone, LotQuery};
use crate::checks::{self, Ledger, Outcome, Thresholds};
use crate::cli::BalanceArgs;
use crate::context::Context;
use crate::error::Error;
use crate::error::Result;
use crate::model::domain::{
    available_from_lots, BalanceSummary, CreditLot, LeftOut, PaymentsOnAccount, ScopeRef,
};
use crate::model::scope::ScopeKind;
use crate::resolve::{self, Resolved, Selection, Served};
use chrono::NaiveDate;

const SERVED: Served = Served {
    command: "credits balance",
    kinds: &[ScopeKind::BillingProfile, ScopeKind::Customer],
    why_not: "Azure keeps no credit balance summary for a billing account (its lots and transactions are read with credits lots and credits events)",
};

pub(crate) async fn run(context: &Context, args: BalanceArgs) -> Result<()> {
    // `--allowance` and `--allow-estimate` say something of a subscription only.
    super::subscription::refuse_without_subscription(&args.subscription)?;
    if args.all_enrollments {
        if args.scope.all {
            return with_enrollments(context, args).await;
        }
        return super::prepayment::all_enrollments(context, &args).await;
    }
    if let Some(query) = args.subscription.subscription.clone() {
        return by_subscription(context, args, &query).await;
    }
    run_as(context, args, None).await
}

/// `balance --all --all-enrollments`: every billing profile's balance and every
/// enrollment's current Azure Prepayment, read at the same time; one JSON array (each record
/// says its `kind`), a table of each for people; the checks over both.
async fn with_enrollments(context: &Context, args: BalanceArgs) -> Result<()> {
    super::prepayment::refuse_for_enrollment(&[("--resume", args.sweep.resume.is_some())])?;
    // Bad input fails before any request is made.
    let minimum = Thresholds::parse("--min", &args.min)?;
    let within_days = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    let as_of = context.settings.as_of.value;
    let (details, keep_lots) = (args.details, within_days.is_some());
    let flag_days = within_days.unwrap_or(SUSPENSION_WINDOW_DAYS);
    // Credit resources (`--details`) are read once per billing account.
    let resources = CreditResources::default();
    let read = async |client: &ArmClient, scope| {
        let asked = Asked {
            as_of,
            details,
            keep_lots,
            flag_days,
            resources: &resources,
        };
        read_balance(client, scope, &asked).await
    };
    // One listing serves both (the second finds it cached).
    let accounts = resolve::listed_accounts(context).await?;
    let (profiles, enrollments) = tokio::join!(
        resolve::read(context, &selection, read),
        super::prepayment::enrollment_rows(context, accounts, within_days.is_some())
    );
    let enrollments = enrollments?;
    let rows = match profiles {
        Ok(Resolved::Many(rows)) => rows,
        Ok(Resolved::One(scope, _)) => {
            return Err(Error::unavailable(format!(
                "--all read one {} only",
                scope.kind().noun()
            )))
        }
        // An enrollment-only sign-in: the enrollments answer.
        Err(error) if resolve::no_readable_profile(&error) && !enrollments.is_empty() => {
            context.printer.note(&error.message);
            Vec::new()
        }
        Err(error) => return Err(error),
    };
    // A bare --min among several currencies, over both kinds, is refused before output.
    checks::prepayment::fit_enrollments(
        &[minimum.as_ref()],
        &rows,
        checks::balance_currency,
        &enrollments,
    )?;
    let mut ledger = Ledger::of_rows(
        "billing profile",
        &rows,
        balance_check(minimum.as_ref(), within_days, as_of),
    );
    ledger.add_subjects(enrollments.len(), "billing profiles and enrollments");
    super::prepayment::record_enrollments(
        &mut ledger,
        &enrollments,
        minimum.as_ref(),
        within_days,
        as_of,
    );
    for summary in rows.iter().filter_map(|r| r.result.as_ref().ok()) {
        note_source(context, summary);
    }
    if enrollments.is_empty() {
        context
            .printer
            .note("this sign-in sees no Enterprise Agreement enrollment");
    }
    context.printer.emit(&crate::output::views::TwoKinds {
        first: &rows,
        second: &enrollments,
        second_title: "Enterprise Agreement enrollments: Azure Prepayment, current period",
    })?;
    settle(context, &rows, &ledger)
}

/// `balance --subscription S`: the billing profile's balance of an MCA-billed subscription
/// (the record names the subscription), or the estimate of a monthly credit.
async fn by_subscription(context: &Context, mut args: BalanceArgs, query: &str) -> Result<()> {
    use super::subscription::{self, Answer};
    subscription::refuse_for_subscription(&[
        ("--period", args.period.is_some()),
        ("--periods", args.periods.is_some()),
        ("--exclude", !args.scope.exclude.is_empty()),
        ("--resume", args.sweep.resume.is_some()),
    ])?;
    // Bad input fails before any request is made.
    let minimum = Thresholds::parse("--min", &args.min)?;
    let within_days = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    match subscription::answer(context, query, &args.subscription).await? {
        Answer::Profile(billed) => {
            let via = billed.say(context, &args.subscription);
            args.scope.profile.profile = Some(billed.profile_id);
            run_as(context, args, Some(via)).await
        }
        Answer::Estimate(credit) => {
            if args.details {
                context.printer.note(
                    "--details adds nothing to an estimate: Azure keeps no balance, lots or payments for this subscription",
                );
            }
            let as_of = context.settings.as_of.value;
            let outcomes = subscription::balance_checks(
                &credit,
                minimum.as_ref(),
                within_days,
                as_of,
                args.subscription.allow_estimate,
            )?;
            subscription::emit_estimate(context, &credit, outcomes)
        }
    }
}

/// `balance`, its record naming `via` when a subscription asked for it.
async fn run_as(
    context: &Context,
    args: BalanceArgs,
    via: Option<super::subscription::Via>,
) -> Result<()> {
    // `--account` names an Enterprise Agreement enrollment: its Azure Prepayment (an MCA
    // account is refused after the lookup, which says what it is).
    if let (Some(query), false) = (&args.scope.account, args.scope.all_customers) {
        return super::prepayment::run(context, &args, query).await;
    }
    if args.period.is_some() || args.periods.is_some() {
        return Err(Error::usage(
            "--period and --periods read an Enterprise Agreement enrollment's Azure Prepayment: give them with --account ENROLLMENT (a billing profile, customer or subscription has no billing periods here)",
        ));
    }
    // Bad input fails before any request is made.
    let minimum = Thresholds::parse("--min", &args.min)?;
    let within_days = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    if selection.is_sweep() {
        Thresholds::for_sweep(minimum.as_ref())?;
    }
    let mut flags: Vec<(&str, Option<String>)> = args
        .min
        .iter()
        .map(|m| ("--min", Some(m.clone())))
        .collect();
    flags.push(("--details", args.details.then(String::new)));
    flags.push(("--expiring-within", within_days.map(|d| d.to_string())));
    let query = super::asked(&flags);
    let resume = super::resume_of("balance", &query, &args.sweep, &selection)?;
    let as_of = context.settings.as_of.value;
    let details = args.details;
    let check = balance_check(minimum.as_ref(), within_days, as_of);
    let keep_lots = within_days.is_some();
    let flag_days = within_days.unwrap_or(SUSPENSION_WINDOW_DAYS);
    // Credit resources (`--details`) are read once per billing account.
    let resources = CreditResources::default();
    let read = async |client: &ArmClient, scope| {
        let asked = Asked {
            as_of,
            details,
            keep_lots,
            flag_days,
            resources: &resources,
        };
        read_balance(client, scope, &asked).await
    };
    if selection.is_sweep() {
        return super::sweep(context, &selection, resume, read, check, |summary| {
            note_source(context, summary)
        })
        .await;
    }
    let resolved = resolve::read(context, &selection, read).await?;
    match resolved {
        Resolved::One(scope, mut summary) => {
            if let Some(via) = via {
                // A full id is never looked up: the billing property named the profile.
                if summary.billing_profile.display_name.is_none() {
                    summary.billing_profile.display_name = via.profile_name;
                }
                summary.subscription = Some(via.subscription);
            }
            // A check that cannot be judged is refused before the first byte of output.
            let ledger = Ledger::of_one(scope.kind().noun(), scope.label(), check(&summary))?;
            note_source(context, &summary);
            if !summary.has_credits {
                context.printer.note(&format!(
                    "{} {} has no credits (Azure answered 204 No Content)",
                    scope.kind().noun(),
                    scope.label()
                ));
            }
            emit_at(context, &scope, &summary)?;
            settle::<()>(context, &[], &ledger)
        }
        Resolved::Many(rows) => {
            // A bare --min among several currencies is refused before anything is printed.
            if let Some(minimum) = &minimum {
                minimum.fit_rows(&rows, checks::balance_currency)?;
            }
            let ledger = Ledger::of_rows("billing profile", &rows, check);
            for summary in rows.iter().filter_map(|r| r.result.as_ref().ok()) {
                note_source(context, summary);
            }
            context.printer.emit_list(&rows)?;
            settle(context, &rows, &ledger)
        }
    }
}

/// The checks of one balance: the profile's standing (a disabled profile fails alone),
/// `--min` and `--expiring-within` (on the lots read beside the balance).
fn balance_check(
    minimum: Option<&Thresholds>,
    within_days: Option<i64>,
    as_of: NaiveDate,
) -> impl Fn(&BalanceSummary) -> Vec<(&'static str, Outcome)> + '_ {
    let gated = minimum.is_some() || within_days.is_some();
    move |summary: &BalanceSummary| {
        let mut outcomes = Vec::new();
        // Every check on a disabled profile fails, saying why: its subscriptions are stopped
        // whatever the figures say, so the others are not judged (a figure that could not be
        // read must not turn this definite failure into "could not check").
        if gated {
            let standing = checks::profile_standing(&summary.standing());
            if standing != Outcome::Passed {
                return vec![("status", standing)];
            }
        }
        if let Some(minimum) = minimum {
            outcomes.push(("--min", min_balance(summary, minimum)));
        }
        if let Some(days) = within_days {
            let outcome = match &summary.lots {
                Some(Ok(lots)) => checks::expiring_within(lots, as_of, days),
                // A balance without its lots (they could not be read) cannot say, for the
                // reason they could not be read (a 403 is a permission, not an outage).
                Some(Err((kind, why))) => {
                    Outcome::Unread(*kind, format!("its credit lots could not be read: {why}"))
                }
                // Not reached: the lots are read whenever this check is asked for.
                None => Outcome::Unread(
                    crate::error::ErrorKind::Unavailable,
                    "its credit lots were not read".into(),
                ),
            };
            outcomes.push(("--expiring-within", outcome));
        }
        outcomes
    }
}

/// `--min` for one summary; a balance without a currency cannot be judged.
fn min_balance(summary: &BalanceSummary, minimum: &Thresholds) -> Outcome {
    checks::min_balance(summary, minimum).unwrap_or_else(|e| Outcome::Unread(e.kind, e.message))
}

/// The balance of a scope: its balance summary (with `details`, also the balance from its
/// active lots, read at the same time). When Azure answers that the summary does not exist
/// (404, 410, or "not supported"), the balance comes from the lots, once the lots' answer
/// has shown that the scope itself exists (a 404 there is the resolver's to handle).
/// What a balance read is asked beside the summary.
#[derive(Clone, Copy)]
pub(crate) struct Asked<'a> {
    pub(crate) as_of: NaiveDate,
    /// `--details`: the balance from lots, the spending limit, payments on account and the
    /// suspension flags.
    pub(crate) details: bool,
    /// Keep the lots for `--expiring-within`.
    pub(crate) keep_lots: bool,
    /// The suspension flag's window.
    pub(crate) flag_days: i64,
    /// The run's credit resources, read once per billing account.
    pub(crate) resources: &'a CreditResources,
}

pub(crate) async fn read_balance(
    client: &ArmClient,
    scope: ScopeRef,
    asked: &Asked<'_>,
) -> Result<BalanceSummary> {
    let Asked {
        as_of,
        details,
        keep_lots,
        flag_days,
        resources: reader,
    } = *asked;
    let every_lot = LotQuery::all(as_of);
    // Payments on account belong to a billing profile (a customer has none of its own).
    let want_payments = details && scope.kind() == ScopeKind::BillingProfile;
    // Everything asked for is read at once: a plain balance makes its one request.
    let (summary, read_lots, payments, in_detail, resources) = tokio::join!(
        balance_summary(client, scope.clone()),
        async {
            if details || keep_lots {
                Some(lots(client, &scope.scope, &every_lot).await)
            } else {
                None
            }
        },
        async {
            if want_payments {
                Some(payments_on_account(client, &scope.scope).await)
            } else {
                None
            }
        },
        async {
            if want_payments {
                Some(profile_in_detail(client, &scope.scope).await)
            } else {
                None
            }
        },
        async {
            if want_payments {
                Some(reader.of_account(client, &scope.scope).await)
            } else {
                None
            }
        }
    );
    // The flags need the lots, which the balance below may keep or not.
    let lots_read = match (&resources, &read_lots) {
        (Some(_), Some(Ok(lots))) => Some(lots.clone()),
        _ => None,
    };
    let mut summary = balance_of(
        client, &scope, as_of, details, keep_lots, summary, read_lots,
    )
    .await?;
    if let Some(payments) = payments {
        with_payments(&mut summary, payments);
    }
    if let Some(in_detail) = in_detail {
        with_spending_limit(&mut summary, in_detail);
    }
    if let (Some(resources), Some(lots)) = (resources, lots_read) {
        with_suspension_flags(&mut summary, &lots, &resources, as_of, flag_days);
    }
    Ok(summary)
}

/// The spending limit in detail (and the profile's status as it is now), or why it is left
/// out: a 403 or 404 only with `-v`, anything else in a note.
fn with_spending_limit(
    summary: &mut BalanceSummary,
    profile: crate::arm::error::ArmResult<Option<crate::model::wire::BillingProfile>>,
) {
    let left_out = |quietly: bool, why: String| Some(LeftOut { quietly, why });
    match profile {
        Ok(Some(profile)) => {
            if let Err(why) = summary.with_profile(profile) {
                summary.spending_limit_unread = left_out(false, why);
            }
        }
        Ok(None) => {
            summary.spending_limit_unread = left_out(true, "Azure answered 204 No Content".into());
        }
        Err(error) => {
            let quietly = matches!(error.status(), Some(403 | 404));
            summary.spending_limit_unread = left_out(quietly, Error::from(error).message);
        }
    }
}

/// Payments on account beside the balance, or why they are left out: a 403 or 404 only
/// with `-v` (not every role reads them, not every profile has them), anything else in a
/// note. The balance never depends on them.
pub(super) fn with_payments(
    summary: &mut BalanceSummary,
    payments: crate::arm::error::ArmResult<Option<PaymentsOnAccount>>,
) {
    match payments {
        Ok(Some(payments)) => summary.payments_on_account = Some(payments),
        Ok(None) => {
            summary.payments_unread = Some(LeftOut {
                quietly: true,
                why: "Azure answered 204 No Content".into(),
            })
        }
        Err(error) => {
            let quietly = matches!(error.status(), Some(403 | 404));
            summary.payments_unread = Some(LeftOut {
                quietly,
                why: Error::from(error).message,
            });
        }
    }
}

/// The balance from the answers read: the summary, or (when Azure no longer serves one)
/// the sum of the lots.
async fn balance_of(
    client: &ArmClient,
    scope: &ScopeRef,
    as_of: NaiveDate,
    details: bool,
    keep_lots: bool,
    summary: crate::arm::error::ArmResult<BalanceSummary>,
    read_lots: Option<crate::arm::error::ArmResult<Vec<CreditLot>>>,
) -> Result<BalanceSummary> {
    let every_lot = LotQuery::all(as_of);
    let scope = scope.clone();
    match summary {
        Ok(mut summary) => {
            // The summary was read: a failure of the lots (or of their sum) is a note, not
            // the end of the balance.
            if let Some(read_lots) = read_lots {
                match read_lots {
                    Ok(read_lots) => {
                        if details {
                            match from_lots(&scope, &read_lots, as_of, &summary) {
                                Ok(money) => summary.available_balance_from_lots = Some(money),
                                Err(error) => summary.from_lots_unread = Some(error.message),
                            }
                        }
                        if keep_lots {
                            summary.lots = Some(Ok(read_lots));
                        }
                    }
                    Err(error) => {
                        let error = Error::from(error);
                        if details {
                            summary.from_lots_unread = Some(error.message.clone());
                        }
                        if keep_lots {
                            summary.lots = Some(Err((error.kind, error.message)));
                        }
                    }
                }
            }
            Ok(summary)
        }
        Err(error) if summary_gone(&error) => {
            let read_lots = match read_lots {
                Some(read_lots) => read_lots,
                None => lots(client, &scope.scope, &every_lot).await,
            };
            let read_lots = match read_lots {
                Ok(read_lots) => read_lots,
                // The scope itself is not there: the summary's answer says so.
                Err(lots_error) if lots_error.status() == Some(404) => return Err(error.into()),
                Err(lots_error) => return Err(lots_error.into()),
            };
            let mut summary =
                BalanceSummary::from_lots(scope.clone(), &read_lots, as_of).map_err(|e| {
                    Error::unavailable(format!(
                        "{} {}: the balance from lots: {e}",
                        scope.kind().noun(),
                        scope.label()
                    ))
                })?;
            if keep_lots {
                summary.lots = Some(Ok(read_lots));
            }
            Ok(summary)
        }
        Err(error) => Err(error.into()),
    }
}

/// The balance from lots, as an amount of money in the summary's credit currency.
fn from_lots(
    scope: &ScopeRef,
    read_lots: &[CreditLot],
    as_of: NaiveDate,
    summary: &BalanceSummary,
) -> Result<crate::model::money::Money> {
    let currency = summary
        .credit_currency
        .clone()
        .or_else(|| checks::balance_currency(summary));
    let amount = available_from_lots(read_lots, as_of, currency.as_deref()).map_err(|e| {
        Error::unavailable(format!(
            "{} {}: the balance from lots: {e}",
            scope.kind().noun(),
            scope.label()
        ))
    })?;
    Ok(crate::model::money::Money {
        value: Some(amount.value),
        currency: amount.currency().map(str::to_string),
        ..Default::default()
    })
}

/// Says, once per scope, that a balance came from the lots, and why payments on account
/// that were asked for are left out.
pub(crate) fn note_source(context: &Context, summary: &BalanceSummary) {
    let left_out = [
        ("payments on account", &summary.payments_unread),
        (
            "the spending limit's details",
            &summary.spending_limit_unread,
        ),
        ("suspension flags", &summary.credit_resources_unread),
    ];
    for (what, unread) in left_out {
        let Some(unread) = unread else { continue };
        if !unread.quietly || context.settings.verbose {
            let scope = &summary.billing_profile;
            context.printer.note(&format!(
                "{what} of {} {} left out: {}",
                scope.kind().noun(),
                scope.label(),
                unread.why
            ));
        }
    }
    if let Some(why) = &summary.from_lots_unread {
        let scope = &summary.billing_profile;
        context.printer.note(&format!(
            "the balance from lots of {} {} could not be computed: {why}",
            scope.kind().noun(),
            scope.label()
        ));
    }
    if summary.balance_source == crate::model::domain::BalanceSource::Lots {
        let scope = &summary.billing_profile;
        context.printer.note(&format!(
            "Azure no longer serves a balance summary for {} {}: the balance is the sum of its active lots (pending charges not included; estimated balance unknown)",
            scope.kind().noun(),
            scope.label()
        ));
    }
}
