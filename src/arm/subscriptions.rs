//! Subscriptions (Resources 2022-12-01) and what Billing says of one: its billing property
//! (2024-04-01) and its billing periods (2018-03-01-preview). A subscription outside a
//! Microsoft Customer Agreement has no credit API: these say what it is and when its
//! billing period runs, for the estimate.

use super::client::{ArmClient, Expected};
use super::error::ArmResult;
use crate::model::wire;
use std::ops::ControlFlow;

pub const SUBSCRIPTIONS_API_VERSION: &str = "2022-12-01";
pub const BILLING_PROPERTY_API_VERSION: &str = "2024-04-01";
/// The only version that lists a subscription's billing periods.
pub const BILLING_PERIODS_API_VERSION: &str = "2018-03-01-preview";

/// Subscriptions say no type: only their shape is checked.
const SUBSCRIPTION: Expected<'static> = Expected {
    record_type: "Microsoft.Resources/subscriptions",
    within: None,
    keep: &[],
};

/// One subscription by its GUID (`Ok(None)`: Azure answered 204).
pub(crate) async fn subscription(
    client: &ArmClient,
    guid: &str,
) -> ArmResult<Option<wire::Subscription>> {
    let url = client.url(
        &format!("/subscriptions/{guid}"),
        &[("api-version", SUBSCRIPTIONS_API_VERSION)],
    );
    client.get_json(url, &SUBSCRIPTION).await
}

/// Every subscription this sign-in sees, every page.
pub(crate) async fn list_subscriptions(client: &ArmClient) -> ArmResult<Vec<wire::Subscription>> {
    let url = client.url(
        "/subscriptions",
        &[("api-version", SUBSCRIPTIONS_API_VERSION)],
    );
    let mut all = Vec::new();
    client
        .get_pages(url, &SUBSCRIPTION, |page: Vec<wire::Subscription>| {
            all.extend(page);
            Ok::<_, super::ArmError>(ControlFlow::Continue(()))
        })
        .await?;
    Ok(all)
}

/// How the subscription is billed: its agreement and, under an MCA, its billing profile.
pub(crate) async fn billing_property(
    client: &ArmClient,
    guid: &str,
) -> ArmResult<Option<wire::BillingProperty>> {
    let url = client.url(
        &format!("/subscriptions/{guid}/providers/Microsoft.Billing/billingProperty/default"),
        &[("api-version", BILLING_PROPERTY_API_VERSION)],
    );
    let expected = Expected {
        record_type: "Microsoft.Billing/billingProperty",
        within: None,
        keep: &[],
    };
    client.get_json(url, &expected).await
}

/// The subscription's billing periods as Azure lists them (newest first): the first page.
pub(crate) async fn billing_periods(
    client: &ArmClient,
    guid: &str,
) -> ArmResult<Vec<wire::BillingPeriod>> {
    let url = client.url(
        &format!("/subscriptions/{guid}/providers/Microsoft.Billing/billingPeriods"),
        &[("api-version", BILLING_PERIODS_API_VERSION)],
    );
    let expected = Expected {
        record_type: "Microsoft.Billing/billingPeriods",
        within: None,
        keep: &[],
    };
    let mut periods = Vec::new();
    client
        .get_pages(url, &expected, |page: Vec<wire::BillingPeriod>| {
            periods.extend(page);
            // The newest periods come first: the current one is on the first page.
            Ok::<_, super::ArmError>(ControlFlow::Break(()))
        })
        .await?;
    Ok(periods)
}
