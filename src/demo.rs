//! `--demo`: a built-in demo tenant served on a loopback port inside the process, so the
//! demo goes through exactly the same HTTP client, paging and parsing as real use.
//!
//! The tenant is `fixtures/demo/tenant.json`. Its dates are written relative to the reference
//! day (`"@today-30"`, or `"@us:today-30"` for the 2019-10-01 API's US style), so default
//! windows always show data and `--as-of` makes the demo reproducible.

use crate::error::{Error, Result};
use crate::model::scope::Scope;
use chrono::{Duration, NaiveDate};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use url::Url;

const TENANT: &str = include_str!("../fixtures/demo/tenant.json");
/// Small pages, so the demo shows paging at work.
const EVENTS_PAGE_SIZE: usize = 5;

/// The running demo server; it stops when dropped.
pub(crate) struct DemoServer {
    endpoint: Url,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl DemoServer {
    pub(crate) async fn start(today: NaiveDate) -> Result<Self> {
        let tenant: Value = serde_json::from_str(&expand_dates(TENANT, today))
            .map_err(|e| Error::unavailable(format!("the demo tenant is broken: {e}")))?;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| Error::unavailable(format!("could not start the demo server: {e}")))?;
        let address = listener
            .local_addr()
            .map_err(|e| Error::unavailable(format!("could not start the demo server: {e}")))?;
        let endpoint = Url::parse(&format!("http://{address}"))
            .map_err(|e| Error::unavailable(format!("could not start the demo server: {e}")))?;
        let tenant = Arc::new(Tenant {
            data: tenant,
            base: endpoint.as_str().trim_end_matches('/').to_string(),
            today,
        });
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let tenant = Arc::clone(&tenant);
                tokio::spawn(async move {
                    // A connection that fails only ends that connection.
                    let _ = serve_connection(stream, &tenant).await;
                });
            }
        });
        Ok(DemoServer { endpoint, task })
    }

    pub(crate) fn endpoint(&self) -> &Url {
        &self.endpoint
    }
}

/// Replaces `"@today±N"` and `"@us:today±N"` string values with dates N days from `today`,
/// and `"@month-N±D"` (`"@us:month-N±D"`) with the date D days from the first day of the
/// month N months before today's.
pub(crate) fn expand_dates(text: &str, today: NaiveDate) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\"@") {
        out.push_str(&rest[..at]);
        let token_start = at + 1;
        let Some(len) = rest[token_start..].find('"') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let token = &rest[token_start..token_start + len];
        match date_token(token, today) {
            Some(date) => {
                out.push('"');
                out.push_str(&date);
                out.push('"');
            }
            None => out.push_str(&rest[at..token_start + len + 1]),
        }
        rest = &rest[token_start + len + 1..];
    }
    out.push_str(rest);
    out
}

fn date_token(token: &str, today: NaiveDate) -> Option<String> {
    let (us_style, body) = match token.strip_prefix("@us:") {
        Some(body) => (true, body),
        None => (false, token.strip_prefix('@')?),
    };
    let date = if let Some(offset) = body.strip_prefix("today") {
        let days: i64 = if offset.is_empty() {
            0
        } else {
            offset.strip_prefix('+').unwrap_or(offset).parse().ok()?
        };
        today.checked_add_signed(Duration::days(days))?
    } else {
        // `month-N+D`: D days after the first day of the month N months before today's.
        let offset = body.strip_prefix("month-")?;
        let split = offset.find(['+', '-'])?;
        let months: u32 = offset[..split].parse().ok()?;
        let days: i64 = offset[split..]
            .strip_prefix('+')
            .unwrap_or(&offset[split..])
            .parse()
            .ok()?;
        use chrono::Datelike;
        today
            .with_day(1)?
            .checked_sub_months(chrono::Months::new(months))?
            .checked_add_signed(Duration::days(days))?
    };
    Some(if us_style {
        date.format("%m/%d/%Y 00:00:00").to_string()
    } else {
        date.format("%Y-%m-%dT00:00:00Z").to_string()
    })
}

struct Tenant {
    data: Value,
    base: String,
    /// The reference day: the enrollment's periods are counted back from its month.
    today: NaiveDate,
}

