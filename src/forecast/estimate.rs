//! The forecast of a subscription's estimated monthly credit: this billing period's daily
//! cost so far, how many days the estimate lasts at it, and what it leaves unused when the
//! period ends (the credit is renewed then; none carries over).

use crate::model::money::Money;
use crate::model::subscription::SubscriptionCredit;
use chrono::{Duration, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EstimateForecast {
    #[serde(flatten)]
    pub(crate) credit: SubscriptionCredit,
    /// The cost of this period so far over its days so far, to the cent.
    pub(crate) burn_rate_per_day: Option<Money>,
    /// Whole days the estimate lasts at that rate, at most to the period's end (`None`: no
    /// cost yet).
    pub(crate) runway_days: Option<i64>,
    /// The day it runs out, when that is before the period ends (`None`: it lasts).
    pub(crate) depletion_date: Option<NaiveDate>,
    /// The day the credit is renewed: the day after the period ends.
    pub(crate) resets_on: Option<NaiveDate>,
    /// What the estimate leaves unused when the period ends at this rate (`None`: period
    /// unknown).
    pub(crate) unused_at_period_end: Option<Money>,
}

/// The forecast of `credit` on `as_of`.
pub(crate) fn forecast(credit: SubscriptionCredit, as_of: NaiveDate) -> EstimateForecast {
    let currency = credit.estimated_balance.currency.clone();
    let money = |value: Decimal| Money {
        value: Some(value),
        currency: currency.clone(),
        ..Default::default()
    };
    let balance = credit.estimated_balance.value.unwrap_or_default();
    let cost = credit.cost.value.unwrap_or_default();
    let (start, end) = (credit.period_start, credit.period_end);
    let elapsed =
        start.map(|start| ((as_of.min(end.unwrap_or(as_of)) - start).num_days() + 1).max(1));
    let rate = elapsed.map(|days| {
        (cost / Decimal::from(days))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    });
    let days_left = end.map(|end| (end - as_of).num_days().max(0));
    // Whole days the estimate lasts at this rate; it is renewed when the period ends.
    let lasts = rate.filter(|r| r > &Decimal::ZERO).map(|rate| {
        if balance <= Decimal::ZERO {
            0
        } else {
            (balance / rate).floor().try_into().unwrap_or(i64::MAX)
        }
    });
    let depletion_date = match (lasts, days_left) {
        (Some(runway), Some(left)) if runway <= left => Some(as_of + Duration::days(runway)),
        (Some(runway), None) => as_of.checked_add_signed(Duration::days(runway)),
        _ => None,
    };
    // Bounded by the period's end: the credit does not outlast its period.
    let runway_days = match (lasts, days_left) {
        (Some(runway), Some(left)) => Some(runway.min(left)),
        (runway, _) => runway,
    };
    let unused_at_period_end = days_left.map(|left| {
        let spent = rate.unwrap_or_default() * Decimal::from(left);
        let unused = balance - spent;
        // Nothing left is written as cents, as every other amount is.
        money(if unused.is_sign_positive() && !unused.is_zero() {
            unused
        } else {
            Decimal::new(0, 2)
        })
    });
    EstimateForecast {
        burn_rate_per_day: rate.map(money),
        runway_days,
        depletion_date,
        resets_on: end.and_then(|end| end.succ_opt()),
        unused_at_period_end,
        credit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::subscription::{BillingPeriod, SubscriptionRef};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a day")
    }

    fn credit(allowance: i64, cost: &str) -> SubscriptionCredit {
        SubscriptionCredit::estimate(
            SubscriptionRef {
                id: "s".into(),
                display_name: None,
            },
            None,
            Decimal::from(allowance),
            cost.parse().expect("a number"),
            Some("USD"),
            Some(BillingPeriod {
                start: day("2026-11-20"),
                end: day("2026-12-19"),
            }),
            chrono::Utc::now(),
        )
    }

    #[test]
    fn the_estimate_runs_out_at_this_periods_daily_cost_or_lasts_the_period() {
        // 18 days so far (Nov 20 to Dec 7), 108 USD: 6 USD a day; 42 left lasts 7 days.
        let outlook = forecast(credit(150, "108.00"), day("2026-12-07"));
        assert_eq!(
            outlook.burn_rate_per_day.and_then(|m| m.value),
            Some(Decimal::from(6))
        );
        assert_eq!(outlook.runway_days, Some(7));
        assert_eq!(outlook.depletion_date, Some(day("2026-12-14")));
        assert_eq!(outlook.resets_on, Some(day("2026-12-20")));
        assert_eq!(
            outlook.unused_at_period_end.and_then(|m| m.value),
            Some(Decimal::ZERO)
        );
        // 18 USD so far: 1 USD a day, 132 left, 12 days to go: 120 unused, no depletion.
        let outlook = forecast(credit(150, "18"), day("2026-12-07"));
        assert_eq!(outlook.runway_days, Some(12));
        assert_eq!(outlook.depletion_date, None);
        assert_eq!(
            outlook.unused_at_period_end.and_then(|m| m.value),
            Some(Decimal::from(120))
        );
    }
}
