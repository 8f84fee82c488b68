//! Domain values built from the wire shapes: exact money, parsed dates, lot status as of a
//! day. Their `Serialize` form is the documented `--json` contract: the API's camelCase names,
//! flattened out of `properties`, amounts as `{"value": <exact number>, "currency": ..}`,
//! dates as ISO 8601.

use super::amount::Amount;
use super::dates::{format_iso, parse_azure_date};
use super::money::{Money, WireDecimal};
use super::scope::{NotAScope, Scope, ScopeKind};
use super::wire;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize, Serializer};

/// Why a response could not be turned into values: names the field and the problem.
pub(crate) type ConvertError = String;

pub(crate) fn money(
    field: &str,
    amount: Option<&wire::Amount>,
) -> Result<Option<Money>, ConvertError> {
    let Some(amount) = amount else {
        return Ok(None);
    };
    let exact = |part: &str, raw: &Option<WireDecimal>| match raw {
        Some(WireDecimal(Ok(value))) => Ok(*value),
        Some(WireDecimal(Err(e))) => Err(format!("{field}.{part}: {e}")),
        None => Ok(None),
    };
    Ok(Some(Money {
        value: exact("value", &amount.value)?,
        currency: amount.currency.clone(),
        exchange_rate: exact("exchangeRate", &amount.exchange_rate)?,
        exchange_rate_month: exact("exchangeRateMonth", &amount.exchange_rate_month)?,
    }))
}

pub(crate) fn date(field: &str, raw: Option<&str>) -> Result<Option<DateTime<Utc>>, ConvertError> {
    match raw {
        None => Ok(None),
        Some(text) if text.trim().is_empty() => Ok(None),
        Some(text) => parse_azure_date(text)
            .map(Some)
            .map_err(|e| format!("{field}: {e}")),
    }
}

pub(crate) fn serialize_iso<S: Serializer>(
    value: &Option<DateTime<Utc>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_str(&format_iso(v)),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Reseller {
    pub(crate) reseller_id: Option<String>,
    pub(crate) reseller_description: Option<String>,
}

fn reseller(raw: &Option<wire::Reseller>) -> Option<Reseller> {
    raw.as_ref().map(|r| Reseller {
        reseller_id: r.reseller_id.clone(),
        reseller_description: r.reseller_description.clone(),
    })
}

// ---------------------------------------------------------------- accounts and profiles

/// A billing profile as `credits` shows and resolves it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BillingProfile {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) display_name: Option<String>,
    pub(crate) currency: Option<String>,
    pub(crate) status: Option<String>,
    /// Why the profile is not active, as Azure says it (`SpendingLimitReached`, `PastDue`).
    #[serde(default)]
    pub(crate) status_reason_code: Option<String>,
    /// `{state: On|Off, details}`; the details come only from Billing 2024-04-01 (read by
    /// `accounts` for a profile whose limit is on, never kept in the profile cache).
    #[serde(default)]
    pub(crate) spending_limit: Option<SpendingLimit>,
    pub(crate) system_id: Option<String>,
    /// False when Azure says this principal cannot read the profile (it is then never
    /// resolved by `--profile`).
    pub(crate) has_read_access: bool,
}

impl From<wire::BillingProfile> for BillingProfile {
    fn from(raw: wire::BillingProfile) -> Self {
        let p = raw.properties;
        BillingProfile {
            id: raw.id,
            name: raw.name,
            display_name: present(p.display_name),
            currency: present(p.currency.map(|c| c.trim().to_string())),
            status: present(p.status),
            status_reason_code: present(p.status_reason_code),
            spending_limit: present(p.spending_limit).map(|state| SpendingLimit {
                state: Some(state),
                details: None,
            }),
            system_id: present(p.system_id),
            has_read_access: p.has_read_access.is_none_or(|b| b.0),
        }
    }
}

impl BillingProfile {
    /// Whether the listing says a spending limit is on (its details are worth a request).
    pub(crate) fn has_spending_limit(&self) -> bool {
        self.spending_limit
            .as_ref()
            .and_then(|l| l.state.as_deref())
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("on"))
    }

    /// The spending limits of the profile as Billing 2024-04-01 has it.
    pub fn with_details(&mut self, raw: wire::BillingProfile) -> Result<(), ConvertError> {
        let details = raw
            .properties
            .spending_limit_details
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, detail)| SpendingLimitDetail::from_wire(i, detail))
            .collect::<Result<Vec<_>, _>>()?;
        self.spending_limit
            .get_or_insert_with(SpendingLimit::default)
            .details = Some(details);
        Ok(())
    }
}

/// What a billing profile's listing says of its standing: the status (`Active`, `Warned`,
/// `Disabled`), why, and whether a spending limit is on. Carried with the resolved profile,
/// so the balance says it and its checks judge it without another request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileStanding {
    pub(crate) status: Option<String>,
    pub(crate) status_reason_code: Option<String>,
    pub(crate) spending_limit: Option<String>,
}

impl ProfileStanding {
    pub(crate) fn of(profile: &BillingProfile) -> Option<Self> {
        let standing = ProfileStanding {
            status: profile.status.clone(),
            status_reason_code: profile.status_reason_code.clone(),
            spending_limit: profile
                .spending_limit
                .as_ref()
                .and_then(|l| l.state.clone()),
        };
        (standing != ProfileStanding::default()).then_some(standing)
    }

