//! Microsoft.Billing: billing accounts and their billing profiles.
//!
//! API version 2020-05-01 lists accounts *with* their profiles in one request
//! (`$expand=billingProfiles`) and says, with `hasMoreResults`, when that expansion is
//! incomplete. 2019-10-01-preview expands too but cannot say so; 2024-04-01 (the newest) does
//! not expand at all and costs one extra request per account. With tenant read budgets down
//! to a few hundred an hour, one request beats N+1.

use super::client::{conversion_error, ArmClient, Expected};
use super::error::ArmResult;
use crate::model::domain::{present, BillingAccount, BillingProfile, PaymentsOnAccount};
use crate::model::scope::{Scope, ScopeKind};
use crate::model::wire;
use futures::stream::{self, StreamExt, TryStreamExt};

pub const BILLING_API_VERSION: &str = "2020-05-01";

/// Every billing account visible to the principal, each with its billing profiles.
pub(crate) async fn list_accounts(client: &ArmClient) -> ArmResult<Vec<BillingAccount>> {
    let url = client.url(
        "/providers/Microsoft.Billing/billingAccounts",
        &[
            ("api-version", BILLING_API_VERSION),
            ("$expand", "billingProfiles"),
        ],
    );
    let expected = Expected {
        record_type: "Microsoft.Billing/billingAccounts",
        within: None,
        keep: &[],
    };
    let raw: Vec<wire::BillingAccount> = client.get_all(url, &expected).await?;
    stream::iter(
        raw.into_iter()
            .map(|account| complete_account(client, account)),
    )
    // The client bounds requests in flight; this only bounds the futures kept at once.
    .buffered(client.concurrency())
    .try_collect()
    .await
}

/// Uses the expanded profiles when they are complete; otherwise (expansion ignored, or
/// `hasMoreResults`) lists the account's profiles. Only MCA accounts are worth the request:
/// no other agreement has credits.
async fn complete_account(
    client: &ArmClient,
    raw: wire::BillingAccount,
) -> ArmResult<BillingAccount> {
    let p = raw.properties;
    let is_mca = BillingAccount::is_mca(p.agreement_type.as_deref());
    let (expanded, complete) = match p.billing_profiles {
        Some(wire::ExpandedProfiles::List(list)) => (list, true),
        Some(wire::ExpandedProfiles::Page {
            has_more_results,
            value: Some(list),
        }) => (list, !has_more_results),
        Some(wire::ExpandedProfiles::Page { value: None, .. }) | None => (Vec::new(), false),
    };
    // A record of another kind among the expanded profiles (an invoice section) is refused
    // as it is on the profile listing: never taken for a profile.
    const PROFILE_TYPE: &str = "Microsoft.Billing/billingAccounts/billingProfiles";
    if let Some(other) = expanded
        .iter()
        .filter_map(|profile| profile.record_type.as_deref())
        .find(|kind| !kind.eq_ignore_ascii_case(PROFILE_TYPE))
    {
        return Err(conversion_error(
            "billing account",
            format!(
                "the billingProfiles of account {} hold a {other} record where {PROFILE_TYPE} was asked for",
                raw.id
            ),
        ));
    }
    // An account the principal cannot read would only answer 403 to a profile listing.
    let readable = p.has_read_access.is_none_or(|b| b.0);
    let profiles = if complete || !is_mca || !readable {
        expanded
    } else {
        list_profiles(client, &raw.id).await?
    };
    if raw.id.is_empty() {
        return Err(conversion_error(
            "billing account",
            "an account has no id".into(),
        ));
    }
    Ok(BillingAccount {
        id: raw.id,
        name: raw.name,
        // Blank text is null, as in every record.
        display_name: present(p.display_name),
        agreement_type: present(p.agreement_type),
        account_type: present(p.account_type),
        account_status: present(p.account_status),
        has_credits: is_mca,
        billing_profiles: profiles.into_iter().map(BillingProfile::from).collect(),
    })
}

/// `GET {accountId}/billingProfiles`, every page.
pub(crate) async fn list_profiles(
    client: &ArmClient,
    account_id: &str,
) -> ArmResult<Vec<wire::BillingProfile>> {
    let url = client.url(
        &format!("{account_id}/billingProfiles"),
        &[("api-version", BILLING_API_VERSION)],
    );
    let expected = Expected {
        record_type: "Microsoft.Billing/billingAccounts/billingProfiles",
        within: None,
        keep: &[],
    };
    client.get_all(url, &expected).await
}

