//! Credit resources (`Microsoft.BillingBenefits/credits`, BillingBenefits 2026-06-01):
//! Azure's record of a credit awarded since August 2025, and its one-to-one join with the
//! Consumption lots that hold the balance. A resource says what was granted and consumed,
//! never what is left: it is shown beside a lot and never added to a balance.

use super::dates::format_iso;
use super::domain::{date, present, serialize_iso, ConvertError, CreditLot};
use super::money::{Money, WireDecimal};
use super::wire;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

/// The expiration policy that suspends the billing profile when the credit expires.
const SUSPENDS: &str = "SuspendBillingProfile";

/// A credit resource, flattened out of `properties`: the `lots --resources --json` shape.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CreditResource {
    /// The credit's resource id (`properties.resourceId`, else the listed id).
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) display_name: Option<String>,
    pub(crate) subscription_id: Option<String>,
    pub(crate) resource_group: Option<String>,
    pub(crate) status: Option<String>,
    /// `policies.expiration`: `None`, `SuspendBillingProfile`, or one not yet documented.
    pub(crate) expiration_policy: Option<String>,
    /// What was granted (not what is left).
    pub(crate) credit: Option<Money>,
    pub(crate) consumed: Option<Money>,
    #[serde(serialize_with = "serialize_iso")]
    pub(crate) start_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "serialize_iso")]
    pub(crate) end_at: Option<DateTime<Utc>>,
    pub(crate) funding_system_id: Option<String>,
    pub(crate) system_id: Option<String>,
    pub(crate) billing_account_id: Option<String>,
    pub(crate) billing_profile_id: Option<String>,
    pub(crate) customer_id: Option<String>,
}

impl CreditResource {
    pub fn from_wire(raw: wire::CreditResource) -> Result<Self, ConvertError> {
        let p = raw.properties;
        let id = present(p.resource_id).or_else(|| present(raw.id.clone()));
        let (subscription_id, resource_group) =
            id.as_deref().map(placed_in).unwrap_or((None, None));
        Ok(CreditResource {
            name: id
                .as_deref()
                .and_then(|id| id.rsplit('/').next())
                .map(str::to_string)
                .and_then(|name| present(Some(name)))
                .or_else(|| present(raw.name)),
            id,
            display_name: present(p.display_name),
            subscription_id,
            resource_group,
            status: present(p.status),
            expiration_policy: present(p.policies.and_then(|policies| policies.expiration)),
            credit: commitment("credit", p.credit.as_ref())?,
            consumed: commitment("consumed", p.consumed.as_ref())?,
            start_at: date("startAt", p.start_at.as_deref())?,
            end_at: date("endAt", p.end_at.as_deref())?,
            funding_system_id: present(p.funding_system_id.map(|s| s.0)),
            system_id: present(p.system_id.map(|s| s.0)),
            billing_account_id: present(p.billing_account_resource_id),
            billing_profile_id: present(p.billing_profile_resource_id),
            customer_id: present(p.customer_resource_id),
        })
    }

    /// Whether the billing profile is suspended when this credit expires.
    pub(crate) fn suspends_profile(&self) -> bool {
        self.expiration_policy
            .as_deref()
            .is_some_and(|policy| policy.trim().eq_ignore_ascii_case(SUSPENDS))
    }
}

/// The subscription and resource group a resource id names (`/subscriptions/S/resourceGroups/G/...`).
fn placed_in(id: &str) -> (Option<String>, Option<String>) {
    let parts: Vec<&str> = id.split('/').filter(|p| !p.is_empty()).collect();
    let after = |key: &str| {
        parts
            .windows(2)
            .find(|pair| pair[0].eq_ignore_ascii_case(key))
            .map(|pair| pair[1].to_string())
    };
    (after("subscriptions"), after("resourceGroups"))
}

/// `{amount, currencyCode}` as exact money.
fn commitment(field: &str, raw: Option<&wire::Commitment>) -> Result<Option<Money>, ConvertError> {
    let Some(raw) = raw else { return Ok(None) };
    let value = match &raw.amount {
        Some(WireDecimal(Ok(value))) => *value,
        Some(WireDecimal(Err(e))) => return Err(format!("{field}.amount: {e}")),
        None => None,
    };
    let currency = present(raw.currency_code.clone()).map(|c| c.trim().to_ascii_uppercase());
    if value.is_none() && currency.is_none() {
        return Ok(None);
    }
    Ok(Some(Money {
        value,
        currency,
        ..Default::default()
    }))
}

