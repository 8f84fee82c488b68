//! End-to-end benchmark: a local fake Resource Manager with a simulated round-trip time and
//! page size, the release `credits` binary run N times per scenario, and the median wall
//! time, peak RSS and HTTP requests of each. Two floors are measured in the same run: `curl`
//! fetching the same balance with one request, and `curl` fetching the same 5 event pages one
//! after another over one connection. `--baseline PATH` runs every `credits` scenario with a
//! second binary too (an older build), alternating run by run, so before and after are
//! measured in one run on the same noise.
//!
//! ```sh
//! cargo build --release && cargo run --release --example bench -- --latency-ms 20 --runs 15
//! ```
//! Options: `--latency-ms N` (default 20), `--runs N` (default 15), `--page-size N` (default
//! 1000), `--bin PATH` (default: the `credits` beside this example's build directory),
//! `--baseline PATH` (another `credits` to compare with), `--only A,B` (only the scenarios
//! whose names contain A or B), `--serve` (only run the fake and print its URL, for manual
//! runs), `--throttle-only [--scale X] [--only A,B]` (only the throttling scenarios of
//! `support/throttle.rs`, a run each; `--scale 0.1` runs them with a tenth of the customers).

#[path = "support/throttle.rs"]
mod throttle;

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const ACCOUNTS: usize = 3;
const CURL_CHAIN: &str = "curl, the same 5 event pages in a row";
const PROFILES_PER_ACCOUNT: usize = 20;

struct Fake {
    latency: Duration,
    requests: AtomicUsize,
    accounts_body: String,
    /// The events page of Development and of History: each record's id names its profile,
    /// as Azure's do (and `credits` checks).
    events_page_value: [String; 2],
    base: String,
}

fn account_name(a: usize) -> String {
    format!("{a:08}-0000-0000-0000-000000000000:{a:08}-1111-2222-3333-444444444444_2019-05-31")
}

fn profile_display(a: usize, p: usize) -> String {
    match (a, p) {
        (0, 0) => "Development".into(),
        (0, 1) => "History".into(),
        _ => format!("Team {a}-{p}"),
    }
}

