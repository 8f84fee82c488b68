//! Microsoft.Consumption: the credit balance summary, credit lots and credit events of a
//! billing profile, a billing account or a partner's customer. Each call takes the `Scope`
//! and picks the path and API version that scope needs (`api_version`).

use super::client::{conversion_error, ArmClient, Expected};
use super::error::{ArmError, ArmResult};
use crate::model::domain::{BalanceSummary, CreditEvent, CreditLot, ScopeRef};
use crate::model::scope::{Scope, ScopeKind};
use crate::model::wire;
use chrono::NaiveDate;
use std::ops::ControlFlow;

/// The current stable version, used by the official Go and Python SDKs; 2026-06-01 has the
/// same contract for these calls.
pub const CONSUMPTION_API_VERSION: &str = "2024-08-01";

/// Balance summaries and events by customer exist only in this version.
pub(crate) const CUSTOMER_API_VERSION: &str = "2019-10-01";

/// Which reads Azure serves at a scope, and in which API version: the one place that knows.
fn api_version(read: Read, kind: ScopeKind) -> ArmResult<&'static str> {
    use ScopeKind::*;
    match (read, kind) {
        (Read::BalanceSummary, BillingProfile) => Ok(CONSUMPTION_API_VERSION),
        (Read::BalanceSummary | Read::Events, Customer) => Ok(CUSTOMER_API_VERSION),
        (Read::Lots, BillingProfile | BillingAccount | Customer) => Ok(CONSUMPTION_API_VERSION),
        (Read::Events, BillingProfile | BillingAccount) => Ok(CONSUMPTION_API_VERSION),
        (read, kind) => Err(ArmError::NotServed {
            what: read.noun(),
            scope: kind,
        }),
    }
}

/// Whether Azure documents a `$filter` for this read at a scope of `kind` (lots at account
/// and customer scope, events at account scope); elsewhere none is sent, and the caller
/// filters what comes back.
fn filter_documented(read: Read, kind: ScopeKind) -> bool {
    use ScopeKind::*;
    matches!(
        (read, kind),
        (Read::Lots, BillingAccount | Customer) | (Read::Events, BillingAccount)
    )
}

/// The three Consumption reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    BalanceSummary,
    Lots,
    Events,
}

impl Read {
    fn noun(self) -> &'static str {
        match self {
            Read::BalanceSummary => "credit balance summary",
            Read::Lots => "credit lots",
            Read::Events => "credit transactions",
        }
    }
}

/// The balance summary of a billing profile or (partners) a customer; a 204 means it has no
/// credits.
pub(crate) async fn balance_summary(client: &ArmClient, of: ScopeRef) -> ArmResult<BalanceSummary> {
    let api_version = api_version(Read::BalanceSummary, of.kind())?;
    let url = client.url(
        &format!(
            "{}/providers/Microsoft.Consumption/credits/balanceSummary",
            of.id()
        ),
        &[("api-version", api_version)],
    );
    let expected = Expected {
        record_type: "Microsoft.Consumption/credits/balanceSummary",
        profile: profile_scope(&of.scope),
        keep: &[],
    };
    let raw: Option<wire::CreditSummary> = client.get_json(url, &expected).await?;
    match raw {
        Some(raw) => {
            BalanceSummary::from_wire(of, raw).map_err(|e| conversion_error("balance summary", e))
        }
        None => Ok(BalanceSummary::no_credits(of)),
    }
}

/// The scope every record must lie under, when it is a billing profile.
fn profile_scope(scope: &Scope) -> Option<&Scope> {
    (scope.kind() == ScopeKind::BillingProfile).then_some(scope)
}

/// The query of a list: the API version, and a documented `$filter` when one is given (it is
/// also kept on every `nextLink`).
/// A documented `$filter` of `name eq 'value'` terms joined by `and`, quotes in values
/// doubled as OData wants; `None` when no term has a value.
pub(crate) fn eq_filter(terms: &[(&str, Option<&str>)]) -> Option<String> {
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
pub(crate) async fn lots(
    client: &ArmClient,
    scope: &Scope,
    filter: Option<String>,
) -> ArmResult<Vec<CreditLot>> {
    let api_version = api_version(Read::Lots, scope.kind())?;
    let filter = filter.filter(|_| filter_documented(Read::Lots, scope.kind()));
    let (query, keep) = list_query(api_version, &[], &filter);
    let url = client.url(
        &format!("{}/providers/Microsoft.Consumption/lots", scope.id()),
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
            Ok::<_, ArmError>(ControlFlow::Continue(()))
        })
        .await?;
    Ok(lots)
}

/// The credit events of a billing profile or billing account between `start` and `end`,
/// handed over page by page as they arrive so output can start before the last page;
/// `filter` is the documented `$filter` (`lotsource eq '…'`, `lotid eq '…'`). `on_page` may
/// fail with its own error, or answer `Break` (nobody reads any more), which ends the listing.
pub(crate) async fn events<E: From<ArmError>>(
    client: &ArmClient,
    scope: &Scope,
    (start, end): (NaiveDate, NaiveDate),
    filter: Option<String>,
    mut on_page: impl FnMut(Vec<CreditEvent>) -> Result<ControlFlow<()>, E>,
) -> Result<(), E> {
    let window = [
        ("startDate", start.format("%Y-%m-%d").to_string()),
        ("endDate", end.format("%Y-%m-%d").to_string()),
    ];
    let api_version = api_version(Read::Events, scope.kind())?;
    let filter = filter.filter(|_| filter_documented(Read::Events, scope.kind()));
    // Microsoft's MACC article sends the window at account scope, but an account-scope read
    // is not documented to honour it: there, it is checked here too.
    let check_window = scope.kind() == ScopeKind::BillingAccount;
    let (query, keep) = list_query(api_version, &window, &filter);
    let url = client.url(
        &format!("{}/providers/Microsoft.Consumption/events", scope.id()),
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
            let in_window = |event: &CreditEvent| {
                event
                    .transaction_date
                    .is_none_or(|d| d.date_naive() >= start && d.date_naive() <= end)
            };
            let events = if check_window {
                events.into_iter().filter(in_window).collect()
            } else {
                events
            };
            on_page(events)
        })
        .await
}
