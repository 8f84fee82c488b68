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
}

/// The `type` of an ARM record as sent. The types `credits` asks for are recognised while
/// reading (any case), so the common case costs no allocation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct RecordType(Option<std::borrow::Cow<'static, str>>);

/// The record types `credits` reads.
pub(crate) const RECORD_TYPES: [&str; 6] = [
    "Microsoft.Billing/billingAccounts",
    "Microsoft.Billing/billingAccounts/invoices",
    "Microsoft.Billing/billingAccounts/billingProfiles",
    "Microsoft.Consumption/credits/balanceSummary",
    "Microsoft.Consumption/lots",
    "Microsoft.Consumption/events",
];

impl RecordType {
    pub(crate) fn as_deref(&self) -> Option<&str> {
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
pub(crate) trait ArmRecord {
    fn record_type(&self) -> Option<&str>;
    fn record_id(&self) -> Option<&str>;
    /// The billing profile the record says it belongs to, when its id does not say it
    /// (invoices lie in the account and name their profile in `billingProfileId`).
    fn stated_profile(&self) -> Option<&str> {
        None
    }
    /// Why the record is not a whole answer, when it is not: such an answer is fetched
    /// again, like a 503, before anything of it is used.
    fn incomplete(&self) -> Option<&'static str> {
        None
    }
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
impl ArmRecord for CreditSummary {
    fn record_type(&self) -> Option<&str> {
        self.record_type.as_deref()
    }
    fn record_id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    /// A balance summary without a single figure (`{}`, another resource's shape) is not a
    /// balance of nothing: it is a broken answer.
    fn incomplete(&self) -> Option<&'static str> {
        (!self.properties.has_a_figure()).then_some("it holds no balance figure at all")
    }
}

impl CreditSummaryProperties {
    /// Whether any balance figure came.
    pub(crate) fn has_a_figure(&self) -> bool {
        let figure = |a: &Option<Amount>| a.as_ref().is_some_and(|a| a.value.is_some());
        self.balance_summary.as_ref().is_some_and(|b| {
            figure(&b.estimated_balance)
                || figure(&b.current_balance)
                || figure(&b.estimated_balance_in_billing_currency)
                || figure(&b.current_balance_in_billing_currency)
        }) || figure(&self.pending_credit_adjustments)
            || figure(&self.expired_credit)
            || figure(&self.pending_eligible_charges)
    }
}

impl ArmRecord for Invoice {
    fn record_type(&self) -> Option<&str> {
        self.record_type.as_deref()
    }
    fn record_id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn stated_profile(&self) -> Option<&str> {
        self.properties.billing_profile_id.as_deref()
    }
}

/// A transaction summary says nothing about itself: only its shape is checked.
impl ArmRecord for TransactionSummary {
    fn record_type(&self) -> Option<&str> {
        None
    }
    fn record_id(&self) -> Option<&str> {
        None
    }
}
arm_record!(Lot, id: Option);
arm_record!(AvailableBalance, id: Option);
arm_record!(Event, id: Option);
arm_record!(CreditResource, id: Option);
arm_record!(BillingProperty, id: Option);
arm_record!(BillingPeriod, id: Option);
impl ArmRecord for Subscription {
    /// A subscription says no type.
    fn record_type(&self) -> Option<&str> {
        None
    }
    fn record_id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

/// An amount exactly as sent; every part may be missing.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Amount {
    pub(crate) currency: Option<String>,
    pub(crate) value: Option<WireDecimal>,
    pub(crate) exchange_rate: Option<WireDecimal>,
    pub(crate) exchange_rate_month: Option<WireDecimal>,
}

/// A boolean that has also been seen as the string "True"/"False".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LenientBool(pub bool);

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
pub(crate) struct LenientString(pub String);

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
pub(crate) struct Reseller {
    pub(crate) reseller_id: Option<String>,
    pub(crate) reseller_description: Option<String>,
}

// ---------------------------------------------------------------- Microsoft.Billing

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BillingAccount {
    pub(crate) id: String,
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) record_type: RecordType,
    pub(crate) properties: BillingAccountProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct BillingAccountProperties {
    pub(crate) display_name: Option<String>,
    pub(crate) agreement_type: Option<String>,
    pub(crate) account_type: Option<String>,
    pub(crate) account_status: Option<String>,
    pub(crate) has_read_access: Option<LenientBool>,
    pub(crate) billing_profiles: Option<ExpandedProfiles>,
    /// Enterprise Agreement enrollments only (Billing 2024-04-01).
    pub(crate) enrollment_details: Option<EnrollmentDetails>,
}

/// An enrollment's terms; its end bounds its Azure Prepayment.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct EnrollmentDetails {
    pub(crate) start_date: Option<String>,
    pub(crate) end_date: Option<String>,
}

