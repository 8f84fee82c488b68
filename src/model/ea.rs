//! Enterprise Agreement Azure Prepayment (formerly monetary commitment): the Consumption
//! `balances` of an enrollment, one billing period at a time. Amounts are bare JSON numbers in
//! the period's `currency` (sent padded, `"USD  "`); `priceHidden` hides every figure.

use super::domain::{present, ConvertError};
use super::money::{Money, WireDecimal};
use super::row::RowError;
use super::wire::{ArmRecord, LenientBool, LenientString, RecordType};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// `Microsoft.Consumption/balances` as sent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Balance {
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    #[serde(rename = "type")]
    pub(crate) record_type: RecordType,
    pub(crate) properties: BalanceProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct BalanceProperties {
    pub(crate) currency: Option<String>,
    pub(crate) beginning_balance: Option<WireDecimal>,
    pub(crate) ending_balance: Option<WireDecimal>,
    pub(crate) new_purchases: Option<WireDecimal>,
    pub(crate) new_purchases_details: Option<Vec<NamedValue>>,
    pub(crate) adjustments: Option<WireDecimal>,
    pub(crate) adjustment_details: Option<Vec<NamedValue>>,
    pub(crate) utilized: Option<WireDecimal>,
    pub(crate) service_overage: Option<WireDecimal>,
    pub(crate) charges_billed_separately: Option<WireDecimal>,
    pub(crate) total_overage: Option<WireDecimal>,
    pub(crate) total_usage: Option<WireDecimal>,
    pub(crate) azure_marketplace_service_charges: Option<WireDecimal>,
    pub(crate) overage_refund: Option<WireDecimal>,
    pub(crate) billing_frequency: Option<LenientString>,
    pub(crate) price_hidden: Option<LenientBool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct NamedValue {
    pub(crate) name: Option<String>,
    pub(crate) value: Option<WireDecimal>,
}

impl ArmRecord for Balance {
    fn record_type(&self) -> Option<&str> {
        self.record_type.as_deref()
    }
    fn record_id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    /// An answer without a single figure, and without saying that prices are hidden, is not
    /// a balance of nothing: it is a broken answer.
    fn incomplete(&self) -> Option<&'static str> {
        let p = &self.properties;
        let hidden = p.price_hidden.is_some_and(|h| h.0);
        let any = [
            &p.beginning_balance,
            &p.ending_balance,
            &p.new_purchases,
            &p.adjustments,
            &p.utilized,
        ]
        .iter()
        .any(|figure| figure.is_some());
        (!hidden && !any).then_some("it holds no prepayment figure at all")
    }
}

/// A billing period: a calendar month (`YYYYMM` in Azure's paths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    pub(crate) year: i32,
    pub(crate) month: u32,
}

impl Period {
    /// `YYYYMM` or `YYYY-MM`, a month 01-12.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let digits: String = text.chars().filter(|c| *c != '-').collect();
        let well_formed = digits.len() == 6
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (text.len() == 6 || (text.len() == 7 && text.as_bytes()[4] == b'-'));
        let (year, month) = if well_formed {
            (digits[..4].parse().ok(), digits[4..].parse().ok())
        } else {
            (None, None)
        };
        match (year, month) {
            (Some(year), Some(month)) if (1..=12).contains(&month) => Ok(Period { year, month }),
            _ => Err(format!(
                "--period {text:?} is not a billing period; give YYYYMM or YYYY-MM with a month 01-12, for example 202611"
            )),
        }
    }

    /// The period `as_of` falls in.
    pub(crate) fn of(day: NaiveDate) -> Self {
        Period {
            year: day.year(),
            month: day.month(),
        }
    }

    /// The period before this one.
    pub(crate) fn previous(self) -> Self {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// `YYYYMM`, as Azure's paths and `--json` write it.
    pub(crate) fn code(self) -> String {
        format!("{:04}{:02}", self.year, self.month)
    }

    /// The days of the period (a calendar month).
    pub(crate) fn days(self) -> i64 {
        let first = NaiveDate::from_ymd_opt(self.year, self.month, 1);
        let next = if self.month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.month + 1, 1)
        };
        match (first, next) {
            (Some(first), Some(next)) => (next - first).num_days(),
            _ => 30,
        }
    }
}

/// A period code (`202612`) for people: `2026-12`.
pub(crate) fn shown(code: &str) -> String {
    match (code.get(..4), code.get(4..)) {
        (Some(year), Some(month)) => format!("{year}-{month}"),
        _ => code.to_string(),
    }
}

/// The period a balance's id names (`…/billingPeriods/YYYYMM/…`), when it names one.
pub(crate) fn answered_period(id: Option<&str>) -> Option<Period> {
    let mut segments = id?.split('/');
    segments.find(|s| s.eq_ignore_ascii_case("billingPeriods"))?;
    Period::parse(segments.next()?).ok()
}

/// One named figure of a period (`newPurchasesDetails`, `adjustmentDetails`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NamedAmount {
    pub(crate) name: Option<String>,
    pub(crate) value: Option<Money>,
}

/// One period of an enrollment's Azure Prepayment, as `--json` prints it. With `priceHidden`
/// every amount is `null`: hidden, never zero.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EaPrepayment {
    pub(crate) kind: &'static str,
    /// The enrollment number.
    pub(crate) account: String,
    #[serde(skip)]
    pub(crate) account_display_name: Option<String>,
    /// `YYYYMM`.
    pub(crate) period: String,
    pub(crate) currency: Option<String>,
    pub(crate) beginning_balance: Option<Money>,
    pub(crate) new_purchases: Option<Money>,
    pub(crate) adjustments: Option<Money>,
    pub(crate) utilized: Option<Money>,
    pub(crate) ending_balance: Option<Money>,
    pub(crate) service_overage: Option<Money>,
    pub(crate) charges_billed_separately: Option<Money>,
    pub(crate) total_overage: Option<Money>,
    pub(crate) azure_marketplace_service_charges: Option<Money>,
    pub(crate) price_hidden: bool,
    pub(crate) new_purchases_details: Vec<NamedAmount>,
    pub(crate) adjustment_details: Vec<NamedAmount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) total_usage: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) billing_frequency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) overage_refund: Option<Money>,
}

