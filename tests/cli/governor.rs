//! The request governor against a fake Resource Manager that throttles like Azure: one
//! token bucket for every read (its size, refill and remaining-reads header), 429 with the
//! exact wait when empty, and Azure's penalty rule (a request sent inside an announced wait
//! is refused and earns a new one). Scaled down from the benchmark so that it runs in
//! seconds: 60 profiles through a bucket of 20 refilled at 20 a second.

use crate::support::*;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::method;
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const BALANCE: &str = r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":10.00},"currentBalance":{"currency":"USD","value":10.00}}}}"#;

#[derive(Default)]
struct Counters {
    admitted: usize,
    throttled: usize,
    /// Requests that came while a wait announced to the client was running.
    inside_pause: usize,
    /// 503s answered on purpose.
    faults: usize,
}

struct Bucket {
    size: f64,
    refill: f64,
    /// Whether answers carry `x-ms-ratelimit-remaining-tenant-reads`.
    meter: bool,
    /// Every answer is a 503 (an outage).
    outage: bool,
    accounts: String,
    /// A partner's customers list, for sweeps.
    customers: Option<String>,
    /// Customers (by name) that answer 403.
    forbidden: Vec<String>,
    /// Every this many balance reads, one answers 503 (a fault, not throttling).
    fault_every: Option<usize>,
    state: Mutex<(f64, Instant, Option<Instant>)>,
    counters: Arc<Mutex<Counters>>,
}

impl Respond for Bucket {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let now = Instant::now();
        let mut counters = self.counters.lock().unwrap();
        if self.outage {
            return ResponseTemplate::new(503)
                .set_body_string(r#"{"error":{"code":"InternalError","message":"Down."}}"#);
        }
        let mut state = self.state.lock().unwrap();
        let (tokens, at, pause) = &mut *state;
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.refill).min(self.size);
        *at = now;
        if let Some(until) = pause.filter(|until| *until > now) {
            // Azure's penalty rule: refused, and the wait starts again.
            counters.inside_pause += 1;
            counters.throttled += 1;
            let wait = (until - now).as_secs_f64().ceil().max(1.0);
            *pause = Some(now + Duration::from_secs_f64(wait));
            return ResponseTemplate::new(429)
                .insert_header("retry-after", format!("{wait}").as_str());
        }
        if *tokens < 1.0 {
            counters.throttled += 1;
            let wait = ((1.0 - *tokens) / self.refill).ceil().max(1.0);
            *pause = Some(now + Duration::from_secs_f64(wait));
            return ResponseTemplate::new(429)
                .insert_header("retry-after", format!("{wait}").as_str())
                .set_body_string(r#"{"error":{"code":"TooManyRequests","message":"Slow down."}}"#);
        }
        *tokens -= 1.0;
        counters.admitted += 1;
        let path = request.url.path();
        if self
            .forbidden
            .iter()
            .any(|name| path.contains(&format!("/customers/{name}/")))
        {
            return ResponseTemplate::new(403).set_body_string(
                r#"{"error":{"code":"AuthorizationFailed","message":"No access."}}"#,
            );
        }
        if let Some(every) = self.fault_every {
            if path.ends_with("/balanceSummary") && counters.admitted % every == 0 {
                counters.faults += 1;
                return ResponseTemplate::new(503).set_body_string(
                    r#"{"error":{"code":"ServiceUnavailable","message":"Try again."}}"#,
                );
            }
        }
        let body = if path == ACCOUNTS_PATH {
            self.accounts.clone()
        } else if path.ends_with("/customers") {
            self.customers.clone().unwrap_or_default()
        } else {
            BALANCE.to_string()
        };
        let mut answer = json_response(&body);
        if self.meter {
            answer = answer.insert_header(
                "x-ms-ratelimit-remaining-tenant-reads",
                format!("{}", tokens.floor()).as_str(),
            );
        }
        answer
    }
}