#[derive(Default)]
struct Reply {
    status: u16,
    body: Option<String>,
    /// Headers beside the usual ones; a `content-type` here replaces JSON's.
    headers: Vec<(&'static str, String)>,
}

async fn serve_connection(stream: tokio::net::TcpStream, tenant: &Tenant) -> std::io::Result<()> {
    // Answers are written whole; without this, delayed ACKs add ~40 ms per request.
    stream.set_nodelay(true)?;
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut request_number = 0u64;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).await? == 0 {
            return Ok(());
        }
        // Only the body's length is needed of the headers (a POST has a body).
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).await? == 0 || header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0).min(1 << 20);
                }
            }
        }
        let mut body = vec![0u8; length];
        tokio::io::AsyncReadExt::read_exact(&mut reader, &mut body).await?;
        request_number += 1;
        let target = request_line.split_whitespace().nth(1).unwrap_or("/");
        let reply = if request_line.starts_with("POST ") {
            if target
                .to_ascii_lowercase()
                .contains("/providers/microsoft.costmanagement/generatecostdetailsreport")
            {
                cost_details_report(tenant, target, &body)
            } else {
                cost_query(tenant, target, &body)
            }
        } else {
            route(tenant, target)
        };
        let (reason, body) = match (reply.status, reply.body) {
            (204, _) => ("No Content", String::new()),
            (status, body) => (
                match status {
                    200 => "OK",
                    202 => "Accepted",
                    400 => "Bad Request",
                    _ => "Not Found",
                },
                body.unwrap_or_default(),
            ),
        };
        let mut headers = String::new();
        if !reply
            .headers
            .iter()
            .any(|(name, _)| *name == "content-type")
        {
            headers.push_str("content-type: application/json; charset=utf-8\r\n");
        }
        for (name, value) in &reply.headers {
            headers.push_str(&format!("{name}: {value}\r\n"));
        }
        let answer = format!(
            "HTTP/1.1 {} {reason}\r\n{headers}content-length: {}\r\nx-ms-request-id: demo-{request_number:04}\r\n\r\n{body}",
            reply.status,
            body.len()
        );
        writer.write_all(answer.as_bytes()).await?;
        writer.flush().await?;
    }
}

