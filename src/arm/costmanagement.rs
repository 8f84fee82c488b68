//! Microsoft.CostManagement: what a billing profile, account or customer spent, grouped by
//! up to two dimensions, from the Query API. Costs are before credit and tax; the answer is a
//! table (`columns` and `rows`), read here by column name, amounts exactly.

use super::client::{conversion_error, describe, quoted, ArmClient, MAX_BLOB_BYTES};
use super::error::{ArmError, ArmResult};
use crate::model::cost_details::{CostDetails, CostDetailsReader};
use crate::model::money::parse_decimal_exact;
use crate::model::scope::Scope;
use crate::model::spend::CostRow;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;
use url::Url;

/// The Cost Management version of the Query API.
pub const COST_API_VERSION: &str = "2025-03-01";

/// What a spend query asks: the days (both included), the dimensions to group by (at most
/// two, as the Query API takes), and whether per day.
#[derive(Debug, Clone)]
pub(crate) struct CostQuery {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    pub(crate) grouping: Vec<&'static str>,
    pub(crate) daily: bool,
}

impl CostQuery {
    /// The JSON body: actual cost, a custom period (`TheLastMonth` is refused by the
    /// service), summed as `Cost`.
    pub(crate) fn body(&self) -> Value {
        let grouping: Vec<Value> = self
            .grouping
            .iter()
            .map(|name| serde_json::json!({"type": "Dimension", "name": name}))
            .collect();
        serde_json::json!({
            "type": "ActualCost",
            "timeframe": "Custom",
            "timePeriod": {
                "from": format!("{}T00:00:00Z", self.from),
                "to": format!("{}T23:59:59Z", self.to),
            },
            "dataset": {
                "granularity": if self.daily { "Daily" } else { "None" },
                "aggregation": {"totalCost": {"name": "Cost", "function": "Sum"}},
                "grouping": grouping,
            }
        })
    }
}

