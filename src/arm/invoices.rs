//! Microsoft.Billing invoices: the invoices of a billing profile or account in a window of
//! billing periods, and an invoice's transaction summary. 2024-04-01 first; a cloud or
//! account that does not know it ("no such api-version") is asked once more in 2020-05-01,
//! which has no transaction summaries.

use super::client::{conversion_error, ArmClient, Expected};
use super::error::{ArmError, ArmResult};
use crate::model::dates::MonthWindow;
use crate::model::invoice::{Invoice, InvoiceSummary};
use crate::model::scope::{Scope, ScopeKind};
use crate::model::wire;
use std::ops::ControlFlow;

/// The newest Billing version: invoices and transaction summaries.
pub const INVOICES_API_VERSION: &str = "2024-04-01";
/// The version some clouds and accounts still serve alone: invoices, no summaries.
pub const INVOICES_FALLBACK_API_VERSION: &str = "2020-05-01";

/// The invoices of a scope, and the API version that served them.
#[derive(Debug, Clone)]
pub(crate) struct InvoiceList {
    pub(crate) invoices: Vec<Invoice>,
    pub(crate) api_version: &'static str,
}

impl InvoiceList {
    /// Whether transaction summaries can be asked for (2024-04-01 only).
    pub(crate) fn has_summaries(&self) -> bool {
        self.api_version == INVOICES_API_VERSION
    }
}

/// Whether an answer says the API version is unknown here: the one reason to ask again in
/// the older version.
fn no_such_version(error: &ArmError) -> bool {
    match error.root() {
        ArmError::Status(failure) => {
            let code = failure.code.as_deref().unwrap_or("");
            (failure.status == 400 && code.eq_ignore_ascii_case("InvalidApiVersionParameter"))
                || (failure.status == 404 && code.eq_ignore_ascii_case("NoRegisteredProviderFound"))
        }
        _ => false,
    }
}

/// The invoices of a billing profile or account whose billing periods lie in `window`
/// (sent as `periodStartDate`/`periodEndDate`, ISO days, and checked on what comes back),
/// in Azure's order.
pub(crate) async fn invoices(
    client: &ArmClient,
    scope: &Scope,
    window: MonthWindow,
) -> ArmResult<InvoiceList> {
    if !matches!(
        scope.kind(),
        ScopeKind::BillingProfile | ScopeKind::BillingAccount
    ) {
        return Err(ArmError::NotServed {
            what: "invoices",
            scope: scope.kind(),
        });
    }
    match read(client, scope, window, INVOICES_API_VERSION).await {
        Err(error) if no_such_version(&error) => {
            read(client, scope, window, INVOICES_FALLBACK_API_VERSION).await
        }
        result => result,
    }
}

async fn read(
    client: &ArmClient,
    scope: &Scope,
    window: MonthWindow,
    api_version: &'static str,
) -> ArmResult<InvoiceList> {
    let start = window.from.format("%Y-%m-%d").to_string();
    let end = window.last_day().format("%Y-%m-%d").to_string();
    let url = client.url(
        &format!("{}/invoices", scope.id()),
        &[
            ("api-version", api_version),
            ("periodStartDate", &start),
            ("periodEndDate", &end),
        ],
    );
    let keep = [
        ("periodStartDate", start.clone()),
        ("periodEndDate", end.clone()),
    ];
    let expected = Expected {
        record_type: "Microsoft.Billing/billingAccounts/invoices",
        within: Some(scope),
        keep: &keep,
    };
    let mut invoices = Vec::new();
    client
        .get_pages(url, &expected, |page: Vec<wire::Invoice>| {
            for raw in page {
                let invoice =
                    Invoice::from_wire(raw).map_err(|e| conversion_error("invoice", e))?;
                // Azure filters by period; an invoice outside the window is not shown as
                // one of it.
                if invoice.period_start().is_none_or(|day| window.holds(day)) {
                    invoices.push(invoice);
                }
            }
            Ok::<_, ArmError>(ControlFlow::Continue(()))
        })
        .await?;
    Ok(InvoiceList {
        invoices,
        api_version,
    })
}

/// The transaction summary of an invoice of `account` (2024-04-01 only); `None` for a 204.
pub(crate) async fn transaction_summary(
    client: &ArmClient,
    account: &Scope,
    invoice_name: &str,
) -> ArmResult<Option<InvoiceSummary>> {
    // The name comes from Azure and becomes part of a path: nothing but a plain name.
    let plain = !invoice_name.is_empty()
        && invoice_name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && invoice_name != "."
        && invoice_name != "..";
    if !plain {
        return Err(conversion_error(
            "invoice",
            format!("the invoice name {invoice_name:?} is not a plain name"),
        ));
    }
    let url = client.url(
        &format!(
            "{}/invoices/{}/transactionSummary",
            account.account_id(),
            invoice_name
        ),
        &[("api-version", INVOICES_API_VERSION)],
    );
    let expected = Expected {
        record_type: "",
        within: None,
        keep: &[],
    };
    let raw: Option<wire::TransactionSummary> = client.get_json(url, &expected).await?;
    raw.map(InvoiceSummary::from_wire)
        .transpose()
        .map_err(|e| conversion_error("transaction summary", e))
}
