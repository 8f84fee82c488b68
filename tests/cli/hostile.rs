//! A hostile or broken Resource Manager: oversized, endless and compressed bodies, escape
//! sequences in names, pages that never end or vanish, answers that are not answers. Each
//! ends with the documented exit code and never with wrong data and exit 0.

use crate::support::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

fn dev_id() -> String {
    profile_id(ACCOUNT, DEV_PROFILE)
}

fn balance_path() -> String {
    consumption_path(&dev_id(), "credits/balanceSummary")
}

fn events_path() -> String {
    consumption_path(&dev_id(), "events")
}

fn lots_path() -> String {
    consumption_path(&dev_id(), "lots")
}

async fn answer(fake: &Fake, at: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(response)
        .mount(&fake.server)
        .await;
}

fn balance_by_id(fake: &Fake, extra: &[&str]) -> Outcome {
    let id = dev_id();
    let mut args = vec!["balance", "--profile", id.as_str()];
    args.extend_from_slice(extra);
    fake.run(&args)
}

type BodyWriter = std::sync::Arc<dyn Fn(&mut std::net::TcpStream) + Send + Sync>;

/// A loopback server that answers every request with `head` and then whatever `body`
/// writes, on its own thread.
fn raw_server(head: String, body: BodyWriter) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let (head, body) = (head.clone(), body.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                    line.clear();
                }
                if stream.write_all(head.as_bytes()).is_ok() {
                    body(&mut stream);
                }
            });
        }
    });
    address
}

/// The memory promise: under 100 MiB plus the largest page (the 64 MiB body limit).
const MEMORY_LIMIT: u64 = (100 + 64) * 1024 * 1024;

