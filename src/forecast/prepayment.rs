//! The forecast of an Enterprise Agreement enrollment's Azure Prepayment: the burn rate is
//! what the last three closed, not hidden periods used (`utilized`) per day; the runway and
//! the day it runs out are counted from the newest ending balance; what is left when the
//! enrollment ends expires with it.

use super::{MAX_RUNWAY_DAYS, RATE_DECIMALS};
use crate::model::amount::Amount;
use crate::model::ea::{EaPrepayment, Period};
use chrono::{Duration, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// How many closed periods the burn rate is taken over.
pub(crate) const BURN_PERIODS: usize = 3;

/// The forecast of one enrollment, as `--json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EaForecast {
    pub(crate) kind: &'static str,
    pub(crate) account: String,
    #[serde(skip)]
    pub(crate) account_display_name: Option<String>,
    #[serde(serialize_with = "iso_day")]
    pub(crate) as_of: NaiveDate,
    /// The newest period read: its ending balance is what the runway is counted from.
    pub(crate) period: String,
    pub(crate) currency: Option<String>,
    pub(crate) ending_balance: Option<Amount>,
    /// The closed periods the burn rate is taken over, newest first.
    pub(crate) burn_periods: Vec<String>,
    /// `None` with too little history (fewer than three readable closed periods).
    pub(crate) burn_rate_per_day: Option<Amount>,
    pub(crate) too_little_history: bool,
    /// Whole days the ending balance lasts at the burn rate; `None` without a rate or with a
    /// rate of zero ("no depletion in sight").
    pub(crate) runway_days: Option<i64>,
    #[serde(serialize_with = "iso_day_or_null")]
    pub(crate) depletion_date: Option<NaiveDate>,
    /// The day the enrollment ends (its prepayment ends with it), when it says.
    #[serde(serialize_with = "iso_day_or_null")]
    pub(crate) enrollment_end_date: Option<NaiveDate>,
    /// The ending balance left on the enrollment's end day at the burn rate: it expires.
    pub(crate) expiring_unused: Option<Amount>,
    /// The newest period's prices are hidden: its ending balance is unknown.
    #[serde(skip)]
    pub(crate) price_hidden: bool,
    /// Why the enrollment's end is unknown when it could not be read (not when it is not
    /// said): the checks that need it say so, with the read's exit code.
    #[serde(skip)]
    pub(crate) end_unread: Option<(crate::error::ErrorKind, String)>,
}

/// One enrollment of `forecast --all-enrollments`: its forecast, or why it could not be
/// read, and the outcomes of the checks asked of it. Its JSON is the forecast with
/// `outcome` (and `error` when unread).
#[derive(Debug, Clone)]
pub(crate) struct EnrollmentForecastRow {
    pub(crate) account: String,
    pub(crate) account_display_name: Option<String>,
    pub(crate) result: Result<EaForecast, crate::model::row::RowError>,
    pub(crate) outcomes: Vec<(&'static str, crate::checks::Outcome)>,
}

impl Serialize for EnrollmentForecastRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Read<'a> {
            #[serde(flatten)]
            forecast: &'a EaForecast,
            outcome: &'static str,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Unread<'a> {
            kind: &'static str,
            account: &'a str,
            outcome: &'static str,
            error: &'a crate::model::row::RowError,
        }
        match &self.result {
            Ok(forecast) => Read {
                forecast,
                outcome: "ok",
            }
            .serialize(s),
            Err(error) => Unread {
                kind: "eaPrepayment",
                account: &self.account,
                outcome: error.outcome(),
                error,
            }
            .serialize(s),
        }
    }
}

fn iso_day<S: Serializer>(day: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&day.to_string())
}

fn iso_day_or_null<S: Serializer>(day: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match day {
        Some(day) => s.serialize_str(&day.to_string()),
        None => s.serialize_none(),
    }
}