fn accounts_body() -> String {
    let mut accounts = Vec::new();
    for a in 0..ACCOUNTS {
        let id = format!(
            "/providers/Microsoft.Billing/billingAccounts/{}",
            account_name(a)
        );
        let profiles: Vec<String> = (0..PROFILES_PER_ACCOUNT)
            .map(|p| {
                format!(
                    r#"{{"id":"{id}/billingProfiles/P{a}X{p}","name":"P{a}X{p}","properties":{{"displayName":"{}","currency":"USD","hasReadAccess":true}}}}"#,
                    profile_display(a, p)
                )
            })
            .collect();
        accounts.push(format!(
            r#"{{"id":"{id}","name":"{}","properties":{{"displayName":"Account {a}","agreementType":"MicrosoftCustomerAgreement","hasReadAccess":true,"billingProfiles":{{"hasMoreResults":false,"value":[{}]}}}}}}"#,
            account_name(a),
            profiles.join(",")
        ));
    }
    format!(r#"{{"value":[{}]}}"#, accounts.join(","))
}

fn events_page_value(page_size: usize, profile: &str) -> String {
    let events: Vec<String> = (0..page_size)
        .map(|i| {
            let cents = (i * 37) % 100_000;
            format!(
                r#"{{"id":"/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{profile}/providers/Microsoft.Consumption/events/e{i}","name":"e{i}","type":"Microsoft.Consumption/events","properties":{{"transactionDate":"2026-0{}-1{}T00:00:00.0000000Z","description":"Settled invoice #G00{i}","newCredit":{{"currency":"USD","value":0.00}},"adjustments":{{"currency":"USD","value":0.00}},"creditExpired":{{"currency":"USD","value":0.00}},"charges":{{"currency":"USD","value":-{}.{:02}}},"closedBalance":{{"currency":"USD","value":{}.{:02}}},"eventType":"SettledCharges","invoiceNumber":"G00{i}","billingCurrency":"USD","creditCurrency":"USD","isEstimatedBalance":false}}}}"#,
                account_name(0),
                1 + i % 9,
                i % 10,
                cents / 100,
                cents % 100,
                100_000 - cents / 100,
                cents % 100
            )
        })
        .collect();
    events.join(",")
}

const BALANCE: &str = r#"{"id":"x","name":"x","properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":2927.77},"currentBalance":{"currency":"USD","value":3120.13}},"pendingCreditAdjustments":{"currency":"USD","value":25.00},"expiredCredit":{"currency":"USD","value":0.00},"pendingEligibleCharges":{"currency":"USD","value":-217.36},"billingCurrency":"USD","creditCurrency":"USD","isEstimatedBalance":false}}"#;

/// Three lots of `profile`, expiring in 30, 120 and 400 days of 2026-12-01.
fn lots_page(profile: &str) -> String {
    let lots: Vec<String> = [(30, "250.00"), (120, "1500.00"), (400, "5000.00")]
        .iter()
        .enumerate()
        .map(|(i, (days, left))| {
            let expires = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
                + chrono::Duration::days(*days);
            format!(
                r#"{{"id":"{profile}/providers/Microsoft.Consumption/lots/l{i}","name":"l{i}","type":"Microsoft.Consumption/lots","properties":{{"source":"Azure Promotional Credit","startDate":"2025-12-01T00:00:00Z","expirationDate":"{expires}T00:00:00Z","originalAmount":{{"currency":"USD","value":5000.00}},"closedBalance":{{"currency":"USD","value":{left}}}}}}}"#
            )
        })
        .collect();
    format!(r#"{{"value":[{}]}}"#, lots.join(","))
}

/// True for an events query over fewer than 120 days (a forecast's window).
fn is_short_window(query: &str) -> bool {
    let date = |key: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(key))
            .and_then(|v| chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
    };
    match (date("startDate="), date("endDate=")) {
        (Some(start), Some(end)) => (end - start).num_days() < 120,
        _ => false,
    }
}

/// 90 daily charges of `profile` ending on 2026-12-01.
fn forecast_events_page(profile: &str) -> String {
    let end = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let events: Vec<String> = (0..90)
        .map(|i| {
            let day = end - chrono::Duration::days(i);
            format!(
                r#"{{"id":"{profile}/providers/Microsoft.Consumption/events/f{i}","name":"f{i}","type":"Microsoft.Consumption/events","properties":{{"transactionDate":"{day}T00:00:00Z","description":"Daily charges","charges":{{"currency":"USD","value":-{}.{:02}}},"closedBalance":{{"currency":"USD","value":2927.77}},"eventType":"SettledCharges"}}}}"#,
                10 + i % 7,
                (i * 13) % 100
            )
        })
        .collect();
    format!(r#"{{"value":[{}]}}"#, events.join(","))
}

/// A cost query's answer: ten services.
const QUERY_ANSWER: &str = r#"{"properties":{"nextLink":null,"columns":[{"name":"Cost","type":"Number"},{"name":"ServiceName","type":"String"},{"name":"Currency","type":"String"}],"rows":[[1204.5531,"Virtual Machines","USD"],[512.25,"Storage","USD"],[301.1,"Azure SQL Database","USD"],[120.0045,"Bandwidth","USD"],[88.8,"Contoso Firewall","USD"],[45,"Visual Studio Enterprise (Monthly)","USD"],[12.34,"Key Vault","USD"],[9.99,"Azure Monitor","USD"],[4.5,"Azure DNS","USD"],[0.000012345,"Azure Functions","USD"]]}}"#;

/// The 12 monthly invoices of `profile` (2024-04-01 shape), each covered by credit but for
/// a little Marketplace.
fn invoices_page(profile: &str) -> String {
    let account = profile
        .split("/billingProfiles/")
        .next()
        .unwrap_or_default();
    let invoices: Vec<String> = (1..=12)
        .map(|month| {
            let covered = format!("{}.{:02}", 200 + month * 7, month * 3);
            format!(
                r#"{{"id":"{account}/invoices/G{month:09}","name":"G{month:09}","type":"Microsoft.Billing/billingAccounts/invoices","properties":{{"billingProfileId":"{profile}","billingProfileDisplayName":"Team","documentType":"Invoice","invoiceType":"AzureServices","status":"Paid","isMonthlyInvoice":true,"invoiceDate":"2026-{:02}-01T00:00:00Z","dueDate":"2026-{:02}-28T00:00:00Z","invoicePeriodStartDate":"2026-{month:02}-01T00:00:00Z","invoicePeriodEndDate":"2026-{month:02}-28T00:00:00Z","billedAmount":{{"currency":"USD","value":{covered}}},"freeAzureCreditApplied":{{"currency":"USD","value":{covered}}},"azurePrepaymentApplied":{{"currency":"USD","value":0.00}},"creditAmount":{{"currency":"USD","value":0.00}},"subTotal":{{"currency":"USD","value":0.00}},"taxAmount":{{"currency":"USD","value":0.00}},"totalAmount":{{"currency":"USD","value":0.00}},"amountDue":{{"currency":"USD","value":0.00}}}}}}"#,
                (month % 12) + 1,
                (month % 12) + 1,
            )
        })
        .collect();
    format!(r#"{{"value":[{}]}}"#, invoices.join(","))
}

impl Fake {
    fn answer(&self, target: &str) -> (u16, String) {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path == "/providers/Microsoft.Billing/billingAccounts" {
            return (200, self.accounts_body.clone());
        }
        if path.ends_with("/credits/balanceSummary") {
            return (200, BALANCE.to_string());
        }
        let profile = path
            .split("/providers/Microsoft.Consumption/")
            .next()
            .unwrap_or_default();
        if path.ends_with("/lots") {
            return (200, lots_page(profile));
        }
        if path.ends_with("/providers/Microsoft.CostManagement/query") {
            return (200, QUERY_ANSWER.to_string());
        }
        if path.ends_with("/invoices") {
            let profile = path.trim_end_matches("/invoices");
            return (200, invoices_page(profile));
        }
        let team = !path.contains("/P0X0/") && !path.contains("/P0X1/");
        if path.ends_with("/events") && (is_short_window(query) || team) {
            // A forecast's 90 days (and any read of a team profile): one page of a charge a
            // day.
            return (200, forecast_events_page(profile));
        }
        if path.ends_with("/events") {
            // Development: 5 pages; History: 100 pages.
            let history = path.contains("/P0X1/");
            let pages = if history { 100 } else { 5 };
            let page: usize = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let next = if page + 1 < pages {
                format!(
                    r#","nextLink":"{}{path}?api-version=2024-08-01&page={}""#,
                    self.base,
                    page + 1
                )
            } else {
                String::new()
            };
            return (
                200,
                format!(
                    r#"{{"value":[{}]{next}}}"#,
                    self.events_page_value[usize::from(history)]
                ),
            );
        }
        (
            404,
            r#"{"error":{"code":"NotFound","message":"no such thing"}}"#.to_string(),
        )
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
                let mut length = 0usize;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).await.unwrap_or(0) == 0
                        || header.trim().is_empty()
                    {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':') {
                        if name.trim().eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                }
                // A POST's body (a cost query) is read, not needed.
                let mut body = vec![0u8; length];
                if tokio::io::AsyncReadExt::read_exact(&mut reader, &mut body)
                    .await
                    .is_err()
                {
                    return;
                }
                fake.requests.fetch_add(1, Ordering::SeqCst);
                let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                tokio::time::sleep(fake.latency).await;
                let (status, body) = fake.answer(&target);
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-ms-request-id: bench\r\n\r\n",
                    body.len()
                );
                if writer.write_all(head.as_bytes()).await.is_err()
                    || writer.write_all(body.as_bytes()).await.is_err()
                {
                    return;
                }
            }
        });
    }
}