/// Runs `credits` against `endpoint` with its data memory limited to `MEMORY_LIMIT`
/// (`RLIMIT_DATA`: heap and every private writable mapping), so a run that needs more dies
/// instead of passing. Returns the exit code and stderr.
fn run_within_memory_limit(endpoint: &str, args: &[&str]) -> (i32, String) {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let mut command = Command::new(assert_cmd::cargo::cargo_bin!("credits"));
    command
        .args(args)
        .env_clear()
        .env("CREDITS_ENDPOINT", endpoint)
        .env("CREDITS_ACCESS_TOKEN", CANARY_TOKEN)
        .env(
            "CREDITS_CACHE_DIR",
            std::env::temp_dir().join("credits-hostile-cache"),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_LIMIT,
                rlim_max: MEMORY_LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_DATA, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let output = command.output().expect("credits runs");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(!stderr.contains(CANARY_TOKEN), "the token leaked: {stderr}");
    (output.status.code().unwrap_or(-1), stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_memory_limit_of_these_tests_leaves_room_for_real_work() {
    let fake = Fake::start().await;
    let events: Vec<Value> = (0..5_000)
        .map(|n| {
            serde_json::json!({"name": format!("e{n}"), "properties": {
            "transactionDate": "2026-01-02T00:00:00Z", "description": "x".repeat(200),
            "charges": {"currency": "USD", "value": -1.10}}})
        })
        .collect();
    fake.serve(
        &events_path(),
        &serde_json::json!({ "value": events }).to_string(),
    )
    .await;
    let (code, stderr) = run_within_memory_limit(&fake.uri(), &["events", "--profile", &dev_id()]);
    assert_eq!(code, 0, "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_larger_than_64_mib_is_refused_with_6() {
    let fake = Fake::start().await;
    let huge = format!(
        r#"{{"properties":{{"balanceSummary":{{}}}},"pad":"{}"}}"#,
        "x".repeat(65 * 1024 * 1024)
    );
    answer(&fake, &balance_path(), json_response(&huge)).await;
    let outcome = balance_by_id(&fake, &[]);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert!(outcome.stderr.contains("larger than 64 MiB"), "{outcome}");
    assert!(
        outcome.stderr.contains(&fake.uri()),
        "names the endpoint: {outcome}"
    );
    assert!(outcome.stdout.is_empty());
}

#[test]
fn a_gzip_bomb_is_refused_with_6_in_bounded_memory() {
    use flate2::write::GzEncoder;
    // 128 MiB of zeros: about 130 KB compressed.
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; 1024 * 1024];
    encoder.write_all(b"{\"value\": [").unwrap();
    for _ in 0..128 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    assert!(bomb.len() < 2_000_000, "{} bytes compressed", bomb.len());
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        bomb.len()
    );
    let endpoint = raw_server(
        head,
        std::sync::Arc::new(move |stream| {
            let _ = stream.write_all(&bomb);
        }),
    );
    let (code, stderr) = run_within_memory_limit(&endpoint, &["lots", "--profile", &dev_id()]);
    assert_eq!(code, 6, "{stderr}");
    assert!(stderr.contains("larger than 64 MiB"), "{stderr}");
}

#[test]
fn an_endless_body_is_cut_at_the_limit_with_6() {
    let endpoint = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_string(),
        std::sync::Arc::new(|stream| {
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
            let _ = stream.write_all(b"b\r\n{\"value\": [\r\n");
            while stream.write_all(chunk.as_bytes()).is_ok() {}
        }),
    );
    let (code, stderr) =
        run_within_memory_limit(&endpoint, &["events", "--profile", &dev_id(), "--json"]);
    assert_eq!(code, 6, "{stderr}");
    assert!(stderr.contains("larger than 64 MiB"), "{stderr}");
}

const ESCAPES: &str = "A\u{1b}]0;pwned\u{7}\u{1b}[2J\rforged\u{202e}|x";

#[tokio::test(flavor = "multi_thread")]
async fn escape_sequences_from_azure_are_shown_not_obeyed() {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[(
        ACCOUNT,
        "Contoso",
        &[(DEV_PROFILE, ESCAPES, "USD")],
    )]))
    .await;
    let events = serde_json::json!({"value": [{"name": "e1", "properties": {
        "transactionDate": "2026-01-02T00:00:00Z", "description": ESCAPES,
        "eventType": "SettledCharges", "invoiceNumber": "INV|1\nforged",
        "charges": {"currency": "USD", "value": -1.10}}}]});
    fake.serve(&events_path(), &events.to_string()).await;
    answer(
        &fake,
        &balance_path(),
        ResponseTemplate::new(403).set_body_string(
            serde_json::json!({"error": {"code": "AuthorizationFailed", "message": ESCAPES}})
                .to_string(),
        ),
    )
    .await;
    for args in [
        &["accounts"][..],
        &["events", "-p", &dev_id()],
        &["balance", "-p", &dev_id()],
    ] {
        let outcome = fake.run(args);
        for text in [&outcome.stdout, &outcome.stderr] {
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\r', '\u{202e}']),
                "{args:?}: raw control characters: {outcome}"
            );
        }
        assert!(
            outcome.stdout.contains("\\u{1b}") || outcome.stderr.contains("\\u{1b}"),
            "{args:?}: {outcome}"
        );
    }
    // JSON stays exact: the same string, JSON-escaped.
    let json = fake.run(&["events", "-p", &dev_id(), "--json"]);
    assert_eq!(json.json()[0]["description"], ESCAPES);
}

