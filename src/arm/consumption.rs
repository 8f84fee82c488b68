//! Microsoft.Consumption: the credit balance summary, credit lots and credit events of one
//! billing profile.

use super::client::{conversion_error, ArmClient, Expected};
use super::error::{ArmError, ArmResult};
use crate::model::domain::{BalanceSummary, CreditEvent, CreditLot, ProfileRef};
use crate::model::wire;
use chrono::NaiveDate;

/// The current stable version, used by the official Go and Python SDKs; 2026-06-01 has the
/// same contract for these calls.
pub const CONSUMPTION_API_VERSION: &str = "2024-08-01";

/// The balance summary of one profile; a 204 means the profile has no credits.
pub async fn balance_summary(client: &ArmClient, profile: ProfileRef) -> ArmResult<BalanceSummary> {
    let url = client.url(
        &format!(
            "{}/providers/Microsoft.Consumption/credits/balanceSummary",
            profile.id
        ),
        &[("api-version", CONSUMPTION_API_VERSION)],
    );
    let expected = Expected {
        record_type: "Microsoft.Consumption/credits/balanceSummary",
        profile: Some(&profile.id),
    };
    let raw: Option<wire::CreditSummary> = client.get_json(url, &expected).await?;
    match raw {
        Some(raw) => BalanceSummary::from_wire(profile, raw)
            .map_err(|e| conversion_error("balance summary", e)),
        None => Ok(BalanceSummary::no_credits(profile)),
    }
}

/// Every credit lot of one profile, in Azure's order.
pub async fn lots(client: &ArmClient, profile_id: &str) -> ArmResult<Vec<CreditLot>> {
    let url = client.url(
        &format!("{profile_id}/providers/Microsoft.Consumption/lots"),
        &[("api-version", CONSUMPTION_API_VERSION)],
    );
    let expected = Expected {
        record_type: "Microsoft.Consumption/lots",
        profile: Some(profile_id),
    };
    let mut lots = Vec::new();
    client
        .get_pages(url, &expected, |page: Vec<wire::Lot>| {
            for raw in page {
                lots.push(
                    CreditLot::from_wire(raw).map_err(|e| conversion_error("credit lot", e))?,
                );
            }
            Ok::<(), ArmError>(())
        })
        .await?;
    Ok(lots)
}

/// The credit events of one profile between `start` and `end`, handed over page by page as
/// they arrive so output can start before the last page. `on_page` may fail with its own
/// error (a closed stdout), which ends the listing.
pub async fn events<E: From<ArmError>>(
    client: &ArmClient,
    profile_id: &str,
    start: NaiveDate,
    end: NaiveDate,
    mut on_page: impl FnMut(Vec<CreditEvent>) -> Result<(), E>,
) -> Result<(), E> {
    let start = start.format("%Y-%m-%d").to_string();
    let end = end.format("%Y-%m-%d").to_string();
    let url = client.url(
        &format!("{profile_id}/providers/Microsoft.Consumption/events"),
        &[
            ("api-version", CONSUMPTION_API_VERSION),
            ("startDate", &start),
            ("endDate", &end),
        ],
    );
    let expected = Expected {
        record_type: "Microsoft.Consumption/events",
        profile: Some(profile_id),
    };
    client
        .get_pages(url, &expected, |page: Vec<wire::Event>| {
            let events = page
                .into_iter()
                .map(|raw| {
                    CreditEvent::from_wire(raw).map_err(|e| conversion_error("credit event", e))
                })
                .collect::<ArmResult<Vec<_>>>()?;
            on_page(events)
        })
        .await
}
