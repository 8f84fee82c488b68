//! Colour means "look here", by one set of rules for every command: red for failed checks,
//! negative balances, credit expiring unused and expired credit; yellow for credit expiring
//! within the window (`EXPIRING_WITHIN_DAYS`). Ordinary figures (charges, which are negative
//! by nature) are not coloured. Views ask these functions; writers only paint.
//!
//! Must not: decide anything but a tone, or colour a value for its sign alone.

use super::cell::Tone;
use crate::aco::AcoCredit;
use crate::model::amount::Amount;
use crate::model::domain::{LotOnDay, LotStatus};
use crate::model::money::{minor_units, Money};
use rust_decimal::Decimal;

/// A balance below zero, as people see it (`-0.001 USD` shows as `0.00 USD`: not red).
pub(crate) fn balance(value: Option<&Money>) -> Option<Tone> {
    let money = value?;
    shown_negative(money.value?, money.currency.as_deref()).then_some(Tone::Bad)
}

/// The same for a balance `credits` computed.
pub(crate) fn computed_balance(value: Option<&Amount>) -> Option<Tone> {
    let amount = value?;
    shown_negative(amount.value, amount.currency()).then_some(Tone::Bad)
}

/// Credit that will expire unused: anything above zero as shown.
pub(crate) fn unused(value: Option<&Amount>) -> Option<Tone> {
    let amount = value?;
    shown_positive(amount.value, amount.currency()).then_some(Tone::Bad)
}

/// What an invoice charged to another payment method while credit was left: anything above
/// zero as shown.
pub(crate) fn charged_with_credit_left(value: Option<&Amount>) -> Option<Tone> {
    unused(value)
}

/// An expired lot is red; one with credit left that lapses within the window is yellow.
pub(crate) fn lot(lot: &LotOnDay<'_>) -> Option<Tone> {
    match &lot.status {
        LotStatus::Expired => Some(Tone::Bad),
        LotStatus::Reported(s) if s.eq_ignore_ascii_case("expired") => Some(Tone::Bad),
        LotStatus::Expiring => Some(Tone::Warn),
        _ if lot.expiring_soon => Some(Tone::Warn),
        _ => None,
    }
}

/// An expired ACO credit is red; one with balance left that lapses within the window yellow.
pub(crate) fn aco(credit: &AcoCredit) -> Option<Tone> {
    if credit.expired {
        Some(Tone::Bad)
    } else if credit.expiring_soon {
        Some(Tone::Warn)
    } else {
        None
    }
}

/// A check's result in `report`: failed (or could not be made) is red.
pub(crate) fn check(result: &str) -> Option<Tone> {
    matches!(result, "failed" | "could not check").then_some(Tone::Bad)
}

fn rounded(value: Decimal, currency: Option<&str>) -> Decimal {
    value.round_dp_with_strategy(
        minor_units(currency),
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    )
}

fn shown_negative(value: Decimal, currency: Option<&str>) -> bool {
    let shown = rounded(value, currency);
    shown.is_sign_negative() && !shown.is_zero()
}

fn shown_positive(value: Decimal, currency: Option<&str>) -> bool {
    let shown = rounded(value, currency);
    shown.is_sign_positive() && !shown.is_zero()
}

/// A billing profile Azure has disabled (its subscriptions stopped): red. `Warned` is only
/// said.
pub(crate) fn profile_standing(standing: &crate::model::domain::ProfileStanding) -> Option<Tone> {
    standing.is_disabled().then_some(Tone::Bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn money(value: &str) -> Money {
        Money::new(Decimal::from_str(value).unwrap(), "USD")
    }

    #[test]
    fn only_what_needs_a_look_stands_out() {
        assert_eq!(balance(Some(&money("-5.00"))), Some(Tone::Bad));
        assert_eq!(balance(Some(&money("-0.001"))), None, "shows as 0.00");
        assert_eq!(balance(Some(&money("12.00"))), None);
        let some = Amount::new(Decimal::from_str("0.01").unwrap(), Some("USD"));
        let none = Amount::new(Decimal::from_str("0.004").unwrap(), Some("USD"));
        assert_eq!(unused(Some(&some)), Some(Tone::Bad));
        assert_eq!(unused(Some(&none)), None);
        assert_eq!(check("failed"), Some(Tone::Bad));
        assert_eq!(check("passed"), None);
    }
}
