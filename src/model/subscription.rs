//! Subscriptions outside a Microsoft Customer Agreement (Microsoft Online Services Program):
//! what a subscription is (`quotaId`, its offer), how it is billed (its billing property),
//! and the estimate of a monthly credit that no API returns: the allowance less the actual
//! cost of the current billing period.

use super::domain::{present, ConvertError};
use super::money::Money;
use super::wire;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// The offers with a monthly credit whose balance can be estimated: Visual Studio (MSDN,
/// and its Dev/Test form), the Microsoft Partner Network, free trial, Azure Pass.
pub(crate) const MONTHLY_CREDIT_QUOTAS: [&str; 5] = [
    "MSDN_2014-09-01",
    "MSDNDevTest_2014-09-01",
    "MPN_2014-09-01",
    "FreeTrial_2014-09-01",
    "AzurePass_2014-09-01",
];

/// Offers whose balance exists only on the sponsorships web page (no Cost Management data).
pub(crate) const SPONSORED_QUOTAS: [&str; 2] =
    ["Sponsored_2016-01-01", "AzureForStudents_2018-01-01"];

/// Where the balance of a Sponsorship or Azure for Students subscription is read.
pub(crate) const SPONSORSHIPS_PAGE: &str = "https://www.microsoftazuresponsorships.com/balance";

/// Microsoft's monthly credit per Visual Studio level (`visual_studio_credits.txt`: the
/// source and date are in the file).
const VISUAL_STUDIO_CREDITS: &str = include_str!("visual_studio_credits.txt");

/// The source of the amounts, as the data file names it.
pub(crate) const VISUAL_STUDIO_CREDITS_URL: &str =
    "https://azure.microsoft.com/en-us/pricing/member-offers/credit-for-visual-studio-subscribers/";

/// Each Visual Studio level and its monthly credit in USD, in the file's order.
pub(crate) fn visual_studio_credits() -> Vec<(&'static str, &'static str)> {
    VISUAL_STUDIO_CREDITS
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('\t'))
        .map(|(level, usd)| (level.trim(), usd.trim()))
        .collect()
}

/// The levels as one phrase: `Visual Studio Enterprise 150 USD, ...`.
pub(crate) fn visual_studio_credits_phrase() -> String {
    visual_studio_credits()
        .iter()
        .map(|(level, usd)| format!("{level} {usd} USD"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a subscription's offer allows `credits` to say about its credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Offer {
    /// A monthly credit: estimated from an allowance and this period's cost.
    MonthlyCredit,
    /// Sponsorship, Azure for Students: only the sponsorships page knows.
    Sponsored,
    /// Any other offer (pay-as-you-go, EA, internal, unknown): no credit to read here.
    Other(String),
}

impl Offer {
    pub(crate) fn of(quota_id: Option<&str>) -> Offer {
        let Some(quota) = quota_id.map(str::trim).filter(|q| !q.is_empty()) else {
            return Offer::Other("no quotaId".into());
        };
        if MONTHLY_CREDIT_QUOTAS
            .iter()
            .any(|q| q.eq_ignore_ascii_case(quota))
        {
            Offer::MonthlyCredit
        } else if SPONSORED_QUOTAS
            .iter()
            .any(|q| q.eq_ignore_ascii_case(quota))
        {
            Offer::Sponsored
        } else {
            Offer::Other(quota.to_string())
        }
    }
}

/// A subscription as JSON names it: `{id, displayName}`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionRef {
    /// The GUID.
    pub(crate) id: String,
    pub(crate) display_name: Option<String>,
}

impl SubscriptionRef {
    /// The name people know it by, else its id.
    pub(crate) fn label(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.id)
    }
}

/// A subscription (Resources 2022-12-01).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    #[serde(flatten)]
    pub(crate) reference: SubscriptionRef,
    pub(crate) state: Option<String>,
    pub(crate) quota_id: Option<String>,
    pub(crate) spending_limit: Option<String>,
}