fn route(tenant: &Tenant, target: &str) -> Reply {
    let Ok(url) = Url::parse(&format!("http://demo{target}")) else {
        return not_found(target);
    };
    let path = url.path().to_string();
    let lower = path.to_ascii_lowercase();
    let data = &tenant.data;
    if lower == "/providers/microsoft.billing/billingaccounts" {
        return ok(&data["accounts"]);
    }
    if lower.starts_with("/subscriptions") {
        return subscription_route(tenant, &path);
    }
    if lower.starts_with("/demo-reports/") {
        return cost_details_file(tenant, &path);
    }
    if lower.contains("/providers/microsoft.costmanagement/costdetailsoperationresults/") {
        return cost_details_result(tenant, &path);
    }
    // The scope a request reads is named by the one id parser, as in the client.
    let scope = Scope::enclosing(&path);
    let scope_name = scope.as_ref().map(|scope| scope.name().to_string());
    if lower.ends_with("/customers") {
        let name = scope_name.unwrap_or_default();
        return lookup(&data["customers"], &name).map_or_else(|| not_found(&path), ok);
    }
    if lower.ends_with("/billingprofiles") {
        let name = scope_name.unwrap_or_default();
        return lookup(&data["profiles"], &name).map_or_else(|| not_found(&path), ok);
    }
    if lower.ends_with("/providers/microsoft.consumption/balances") {
        return ea_balance(tenant, &path);
    }
    // A billing account's credit resources (BillingBenefits): none for accounts without.
    if lower.ends_with("/providers/microsoft.billingbenefits/applicablecredits") {
        let name = scope_name.unwrap_or_default();
        let credits = lookup(&data["creditResources"], &name).cloned();
        return ok(&json!({ "value": credits.unwrap_or_else(|| json!([])) }));
    }
    // An enrollment itself (Billing 2024-04-01: its end date).
    if let Some(account) = scope
        .as_ref()
        .filter(|s| s.kind() == crate::model::scope::ScopeKind::BillingAccount)
        .filter(|s| s.id().eq_ignore_ascii_case(path.trim_end_matches('/')))
    {
        return lookup(&data["eaAccounts"], account.name()).map_or_else(|| not_found(&path), ok);
    }
    // A billing profile itself (Billing 2024-04-01, `balance --details`).
    if let Some(profile) = scope
        .as_ref()
        .filter(|s| s.kind() == crate::model::scope::ScopeKind::BillingProfile)
        .filter(|s| s.id().eq_ignore_ascii_case(path.trim_end_matches('/')))
    {
        return lookup(&data["profilesInDetail"], profile.name())
            .map_or_else(|| not_found(&path), ok);
    }
    if lower.ends_with("/availablebalance/default") {
        let name = scope_name.unwrap_or_default();
        return lookup(&data["paymentsOnAccount"], &name).map_or_else(|| not_found(&path), ok);
    }
    let profile_name = |suffix: &str| {
        lower
            .ends_with(suffix)
            .then(|| scope_name.clone())
            .flatten()
    };
    if let Some(name) = profile_name("/providers/microsoft.consumption/credits/balancesummary") {
        return match lookup(&data["balances"], &name) {
            Some(Value::Null) => Reply {
                status: 204,
                body: None,
                ..Default::default()
            },
            Some(v) => ok(v),
            None => not_found(&path),
        };
    }
    if let Some(name) = profile_name("/providers/microsoft.consumption/lots") {
        return lookup(&data["lots"], &name)
            .map_or_else(|| not_found(&path), |v| ok(&json!({ "value": v })));
    }
    if lower.ends_with("/transactionsummary") {
        let invoice = path
            .trim_end_matches('/')
            .rsplit('/')
            .nth(1)
            .unwrap_or_default();
        return lookup(&data["transactionSummaries"], invoice).map_or_else(|| not_found(&path), ok);
    }
    if lower.ends_with("/invoices") {
        let Some(scope) = scope else {
            return not_found(&path);
        };
        let invoices: Vec<&Value> = match scope.kind() {
            crate::model::scope::ScopeKind::BillingProfile => {
                let Some(Value::Array(all)) = lookup(&data["invoices"], scope.name()) else {
                    return not_found(&path);
                };
                all.iter().collect()
            }
            crate::model::scope::ScopeKind::BillingAccount => data["invoices"]
                .as_object()
                .into_iter()
                .flat_map(|profiles| profiles.values())
                .filter_map(Value::as_array)
                .flatten()
                .filter(|invoice| {
                    invoice["properties"]["billingProfileId"]
                        .as_str()
                        .is_some_and(|id| scope.holds(id))
                })
                .collect(),
            _ => return not_found(&path),
        };
        return invoices_page(tenant, &url, &invoices);
    }
    if let Some(name) = profile_name("/providers/microsoft.consumption/events") {
        let Some(Value::Array(all)) = lookup(&data["events"], &name) else {
            return not_found(&path);
        };
        return events_page(tenant, &url, all);
    }
    not_found(&path)
}

/// An enrollment's Azure Prepayment for the current period, or for the period its path
/// names (`billingPeriods/YYYYMM`): the tenant holds the newest twelve, current first.
fn ea_balance(tenant: &Tenant, path: &str) -> Reply {
    use chrono::Datelike;
    let segments: Vec<&str> = path.split('/').collect();
    let after = |name: &str| {
        segments
            .iter()
            .position(|s| s.eq_ignore_ascii_case(name))
            .and_then(|i| segments.get(i + 1))
            .copied()
    };
    let Some(account) = after("billingAccounts") else {
        return not_found(path);
    };
    let months_ago = match after("billingPeriods") {
        None => Some(0),
        Some(code) => {
            let year: Option<i32> = code.get(..4).and_then(|y| y.parse().ok());
            let month: Option<i32> = code.get(4..6).and_then(|m| m.parse().ok());
            let today = tenant.today.year() * 12 + tenant.today.month() as i32;
            year.zip(month)
                .map(|(y, m)| today - (y * 12 + m))
                .and_then(|ago| usize::try_from(ago).ok())
        }
    };
    let Some(Value::Array(periods)) = lookup(&tenant.data["eaBalances"], account) else {
        return not_found(path);
    };
    match months_ago.and_then(|ago| periods.get(ago)) {
        Some(properties) => ok(&json!({
            "id": format!("{}/{}", path.trim_end_matches('/'), "balanceId1"),
            "name": "balanceId1",
            "type": "Microsoft.Consumption/balances",
            "properties": properties,
        })),
        None => not_found(path),
    }
}

