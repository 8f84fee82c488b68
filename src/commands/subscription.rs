//! `credits balance|forecast --subscription S`: a subscription billed under a Microsoft
//! Customer Agreement answers with its billing profile's credit (the profile's own balance
//! or forecast, with the subscription named); one on a monthly-credit offer (Visual Studio,
//! MPN, free trial, Azure Pass) with an estimate, since no API returns that credit: the
//! allowance less the actual cost of the current billing period (Cost Management).
//! Sponsorship and Azure for Students have no data anywhere but their web page.

use super::settle;
use crate::arm::costmanagement::subscription_cost;
use crate::arm::subscriptions::{
    billing_periods, billing_property, list_subscriptions, subscription,
};
use crate::arm::ArmError;
use crate::checks::{estimate, Ledger, Outcome, Thresholds};
use crate::cli::SubscriptionArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::model::subscription::{
    subscription_guid, visual_studio_credits_phrase, BillingPeriod, Offer, Subscription,
    SubscriptionBilling, SubscriptionCredit, SubscriptionRef, SPONSORSHIPS_PAGE,
    VISUAL_STUDIO_CREDITS_URL,
};
use crate::resolve::folded;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// What a subscription answers with.
pub(crate) enum Answer {
    /// Billed under an MCA: the credit is this billing profile's.
    Profile(BilledToProfile),
    /// A monthly-credit offer: the estimate.
    Estimate(Box<SubscriptionCredit>),
}

/// An MCA-billed subscription and the billing profile whose credit it has.
pub(crate) struct BilledToProfile {
    pub(crate) subscription: SubscriptionRef,
    /// The profile's full id.
    pub(crate) profile_id: String,
    pub(crate) profile_name: Option<String>,
}

impl BilledToProfile {
    /// Says whose credit answers (and that an allowance given is not used); the
    /// subscription and the profile's name, for the record.
    pub(crate) fn say(&self, context: &Context, flags: &SubscriptionArgs) -> Via {
        context.printer.note(&format!(
            "subscription {} is billed under a Microsoft Customer Agreement: its credit is billing profile {}'s",
            self.subscription.label(),
            self.profile_name.as_deref().unwrap_or(&self.profile_id)
        ));
        if flags.allowance.is_some() {
            context.printer.note(
                "--allowance is not used: the credit of an MCA-billed subscription is its billing profile's, read from Azure",
            );
        }
        Via {
            subscription: self.subscription.clone(),
            profile_name: self.profile_name.clone(),
        }
    }
}

/// What a profile's record adds when a subscription asked for it.
pub(crate) struct Via {
    pub(crate) subscription: SubscriptionRef,
    /// The profile's display name as the billing property says it (its full id is never
    /// looked up).
    pub(crate) profile_name: Option<String>,
}

/// Finds the subscription `query` names (an exact id, else a unique display name), reads how
/// it is billed, and what it answers with.
pub(crate) async fn answer(
    context: &Context,
    query: &str,
    flags: &SubscriptionArgs,
) -> Result<Answer> {
    // A bad allowance fails before any request.
    if let Some(text) = &flags.allowance {
        crate::settings::parse_allowance("--allowance", text)?;
    }
    let (found, billing) = look_up(context, query).await?;
    let reference = found.reference.clone();
    if let Some(billing) = billing.as_ref().filter(|b| b.is_mca()) {
        let Some(profile_id) = billing.billing_profile_id.clone() else {
            return Err(Error::unavailable(format!(
                "subscription {} is billed under a Microsoft Customer Agreement, and Azure named no billing profile for it",
                reference.label()
            )));
        };
        return Ok(Answer::Profile(BilledToProfile {
            subscription: reference,
            profile_id,
            profile_name: billing.billing_profile_display_name.clone(),
        }));
    }
    let quota = found.quota_id.as_deref();
    match Offer::of(quota) {
        Offer::Sponsored => Err(Error::unavailable(format!(
            "subscription {} is a Sponsorship or Azure for Students subscription ({}): no API and no Cost Management data holds its balance; it is shown at {SPONSORSHIPS_PAGE}",
            reference.label(),
            quota.unwrap_or_default()
        ))),
        Offer::Other(quota) => {
            let enterprise = billing.as_ref().is_some_and(|b| {
                b.agreement_type
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case("EnterpriseAgreement"))
            });
            let instead = if enterprise {
                "it is billed under an Enterprise Agreement, whose Azure Prepayment is read with credits balance --account ENROLLMENT".to_string()
            } else {
                "only Visual Studio, MPN, free trial and Azure Pass subscriptions have a monthly credit to estimate".to_string()
            };
            Err(Error::unavailable(format!(
                "subscription {} is on the offer {quota}, which has no credit that credits can read: {instead}",
                reference.label()
            )))
        }
        Offer::MonthlyCredit => {
            let (allowance, currency, named) = allowance(context, flags, &reference, quota)?;
            estimate_credit(context, found, allowance, currency, &named)
                .await
                .map(|credit| Answer::Estimate(Box::new(credit)))
        }
    }
}