#[tokio::test(flavor = "multi_thread")]
async fn piped_tables_keep_their_columns_whatever_the_values() {
    let fake = Fake::start().await;
    let lots = serde_json::json!({"value": [{"name": "l1", "properties": {
        "source": "Credit | with\na newline", "poNumber": "PO|1\r\n|",
        "expirationDate": "2027-01-01T00:00:00Z",
        "closedBalance": {"currency": "US|D", "value": 1.00}}}]});
    fake.serve(&lots_path(), &lots.to_string()).await;
    let outcome = fake.run(&["lots", "-p", &dev_id()]);
    assert_eq!(outcome.code, 0, "{outcome}");
    let lines: Vec<&str> = outcome.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "header, rule, one row: {outcome}");
    let separators = |line: &str| line.matches('|').count() - line.matches("\\|").count();
    for line in &lines {
        assert_eq!(separators(line), separators(lines[0]), "{line}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_balance_answer_without_figures_is_unexpected() {
    for body in ["{}", "[]", r#"{"properties": {}}"#, r#"{"value": []}"#] {
        let fake = Fake::start().await;
        answer(&fake, &balance_path(), json_response(body)).await;
        for extra in [&[][..], &["--min", "500"]] {
            let outcome = balance_by_id(&fake, extra);
            assert_eq!(outcome.code, 6, "{body} {extra:?}: {outcome}");
            assert!(outcome.stdout.is_empty(), "{outcome}");
        }
    }
}

/// A figure-less answer is a broken answer, fetched again like a 503: when the next one is
/// whole, the balance is read.
#[tokio::test(flavor = "multi_thread")]
async fn a_balance_answer_without_figures_is_fetched_again() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path(balance_path()))
        .respond_with(json_response("{}"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    let body = r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":900.00}}}}"#;
    answer(&fake, &balance_path(), json_response(body)).await;
    let outcome = balance_by_id(&fake, &["--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert_eq!(
        outcome.json()["estimatedBalance"]["value"].to_string(),
        "900.00"
    );
    assert_eq!(fake.request_count().await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_balance_without_a_currency_cannot_pass_a_minimum_in_one() {
    let fake = Fake::start().await;
    let body = r#"{"properties":{"balanceSummary":{"estimatedBalance":{"value":900}}}}"#;
    answer(&fake, &balance_path(), json_response(body)).await;
    let outcome = balance_by_id(&fake, &["--min", "500EUR"]);
    assert_eq!(outcome.code, 6, "could not check: {outcome}");
    assert!(outcome.stderr.contains("without a currency"), "{outcome}");
}

/// Answers every page with a `nextLink` to one more page, forever.
struct EndlessPages(String);

impl Respond for EndlessPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: u64 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        json_response(
            &serde_json::json!({"value": [], "nextLink": format!("{}{}?page={}", self.0, events_path(), page + 1)})
                .to_string(),
        )
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_that_never_ends_stops_after_10000_pages() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path(events_path()))
        .respond_with(EndlessPages(fake.uri()))
        .mount(&fake.server)
        .await;
    let outcome = fake.run(&["events", "-p", &dev_id(), "--json"]);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert!(
        outcome.stderr.contains("more than 10000 pages"),
        "{outcome}"
    );
    assert_eq!(fake.request_count().await, 10_000);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_link_with_a_password_is_refused() {
    let fake = Fake::start().await;
    let next = fake.uri().replace("http://", "http://user:pw@") + "/page-2";
    fake.serve(
        &lots_path(),
        &serde_json::json!({"value": [], "nextLink": next}).to_string(),
    )
    .await;
    let outcome = fake.run(&["lots", "-p", &dev_id()]);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert!(
        outcome.stderr.contains("user name or password"),
        "{outcome}"
    );
    assert_eq!(fake.request_count().await, 1, "the link is never followed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_later_page_that_vanishes_says_so() {
    let fake = Fake::start().await;
    fake.serve(
        &lots_path(),
        &serde_json::json!({"value": [], "nextLink": format!("{}/page-2", fake.uri())}).to_string(),
    )
    .await;
    answer(&fake, "/page-2", ResponseTemplate::new(404)).await;
    let outcome = fake.run(&["lots", "-p", &dev_id()]);
    assert_eq!(outcome.code, 5, "{outcome}");
    assert!(outcome.stderr.contains("page 2 of GET"), "{outcome}");
    assert!(outcome.stderr.contains("vanished"), "{outcome}");
    assert!(
        !outcome.stderr.contains("Microsoft Customer Agreement"),
        "{outcome}"
    );
}

#[test]
fn dates_beyond_the_calendar_are_usage_errors() {
    let outcome = run(credits_command(&[
        "--as-of",
        "+262142-12-31",
        "lots",
        "-p",
        "x",
        "--expiring-within",
        "36500",
    ]));
    assert_eq!(outcome.code, 2, "{outcome}");
    assert_eq!(outcome.stderr.lines().count(), 1, "{outcome}");
    // The last day that is accepted, with the longest window: an answer, not a panic.
    let outcome = run(credits_command(&[
        "--as-of",
        "9990-12-31",
        "--demo",
        "lots",
        "-p",
        "Development",
        "--expiring-within",
        "36500",
    ]));
    assert!(outcome.code == 0 || outcome.code == 1, "{outcome}");
}

#[test]
fn a_token_that_cannot_be_a_header_exits_3_without_showing_it() {
    let mut command = credits_command(&[
        "balance",
        "-p",
        &dev_id(),
        "--endpoint",
        "http://127.0.0.1:9",
    ]);
    command.env(
        "CREDITS_ACCESS_TOKEN",
        format!("{CANARY_TOKEN}\nInjected: yes"),
    );
    let outcome = run(command);
    assert_eq!(outcome.code, 3, "{outcome}");
    assert!(outcome.stderr.contains("malformed"), "{outcome}");
}

#[tokio::test(flavor = "multi_thread")]
async fn long_server_messages_are_cut_and_keep_the_request_id() {
    let fake = Fake::start().await;
    answer(
        &fake,
        &balance_path(),
        ResponseTemplate::new(400)
            .insert_header("x-ms-request-id", "req-long")
            .set_body_string(
                serde_json::json!({"error": {"code": "Bad", "message": "y".repeat(200_000)}})
                    .to_string(),
            ),
    )
    .await;
    let outcome = balance_by_id(&fake, &[]);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert!(
        outcome.stderr.len() < 2_000,
        "{} bytes",
        outcome.stderr.len()
    );
    assert!(outcome.stderr.contains("req-long"), "{outcome}");
    assert!(
        outcome.stderr.contains("200000 characters in all"),
        "{outcome}"
    );
}

#[test]
fn a_refused_connection_says_so() {
    let mut command = credits_command(&["balance", "-p", &dev_id(), "--timeout", "3"]);
    command
        .env("CREDITS_ENDPOINT", "http://127.0.0.1:9")
        .env("CREDITS_ACCESS_TOKEN", CANARY_TOKEN);
    let outcome = run(command);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert!(
        outcome.stderr.to_lowercase().contains("connection refused"),
        "{outcome}"
    );
    assert!(
        !outcome.stderr.contains("client error (Connect)"),
        "{outcome}"
    );
    assert!(!outcome.stderr.contains("Azure asked to wait"), "{outcome}");
}

#[test]
fn a_failed_check_is_not_hidden_by_a_closed_stdout() {
    use std::process::{Command, Stdio};
    for args in [
        &["--demo", "balance", "-p", "Production", "--min", "500"][..],
        &[
            "--demo",
            "--as-of",
            "2026-03-01",
            "lots",
            "-p",
            "Development",
            "--expiring-within",
            "30",
        ],
    ] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("credits"))
            .args(args)
            .env_clear()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("check failed"), "{args:?}: {stderr}");
    }
}

/// A value the fuzz test can draw: text full of controls and delimiters.
fn nasty(seed: u64) -> String {
    let alphabet = [
        'a', '|', '\n', '\r', '\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', 'ü', ' ', '\t', '-',
    ];
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..(seed % 17))
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            alphabet[(state >> 33) as usize % alphabet.len()]
        })
        .collect()
}