/// Three accounts of 20 profiles each, behind one bucket.
async fn throttling_fake(meter: bool, outage: bool) -> (Fake, Arc<Mutex<Counters>>) {
    let fake = Fake::start().await;
    let names: Vec<Vec<(String, String)>> = (0..3)
        .map(|a| {
            (0..20)
                .map(|p| (format!("P{a}X{p}"), format!("Team {a}-{p}")))
                .collect()
        })
        .collect();
    let profiles: Vec<Vec<(&str, &str, &str)>> = names
        .iter()
        .map(|list| {
            list.iter()
                .map(|(n, d)| (n.as_str(), d.as_str(), "USD"))
                .collect()
        })
        .collect();
    let accounts = accounts_body(&[
        ("1111:aaaa", "Contoso", &profiles[0]),
        ("2222:bbbb", "Fabrikam", &profiles[1]),
        ("3333:cccc", "Northwind", &profiles[2]),
    ]);
    let counters = Arc::new(Mutex::new(Counters::default()));
    Mock::given(method("GET"))
        .respond_with(Bucket {
            size: 20.0,
            refill: 20.0,
            meter,
            outage,
            accounts,
            customers: None,
            forbidden: Vec::new(),
            fault_every: None,
            state: Mutex::new((20.0, Instant::now(), None)),
            counters: Arc::clone(&counters),
        })
        .mount(&fake.server)
        .await;
    (fake, counters)
}

fn rows_read(out: &Outcome) -> usize {
    out.json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["error"].is_null())
        .count()
}

/// With the remaining-reads meter, the run keeps inside the bucket: no 429 at all, every
/// row read, in about the time the refill allows ((61 - 20) / 20 s = 2 s).
#[tokio::test(flavor = "multi_thread")]
async fn with_the_meter_the_run_stays_inside_the_bucket() {
    let (fake, counters) = throttling_fake(true, false).await;
    let started = Instant::now();
    let out = fake.run(&["balance", "--all", "--refresh", "--json"]);
    let took = started.elapsed();
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(rows_read(&out), 60, "{out}");
    let counters = counters.lock().unwrap();
    assert_eq!(counters.throttled, 0, "{} throttled", counters.throttled);
    assert_eq!(counters.admitted, 61);
    assert!(took < Duration::from_secs(6), "{took:?}");
}

/// Without it, the first 429s teach the rate: every row read, few refusals, and never a
/// request inside a wait the client had been told of (those would be refused again).
#[tokio::test(flavor = "multi_thread")]
async fn without_the_meter_a_few_429s_teach_the_rate() {
    let (fake, counters) = throttling_fake(false, false).await;
    let started = Instant::now();
    let out = fake.run(&["balance", "--all", "--refresh", "--json", "-v"]);
    let took = started.elapsed();
    assert_eq!(out.code, 0, "{out}");
    // One episode: the rate is learnt from the first 429s, not halved again by each answer
    // of the same burst (which took 50 s before).
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(out.stderr.contains("no attempt spent"), "{out}");
    assert_eq!(rows_read(&out), 60, "{out}");
    let counters = counters.lock().unwrap();
    assert_eq!(counters.admitted, 61);
    // Requests already in flight when the first 429 came may still land in its wait; none
    // sent after it.
    assert!(
        counters.inside_pause <= 16,
        "{} requests inside an announced wait",
        counters.inside_pause
    );
    assert!(counters.throttled <= 20, "{} throttled", counters.throttled);
}