struct Sample {
    wall: Duration,
    first_byte: Option<Duration>,
    peak_rss_kb: i64,
    exit: i32,
}

fn run_once(program: &str, args: &[String], env: &[(&str, String)]) -> Sample {
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the program starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut first = None;
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            match stdout.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    first.get_or_insert_with(|| started.elapsed());
                }
            }
        }
        first
    });
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // wait4 gives this child's own peak RSS; std's wait does not.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(waited, pid, "wait4 failed");
    let first_byte = reader.join().unwrap_or(None);
    std::mem::forget(child);
    Sample {
        wall,
        first_byte,
        peak_rss_kb: usage.ru_maxrss,
        exit: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn arg_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let latency = Duration::from_millis(
        arg_value(&args, "--latency-ms")
            .and_then(|v| v.parse().ok())
            .unwrap_or(20),
    );
    let runs: usize = arg_value(&args, "--runs")
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    let page_size: usize = arg_value(&args, "--page-size")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let bin = arg_value(&args, "--bin")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().expect("own path");
            exe.parent()
                .and_then(|p| p.parent())
                .expect("target dir")
                .join("credits")
        });
    assert!(
        bin.exists(),
        "{} not found: run `cargo build --release` first",
        bin.display()
    );
    let bin = bin.to_string_lossy().to_string();
    let baseline = arg_value(&args, "--baseline");
    if let Some(path) = &baseline {
        assert!(PathBuf::from(path).exists(), "{path} not found");
    }

    if args.iter().any(|a| a == "--aco-only") {
        aco_bench(&bin, runs.min(5));
        return;
    }
    if args.iter().any(|a| a == "--throttle-only") {
        let scale = arg_value(&args, "--scale")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1.0);
        let only: Vec<String> = arg_value(&args, "--only")
            .map(|v| v.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        throttle::bench(&bin, scale, &only);
        return;
    }
    if args.iter().any(|a| a == "--report-only") {
        report_bench(&bin, runs.min(5));
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let fake = Arc::new(Fake {
        latency,
        requests: AtomicUsize::new(0),
        accounts_body: accounts_body(),
        events_page_value: [
            events_page_value(page_size, "P0X0"),
            events_page_value(page_size, "P0X1"),
        ],
        base: base.clone(),
    });
    runtime.spawn(serve(listener, Arc::clone(&fake)));
    if args.iter().any(|a| a == "--serve") {
        // Keep the fake running for manual runs: CREDITS_ENDPOINT=<this> CREDITS_ACCESS_TOKEN=x
        println!("{base}");
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }

    let cache = std::env::temp_dir().join(format!("credits-bench-cache-{}", std::process::id()));
    let env: Vec<(&str, String)> = vec![
        ("CREDITS_ENDPOINT", base.clone()),
        ("CREDITS_ACCESS_TOKEN", "bench-token".into()),
        ("CREDITS_CACHE_DIR", cache.to_string_lossy().to_string()),
    ];
    let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let dev_balance_url = format!(
        "{base}/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/P0X0/providers/Microsoft.Consumption/credits/balanceSummary?api-version=2024-08-01",
        account_name(0)
    );
    let dev_event_pages: Vec<String> = (0..5)
        .map(|page| {
            format!(
                "{base}/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/P0X0/providers/Microsoft.Consumption/events?api-version=2024-08-01&page={page}",
                account_name(0)
            )
        })
        .collect();

    struct Scenario {
        name: &'static str,
        program: String,
        args: Vec<String>,
        cold_cache: bool,
        target: &'static str,
    }
    let mut scenarios = vec![
        Scenario {
            name: "credits --version",
            program: bin.clone(),
            args: strings(&["--version"]),
            cold_cache: false,
            target: "<= 5 ms",
        },
        Scenario {
            name: "balance --profile Development (warm)",
            program: bin.clone(),
            args: strings(&["balance", "--profile", "Development"]),
            cold_cache: false,
            target: "1 request, <= 40 ms, <= 15 MB",
        },
        Scenario {
            name: "balance --profile Development (cold)",
            program: bin.clone(),
            args: strings(&["balance", "--profile", "Development"]),
            cold_cache: true,
            target: "<= 2 requests, <= 70 ms",
        },
        Scenario {
            name: "events 5,000 in 5 pages (warm)",
            program: bin.clone(),
            args: strings(&["events", "--profile", "Development"]),
            cold_cache: false,
            target: "<= 5 RTT + 40 ms, <= 30 MB",
        },
        Scenario {
            name: "events 5,000 --json (warm)",
            program: bin.clone(),
            args: strings(&["events", "--profile", "Development", "--json"]),
            cold_cache: false,
            target: "<= 5 RTT + 40 ms, <= 30 MB",
        },
        Scenario {
            name: "events 100,000 --json (warm)",
            program: bin.clone(),
            args: strings(&["events", "--profile", "History", "--json"]),
            cold_cache: false,
            target: "<= 60 MB, streams",
        },
        Scenario {
            name: "events 5,000 -o csv (warm)",
            program: bin.clone(),
            args: strings(&["events", "--profile", "Development", "-o", "csv"]),
            cold_cache: false,
            target: "<= 5 RTT + 40 ms, <= 30 MB",
        },
        Scenario {
            name: "events 100,000 -o csv (warm)",
            program: bin.clone(),
            args: strings(&["events", "--profile", "History", "-o", "csv"]),
            cold_cache: false,
            target: "<= 60 MB, streams",
        },
        Scenario {
            name: "balance --all, 60 profiles (warm)",
            program: bin.clone(),
            args: strings(&["balance", "--all"]),
            cold_cache: false,
            target: "<= 5 RTT + 50 ms",
        },
        Scenario {
            name: "balance --all, 60 profiles (cold)",
            program: bin.clone(),
            args: strings(&["balance", "--all"]),
            cold_cache: true,
            target: "<= 5 RTT + 50 ms",
        },
        Scenario {
            name: "invoices --profile Development (warm)",
            program: bin.clone(),
            args: strings(&[
                "--as-of",
                "2026-12-01",
                "invoices",
                "--profile",
                "Development",
            ]),
            cold_cache: false,
            target: "1 request, one round trip",
        },
        Scenario {
            name: "balance --profile \"Team 0-2\" (warm)",
            program: bin.clone(),
            args: strings(&["balance", "--profile", "Team 0-2"]),
            cold_cache: false,
            target: "one read: the reference for verify",
        },
        Scenario {
            name: "verify --profile \"Team 0-2\" (warm)",
            program: bin.clone(),
            // The fake's figures are made for speed, not to agree: a tolerance lets every
            // check pass, so the run exits 0 like the others.
            args: strings(&[
                "--as-of",
                "2026-12-01",
                "verify",
                "--profile",
                "Team 0-2",
                "--tolerance",
                "1000000",
            ]),
            cold_cache: false,
            target: "3 reads at once: <= 1.3x one read",
        },
        Scenario {
            name: "spend --profile Development (warm)",
            program: bin.clone(),
            args: strings(&["--as-of", "2026-12-01", "spend", "--profile", "Development"]),
            cold_cache: false,
            target: "1 POST and the balance at once: one round trip",
        },
        Scenario {
            name: "invoices --all, 60 profiles (warm)",
            program: bin.clone(),
            args: strings(&["--as-of", "2026-12-01", "invoices", "--all"]),
            cold_cache: false,
            target: "<= 4x one round trip",
        },
        Scenario {
            name: "forecast --all, 60 profiles (warm)",
            program: bin.clone(),
            args: strings(&["--as-of", "2026-12-01", "forecast", "--all"]),
            cold_cache: false,
            target: "3 reads a profile, 16 in flight",
        },
    ];
    let mut curl_chain = None;
    if Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok()
    {
        let mut chain = vec![
            "-s".to_string(),
            "-H".into(),
            "Authorization: Bearer bench-token".into(),
        ];
        chain.extend(dev_event_pages);
        scenarios.insert(
            1,
            Scenario {
                name: "curl, the same balance (1 request)",
                program: "curl".into(),
                args: vec![
                    "-s".into(),
                    "-H".into(),
                    "Authorization: Bearer bench-token".into(),
                    dev_balance_url,
                ],
                cold_cache: false,
                target: "baseline",
            },
        );
        curl_chain = Some(chain);
    }

    // `--only A,B`: only the scenarios whose names contain one of these words.
    if let Some(only) = arg_value(&args, "--only") {
        let words: Vec<String> = only.split(',').map(str::to_string).collect();
        scenarios.retain(|s| words.iter().any(|w| s.name.contains(w.as_str())));
    }
    println!(
        "latency {} ms per request, page size {page_size}, {runs} runs each, binary {bin}",
        latency.as_millis()
    );
    println!(
        "{:<48} {:>10} {:>12} {:>10} {:>9}  target",
        "scenario", "median ms", "1st byte ms", "peak MB", "requests"
    );
    // Prime the cache once for the warm scenarios.
    let _ = run_once(&bin, &strings(&["accounts"]), &env);
    let mut pair_ratios: Vec<(String, Vec<f64>)> = Vec::new();
    for scenario in &scenarios {
        // The scenario's program, and the baseline build for `credits` scenarios.
        let mut programs = vec![(
            scenario.name.to_string(),
            scenario.program.clone(),
            scenario.args.clone(),
        )];
        // A command the baseline build does not have yet is measured alone.
        let new_here = scenario.name.starts_with("forecast")
            || scenario.name.contains("-o csv")
            || scenario.name.starts_with("invoices")
            || scenario.name.starts_with("verify")
            || scenario.name.starts_with("spend");
        let in_baseline = scenario.program == bin && !new_here;
        if let Some(baseline) = baseline.as_ref().filter(|_| in_baseline) {
            programs.push((
                format!("{} [baseline]", scenario.name),
                baseline.clone(),
                scenario.args.clone(),
            ));
        }
        // The events path is paired run by run with its floor: the curl chain.
        let paired_with_floor = scenario.name.starts_with("events 5,000") && curl_chain.is_some();
        if let Some(chain) = curl_chain.as_ref().filter(|_| paired_with_floor) {
            programs.push((
                format!("  {CURL_CHAIN} (paired)"),
                "curl".to_string(),
                chain.clone(),
            ));
        }
        let mut walls = vec![Vec::new(); programs.len()];
        let mut firsts = vec![Vec::new(); programs.len()];
        let mut peaks = vec![0; programs.len()];
        let mut requests = vec![0; programs.len()];
        for round in 0..runs {
            // Alternating run by run: both builds (and the floor) see the same noise; every
            // other round in the opposite order, so no program always runs first.
            let mut order: Vec<usize> = (0..programs.len()).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for index in order {
                let (name, program, arguments) = &programs[index];
                if scenario.cold_cache {
                    let _ = std::fs::remove_dir_all(&cache);
                }
                let before = fake.requests.load(Ordering::SeqCst);
                let sample = run_once(program, arguments, &env);
                assert_eq!(sample.exit, 0, "{name} failed");
                requests[index] = fake.requests.load(Ordering::SeqCst) - before;
                walls[index].push(sample.wall);
                if let Some(first) = sample.first_byte {
                    firsts[index].push(first);
                }
                peaks[index] = peaks[index].max(sample.peak_rss_kb);
            }
        }
        if paired_with_floor {
            // Each credits run (and the baseline's) over the curl run of the same round: the
            // ratio pair by pair.
            let floor = programs.len() - 1;
            for index in 0..floor {
                let ratios: Vec<f64> = walls[index]
                    .iter()
                    .zip(&walls[floor])
                    .map(|(own, curl)| own.as_secs_f64() / curl.as_secs_f64())
                    .collect();
                pair_ratios.push((programs[index].0.clone(), ratios));
            }
        }
        if scenario.cold_cache {
            // Leave the cache warm for the next scenario.
            let _ = run_once(&bin, &strings(&["accounts"]), &env);
        }
        for (index, (name, _, _)) in programs.iter().enumerate() {
            let first = if firsts[index].is_empty() {
                "-".to_string()
            } else {
                format!(
                    "{:.1}",
                    median(firsts[index].clone()).as_secs_f64() * 1000.0
                )
            };
            let wall = median(walls[index].clone()).as_secs_f64() * 1000.0;
            println!(
                "{:<48} {:>10.1} {:>12} {:>10.1} {:>9}  {}",
                name,
                wall,
                first,
                peaks[index] as f64 / 1024.0,
                requests[index],
                scenario.target
            );
        }
    }
    // The events path against its floor, pair by pair: at most 1.04x a curl fetching the
    // same pages one after another.
    if !pair_ratios.is_empty() {
        println!();
        for (name, ratios) in &pair_ratios {
            let mut sorted = ratios.clone();
            sorted.sort_by(f64::total_cmp);
            let middle = sorted[sorted.len() / 2];
            println!(
                "{name:<48} {middle:>6.3}x the curl chain, median of {} pairs (min {:.3}x, max {:.3}x; target <= 1.04x)",
                sorted.len(),
                sorted[0],
                sorted[sorted.len() - 1]
            );
        }
    }
    let _ = std::fs::remove_dir_all(&cache);
    // `--only` times the scenarios it names and nothing else.
    if arg_value(&args, "--only").is_none() {
        aco_bench(&bin, runs.min(5));
        report_bench(&bin, runs.min(5));
    }
}