/// `billingProfiles` inside an account: a plain array (2019-10-01-preview), or
/// `{hasMoreResults, value?}` (2020-05-01, where `value` is missing when not expanded).
#[derive(Debug)]
pub(crate) enum ExpandedProfiles {
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
    pub(crate) id: String,
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) record_type: RecordType,
    pub(crate) properties: BillingProfileProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct BillingProfileProperties {
    pub(crate) display_name: Option<String>,
    pub(crate) currency: Option<String>,
    pub(crate) status: Option<String>,
    /// Why a profile is not active (`SpendingLimitReached`, `SpendingLimitExpired`,
    /// `PastDue`, ...).
    pub(crate) status_reason_code: Option<String>,
    /// `On` or `Off`.
    pub(crate) spending_limit: Option<String>,
    /// 2024-04-01 only: each spending limit, with its amount, dates and status.
    pub(crate) spending_limit_details: Option<Vec<SpendingLimitDetail>>,
    pub(crate) system_id: Option<String>,
    pub(crate) has_read_access: Option<LenientBool>,
}

/// One spending limit of a billing profile (a free account's, a student's, a Visual Studio
/// subscriber's credit): the amount is a bare number in `currency`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct SpendingLimitDetail {
    pub(crate) amount: Option<WireDecimal>,
    pub(crate) currency: Option<String>,
    pub(crate) start_date: Option<String>,
    pub(crate) end_date: Option<String>,
    #[serde(rename = "type")]
    pub(crate) limit_type: Option<String>,
    pub(crate) status: Option<String>,
}

