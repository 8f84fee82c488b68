//! The checks of a subscription's estimated monthly credit (`--subscription`): judged only
//! with `--allow-estimate`; without it every check asked is "could not check" (exit 6), since
//! the figure is not Azure's.

use super::{Outcome, Threshold, Thresholds};
use crate::error::ErrorKind;
use crate::forecast::estimate::EstimateForecast;
use crate::model::amount::Amount;
use crate::model::money::Money;
use crate::model::subscription::SubscriptionCredit;
use chrono::NaiveDate;

/// Refuses, before any output, an amount that cannot be judged against the estimate's one
/// currency (a currency it is not in, or a bare amount when it has no currency): exit 2, as
/// for a profile.
pub(crate) fn fit(
    credit: &SubscriptionCredit,
    thresholds: &[Option<&Thresholds>],
) -> crate::error::Result<()> {
    let currencies: std::collections::BTreeSet<String> =
        credit.estimated_balance.currency.iter().cloned().collect();
    for threshold in thresholds.iter().flatten() {
        threshold.fit(&currencies, "estimate", true)?;
    }
    Ok(())
}

/// What a check on an estimate answers without `--allow-estimate`.
pub(crate) fn not_allowed(flag: &str, credit: &SubscriptionCredit) -> Outcome {
    Outcome::Unread(
        ErrorKind::Unavailable,
        format!(
            "the credit of subscription {} is an estimate (its allowance less this billing period's cost), not Azure's figure, so {flag} is not judged; give --allow-estimate to judge the estimate",
            credit.subscription.label()
        ),
    )
}

/// `money` is at least the threshold for its currency; `what` names the figure.
fn at_least(what: &str, money: &Money, threshold: &Thresholds) -> Outcome {
    let currency = money.currency.as_deref();
    let minimum = match threshold.for_currency(currency) {
        Threshold::Amount(amount) => amount,
        Threshold::NoneFor(actual) => {
            return Outcome::NotChecked(format!(
                "{} has no amount in {actual}, the currency of {what}",
                threshold.flag()
            ))
        }
        Threshold::UnknownCurrency => {
            return Outcome::Unread(
                ErrorKind::Unavailable,
                format!(
                    "{what} has no currency, so it cannot be compared with {} {}",
                    threshold.flag(),
                    threshold.describe()
                ),
            )
        }
    };
    let minimum = Amount::new(minimum.value, minimum.currency().or(currency));
    let Some(value) = Amount::of(Some(money), currency) else {
        return Outcome::Unread(ErrorKind::Unavailable, format!("{what} is unknown"));
    };
    match value.try_cmp(&minimum) {
        Ok(order) if order.is_ge() => Outcome::Passed,
        Ok(_) => {
            let short = minimum
                .checked_sub(&value)
                .ok()
                .flatten()
                .map_or_else(|| "an amount too large to show".into(), |a| a.to_string());
            Outcome::Failed(format!(
                "{what} ({value}) is below the minimum {minimum} by {short}"
            ))
        }
        Err(mismatch) => Outcome::Unread(ErrorKind::Unavailable, mismatch.to_string()),
    }
}

/// `--min` on the estimated balance.
pub(crate) fn min_estimate(credit: &SubscriptionCredit, minimum: &Thresholds) -> Outcome {
    at_least(
        &format!(
            "the estimated credit of subscription {}",
            credit.subscription.label()
        ),
        &credit.estimated_balance,
        minimum,
    )
}

/// `--expiring-within DAYS`: a monthly credit lapses when its billing period ends; it fails
/// when the period ends within DAYS days with credit left at this period's daily cost (what
/// `forecast` calls unused at the period's end).
pub(crate) fn lapses_within(credit: &SubscriptionCredit, as_of: NaiveDate, days: i64) -> Outcome {
    let Some(end) = credit.period_end else {
        return Outcome::Unread(
            ErrorKind::Unavailable,
            format!(
                "the billing period of subscription {} could not be read, so when its credit lapses is unknown",
                credit.subscription.label()
            ),
        );
    };
    let outlook = crate::forecast::estimate::forecast(credit.clone(), as_of);
    let Some(unused) = outlook.unused_at_period_end.filter(|u| {
        u.value
            .is_some_and(|v| v.is_sign_positive() && !v.is_zero())
    }) else {
        return Outcome::Passed;
    };
    // Within DAYS days, as a lot's expiry is: the end day itself counts.
    if end >= as_of && (end - as_of).num_days() <= days {
        Outcome::Failed(format!(
            "an estimated {} of subscription {}'s monthly credit lapses unused when its billing period ends on {end} (at this period's daily cost)",
            unused.display(),
            credit.subscription.label()
        ))
    } else {
        Outcome::Passed
    }
}

/// `--min-days`: the estimate lasts at least DAYS days at this period's daily cost (a credit
/// that lasts the period passes: it is renewed).
pub(crate) fn min_days(outlook: &EstimateForecast, days: i64) -> Outcome {
    if outlook.burn_rate_per_day.is_none() {
        return Outcome::Unread(
            ErrorKind::Unavailable,
            format!(
                "the billing period of subscription {} could not be read, so its daily cost (and how long the estimate lasts) is unknown",
                outlook.credit.subscription.label()
            ),
        );
    }
    match outlook.runway_days {
        Some(runway) if outlook.depletion_date.is_some() && runway < days => {
            Outcome::Failed(format!(
                "at this billing period's daily cost the estimated credit of subscription {} lasts {runway} days, fewer than {days}",
                outlook.credit.subscription.label()
            ))
        }
        _ => Outcome::Passed,
    }
}

/// `--max-unused`: what the estimate leaves unused when the period ends.
pub(crate) fn max_unused(outlook: &EstimateForecast, maximum: &Thresholds) -> Outcome {
    let Some(unused) = &outlook.unused_at_period_end else {
        return Outcome::Unread(
            ErrorKind::Unavailable,
            format!(
                "the billing period of subscription {} could not be read, so what is left when it ends is unknown",
                outlook.credit.subscription.label()
            ),
        );
    };
    // At most `maximum`: the opposite of at least, said in its own words.
    let what = format!(
        "the estimated credit of subscription {} unused at its period's end",
        outlook.credit.subscription.label()
    );
    match at_least(&what, unused, maximum) {
        Outcome::Failed(_) => Outcome::Passed,
        Outcome::Passed => {
            let limit = maximum.for_currency(unused.currency.as_deref());
            let equal = matches!(limit, Threshold::Amount(a) if Some(a.value) == unused.value);
            if equal {
                Outcome::Passed
            } else {
                Outcome::Failed(format!(
                    "an estimated {} of subscription {}'s monthly credit would be left unused when its billing period ends, more than {} {}",
                    unused.display(),
                    outlook.credit.subscription.label(),
                    maximum.flag(),
                    maximum.describe()
                ))
            }
        }
        other => other,
    }
}
