//! Microsoft.BillingBenefits: credit resources, Azure's record of credits awarded since
//! August 2025. Balances stay in Consumption; these say which subscription and resource
//! group hold a credit and what happens when it expires.

use super::client::{conversion_error, ArmClient, Expected};
use super::error::ArmResult;
use crate::model::credit_resource::CreditResource;
use crate::model::scope::Scope;
use crate::model::wire;
use std::ops::ControlFlow;

/// The only version that lists a billing account's credits (`applicableCredits`).
pub const BENEFITS_API_VERSION: &str = "2026-06-01";

/// Every credit resource that applies to the billing account `account` (paged by
/// `nextLink`). Reading them takes Azure RBAC Reader where they live: a 403 is the caller's
/// to say, never "no credits".
pub(crate) async fn applicable_credits(
    client: &ArmClient,
    account: &Scope,
) -> ArmResult<Vec<CreditResource>> {
    let url = client.url(
        &format!(
            "{}/providers/Microsoft.BillingBenefits/applicableCredits",
            account.id()
        ),
        &[("api-version", BENEFITS_API_VERSION)],
    );
    // The listed ids lie under subscriptions, not in the billing account: only the type is
    // checked.
    let expected = Expected {
        record_type: "Microsoft.BillingBenefits/applicableCredits",
        within: None,
        keep: &[],
    };
    let mut resources = Vec::new();
    client
        .get_pages(url, &expected, |page: Vec<wire::CreditResource>| {
            for raw in page {
                resources.push(
                    CreditResource::from_wire(raw)
                        .map_err(|e| conversion_error("credit resource", e))?,
                );
            }
            Ok::<_, super::ArmError>(ControlFlow::Continue(()))
        })
        .await?;
    Ok(resources)
}