/// The allowance: `--allowance`, else the config file's for this subscription; none is exit
/// 2 naming the flag and Microsoft's amounts (Enterprise and Professional share a quota id,
/// so the level cannot be inferred).
fn allowance(
    context: &Context,
    flags: &SubscriptionArgs,
    subscription: &SubscriptionRef,
    quota: Option<&str>,
) -> Result<(Decimal, Option<String>, String)> {
    if let Some(text) = &flags.allowance {
        let (value, currency) = crate::settings::parse_allowance("--allowance", text)?;
        return Ok((value, currency, "--allowance".into()));
    }
    if let Some(set) = context.settings.allowance(&subscription.id) {
        let named = set.source.name();
        let (value, currency) =
            crate::settings::parse_allowance(named.trim_end_matches(':'), &set.text)?;
        return Ok((value, currency, named.trim_end_matches(':').to_string()));
    }
    Err(Error::usage(format!(
        "subscription {} ({}) has a monthly credit that no Azure API returns: give it with --allowance AMOUNT (or credits config set subscriptions.{}.allowance AMOUNT); Microsoft's monthly amounts: {} ({VISUAL_STUDIO_CREDITS_URL})",
        subscription.label(),
        quota.unwrap_or("monthly credit"),
        subscription.id,
        visual_studio_credits_phrase()
    )))
}

/// The subscription and its billing property (`None` when Azure would not say: then the
/// offer decides).
async fn look_up(
    context: &Context,
    query: &str,
) -> Result<(Subscription, Option<SubscriptionBilling>)> {
    let client = context.client().await?;
    let (read, billing) = match subscription_guid(query) {
        Some(guid) => {
            let guid = guid.to_ascii_lowercase();
            let (read, billing) =
                tokio::join!(subscription(client, &guid), billing_property(client, &guid));
            let read = match read {
                Ok(Some(raw)) => Subscription::from_wire(raw).map_err(|e| {
                    Error::from(crate::arm::client::conversion_error("subscription", e))
                })?,
                Ok(None) => return Err(not_visible(query)),
                Err(error) if error.status() == Some(404) => return Err(not_visible(query)),
                Err(error) => return Err(subscription_error(error)),
            };
            (read, billing)
        }
        None => {
            let listed = list_subscriptions(client)
                .await
                .map_err(subscription_error)?;
            let mut unreadable = 0;
            let listed: Vec<Subscription> = listed
                .into_iter()
                .filter_map(|raw| {
                    let read = Subscription::from_wire(raw).ok();
                    unreadable += usize::from(read.is_none());
                    read
                })
                .collect();
            if unreadable > 0 {
                context.printer.note(&format!(
                    "{unreadable} listed subscription(s) named no id and are left out of the match"
                ));
            }
            let found = by_name(query, listed)?;
            let billing = billing_property(client, &found.reference.id).await;
            (found, billing)
        }
    };
    let billing = match billing {
        Ok(Some(raw)) => Some(SubscriptionBilling::from_wire(raw)),
        Ok(None) => None,
        // Not every role reads it: the offer decides, said with -v.
        Err(error) if matches!(error.status(), Some(403 | 404)) => {
            if context.settings.verbose {
                context.printer.note(&format!(
                    "the billing property of subscription {} could not be read ({}): its offer decides",
                    read.reference.label(),
                    Error::from(error).message
                ));
            }
            None
        }
        Err(error) => return Err(error.into()),
    };
    Ok((read, billing))
}

