//! Microsoft.Consumption: the credit balance summary, credit lots and credit events of a
//! billing profile, a billing account or a partner's customer. Each call takes the `Scope`
//! and picks the path and API version that scope needs (`api_version`).

use super::client::{conversion_error, ArmClient, Expected};
use super::error::{ArmError, ArmResult};
use crate::model::domain::{BalanceSummary, CreditEvent, CreditLot, ScopeRef};
use crate::model::scope::{last_segment, Scope, ScopeKind};
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
        within: profile_scope(&of.scope),
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

/// Whether an answer to a balance summary says Azure no longer serves one for the scope:
/// 404, 410, or a 400 whose message says "not supported". (Microsoft's 2026 credits article
/// no longer shows the summary; the balance then comes from the lots.)
pub(crate) fn summary_gone(error: &ArmError) -> bool {
    match error.root() {
        ArmError::Status(failure) => match failure.status {
            404 | 410 => true,
            // "The api-version … is not supported" is about the request, not the summary.
            400 => {
                let about_version = failure
                    .code
                    .as_deref()
                    .is_some_and(|c| c.to_ascii_lowercase().contains("apiversion"));
                !about_version
                    && failure
                        .message
                        .as_deref()
                        .is_some_and(|m| m.to_ascii_lowercase().contains("not supported"))
            }
            _ => false,
        },
        _ => false,
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
fn eq_filter(terms: &[(&str, Option<&str>)]) -> Option<String> {
    let terms: Vec<String> = terms
        .iter()
        .filter_map(|(name, value)| value.map(|v| format!("{name} eq '{}'", v.replace('\'', "''"))))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" and "))
}

/// What `lots` asks for: a source and a status (Azure's own, or one derived on the reference
/// day: Expiring, Used). Sent as the documented `$filter` where Azure documents one, and
/// always applied to what comes back too (in case Azure ignores it).
#[derive(Debug, Clone)]
pub(crate) struct LotQuery {
    pub(crate) source: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) as_of: NaiveDate,
}

impl LotQuery {
    /// Every lot.
    pub(crate) fn all(as_of: NaiveDate) -> Self {
        LotQuery {
            source: None,
            status: None,
            as_of,
        }
    }

    /// Whether a filter was asked for.
    pub(crate) fn filters(&self) -> bool {
        self.source.is_some() || self.status.is_some()
    }

    fn odata(&self) -> Option<String> {
        // Only Azure's own statuses go to Azure; the derived ones (Expiring, Used) are known
        // here only.
        const AZURE_STATUSES: [&str; 5] = ["Active", "Inactive", "Expired", "Complete", "Canceled"];
        let status = self
            .status
            .as_deref()
            .filter(|s| AZURE_STATUSES.iter().any(|a| a.eq_ignore_ascii_case(s)));
        eq_filter(&[("source", self.source.as_deref()), ("status", status)])
    }

    pub(crate) fn keeps(&self, lot: &CreditLot) -> bool {
        let source_ok = self.source.as_ref().is_none_or(|wanted| {
            lot.source
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(wanted))
        });
        let status_ok = self
            .status
            .as_ref()
            .is_none_or(|wanted| lot.status(self.as_of).label().eq_ignore_ascii_case(wanted));
        source_ok && status_ok
    }
}

/// What `events` asks for: the window, and a lot source and lot id. The window is always
/// sent; the lot filters as the documented `$filter` where Azure documents one; all of it is
/// applied to what comes back too.
#[derive(Debug, Clone)]
pub(crate) struct EventQuery {
    pub(crate) window: (NaiveDate, NaiveDate),
    pub(crate) lot_source: Option<String>,
    pub(crate) lot_id: Option<String>,
}

impl EventQuery {
    /// Every event of the window.
    pub(crate) fn window(start: NaiveDate, end: NaiveDate) -> Self {
        EventQuery {
            window: (start, end),
            lot_source: None,
            lot_id: None,
        }
    }

    fn odata(&self) -> Option<String> {
        eq_filter(&[
            ("lotsource", self.lot_source.as_deref()),
            ("lotid", self.lot_id.as_deref()),
        ])
    }

    fn keeps(&self, event: &CreditEvent) -> bool {
        let source_ok = self.lot_source.as_ref().is_none_or(|wanted| {
            event
                .lot_source
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(wanted))
        });
        // Azure answers a `lotid eq 'G2020…'` filter with full lot ids: a lot matches by its
        // id or by its last segment.
        let lot_ok = self.lot_id.as_ref().is_none_or(|wanted| {
            event.lot_id.as_deref().is_some_and(|actual| {
                last_segment(actual).eq_ignore_ascii_case(last_segment(wanted))
            })
        });
        source_ok && lot_ok
    }

    fn in_window(&self, event: &CreditEvent) -> bool {
        let (start, end) = self.window;
        event
            .transaction_date
            .is_none_or(|d| d.date_naive() >= start && d.date_naive() <= end)
    }
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

