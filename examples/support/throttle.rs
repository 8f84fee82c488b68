//! The throttling benchmark (`--throttle-only`): a fake Resource Manager that throttles like
//! Azure does since 2024 (one token bucket for the tenant's reads: its size, refill and
//! initial fill; 429 with `Retry-After` when empty, exact or a fixed wait with the penalty
//! rule; the `x-ms-ratelimit-remaining-tenant-reads` meter switchable), with latency, a noisy
//! neighbour draining the bucket, faults (503s and connections reset) and customers that
//! answer 403, and counters: admitted, 429s, requests sent inside an announced pause, most in
//! flight. Each scenario runs `credits balance --all-customers --json` once against it and
//! prints its time beside the floor of the issue:
//! `max((N - B) / R, N * L / 64) + L` (with a neighbour: R less what it takes).

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const PARTNER: &str = "/providers/Microsoft.Billing/billingAccounts/partner-0000";
/// Customers per page of the customers list.
const PAGE: usize = 1000;
const BALANCE: &str = r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":2927.77},"currentBalance":{"currency":"USD","value":3120.13}},"billingCurrency":"USD","creditCurrency":"USD"}}"#;

/// How a 429 says how long to wait.
#[derive(Clone, Copy, Debug)]
pub enum Wait {
    /// The time until the bucket holds a token again (whole seconds, at least 1).
    Exact,
    /// Always this many seconds, and a request sent inside it earns a new one (the penalty
    /// rule).
    Fixed(u64),
}

#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub customers: usize,
    pub bucket: f64,
    pub refill: f64,
    pub initial: f64,
    pub meter: bool,
    pub wait: Wait,
    /// Latency of every answer.
    pub latency: Duration,
    /// Tokens a neighbour in the same tenant takes each second.
    pub neighbour: f64,
    /// 1% of balance reads fail: half 503, half a reset connection.
    pub faults: bool,
    /// This many customers, spread over the list, answer 403.
    pub forbidden: usize,
    /// The most the run may take over its floor, from the issue.
    pub target: f64,
    /// The most of the requests that may be answered 429, from the issue.
    pub max_throttled: f64,
}

impl Scenario {
    /// The floor: `max((N - B) / R, N * L / 64) + L`, R less the neighbour's share.
    pub fn floor(&self) -> Duration {
        let n = self.customers as f64;
        let rate = self.refill - self.neighbour;
        let l = self.latency.as_secs_f64();
        let refill_bound = ((n - self.initial) / rate).max(0.0);
        Duration::from_secs_f64(refill_bound.max(n * l / 64.0) + l)
    }

    fn is_forbidden(&self, customer: usize) -> bool {
        self.forbidden > 0 && customer % (self.customers / self.forbidden).max(1) == 7
    }
}

/// The issue's seven scenarios (5,000 customers, B = 250, R = 25/s, L = 0.2 s unless said),
/// scaled by `scale` in their number of customers (1.0: as the issue says).
pub fn scenarios(scale: f64) -> Vec<Scenario> {
    let n = |count: usize| ((count as f64 * scale).round() as usize).max(1);
    let base = Scenario {
        name: "",
        customers: n(5000),
        bucket: 250.0,
        refill: 25.0,
        initial: 250.0,
        meter: true,
        wait: Wait::Exact,
        latency: Duration::from_millis(200),
        neighbour: 0.0,
        faults: false,
        forbidden: 0,
        target: 1.05,
        max_throttled: 0.005,
    };
    vec![
        Scenario {
            name: "headers on, exact wait",
            ..base.clone()
        },
        Scenario {
            name: "fixed 30 s wait, penalty rule",
            wait: Wait::Fixed(30),
            target: 1.10,
            ..base.clone()
        },
        Scenario {
            name: "a neighbour draining 10/s",
            neighbour: 10.0,
            target: 1.10,
            max_throttled: 0.05,
            ..base.clone()
        },
        Scenario {
            name: "Consumption latency 1.5 s",
            latency: Duration::from_millis(1500),
            target: 1.10,
            ..base.clone()
        },
        Scenario {
            name: "headers off, exact wait",
            meter: false,
            target: 1.10,
            max_throttled: 0.05,
            ..base.clone()
        },
        Scenario {
            name: "faults and 3 forbidden customers",
            faults: true,
            forbidden: 3,
            target: 1.15,
            max_throttled: 0.05,
            ..base.clone()
        },
        Scenario {
            name: "20,000 customers",
            customers: n(20_000),
            ..base
        },
    ]
}