#[derive(Debug, Deserialize)]
struct QueryAnswer {
    properties: QueryProperties,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryProperties {
    #[serde(default)]
    next_link: Option<String>,
    columns: Vec<QueryColumn>,
    rows: Vec<Vec<Value>>,
}

#[derive(Debug, Deserialize)]
struct QueryColumn {
    name: String,
}

/// The names a cost column goes by: ours (`Cost`), and those of the official examples and
/// older callers.
const COST_COLUMNS: [&str; 4] = ["Cost", "PreTaxCost", "CostUSD", "TotalCost"];

/// Every row of a query at `scope`, page after page (each `nextLink` is POSTed the same
/// body). A 204 is no cost at all.
pub(crate) async fn query(
    client: &ArmClient,
    scope: &Scope,
    asked: &CostQuery,
) -> ArmResult<Vec<CostRow>> {
    query_at(client, scope.id(), &asked.body(), &asked.grouping).await
}

/// The actual cost of a subscription's current billing period so far, ungrouped: the days
/// of `period` (first day to `to`), or Azure's own `BillingMonthToDate` when the period's
/// days are not known.
pub(crate) async fn subscription_cost(
    client: &ArmClient,
    guid: &str,
    period: Option<(NaiveDate, NaiveDate)>,
) -> ArmResult<Vec<CostRow>> {
    let aggregation = serde_json::json!({"totalCost": {"name": "Cost", "function": "Sum"}});
    let body = match period {
        Some((from, to)) => serde_json::json!({
            "type": "ActualCost",
            "timeframe": "Custom",
            "timePeriod": {"from": format!("{from}T00:00:00Z"), "to": format!("{to}T23:59:59Z")},
            "dataset": {"granularity": "None", "aggregation": aggregation},
        }),
        None => serde_json::json!({
            "type": "ActualCost",
            "timeframe": "BillingMonthToDate",
            "dataset": {"granularity": "None", "aggregation": aggregation},
        }),
    };
    query_at(client, &format!("/subscriptions/{guid}"), &body, &[]).await
}

/// Every row of the query `body` at the scope `scope_id`, page after page (each `nextLink`
/// is POSTed the same body). A 204 is no cost at all.
async fn query_at(
    client: &ArmClient,
    scope_id: &str,
    body: &Value,
    grouping: &[&str],
) -> ArmResult<Vec<CostRow>> {
    let url = client.url(
        &format!("{scope_id}/providers/Microsoft.CostManagement/query"),
        &[("api-version", COST_API_VERSION)],
    );
    let body = serde_json::to_vec(body)
        .map_err(|e| ArmError::Internal(format!("the query could not be written: {e}")))?;
    let mut rows = Vec::new();
    client
        .post_pages(url, &body, |answer: QueryAnswer| {
            let page = answer.properties;
            read_rows(&page.columns, page.rows, grouping, &mut rows)
                .map_err(|e| conversion_error("cost query", e))?;
            Ok(page.next_link.filter(|link| !link.trim().is_empty()))
        })
        .await?;
    Ok(rows)
}

/// The request of a Cost Details report: the actual cost of the days asked (one month at
/// most; Azure writes one report per call).
fn report_body(start: NaiveDate, end: NaiveDate) -> Value {
    serde_json::json!({
        "metric": "ActualCost",
        "timePeriod": {"start": start.to_string(), "end": end.to_string()},
    })
}

/// A report operation's result (the 200 of the request or of its `Location`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReportResult {
    status: Option<String>,
    manifest: Option<Manifest>,
    error: Option<ReportError>,
    /// Some answers wrap the result in `properties`.
    properties: Option<Box<ReportResult>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Manifest {
    blob_count: Option<u64>,
    blobs: Vec<Blob>,
    compress_data: Option<bool>,
    data_format: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Blob {
    blob_link: Option<String>,
    byte_count: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReportError {
    code: Option<String>,
    message: Option<String>,
}

/// How long to wait between polls when Azure does not say (it usually asks 60 s), and the
/// shortest wait ever (a `Retry-After: 0` must not become a busy loop).
const DEFAULT_POLL_WAIT: Duration = Duration::from_secs(10);
const MIN_POLL_WAIT: Duration = Duration::from_millis(500);
/// Far more polls than a report takes (Azure prepares one in minutes).
const MAX_POLLS: u32 = 360;

/// The costs of `scope` on the days `start..=end` (within one month), line by line, from a
/// Cost Details report: asked for (`generateCostDetailsReport`: 202 with `Location` and
/// `Retry-After`; 200 or 204 at once also happen), polled on the Resource Manager host as
/// Azure asks (`on_wait` is told of each wait, for the progress line), then each of its CSV
/// files streamed from storage without the token and summed as it arrives.
pub(crate) async fn cost_details(
    client: &ArmClient,
    scope: &Scope,
    start: NaiveDate,
    end: NaiveDate,
    on_wait: &(dyn Fn(u32, Duration) + Sync),
) -> ArmResult<CostDetails> {
    let url = client.url(
        &format!(
            "{}/providers/Microsoft.CostManagement/generateCostDetailsReport",
            scope.id()
        ),
        &[("api-version", COST_API_VERSION)],
    );
    let body = serde_json::to_vec(&report_body(start, end))
        .map_err(|e| ArmError::Internal(format!("the report request could not be written: {e}")))?;
    let mut answer = client.post_operation(&url, &body).await?;
    let mut asked = url.clone();
    let mut location: Option<Url> = None;
    let mut polls = 0u32;
    let manifest = loop {
        let refuse = |why: String| ArmError::Report {
            request: describe(&asked),
            why,
        };
        location = answer.location.clone().or(location);
        let result = match (answer.status, answer.body.as_deref()) {
            (204, _) => return Ok(CostDetails::default()),
            (200 | 201, Some(body)) if !body.is_empty() => {
                let mut result: ReportResult = serde_json::from_slice(body)
                    .map_err(|e| refuse(format!("its answer is not a report result: {e}")))?;
                if let Some(inner) = result.properties.take() {
                    if result.status.is_none() {
                        result = *inner;
                    }
                }
                Some(result)
            }
            _ => None,
        };
        let status = result.as_ref().and_then(|r| r.status.clone());
        match status.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("completed") => {
                break result.and_then(|r| r.manifest).ok_or_else(|| {
                    refuse("Azure says it is completed but gives no manifest of its files".into())
                })?;
            }
            Some("nodatafound") => return Ok(CostDetails::default()),
            // Still being prepared: ask again where and when Azure says.
            Some("inprogress" | "queued" | "running" | "notstarted" | "accepted") => {}
            None if answer.status == 202 => {}
            Some("failed") | Some("expired") | Some("canceled") | Some("cancelled") => {
                let error = result.and_then(|r| r.error).unwrap_or_default();
                return Err(refuse(format!(
                    "Azure says it {}{}",
                    status
                        .as_deref()
                        .map(str::to_ascii_lowercase)
                        .unwrap_or_default(),
                    match (error.code, error.message) {
                        (Some(code), Some(message)) =>
                            format!(": {}: {}", quoted(&code), quoted(&message)),
                        (None, Some(message)) | (Some(message), None) =>
                            format!(": {}", quoted(&message)),
                        (None, None) => String::new(),
                    }
                )));
            }
            Some(other) => {
                return Err(refuse(format!(
                    "Azure answered a status credits does not know: {}",
                    quoted(status.as_deref().unwrap_or(other))
                )))
            }
            None => {
                return Err(refuse(format!(
                    "Azure answered HTTP {} without a report status",
                    answer.status
                )))
            }
        }
        let Some(next) = location.clone() else {
            return Err(refuse(
                "Azure is preparing it but gives no Location to ask again".into(),
            ));
        };
        polls += 1;
        if polls > MAX_POLLS {
            return Err(refuse(format!(
                "still not ready after {MAX_POLLS} polls; stopping"
            )));
        }
        let wait = answer
            .retry_after
            .unwrap_or(DEFAULT_POLL_WAIT)
            .max(MIN_POLL_WAIT);
        on_wait(polls, wait);
        client
            .wait_as_asked(wait, &next, "Azure is still preparing it")
            .await?;
        answer = client.poll_operation(&next).await?;
        asked = next;
    };
    let refuse = |why: String| ArmError::Report {
        request: describe(&asked),
        why,
    };
    if manifest.compress_data == Some(true) {
        return Err(refuse(
            "its files are compressed, which credits does not read (it never asks for that)".into(),
        ));
    }
    if let Some(format) = manifest
        .data_format
        .as_deref()
        .filter(|f| !f.eq_ignore_ascii_case("csv"))
    {
        return Err(refuse(format!("its files are {}, not CSV", quoted(format))));
    }
    if let Some(count) = manifest
        .blob_count
        .filter(|count| *count != manifest.blobs.len() as u64)
    {
        return Err(refuse(format!(
            "its manifest counts {count} files but links {}",
            manifest.blobs.len()
        )));
    }
    let mut month = CostDetails::default();
    for (number, blob) in manifest.blobs.iter().enumerate() {
        let Some(link) = blob.blob_link.as_deref().filter(|l| !l.trim().is_empty()) else {
            return Err(refuse(format!("its file {} has no link", number + 1)));
        };
        let link = Url::parse(link.trim()).map_err(|e| {
            refuse(format!(
                "its file {} has a link that is not a URL: {e}",
                number + 1
            ))
        })?;
        // What the manifest promises, with room for a rounding of it; never more than the cap.
        let limit = blob
            .byte_count
            .map_or(MAX_BLOB_BYTES, |count| {
                count.saturating_mul(2).saturating_add(1024 * 1024)
            })
            .min(MAX_BLOB_BYTES);
        let (reader, read) = client
            .stream_blob(&link, limit, CostDetailsReader::new, |reader, chunk| {
                reader.feed(chunk)
            })
            .await?;
        // A file that ended early at a line's end would read as a smaller month.
        if let Some(count) = blob.byte_count.filter(|count| read < *count) {
            return Err(ArmError::Report {
                request: describe(&link),
                why: format!(
                    "its file ended after {read} of the {count} bytes the report lists; run the command again"
                ),
            });
        }
        let part = reader.finish().map_err(|why| ArmError::Report {
            request: describe(&link),
            why: format!("its file: {why}"),
        })?;
        month.merge(part).map_err(refuse)?;
    }
    Ok(month)
}

/// A dimension of a scope, as `GET …/dimensions` lists it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Dimension {
    name: Option<String>,
    properties: DimensionProperties,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct DimensionProperties {
    grouping_enabled: Option<bool>,
}

impl crate::model::wire::ArmRecord for Dimension {
    // Dimensions come typed in several spellings; only their names are used.
    fn record_type(&self) -> Option<&str> {
        None
    }
    fn record_id(&self) -> Option<&str> {
        None
    }
}

/// The dimensions a query at `scope` may group by (asked when a grouping was refused).
pub(crate) async fn dimensions(client: &ArmClient, scope: &Scope) -> ArmResult<Vec<String>> {
    let url = client.url(
        &format!(
            "{}/providers/Microsoft.CostManagement/dimensions",
            scope.id()
        ),
        &[("api-version", COST_API_VERSION)],
    );
    let expected = super::client::Expected {
        record_type: "",
        within: None,
        keep: &[],
    };
    let listed: Vec<Dimension> = client.get_all(url, &expected).await?;
    Ok(listed
        .into_iter()
        .filter(|d| d.properties.grouping_enabled != Some(false))
        .filter_map(|d| d.name)
        .collect())
}

/// The rows of one page, by column name (without regard to case).
fn read_rows(
    columns: &[QueryColumn],
    rows: Vec<Vec<Value>>,
    grouping: &[&str],
    into: &mut Vec<CostRow>,
) -> Result<(), String> {
    let find = |name: &str| {
        columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    };
    let cost = COST_COLUMNS
        .iter()
        .find_map(|name| find(name))
        .ok_or_else(|| {
            let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
            format!("no cost column among {}", names.join(", "))
        })?;
    let currency = find("Currency").or_else(|| find("BillingCurrency"));
    let date = find("UsageDate");
    let groups: Vec<Option<usize>> = grouping.iter().map(|name| find(name)).collect();
    for (number, row) in rows.into_iter().enumerate() {
        let at = |index: usize| row.get(index).unwrap_or(&Value::Null);
        let amount = match at(cost) {
            Value::Number(n) => parse_decimal_exact(&n.to_string())?,
            Value::String(text) => parse_decimal_exact(text.trim())?,
            other => {
                return Err(format!(
                    "row {}: the cost is {}, not a number",
                    number + 1,
                    crate::model::money::json_kind(other)
                ))
            }
        };
        let text = |index: Option<usize>| match index.map(at) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let day = match date.map(at) {
            None | Some(Value::Null) => None,
            Some(value) => Some(
                usage_date(value)
                    .ok_or_else(|| format!("row {}: UsageDate {value} is not a day", number + 1))?,
            ),
        };
        into.push(CostRow {
            groups: groups.iter().map(|index| text(*index)).collect(),
            cost: amount,
            currency: text(currency).map(|c| c.trim().to_ascii_uppercase()),
            date: day,
            covered: None,
        });
    }
    Ok(())
}

/// `UsageDate` as the service writes it: the number `20261105`, or a date text.
fn usage_date(value: &Value) -> Option<NaiveDate> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        _ => return None,
    };
    NaiveDate::parse_from_str(&text, "%Y%m%d").ok().or_else(|| {
        text.get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_by_column_name_with_exact_amounts() {
        let columns: Vec<QueryColumn> = serde_json::from_str(
            r#"[{"name":"PreTaxCost"},{"name":"ResourceGroup"},{"name":"UsageDate"},{"name":"Currency"}]"#,
        )
        .unwrap();
        let rows: Vec<Vec<Value>> = serde_json::from_str(
            r#"[[19.545363672276512,"rg-a",20261105,"usd"],["1.2345E-05","rg-b",20261106,"USD"]]"#,
        )
        .unwrap();
        let mut read = Vec::new();
        read_rows(&columns, rows, &["ResourceGroup"], &mut read).unwrap();
        assert_eq!(read[0].cost.to_string(), "19.545363672276512");
        assert_eq!(read[0].groups, vec![Some("rg-a".to_string())]);
        assert_eq!(read[0].currency.as_deref(), Some("USD"));
        assert_eq!(read[0].date, NaiveDate::from_ymd_opt(2026, 11, 5));
        assert_eq!(read[1].cost.to_string(), "0.000012345");
    }

    #[test]
    fn a_page_without_a_cost_column_is_refused() {
        let columns: Vec<QueryColumn> = serde_json::from_str(r#"[{"name":"Other"}]"#).unwrap();
        let mut read = Vec::new();
        assert!(read_rows(&columns, vec![], &[], &mut read).is_err());
    }
}