/// How a lot and its credit resource were joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum MatchedBy {
    /// The resource's `fundingSystemId` is the lot's name.
    FundingSystemId,
    /// The same billing profile (or customer), currency, original amount and start day.
    Terms,
}

/// A lot as the join sees it: the lot, and the billing profile or customer it belongs to.
pub(crate) struct JoinLot<'a> {
    pub(crate) lot: &'a CreditLot,
    pub(crate) owner: Option<&'a str>,
}

/// The join: for each lot, the index of its resource (and how), and the resources that
/// joined no lot, in the order listed.
#[derive(Debug, PartialEq)]
pub(crate) struct Joined {
    pub(crate) of_lot: Vec<Option<(usize, MatchedBy)>>,
    pub(crate) unmatched: Vec<usize>,
}

/// Joins lots and resources one to one: first a resource's `fundingSystemId` equal to a
/// lot's name; a resource whose id names no lot (or that has none) then by billing profile
/// (without regard to case), currency, original amount and UTC start day. A pair joins only
/// when each side has exactly one candidate: a resource matching two lots joins neither.
pub(crate) fn join(lots: &[JoinLot<'_>], resources: &[&CreditResource]) -> Joined {
    let mut of_lot: Vec<Option<(usize, MatchedBy)>> = vec![None; lots.len()];
    let mut joined = vec![false; resources.len()];
    // The resources whose funding id names no lot at all fall back to the terms.
    let mut by_terms = Vec::new();
    let by_funding: Vec<Vec<usize>> = resources
        .iter()
        .map(|resource| {
            let Some(funding) = resource.funding_system_id.as_deref().map(str::trim) else {
                return Vec::new();
            };
            lots.iter()
                .enumerate()
                .filter(|(_, l)| {
                    l.lot
                        .name
                        .as_deref()
                        .is_some_and(|name| name.trim().eq_ignore_ascii_case(funding))
                })
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    for (r, candidates) in by_funding.iter().enumerate() {
        if resources[r].funding_system_id.is_none() || candidates.is_empty() {
            by_terms.push(r);
            continue;
        }
        if let [lot] = candidates[..] {
            // The lot must be named by this resource alone.
            let named_by = by_funding.iter().filter(|c| c.contains(&lot)).count();
            if named_by == 1 {
                of_lot[lot] = Some((r, MatchedBy::FundingSystemId));
                joined[r] = true;
            }
        }
    }
    let open_lots: Vec<usize> = (0..lots.len()).filter(|&i| of_lot[i].is_none()).collect();
    let candidates: Vec<(usize, Vec<usize>)> = by_terms
        .iter()
        .map(|&r| {
            let matching = open_lots
                .iter()
                .copied()
                .filter(|&i| same_terms(&lots[i], resources[r]))
                .collect();
            (r, matching)
        })
        .collect();
    for (r, matching) in &candidates {
        if let [lot] = matching[..] {
            let wanted_by = candidates.iter().filter(|(_, m)| m.contains(&lot)).count();
            if wanted_by == 1 {
                of_lot[lot] = Some((*r, MatchedBy::Terms));
                joined[*r] = true;
            }
        }
    }
    Joined {
        of_lot,
        unmatched: (0..resources.len()).filter(|&r| !joined[r]).collect(),
    }
}

/// Same owner, currency, original amount and UTC start day: every part must be known.
fn same_terms(lot: &JoinLot<'_>, resource: &CreditResource) -> bool {
    let same_text = |a: Option<&str>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
        _ => false,
    };
    // A lot's owner is its billing profile, or (at customer scope) its customer: the
    // resource may name both.
    let owned = same_text(lot.owner, resource.billing_profile_id.as_deref())
        || same_text(lot.owner, resource.customer_id.as_deref());
    let (Some(original), Some(credit)) = (&lot.lot.original_amount, &resource.credit) else {
        return false;
    };
    let currency = original
        .currency
        .as_deref()
        .or(lot.lot.credit_currency.as_deref());
    owned
        && same_text(currency, credit.currency.as_deref())
        && original.value.is_some()
        && original.value == credit.value
        && lot.lot.start_date.is_some()
        && lot.lot.start_date.map(|d| d.date_naive()) == resource.start_at.map(|d| d.date_naive())
}

/// Whether a lot's credit suspends its billing profile at expiry within `days` days after
/// `as_of` (the lot's expiration, else the resource's end): the flag `lots --resources`,
/// `balance --details` and `report --details` raise. It changes no exit code.
pub(crate) fn suspends_within(
    lot: &CreditLot,
    resource: &CreditResource,
    as_of: NaiveDate,
    days: i64,
) -> Option<DateTime<Utc>> {
    if !resource.suspends_profile() {
        return None;
    }
    let expires = lot.expiration_date.or(resource.end_at)?;
    let from = super::domain::start_of(as_of);
    (expires > from && expires <= from + Duration::days(days)).then_some(expires)
}

/// One flag: a lot whose expiry suspends its billing profile, as `balance --details` and
/// `report --details` carry it (`suspensionFlags` in JSON).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SuspensionFlag {
    pub(crate) lot: Option<String>,
    pub(crate) credit_resource_id: Option<String>,
    pub(crate) credit_resource_name: Option<String>,
    #[serde(serialize_with = "serialize_iso")]
    pub(crate) expires: Option<DateTime<Utc>>,
    pub(crate) remaining: Option<Money>,
}

impl SuspensionFlag {
    /// The line people read.
    pub(crate) fn line(&self) -> String {
        let expires = self
            .expires
            .as_ref()
            .map(|d| format_iso(d)[..10].to_string())
            .unwrap_or_else(|| "an unknown day".into());
        format!(
            "Credit resource {} (lot {}) expires {expires}: its expiry suspends the billing profile",
            self.credit_resource_name.as_deref().unwrap_or("(unnamed)"),
            self.lot.as_deref().unwrap_or("(unnamed)"),
        )
    }
}

/// The flags of the lots of one billing profile read with their resources.
pub(crate) fn suspension_flags(
    lots: &[CreditLot],
    owner: Option<&str>,
    resources: &[&CreditResource],
    as_of: NaiveDate,
    days: i64,
) -> Vec<SuspensionFlag> {
    let joinable: Vec<JoinLot<'_>> = lots.iter().map(|lot| JoinLot { lot, owner }).collect();
    let joined = join(&joinable, resources);
    lots.iter()
        .zip(&joined.of_lot)
        .filter_map(|(lot, matched)| {
            let resource = resources[matched.as_ref()?.0];
            let expires = suspends_within(lot, resource, as_of, days)?;
            Some(SuspensionFlag {
                lot: lot.name.clone(),
                credit_resource_id: resource.id.clone(),
                credit_resource_name: resource.name.clone(),
                expires: Some(expires),
                remaining: lot.closed_balance.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    const PROFILE: &str = "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/P1";

    fn money(value: i64, currency: &str) -> Option<Money> {
        Some(Money {
            value: Some(Decimal::from(value)),
            currency: Some(currency.into()),
            ..Default::default()
        })
    }

    fn day(text: &str) -> Option<DateTime<Utc>> {
        Some(crate::model::dates::parse_azure_date(text).expect("a date"))
    }

    fn lot(name: &str, amount: i64, start: &str) -> CreditLot {
        CreditLot {
            name: Some(name.into()),
            original_amount: money(amount, "USD"),
            start_date: day(start),
            expiration_date: day("2027-01-31T00:00:00Z"),
            ..Default::default()
        }
    }

    fn resource(funding: Option<&str>, amount: i64, start: &str) -> CreditResource {
        CreditResource {
            id: Some(
                "/subscriptions/s/resourceGroups/g/providers/Microsoft.BillingBenefits/credits/c"
                    .into(),
            ),
            name: Some("c".into()),
            display_name: None,
            subscription_id: Some("s".into()),
            resource_group: Some("g".into()),
            status: Some("Active".into()),
            expiration_policy: Some("SuspendBillingProfile".into()),
            credit: money(amount, "usd"),
            consumed: None,
            start_at: day(start),
            end_at: None,
            funding_system_id: funding.map(str::to_string),
            system_id: None,
            billing_account_id: None,
            billing_profile_id: Some(PROFILE.to_ascii_lowercase()),
            customer_id: None,
        }
    }

    fn joined(lots: &[CreditLot], resources: &[CreditResource]) -> Joined {
        let resources: Vec<&CreditResource> = resources.iter().collect();
        let joinable: Vec<JoinLot<'_>> = lots
            .iter()
            .map(|lot| JoinLot {
                lot,
                owner: Some(PROFILE),
            })
            .collect();
        join(&joinable, &resources)
    }

    #[test]
    fn the_funding_id_joins_first_and_the_terms_join_the_rest() {
        let lots = [
            lot("G1", 100, "2026-01-01T00:00:00Z"),
            lot("G2", 200, "2026-02-01T00:00:00Z"),
        ];
        let resources = [
            resource(Some("g2"), 999, "2020-01-01T00:00:00Z"),
            // Starts the same UTC day, later in it: the day is compared, not the instant.
            resource(None, 100, "2026-01-01T18:00:00Z"),
            resource(Some("nothing"), 5, "2026-03-01T00:00:00Z"),
        ];
        assert_eq!(
            joined(&lots, &resources),
            Joined {
                of_lot: vec![
                    Some((1, MatchedBy::Terms)),
                    Some((0, MatchedBy::FundingSystemId))
                ],
                unmatched: vec![2],
            }
        );
    }

    #[test]
    fn a_resource_that_matches_two_lots_joins_neither() {
        let lots = [
            lot("G1", 100, "2026-01-01T00:00:00Z"),
            lot("G2", 100, "2026-01-01T00:00:00Z"),
        ];
        let resources = [resource(None, 100, "2026-01-01T00:00:00Z")];
        assert_eq!(
            joined(&lots, &resources),
            Joined {
                of_lot: vec![None, None],
                unmatched: vec![0],
            }
        );
        // Two resources naming one lot: neither joins it.
        let lots = [lot("G1", 100, "2026-01-01T00:00:00Z")];
        let resources = [
            resource(Some("G1"), 100, "2026-01-01T00:00:00Z"),
            resource(Some("G1"), 100, "2026-01-01T00:00:00Z"),
        ];
        assert_eq!(joined(&lots, &resources).unmatched, vec![0, 1]);
    }

    #[test]
    fn terms_must_all_agree_and_be_known() {
        let lots = [lot("G1", 100, "2026-01-01T00:00:00Z")];
        for different in [
            resource(None, 101, "2026-01-01T00:00:00Z"),
            resource(None, 100, "2026-01-02T00:00:00Z"),
            CreditResource {
                credit: money(100, "EUR"),
                ..resource(None, 100, "2026-01-01T00:00:00Z")
            },
            CreditResource {
                billing_profile_id: Some(
                    "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/P2".into(),
                ),
                ..resource(None, 100, "2026-01-01T00:00:00Z")
            },
            CreditResource {
                start_at: None,
                ..resource(None, 100, "2026-01-01T00:00:00Z")
            },
        ] {
            assert_eq!(joined(&lots, &[different]).of_lot, vec![None]);
        }
    }

    #[test]
    fn the_suspension_flag_needs_the_policy_and_an_expiry_in_the_window() {
        let as_of = NaiveDate::from_ymd_opt(2026, 12, 7).expect("a day");
        let lot = lot("G1", 100, "2026-01-01T00:00:00Z");
        let suspends = resource(Some("G1"), 100, "2026-01-01T00:00:00Z");
        assert!(suspends_within(&lot, &suspends, as_of, 90).is_some());
        assert!(suspends_within(&lot, &suspends, as_of, 30).is_none());
        let none = CreditResource {
            expiration_policy: Some("None".into()),
            ..suspends.clone()
        };
        assert!(suspends_within(&lot, &none, as_of, 90).is_none());
        let flags = suspension_flags(&[lot], Some(PROFILE), &[&suspends], as_of, 90);
        assert_eq!(flags.len(), 1);
        assert!(
            flags[0].line().contains("suspends the billing profile"),
            "{}",
            flags[0].line()
        );
    }

    #[test]
    fn the_resource_id_names_its_subscription_and_group() {
        assert_eq!(
            placed_in(
                "/subscriptions/S1/resourceGroups/rg/providers/Microsoft.BillingBenefits/credits/x"
            ),
            (Some("S1".into()), Some("rg".into()))
        );
        assert_eq!(
            placed_in("/subscriptions/S1/providers/Microsoft.BillingBenefits/credits/x"),
            (Some("S1".into()), None)
        );
    }
}