/// Property: whatever the strings, every piped row has the header's number of cells and no
/// raw control character.
#[tokio::test(flavor = "multi_thread")]
async fn random_controls_and_delimiters_never_break_a_row() {
    let fake = Fake::start().await;
    let events: Vec<Value> = (0..200u64)
        .map(|n| {
            serde_json::json!({"name": format!("e{n}"), "properties": {
                "transactionDate": "2026-01-02T00:00:00Z", "description": nasty(n),
                "eventType": nasty(n + 1000), "invoiceNumber": nasty(n + 2000),
                "charges": {"currency": nasty(n + 3000), "value": -1.10}}})
        })
        .collect();
    fake.serve(
        &events_path(),
        &serde_json::json!({ "value": events }).to_string(),
    )
    .await;
    let outcome = fake.run(&["events", "-p", &dev_id()]);
    assert_eq!(outcome.code, 0, "{outcome}");
    let lines: Vec<&str> = outcome.stdout.lines().collect();
    assert_eq!(lines.len(), 202, "{outcome}");
    let cells = |line: &str| line.matches('|').count() - line.matches("\\|").count();
    for line in &lines {
        assert_eq!(cells(line), cells(lines[0]), "{line:?}");
        assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
    }
}

fn event_record(profile: &str, name: &str, cents: u32) -> Value {
    serde_json::json!({
        "id": format!("{profile}/providers/Microsoft.Consumption/events/{name}"),
        "name": name, "type": "Microsoft.Consumption/events",
        "properties": {"transactionDate": "2026-01-02T00:00:00Z", "description": name,
            "charges": {"currency": "USD", "value": format!("-{}.{:02}", cents / 100, cents % 100).parse::<Value>().unwrap()}}})
}