/// The MCA Cost Details header (2023-12-01-preview: 65 columns), as Azure writes it.
const MCA_HEADER: &str = "invoiceId,previousInvoiceId,billingAccountId,billingAccountName,billingProfileId,billingProfileName,invoiceSectionId,invoiceSectionName,resellerName,resellerMpnId,costCenter,billingPeriodEndDate,billingPeriodStartDate,servicePeriodEndDate,servicePeriodStartDate,date,serviceFamily,productOrderId,productOrderName,consumedService,meterId,meterName,meterCategory,meterSubCategory,meterRegion,ProductId,ProductName,SubscriptionId,subscriptionName,publisherType,publisherId,publisherName,resourceGroupName,ResourceId,resourceLocation,location,effectivePrice,quantity,unitOfMeasure,chargeType,billingCurrency,pricingCurrency,costInBillingCurrency,costInPricingCurrency,costInUsd,paygCostInBillingCurrency,paygCostInUsd,exchangeRatePricingToBilling,exchangeRateDate,isAzureCreditEligible,serviceInfo1,serviceInfo2,additionalInfo,tags,PayGPrice,frequency,term,reservationId,reservationName,pricingModel,unitPrice,costAllocationRuleName,benefitId,benefitName,provider";

/// Writes a Cost Details file of about `target` bytes: a byte-order mark, the MCA header, and
/// lines of 40 subscriptions, 400 resource groups, 60 meter categories and 31 days, one in ten
/// not eligible for credit. Returns the lines written and their costs' sum in cents.
fn write_report(path: &std::path::Path, target: u64) -> (u64, u64) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("the file"));
    write!(out, "\u{feff}{MCA_HEADER}\r\n").unwrap();
    let account = "/providers/Microsoft.Billing/billingAccounts/00000000-0000-0000-0000-000000000000:00000000-0000-0000-0000-000000000000_2019-05-31";
    let (mut written, mut lines, mut cents) = (0u64, 0u64, 0u64);
    while written < target {
        let n = lines;
        let (sub, group, category, day) = (n % 40, n % 400, n % 60, n % 31 + 1);
        let cost = 1 + (n * 7919) % 100_000;
        let eligible = if n % 10 == 0 { "False" } else { "True" };
        let line = format!(
            "G{inv:07},,{account},Contoso,{account}/billingProfiles/BP01,Development,{account}/billingProfiles/BP01/invoiceSections/IS01,Default,,,,10/31/2026,10/01/2026,10/31/2026,10/01/2026,10/{day:02}/2026,Compute,po-{sub},Azure plan,Microsoft.Compute,{meter:08x}-0000-4000-8000-000000000000,D{category}s v5,Category {category},Dsv5 Series,EU West,DZH318Z0{category:04},Virtual Machines Dsv5 Series,{sub:08x}-1111-4000-8000-000000000000,Subscription {sub},Microsoft,,Microsoft,rg-{group},/subscriptions/{sub:08x}-1111-4000-8000-000000000000/resourceGroups/rg-{group}/providers/Microsoft.Compute/virtualMachines/vm-{n},westeurope,EU West,0.096,24,1 Hour,Usage,USD,USD,{int}.{frac:02},{int}.{frac:02},{int}.{frac:02},{int}.{frac:02},{int}.{frac:02},1,10/01/2026,{eligible},,,\"{{\"\"ImageType\"\":\"\"Canonical\"\",\"\"ServiceType\"\":\"\"Standard_D2s_v5\"\",\"\"VMName\"\":\"\"vm-{n}\"\",\"\"VCPUs\"\":2}}\",\"{{\"\"env\"\": \"\"prod\"\", \"\"team\"\": \"\"t{group}\"\"}}\",0.096,UsageBased,,,,On Demand,0.096,,,,Azure\r\n",
            inv = n % 3,
            meter = n % 600,
            int = cost / 100,
            frac = cost % 100,
        );
        out.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
        lines += 1;
        cents += cost;
    }
    out.flush().unwrap();
    (lines, cents)
}

