//! The checks of an Enterprise Agreement enrollment's Azure Prepayment: `--min` judges the
//! newest period's `endingBalance`, `--expiring-within` the enrollment's end date. Hidden
//! prices and an enrollment that does not say when it ends cannot be judged (exit 6), never
//! passed.

use super::{Outcome, Threshold, Thresholds};
use crate::error::ErrorKind;
use crate::model::amount::Amount;
use crate::model::ea::EaPrepayment;
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
pub(crate) fn enrollment_ends(
    enrollment: &str,
    end: Option<NaiveDate>,
    as_of: NaiveDate,
    days: i64,
) -> Outcome {
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