/// A query parameter of the request.
fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.to_string())
}

/// The records whose `field` (a date) lies between the days of the parameters `start` and
/// `end` (either may be absent).
fn in_window<'a>(
    url: &Url,
    all: impl IntoIterator<Item = &'a Value>,
    field: &str,
    (start, end): (&str, &str),
) -> Vec<&'a Value> {
    let day = |text: Option<String>| {
        text.and_then(|t| NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok())
    };
    let (start, end) = (day(param(url, start)), day(param(url, end)));
    all.into_iter()
        .filter(|record| {
            let date = record["properties"][field]
                .as_str()
                .and_then(|d| crate::model::dates::parse_azure_date(d).ok())
                .map(|d| d.date_naive());
            match date {
                Some(date) => start.is_none_or(|s| date >= s) && end.is_none_or(|e| date <= e),
                None => true,
            }
        })
        .collect()
}

/// Invoices whose billing period starts inside `periodStartDate`..`periodEndDate`.
fn invoices_page(tenant: &Tenant, url: &Url, all: &[&Value]) -> Reply {
    let listed = in_window(
        url,
        all.iter().copied(),
        "invoicePeriodStartDate",
        ("periodStartDate", "periodEndDate"),
    );
    page_of(tenant, url, &listed)
}

/// Events inside the `startDate`..`endDate` window, `EVENTS_PAGE_SIZE` to a page.
fn events_page(tenant: &Tenant, url: &Url, all: &[Value]) -> Reply {
    let listed = in_window(url, all, "transactionDate", ("startDate", "endDate"));
    page_of(tenant, url, &listed)
}

/// One page of `in_window`, `EVENTS_PAGE_SIZE` to a page, with a `nextLink` to the rest.
fn page_of(tenant: &Tenant, url: &Url, in_window: &[&Value]) -> Reply {
    let skip: usize = param(url, "$skiptoken")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let page: Vec<&Value> = in_window
        .iter()
        .skip(skip)
        .take(EVENTS_PAGE_SIZE)
        .copied()
        .collect();
    let mut body = Map::new();
    body.insert(
        "value".into(),
        Value::Array(page.into_iter().cloned().collect()),
    );
    if skip + EVENTS_PAGE_SIZE < in_window.len() {
        let mut next = url.clone();
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "$skiptoken")
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        next.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair("$skiptoken", &(skip + EVENTS_PAGE_SIZE).to_string());
        let link = format!(
            "{}{}?{}",
            tenant.base,
            next.path(),
            next.query().unwrap_or("")
        );
        body.insert("nextLink".into(), Value::String(link));
    }
    ok(&Value::Object(body))
}

/// The services a profile's charges are spread over in the demo's costs, with their share
/// in percent and the rest of their attributes (subscription, resource group, location).
const DEMO_SERVICES: [(&str, u32, &str, &str, &str, &str); 4] = [
    (
        "Virtual Machines",
        45,
        "Contoso Production",
        "0b1f6471-1bf0-4dda-aec3-111111111111",
        "rg-web",
        "westeurope",
    ),
    (
        "Storage",
        25,
        "Contoso Production",
        "0b1f6471-1bf0-4dda-aec3-111111111111",
        "rg-data",
        "westeurope",
    ),
    (
        "Azure SQL Database",
        20,
        "Contoso Analytics",
        "0b1f6471-1bf0-4dda-aec3-222222222222",
        "rg-data",
        "northeurope",
    ),
    (
        "Bandwidth",
        10,
        "Contoso Analytics",
        "0b1f6471-1bf0-4dda-aec3-222222222222",
        "rg-web",
        "northeurope",
    ),
];

