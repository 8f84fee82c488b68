//! The shapes Azure sends, as loosely as they really come: every field optional, amounts kept
//! as raw JSON numbers until converted exactly, booleans that may be strings, and the several
//! shapes of `billingProfiles`. Conversion into domain values happens in `domain`.
//!
//! No `#[serde(flatten)]` and no untagged enum touches an amount: both buffer numbers and
//! would lose serde_json's exact number text.

use super::money::WireDecimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::fmt;

/// One page of an ARM list. `nextLink` is absent or null on the last page.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
    pub value: Vec<T>,
    #[serde(default)]
    pub next_link: Option<String>,
}

fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// An amount exactly as sent; every part may be missing.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Amount {
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub value: Option<WireDecimal>,
    #[serde(default)]
    pub exchange_rate: Option<WireDecimal>,
    #[serde(default)]
    pub exchange_rate_month: Option<WireDecimal>,
}

/// A boolean that has also been seen as the string "True"/"False".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LenientBool(pub bool);

impl<'de> Deserialize<'de> for LenientBool {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BoolVisitor;
        impl Visitor<'_> for BoolVisitor {
            type Value = LenientBool;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean or \"true\"/\"false\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<LenientBool, E> {
                Ok(LenientBool(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientBool, E> {
                if v.eq_ignore_ascii_case("true") {
                    Ok(LenientBool(true))
                } else if v.eq_ignore_ascii_case("false") {
                    Ok(LenientBool(false))
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
        }
        deserializer.deserialize_any(BoolVisitor)
    }
}

/// A string field that some API versions send as a number (invoice numbers, PO numbers).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LenientString(pub String);

impl<'de> Deserialize<'de> for LenientString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringVisitor;
        impl<'de> Visitor<'de> for StringVisitor {
            type Value = LenientString;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientString, E> {
                Ok(LenientString(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<LenientString, E> {
                Ok(LenientString(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<LenientString, E> {
                Ok(LenientString(String::new()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<LenientString, E> {
                Ok(LenientString(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientString, E> {
                Ok(LenientString(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientString, E> {
                Ok(LenientString(v.to_string()))
            }
            // Numbers arrive as serde_json's exact-text map (`arbitrary_precision`).
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<LenientString, A::Error> {
                let number =
                    serde_json::Number::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(LenientString(number.as_str().to_string()))
            }
        }
        deserializer.deserialize_any(StringVisitor)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reseller {
    #[serde(default)]
    pub reseller_id: Option<String>,
    #[serde(default)]
    pub reseller_description: Option<String>,
}

// ---------------------------------------------------------------- Microsoft.Billing

#[derive(Debug, Deserialize)]
pub struct BillingAccount {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub properties: BillingAccountProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingAccountProperties {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub agreement_type: Option<String>,
    #[serde(default)]
    pub account_type: Option<String>,
    #[serde(default)]
    pub account_status: Option<String>,
    #[serde(default)]
    pub has_read_access: Option<LenientBool>,
    #[serde(default)]
    pub billing_profiles: Option<ExpandedProfiles>,
}

/// `billingProfiles` inside an account: a plain array (2019-10-01-preview), or
/// `{hasMoreResults, value?}` (2020-05-01, where `value` is missing when not expanded).
#[derive(Debug)]
pub enum ExpandedProfiles {
    List(Vec<BillingProfile>),
    Page {
        has_more_results: bool,
        value: Option<Vec<BillingProfile>>,
    },
}

impl<'de> Deserialize<'de> for ExpandedProfiles {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct PageShape {
            #[serde(default)]
            has_more_results: Option<LenientBool>,
            #[serde(default)]
            value: Option<Vec<BillingProfile>>,
        }
        // Profiles carry no amounts, so buffering through a Value loses nothing.
        let raw = Value::deserialize(deserializer)?;
        match raw {
            Value::Array(_) => serde_json::from_value(raw)
                .map(ExpandedProfiles::List)
                .map_err(serde::de::Error::custom),
            Value::Object(_) => {
                let page: PageShape =
                    serde_json::from_value(raw).map_err(serde::de::Error::custom)?;
                Ok(ExpandedProfiles::Page {
                    has_more_results: page.has_more_results.is_some_and(|b| b.0),
                    value: page.value,
                })
            }
            Value::Null => Ok(ExpandedProfiles::Page {
                has_more_results: false,
                value: None,
            }),
            other => Err(serde::de::Error::custom(format!(
                "billingProfiles: expected an array or an object, found {}",
                super::money::json_kind(&other)
            ))),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct BillingProfile {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub properties: BillingProfileProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingProfileProperties {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub system_id: Option<String>,
    #[serde(default)]
    pub has_read_access: Option<LenientBool>,
}

// ---------------------------------------------------------------- Microsoft.Consumption

#[derive(Debug, Deserialize)]
pub struct CreditSummary {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, alias = "etag")]
    #[serde(rename = "eTag")]
    pub e_tag: Option<String>,
    #[serde(default)]
    pub properties: CreditSummaryProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditSummaryProperties {
    #[serde(default)]
    pub balance_summary: Option<BalanceAmounts>,
    #[serde(default)]
    pub pending_credit_adjustments: Option<Amount>,
    #[serde(default)]
    pub expired_credit: Option<Amount>,
    #[serde(default)]
    pub pending_eligible_charges: Option<Amount>,
    #[serde(default)]
    pub credit_currency: Option<String>,
    #[serde(default)]
    pub billing_currency: Option<String>,
    #[serde(default)]
    pub reseller: Option<Reseller>,
    #[serde(default)]
    pub is_estimated_balance: Option<LenientBool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BalanceAmounts {
    #[serde(default)]
    pub estimated_balance: Option<Amount>,
    #[serde(default)]
    pub current_balance: Option<Amount>,
    #[serde(default)]
    pub estimated_balance_in_billing_currency: Option<Amount>,
    #[serde(default)]
    pub current_balance_in_billing_currency: Option<Amount>,
}

#[derive(Debug, Deserialize)]
pub struct Lot {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, alias = "etag")]
    #[serde(rename = "eTag")]
    pub e_tag: Option<String>,
    #[serde(default)]
    pub properties: LotProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LotProperties {
    #[serde(default)]
    pub original_amount: Option<Amount>,
    #[serde(default)]
    pub closed_balance: Option<Amount>,
    #[serde(default)]
    pub used_amount: Option<Amount>,
    #[serde(default)]
    pub original_amount_in_billing_currency: Option<Amount>,
    #[serde(default)]
    pub closed_balance_in_billing_currency: Option<Amount>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub expiration_date: Option<String>,
    #[serde(default)]
    pub purchased_date: Option<String>,
    #[serde(default)]
    pub po_number: Option<LenientString>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub credit_currency: Option<String>,
    #[serde(default)]
    pub billing_currency: Option<String>,
    #[serde(default)]
    pub reseller: Option<Reseller>,
    #[serde(default)]
    pub is_estimated_balance: Option<LenientBool>,
    /// Capital O on the wire.
    #[serde(default, rename = "OrganizationType", alias = "organizationType")]
    pub organization_type: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Event {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, alias = "etag")]
    #[serde(rename = "eTag")]
    pub e_tag: Option<String>,
    #[serde(default)]
    pub properties: EventProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventProperties {
    #[serde(default)]
    pub transaction_date: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub event_type: Option<String>,
    #[serde(default)]
    pub new_credit: Option<Amount>,
    #[serde(default)]
    pub adjustments: Option<Amount>,
    #[serde(default)]
    pub credit_expired: Option<Amount>,
    #[serde(default)]
    pub charges: Option<Amount>,
    #[serde(default)]
    pub closed_balance: Option<Amount>,
    #[serde(default)]
    pub canceled_credit: Option<Amount>,
    #[serde(default)]
    pub new_credit_in_billing_currency: Option<Amount>,
    #[serde(default)]
    pub adjustments_in_billing_currency: Option<Amount>,
    #[serde(default)]
    pub credit_expired_in_billing_currency: Option<Amount>,
    #[serde(default)]
    pub charges_in_billing_currency: Option<Amount>,
    #[serde(default)]
    pub closed_balance_in_billing_currency: Option<Amount>,
    #[serde(default)]
    pub invoice_number: Option<LenientString>,
    #[serde(default)]
    pub billing_profile_id: Option<String>,
    #[serde(default)]
    pub billing_profile_display_name: Option<String>,
    #[serde(default)]
    pub lot_id: Option<String>,
    #[serde(default)]
    pub lot_source: Option<String>,
    #[serde(default)]
    pub credit_currency: Option<String>,
    #[serde(default)]
    pub billing_currency: Option<String>,
    #[serde(default)]
    pub reseller: Option<Reseller>,
    #[serde(default)]
    pub is_estimated_balance: Option<LenientBool>,
}

/// `{"error": {"code", "message", "target"?, "details"?}}`; `code` may be a number.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
pub struct ErrorDetail {
    #[serde(default)]
    pub code: Option<LenientString>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
}