impl Subscription {
    pub fn from_wire(raw: wire::Subscription) -> Result<Self, ConvertError> {
        let id = present(raw.subscription_id)
            .or_else(|| {
                raw.id
                    .as_deref()
                    .and_then(subscription_guid)
                    .map(str::to_string)
            })
            .ok_or("the subscription has neither subscriptionId nor id")?;
        Ok(Subscription {
            reference: SubscriptionRef {
                id: id.trim().to_ascii_lowercase(),
                display_name: present(raw.display_name),
            },
            state: present(raw.state),
            quota_id: present(raw.subscription_policies.quota_id),
            spending_limit: present(raw.subscription_policies.spending_limit),
        })
    }
}

/// The GUID an exact subscription id names: `GUID` or `/subscriptions/GUID`.
pub(crate) fn subscription_guid(text: &str) -> Option<&str> {
    let text = text.trim().trim_end_matches('/');
    let guid = match text.split_once('/') {
        None => text,
        Some(_) => {
            let rest = text.strip_prefix('/').unwrap_or(text);
            let (kind, guid) = rest.split_once('/')?;
            if !kind.eq_ignore_ascii_case("subscriptions") || guid.contains('/') {
                return None;
            }
            guid
        }
    };
    is_guid(guid).then_some(guid)
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// How a subscription is billed (its billing property, Billing 2024-04-01).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionBilling {
    pub(crate) agreement_type: Option<String>,
    pub(crate) billing_account_id: Option<String>,
    pub(crate) billing_profile_id: Option<String>,
    pub(crate) billing_profile_display_name: Option<String>,
}

impl SubscriptionBilling {
    pub fn from_wire(raw: wire::BillingProperty) -> Self {
        let p = raw.properties;
        SubscriptionBilling {
            agreement_type: present(p.billing_account_agreement_type),
            billing_account_id: present(p.billing_account_id),
            // An official example doubles the `billingProfiles/` segment: read as one.
            billing_profile_id: present(p.billing_profile_id)
                .map(|id| single_profiles_segment(&id)),
            billing_profile_display_name: present(p.billing_profile_display_name),
        }
    }

    /// Billed under a Microsoft Customer Agreement (any case): its credit is its billing
    /// profile's.
    pub(crate) fn is_mca(&self) -> bool {
        self.agreement_type
            .as_deref()
            .is_some_and(|a| a.trim().eq_ignore_ascii_case("MicrosoftCustomerAgreement"))
    }
}

fn single_profiles_segment(id: &str) -> String {
    let mut id = id.trim().to_string();
    loop {
        let lower = id.to_ascii_lowercase();
        let Some(at) = lower.find("/billingprofiles/billingprofiles/") else {
            return id;
        };
        id.replace_range(at..at + "/billingProfiles".len(), "");
    }
}

/// A subscription's billing period: its first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BillingPeriod {
    pub(crate) start: NaiveDate,
    pub(crate) end: NaiveDate,
}

impl BillingPeriod {
    pub fn from_wire(raw: &wire::BillingPeriod) -> Result<Self, ConvertError> {
        let day = |field: &str, text: &Option<String>| {
            let text = text.as_deref().map(str::trim).unwrap_or_default();
            let date = text.get(..10).unwrap_or(text);
            NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| format!("{field}: {text:?} is not a day"))
        };
        let start = day(
            "billingPeriodStartDate",
            &raw.properties.billing_period_start_date,
        )?;
        let end = day(
            "billingPeriodEndDate",
            &raw.properties.billing_period_end_date,
        )?;
        if end < start {
            return Err(format!(
                "the billing period ends ({end}) before it starts ({start})"
            ));
        }
        Ok(BillingPeriod { start, end })
    }

    pub(crate) fn holds(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }
}

/// The estimate of a monthly credit: the allowance less the actual cost of the current
/// billing period. Never Azure's figure: every output says it is an estimate.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionCredit {
    pub(crate) kind: &'static str,
    pub(crate) subscription: SubscriptionRef,
    pub(crate) quota_id: Option<String>,
    pub(crate) estimate: bool,
    pub(crate) allowance: Money,
    pub(crate) cost: Money,
    pub(crate) estimated_balance: Money,
    #[serde(serialize_with = "serialize_day")]
    pub(crate) period_start: Option<NaiveDate>,
    #[serde(serialize_with = "serialize_day")]
    pub(crate) period_end: Option<NaiveDate>,
    #[serde(serialize_with = "super::domain::serialize_iso")]
    pub(crate) data_as_of: Option<DateTime<Utc>>,
}