/// A subscription outside the MCA: itself, the list, its billing property, its billing
/// periods (the one holding the reference day and the one before).
fn subscription_route(tenant: &Tenant, path: &str) -> Reply {
    let data = &tenant.data;
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let listed = |id: &str| {
        data["subscriptions"]["value"]
            .as_array()
            .and_then(|all| {
                all.iter().find(|s| {
                    s["subscriptionId"]
                        .as_str()
                        .is_some_and(|s| s.eq_ignore_ascii_case(id))
                })
            })
            .cloned()
    };
    match parts.as_slice() {
        ["subscriptions"] => ok(&data["subscriptions"]),
        ["subscriptions", id] => listed(id).map_or_else(|| not_found(path), |s| ok(&s)),
        ["subscriptions", id, "providers", "Microsoft.Billing", "billingProperty", "default"] => {
            lookup(&data["subscriptionBilling"], id).map_or_else(|| not_found(path), ok)
        }
        ["subscriptions", id, "providers", "Microsoft.Billing", "billingPeriods"] => {
            let Some(first_day) = lookup(&data["subscriptionPeriods"], id).and_then(Value::as_u64)
            else {
                return not_found(path);
            };
            let (start, end) = subscription_period(tenant.today, first_day as u32);
            let before = subscription_period(start.pred_opt().unwrap_or(start), first_day as u32);
            let period = |(start, end): (NaiveDate, NaiveDate)| {
                let name = format!("{}-1", end.format("%Y%m"));
                json!({"id": format!("/subscriptions/{id}/providers/Microsoft.Billing/billingPeriods/{name}"),
                    "name": name, "type": "Microsoft.Billing/billingPeriods",
                    "properties": {"billingPeriodStartDate": start.to_string(), "billingPeriodEndDate": end.to_string()}})
            };
            ok(&json!({"value": [period((start, end)), period(before)]}))
        }
        _ => not_found(path),
    }
}

/// The billing period that holds `day`, when periods start on day `first` of a month.
fn subscription_period(day: NaiveDate, first: u32) -> (NaiveDate, NaiveDate) {
    use chrono::Datelike;
    let this_month = day.with_day(first).unwrap_or(day);
    let start = if day >= this_month {
        this_month
    } else {
        this_month
            .checked_sub_months(chrono::Months::new(1))
            .unwrap_or(this_month)
    };
    let end = start
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start);
    (start, end)
}

/// A subscription's cost in the demo: 2.50 to 4.49 USD a day, by the day of the month.
fn subscription_cost(from: NaiveDate, to: NaiveDate) -> i64 {
    use chrono::Datelike;
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|d| 250 + i64::from(d.day() * 37 % 200))
        .sum()
}