    /// `Disabled`: Azure has stopped the profile's subscriptions (a spending limit reached
    /// or expired, a bill past due). Every check on it fails.
    pub(crate) fn is_disabled(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("disabled"))
    }

    /// A status other than `Active`, said under the balance: `Disabled (SpendingLimitReached)`.
    pub(crate) fn not_active(&self) -> Option<String> {
        let status = self.status.as_deref()?.trim();
        if status.eq_ignore_ascii_case("active") || status.is_empty() {
            return None;
        }
        Some(match self.status_reason_code.as_deref() {
            Some(reason) => format!("{status} ({reason})"),
            None => status.to_string(),
        })
    }
}

/// A billing profile's spending limit as `--json` prints it: `{state, details}`; `details`
/// is `null` unless they were read (Billing 2024-04-01, with `--details`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SpendingLimit {
    #[serde(default)]
    pub(crate) state: Option<String>,
    #[serde(default, skip_deserializing)]
    pub(crate) details: Option<Vec<SpendingLimitDetail>>,
}

/// One spending limit: a free account's, a student's, a subscriber's monthly credit.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SpendingLimitDetail {
    #[serde(rename = "type")]
    pub(crate) limit_type: Option<String>,
    pub(crate) amount: Option<Money>,
    #[serde(serialize_with = "serialize_iso")]
    pub(crate) start_date: Option<DateTime<Utc>>,
    #[serde(serialize_with = "serialize_iso")]
    pub(crate) end_date: Option<DateTime<Utc>>,
    pub(crate) status: Option<String>,
}

impl SpendingLimitDetail {
    pub(crate) fn from_wire(
        index: usize,
        raw: wire::SpendingLimitDetail,
    ) -> Result<Self, ConvertError> {
        let field = |name: &str| format!("spendingLimitDetails[{index}].{name}");
        let value = match raw.amount {
            Some(WireDecimal(Ok(value))) => value,
            Some(WireDecimal(Err(e))) => return Err(format!("{}: {e}", field("amount"))),
            None => None,
        };
        let currency = present(raw.currency.map(|c| c.trim().to_string()));
        Ok(SpendingLimitDetail {
            limit_type: present(raw.limit_type),
            amount: value.map(|value| Money {
                value: Some(value),
                currency,
                ..Money::default()
            }),
            start_date: date(&field("startDate"), raw.start_date.as_deref())?,
            end_date: date(&field("endDate"), raw.end_date.as_deref())?,
            status: present(raw.status),
        })
    }
}

pub(crate) const MCA_AGREEMENT: &str = "MicrosoftCustomerAgreement";
pub(crate) const EA_AGREEMENT: &str = "EnterpriseAgreement";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BillingAccount {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) display_name: Option<String>,
    pub(crate) agreement_type: Option<String>,
    pub(crate) account_type: Option<String>,
    pub(crate) account_status: Option<String>,
    /// True only for Microsoft Customer Agreement accounts: the only ones with credits.
    pub(crate) has_credits: bool,
    pub(crate) billing_profiles: Vec<BillingProfile>,
}

impl BillingAccount {
    pub(crate) fn is_mca(agreement_type: Option<&str>) -> bool {
        agreement_type.is_some_and(|a| a.eq_ignore_ascii_case(MCA_AGREEMENT))
    }

    /// An Enterprise Agreement enrollment: its Azure Prepayment is read with `--account`.
    pub(crate) fn is_enterprise_agreement(&self) -> bool {
        self.agreement_type
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(EA_AGREEMENT))
    }
}

// ---------------------------------------------------------------- balance

/// The `credits balance` result. `hasCredits` is false when Azure answered 204 (no credit data).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BalanceSummary {
    /// What kind of credit this record is: `mcaProfile` (a billing profile's), `mpaCustomer`
    /// (a partner's customer's); `eaPrepayment` and `subscriptionCredit` are other records.
    pub(crate) kind: &'static str,
    pub(crate) billing_profile: ScopeRef,
    pub(crate) has_credits: bool,
    pub estimated_balance: Option<Money>,
    pub(crate) current_balance: Option<Money>,
    pub(crate) pending_eligible_charges: Option<Money>,
    pub(crate) pending_credit_adjustments: Option<Money>,
    pub(crate) expired_credit: Option<Money>,
    pub(crate) estimated_balance_in_billing_currency: Option<Money>,
    pub(crate) current_balance_in_billing_currency: Option<Money>,
    pub(crate) credit_currency: Option<String>,
    pub(crate) billing_currency: Option<String>,
    pub(crate) is_estimated_balance: Option<bool>,
    pub(crate) reseller: Option<Reseller>,
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) e_tag: Option<String>,
    /// Where the balance comes from: Azure's balance summary, or (when Azure no longer
    /// serves one for the profile) the sum of the active lots.
    pub(crate) balance_source: BalanceSource,
    /// The sum of `closedBalance` over the active lots (`balance --details`, and the
    /// balance itself when the summary is gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) available_balance_from_lots: Option<Money>,
    /// Why the balance from lots that was asked for could not be computed (said in a note).
    #[serde(skip)]
    pub(crate) from_lots_unread: Option<String>,
    /// The lots read beside the summary, when a check needs them (`balance
    /// --expiring-within`), or how and why they could not be read; not part of the
    /// balance's JSON.
    #[serde(skip)]
    pub(crate) lots: Option<Result<Vec<CreditLot>, (crate::error::ErrorKind, String)>>,
    /// Money paid on account and not yet applied to invoices (`balance --details`): not
    /// credit, so never in a balance, a total, a check or a forecast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) payments_on_account: Option<PaymentsOnAccount>,
    /// Why payments on account that were asked for are left out, and whether that is said
    /// only with `-v` (a 403 or 404: not every role reads them, not every profile has them).
    #[serde(skip)]
    pub(crate) payments_unread: Option<LeftOut>,
    /// Why the spending limit's details asked for are left out.
    #[serde(skip)]
    pub(crate) spending_limit_unread: Option<LeftOut>,
    /// The lots whose expiry suspends the billing profile within the window (`--details`,
    /// from the credit resources): flags only, never in a figure or an exit code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) suspension_flags: Option<Vec<crate::model::credit_resource::SuspensionFlag>>,
    /// Why the credit resources asked for (`--details`) could not be read.
    #[serde(skip)]
    pub(crate) credit_resources_unread: Option<LeftOut>,
    /// The profile's status as listed (`Active`, `Warned`, `Disabled`); a disabled profile
    /// fails every check asked of it.
    pub(crate) status: Option<String>,
    pub(crate) status_reason_code: Option<String>,
    /// `{state, details}`, `null` when Azure said nothing of it.
    pub(crate) spending_limit: Option<SpendingLimit>,
    /// The subscription asked for (`--subscription`), when this profile's credit answers
    /// for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) subscription: Option<crate::model::subscription::SubscriptionRef>,
}

