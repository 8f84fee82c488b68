//! The checks of an Enterprise Agreement enrollment's Azure Prepayment: `--min` judges the
//! newest period's `endingBalance`, `--expiring-within` the enrollment's end date. Hidden
//! prices and an enrollment that does not say when it ends cannot be judged (exit 6), never
//! passed.

use super::{Outcome, Threshold, Thresholds};
use crate::error::ErrorKind;
use crate::forecast::prepayment::{EaForecast, EnrollmentForecastRow, BURN_PERIODS};
use crate::model::amount::Amount;
use crate::model::ea::{EaPrepayment, EnrollmentRow};
use crate::model::row::ProfileRow;
use chrono::{Duration, NaiveDate};

/// `--min` against the newest period's ending balance.
pub(crate) fn min_prepayment(newest: &EaPrepayment, minimum: &Thresholds) -> Outcome {
    let enrollment = &newest.account;
    if newest.price_hidden {
        return Outcome::Unread(
            ErrorKind::Unavailable,
            format!(
                "the prices of enrollment {enrollment} are hidden (priceHidden), so its ending balance cannot be compared with {} {}",
                minimum.flag(),
                minimum.describe()
            ),
        );
    }
    let currency = newest.currency.as_deref();
    let minimum = match minimum.for_currency(currency) {
        Threshold::Amount(amount) => amount,
        Threshold::NoneFor(actual) => {
            return Outcome::NotChecked(format!(
                "{} has no amount in {actual}, the currency of enrollment {enrollment}",
                minimum.flag()
            ))
        }
        Threshold::UnknownCurrency => {
            return Outcome::Unread(
                ErrorKind::Unavailable,
                format!(
                    "Azure reported the prepayment of enrollment {enrollment} without a currency, so it cannot be compared with {} {}",
                    minimum.flag(),
                    minimum.describe()
                ),
            )
        }
    };
    let minimum = Amount::new(minimum.value, minimum.currency().or(currency));
    let Some(ending) = Amount::of(newest.ending_balance.as_ref(), currency) else {
        return Outcome::Unread(
            ErrorKind::Unavailable,
            format!(
                "Azure reported no ending balance for enrollment {enrollment} in {}, so it cannot be shown to be at least {minimum}",
                newest.period_shown()
            ),
        );
    };
    match ending.try_cmp(&minimum) {
        Ok(order) if order.is_ge() => Outcome::Passed,
        Ok(_) => {
            let short = minimum
                .checked_sub(&ending)
                .ok()
                .flatten()
                .map_or_else(|| "an amount too large to show".into(), |a| a.to_string());
            Outcome::Failed(format!(
                "the Azure Prepayment of enrollment {enrollment} ({ending} at the end of {}) is below the minimum {minimum} by {short}",
                newest.period_shown()
            ))
        }
        Err(mismatch) => Outcome::Unread(ErrorKind::Unavailable, mismatch.to_string()),
    }
}

/// `--expiring-within DAYS` against the enrollment's end date: the prepayment ends with it.
/// `end` is the end date as read (`None`: the enrollment does not say it), or how and why it
/// could not be read: then the check says so, with the read's exit code.
pub(crate) fn enrollment_ends(
    enrollment: &str,
    end: Result<Option<NaiveDate>, (ErrorKind, &str)>,
    as_of: NaiveDate,
    days: i64,
) -> Outcome {
    let end = match end {
        Ok(end) => end,
        Err((kind, why)) => {
            return Outcome::Unread(
                kind,
                format!("the end date of enrollment {enrollment} could not be read: {why}"),
            )
        }
    };
    let Some(end) = end else {
        return Outcome::Unread(
            ErrorKind::Unavailable,
            format!(
                "enrollment {enrollment} does not say when it ends (no enrollmentDetails.endDate), so --expiring-within cannot be judged"
            ),
        );
    };
    if end <= as_of + Duration::days(days) {
        Outcome::Failed(format!(
            "enrollment {enrollment} ends on {end}, within {days} days: its Azure Prepayment ends with it"
        ))
    } else {
        Outcome::Passed
    }
}

/// `--min-days DAYS` for an enrollment: the earlier of the runway and the enrollment's end
/// must be at least DAYS away. A runway shorter than DAYS fails whatever the end; otherwise an
/// end that is unknown, or a balance that is hidden or missing, cannot be judged.
pub(crate) fn min_days(forecast: &EaForecast, days: i64) -> Outcome {
    if forecast.too_little_history {
        return too_little_history("--min-days");
    }
    if forecast.ending_balance.is_none() {
        return unknown_balance("--min-days", forecast);
    }
    if let Some(runway) = forecast.runway_days.filter(|runway| *runway < days) {
        return Outcome::Failed(format!(
            "enrollment {}: the prepayment runs out in {runway} days, fewer than {days}",
            forecast.account
        ));
    }
    let Some(end) = forecast.enrollment_end_date else {
        return unknown_end("--min-days", forecast);
    };
    let to_end = (end - forecast.as_of).num_days().max(0);
    if to_end < days {
        Outcome::Failed(format!(
            "enrollment {}: the enrollment ends in {to_end} days, fewer than {days}",
            forecast.account
        ))
    } else {
        Outcome::Passed
    }
}