/// `spend --exact` summing a 200 MB Cost Details file streamed from a loopback "storage"
/// server, against `curl` downloading the same file (the floor: moving the bytes), paired
/// run by run. Prints MB/s and the peak RSS.
fn report_bench(bin: &str, runs: usize) {
    use std::io::{BufRead, Write};
    let dir = std::env::temp_dir().join(format!("credits-bench-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("report.csv");
    let (lines, cents) = write_report(&file, 200_000_000);
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let profile =
        "/providers/Microsoft.Billing/billingAccounts/1:2_2019-05-31/billingProfiles/BP01";
    let served = file.clone();
    let link = format!("{base}/storage/report.csv?sv=2020-05-31&sig=bench");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (served, link) = (served.clone(), link.clone());
            std::thread::spawn(move || {
                let _ = stream.set_nodelay(true);
                let mut reader = std::io::BufReader::new(stream.try_clone().expect("clone"));
                let mut writer = stream;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut length = 0usize;
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).unwrap_or(0) == 0
                            || header.trim().is_empty()
                        {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':') {
                            if name.trim().eq_ignore_ascii_case("content-length") {
                                length = value.trim().parse().unwrap_or(0);
                            }
                        }
                    }
                    let mut body = vec![0u8; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let path = target.split('?').next().unwrap_or_default();
                    if path == "/storage/report.csv" {
                        let mut source = std::fs::File::open(&served).expect("the report");
                        let length = source.metadata().map(|m| m.len()).unwrap_or(0);
                        let head = format!("HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: {length}\r\n\r\n");
                        if writer.write_all(head.as_bytes()).is_err()
                            || std::io::copy(&mut source, &mut writer).is_err()
                        {
                            return;
                        }
                        continue;
                    }
                    let body = if path.ends_with("/generateCostDetailsReport") {
                        format!(
                            r#"{{"status":"Completed","manifest":{{"dataFormat":"Csv","compressData":false,"blobs":[{{"blobLink":"{link}"}}]}}}}"#
                        )
                    } else if path.ends_with("/balanceSummary") {
                        BALANCE.to_string()
                    } else {
                        r#"{"value":[]}"#.to_string()
                    };
                    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
                    if writer.write_all(head.as_bytes()).is_err()
                        || writer.write_all(body.as_bytes()).is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    let cache = dir.join("cache");
    let env: Vec<(&str, String)> = vec![
        ("CREDITS_ENDPOINT", base.clone()),
        ("CREDITS_ACCESS_TOKEN", "bench-token".into()),
        ("CREDITS_CACHE_DIR", cache.to_string_lossy().to_string()),
    ];
    let credits_args: Vec<String> = [
        "--as-of",
        "2026-12-15",
        "spend",
        "--profile",
        profile,
        "--month",
        "2026-10",
        "--exact",
        "--no-cache",
        "--not-covered",
        "--json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Once, to check the figure: every line summed, to the cent.
    let output = Command::new(bin)
        .args(&credits_args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("credits runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let expected = format!("\"value\": {}.{:02}", cents / 100, cents % 100);
    assert!(
        output.status.success() && text.contains(&expected),
        "the sum is not {expected}:\n{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let curl_args: Vec<String> = [
        "-s",
        "-o",
        "/dev/null",
        &format!("{base}/storage/report.csv"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    println!();
    println!(
        "spend --exact: one Cost Details file of {:.0} MB, {lines} lines (65 columns), {runs} runs each, paired",
        size as f64 / 1e6
    );
    println!(
        "{:<48} {:>10} {:>10} {:>10}",
        "program", "median ms", "MB/s", "peak MB"
    );
    let programs = [
        (
            "credits spend --exact (download + sum)",
            bin.to_string(),
            credits_args,
            env.clone(),
        ),
        (
            "curl -o /dev/null, the same file (floor)",
            "curl".to_string(),
            curl_args,
            Vec::new(),
        ),
    ];
    let mut walls = vec![Vec::new(); programs.len()];
    let mut peaks = vec![0; programs.len()];
    let mut ratios = Vec::new();
    for _ in 0..runs {
        let mut pair = Vec::new();
        for (index, (name, program, args, env)) in programs.iter().enumerate() {
            let sample = run_once(program, args, env);
            assert_eq!(sample.exit, 0, "{name} failed");
            walls[index].push(sample.wall);
            peaks[index] = peaks[index].max(sample.peak_rss_kb);
            pair.push(sample.wall.as_secs_f64());
        }
        ratios.push(pair[0] / pair[1]);
    }
    for (index, (name, ..)) in programs.iter().enumerate() {
        let wall = median(walls[index].clone());
        println!(
            "{:<48} {:>10.1} {:>10.0} {:>10.1}",
            name,
            wall.as_secs_f64() * 1000.0,
            size as f64 / 1e6 / wall.as_secs_f64(),
            peaks[index] as f64 / 1024.0
        );
    }
    ratios.sort_by(|a, b| a.total_cmp(b));
    println!(
        "credits / curl, pair by pair: median {:.2}x (min {:.2}x, max {:.2}x); targets: >= 100 MB/s, < 50 MB peak",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `credits aco` on a file of 1,000,000 rows (20,000 credits, 50 months each), against pandas
/// doing the same grouping (`benches/aco_pandas.py`) when pandas is installed.
fn aco_bench(bin: &str, runs: usize) {
    let dir = std::env::temp_dir().join(format!("credits-bench-aco-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("aco-1m.csv");
    {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&file).expect("the file"));
        writeln!(out, "PartnerTenantId,CustomerTenantId,CreditName,InvoiceMonth,CreditAmount,BalanceAmount,CurrencyCode,Status,EffectiveDate,ExpiryDate,AgreementID").unwrap();
        for customer in 0..20_000u32 {
            let currency = if customer % 5 == 0 { "EUR" } else { "USD" };
            let mut credit = 0u64;
            for month in 0..50u32 {
                let (year, m) = (2022 + (9 + month) / 12, (9 + month) % 12 + 1);
                credit += u64::from((customer * 7 + month * 13) % 5000);
                let balance = 500_000u64.saturating_sub(credit);
                writeln!(
                    out,
                    "p1,{customer:08x}-0000-4000-8000-000000000000,Azure Credit Offer,{year}-{m:02},{}.{:02},{}.{:02},{currency},Active,10/1/2022,9/30/2027,AGR-{}",
                    credit / 100, credit % 100, balance / 100, balance % 100, customer % 3
                )
                .unwrap();
            }
        }
    }
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!();
    println!(
        "aco: 1,000,000 rows, 20,000 credits, {:.0} MB, {runs} runs each",
        size as f64 / 1e6
    );
    println!("{:<48} {:>10} {:>10}", "program", "median ms", "peak MB");
    let path = file.to_string_lossy().to_string();
    let credits_args = |format: &str| -> Vec<String> {
        ["--as-of", "2026-12-01", "aco", path.as_str(), "-o", format]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let mut programs: Vec<(String, String, Vec<String>)> = vec![
        (
            "credits aco FILE -o csv (a row per credit)".into(),
            bin.to_string(),
            credits_args("csv"),
        ),
        (
            "credits aco FILE --json (every month)".into(),
            bin.to_string(),
            credits_args("json"),
        ),
        (
            "credits aco FILE -o none (the summary alone)".into(),
            bin.to_string(),
            credits_args("none"),
        ),
    ];
    // The floor of `--json`: its bytes moved through the same pipe by `cat`.
    let json = dir.join("aco.json");
    let written = Command::new(bin)
        .args(credits_args("json"))
        .stdout(std::fs::File::create(&json).expect("the JSON file"))
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(written, "credits aco --json failed");
    programs.push((
        "cat, the same JSON (its bytes through the pipe)".into(),
        "cat".into(),
        vec![json.to_string_lossy().to_string()],
    ));
    // The peers doing the same summary (`-o csv`'s rows), each when its library is there.
    for (module, script) in [
        ("pandas", "aco_summary_pandas.py"),
        ("polars", "aco_summary_polars.py"),
        ("duckdb", "aco_summary_duckdb.py"),
    ] {
        let present = Command::new("python3")
            .args(["-c", &format!("import {module}")])
            .status()
            .is_ok_and(|s| s.success());
        if present {
            programs.push((
                format!("{module}, the same summary (benches/{script})"),
                "python3".into(),
                vec![
                    format!("{}/benches/{script}", env!("CARGO_MANIFEST_DIR")),
                    path.clone(),
                ],
            ));
        } else {
            println!("({module} is not installed: `pip install {module}` to measure it)");
        }
    }
    // Round by round (each program once a round), so the machine's noise falls on all alike.
    let mut walls: Vec<Vec<Duration>> = vec![Vec::new(); programs.len()];
    let mut peaks = vec![0i64; programs.len()];
    for _ in 0..runs {
        for (index, (name, program, args)) in programs.iter().enumerate() {
            let sample = run_once(program, args, &[]);
            assert_eq!(sample.exit, 0, "{name} failed");
            walls[index].push(sample.wall);
            peaks[index] = peaks[index].max(sample.peak_rss_kb);
        }
    }
    for (index, (name, _, _)) in programs.iter().enumerate() {
        println!(
            "{:<48} {:>10.1} {:>10.1}",
            name,
            median(walls[index].clone()).as_secs_f64() * 1000.0,
            peaks[index] as f64 / 1024.0
        );
    }
    // `--json` against the summary plus moving its bytes: what the JSON costs beyond them.
    let mut ratios: Vec<f64> = (0..runs)
        .map(|round| {
            walls[1][round].as_secs_f64()
                / (walls[2][round].as_secs_f64() + walls[3][round].as_secs_f64())
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    println!(
        "  credits --json / (credits -o none + cat of its bytes), round by round: median {:.2}x (min {:.2}x, max {:.2}x); target <= 1.00x",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
    // `-o csv` against each peer, round by round.
    for (index, (name, _, _)) in programs.iter().enumerate().skip(4) {
        let mut ratios: Vec<f64> = walls[0]
            .iter()
            .zip(&walls[index])
            .map(|(ours, theirs)| theirs.as_secs_f64() / ours.as_secs_f64())
            .collect();
        ratios.sort_by(f64::total_cmp);
        println!(
            "  {} / credits -o csv, round by round: median {:.2}x (min {:.2}x, max {:.2}x)",
            name.split(',').next().unwrap_or(name),
            ratios[ratios.len() / 2],
            ratios[0],
            ratios[ratios.len() - 1]
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
