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
}

struct Bucket {
    size: f64,
    refill: f64,
    /// Whether answers carry `x-ms-ratelimit-remaining-tenant-reads`.
    meter: bool,
    /// Every answer is a 503 (an outage).
    outage: bool,
    accounts: String,
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
        let body = if request.url.path() == ACCOUNTS_PATH {
            self.accounts.clone()
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