/// Something `--details` asked for beside the balance (payments on account, the spending
/// limit's details) and left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LeftOut {
    /// Said only with `-v`.
    pub(crate) quietly: bool,
    pub(crate) why: String,
}

/// A billing profile's payments on account (Billing 2024-04-01 `availableBalance`): money
/// paid and not yet applied to invoices. Shown beside the credit, never added to it.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PaymentsOnAccount {
    /// Azure's `amount`, or else `creditAmountForImmediatePayment` (an official example's
    /// name for the same figure).
    pub(crate) amount: Option<Money>,
    pub(crate) payments: Vec<PaymentOnAccount>,
    pub(crate) total_payments_on_account: Option<Money>,
}

/// One payment on account.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PaymentOnAccount {
    pub(crate) amount: Option<Money>,
    #[serde(serialize_with = "serialize_iso")]
    pub(crate) date: Option<DateTime<Utc>>,
    pub(crate) invoice_name: Option<String>,
    pub(crate) invoice_id: Option<String>,
    pub(crate) billing_profile_id: Option<String>,
    pub(crate) billing_profile_display_name: Option<String>,
    #[serde(rename = "type")]
    pub(crate) payment_type: Option<String>,
    pub(crate) payment_method_type: Option<String>,
}

impl PaymentsOnAccount {
    pub fn from_wire(raw: wire::AvailableBalance) -> Result<Self, ConvertError> {
        let p = raw.properties;
        let amount = match money("amount", p.amount.as_ref())? {
            Some(amount) if amount.value.is_some() => Some(amount),
            _ => money(
                "creditAmountForImmediatePayment",
                p.credit_amount_for_immediate_payment.as_ref(),
            )?,
        };
        let payments = p
            .payments_on_account
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, payment)| {
                let field = |name: &str| format!("paymentsOnAccount[{i}].{name}");
                Ok(PaymentOnAccount {
                    amount: money(&field("amount"), payment.amount.as_ref())?,
                    date: date(&field("date"), payment.date.as_deref())?,
                    invoice_name: present(payment.invoice_name.map(|s| s.0)),
                    invoice_id: present(payment.invoice_id),
                    billing_profile_id: present(payment.billing_profile_id),
                    billing_profile_display_name: present(payment.billing_profile_display_name),
                    payment_type: present(payment.payment_type),
                    payment_method_type: present(payment.payment_method_type),
                })
            })
            .collect::<Result<Vec<_>, ConvertError>>()?;
        Ok(PaymentsOnAccount {
            amount,
            payments,
            total_payments_on_account: money(
                "totalPaymentsOnAccount",
                p.total_payments_on_account.as_ref(),
            )?,
        })
    }
}

/// The `kind` of a balance record: a billing profile's, or a partner customer's.
fn record_kind(scope: &ScopeRef) -> &'static str {
    match scope.kind() {
        ScopeKind::Customer => "mpaCustomer",
        _ => "mcaProfile",
    }
}

/// Where a balance comes from.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) enum BalanceSource {
    Summary,
    Lots,
}

/// Which account a result belongs to.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccountRef {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) display_name: Option<String>,
}

impl AccountRef {
    pub(crate) fn of(account: &BillingAccount) -> Self {
        AccountRef {
            id: account.id.clone(),
            name: account.name.clone(),
            display_name: account.display_name.clone(),
        }
    }
}

/// The scope a result belongs to (a billing profile, or a partner's customer), with the
/// names Azure gave it. Its JSON is `{"id", "name", "displayName"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeRef {
    pub scope: Scope,
    pub display_name: Option<String>,
    /// The profile's currency, when it was found in a listing.
    pub currency: Option<String>,
    /// The display name of its billing account, when it was found in a listing.
    pub account_display_name: Option<String>,
    /// What the listing said of the profile's standing (status, why, spending limit);
    /// `None` when it was not listed (a full id) or said nothing.
    pub standing: Option<ProfileStanding>,
}

impl Serialize for ScopeRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape<'a> {
            id: &'a str,
            name: &'a str,
            display_name: &'a Option<String>,
        }
        Shape {
            id: self.id(),
            name: self.name(),
            display_name: &self.display_name,
        }
        .serialize(s)
    }
}

impl ScopeRef {
    /// A scope known by its id alone (`--profile` or `--customer` given as a full id).
    pub(crate) fn bare(scope: Scope) -> Self {
        ScopeRef {
            scope,
            display_name: None,
            currency: None,
            account_display_name: None,
            standing: None,
        }
    }