/// The credit lots of a scope that `asked` keeps, in Azure's order.
pub(crate) async fn lots(
    client: &ArmClient,
    scope: &Scope,
    asked: &LotQuery,
) -> ArmResult<Vec<CreditLot>> {
    let api_version = api_version(Read::Lots, scope.kind())?;
    let filter = asked
        .odata()
        .filter(|_| filter_documented(Read::Lots, scope.kind()));
    let (query, keep) = list_query(api_version, &[], &filter);
    let url = client.url(
        &format!("{}/providers/Microsoft.Consumption/lots", scope.id()),
        &query,
    );
    let expected = Expected {
        record_type: "Microsoft.Consumption/lots",
        within: profile_scope(scope),
        keep: &keep,
    };
    let mut lots = Vec::new();
    client
        .get_pages(url, &expected, |page: Vec<wire::Lot>| {
            for raw in page {
                let lot =
                    CreditLot::from_wire(raw).map_err(|e| conversion_error("credit lot", e))?;
                if asked.keeps(&lot) {
                    lots.push(lot);
                }
            }
            Ok::<_, ArmError>(ControlFlow::Continue(()))
        })
        .await?;
    Ok(lots)
}

/// The credit events of a scope that `asked` keeps, handed over page by page as they arrive
/// so output can start before the last page. `on_page` may fail with its own error, or answer
/// `Break` (nobody reads any more), which ends the listing.
pub(crate) async fn events<E: From<ArmError>>(
    client: &ArmClient,
    scope: &Scope,
    asked: &EventQuery,
    mut on_page: impl FnMut(Vec<CreditEvent>) -> Result<ControlFlow<()>, E>,
) -> Result<(), E> {
    let (start, end) = asked.window;
    let window = [
        ("startDate", start.format("%Y-%m-%d").to_string()),
        ("endDate", end.format("%Y-%m-%d").to_string()),
    ];
    let api_version = api_version(Read::Events, scope.kind())?;
    let filter = asked
        .odata()
        .filter(|_| filter_documented(Read::Events, scope.kind()));
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
        within: profile_scope(scope),
        keep: &keep,
    };
    client
        .get_pages(url, &expected, |page: Vec<wire::Event>| {
            let mut events = Vec::with_capacity(page.len());
            for raw in page {
                let event =
                    CreditEvent::from_wire(raw).map_err(|e| conversion_error("credit event", e))?;
                if asked.keeps(&event) && (!check_window || asked.in_window(&event)) {
                    events.push(event);
                }
            }
            on_page(events)
        })
        .await
}

/// Every credit event of a scope that `asked` keeps, collected (for the reads that need the
/// whole ledger at once: forecasts, invoice joins, `verify`).
pub(crate) async fn all_events(
    client: &ArmClient,
    scope: &Scope,
    asked: &EventQuery,
) -> ArmResult<Vec<CreditEvent>> {
    let mut all = Vec::new();
    events(client, scope, asked, |page| {
        all.extend(page);
        Ok::<_, ArmError>(ControlFlow::Continue(()))
    })
    .await?;
    Ok(all)
}

/// The Consumption API version of an enrollment's Azure Prepayment (`balances`).
pub const EA_BALANCE_API_VERSION: &str = "2024-08-01";

/// An Enterprise Agreement enrollment's Azure Prepayment for one billing period, or for the
/// current one (`None`). One object, not paged. `Ok(None)`: Azure answered 204.
pub(crate) async fn ea_balance(
    client: &ArmClient,
    account: &Scope,
    period: Option<crate::model::ea::Period>,
) -> ArmResult<Option<crate::model::ea::Balance>> {
    // The period's path has one `providers/Microsoft.Billing/`: the older path with a second
    // one answers InvalidResourceType.
    let path = match period {
        None => format!("{}/providers/Microsoft.Consumption/balances", account.id()),
        Some(period) => format!(
            "{}/billingPeriods/{}/providers/Microsoft.Consumption/balances",
            account.id(),
            period.code()
        ),
    };
    let url = client.url(&path, &[("api-version", EA_BALANCE_API_VERSION)]);
    let expected = Expected {
        record_type: "Microsoft.Consumption/balances",
        within: Some(account),
        keep: &[],
    };
    client.get_json(url, &expected).await
}