impl EaPrepayment {
    /// The period for people: `2026-12` (`--json` and csv keep `202612`).
    pub(crate) fn period_shown(&self) -> String {
        shown(&self.period)
    }

    pub fn from_wire(
        account: &str,
        account_display_name: Option<String>,
        period: Period,
        raw: Balance,
    ) -> Result<Self, ConvertError> {
        let p = raw.properties;
        let hidden = p.price_hidden.is_some_and(|h| h.0);
        let currency = present(p.currency.map(|c| c.trim().to_string()));
        let amount = |field: &str, value: Option<WireDecimal>| -> Result<Option<Money>, String> {
            match value {
                Some(WireDecimal(Err(e))) => Err(format!("{field}: {e}")),
                // Hidden prices are unknown, whatever number came with them.
                _ if hidden => Ok(None),
                None | Some(WireDecimal(Ok(None))) => Ok(None),
                Some(WireDecimal(Ok(Some(value)))) => Ok(Some(Money {
                    value: Some(value),
                    currency: currency.clone(),
                    ..Money::default()
                })),
            }
        };
        let named = |field: &str, list: Option<Vec<NamedValue>>| {
            list.unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    Ok(NamedAmount {
                        name: present(item.name),
                        value: amount(&format!("{field}[{i}].value"), item.value)?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()
        };
        Ok(EaPrepayment {
            kind: "eaPrepayment",
            account: account.to_string(),
            account_display_name,
            period: period.code(),
            currency: currency.clone(),
            beginning_balance: amount("beginningBalance", p.beginning_balance)?,
            new_purchases: amount("newPurchases", p.new_purchases)?,
            adjustments: amount("adjustments", p.adjustments)?,
            utilized: amount("utilized", p.utilized)?,
            ending_balance: amount("endingBalance", p.ending_balance)?,
            service_overage: amount("serviceOverage", p.service_overage)?,
            charges_billed_separately: amount(
                "chargesBilledSeparately",
                p.charges_billed_separately,
            )?,
            total_overage: amount("totalOverage", p.total_overage)?,
            azure_marketplace_service_charges: amount(
                "azureMarketplaceServiceCharges",
                p.azure_marketplace_service_charges,
            )?,
            price_hidden: hidden,
            new_purchases_details: named("newPurchasesDetails", p.new_purchases_details)?,
            adjustment_details: named("adjustmentDetails", p.adjustment_details)?,
            total_usage: amount("totalUsage", p.total_usage)?,
            billing_frequency: present(p.billing_frequency.map(|f| f.0)),
            overage_refund: amount("overageRefund", p.overage_refund)?,
        })
    }
}

/// One enrollment of `balance --all-enrollments`: its current period, or why it could not
/// be read. Its JSON is the period's record with `outcome` (and `error` when unread).
#[derive(Debug, Clone)]
pub(crate) struct EnrollmentRow {
    pub(crate) account: String,
    pub(crate) account_display_name: Option<String>,
    pub(crate) result: Result<EaPrepayment, RowError>,
    /// The enrollment's end date, when `--expiring-within` asked for it (`None`: not
    /// asked), or why it could not be read. Not part of the row's JSON.
    pub(crate) end: Option<Result<Option<NaiveDate>, RowError>>,
}

impl EnrollmentRow {
    /// `ok`, `forbidden`, `notFound` or `failed`.
    pub(crate) fn outcome(&self) -> &'static str {
        match &self.result {
            Ok(_) => "ok",
            Err(error) => error.outcome(),
        }
    }
}

impl Serialize for EnrollmentRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Read<'a> {
            #[serde(flatten)]
            period: &'a EaPrepayment,
            outcome: &'static str,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Unread<'a> {
            kind: &'static str,
            account: &'a str,
            period: Option<&'a str>,
            outcome: &'static str,
            error: &'a RowError,
        }
        match &self.result {
            Ok(period) => Read {
                period,
                outcome: "ok",
            }
            .serialize(s),
            Err(error) => Unread {
                kind: "eaPrepayment",
                account: &self.account,
                period: None,
                outcome: self.outcome(),
                error,
            }
            .serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_six_digits_or_year_dash_month_with_a_real_month() {
        assert_eq!(
            Period::parse("202611").map(Period::code),
            Ok("202611".into())
        );
        assert_eq!(
            Period::parse("2026-01").map(Period::code),
            Ok("202601".into())
        );
        for bad in [
            "202613", "202600", "2026-1", "20261", "2026111", "2026/11", "abcdef", "", "2026-13",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        let january = Period::parse("202601").unwrap();
        assert_eq!(
            answered_period(Some("/providers/Microsoft.Billing/billingAccounts/1/providers/Microsoft.Billing/billingPeriods/201702/providers/Microsoft.Consumption/balances/b")),
            Period::parse("201702").ok()
        );
        assert_eq!(answered_period(Some("/providers/x/balances/b")), None);
        assert_eq!(january.previous().code(), "202512");
        assert_eq!(january.days(), 31);
        assert_eq!(Period::parse("202402").unwrap().days(), 29);
    }
}