    /// The profile of `account` as listed, knowing the account's name. A listed id that is
    /// not a billing profile's is refused.
    pub(crate) fn in_account(
        profile: &BillingProfile,
        account: &BillingAccount,
    ) -> Result<Self, NotAScope> {
        let scope = Scope::parse(&profile.id)?;
        if scope.kind() != ScopeKind::BillingProfile {
            return Err(NotAScope(format!(
                "{:?} is listed as a billing profile but is a {} id",
                profile.id,
                scope.kind().noun()
            )));
        }
        Ok(ScopeRef {
            scope,
            display_name: profile.display_name.clone(),
            currency: profile.currency.clone(),
            account_display_name: account.display_name.clone(),
            standing: ProfileStanding::of(profile),
        })
    }

    pub(crate) fn id(&self) -> &str {
        self.scope.id()
    }

    pub(crate) fn name(&self) -> &str {
        self.scope.name()
    }

    pub(crate) fn kind(&self) -> ScopeKind {
        self.scope.kind()
    }

    /// The display name, or the id when Azure gave none (`--profile` was a full id).
    pub(crate) fn label(&self) -> &str {
        self.display_name.as_deref().unwrap_or(self.id())
    }

    /// Its billing account, as far as it is known here (the id is in the scope's).
    pub(crate) fn account(&self) -> AccountRef {
        let account = self.scope.account();
        AccountRef {
            id: account.id().to_string(),
            name: account.name().to_string(),
            display_name: self.account_display_name.clone(),
        }
    }
}

impl BalanceSummary {
    /// The profile's standing as the balance carries it (read again with `--details`).
    pub(crate) fn standing(&self) -> ProfileStanding {
        ProfileStanding {
            status: self.status.clone(),
            status_reason_code: self.status_reason_code.clone(),
            spending_limit: self.spending_limit.as_ref().and_then(|l| l.state.clone()),
        }
    }