/// An outage ends in seconds: retries come from one budget for the run (a fifth of the
/// first attempts plus 10), not 4 attempts for each of 60 profiles.
#[tokio::test(flavor = "multi_thread")]
async fn an_outage_spends_the_run_budget_not_every_attempt() {
    let (fake, _) = throttling_fake(true, true).await;
    let started = Instant::now();
    let out = fake.run(&["balance", "--all", "--refresh", "--json"]);
    assert_eq!(out.code, 6, "{out}");
    let requests = fake.request_count().await;
    assert!(requests <= 1 + 4 + 10, "{requests} requests");
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// `--max-rate N` paces every request of the run (the demo's `balance --all` is 7 requests:
/// at 5 a second it cannot take under a second), and a rate out of range is exit 2.
#[test]
fn max_rate_paces_the_run_and_refuses_a_bad_rate() {
    let started = Instant::now();
    let out = on_demo_day(&["--max-rate", "5", "balance", "--all", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    for bad in ["0", "-1", "fast", "5000"] {
        let out = on_demo_day(&["--max-rate", bad, "balance", "--all"]);
        assert_eq!(out.code, 2, "{bad}: {out}");
        assert!(out.stderr.starts_with("error: --max-rate"), "{bad}: {out}");
    }
}

const PARTNER: &str = "/providers/Microsoft.Billing/billingAccounts/partner-0000";

/// A partner with `count` customers behind one bucket of 30 refilled at 60 a second: the
/// benchmark's first and fault scenarios scaled down to run in seconds (floor:
/// (300 - 30) / 60 + L = 4.5 s).
async fn throttling_partner(
    count: usize,
    forbidden: &[&str],
    fault_every: Option<usize>,
) -> (Fake, Arc<Mutex<Counters>>) {
    let fake = Fake::start().await;
    let accounts = serde_json::json!({"value": [{
        "id": PARTNER,
        "name": "partner-0000",
        "type": "Microsoft.Billing/billingAccounts",
        "properties": {"displayName": "Contoso Partner Network", "agreementType": "MicrosoftPartnerAgreement", "hasReadAccess": true}
    }]});
    let customers: Vec<serde_json::Value> = (0..count)
        .map(|c| {
            serde_json::json!({
                "id": format!("{PARTNER}/customers/c{c:03}"),
                "name": format!("c{c:03}"),
                "type": "Microsoft.Billing/billingAccounts/customers",
                "properties": {"displayName": format!("Customer {c:03}")}
            })
        })
        .collect();
    let counters = Arc::new(Mutex::new(Counters::default()));
    Mock::given(method("GET"))
        .respond_with(Bucket {
            size: 30.0,
            refill: 60.0,
            meter: true,
            outage: false,
            accounts: accounts.to_string(),
            customers: Some(serde_json::json!({ "value": customers }).to_string()),
            forbidden: forbidden.iter().map(|f| f.to_string()).collect(),
            fault_every,
            state: Mutex::new((30.0, Instant::now(), None)),
            counters: Arc::clone(&counters),
        })
        .mount(&fake.server)
        .await;
    (fake, counters)
}

/// The benchmark's first scenario, scaled down: 300 customers through a bucket of 30
/// refilled at 60 a second, with the meter. Every row read, in listing order, no request
/// inside an announced pause, at most one 429, near the floor (4.5 s; the bound is loose
/// for a loaded test machine, the benchmark holds the tight one).
#[tokio::test(flavor = "multi_thread")]
async fn a_sweep_of_hundreds_keeps_inside_the_bucket() {
    let (fake, counters) = throttling_partner(300, &[], None).await;
    let started = Instant::now();
    let out = fake.run(&["balance", "--all-customers", "--json"]);
    let took = started.elapsed();
    assert_eq!(out.code, 0, "{out}");
    let rows = out.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 300);
    assert!(rows.iter().all(|r| r["outcome"] == "ok"), "{out}");
    assert_eq!(rows[299]["customer"]["displayName"], "Customer 299");
    let counters = counters.lock().unwrap();
    assert_eq!(
        counters.inside_pause, 0,
        "{} inside a pause",
        counters.inside_pause
    );
    assert!(counters.throttled <= 1, "{} throttled", counters.throttled);
    assert!(took < Duration::from_secs(12), "{took:?}");
}

/// The fault scenario, scaled down: one balance read in 50 answers 503 and three customers
/// answer 403. Exactly 297 rows are read and 3 say forbidden, the run exits 4 naming them,
/// and the retries stay within the run's budget.
#[tokio::test(flavor = "multi_thread")]
async fn a_sweep_with_faults_reads_every_row_and_names_the_forbidden() {
    let (fake, counters) = throttling_partner(300, &["c007", "c150", "c299"], Some(50)).await;
    let out = fake.run(&["balance", "--all-customers", "--json"]);
    assert_eq!(out.code, 4, "{out}");
    let rows = out.json();
    let rows = rows.as_array().unwrap();
    let ok = rows.iter().filter(|r| r["outcome"] == "ok").count();
    let forbidden: Vec<&str> = rows
        .iter()
        .filter(|r| r["outcome"] == "forbidden")
        .map(|r| r["customer"]["displayName"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(ok, 297, "{out}");
    assert_eq!(forbidden, ["Customer 007", "Customer 150", "Customer 299"]);
    assert!(out.stderr.contains("3 of 300 customers"), "{out}");
    let counters = counters.lock().unwrap();
    assert!(counters.faults >= 5, "{} faults", counters.faults);
    let requests = counters.admitted + counters.throttled;
    // First attempts: the accounts, the customers list and 300 balances; retries within a
    // fifth of them plus 10.
    assert!(
        requests <= 302 + 302 / 5 + 10 + counters.throttled,
        "{requests} requests"
    );
}