/// One subscription by display name (compared as profile names are), or exit 5 naming
/// what there is.
fn by_name(query: &str, listed: Vec<Subscription>) -> Result<Subscription> {
    let wanted = folded(query);
    let (mut matching, others): (Vec<Subscription>, Vec<Subscription>) =
        listed.into_iter().partition(|s| {
            s.reference
                .display_name
                .as_deref()
                .is_some_and(|name| folded(name) == wanted)
        });
    match matching.len() {
        1 => Ok(matching.remove(0)),
        0 => {
            let names: Vec<String> = others
                .iter()
                .take(20)
                .map(|s| format!("{:?} ({})", s.reference.label(), s.reference.id))
                .collect();
            Err(Error::not_found(if names.is_empty() {
                format!("no subscription matches {query:?}; this sign-in sees none")
            } else {
                format!(
                    "no subscription matches {query:?}; the subscriptions are: {}",
                    names.join(", ")
                )
            }))
        }
        n => {
            let ids: Vec<&str> = matching.iter().map(|s| s.reference.id.as_str()).collect();
            Err(Error::not_found(format!(
                "{query:?} matches {n} subscriptions; pass the id with --subscription, one of: {}",
                ids.join(", ")
            )))
        }
    }
}

fn not_visible(query: &str) -> Error {
    Error::not_found(format!(
        "subscription {query:?} was not found, or this sign-in cannot see it (Reader on the subscription reads it)"
    ))
}

fn subscription_error(error: ArmError) -> Error {
    let forbidden = error.status() == Some(403);
    let error = Error::from(error);
    if forbidden {
        error.hinted("a subscription is read with Reader (or Cost Management Reader) on it")
    } else {
        error
    }
}

/// The estimate: the current billing period (the one that holds `--as-of`; Azure's own
/// billing-month-to-date when the periods cannot be read) and its actual cost so far.
async fn estimate_credit(
    context: &Context,
    found: Subscription,
    allowance: Decimal,
    allowance_currency: Option<String>,
    named: &str,
) -> Result<SubscriptionCredit> {
    let client = context.client().await?;
    let as_of = context.settings.as_of.value;
    let guid = found.reference.id.clone();
    let period = match billing_periods(client, &guid).await {
        Ok(periods) => {
            let read: Vec<BillingPeriod> = periods
                .iter()
                .filter_map(|raw| BillingPeriod::from_wire(raw).ok())
                .collect();
            let holding = read.iter().copied().find(|p| p.holds(as_of));
            // Azure's billing month to date is today's: it cannot stand for another day's.
            if holding.is_none() && as_of != chrono::Utc::now().date_naive() {
                return Err(Error::unavailable(format!(
                    "Azure listed no billing period of subscription {} that holds {as_of}, so the cost of that period cannot be asked (without --as-of, Azure's billing month to date is used)",
                    found.reference.label()
                )));
            }
            if holding.is_none() {
                context.printer.note(&format!(
                    "Azure listed no billing period of subscription {} that holds {as_of}: the cost is Azure's billing month to date",
                    found.reference.label()
                ));
            }
            holding
        }
        Err(error) if as_of != chrono::Utc::now().date_naive() => {
            return Err(Error::unavailable(format!(
                "the billing periods of subscription {} could not be read ({}), so the cost of the period that holds {as_of} cannot be asked (without --as-of, Azure's billing month to date is used)",
                found.reference.label(),
                Error::from(error).message
            )))
        }
        Err(error) => {
            context.printer.note(&format!(
                "the billing periods of subscription {} could not be read ({}): the cost is Azure's billing month to date",
                found.reference.label(),
                Error::from(error).message
            ));
            None
        }
    };
    let rows = subscription_cost(client, &guid, period.map(|p| (p.start, as_of.min(p.end))))
        .await
        .map_err(|error| {
            let forbidden = error.status() == Some(403);
            let error = Error::from(error);
            if forbidden {
                error.hinted(
                    "a subscription's cost is read with Cost Management Reader (or Reader) on it",
                )
            } else {
                error
            }
        })?;
    // The time of the query, to the second.
    let data_as_of = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 0);
    let mut currencies: Vec<String> = rows.iter().filter_map(|r| r.currency.clone()).collect();
    currencies.sort();
    currencies.dedup();
    if currencies.len() > 1 {
        return Err(Error::unavailable(format!(
            "Cost Management answered the cost of subscription {} in several currencies ({}): an estimate needs one",
            found.reference.label(),
            currencies.join(", ")
        )));
    }
    let cost_currency = currencies.pop();
    let currency = match (&allowance_currency, &cost_currency) {
        (Some(allowed), Some(cost)) if !allowed.eq_ignore_ascii_case(cost) => {
            return Err(Error::usage(format!(
                "{named} is in {allowed} and the cost of subscription {} is in {cost}: give the allowance in {cost} (or without a currency)",
                found.reference.label()
            )))
        }
        (Some(allowed), _) => Some(allowed.clone()),
        (None, cost) => cost.clone(),
    };
    let cost: Decimal = rows.iter().map(|r| r.cost).sum();
    Ok(SubscriptionCredit::estimate(
        found.reference,
        found.quota_id,
        allowance,
        cost,
        currency.as_deref(),
        period,
        data_as_of,
    ))
}