    /// The profile as read at Billing 2024-04-01 (`balance --details`): its status now, and
    /// its spending limits in detail.
    pub(crate) fn with_profile(
        &mut self,
        profile: wire::BillingProfile,
    ) -> Result<(), ConvertError> {
        let p = profile.properties;
        let details = p
            .spending_limit_details
            .map(|details| {
                details
                    .into_iter()
                    .enumerate()
                    .map(|(i, detail)| SpendingLimitDetail::from_wire(i, detail))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        if let Some(status) = present(p.status) {
            self.status = Some(status);
            self.status_reason_code = present(p.status_reason_code);
        }
        let state = present(p.spending_limit)
            .or_else(|| self.spending_limit.as_ref().and_then(|l| l.state.clone()));
        if state.is_some() || details.is_some() {
            self.spending_limit = Some(SpendingLimit { state, details });
        }
        Ok(())
    }

    pub fn from_wire(profile: ScopeRef, raw: wire::CreditSummary) -> Result<Self, ConvertError> {
        let p = raw.properties;
        // An answer without a single balance figure (`{}`, `[]`, another resource) is not a
        // balance of nothing: it is not a balance at all. (The client fetches such an answer
        // again first; this holds for any other caller.)
        if !p.has_a_figure() {
            return Err("the answer holds no balance figure at all".into());
        }
        let sums = p.balance_summary.unwrap_or_default();
        let standing = profile.standing.clone();
        Ok(BalanceSummary {
            kind: record_kind(&profile),
            billing_profile: profile,
            has_credits: true,
            estimated_balance: money("estimatedBalance", sums.estimated_balance.as_ref())?,
            current_balance: money("currentBalance", sums.current_balance.as_ref())?,
            pending_eligible_charges: money(
                "pendingEligibleCharges",
                p.pending_eligible_charges.as_ref(),
            )?,
            pending_credit_adjustments: money(
                "pendingCreditAdjustments",
                p.pending_credit_adjustments.as_ref(),
            )?,
            expired_credit: money("expiredCredit", p.expired_credit.as_ref())?,
            estimated_balance_in_billing_currency: money(
                "estimatedBalanceInBillingCurrency",
                sums.estimated_balance_in_billing_currency.as_ref(),
            )?,
            current_balance_in_billing_currency: money(
                "currentBalanceInBillingCurrency",
                sums.current_balance_in_billing_currency.as_ref(),
            )?,
            credit_currency: present(p.credit_currency),
            billing_currency: present(p.billing_currency),
            is_estimated_balance: p.is_estimated_balance.map(|b| b.0),
            reseller: reseller(&p.reseller),
            id: raw.id,
            name: raw.name,
            e_tag: raw.e_tag,
            balance_source: BalanceSource::Summary,
            available_balance_from_lots: None,
            from_lots_unread: None,
            lots: None,
            payments_on_account: None,
            payments_unread: None,
            suspension_flags: None,
            credit_resources_unread: None,
            subscription: None,
            spending_limit_unread: None,
            status: standing.as_ref().and_then(|s| s.status.clone()),
            status_reason_code: standing.as_ref().and_then(|s| s.status_reason_code.clone()),
            spending_limit: standing
                .as_ref()
                .and_then(|s| s.spending_limit.clone())
                .map(|state| SpendingLimit {
                    state: Some(state),
                    details: None,
                }),
        })
    }

    /// The balance checks and forecasts use: the estimated balance, or the balance from
    /// lots when the summary is gone.
    pub(crate) fn balance(&self) -> Option<&Money> {
        match self.balance_source {
            BalanceSource::Summary => self.estimated_balance.as_ref(),
            BalanceSource::Lots => self.available_balance_from_lots.as_ref(),
        }
    }

    /// A profile whose balance summary Azure no longer serves: its balance is the sum of
    /// its active lots; every figure only the summary has is unknown.
    pub(crate) fn from_lots(
        profile: ScopeRef,
        lots: &[CreditLot],
        as_of: NaiveDate,
    ) -> Result<Self, ConvertError> {
        let from_lots = available_from_lots(lots, as_of, profile.currency.as_deref())?;
        let unknown = BalanceSummary::unread(profile);
        Ok(BalanceSummary {
            has_credits: !lots.is_empty(),
            balance_source: BalanceSource::Lots,
            available_balance_from_lots: Some(Money {
                value: Some(from_lots.value),
                currency: from_lots.currency().map(str::to_string),
                ..Money::default()
            }),
            ..unknown
        })
    }

    /// What is known of a profile whose balance could not be read: nothing but the profile.
    pub(crate) fn unread(profile: ScopeRef) -> Self {
        BalanceSummary {
            has_credits: false,
            estimated_balance: None,
            current_balance: None,
            pending_eligible_charges: None,
            pending_credit_adjustments: None,
            expired_credit: None,
            ..Self::no_credits(profile)
        }
    }

    /// Azure's 204: the profile has no credit data. Amounts are zero in the profile's
    /// currency when it is known, so checks such as `--min` compare against zero.
    pub(crate) fn no_credits(profile: ScopeRef) -> Self {
        let standing = profile.standing.clone();
        let zero = Some(Money {
            // 0.00: printed like the amounts Azure sends.
            value: Some(rust_decimal::Decimal::new(0, 2)),
            currency: profile.currency.clone(),
            ..Money::default()
        });
        BalanceSummary {
            kind: record_kind(&profile),
            billing_profile: profile,
            has_credits: false,
            estimated_balance: zero.clone(),
            current_balance: zero.clone(),
            pending_eligible_charges: zero.clone(),
            pending_credit_adjustments: zero.clone(),
            expired_credit: zero,
            estimated_balance_in_billing_currency: None,
            current_balance_in_billing_currency: None,
            credit_currency: None,
            billing_currency: None,
            is_estimated_balance: None,
            reseller: None,
            id: None,
            name: None,
            e_tag: None,
            balance_source: BalanceSource::Summary,
            available_balance_from_lots: None,
            from_lots_unread: None,
            lots: None,
            payments_on_account: None,
            payments_unread: None,
            suspension_flags: None,
            credit_resources_unread: None,
            subscription: None,
            spending_limit_unread: None,
            status: standing.as_ref().and_then(|s| s.status.clone()),
            status_reason_code: standing.as_ref().and_then(|s| s.status_reason_code.clone()),
            spending_limit: standing
                .as_ref()
                .and_then(|s| s.spending_limit.clone())
                .map(|state| SpendingLimit {
                    state: Some(state),
                    details: None,
                }),
        }
    }
}

/// The balance from lots: `closedBalance` summed over the active lots (Azure's `Active`, or
/// on the reference day active or expiring), commitments left out: the rule Microsoft
/// documents for the available balance. Refused when an active lot does not say what it has
/// left, or the lots' currencies differ.
pub(crate) fn available_from_lots(
    lots: &[CreditLot],
    as_of: NaiveDate,
    currency: Option<&str>,
) -> Result<Amount, ConvertError> {
    let mut total: Option<Amount> = None;
    for lot in lots.iter().filter(|lot| !lot.is_commitment()) {
        let active = match lot.status(as_of) {
            LotStatus::Active | LotStatus::Expiring => true,
            LotStatus::Reported(status) => status.eq_ignore_ascii_case("Active"),
            _ => false,
        };
        if !active {
            continue;
        }
        let left = Amount::of(
            lot.closed_balance.as_ref(),
            lot.credit_currency.as_deref().or(currency),
        )
        .ok_or_else(|| {
            format!(
                "Azure did not state what lot {} has left",
                lot.name.as_deref().unwrap_or("(unnamed)")
            )
        })?;
        total = Some(match total {
            None => left,
            Some(so_far) => so_far
                .checked_add(&left)
                .map_err(|e| e.to_string())?
                .ok_or("the sum of the lots overflows")?,
        });
    }
    Ok(total.unwrap_or_else(|| Amount::new(rust_decimal::Decimal::new(0, 2), currency)))
}

// ---------------------------------------------------------------- lots

/// How many days before its expiration a lot with credit left counts as "Expiring",
/// as the portal shows it.
pub(crate) const EXPIRING_WITHIN_DAYS: i64 = 30;

/// A credit lot as Azure reports it. Its status depends on the day it is looked at, so it is
/// not stored: `status(as_of)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreditLot {
    pub(crate) name: Option<String>,
    pub(crate) source: Option<String>,
    /// Azure's own status, when it sends one (2024-08-01 and later).
    pub(crate) reported_status: Option<String>,
    pub(crate) start_date: Option<DateTime<Utc>>,
    pub(crate) expiration_date: Option<DateTime<Utc>>,
    pub(crate) purchased_date: Option<DateTime<Utc>>,
    pub(crate) original_amount: Option<Money>,
    pub(crate) closed_balance: Option<Money>,
    pub(crate) used_amount: Option<Money>,
    pub(crate) original_amount_in_billing_currency: Option<Money>,
    pub(crate) closed_balance_in_billing_currency: Option<Money>,
    pub(crate) po_number: Option<String>,
    pub(crate) credit_currency: Option<String>,
    pub(crate) billing_currency: Option<String>,
    pub(crate) is_estimated_balance: Option<bool>,
    pub(crate) organization_type: Option<String>,
    pub(crate) reseller: Option<Reseller>,
    pub(crate) id: Option<String>,
    pub(crate) e_tag: Option<String>,
}

/// A lot's status on a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LotStatus {
    /// Azure's own value, kept as sent (`Active`, `Inactive`, `Expired`, `Complete`,
    /// `Canceled`, or one not yet documented).
    Reported(String),
    /// Derived, because Azure sent none: past its expiration.
    Expired,
    /// Derived: nothing remaining.
    Used,
    /// Derived: expires within `EXPIRING_WITHIN_DAYS`.
    Expiring,
    /// Derived: none of the above.
    Active,
}