/// The newest ending balance is unknown: hidden prices, or no answer for the open period.
fn unknown_balance(flag: &str, forecast: &EaForecast) -> Outcome {
    let why = if forecast.price_hidden {
        "its prices are hidden (priceHidden)"
    } else {
        "Azure stated no ending balance for its open period"
    };
    Outcome::Unread(
        ErrorKind::Unavailable,
        format!(
            "{flag} cannot be checked for enrollment {}: {why}",
            forecast.account
        ),
    )
}

/// The enrollment's end is unknown: with the read's own failure when it could not be read.
fn unknown_end(flag: &str, forecast: &EaForecast) -> Outcome {
    match &forecast.end_unread {
        Some((kind, why)) => Outcome::Unread(
            *kind,
            format!(
                "{flag} cannot be checked: the end date of enrollment {} could not be read: {why}",
                forecast.account
            ),
        ),
        None => Outcome::Unread(
            ErrorKind::Unavailable,
            format!(
                "{flag} cannot be checked: enrollment {} does not say when it ends (no enrollmentDetails.endDate)",
                forecast.account
            ),
        ),
    }
}

/// `--max-unused AMOUNT` for an enrollment: what is left when it ends, at the burn rate.
pub(crate) fn max_unused(forecast: &EaForecast, maximum: &Thresholds) -> Outcome {
    if forecast.too_little_history {
        return too_little_history("--max-unused");
    }
    if forecast.ending_balance.is_none() {
        return unknown_balance("--max-unused", forecast);
    }
    let Some(unused) = &forecast.expiring_unused else {
        return unknown_end("--max-unused", forecast);
    };
    let maximum = match maximum.for_currency(unused.currency()) {
        Threshold::Amount(amount) => {
            Amount::new(amount.value, amount.currency().or(unused.currency()))
        }
        Threshold::NoneFor(actual) => {
            return Outcome::NotChecked(format!(
                "{} has no amount in {actual}, the currency of enrollment {}",
                maximum.flag(),
                forecast.account
            ))
        }
        Threshold::UnknownCurrency => {
            return Outcome::Unread(
                ErrorKind::Unavailable,
                format!(
                    "Azure reported the prepayment of enrollment {} without a currency",
                    forecast.account
                ),
            )
        }
    };
    match unused.try_cmp(&maximum) {
        Ok(order) if order.is_le() => Outcome::Passed,
        Ok(_) => Outcome::Failed(format!(
            "{unused} of enrollment {}'s Azure Prepayment is left when it ends on {}, more than {maximum}",
            forecast.account,
            forecast
                .enrollment_end_date
                .map_or_else(|| "-".to_string(), |d| d.to_string())
        )),
        Err(mismatch) => Outcome::Unread(ErrorKind::Unavailable, mismatch.to_string()),
    }
}

fn too_little_history(flag: &str) -> Outcome {
    Outcome::Unread(
        ErrorKind::Unavailable,
        format!(
            "{flag} cannot be checked: too little history for a burn rate (fewer than {BURN_PERIODS} readable closed billing periods)"
        ),
    )
}

/// A row of `--all-enrollments`, as the fitting of amounts sees it.
pub(crate) trait EnrollmentRead {
    /// `None` when the row could not be read; else its currency, when it says one.
    fn currency_read(&self) -> Option<Option<String>>;
}

impl EnrollmentRead for EnrollmentRow {
    fn currency_read(&self) -> Option<Option<String>> {
        self.result.as_ref().ok().map(|p| p.currency.clone())
    }
}

impl EnrollmentRead for EnrollmentForecastRow {
    fn currency_read(&self) -> Option<Option<String>> {
        self.result.as_ref().ok().map(|f| f.currency.clone())
    }
}

/// The amounts asked (`--min`, `--max-unused`) over the rows of `--all-enrollments` that were
/// read, and the profiles' beside them (`--all`; none: `&[]`): one rule over both kinds. A
/// bare amount needs them all in one currency, and an amount in a currency none is in is a
/// mistake (exit 2).
pub(crate) fn fit_enrollments<P, E: EnrollmentRead>(
    thresholds: &[Option<&Thresholds>],
    profiles: &[ProfileRow<P>],
    profile_currency: impl Fn(&P) -> Option<String>,
    enrollments: &[E],
) -> crate::error::Result<()> {
    let currencies: std::collections::BTreeSet<String> = profiles
        .iter()
        .filter_map(|r| r.result.as_ref().ok())
        .filter_map(profile_currency)
        .chain(
            enrollments
                .iter()
                .filter_map(EnrollmentRead::currency_read)
                .flatten(),
        )
        .collect();
    let complete = profiles.iter().all(|r| r.error().is_none() || r.excluded())
        && enrollments.iter().all(|r| r.currency_read().is_some());
    let noun = if profiles.is_empty() {
        "enrollment"
    } else {
        "balance"
    };
    for threshold in thresholds.iter().flatten() {
        threshold.fit(&currencies, noun, complete)?;
    }
    Ok(())
}