/// The checks of `balance --subscription` on an estimate.
pub(crate) fn balance_checks(
    credit: &SubscriptionCredit,
    minimum: Option<&Thresholds>,
    within_days: Option<i64>,
    as_of: NaiveDate,
    allowed: bool,
) -> Result<Vec<(&'static str, Outcome)>> {
    // Bad input first: an amount that cannot be judged as asked is exit 2.
    estimate::fit(credit, &[minimum])?;
    let mut outcomes = Vec::new();
    if let Some(minimum) = minimum {
        outcomes.push((
            "--min",
            if allowed {
                estimate::min_estimate(credit, minimum)
            } else {
                estimate::not_allowed("--min", credit)
            },
        ));
    }
    if let Some(days) = within_days {
        outcomes.push((
            "--expiring-within",
            if allowed {
                estimate::lapses_within(credit, as_of, days)
            } else {
                estimate::not_allowed("--expiring-within", credit)
            },
        ));
    }
    Ok(outcomes)
}

/// `balance --subscription` of an estimate: the checks, then the estimate.
pub(crate) fn emit_estimate(
    context: &Context,
    credit: &SubscriptionCredit,
    outcomes: Vec<(&'static str, Outcome)>,
) -> Result<()> {
    // A check that cannot be judged is refused before the first byte of output.
    let ledger = Ledger::of_one("subscription", credit.subscription.label(), outcomes)?;
    context.printer.emit(credit)?;
    settle::<()>(context, &[], &ledger)
}

/// `forecast --subscription` of an estimate.
pub(crate) fn forecast_estimate(
    context: &Context,
    credit: SubscriptionCredit,
    checks_asked: &super::forecast::ForecastChecks,
    allowed: bool,
) -> Result<()> {
    estimate::fit(
        &credit,
        &[checks_asked.min.as_ref(), checks_asked.max_unused.as_ref()],
    )?;
    let as_of = context.settings.as_of.value;
    let outlook = crate::forecast::estimate::forecast(credit, as_of);
    let judged = |flag: &'static str, outcome: Outcome| {
        (
            flag,
            if allowed {
                outcome
            } else {
                estimate::not_allowed(flag, &outlook.credit)
            },
        )
    };
    let mut outcomes = Vec::new();
    if let Some(minimum) = &checks_asked.min {
        outcomes.push(judged(
            "--min",
            estimate::min_estimate(&outlook.credit, minimum),
        ));
    }
    if let Some(days) = checks_asked.min_days {
        outcomes.push(judged("--min-days", estimate::min_days(&outlook, days)));
    }
    if let Some(maximum) = &checks_asked.max_unused {
        outcomes.push(judged(
            "--max-unused",
            estimate::max_unused(&outlook, maximum),
        ));
    }
    let ledger = Ledger::of_one(
        "subscription",
        outlook.credit.subscription.label(),
        outcomes,
    )?;
    context.printer.emit(&outlook)?;
    settle::<()>(context, &[], &ledger)
}

/// `--allowance` or `--allow-estimate` without `--subscription`: exit 2, never ignored.
/// (Checked here: clap's `requires` across the flattened argument structs let them pass.)
pub(crate) fn refuse_without_subscription(flags: &SubscriptionArgs) -> Result<()> {
    if flags.subscription.is_some() {
        return Ok(());
    }
    let given = [
        ("--allowance", flags.allowance.is_some()),
        ("--allow-estimate", flags.allow_estimate),
    ];
    match given.iter().find(|(_, given)| *given) {
        Some((flag, _)) => Err(Error::usage(format!(
            "{flag} goes with --subscription (a subscription's monthly credit); give --subscription SUBSCRIPTION or leave it out"
        ))),
        None => Ok(()),
    }
}

/// Refuses what a subscription does not take, by name, before any request.
pub(crate) fn refuse_for_subscription(given: &[(&str, bool)]) -> Result<()> {
    match given.iter().find(|(_, given)| *given) {
        Some((flag, _)) => Err(Error::usage(format!(
            "{flag} does not apply to --subscription; leave it out"
        ))),
        None => Ok(()),
    }
}