fn lots_page(profile: &str) -> String {
    serde_json::json!({"value": [{
        "id": format!("{profile}/providers/Microsoft.Consumption/lots/l1"),
        "name": "l1", "type": "Microsoft.Consumption/lots",
        "properties": {"source": "Azure Promotional Credit", "expirationDate": "2027-01-01T00:00:00Z",
            "closedBalance": {"currency": "USD", "value": 10.00}}}]})
    .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn another_resources_answer_is_never_shown_as_the_one_asked_for() {
    let fake = Fake::start().await;
    let other = profile_id(ACCOUNT, "9999");
    let summary = r#"{"id":"/providers/Microsoft.Billing/billingAccounts/1234:5678/billingProfiles/2468/providers/Microsoft.Consumption/credits/balanceSummary/x","type":"Microsoft.Consumption/credits/balanceSummary","properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":1}}}}"#;
    // Events answered with a balance summary page, lots of another profile, a page without
    // `value`.
    fake.serve(&events_path(), &format!(r#"{{"value": [{summary}]}}"#))
        .await;
    fake.serve(&lots_path(), &lots_page(&other)).await;
    let cases: [(&[&str], &str); 2] = [
        (
            &["events", "-p", &dev_id(), "--json"],
            "Microsoft.Consumption/events was asked for",
        ),
        (
            &[
                "lots",
                "-p",
                &dev_id(),
                "--json",
                "--expiring-within",
                "3650",
            ],
            "another billing profile",
        ),
    ];
    for (args, why) in cases {
        let outcome = fake.run(args);
        assert_eq!(outcome.code, 6, "{args:?}: {outcome}");
        assert!(outcome.stderr.contains(why), "{args:?}: {outcome}");
        assert!(
            outcome.stderr.contains("x-ms-request-id: req-0001"),
            "{outcome}"
        );
        assert!(outcome.stdout.is_empty(), "{outcome}");
    }
    let fake = Fake::start().await;
    fake.serve(&lots_path(), r#"{"properties": {"balanceSummary": {}}}"#)
        .await;
    let outcome = fake.run(&["lots", "-p", &dev_id(), "--expiring-within", "30"]);
    assert_eq!(outcome.code, 6, "a page needs a value array: {outcome}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_balance_all_row_never_shows_another_profiles_figures() {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[(
        ACCOUNT,
        "Contoso",
        &[
            (DEV_PROFILE, "Development", "USD"),
            ("2469", "Production", "USD"),
        ],
    )]))
    .await;
    let body = |profile: &str| {
        format!(
            r#"{{"id":"{profile}/providers/Microsoft.Consumption/credits/balanceSummary/x","properties":{{"balanceSummary":{{"estimatedBalance":{{"currency":"USD","value":1234.56}}}}}}}}"#
        )
    };
    fake.serve(&balance_path(), &body(&dev_id())).await;
    // Production answers with Development's summary.
    fake.serve(
        &consumption_path(&profile_id(ACCOUNT, "2469"), "credits/balanceSummary"),
        &body(&dev_id()),
    )
    .await;
    let outcome = fake.run(&["balance", "--all", "--json"]);
    assert_eq!(outcome.code, 6, "{outcome}");
    let rows = outcome.json();
    assert_eq!(rows[0]["estimatedBalance"]["value"].to_string(), "1234.56");
    assert_eq!(rows[1]["estimatedBalance"], Value::Null, "{outcome}");
    assert_eq!(rows[1]["error"]["exitCode"], 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_undecodable_200_is_retried_like_a_503() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path(lots_path()))
        .respond_with(json_response("<html>Gateway</html>"))
        .up_to_n_times(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(lots_path()))
        .respond_with(json_response(&lots_page(&dev_id())[..30]))
        .up_to_n_times(1)
        .mount(&fake.server)
        .await;
    fake.serve(&lots_path(), &lots_page(&dev_id())).await;
    let outcome = fake.run(&["lots", "-p", &dev_id(), "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert_eq!(
        outcome.json()[0]["closedBalance"]["value"].to_string(),
        "10.0"
    );
    assert_eq!(fake.request_count().await, 3);
}

/// A Resource Manager that fails a share of its answers, on a seeded schedule: throttling,
/// server errors, HTML from a proxy, bodies cut short, another resource's page.
struct Faulty {
    pages: Vec<String>,
    seed: u64,
    rate_percent: u64,
    requests: std::sync::atomic::AtomicU64,
}

impl Respond for Faulty {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self
            .requests
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut x = (self.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_add(1);
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        let page: usize = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let body = &self.pages[page];
        if x % 100 >= self.rate_percent {
            return json_response(body);
        }
        match (x / 100) % 6 {
            0 => ResponseTemplate::new(503).insert_header("retry-after", "0"),
            1 => ResponseTemplate::new(429).insert_header("retry-after", "0"),
            2 => ResponseTemplate::new(500).insert_header("retry-after", "0"),
            3 => json_response("<html><body>Bad gateway</body></html>"),
            4 => json_response(&body[..body.len() / 2]),
            _ => json_response(&lots_page(&dev_id())),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn random_faults_never_give_wrong_data_and_rarely_fail() {
    let fake = Fake::start().await;
    let pages: Vec<String> = (0..3u32)
        .map(|page| {
            let events: Vec<Value> = (0..4)
                .map(|i| event_record(&dev_id(), &format!("e{page}-{i}"), 100 * page + i + 1))
                .collect();
            let mut body = serde_json::json!({ "value": events });
            if page < 2 {
                body["nextLink"] =
                    format!("{}{}?page={}", fake.uri(), events_path(), page + 1).into();
            }
            body.to_string()
        })
        .collect();
    let clean = Fake::start().await;
    for (page, body) in pages.iter().enumerate() {
        let body = body.replace(&fake.uri(), &clean.uri());
        let at = events_path();
        Mock::given(method("GET"))
            .and(path(at.as_str()))
            .and(wiremock::matchers::query_param_is_missing("page"))
            .respond_with(json_response(&body))
            .mount(&clean.server)
            .await;
        if page > 0 {
            Mock::given(method("GET"))
                .and(path(at.as_str()))
                .and(wiremock::matchers::query_param("page", page.to_string()))
                .respond_with(json_response(&body))
                .mount(&clean.server)
                .await;
        }
    }
    let args = ["events", "-p", &dev_id(), "--json"];
    let expected = clean.run(&args);
    assert_eq!(expected.code, 0, "{expected}");
    assert_eq!(expected.json().as_array().unwrap().len(), 12);

    Mock::given(method("GET"))
        .and(path(events_path()))
        .respond_with(Faulty {
            pages,
            seed: 20261201,
            rate_percent: 20,
            requests: Default::default(),
        })
        .mount(&fake.server)
        .await;
    let runs = 40;
    let mut succeeded = 0;
    for _ in 0..runs {
        let outcome = fake.run(&args);
        match outcome.code {
            0 => {
                assert_eq!(outcome.stdout, expected.stdout, "wrong data with exit 0");
                succeeded += 1;
            }
            6 => {
                // What was written before the failure is a prefix of the right answer: no
                // record repeated, none invented.
                let written = outcome.stdout.trim_end_matches(['\n', ']']);
                assert!(
                    expected.stdout.starts_with(written.trim_end_matches(',')),
                    "a failed run wrote other data than the right answer: {outcome}"
                );
            }
            other => panic!("exit {other} is not a documented outcome here: {outcome}"),
        }
    }
    eprintln!("{succeeded} of {runs} runs succeeded at a 20% fault rate");
    assert!(
        succeeded * 100 >= runs * 95,
        "{succeeded} of {runs} runs succeeded"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_later_page_with_no_content_is_not_the_end_of_the_list() {
    let fake = Fake::start().await;
    fake.serve(
        &lots_path(),
        &serde_json::json!({"value": [], "nextLink": format!("{}/page-2", fake.uri())}).to_string(),
    )
    .await;
    answer(&fake, "/page-2", ResponseTemplate::new(204)).await;
    let outcome = fake.run(&["lots", "-p", &dev_id(), "--json", "--timeout", "10"]);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert!(outcome.stderr.contains("no content"), "{outcome}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_later_page_that_vanishes_after_a_bad_answer_still_says_so() {
    let fake = Fake::start().await;
    fake.serve(
        &lots_path(),
        &serde_json::json!({"value": [], "nextLink": format!("{}/page-2", fake.uri())}).to_string(),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/page-2"))
        .respond_with(json_response("<html>proxy</html>"))
        .up_to_n_times(1)
        .mount(&fake.server)
        .await;
    answer(&fake, "/page-2", ResponseTemplate::new(404)).await;
    let outcome = fake.run(&["lots", "-p", &dev_id()]);
    assert_eq!(outcome.code, 5, "{outcome}");
    assert!(outcome.stderr.contains("vanished"), "{outcome}");
    assert!(
        !outcome.stderr.contains("Microsoft Customer Agreement"),
        "{outcome}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_amount_without_a_value_is_no_balance_figure() {
    let fake = Fake::start().await;
    answer(
        &fake,
        &balance_path(),
        json_response(r#"{"properties": {"expiredCredit": {}}}"#),
    )
    .await;
    assert_eq!(balance_by_id(&fake, &[]).code, 6);
}

/// Throttling and unreadable answers share the one budget of 4 attempts a request.
#[tokio::test(flavor = "multi_thread")]
async fn bad_answers_and_server_errors_share_one_attempt_budget() {
    let fake = Fake::start().await;
    for _ in 0..3 {
        for response in [
            ResponseTemplate::new(503).insert_header("retry-after", "0"),
            json_response("<html>proxy</html>"),
        ] {
            Mock::given(method("GET"))
                .and(path(lots_path()))
                .respond_with(response)
                .up_to_n_times(1)
                .mount(&fake.server)
                .await;
        }
    }
    let outcome = fake.run(&["lots", "-p", &dev_id()]);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert!(
        outcome.stderr.contains("gave up after 4 attempts"),
        "{outcome}"
    );
    assert_eq!(fake.request_count().await, 4);
}

/// A page that is not JSON but ends like one, with a link to another host, is read again as
/// any page that is not JSON is: the link read from its end is never taken for a refusal,
/// and never followed.
#[tokio::test(flavor = "multi_thread")]
async fn a_broken_page_ending_with_a_foreign_link_is_read_again() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path(lots_path()))
        .respond_with(json_response(
            r#"{"value":[{"id": oops}],"nextLink":"https://elsewhere.example/page-2"}"#,
        ))
        .up_to_n_times(1)
        .mount(&fake.server)
        .await;
    fake.serve(&lots_path(), r#"{"value":[]}"#).await;
    let outcome = fake.run(&["lots", "-p", &dev_id(), "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert_eq!(fake.request_count().await, 2, "{outcome}");
}