impl LotStatus {
    pub(crate) fn label(&self) -> &str {
        match self {
            LotStatus::Reported(status) => status,
            LotStatus::Expired => "Expired",
            LotStatus::Used => "Used",
            LotStatus::Expiring => "Expiring",
            LotStatus::Active => "Active",
        }
    }

    /// True when `credits` derived the status because Azure sent none.
    pub(crate) fn is_derived(&self) -> bool {
        !matches!(self, LotStatus::Reported(_))
    }
}

/// A text field, or `None` when Azure sent nothing, null or only blanks: a missing value is
/// `null` everywhere in the output, whichever way Azure spelled "missing".
pub(crate) fn present(text: Option<String>) -> Option<String> {
    text.filter(|s| !s.trim().is_empty())
}

impl CreditLot {
    pub fn from_wire(raw: wire::Lot) -> Result<Self, ConvertError> {
        let p = raw.properties;
        Ok(CreditLot {
            name: raw.name,
            source: present(p.source),
            reported_status: p.status.filter(|s| !s.trim().is_empty()),
            start_date: date("startDate", p.start_date.as_deref())?,
            expiration_date: date("expirationDate", p.expiration_date.as_deref())?,
            purchased_date: date("purchasedDate", p.purchased_date.as_deref())?,
            original_amount: money("originalAmount", p.original_amount.as_ref())?,
            closed_balance: money("closedBalance", p.closed_balance.as_ref())?,
            used_amount: money("usedAmount", p.used_amount.as_ref())?,
            original_amount_in_billing_currency: money(
                "originalAmountInBillingCurrency",
                p.original_amount_in_billing_currency.as_ref(),
            )?,
            closed_balance_in_billing_currency: money(
                "closedBalanceInBillingCurrency",
                p.closed_balance_in_billing_currency.as_ref(),
            )?,
            po_number: present(p.po_number.map(|s| s.0)),
            credit_currency: present(p.credit_currency),
            billing_currency: present(p.billing_currency),
            is_estimated_balance: p.is_estimated_balance.map(|b| b.0),
            organization_type: present(p.organization_type),
            reseller: reseller(&p.reseller),
            id: raw.id,
            e_tag: raw.e_tag,
        })
    }

    /// A Microsoft Azure Consumption Commitment (MACC): a commitment still to be consumed, not
    /// credit.
    pub(crate) fn is_commitment(&self) -> bool {
        self.source
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("ConsumptionCommitment"))
    }

    /// Credit left on the lot, if Azure said and it is more than zero.
    pub(crate) fn remaining(&self) -> Option<&Money> {
        self.closed_balance
            .as_ref()
            .filter(|m| m.value.is_some_and(|v| v > rust_decimal::Decimal::ZERO))
    }

    /// Azure's status when it sent one; otherwise the portal's rule as of the start of
    /// `as_of`, first that applies: expired (past expiration), used (nothing remaining),
    /// expiring (expires within 30 days), active.
    pub fn status(&self, as_of: NaiveDate) -> LotStatus {
        if let Some(status) = &self.reported_status {
            return LotStatus::Reported(status.clone());
        }
        let as_of = start_of(as_of);
        let expiration = self.expiration_date;
        if expiration.is_some_and(|e| e <= as_of) {
            return LotStatus::Expired;
        }
        let nothing_left = self
            .closed_balance
            .as_ref()
            .is_some_and(|m| m.value.is_some_and(|v| v <= rust_decimal::Decimal::ZERO));
        if nothing_left {
            return LotStatus::Used;
        }
        if expiration.is_some_and(|e| e <= as_of + Duration::days(EXPIRING_WITHIN_DAYS)) {
            return LotStatus::Expiring;
        }
        LotStatus::Active
    }

    /// The lot as it stands on `as_of`: what `credits lots` shows.
    pub fn on(&self, as_of: NaiveDate) -> LotOnDay<'_> {
        let today = start_of(as_of);
        let credit_left = self
            .closed_balance
            .as_ref()
            .and_then(|m| m.value)
            .is_some_and(|v| v > rust_decimal::Decimal::ZERO);
        let expiring_soon = credit_left
            && self
                .expiration_date
                .is_some_and(|e| e > today && e <= today + Duration::days(EXPIRING_WITHIN_DAYS));
        LotOnDay {
            lot: self,
            status: self.status(as_of),
            expiring_soon,
        }
    }
}

/// Midnight UTC at the start of `day`.
pub(crate) fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// A lot with its status on one day. Its `Serialize` form is the documented `lots --json`
/// element (`status` and `statusDerived` in their documented place).
#[derive(Debug, Clone, PartialEq)]
pub struct LotOnDay<'a> {
    pub(crate) lot: &'a CreditLot,
    pub(crate) status: LotStatus,
    /// Credit left that lapses within `EXPIRING_WITHIN_DAYS` of the reference day, whatever
    /// status Azure reports (an "Active" lot can be about to lapse).
    pub(crate) expiring_soon: bool,
}

struct IsoDate<'a>(&'a Option<DateTime<Utc>>);

impl Serialize for IsoDate<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_iso(self.0, s)
    }
}