/// The forecast from `open` (the open period's record, when Azure answered for it) and
/// `closed` (the periods asked by name, newest first), as of `as_of`, for an enrollment
/// ending on `end`. The open period's record never counts in the burn: its use is partial.
pub(crate) fn forecast(
    open: Option<&EaPrepayment>,
    closed: &[EaPrepayment],
    as_of: NaiveDate,
    end: Option<NaiveDate>,
) -> EaForecast {
    let newest = open;
    let currency = newest
        .and_then(|r| r.currency.clone())
        .or_else(|| closed.first().and_then(|r| r.currency.clone()));
    let ending_balance =
        newest.and_then(|r| Amount::of(r.ending_balance.as_ref(), currency.as_deref()));
    // The periods before the open one (the one Azure's answer names, else the month of
    // `as_of`), not hidden, with a stated use: the newest three.
    let cutoff = newest
        .and_then(|r| Period::parse(&r.period).ok())
        .unwrap_or_else(|| Period::of(as_of));
    let burn: Vec<&EaPrepayment> = closed
        .iter()
        .filter(|r| Period::parse(&r.period).is_ok_and(|p| p < cutoff))
        .filter(|r| !r.price_hidden && r.utilized.as_ref().is_some_and(|u| u.value.is_some()))
        .take(BURN_PERIODS)
        .collect();
    let too_little_history = burn.len() < BURN_PERIODS;
    let burn_rate_per_day = (!too_little_history).then(|| {
        // Checked: figures from the server may be as large as a Decimal holds.
        let used: Decimal = burn
            .iter()
            .filter_map(|r| r.utilized.as_ref().and_then(|u| u.value))
            .try_fold(Decimal::ZERO, |sum, v| sum.checked_add(v))
            .unwrap_or(Decimal::MAX);
        let days: i64 = burn
            .iter()
            .filter_map(|r| Period::parse(&r.period).ok())
            .map(Period::days)
            .sum();
        let mut per_day = used
            .max(Decimal::ZERO)
            .checked_div(Decimal::from(days.max(1)))
            .unwrap_or(Decimal::ZERO)
            .round_dp(RATE_DECIMALS);
        per_day.rescale(RATE_DECIMALS);
        Amount::new(per_day, currency.as_deref())
    });
    let (runway_days, depletion_date) = match (&ending_balance, &burn_rate_per_day) {
        (Some(balance), _) if balance.value <= Decimal::ZERO => (Some(0), Some(as_of)),
        (Some(balance), Some(rate)) if !rate.value.is_zero() => {
            let days = balance
                .value
                .checked_div(rate.value)
                .map(|d| d.floor())
                .and_then(|d| d.to_i64())
                .filter(|d| *d <= MAX_RUNWAY_DAYS);
            (
                days,
                days.and_then(|d| as_of.checked_add_signed(Duration::days(d))),
            )
        }
        _ => (None, None),
    };
    let expiring_unused = match (&ending_balance, &burn_rate_per_day, end) {
        (Some(balance), Some(rate), Some(end)) => {
            let days_left = (end - as_of).num_days().max(0);
            let spent = rate.value.checked_mul(Decimal::from(days_left));
            spent.and_then(|spent| {
                let left = balance.value.checked_sub(spent)?;
                // Nothing left is written as cents, as every other amount is.
                let left = if left.is_sign_positive() && !left.is_zero() {
                    left.round_dp(2)
                } else {
                    Decimal::new(0, 2)
                };
                Some(Amount::new(left, currency.as_deref()))
            })
        }
        _ => None,
    };
    let any = newest.or(closed.first());
    EaForecast {
        kind: "eaPrepayment",
        account: any.map(|r| r.account.clone()).unwrap_or_default(),
        account_display_name: any.and_then(|r| r.account_display_name.clone()),
        as_of,
        period: newest.map(|r| r.period.clone()).unwrap_or_default(),
        currency,
        ending_balance,
        burn_periods: burn.iter().map(|r| r.period.clone()).collect(),
        burn_rate_per_day,
        too_little_history,
        runway_days,
        depletion_date,
        enrollment_end_date: end,
        expiring_unused,
        price_hidden: newest.is_some_and(|r| r.price_hidden),
        end_unread: None,
    }
}
