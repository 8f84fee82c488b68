//! The shapes Azure sends, as loosely as they really come: every field optional, amounts kept
//! as raw JSON numbers until converted exactly, booleans that may be strings, and the several
//! shapes of `billingProfiles`. Conversion into domain values happens in `domain`.
//!
//! Every struct is `#[serde(default)]`: any field may be missing.
//!
//! No `#[serde(flatten)]` and no untagged enum touches an amount: both buffer numbers and
//! would lose serde_json's exact number text.

use super::money::WireDecimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::fmt;

/// One page of an ARM list. `nextLink` is absent or null on the last page. `value` is
/// required: an answer without the array is not a page (another resource, an error page),
/// never an empty one.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    pub value: Vec<T>,
    pub next_link: Option<String>,
}

/// The `type` of an ARM record as sent. The types `credits` asks for are recognised while
/// reading (any case), so the common case costs no allocation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordType(Option<std::borrow::Cow<'static, str>>);

/// The record types `credits` reads.
pub const RECORD_TYPES: [&str; 5] = [
    "Microsoft.Billing/billingAccounts",
    "Microsoft.Billing/billingAccounts/billingProfiles",
    "Microsoft.Consumption/credits/balanceSummary",
    "Microsoft.Consumption/lots",
    "Microsoft.Consumption/events",
];

impl RecordType {
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de> Deserialize<'de> for RecordType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypeVisitor;
        impl Visitor<'_> for TypeVisitor {
            type Value = RecordType;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a resource type")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RecordType, E> {
                let known = RECORD_TYPES.iter().find(|t| t.eq_ignore_ascii_case(v));
                Ok(RecordType(Some(match known {
                    Some(known) => std::borrow::Cow::Borrowed(*known),
                    None => std::borrow::Cow::Owned(v.to_string()),
                })))
            }
            fn visit_unit<E: de::Error>(self) -> Result<RecordType, E> {
                Ok(RecordType(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<RecordType, E> {
                Ok(RecordType(None))
            }
        }
        deserializer.deserialize_any(TypeVisitor)
    }
}

/// What every ARM record says about itself: its type (`Microsoft.Consumption/lots`) and its
/// id, when the answer carries them. The client compares them with what it asked for.
pub trait ArmRecord {
    fn record_type(&self) -> Option<&str>;
    fn record_id(&self) -> Option<&str>;
}

macro_rules! arm_record {
    ($name:ident, id: Option) => {
        impl ArmRecord for $name {
            fn record_type(&self) -> Option<&str> {
                self.record_type.as_deref()
            }
            fn record_id(&self) -> Option<&str> {
                self.id.as_deref()
            }
        }
    };
    ($name:ident, id: String) => {
        impl ArmRecord for $name {
            fn record_type(&self) -> Option<&str> {
                self.record_type.as_deref()
            }
            fn record_id(&self) -> Option<&str> {
                Some(self.id.as_str()).filter(|id| !id.is_empty())
            }
        }
    };
}

arm_record!(BillingAccount, id: String);
arm_record!(BillingProfile, id: String);
arm_record!(CreditSummary, id: Option);
arm_record!(Lot, id: Option);
arm_record!(Event, id: Option);

/// An amount exactly as sent; every part may be missing.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Amount {
    pub currency: Option<String>,
    pub value: Option<WireDecimal>,
    pub exchange_rate: Option<WireDecimal>,
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
#[serde(default, rename_all = "camelCase")]
pub struct Reseller {
    pub reseller_id: Option<String>,
    pub reseller_description: Option<String>,
}

// ---------------------------------------------------------------- Microsoft.Billing

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BillingAccount {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub record_type: RecordType,
    pub properties: BillingAccountProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingAccountProperties {
    pub display_name: Option<String>,
    pub agreement_type: Option<String>,
    pub account_type: Option<String>,
    pub account_status: Option<String>,
    pub has_read_access: Option<LenientBool>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BillingProfile {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub record_type: RecordType,
    pub properties: BillingProfileProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingProfileProperties {
    pub display_name: Option<String>,
    pub currency: Option<String>,
    pub status: Option<String>,
    pub system_id: Option<String>,
    pub has_read_access: Option<LenientBool>,
}

// ---------------------------------------------------------------- Microsoft.Consumption

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreditSummary {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub record_type: RecordType,
    #[serde(alias = "etag")]
    #[serde(rename = "eTag")]
    pub e_tag: Option<String>,
    pub properties: CreditSummaryProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CreditSummaryProperties {
    pub balance_summary: Option<BalanceAmounts>,
    pub pending_credit_adjustments: Option<Amount>,
    pub expired_credit: Option<Amount>,
    pub pending_eligible_charges: Option<Amount>,
    pub credit_currency: Option<String>,
    pub billing_currency: Option<String>,
    pub reseller: Option<Reseller>,
    pub is_estimated_balance: Option<LenientBool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BalanceAmounts {
    pub estimated_balance: Option<Amount>,
    pub current_balance: Option<Amount>,
    pub estimated_balance_in_billing_currency: Option<Amount>,
    pub current_balance_in_billing_currency: Option<Amount>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Lot {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub record_type: RecordType,
    #[serde(alias = "etag")]
    #[serde(rename = "eTag")]
    pub e_tag: Option<String>,
    pub properties: LotProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LotProperties {
    pub original_amount: Option<Amount>,
    pub closed_balance: Option<Amount>,
    pub used_amount: Option<Amount>,
    pub original_amount_in_billing_currency: Option<Amount>,
    pub closed_balance_in_billing_currency: Option<Amount>,
    pub source: Option<String>,
    pub start_date: Option<String>,
    pub expiration_date: Option<String>,
    pub purchased_date: Option<String>,
    pub po_number: Option<LenientString>,
    pub status: Option<String>,
    pub credit_currency: Option<String>,
    pub billing_currency: Option<String>,
    pub reseller: Option<Reseller>,
    pub is_estimated_balance: Option<LenientBool>,
    /// Capital O on the wire.
    #[serde(rename = "OrganizationType", alias = "organizationType")]
    pub organization_type: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Event {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub record_type: RecordType,
    #[serde(alias = "etag")]
    #[serde(rename = "eTag")]
    pub e_tag: Option<String>,
    pub properties: EventProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EventProperties {
    pub transaction_date: Option<String>,
    pub description: Option<String>,
    pub event_type: Option<String>,
    pub new_credit: Option<Amount>,
    pub adjustments: Option<Amount>,
    pub credit_expired: Option<Amount>,
    pub charges: Option<Amount>,
    pub closed_balance: Option<Amount>,
    pub canceled_credit: Option<Amount>,
    pub new_credit_in_billing_currency: Option<Amount>,
    pub adjustments_in_billing_currency: Option<Amount>,
    pub credit_expired_in_billing_currency: Option<Amount>,
    pub charges_in_billing_currency: Option<Amount>,
    pub closed_balance_in_billing_currency: Option<Amount>,
    pub invoice_number: Option<LenientString>,
    pub billing_profile_id: Option<String>,
    pub billing_profile_display_name: Option<String>,
    pub lot_id: Option<String>,
    pub lot_source: Option<String>,
    pub credit_currency: Option<String>,
    pub billing_currency: Option<String>,
    pub reseller: Option<Reseller>,
    pub is_estimated_balance: Option<LenientBool>,
}

/// `{"error": {"code", "message", "target"?, "details"?}}`; `code` may be a number.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ErrorDetail {
    pub code: Option<LenientString>,
    pub message: Option<String>,
    pub target: Option<String>,
}