impl Serialize for LotOnDay<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let lot = self.lot;
        let mut out = s.serialize_struct("CreditLot", 21)?;
        out.serialize_field("name", &lot.name)?;
        out.serialize_field("source", &lot.source)?;
        out.serialize_field("status", self.status.label())?;
        out.serialize_field("statusDerived", &self.status.is_derived())?;
        out.serialize_field("startDate", &IsoDate(&lot.start_date))?;
        out.serialize_field("expirationDate", &IsoDate(&lot.expiration_date))?;
        out.serialize_field("purchasedDate", &IsoDate(&lot.purchased_date))?;
        out.serialize_field("originalAmount", &lot.original_amount)?;
        out.serialize_field("closedBalance", &lot.closed_balance)?;
        out.serialize_field("usedAmount", &lot.used_amount)?;
        out.serialize_field(
            "originalAmountInBillingCurrency",
            &lot.original_amount_in_billing_currency,
        )?;
        out.serialize_field(
            "closedBalanceInBillingCurrency",
            &lot.closed_balance_in_billing_currency,
        )?;
        out.serialize_field("poNumber", &lot.po_number)?;
        out.serialize_field("creditCurrency", &lot.credit_currency)?;
        out.serialize_field("billingCurrency", &lot.billing_currency)?;
        out.serialize_field("isEstimatedBalance", &lot.is_estimated_balance)?;
        out.serialize_field("organizationType", &lot.organization_type)?;
        out.serialize_field("reseller", &lot.reseller)?;
        out.serialize_field("id", &lot.id)?;
        out.serialize_field("eTag", &lot.e_tag)?;
        out.end()
    }
}

/// Lots in the order a reader wants: soonest expiration first, undated last.
impl CreditLot {
    /// The billing profile the lot's id lies in (none for a lot of an account itself, such
    /// as a MACC commitment, or of a customer).
    pub(crate) fn profile_scope(&self) -> Option<Scope> {
        Scope::enclosing(self.id.as_deref()?)?.profile()
    }
}

impl CreditEvent {
    /// Names the scope the event was read at: where Azure left the billing profile out, the
    /// profile read (id and display name from that one profile); an event that names another
    /// profile keeps Azure's id and display name, never the asked profile's name beside
    /// another's id. At account scope, the account read.
    pub(crate) fn read_at(&mut self, scope: &ScopeRef) {
        match scope.kind() {
            ScopeKind::BillingProfile => {
                let same = match self.billing_profile_id.as_deref() {
                    None => true,
                    // Azure writes a full id, or only the profile's name.
                    Some(named) => match Scope::parse(named) {
                        Ok(named) => named == scope.scope,
                        Err(_) => named.eq_ignore_ascii_case(scope.name()),
                    },
                };
                if !same {
                    return;
                }
                if self.billing_profile_id.is_none() {
                    self.billing_profile_id = Some(scope.id().to_string());
                }
                if self.billing_profile_display_name.is_none() {
                    self.billing_profile_display_name = scope.display_name.clone();
                }
            }
            ScopeKind::BillingAccount => {
                self.billing_account_id = Some(scope.id().to_string());
                self.billing_account_display_name = scope.display_name.clone();
            }
            ScopeKind::Customer | ScopeKind::InvoiceSection => {}
        }
    }
}

pub(crate) fn sort_lots(lots: &mut [CreditLot]) {
    lots.sort_by(|a, b| {
        let key = |l: &CreditLot| (l.expiration_date.is_none(), l.expiration_date, l.start_date);
        key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name))
    });
}

// ---------------------------------------------------------------- events

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CreditEvent {
    #[serde(serialize_with = "serialize_iso")]
    pub(crate) transaction_date: Option<DateTime<Utc>>,
    pub(crate) description: Option<String>,
    pub(crate) event_type: Option<String>,
    pub(crate) new_credit: Option<Money>,
    pub(crate) adjustments: Option<Money>,
    pub(crate) credit_expired: Option<Money>,
    pub(crate) charges: Option<Money>,
    pub(crate) closed_balance: Option<Money>,
    pub(crate) canceled_credit: Option<Money>,
    pub(crate) invoice_number: Option<String>,
    pub(crate) new_credit_in_billing_currency: Option<Money>,
    pub(crate) adjustments_in_billing_currency: Option<Money>,
    pub(crate) credit_expired_in_billing_currency: Option<Money>,
    pub(crate) charges_in_billing_currency: Option<Money>,
    pub(crate) closed_balance_in_billing_currency: Option<Money>,
    pub(crate) billing_profile_id: Option<String>,
    pub(crate) billing_profile_display_name: Option<String>,
    /// At billing-account scope only: the account read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) billing_account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) billing_account_display_name: Option<String>,
    pub(crate) lot_id: Option<String>,
    pub(crate) lot_source: Option<String>,
    pub(crate) credit_currency: Option<String>,
    pub(crate) billing_currency: Option<String>,
    pub(crate) is_estimated_balance: Option<bool>,
    pub(crate) reseller: Option<Reseller>,
    pub(crate) name: Option<String>,
    pub(crate) id: Option<String>,
    pub(crate) e_tag: Option<String>,
}

/// Events oldest first. Azure lists newest first, so the list is reversed before a stable
/// sort by date: events of one day keep the order they happened in.
pub(crate) fn chronological(events: &[CreditEvent]) -> Vec<&CreditEvent> {
    let mut ordered: Vec<&CreditEvent> = events.iter().rev().collect();
    ordered.sort_by_key(|e| e.transaction_date);
    ordered
}