#[derive(Default, Debug)]
pub struct Counters {
    pub requests: usize,
    pub admitted: usize,
    pub throttled: usize,
    /// Requests that arrived inside a wait after the 429 announcing it had gone back.
    pub inside_pause: usize,
    pub in_flight: usize,
    pub most_in_flight: usize,
    pub faults: usize,
    /// The fewest tokens the bucket held after a request of ours was admitted.
    pub lowest: f64,
    /// The neighbour's requests refused for want of a token.
    pub neighbour_refused: usize,
}

struct Bucket {
    tokens: f64,
    at: Instant,
    /// The end of the last wait announced.
    pause: Option<Instant>,
    /// When the client heard of it: the 429 goes back after the latency.
    heard: Option<Instant>,
}

struct Fake {
    scenario: Scenario,
    bucket: Mutex<Bucket>,
    counters: Mutex<Counters>,
    base: String,
    sequence: AtomicUsize,
}

enum Answer {
    Reply(u16, Vec<(&'static str, String)>, String),
    Reset,
}

impl Fake {
    fn refill(&self, bucket: &mut Bucket, now: Instant) {
        let rate = self.scenario.refill;
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * rate)
            .min(self.scenario.bucket);
        bucket.at = now;
    }

    /// The bucket's decision for one request arriving now.
    fn admit(&self) -> Result<f64, u64> {
        let now = Instant::now();
        let mut bucket = self.bucket.lock().unwrap();
        self.refill(&mut bucket, now);
        let mut counters = self.counters.lock().unwrap();
        counters.requests += 1;
        if let Some(until) = bucket.pause.filter(|until| *until > now) {
            // Sent inside a wait the client had already been told of (not one in flight).
            if bucket.heard.is_some_and(|heard| heard <= now) {
                counters.inside_pause += 1;
            }
            counters.throttled += 1;
            let wait = match self.scenario.wait {
                Wait::Exact => (until - now).as_secs_f64().ceil().max(1.0) as u64,
                Wait::Fixed(seconds) => {
                    bucket.pause = Some(now + Duration::from_secs(seconds));
                    bucket.heard = Some(now + self.scenario.latency);
                    seconds
                }
            };
            return Err(wait);
        }
        if bucket.tokens < 1.0 {
            counters.throttled += 1;
            let wait = match self.scenario.wait {
                Wait::Exact => ((1.0 - bucket.tokens) / self.scenario.refill)
                    .ceil()
                    .max(1.0) as u64,
                Wait::Fixed(seconds) => seconds,
            };
            bucket.pause = Some(now + Duration::from_secs(wait));
            bucket.heard = Some(now + self.scenario.latency);
            return Err(wait);
        }
        bucket.tokens -= 1.0;
        counters.admitted += 1;
        counters.lowest = counters.lowest.min(bucket.tokens);
        Ok(bucket.tokens)
    }

    fn answer(&self, target: &str) -> Answer {
        let tokens = match self.admit() {
            Ok(tokens) => tokens,
            Err(wait) => {
                return Answer::Reply(
                    429,
                    vec![("retry-after", wait.to_string())],
                    r#"{"error":{"code":"TooManyRequests","message":"Throttled."}}"#.into(),
                )
            }
        };
        let mut headers = Vec::new();
        if self.scenario.meter {
            headers.push((
                "x-ms-ratelimit-remaining-tenant-reads",
                format!("{}", tokens.floor()),
            ));
        }
        let path = target.split('?').next().unwrap_or("");
        if path == "/providers/Microsoft.Billing/billingAccounts" {
            let body = format!(
                r#"{{"value":[{{"id":"{PARTNER}","name":"partner-0000","type":"Microsoft.Billing/billingAccounts","properties":{{"displayName":"Contoso Partner Network","agreementType":"MicrosoftPartnerAgreement","hasReadAccess":true}}}}]}}"#
            );
            return Answer::Reply(200, headers, body);
        }
        if path == format!("{PARTNER}/customers") {
            let page: usize = target
                .split("page=")
                .nth(1)
                .and_then(|p| p.split('&').next())
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let first = page * PAGE;
            let last = (first + PAGE).min(self.scenario.customers);
            let customers: Vec<String> = (first..last)
                .map(|c| {
                    format!(
                        r#"{{"id":"{PARTNER}/customers/c{c:05}","name":"c{c:05}","type":"Microsoft.Billing/billingAccounts/customers","properties":{{"displayName":"Customer {c:05}"}}}}"#
                    )
                })
                .collect();
            let next = if last < self.scenario.customers {
                format!(
                    r#","nextLink":"{}{PARTNER}/customers?api-version=2020-05-01&page={}""#,
                    self.base,
                    page + 1
                )
            } else {
                String::new()
            };
            return Answer::Reply(
                200,
                headers,
                format!(r#"{{"value":[{}]{next}}}"#, customers.join(",")),
            );
        }
        let customer = path
            .strip_prefix(&format!("{PARTNER}/customers/c"))
            .and_then(|rest| rest.split('/').next())
            .and_then(|n| n.parse::<usize>().ok());
        let Some(customer) = customer else {
            return Answer::Reply(
                404,
                headers,
                r#"{"error":{"code":"NotFound","message":"No such thing."}}"#.into(),
            );
        };
        if self.scenario.is_forbidden(customer) {
            return Answer::Reply(
                403,
                headers,
                r#"{"error":{"code":"AuthorizationFailed","message":"The partner has no access to this customer."}}"#.into(),
            );
        }
        if self.scenario.faults {
            let sequence = self.sequence.fetch_add(1, Ordering::SeqCst);
            match sequence % 200 {
                37 => {
                    self.counters.lock().unwrap().faults += 1;
                    return Answer::Reply(
                        503,
                        Vec::new(),
                        r#"{"error":{"code":"ServiceUnavailable","message":"Try again."}}"#.into(),
                    );
                }
                137 => {
                    self.counters.lock().unwrap().faults += 1;
                    return Answer::Reset;
                }
                _ => {}
            }
        }
        Answer::Reply(200, headers, BALANCE.to_string())
    }
}

async fn serve(listener: TcpListener, fake: Arc<Fake>) {
    while let Ok((stream, _)) = listener.accept().await {
        let fake = Arc::clone(&fake);
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            let (reader, mut writer) = stream.into_split();
            let mut reader = BufReader::new(reader);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).await.unwrap_or(0) == 0
                        || header.trim().is_empty()
                    {
                        break;
                    }
                }
                let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                {
                    let mut counters = fake.counters.lock().unwrap();
                    counters.in_flight += 1;
                    counters.most_in_flight = counters.most_in_flight.max(counters.in_flight);
                }
                let answer = fake.answer(&target);
                tokio::time::sleep(fake.scenario.latency).await;
                fake.counters.lock().unwrap().in_flight -= 1;
                let (status, headers, body) = match answer {
                    Answer::Reset => return,
                    Answer::Reply(status, headers, body) => (status, headers, body),
                };
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-ms-request-id: bench\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                if writer.write_all(head.as_bytes()).await.is_err()
                    || writer.write_all(body.as_bytes()).await.is_err()
                {
                    return;
                }
            }
        });
    }
}