fn serialize_day<S: Serializer>(day: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match day {
        Some(day) => s.serialize_str(&day.to_string()),
        None => s.serialize_none(),
    }
}

/// Money in one currency (`None`: unknown, when Azure stated no cost and the allowance
/// named none).
pub(crate) fn money(value: Decimal, currency: Option<&str>) -> Money {
    Money {
        value: Some(value),
        currency: currency.map(str::to_string),
        ..Default::default()
    }
}

impl SubscriptionCredit {
    /// The estimate from an allowance and the period's cost, both in `currency`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn estimate(
        subscription: SubscriptionRef,
        quota_id: Option<String>,
        allowance: Decimal,
        cost: Decimal,
        currency: Option<&str>,
        period: Option<BillingPeriod>,
        data_as_of: DateTime<Utc>,
    ) -> Self {
        SubscriptionCredit {
            kind: "subscriptionCredit",
            subscription,
            quota_id,
            estimate: true,
            allowance: money(allowance, currency),
            cost: money(cost, currency),
            estimated_balance: money(allowance - cost, currency),
            period_start: period.map(|p| p.start),
            period_end: period.map(|p| p.end),
            data_as_of: Some(data_as_of),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_visual_studio_amounts_read_and_cite_their_source() {
        let levels = visual_studio_credits();
        assert_eq!(levels.len(), 5);
        assert!(levels.contains(&("Visual Studio Enterprise", "150")));
        assert!(levels.contains(&("Visual Studio Professional", "50")));
        for (_, usd) in &levels {
            assert!(usd.parse::<u32>().is_ok(), "{usd}");
        }
        assert!(VISUAL_STUDIO_CREDITS.contains(VISUAL_STUDIO_CREDITS_URL));
    }

    #[test]
    fn offers_are_told_apart_by_quota_id_in_any_case() {
        assert_eq!(Offer::of(Some("msdn_2014-09-01")), Offer::MonthlyCredit);
        assert_eq!(
            Offer::of(Some("AzurePass_2014-09-01")),
            Offer::MonthlyCredit
        );
        assert_eq!(Offer::of(Some("Sponsored_2016-01-01")), Offer::Sponsored);
        assert_eq!(
            Offer::of(Some("AzureForStudents_2018-01-01")),
            Offer::Sponsored
        );
        assert_eq!(
            Offer::of(Some("PayAsYouGo_2014-09-01")),
            Offer::Other("PayAsYouGo_2014-09-01".into())
        );
    }

    #[test]
    fn an_exact_subscription_id_is_a_guid_or_its_path() {
        let guid = "291bba3f-e0a5-47bc-a099-3bdcb2a50a05";
        assert_eq!(subscription_guid(guid), Some(guid));
        assert_eq!(
            subscription_guid(&format!("/subscriptions/{guid}")),
            Some(guid)
        );
        assert_eq!(
            subscription_guid(&format!("/Subscriptions/{guid}/")),
            Some(guid)
        );
        assert_eq!(subscription_guid("Visual Studio Enterprise"), None);
        assert_eq!(
            subscription_guid(&format!("/subscriptions/{guid}/resourceGroups/x")),
            None
        );
        assert_eq!(
            subscription_guid("291bba3f-e0a5-47bc-a099-3bdcb2a50a0"),
            None
        );
    }

    #[test]
    fn a_doubled_billing_profiles_segment_is_read_as_one() {
        assert_eq!(
            single_profiles_segment("/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/billingProfiles/xxxx"),
            "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/xxxx"
        );
        assert_eq!(
            single_profiles_segment("/x/billingProfiles/p"),
            "/x/billingProfiles/p"
        );
    }
}