impl CreditEvent {
    pub fn from_wire(raw: wire::Event) -> Result<Self, ConvertError> {
        let p = *raw.properties;
        Ok(CreditEvent {
            transaction_date: date("transactionDate", p.transaction_date.as_deref())?,
            description: present(p.description),
            event_type: present(p.event_type),
            new_credit: money("newCredit", p.new_credit.as_ref())?,
            adjustments: money("adjustments", p.adjustments.as_ref())?,
            credit_expired: money("creditExpired", p.credit_expired.as_ref())?,
            charges: money("charges", p.charges.as_ref())?,
            closed_balance: money("closedBalance", p.closed_balance.as_ref())?,
            canceled_credit: money("canceledCredit", p.canceled_credit.as_ref())?,
            invoice_number: present(p.invoice_number.map(|s| s.0)),
            new_credit_in_billing_currency: money(
                "newCreditInBillingCurrency",
                p.new_credit_in_billing_currency.as_ref(),
            )?,
            adjustments_in_billing_currency: money(
                "adjustmentsInBillingCurrency",
                p.adjustments_in_billing_currency.as_ref(),
            )?,
            credit_expired_in_billing_currency: money(
                "creditExpiredInBillingCurrency",
                p.credit_expired_in_billing_currency.as_ref(),
            )?,
            charges_in_billing_currency: money(
                "chargesInBillingCurrency",
                p.charges_in_billing_currency.as_ref(),
            )?,
            closed_balance_in_billing_currency: money(
                "closedBalanceInBillingCurrency",
                p.closed_balance_in_billing_currency.as_ref(),
            )?,
            billing_profile_id: present(p.billing_profile_id),
            billing_profile_display_name: present(p.billing_profile_display_name),
            billing_account_id: None,
            billing_account_display_name: None,
            lot_id: present(p.lot_id),
            lot_source: present(p.lot_source),
            credit_currency: present(p.credit_currency),
            billing_currency: present(p.billing_currency),
            is_estimated_balance: p.is_estimated_balance.map(|b| b.0),
            reseller: reseller(&p.reseller),
            name: raw.name,
            id: raw.id,
            e_tag: raw.e_tag,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rust_decimal::Decimal;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn an_event_names_one_profile_never_the_asked_name_beside_another_id() {
        let asked = ScopeRef {
            display_name: Some("Development".into()),
            ..ScopeRef::bare(
                Scope::parse("/providers/Microsoft.Billing/billingAccounts/A/billingProfiles/P1")
                    .unwrap(),
            )
        };
        let event = |profile: Option<&str>| {
            let mut event = CreditEvent::from_wire(wire::Event::default()).unwrap();
            event.billing_profile_id = profile.map(str::to_string);
            event.read_at(&asked);
            (event.billing_profile_id, event.billing_profile_display_name)
        };
        // Left out: both from the asked profile.
        assert_eq!(
            event(None),
            (Some(asked.id().to_string()), Some("Development".into()))
        );
        // The asked profile, by full id (any case) or by name: its display name beside it.
        let same = "/providers/microsoft.billing/billingAccounts/a/billingProfiles/p1";
        assert_eq!(event(Some(same)).1.as_deref(), Some("Development"));
        assert_eq!(event(Some("p1")).1.as_deref(), Some("Development"));
        // Another profile: Azure's id, and no borrowed name.
        let other = "/providers/Microsoft.Billing/billingAccounts/A/billingProfiles/P2";
        assert_eq!(event(Some(other)), (Some(other.to_string()), None));
        assert_eq!(event(Some("P2")), (Some("P2".to_string()), None));
    }

    fn lot(expires: DateTime<Utc>, remaining: Decimal) -> CreditLot {
        CreditLot::from_wire(wire::Lot::default())
            .map(|lot| CreditLot {
                expiration_date: Some(expires),
                closed_balance: Some(Money::new(remaining, "USD")),
                ..lot
            })
            .unwrap()
    }

    #[test]
    fn lot_status_follows_the_portal_rule_in_order() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let some = Decimal::from(5);
        let none = Decimal::ZERO;
        let status = |lot: CreditLot| lot.status(today);
        assert_eq!(status(lot(at(2025, 12, 31), some)), LotStatus::Expired);
        assert_eq!(status(lot(at(2025, 12, 31), none)), LotStatus::Expired);
        assert_eq!(status(lot(at(2026, 1, 1), some)), LotStatus::Expired);
        assert_eq!(status(lot(at(2026, 1, 10), none)), LotStatus::Used);
        assert_eq!(status(lot(at(2026, 1, 31), some)), LotStatus::Expiring);
        assert_eq!(status(lot(at(2026, 2, 1), some)), LotStatus::Active);
        let undated = CreditLot::from_wire(wire::Lot::default()).unwrap();
        assert_eq!(undated.status(today), LotStatus::Active);
        // The same lot a month later: status is a function of the day.
        let expiring = lot(at(2026, 1, 31), some);
        assert_eq!(
            expiring.status(NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()),
            LotStatus::Expired
        );
    }

    #[test]
    fn azure_status_is_kept_as_sent() {
        let lot = CreditLot {
            reported_status: Some("Canceled".into()),
            ..lot(at(2020, 1, 1), Decimal::ONE)
        };
        let status = lot.status(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(status, LotStatus::Reported("Canceled".into()));
        assert!(!status.is_derived());
        assert!(LotStatus::Used.is_derived());
    }

    #[test]
    fn blank_text_from_azure_is_null() {
        let raw: wire::Event = serde_json::from_str(
            r#"{"properties": {"description": "", "invoiceNumber": " ", "eventType": "PendingCharges", "lotSource": ""}}"#,
        )
        .unwrap();
        let event = CreditEvent::from_wire(raw).unwrap();
        let json = serde_json::to_value(&event).unwrap();
        for field in ["description", "invoiceNumber", "lotSource", "lotId"] {
            assert_eq!(json[field], serde_json::Value::Null, "{field}");
        }
        assert_eq!(json["eventType"], "PendingCharges");
        let raw: wire::Lot =
            serde_json::from_str(r#"{"properties": {"source": "", "poNumber": ""}}"#).unwrap();
        let lot = CreditLot::from_wire(raw).unwrap();
        assert_eq!(lot.source, None);
        assert_eq!(lot.po_number, None);
    }
}