/// The neighbour: takes `rate` tokens a second, in tenths.
async fn neighbour(fake: Arc<Fake>) {
    let rate = fake.scenario.neighbour;
    if rate <= 0.0 {
        return;
    }
    let mut owed = 0.0;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        owed += rate / 10.0;
        while owed >= 1.0 {
            owed -= 1.0;
            let now = Instant::now();
            let mut bucket = fake.bucket.lock().unwrap();
            fake.refill(&mut bucket, now);
            if bucket.tokens >= 1.0 {
                bucket.tokens -= 1.0;
            } else {
                fake.counters.lock().unwrap().neighbour_refused += 1;
            }
        }
    }
}

pub struct Measured {
    pub took: Duration,
    pub exit: i32,
    pub peak_rss_kb: i64,
    pub ok: usize,
    pub failed: usize,
    pub counters: Counters,
}

/// Runs one scenario: a fresh fake and one run of `credits`.
pub fn run(bin: &str, scenario: &Scenario) -> Measured {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let fake = Arc::new(Fake {
        scenario: scenario.clone(),
        bucket: Mutex::new(Bucket {
            tokens: scenario.initial,
            at: Instant::now(),
            pause: None,
            heard: None,
        }),
        counters: Mutex::new(Counters {
            lowest: f64::MAX,
            ..Counters::default()
        }),
        base: base.clone(),
        sequence: AtomicUsize::new(0),
    });
    runtime.spawn(serve(listener, Arc::clone(&fake)));
    runtime.spawn(neighbour(Arc::clone(&fake)));
    let cache = std::env::temp_dir().join(format!(
        "credits-throttle-cache-{}-{}",
        std::process::id(),
        scenario.customers
    ));
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(["balance", "--all-customers", "--json"])
        .env("CREDITS_ENDPOINT", &base)
        .env("CREDITS_ACCESS_TOKEN", "bench-token")
        .env("CREDITS_CACHE_DIR", &cache)
        .env("CREDITS_NO_PROGRESS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("credits starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // wait4 gives this child's own peak RSS; std's wait does not.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let took = started.elapsed();
    assert_eq!(waited, pid, "wait4 failed");
    std::mem::forget(child);
    let text = reader.join().unwrap_or_default();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&text).unwrap_or_default();
    let ok = rows.iter().filter(|r| r["outcome"] == "ok").count();
    let _ = std::fs::remove_dir_all(&cache);
    let counters = std::mem::take(&mut *fake.counters.lock().unwrap());
    runtime.shutdown_background();
    Measured {
        took,
        exit: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        peak_rss_kb: usage.ru_maxrss,
        ok,
        failed: rows.len() - ok,
        counters,
    }
}