// ---------------------------------------------------------------- Microsoft.Consumption

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreditSummary {
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    #[serde(rename = "type")]
    pub(crate) record_type: RecordType,
    #[serde(alias = "etag")]
    #[serde(rename = "eTag")]
    pub(crate) e_tag: Option<String>,
    pub(crate) properties: CreditSummaryProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct CreditSummaryProperties {
    pub(crate) balance_summary: Option<BalanceAmounts>,
    pub(crate) pending_credit_adjustments: Option<Amount>,
    pub(crate) expired_credit: Option<Amount>,
    pub(crate) pending_eligible_charges: Option<Amount>,
    pub(crate) credit_currency: Option<String>,
    pub(crate) billing_currency: Option<String>,
    pub(crate) reseller: Option<Reseller>,
    pub(crate) is_estimated_balance: Option<LenientBool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct BalanceAmounts {
    pub(crate) estimated_balance: Option<Amount>,
    pub(crate) current_balance: Option<Amount>,
    pub(crate) estimated_balance_in_billing_currency: Option<Amount>,
    pub(crate) current_balance_in_billing_currency: Option<Amount>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Lot {
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    #[serde(rename = "type")]
    pub(crate) record_type: RecordType,
    #[serde(alias = "etag")]
    #[serde(rename = "eTag")]
    pub(crate) e_tag: Option<String>,
    pub(crate) properties: LotProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct LotProperties {
    pub(crate) original_amount: Option<Amount>,
    pub(crate) closed_balance: Option<Amount>,
    pub(crate) used_amount: Option<Amount>,
    pub(crate) original_amount_in_billing_currency: Option<Amount>,
    pub(crate) closed_balance_in_billing_currency: Option<Amount>,
    pub(crate) source: Option<String>,
    pub(crate) start_date: Option<String>,
    pub(crate) expiration_date: Option<String>,
    pub(crate) purchased_date: Option<String>,
    pub(crate) po_number: Option<LenientString>,
    pub(crate) status: Option<String>,
    pub(crate) credit_currency: Option<String>,
    pub(crate) billing_currency: Option<String>,
    pub(crate) reseller: Option<Reseller>,
    pub(crate) is_estimated_balance: Option<LenientBool>,
    /// Capital O on the wire.
    #[serde(rename = "OrganizationType", alias = "organizationType")]
    pub(crate) organization_type: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Event {
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    #[serde(rename = "type")]
    pub(crate) record_type: RecordType,
    #[serde(alias = "etag")]
    #[serde(rename = "eTag")]
    pub(crate) e_tag: Option<String>,
    // Boxed: the properties are most of an event's size, and a page of events is moved
    // (decoded, collected, handed on) as a list of small records.
    pub(crate) properties: Box<EventProperties>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct EventProperties {
    pub(crate) transaction_date: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) event_type: Option<String>,
    pub(crate) new_credit: Option<Amount>,
    pub(crate) adjustments: Option<Amount>,
    pub(crate) credit_expired: Option<Amount>,
    pub(crate) charges: Option<Amount>,
    pub(crate) closed_balance: Option<Amount>,
    pub(crate) canceled_credit: Option<Amount>,
    pub(crate) new_credit_in_billing_currency: Option<Amount>,
    pub(crate) adjustments_in_billing_currency: Option<Amount>,
    pub(crate) credit_expired_in_billing_currency: Option<Amount>,
    pub(crate) charges_in_billing_currency: Option<Amount>,
    pub(crate) closed_balance_in_billing_currency: Option<Amount>,
    pub(crate) invoice_number: Option<LenientString>,
    pub(crate) billing_profile_id: Option<String>,
    pub(crate) billing_profile_display_name: Option<String>,
    pub(crate) lot_id: Option<String>,
    pub(crate) lot_source: Option<String>,
    pub(crate) credit_currency: Option<String>,
    pub(crate) billing_currency: Option<String>,
    pub(crate) reseller: Option<Reseller>,
    pub(crate) is_estimated_balance: Option<LenientBool>,
}

// ---------------------------------------------------------------- Microsoft.Billing payments

/// `availableBalance/default` (Billing 2024-04-01): money paid on account and not yet
/// applied to invoices. Not credit.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AvailableBalance {
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    #[serde(rename = "type")]
    pub(crate) record_type: RecordType,
    pub(crate) properties: AvailableBalanceProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct AvailableBalanceProperties {
    /// The model's name for the figure.
    pub(crate) amount: Option<Amount>,
    /// An official example's name for the same figure.
    pub(crate) credit_amount_for_immediate_payment: Option<Amount>,
    pub(crate) payments_on_account: Option<Vec<PaymentOnAccount>>,
    pub(crate) total_payments_on_account: Option<Amount>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct PaymentOnAccount {
    pub(crate) amount: Option<Amount>,
    pub(crate) billing_profile_id: Option<String>,
    pub(crate) billing_profile_display_name: Option<String>,
    pub(crate) invoice_id: Option<String>,
    pub(crate) invoice_name: Option<LenientString>,
    pub(crate) date: Option<String>,
    #[serde(rename = "type")]
    pub(crate) payment_type: Option<String>,
    pub(crate) payment_method_type: Option<String>,
}

// ---------------------------------------------------------------- Microsoft.Billing invoices

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Invoice {
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    #[serde(rename = "type")]
    pub(crate) record_type: RecordType,
    pub(crate) properties: InvoiceProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct InvoiceProperties {
    pub(crate) amount_due: Option<Amount>,
    pub(crate) azure_prepayment_applied: Option<Amount>,
    pub(crate) billed_amount: Option<Amount>,
    pub(crate) credit_amount: Option<Amount>,
    pub(crate) free_azure_credit_applied: Option<Amount>,
    pub(crate) sub_total: Option<Amount>,
    pub(crate) tax_amount: Option<Amount>,
    pub(crate) total_amount: Option<Amount>,
    pub(crate) billing_profile_id: Option<String>,
    pub(crate) billing_profile_display_name: Option<String>,
    pub(crate) status: Option<LenientString>,
    pub(crate) document_type: Option<LenientString>,
    pub(crate) invoice_type: Option<LenientString>,
    pub(crate) is_monthly_invoice: Option<LenientBool>,
    pub(crate) invoice_date: Option<String>,
    pub(crate) due_date: Option<String>,
    pub(crate) invoice_period_start_date: Option<String>,
    pub(crate) invoice_period_end_date: Option<String>,
    pub(crate) credit_for_document_id: Option<String>,
    pub(crate) rebill_details: Option<RebillDetails>,
}

/// The invoice (and credit note) a rebill replaced, and what those replaced in turn.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct RebillDetails {
    pub(crate) invoice_document_id: Option<String>,
    pub(crate) credit_note_document_id: Option<String>,
    pub(crate) rebill_details: Option<Box<RebillDetails>>,
}

/// An invoice's transaction summary (2024-04-01): bare numbers in one billing currency.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TransactionSummary {
    pub(crate) azure_credit_applied: Option<WireDecimal>,
    pub(crate) consumption_commitment_decremented: Option<WireDecimal>,
    pub(crate) sub_total: Option<WireDecimal>,
    pub(crate) tax: Option<WireDecimal>,
    pub(crate) total: Option<WireDecimal>,
    pub(crate) billing_currency: Option<String>,
}

/// `{"error": {"code", "message", "target"?, "details"?}}`; `code` may be a number.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub(crate) error: ErrorDetail,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ErrorDetail {
    pub(crate) code: Option<LenientString>,
    pub(crate) message: Option<String>,
    pub(crate) target: Option<String>,
}

// ------------------------------------------------------- Microsoft.BillingBenefits credits

/// A credit resource as `applicableCredits` lists it (BillingBenefits 2026-06-01): Azure's
/// record of a credit awarded, with what was granted and consumed, never what is left.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreditResource {
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    #[serde(rename = "type")]
    pub(crate) record_type: RecordType,
    pub(crate) properties: CreditResourceProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct CreditResourceProperties {
    /// The credit's own resource id (the listing's `id` is an `applicableCredits` entry).
    pub(crate) resource_id: Option<String>,
    pub(crate) display_name: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) credit: Option<Commitment>,
    pub(crate) consumed: Option<Commitment>,
    pub(crate) start_at: Option<String>,
    pub(crate) end_at: Option<String>,
    pub(crate) funding_system_id: Option<LenientString>,
    pub(crate) system_id: Option<LenientString>,
    pub(crate) billing_account_resource_id: Option<String>,
    pub(crate) billing_profile_resource_id: Option<String>,
    pub(crate) customer_resource_id: Option<String>,
    pub(crate) policies: Option<CreditPolicies>,
}

/// An amount as BillingBenefits writes it: `{amount, currencyCode}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Commitment {
    pub(crate) amount: Option<WireDecimal>,
    pub(crate) currency_code: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct CreditPolicies {
    pub(crate) expiration: Option<String>,
}

// ------------------------------------------------------------------- subscriptions (MOSP)

/// A subscription's billing property (Billing 2024-04-01 `billingProperty/default`): its
/// agreement and, under a Microsoft Customer Agreement, its billing profile.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BillingProperty {
    pub(crate) id: Option<String>,
    #[serde(rename = "type")]
    pub(crate) record_type: RecordType,
    pub(crate) properties: BillingPropertyProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingPropertyProperties {
    pub(crate) billing_account_agreement_type: Option<String>,
    pub(crate) billing_account_id: Option<String>,
    pub(crate) billing_account_display_name: Option<String>,
    pub(crate) billing_profile_id: Option<String>,
    pub(crate) billing_profile_display_name: Option<String>,
    pub(crate) subscription_billing_type: Option<String>,
}

/// A subscription (Resources 2022-12-01): its name, state and offer (`quotaId`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Subscription {
    pub(crate) id: Option<String>,
    pub(crate) subscription_id: Option<String>,
    pub(crate) display_name: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) subscription_policies: SubscriptionPolicies,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SubscriptionPolicies {
    pub(crate) quota_id: Option<String>,
    pub(crate) spending_limit: Option<String>,
}

/// A subscription's billing period (Billing 2018-03-01-preview `billingPeriods`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BillingPeriod {
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    #[serde(rename = "type")]
    pub(crate) record_type: RecordType,
    pub(crate) properties: BillingPeriodProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingPeriodProperties {
    pub(crate) billing_period_start_date: Option<String>,
    pub(crate) billing_period_end_date: Option<String>,
}
