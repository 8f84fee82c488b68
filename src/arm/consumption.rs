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

/// Balance summaries and events by customer exist only in this version.
pub const CUSTOMER_API_VERSION: &str = "2019-10-01";

/// The balance summary of one profile; a 204 means the profile has no credits.
pub async fn balance_summary(client: &ArmClient, profile: ProfileRef) -> ArmResult<BalanceSummary> {
    balance_summary_at(client, profile, CONSUMPTION_API_VERSION).await
}

/// The balance summary of a billing profile or (partners) a customer, in `api_version`.
pub async fn balance_summary_at(
    client: &ArmClient,
    profile: ProfileRef,
    api_version: &str,
) -> ArmResult<BalanceSummary> {
    let url = client.url(
        &format!(
            "{}/providers/Microsoft.Consumption/credits/balanceSummary",
            profile.id
        ),
        &[("api-version", api_version)],
    );
    let expected = Expected {
        record_type: "Microsoft.Consumption/credits/balanceSummary",
        profile: profile_scope(&profile.id),
        keep: &[],
    };
    let raw: Option<wire::CreditSummary> = client.get_json(url, &expected).await?;
    match raw {
        Some(raw) => BalanceSummary::from_wire(profile, raw)
            .map_err(|e| conversion_error("balance summary", e)),
        None => Ok(BalanceSummary::no_credits(profile)),
    }
}

/// The `id` of what is read: a billing profile, or (for an account-scope read) a billing
/// account.
fn profile_scope(scope: &str) -> Option<&str> {
    scope
        .to_ascii_lowercase()
        .contains("/billingprofiles/")
        .then_some(scope)
}

/// The query of a list: the API version, and a documented `$filter` when one is given (it is
/// also kept on every `nextLink`).
/// A documented `$filter` of `name eq 'value'` terms joined by `and`, quotes in values
/// doubled as OData wants; `None` when no term has a value.
pub fn eq_filter(terms: &[(&str, Option<&str>)]) -> Option<String> {
    let terms: Vec<String> = terms
        .iter()
        .filter_map(|(name, value)| value.map(|v| format!("{name} eq '{}'", v.replace('\'', "''"))))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" and "))
}

/// Query parameters as sent, and those every page must keep.
type ListQuery<'a> = (Vec<(&'static str, &'a str)>, Vec<(&'static str, String)>);

fn list_query<'a>(
    api_version: &'static str,
    extra: &'a [(&'static str, String)],
    filter: &'a Option<String>,
) -> ListQuery<'a> {
    let mut query: Vec<(&'static str, &str)> = vec![("api-version", api_version)];
    query.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
    let mut keep = Vec::new();
    if let Some(filter) = filter {
        query.push(("$filter", filter.as_str()));
        keep.push(("$filter", filter.clone()));
    }
    (query, keep)
}

/// Every credit lot of a billing profile or billing account, in Azure's order; `filter` is
/// the documented `$filter` (`source eq '…' and status eq '…'`).
pub async fn lots(
    client: &ArmClient,
    scope: &str,
    filter: Option<String>,
) -> ArmResult<Vec<CreditLot>> {
    let (query, keep) = list_query(CONSUMPTION_API_VERSION, &[], &filter);
    let url = client.url(
        &format!("{scope}/providers/Microsoft.Consumption/lots"),
        &query,
    );
    let expected = Expected {
        record_type: "Microsoft.Consumption/lots",
        profile: profile_scope(scope),
        keep: &keep,
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

/// The credit events of a billing profile or billing account between `start` and `end`,
/// handed over page by page as they arrive so output can start before the last page;
/// `filter` is the documented `$filter` (`lotsource eq '…'`, `lotid eq '…'`). `on_page` may
/// fail with its own error (a closed stdout), which ends the listing.
pub async fn events<E: From<ArmError>>(
    client: &ArmClient,
    scope: &str,
    (start, end): (NaiveDate, NaiveDate),
    filter: Option<String>,
    mut on_page: impl FnMut(Vec<CreditEvent>) -> Result<(), E>,
) -> Result<(), E> {
    let window = [
        ("startDate", start.format("%Y-%m-%d").to_string()),
        ("endDate", end.format("%Y-%m-%d").to_string()),
    ];
    // Events by customer exist only in 2019-10-01.
    let api_version = if scope.to_ascii_lowercase().contains("/customers/") {
        CUSTOMER_API_VERSION
    } else {
        CONSUMPTION_API_VERSION
    };
    let (query, keep) = list_query(api_version, &window, &filter);
    let url = client.url(
        &format!("{scope}/providers/Microsoft.Consumption/events"),
        &query,
    );
    let expected = Expected {
        record_type: "Microsoft.Consumption/events",
        profile: profile_scope(scope),
        keep: &keep,
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
