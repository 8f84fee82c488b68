//! `Amount`: an exact value in one currency, with arithmetic that refuses to mix currencies.
//! Checks and forecasts compute with it; `Money` stays the faithful record of what Azure sent.

use super::money::{group_thousands, Money};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// An exact amount of money. `currency` is `None` only when nobody said which currency it
/// is (Azure sent none and the profile has none): it then takes the other side's currency
/// in arithmetic, since it cannot be shown to differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub(crate) value: Decimal,
    currency: Option<String>,
}

/// Two amounts in different currencies met in one sum or comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyMismatch {
    pub(crate) left: String,
    pub(crate) right: String,
}

impl fmt::Display for CurrencyMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} and {} are different currencies and are never added or compared",
            self.left, self.right
        )
    }
}

impl std::error::Error for CurrencyMismatch {}

impl Amount {
    /// `currency` is normalised to upper case (`usd` and `USD` are one currency).
    pub(crate) fn new(value: Decimal, currency: Option<&str>) -> Self {
        Amount {
            value,
            currency: currency
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_ascii_uppercase),
        }
    }

    /// The amount of a `Money` Azure sent, in its own currency or else `fallback_currency`;
    /// `None` when Azure sent no value.
    pub(crate) fn of(money: Option<&Money>, fallback_currency: Option<&str>) -> Option<Self> {
        let money = money?;
        let value = money.value?;
        Some(Amount::new(
            value,
            money.currency.as_deref().or(fallback_currency),
        ))
    }

    pub(crate) fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    /// The common currency of two amounts, or the mismatch.
    fn common_currency(&self, other: &Amount) -> Result<Option<String>, CurrencyMismatch> {
        match (&self.currency, &other.currency) {
            (Some(a), Some(b)) if a != b => Err(CurrencyMismatch {
                left: a.clone(),
                right: b.clone(),
            }),
            (a, b) => Ok(a.clone().or_else(|| b.clone())),
        }
    }

    /// `self + other`, `None` on overflow.
    pub(crate) fn checked_add(&self, other: &Amount) -> Result<Option<Amount>, CurrencyMismatch> {
        let currency = self.common_currency(other)?;
        Ok(self
            .value
            .checked_add(other.value)
            .map(|value| Amount { value, currency }))
    }

    /// `self - other`, `None` on overflow.
    pub(crate) fn checked_sub(&self, other: &Amount) -> Result<Option<Amount>, CurrencyMismatch> {
        let currency = self.common_currency(other)?;
        Ok(self
            .value
            .checked_sub(other.value)
            .map(|value| Amount { value, currency }))
    }

    /// Compares two amounts of the same currency.
    pub(crate) fn try_cmp(&self, other: &Amount) -> Result<Ordering, CurrencyMismatch> {
        self.common_currency(other)?;
        Ok(self.value.cmp(&other.value))
    }
}

/// `1,234.50 USD`, every digit kept.
impl Amount {
    /// For people: rounded to the currency's minor unit (`Display` keeps every digit).
    pub(crate) fn rounded(&self) -> String {
        super::money::for_people(&self.value, self.currency.as_deref())
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.currency {
            Some(currency) => write!(f, "{} {currency}", group_thousands(&self.value)),
            None => f.write_str(&group_thousands(&self.value)),
        }
    }
}

/// `Amount` as JSON: `{"value": <exact number>, "currency": ..}`, like every amount.
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Exact<'a>(&'a Decimal);
        impl Serialize for Exact<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                crate::model::money::serialize_decimal(self.0, s)
            }
        }
        let mut out = s.serialize_struct("Amount", 2)?;
        out.serialize_field("value", &Exact(&self.value))?;
        out.serialize_field("currency", &self.currency())?;
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn amount(value: &str, currency: Option<&str>) -> Amount {
        Amount::new(Decimal::from_str(value).unwrap(), currency)
    }

    #[test]
    fn refuses_to_mix_currencies() {
        let usd = amount("10.50", Some("USD"));
        let eur = amount("1", Some("EUR"));
        assert!(usd.checked_add(&eur).is_err());
        assert!(usd.checked_sub(&eur).is_err());
        let mismatch = usd.try_cmp(&eur).unwrap_err();
        assert_eq!(mismatch.left, "USD");
        assert_eq!(mismatch.right, "EUR");
    }

    #[test]
    fn same_currency_in_any_case_adds_exactly() {
        let a = amount("0.1", Some("usd"));
        let b = amount("0.2", Some("USD"));
        let sum = a.checked_add(&b).unwrap().unwrap();
        assert_eq!(sum.to_string(), "0.3 USD");
        assert_eq!(a.try_cmp(&b).unwrap(), Ordering::Less);
        let difference = b.checked_sub(&a).unwrap().unwrap();
        assert_eq!(difference.value, Decimal::from_str("0.1").unwrap());
    }

    #[test]
    fn an_unstated_currency_takes_the_other_side() {
        let unknown = amount("5", None);
        let usd = amount("1234.5", Some("USD"));
        let sum = unknown.checked_add(&usd).unwrap().unwrap();
        assert_eq!(sum.to_string(), "1,239.5 USD");
    }

    #[test]
    fn amounts_of_money_use_the_fallback_currency_only_when_azure_sent_none() {
        let mut money = Money::default();
        assert_eq!(Amount::of(Some(&money), Some("EUR")), None, "no value");
        money.value = Some(Decimal::ONE);
        assert_eq!(
            Amount::of(Some(&money), Some("EUR")).unwrap().currency(),
            Some("EUR")
        );
        money.currency = Some("USD".into());
        assert_eq!(
            Amount::of(Some(&money), Some("EUR")).unwrap().currency(),
            Some("USD")
        );
    }
}
