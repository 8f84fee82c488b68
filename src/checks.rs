//! The checks a CI job asks for (`--min`, `--expiring-within`) as pure functions that return
//! outcomes, and the one rule that turns a command's outcomes into its exit code:
//!
//! 1. if anything could not be read, the command could not check: the exit code of the
//!    first read failure (3-6), never 0 or 1;
//! 2. else, if any check failed: 1;
//! 3. else: 0.
//!
//! Must not: print or fetch. Commands print the data first, then ask `verdict`.

use crate::error::{Error, ErrorKind, Result};
use crate::model::amount::Amount;
use crate::model::dates::format_day;
use crate::model::domain::{start_of, BalanceSummary, CreditLot};
use crate::model::money::parse_user_amount;
use chrono::{Duration, NaiveDate};

/// What one check (or one read) found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// The check did not pass; the text says why, with the figures.
    Failed(String),
    /// The value to check could not be read.
    Unread(ErrorKind),
}

/// What a command's outcomes add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    AllClear,
    ChecksFailed,
    /// At least one read failed; the kind of the first.
    CouldNotCheck(ErrorKind),
}

impl Verdict {
    /// The command's result: `Ok` when all is clear, else the error whose kind is the exit
    /// code (`error.rs`), with `failed` or `unread` saying why.
    pub fn conclude(
        self,
        failed: impl FnOnce() -> String,
        unread: impl FnOnce() -> String,
    ) -> Result<()> {
        match self {
            Verdict::AllClear => Ok(()),
            Verdict::ChecksFailed => Err(Error::check_failed(failed())),
            Verdict::CouldNotCheck(kind) => Err(Error::new(kind, unread())),
        }
    }
}

/// The reasons of the failed checks among `outcomes`.
pub fn reasons(outcomes: &[Outcome]) -> Vec<&str> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed(why) => Some(why.as_str()),
            _ => None,
        })
        .collect()
}

/// The rule (see the module doc).
pub fn verdict<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> Verdict {
    let mut result = Verdict::AllClear;
    for outcome in outcomes {
        match outcome {
            Outcome::Unread(kind) => return Verdict::CouldNotCheck(*kind),
            Outcome::Failed(_) => result = Verdict::ChecksFailed,
            Outcome::Passed => {}
        }
    }
    result
}

/// `--min`: the amount, with the currency when the user wrote one (`500USD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minimum(Amount);

impl Minimum {
    pub fn parse(text: &str) -> Result<Self> {
        let (value, currency) =
            parse_user_amount(text).map_err(|e| Error::usage(format!("--min {e}")))?;
        Ok(Minimum(Amount::new(value, currency.as_deref())))
    }
}

/// Whether the estimated balance is at least `minimum`. Never compares across currencies
/// (that is a usage error), and a balance Azure did not state fails the check rather than
/// passing it.
pub fn min_balance(summary: &BalanceSummary, minimum: &Minimum) -> Result<Outcome> {
    let label = summary.billing_profile.label();
    let profile_currency = summary.billing_profile.currency.as_deref();
    let estimated = summary.estimated_balance.as_ref();
    let currency = estimated
        .and_then(|m| m.currency.as_deref())
        .or(profile_currency);
    let mismatch = |actual: &str| {
        Error::usage(format!(
            "--min is in {} but the balance of {label} is in {actual}; give the amount in {actual} (for example --min {}{actual})",
            minimum.0.currency().unwrap_or_default(),
            minimum.0.value
        ))
    };
    let Some(balance) = Amount::of(estimated, profile_currency) else {
        // Still refuse a minimum in another currency, even with no balance to compare.
        let nothing = Amount::new(rust_decimal::Decimal::ZERO, currency);
        nothing.try_cmp(&minimum.0).map_err(|m| mismatch(&m.left))?;
        let minimum = Amount::new(minimum.0.value, minimum.0.currency().or(currency));
        return Ok(Outcome::Failed(format!(
            "Azure reported no estimated balance, so it cannot be shown to be at least {minimum}"
        )));
    };
    if let (Some(wanted), None) = (minimum.0.currency(), balance.currency()) {
        // Nobody said which currency the balance is in: it cannot be shown to be in EUR.
        return Err(Error::unavailable(format!(
            "Azure reported the estimated balance of {label} without a currency, so it cannot be compared with --min {} {wanted}",
            minimum.0.value
        )));
    }
    let minimum = Amount::new(minimum.0.value, minimum.0.currency().or(balance.currency()));
    let order = balance.try_cmp(&minimum).map_err(|m| mismatch(&m.left))?;
    if order.is_ge() {
        return Ok(Outcome::Passed);
    }
    let short = minimum
        .checked_sub(&balance)
        .map_err(|m| mismatch(&m.right))?
        .map(|a| a.to_string())
        .unwrap_or_else(|| "an amount too large to show".into());
    Ok(Outcome::Failed(format!(
        "estimated balance {balance} is below the minimum {minimum} by {short}"
    )))
}

/// `--expiring-within DAYS`, parsed: 0 to 36500.
pub fn parse_days(text: &str) -> Result<i64> {
    match text.trim().parse::<i64>() {
        Ok(days) if (0..=36_500).contains(&days) => Ok(days),
        _ => Err(Error::usage(format!(
            "--expiring-within {text:?} is not a whole number of days; write a number from 0 to 36500, for example --expiring-within 30"
        ))),
    }
}