/// Runs the scenarios whose names contain one of `only` (all when empty) and prints a line
/// each: the time beside the floor, the 429s, the requests inside an announced pause, the
/// most in flight, the rows and the peak memory.
pub fn bench(bin: &str, scale: f64, only: &[String]) {
    println!(
        "throttling: `credits balance --all-customers --json` against a token bucket, once per scenario (scale {scale})"
    );
    println!(
        "{:<34} {:>7} {:>8} {:>8} {:>6} {:>9} {:>7} {:>6} {:>6} {:>11} {:>5} {:>8}",
        "scenario",
        "N",
        "floor s",
        "took s",
        "ratio",
        "target",
        "429 %",
        "in P",
        "most",
        "rows ok/bad",
        "exit",
        "RSS MB"
    );
    for scenario in scenarios(scale) {
        if !only.is_empty() && !only.iter().any(|o| scenario.name.contains(o.as_str())) {
            continue;
        }
        let floor = scenario.floor();
        let result = run(bin, &scenario);
        let c = &result.counters;
        let throttled = c.throttled as f64 / c.requests.max(1) as f64;
        println!(
            "{:<34} {:>7} {:>8.1} {:>8.1} {:>6.3} {:>9} {:>7.2} {:>6} {:>6} {:>11} {:>5} {:>8.1}",
            scenario.name,
            scenario.customers,
            floor.as_secs_f64(),
            result.took.as_secs_f64(),
            result.took.as_secs_f64() / floor.as_secs_f64(),
            format!(
                "{:.2}x {:.1}%",
                scenario.target,
                scenario.max_throttled * 100.0
            ),
            throttled * 100.0,
            c.inside_pause,
            c.most_in_flight,
            format!("{}/{}", result.ok, result.failed),
            result.exit,
            result.peak_rss_kb as f64 / 1024.0,
        );
        println!(
            "    requests {} admitted {} 429s {} faults {} lowest bucket {:.0} neighbour refused {}",
            c.requests,
            c.admitted,
            c.throttled,
            c.faults,
            if c.lowest == f64::MAX { 0.0 } else { c.lowest },
            c.neighbour_refused
        );
    }
}