/// A demo Cost Management query: the charges of the profile's ledger used in the period (a
/// settlement's over the month it bills, a pending charge on its day), spread over
/// `DEMO_SERVICES`, and for Development a Marketplace product (2.96 USD a day) and a Visual
/// Studio subscription (45.00 USD on the first of each month) that credit does not cover;
/// grouped and summed as asked, five rows a page. A `nextLink` must be POSTed with the body again, as Azure wants.
fn cost_query(tenant: &Tenant, target: &str, body: &[u8]) -> Reply {
    let Ok(url) = Url::parse(&format!("http://demo{target}")) else {
        return not_found(target);
    };
    let path = url.path().to_string();
    if !path
        .to_ascii_lowercase()
        .ends_with("/providers/microsoft.costmanagement/query")
    {
        return not_found(&path);
    }
    let Ok(asked) = serde_json::from_slice::<Value>(body) else {
        return bad_request("The query has no body: a nextLink must be POSTed with the same body.");
    };
    // A subscription's cost (`--subscription`): one total for the days asked.
    if let ["subscriptions", id, ..] = path.trim_matches('/').split('/').collect::<Vec<_>>()[..] {
        if lookup(&tenant.data["subscriptionPeriods"], id).is_none() {
            return not_found(&path);
        }
        let Some((from, to)) = period(&asked, "from", "to") else {
            return bad_request("The demo answers Custom periods only.");
        };
        let cents = subscription_cost(from, to);
        let body = json!({"id": format!("{path}/0"), "name": "demo-query", "type": "Microsoft.CostManagement/query",
            "properties": {"nextLink": null,
                "columns": [{"name": "Cost", "type": "Number"}, {"name": "Currency", "type": "String"}],
                "rows": [[format!("{}.{:02}", cents / 100, cents % 100).parse::<serde_json::Number>().ok(), "USD"]]}});
        return ok(&body);
    }
    let Some(scope) = Scope::enclosing(&path) else {
        return not_found(&path);
    };
    let Some(Value::Array(events)) = lookup(&tenant.data["events"], scope.name()) else {
        return not_found(&path);
    };
    let Some((from, to)) = period(&asked, "from", "to") else {
        return bad_request("The demo answers Custom periods only.");
    };
    let daily = asked["dataset"]["granularity"].as_str() == Some("Daily");
    let grouping: Vec<String> = asked["dataset"]["grouping"]
        .as_array()
        .map(|g| {
            g.iter()
                .filter_map(|d| d["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let (lines, currency) = cost_lines(events, scope.name(), from, to);
    // Sum per (groups, day).
    let mut sums: std::collections::BTreeMap<(Vec<String>, Option<NaiveDate>), i64> =
        Default::default();
    for (attributes, date, cents) in lines {
        let key: Vec<String> = grouping
            .iter()
            .map(|name| {
                attributes
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        *sums.entry((key, daily.then_some(date))).or_insert(0) += cents;
    }
    let mut columns = vec![json!({"name": "Cost", "type": "Number"})];
    columns.extend(
        grouping
            .iter()
            .map(|name| json!({"name": name, "type": "String"})),
    );
    if daily {
        columns.push(json!({"name": "UsageDate", "type": "Number"}));
    }
    columns.push(json!({"name": "Currency", "type": "String"}));
    let rows: Vec<String> = sums
        .into_iter()
        .map(|((key, date), cents)| {
            let mut row = vec![format!("{}.{:02}", cents / 100, cents % 100)];
            row.extend(key.iter().map(|v| Value::String(v.clone()).to_string()));
            if let Some(date) = date {
                row.push(date.format("%Y%m%d").to_string());
            }
            row.push(Value::String(currency.clone()).to_string());
            format!("[{}]", row.join(","))
        })
        .collect();
    let skip: usize = param(&url, "$skiptoken")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let page: Vec<&String> = rows.iter().skip(skip).take(EVENTS_PAGE_SIZE).collect();
    let next = (skip + EVENTS_PAGE_SIZE < rows.len()).then(|| {
        format!(
            "{}{}?api-version=2025-03-01&$skiptoken={}",
            tenant.base,
            path,
            skip + EVENTS_PAGE_SIZE
        )
    });
    let page_rows: Vec<&str> = page.iter().map(|r| r.as_str()).collect();
    let body = format!(
        r#"{{"id":"{path}/{}","name":"demo-query","type":"Microsoft.CostManagement/query","properties":{{"nextLink":{},"columns":{},"rows":[{}]}}}}"#,
        skip,
        next.map_or("null".to_string(), |n| Value::String(n).to_string()),
        Value::Array(columns),
        page_rows.join(",")
    );
    Reply {
        status: 200,
        body: Some(body),
        ..Default::default()
    }
}

/// The demo's cost lines of a profile on the days `from..=to`: the charges of its ledger (a
/// settlement's over the month it bills, a pending charge on its day) spread over
/// `DEMO_SERVICES`, and for Development a Marketplace product and a Visual Studio
/// subscription that credit does not cover; with the ledger's currency.
fn cost_lines(
    events: &[Value],
    profile: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> (Vec<CostLine>, String) {
    let mut lines: Vec<CostLine> = Vec::new();
    let mut currency = "USD".to_string();
    for event in events {
        let p = &event["properties"];
        let Some(when) = p["transactionDate"]
            .as_str()
            .and_then(|d| crate::model::dates::parse_azure_date(d).ok())
        else {
            continue;
        };
        let date = when.date_naive();
        let Some(charges) = p["charges"]["value"]
            .as_str()
            .map(str::to_string)
            .or_else(|| p["charges"]["value"].as_number().map(|n| n.to_string()))
        else {
            continue;
        };
        let cents = crate::model::money::parse_decimal_exact(&charges)
            .ok()
            .and_then(|d| {
                (d * rust_decimal::Decimal::from(100))
                    .round()
                    .to_string()
                    .parse::<i64>()
                    .ok()
            })
            .unwrap_or(0)
            .abs();
        if cents == 0 {
            continue;
        }
        if let Some(c) = p["charges"]["currency"].as_str() {
            currency = c.to_string();
        }
        // A settlement bills the month before it, used day by day; pending charges are the
        // usage of their own day.
        let days: Vec<NaiveDate> = if p["eventType"].as_str() == Some("SettledCharges") {
            use chrono::Datelike;
            let first = date
                .with_day(1)
                .and_then(|d| d.checked_sub_months(chrono::Months::new(1)));
            let Some(first) = first else { continue };
            first
                .iter_days()
                .take_while(|d| d.month() == first.month())
                .collect()
        } else {
            vec![date]
        };
        let count = days.len().max(1) as i64;
        let per_day = cents / count;
        for (n, day) in days.iter().enumerate() {
            let cents = if n + 1 == days.len() {
                cents - per_day * (count - 1)
            } else {
                per_day
            };
            if *day < from || *day > to {
                continue;
            }
            let mut left = cents;
            for (index, (service, percent, sub_name, sub_id, group, location)) in
                DEMO_SERVICES.iter().enumerate()
            {
                let share = if index + 1 == DEMO_SERVICES.len() {
                    left
                } else {
                    cents * i64::from(*percent) / 100
                };
                left -= share;
                lines.push((
                    demo_attributes(service, sub_name, sub_id, group, location, "Azure"),
                    *day,
                    share,
                ));
            }
        }
    }
    if profile.eq_ignore_ascii_case("DEV1-A2B3-C4D-E5F") {
        let mut date = from;
        while date <= to {
            lines.push((
                demo_attributes(
                    "Contoso Firewall (Azure Marketplace)",
                    "Contoso Production",
                    "0b1f6471-1bf0-4dda-aec3-111111111111",
                    "rg-web",
                    "westeurope",
                    "Marketplace",
                ),
                date,
                296,
            ));
            // A Visual Studio subscription, billed on the first of each month: a Microsoft
            // product that credit does not pay for.
            if chrono::Datelike::day(&date) == 1 {
                lines.push((
                    demo_attributes(
                        "Visual Studio Enterprise (Monthly)",
                        "Contoso Production",
                        "0b1f6471-1bf0-4dda-aec3-111111111111",
                        "rg-web",
                        "westeurope",
                        "Azure",
                    ),
                    date,
                    4500,
                ));
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
    }
    (lines, currency)
}

/// `POST …/generateCostDetailsReport`: accepted (202), to be asked again a second later at
/// the `Location` that names the days asked, as Azure does.
fn cost_details_report(tenant: &Tenant, target: &str, body: &[u8]) -> Reply {
    let Ok(url) = Url::parse(&format!("http://demo{target}")) else {
        return not_found(target);
    };
    let path = url.path().to_string();
    let asked: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let Some((start, end)) = period(&asked, "start", "end") else {
        return bad_request("The demo prepares reports of a timePeriod only.");
    };
    let Some(scope) = path.rsplit_once("/providers/").map(|(scope, _)| scope) else {
        return not_found(&path);
    };
    let location = format!(
        "{}{scope}/providers/Microsoft.CostManagement/costDetailsOperationResults/demo-{}-{}?api-version=2025-03-01",
        tenant.base,
        start.format("%Y%m%d"),
        end.format("%Y%m%d")
    );
    Reply {
        status: 202,
        body: None,
        headers: vec![("location", location), ("retry-after", "1".into())],
    }
}

/// `GET …/costDetailsOperationResults/demo-START-END`: the report is ready, one file.
fn cost_details_result(tenant: &Tenant, path: &str) -> Reply {
    let Some((scope, operation)) =
        path.split_once("/providers/Microsoft.CostManagement/costDetailsOperationResults/")
    else {
        return not_found(path);
    };
    let link = format!("{}/demo-reports{scope}/{operation}.csv", tenant.base);
    ok(&json!({
        "id": path,
        "name": operation,
        "status": "Completed",
        "manifest": {
            "manifestVersion": "2025-03-01",
            "dataFormat": "Csv",
            "blobCount": 1,
            "compressData": false,
            "blobs": [{"blobLink": link}],
        },
    }))
}

/// `GET /demo-reports/{scope}/demo-START-END.csv`: the cost lines of those days as an MCA
/// Cost Details file (a byte-order mark, mixed-case column names, US dates), each line
/// saying whether credit may pay for it.
fn cost_details_file(tenant: &Tenant, path: &str) -> Reply {
    let Some(rest) = path.strip_prefix("/demo-reports") else {
        return not_found(path);
    };
    let Some((scope_path, file)) = rest.rsplit_once('/') else {
        return not_found(path);
    };
    let days: Vec<NaiveDate> = file
        .trim_start_matches("demo-")
        .trim_end_matches(".csv")
        .split('-')
        .filter_map(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok())
        .collect();
    let (Some(scope), [start, end]) = (Scope::enclosing(scope_path), days.as_slice()) else {
        return not_found(path);
    };
    let Some(Value::Array(events)) = lookup(&tenant.data["events"], scope.name()) else {
        return not_found(path);
    };
    let (lines, currency) = cost_lines(events, scope.name(), *start, *end);
    let mut csv = String::from("\u{feff}invoiceId,billingProfileName,date,serviceFamily,meterCategory,meterName,ProductName,SubscriptionId,subscriptionName,resourceGroupName,resourceLocation,publisherType,chargeType,invoiceSectionName,billingCurrency,costInBillingCurrency,isAzureCreditEligible\r\n");
    for (attributes, date, cents) in lines {
        let get = |name: &str| {
            attributes
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let service = get("ServiceName");
        let marketplace = get("PublisherType") == "Marketplace";
        let eligible = !marketplace && crate::model::spend::not_covered_product(&service).is_none();
        csv.push_str(&format!(
            ",{},{},Compute,{},{},{},{},\"{}\",{},{},{},{},{},{},{}.{:02},{}\r\n",
            scope.name(),
            date.format("%m/%d/%Y"),
            service,
            get("Meter"),
            service,
            get("SubscriptionId"),
            get("SubscriptionName"),
            get("ResourceGroup"),
            get("ResourceLocation"),
            if marketplace {
                "Marketplace"
            } else {
                "Microsoft"
            },
            get("ChargeType"),
            get("InvoiceSectionName"),
            currency,
            cents / 100,
            cents % 100,
            if eligible { "True" } else { "False" },
        ));
    }
    Reply {
        status: 200,
        body: Some(csv),
        headers: vec![("content-type", "text/csv".into())],
    }
}

/// A demo cost line: its attributes by dimension, its day, and its cost in cents.
type CostLine = (Vec<(&'static str, String)>, NaiveDate, i64);

fn demo_attributes(
    service: &str,
    subscription: &str,
    subscription_id: &str,
    group: &str,
    location: &str,
    publisher: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("ServiceName", service.to_string()),
        ("SubscriptionName", subscription.to_string()),
        ("SubscriptionId", subscription_id.to_string()),
        ("ResourceGroup", group.to_string()),
        ("ResourceLocation", location.to_string()),
        ("Meter", format!("{service} usage")),
        ("PublisherType", publisher.to_string()),
        ("ChargeType", "Usage".to_string()),
        ("InvoiceSectionName", "Default".to_string()),
    ]
}

fn lookup<'a>(map: &'a Value, name: &str) -> Option<&'a Value> {
    map.as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The days of a request body's `timePeriod` (`first` and `last` name its two fields).
fn period(asked: &Value, first: &str, last: &str) -> Option<(NaiveDate, NaiveDate)> {
    let day = |v: &Value| {
        v.as_str()
            .and_then(|t| NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok())
    };
    Some((
        day(&asked["timePeriod"][first])?,
        day(&asked["timePeriod"][last])?,
    ))
}

fn bad_request(message: &str) -> Reply {
    let body = json!({"error": {"code": "BadRequest", "message": message}});
    Reply {
        status: 400,
        body: Some(body.to_string()),
        ..Default::default()
    }
}

fn ok(value: &Value) -> Reply {
    Reply {
        status: 200,
        body: Some(value.to_string()),
        ..Default::default()
    }
}

fn not_found(path: &str) -> Reply {
    let body = json!({"error": {"code": "NotFound", "message": format!("The demo tenant has nothing at {path}.")}});
    Reply {
        status: 404,
        body: Some(body.to_string()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_relative_to_the_reference_day() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(
            expand_dates(
                r#"{"a":"@today-1","b":"@us:today+30","c":"@other","d":"x"}"#,
                today
            ),
            r#"{"a":"2026-02-28T00:00:00Z","b":"03/31/2026 00:00:00","c":"@other","d":"x"}"#
        );
    }

    #[test]
    fn the_demo_tenant_is_valid_json() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let tenant: Value = serde_json::from_str(&expand_dates(TENANT, today)).unwrap();
        assert!(tenant["accounts"]["value"].is_array());
    }
}