/// Fails when a lot with credit left expires within `days` days of `as_of`. Already expired
/// lots are history, not a warning.
pub fn expiring_within(lots: &[CreditLot], as_of: NaiveDate, days: i64) -> Outcome {
    let as_of = start_of(as_of);
    let horizon = as_of + Duration::days(days);
    let expiring: Vec<String> = lots
        .iter()
        .filter_map(|lot| {
            let remaining = lot.remaining()?;
            let expires = lot.expiration_date?;
            (expires > as_of && expires <= horizon).then(|| {
                format!(
                    "{} ({}) with {} left expires {}",
                    lot.source.as_deref().unwrap_or("credit"),
                    lot.name.as_deref().unwrap_or("unnamed lot"),
                    remaining.display(),
                    format_day(&expires)
                )
            })
        })
        .collect();
    if expiring.is_empty() {
        return Outcome::Passed;
    }
    Outcome::Failed(format!(
        "{} lot(s) with credit left expire within {days} days: {}",
        expiring.len(),
        expiring.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::domain::ProfileRef;
    use crate::model::money::Money;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn summary(estimated: Option<&str>, currency: &str) -> BalanceSummary {
        let profile = ProfileRef {
            id: "/p".into(),
            name: "p".into(),
            display_name: Some("Development".into()),
            currency: Some(currency.into()),
        };
        let mut summary = BalanceSummary::no_credits(profile);
        summary.estimated_balance =
            estimated.map(|v| Money::new(Decimal::from_str(v).unwrap(), currency));
        summary
    }

    #[test]
    fn min_passes_at_or_above_and_fails_below_with_the_shortfall() {
        let min = Minimum::parse("500").unwrap();
        assert_eq!(
            min_balance(&summary(Some("500.00"), "USD"), &min).unwrap(),
            Outcome::Passed
        );
        assert_eq!(
            min_balance(&summary(Some("480.10"), "USD"), &min).unwrap(),
            Outcome::Failed(
                "estimated balance 480.10 USD is below the minimum 500 USD by 19.90 USD".into()
            )
        );
    }

    #[test]
    fn min_never_compares_currencies() {
        let min = Minimum::parse("500USD").unwrap();
        let error = min_balance(&summary(Some("9000"), "EUR"), &min).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.message.contains("is in EUR"), "{error}");
        let error = min_balance(&summary(None, "EUR"), &min).unwrap_err();
        assert_eq!(error.exit_code(), 2);
    }

    #[test]
    fn a_balance_without_a_currency_cannot_pass_a_minimum_with_one() {
        let mut summary = summary(Some("900"), "USD");
        summary.billing_profile.currency = None;
        if let Some(money) = summary.estimated_balance.as_mut() {
            money.currency = None;
        }
        let error = min_balance(&summary, &Minimum::parse("500EUR").unwrap()).unwrap_err();
        assert_eq!(error.exit_code(), 6, "could not check, not all clear");
        let plain = min_balance(&summary, &Minimum::parse("500").unwrap()).unwrap();
        assert_eq!(plain, Outcome::Passed);
    }

    #[test]
    fn an_unstated_balance_fails_the_check() {
        let min = Minimum::parse("1").unwrap();
        let outcome = min_balance(&summary(None, "USD"), &min).unwrap();
        assert!(matches!(outcome, Outcome::Failed(why) if why.contains("no estimated balance")));
    }

    #[test]
    fn could_not_check_wins_over_a_failed_check_which_wins_over_passing() {
        use Outcome::*;
        assert_eq!(verdict(&[]), Verdict::AllClear);
        assert_eq!(verdict(&[Passed, Passed]), Verdict::AllClear);
        assert_eq!(
            verdict(&[Passed, Failed("x".into())]),
            Verdict::ChecksFailed
        );
        let mixed = [
            Failed("x".into()),
            Unread(ErrorKind::Permission),
            Unread(ErrorKind::Unavailable),
        ];
        assert_eq!(
            verdict(&mixed),
            Verdict::CouldNotCheck(ErrorKind::Permission)
        );
        let code = |v: Verdict| {
            v.conclude(|| "low".into(), || "unread".into())
                .map_or_else(|e| e.exit_code(), |()| 0)
        };
        assert_eq!(code(verdict(&mixed)), 4);
        assert_eq!(code(Verdict::ChecksFailed), 1);
        assert_eq!(code(Verdict::AllClear), 0);
        let failed = Verdict::ChecksFailed
            .conclude(|| "low".into(), || "unread".into())
            .unwrap_err();
        assert_eq!(failed.message, "check failed: low");
    }

    #[test]
    fn expiring_lots_are_named_and_expired_ones_ignored() {
        use chrono::TimeZone;
        let lot = |expires: (i32, u32, u32), left: &str| CreditLot {
            name: Some("L".into()),
            source: Some("Azure Promotional Credit".into()),
            expiration_date: Some(
                chrono::Utc
                    .with_ymd_and_hms(expires.0, expires.1, expires.2, 0, 0, 0)
                    .unwrap(),
            ),
            closed_balance: Some(Money::new(Decimal::from_str(left).unwrap(), "USD")),
            ..CreditLot::from_wire(Default::default()).unwrap()
        };
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let lots = [
            lot((2026, 2, 1), "10"),
            lot((2026, 3, 21), "249.68"),
            lot((2026, 3, 5), "0"),
        ];
        let Outcome::Failed(why) = expiring_within(&lots, today, 30) else {
            panic!("should fail");
        };
        assert_eq!(
            why,
            "1 lot(s) with credit left expire within 30 days: Azure Promotional Credit (L) with 249.68 USD left expires 2026-03-21"
        );
        assert_eq!(expiring_within(&lots, today, 10), Outcome::Passed);
    }
}