/// A partner's customer under a Microsoft Partner Agreement account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) properties: CustomerProperties,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomerProperties {
    pub(crate) display_name: Option<String>,
}

impl crate::model::wire::ArmRecord for Customer {
    fn record_type(&self) -> Option<&str> {
        None
    }
    fn record_id(&self) -> Option<&str> {
        Some(&self.id)
    }
}

/// The customers of one Microsoft Partner Agreement account (`{account}/customers`).
pub(crate) async fn list_customers(
    client: &ArmClient,
    account_id: &str,
) -> ArmResult<Vec<Customer>> {
    client
        .get_all(customers_url(client, account_id), &CUSTOMERS)
        .await
}

/// The customers of one Microsoft Partner Agreement account, page by page as they arrive
/// (a sweep reads the first customers while the rest are still being listed).
pub(crate) async fn customer_pages<E: From<super::error::ArmError>>(
    client: &ArmClient,
    account_id: &str,
    on_page: impl FnMut(Vec<Customer>) -> Result<std::ops::ControlFlow<()>, E>,
) -> Result<(), E> {
    client
        .get_pages(customers_url(client, account_id), &CUSTOMERS, on_page)
        .await
}

const CUSTOMERS: Expected<'static> = Expected {
    record_type: "Microsoft.Billing/billingAccounts/customers",
    within: None,
    keep: &[],
};

fn customers_url(client: &ArmClient, account_id: &str) -> url::Url {
    client.url(
        &format!("{account_id}/customers"),
        &[("api-version", BILLING_API_VERSION)],
    )
}

/// The API version of payments on account and of spending limits in detail (older versions
/// have neither).
pub const PAYMENTS_API_VERSION: &str = "2024-04-01";

/// The payments on account of a billing profile or account (`availableBalance/default`):
/// money paid and not yet applied to invoices, which is not credit. `Ok(None)`: Azure
/// answered 204.
pub(crate) async fn payments_on_account(
    client: &ArmClient,
    scope: &Scope,
) -> ArmResult<Option<PaymentsOnAccount>> {
    let url = client.url(
        &format!("{}/availableBalance/default", scope.id()),
        &[("api-version", PAYMENTS_API_VERSION)],
    );
    let record_type = match scope.kind() {
        ScopeKind::BillingAccount => "Microsoft.Billing/billingAccounts/availableBalance",
        _ => "Microsoft.Billing/billingAccounts/billingProfiles/availableBalance",
    };
    let expected = Expected {
        record_type,
        within: Some(scope),
        keep: &[],
    };
    let raw: Option<wire::AvailableBalance> = client.get_json(url, &expected).await?;
    raw.map(PaymentsOnAccount::from_wire)
        .transpose()
        .map_err(|e| conversion_error("payments on account", e))
}

/// A billing profile as Billing 2024-04-01 has it: the only version with its spending
/// limits in detail (`spendingLimitDetails`).
pub(crate) async fn profile_in_detail(
    client: &ArmClient,
    scope: &Scope,
) -> ArmResult<Option<wire::BillingProfile>> {
    let url = client.url(scope.id(), &[("api-version", PAYMENTS_API_VERSION)]);
    let expected = Expected {
        record_type: "Microsoft.Billing/billingAccounts/billingProfiles",
        within: Some(scope),
        keep: &[],
    };
    client.get_json(url, &expected).await
}

/// The day an Enterprise Agreement enrollment ends (`enrollmentDetails.endDate`, Billing
/// 2024-04-01: older versions do not have it). `Ok(None)`: the account does not say.
pub(crate) async fn enrollment_end(
    client: &ArmClient,
    account: &Scope,
) -> ArmResult<Option<chrono::NaiveDate>> {
    let url = client.url(account.id(), &[("api-version", PAYMENTS_API_VERSION)]);
    let expected = Expected {
        record_type: "Microsoft.Billing/billingAccounts",
        within: Some(account),
        keep: &[],
    };
    let raw: Option<wire::BillingAccount> = client.get_json(url, &expected).await?;
    let end = raw
        .and_then(|raw| raw.properties.enrollment_details)
        .and_then(|details| details.end_date);
    match end.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => Ok(None),
        Some(text) => crate::model::dates::parse_azure_date(text)
            .map(|date| Some(date.date_naive()))
            .map_err(|e| conversion_error("enrollment", format!("enrollmentDetails.endDate: {e}"))),
    }
}
