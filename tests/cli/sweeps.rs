//! Customer sweeps (issue 23, part 2): `--all-customers`, `--customer` repeated and
//! `--customers-from FILE` give one row per customer, in listing order or the order given,
//! each with exactly one outcome; a customer named that matches none is exit 5 before any
//! read.

use crate::support::*;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const PARTNER: &str =
    "/providers/Microsoft.Billing/billingAccounts/9a8b7c6d-1111-4222-8333-944455566677";

fn names(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row["customer"]["displayName"]
                .as_str()
                .unwrap_or("?")
                .to_string()
        })
        .collect()
}

#[test]
fn every_customer_is_a_row_in_listing_order_or_the_order_given() {
    let all = on_demo_day(&["balance", "--all-customers", "--json"]);
    assert_eq!(all.code, 0, "{all}");
    let rows = all.json();
    assert_eq!(names(&rows), ["Northwind Traders", "Tailspin Toys"]);
    for row in rows.as_array().unwrap() {
        assert_eq!(row["outcome"], "ok", "{row}");
        assert!(row.get("billingProfile").is_none(), "{row}");
    }
    let given = on_demo_day(&[
        "balance",
        "--customer",
        "tailspin toys",
        "--customer",
        "c1a2b3c4-0001-4000-8000-00000000c001",
        "--customer",
        "Tailspin Toys",
        "--json",
    ]);
    assert_eq!(given.code, 0, "{given}");
    // In the order given, each once (the third names the first again).
    assert_eq!(names(&given.json()), ["Tailspin Toys", "Northwind Traders"]);

    let forecast = on_demo_day(&["forecast", "--all-customers", "--json"]);
    assert_eq!(forecast.code, 0, "{forecast}");
    let rows = forecast.json();
    assert_eq!(names(&rows), ["Northwind Traders", "Tailspin Toys"]);
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["outcome"] == "ok"),
        "{rows}"
    );

    let table = on_demo_day(&["forecast", "--all-customers"]);
    assert_eq!(table.code, 0, "{table}");
    assert!(table.stdout.contains("| Customer "), "{table}");
}

#[test]
fn a_file_of_names_or_the_aco_csv_names_the_customers() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("customers.txt");
    std::fs::write(&list, "# nightly\nTailspin Toys\n\nNorthwind Traders\n").unwrap();
    let out = on_demo_day(&[
        "balance",
        "--customers-from",
        list.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(names(&out.json()), ["Tailspin Toys", "Northwind Traders"]);

    // Partner Center's ACO file: the customer column holds the tenant id, the customer's name.
    let aco = dir.path().join("aco.csv");
    std::fs::write(
        &aco,
        "\u{feff}PartnerTenantId,CustomerTenantId,CreditName\np,c1a2b3c4-0001-4000-8000-00000000c001,Azure Credit Offer\np,c1a2b3c4-0001-4000-8000-00000000c001,Other\n",
    )
    .unwrap();
    let out = on_demo_day(&[
        "balance",
        "--customers-from",
        aco.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(names(&out.json()), ["Northwind Traders"]);

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "# nobody\n").unwrap();
    let out = on_demo_day(&["balance", "--customers-from", empty.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{out}");
    let out = on_demo_day(&["balance", "--customers-from", "/no/such/file"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr
            .starts_with("error: --customers-from /no/such/file"),
        "{out}"
    );
}

/// A name that matches no customer is not a silently missing row: exit 5 before any read,
/// every such name said.
#[test]
fn a_name_that_matches_no_customer_stops_the_sweep_before_it_starts() {
    let out = on_demo_day(&[
        "balance",
        "--customer",
        "Northwind Traders",
        "--customer",
        "Contoso Retail",
        "--customer",
        "Fourth Coffee",
    ]);
    assert_eq!(out.code, 5, "{out}");
    assert!(out.stdout.is_empty(), "{out}");
    assert!(
        out.stderr
            .contains("2 of the 3 customers named match no single customer: \"Contoso Retail\" (no customer), \"Fourth Coffee\" (no customer)"),
        "{out}"
    );
}

/// A partner account with customers c1, c2, c3 (no balances served yet).
async fn partner_with_three_customers() -> Fake {
    partner_with(&["c1", "c2", "c3"]).await
}

/// A partner account with these customers (no balances served yet).
async fn partner_with(names: &[&str]) -> Fake {
    let fake = Fake::start().await;
    let accounts = serde_json::json!({"value": [{
        "id": PARTNER,
        "name": "9a8b7c6d-1111-4222-8333-944455566677",
        "type": "Microsoft.Billing/billingAccounts",
        "properties": {"displayName": "Contoso Partner Network", "agreementType": "MicrosoftPartnerAgreement", "hasReadAccess": true}
    }]});
    fake.accounts(&accounts.to_string()).await;
    let customers: Vec<Value> = names
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": format!("{PARTNER}/customers/{c}"),
                "name": c,
                "type": "Microsoft.Billing/billingAccounts/customers",
                "properties": {"displayName": format!("Customer {c}")}
            })
        })
        .collect();
    fake.serve(
        &format!("{PARTNER}/customers"),
        &serde_json::json!({ "value": customers }).to_string(),
    )
    .await;
    fake
}

/// A partner with customers c1 to c40, each balance answering after half a second.
async fn slow_partner_of_forty() -> Fake {
    let names: Vec<String> = (1..=40).map(|n| format!("c{n}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let fake = partner_with(&refs).await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex(
            "/customers/c[0-9]+/providers/",
        ))
        .respond_with(json_response(TEN_USD).set_delay(std::time::Duration::from_millis(500)))
        .mount(&fake.server)
        .await;
    fake
}

/// `at` answers 400 BadRequest (a failure that is not retried).
fn bad_request(at: &str) -> Mock {
    Mock::given(method("GET")).and(path(at)).respond_with(
        ResponseTemplate::new(400)
            .set_body_string(r#"{"error":{"code":"BadRequest","message":"Something is off."}}"#),
    )
}

/// The path of a customer's Consumption `what` (`credits/balanceSummary`, `lots`, `events`).
fn of_customer(customer: &str, what: &str) -> String {
    consumption_path(&format!("{PARTNER}/customers/{customer}"), what)
}

fn balance_of(customer: &str) -> String {
    of_customer(customer, "credits/balanceSummary")
}

/// One text field of every row of a JSON list (`?` where a row has none).
fn field_of<'a>(rows: &'a Value, key: &str) -> Vec<&'a str> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|row| row[key].as_str().unwrap_or("?"))
        .collect()
}

const TEN_USD: &str =
    r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":10.00}}}}"#;

/// One customer answers 403: its row says `forbidden`, the others are read, the run exits 4
/// and says how many customers could not be read.
#[tokio::test(flavor = "multi_thread")]
async fn a_forbidden_customer_is_a_row_of_its_own_and_fails_the_run() {
    let fake = partner_with_three_customers().await;
    for c in ["c1", "c3"] {
        fake.serve(&balance_of(c), TEN_USD).await;
    }
    forbid(&fake, &balance_of("c2")).await;
    let out = fake.run(&["balance", "--all-customers", "--json"]);
    assert_eq!(out.code, 4, "{out}");
    let rows = out.json();
    assert_eq!(field_of(&rows, "outcome"), ["ok", "forbidden", "ok"]);
    assert_eq!(names(&rows), ["Customer c1", "Customer c2", "Customer c3"]);
    assert!(out.stderr.contains("customer Customer c2"), "{out}");
    assert!(out.stderr.contains("1 of 3 customers"), "{out}");

    let csv = fake.run(&["balance", "--all-customers", "-o", "csv"]);
    assert!(
        csv.stdout.lines().next().unwrap().contains(",outcome,"),
        "{csv}"
    );
    assert!(csv.stdout.contains(",forbidden,"), "{csv}");
}

/// A sweep judges each row on its own: a gate amount must name its currency (exit 2 before
/// any request otherwise), and then fails the run on the rows below it.
#[test]
fn a_sweep_gate_names_its_currency() {
    let bare = on_demo_day(&["balance", "--all-customers", "--min", "100"]);
    assert_eq!(bare.code, 2, "{bare}");
    assert!(
        bare.stderr.starts_with("error: --min 100 has no currency"),
        "{bare}"
    );
    assert!(bare.stdout.is_empty(), "{bare}");
    let named = on_demo_day(&["balance", "--all-customers", "--min", "100GBP"]);
    assert_eq!(named.code, 1, "{named}");
    assert!(named.stderr.contains("Tailspin Toys"), "{named}");
    let report = on_demo_day(&["report", "--all-customers", "--min", "100"]);
    assert_eq!(report.code, 2, "{report}");
}

/// In a sweep `--timeout` is the longest time without progress, not the whole run: three
/// customers answering in 1.5 s each, one after another, take 4.5 s and pass a 2 s limit; a
/// customer that does not answer for longer than it ends the run (exit 6).
#[tokio::test(flavor = "multi_thread")]
async fn a_sweep_times_out_on_no_progress_not_on_its_length() {
    let slow = partner_with_three_customers().await;
    for c in ["c1", "c2", "c3"] {
        Mock::given(method("GET"))
            .and(path(balance_of(c)))
            .respond_with(json_response(TEN_USD).set_delay(std::time::Duration::from_millis(1500)))
            .mount(&slow.server)
            .await;
    }
    let args = [
        "--timeout",
        "2",
        "--concurrency",
        "1",
        "balance",
        "--all-customers",
        "--json",
    ];
    let started = std::time::Instant::now();
    let out = slow.run(&args);
    assert_eq!(out.code, 0, "{out}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(4500));
    assert_eq!(out.json().as_array().unwrap().len(), 3);

    let stuck = partner_with_three_customers().await;
    stuck.serve(&balance_of("c1"), TEN_USD).await;
    Mock::given(method("GET"))
        .and(path(balance_of("c2")))
        .respond_with(json_response(TEN_USD).set_delay(std::time::Duration::from_secs(30)))
        .mount(&stuck.server)
        .await;
    stuck.serve(&balance_of("c3"), TEN_USD).await;
    let started = std::time::Instant::now();
    let out = stuck.run(&args);
    assert_eq!(out.code, 6, "{out}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "waited for the stuck answer"
    );
}

/// `--max-time` is decided as soon as the rate is known: 40 customers answering one every
/// half second need 20 s, more than 8, so the run stops after about 2 s, exit 6, nothing on
/// stdout.
#[tokio::test(flavor = "multi_thread")]
async fn a_sweep_that_cannot_keep_max_time_stops_early() {
    let fake = slow_partner_of_forty().await;
    let started = std::time::Instant::now();
    let out = fake.run(&[
        "--max-time",
        "8",
        "--concurrency",
        "1",
        "balance",
        "--all-customers",
        "--json",
    ]);
    assert_eq!(out.code, 6, "{out}");
    assert!(out.stdout.is_empty(), "{out}");
    assert!(out.stderr.contains("more than --max-time 8 s"), "{out}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    let out = fake.run(&["--max-time", "0", "balance", "--all-customers"]);
    assert_eq!(out.code, 2, "{out}");
}

/// Many failed rows: the first 20 are said one by one, the rest counted (all with -v).
#[tokio::test(flavor = "multi_thread")]
async fn many_failures_are_counted_past_the_first_twenty() {
    let names: Vec<String> = (1..=25).map(|n| format!("c{n}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    // No balance is served: every customer answers 404.
    let fake = partner_with(&refs).await;
    let out = fake.run(&["balance", "--all-customers", "--json"]);
    assert_eq!(out.code, 5, "{out}");
    let said = out.stderr.matches("error: customer ").count();
    assert_eq!(said, 20, "{out}");
    assert!(
        out.stderr.contains("and 5 more that could not be read"),
        "{out}"
    );
    assert!(out.stderr.contains("25 of 25 customers"), "{out}");
    let verbose = fake.run(&["balance", "--all-customers", "--json", "-v"]);
    assert_eq!(verbose.stderr.matches("error: customer ").count(), 25);
}

/// Runs `credits` against `fake` and notes when each stdout line arrived.
fn timed_lines(fake: &Fake, args: &[&str]) -> (Vec<(std::time::Duration, String)>, i32) {
    use std::io::BufRead;
    let mut command = plain_command(assert_cmd::cargo::cargo_bin!("credits"));
    command
        .env("CREDITS_ENDPOINT", fake.uri())
        .env("CREDITS_ACCESS_TOKEN", "streaming-test-token")
        .env("CREDITS_CACHE_DIR", fake.cache.path())
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let started = std::time::Instant::now();
    let mut child = command.spawn().expect("credits starts");
    let stdout = child.stdout.take().expect("a piped stdout");
    let lines = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .map(|line| (started.elapsed(), line))
        .collect();
    let code = child.wait().expect("credits ends").code().unwrap_or(-1);
    (lines, code)
}

/// Rows stream: the customers list comes in two pages, the second 3 s late, and the last
/// customer answers 3 s late too; the first customers' rows are on stdout (JSON and csv)
/// long before the run ends, read while the listing still goes on, and every row comes in
/// listing order.
#[tokio::test(flavor = "multi_thread")]
async fn rows_are_written_in_order_as_soon_as_the_rows_before_them_are_read() {
    let fake = Fake::start().await;
    let accounts = serde_json::json!({"value": [{
        "id": PARTNER,
        "name": "9a8b7c6d-1111-4222-8333-944455566677",
        "type": "Microsoft.Billing/billingAccounts",
        "properties": {"displayName": "Contoso Partner Network", "agreementType": "MicrosoftPartnerAgreement", "hasReadAccess": true}
    }]});
    fake.accounts(&accounts.to_string()).await;
    let customer = |c: &str| {
        serde_json::json!({
            "id": format!("{PARTNER}/customers/{c}"),
            "name": c,
            "type": "Microsoft.Billing/billingAccounts/customers",
            "properties": {"displayName": format!("Customer {c}")}
        })
    };
    let next = format!(
        "{}{PARTNER}/customers?api-version=2020-05-01&page=2",
        fake.uri()
    );
    Mock::given(method("GET"))
        .and(path(format!("{PARTNER}/customers")))
        .and(wiremock::matchers::query_param("page", "2"))
        .respond_with(
            json_response(
                &serde_json::json!({"value": [customer("c3"), customer("c4")]}).to_string(),
            )
            .set_delay(std::time::Duration::from_secs(3)),
        )
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{PARTNER}/customers")))
        .and(wiremock::matchers::query_param_is_missing("page"))
        .respond_with(json_response(
            &serde_json::json!({"value": [customer("c1"), customer("c2")], "nextLink": next})
                .to_string(),
        ))
        .mount(&fake.server)
        .await;
    for c in ["c1", "c2", "c3"] {
        fake.serve(&balance_of(c), TEN_USD).await;
    }
    Mock::given(method("GET"))
        .and(path(balance_of("c4")))
        .respond_with(json_response(TEN_USD).set_delay(std::time::Duration::from_secs(3)))
        .mount(&fake.server)
        .await;

    for format in ["json", "csv"] {
        let (lines, code) = timed_lines(&fake, &["balance", "--all-customers", "-o", format]);
        assert_eq!(code, 0, "{lines:?}");
        let first = lines
            .iter()
            .find(|(_, line)| line.contains("Customer c1"))
            .expect("a row of c1");
        let last = lines.last().expect("some output");
        assert!(
            first.0 < std::time::Duration::from_millis(2500),
            "{format}: c1's row waited for the listing: {lines:?}"
        );
        assert!(
            last.0 >= std::time::Duration::from_secs(5),
            "{format}: {lines:?}"
        );
        let order: Vec<usize> = ["c1", "c2", "c3", "c4"]
            .iter()
            .map(|c| {
                lines
                    .iter()
                    .position(|(_, line)| line.contains(&format!("Customer {c}")))
                    .expect("every customer has a row")
            })
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
    }
    // The whole JSON is one array, as ever.
    let out = fake.run(&["balance", "--all-customers", "--json"]);
    assert_eq!(names(&out.json()).len(), 4, "{out}");
}

/// The worst failure decides the exit code, wherever its row is: forbidden (4), not found
/// (5) and failed (6) give 6.
#[tokio::test(flavor = "multi_thread")]
async fn the_worst_failure_decides_the_exit_code() {
    let fake = partner_with(&["c1", "c2", "c3", "c4"]).await;
    fake.serve(&balance_of("c1"), TEN_USD).await;
    fake.server.register(bad_request(&balance_of("c2"))).await;
    forbid(&fake, &balance_of("c3")).await;
    // c4 is not served: 404.
    let out = fake.run(&["balance", "--all-customers", "--json"]);
    assert_eq!(out.code, 6, "{out}");
    let rows = out.json();
    assert_eq!(
        field_of(&rows, "outcome"),
        ["ok", "failed", "forbidden", "notFound"]
    );
    assert!(out.stderr.contains("3 of 4 customers"), "{out}");
}

/// `--resume FILE`: the first run notes each customer's outcome; a rerun reads only the
/// customers whose outcome was not final (failed), prints only their rows, says how many
/// came from the file, and still fails on a forbidden customer read earlier.
#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_sweep_reads_only_the_customers_not_read_yet() {
    let fake = partner_with(&["c1", "c2", "c3", "c4"]).await;
    for c in ["c1", "c4"] {
        fake.serve(&balance_of(c), TEN_USD).await;
    }
    let broken = bad_request(&balance_of("c2"))
        .mount_as_scoped(&fake.server)
        .await;
    forbid(&fake, &balance_of("c3")).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("sweep.jsonl");
    let journal_arg = journal.to_str().unwrap();
    let args = [
        "balance",
        "--all-customers",
        "--json",
        "--resume",
        journal_arg,
    ];
    let first = fake.run(&args);
    assert_eq!(first.code, 6, "{first}");
    assert_eq!(first.json().as_array().unwrap().len(), 4);
    let lines = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(
        lines.lines().count(),
        5,
        "a header and a line per customer:\n{lines}"
    );
    assert!(lines
        .lines()
        .next()
        .unwrap()
        .contains(r#""command":"balance""#));

    drop(broken);
    fake.serve(&balance_of("c2"), TEN_USD).await;
    let before = fake.request_count().await;
    let second = fake.run(&args);
    // c3 was forbidden in the first run: still a failure, without reading it again.
    assert_eq!(second.code, 4, "{second}");
    assert_eq!(names(&second.json()), ["Customer c2"], "{second}");
    assert!(
        second.stderr.contains("3 of 4 customers taken from"),
        "{second}"
    );
    assert!(
        second
            .stderr
            .contains("customer Customer c3: forbidden when read earlier"),
        "{second}"
    );
    let balance_reads = fake
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .skip(before)
        .filter(|r| r.url.path().ends_with("/balanceSummary"))
        .count();
    assert_eq!(balance_reads, 1, "only c2 was read again");

    let third = fake.run(&args);
    assert_eq!(third.code, 4, "{third}");
    assert_eq!(third.json(), serde_json::json!([]), "{third}");
    assert!(
        third.stderr.contains("4 of 4 customers taken from"),
        "{third}"
    );

    // A journal of another command, or --resume without a sweep, is refused before any read.
    let other = fake.run(&["forecast", "--all-customers", "--resume", journal_arg]);
    assert_eq!(other.code, 2, "{other}");
    assert!(
        other.stderr.contains("journal of `credits balance`"),
        "{other}"
    );
    let one = fake.run(&["balance", "--customer", "c1", "--resume", journal_arg]);
    assert_eq!(one.code, 2, "{one}");
    assert!(
        one.stderr
            .contains("--resume FILE keeps the progress of a customer sweep"),
        "{one}"
    );
}

/// `lots` and `events` sweeps are one list (one JSON array), customer by customer in listing
/// order, the customer in front in a table; a customer that cannot be read is named on stderr
/// and decides the exit code. The `report` page names customers as customers too.
#[tokio::test(flavor = "multi_thread")]
async fn lots_and_events_sweeps_are_one_list_in_order() {
    for (command, count) in [("lots", 2), ("events", 6)] {
        let out = on_demo_day(&[command, "--all-customers", "--json"]);
        assert_eq!(out.code, 0, "{out}");
        assert_eq!(out.json().as_array().unwrap().len(), count, "{out}");
        let table = on_demo_day(&[command, "--all-customers"]);
        assert_eq!(table.code, 0, "{table}");
        let first = table.stdout.lines().next().unwrap_or_default();
        assert!(first.starts_with("| Customer "), "{table}");
        let northwind = table.stdout.find("Northwind Traders").unwrap_or(usize::MAX);
        let tailspin = table.stdout.find("Tailspin Toys").unwrap_or(0);
        assert!(northwind < tailspin, "{table}");
    }
    // They resume too: a second run with the same journal reads nobody and lists nothing.
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("events.jsonl");
    let journal = journal.to_str().unwrap();
    let args = ["events", "--all-customers", "--json", "--resume", journal];
    assert_eq!(on_demo_day(&args).json().as_array().unwrap().len(), 6);
    let again = on_demo_day(&args);
    assert_eq!(again.code, 0, "{again}");
    assert_eq!(again.json(), serde_json::json!([]), "{again}");
    assert!(
        again.stderr.contains("2 of 2 customers taken from"),
        "{again}"
    );

    let report = on_demo_day(&["report", "--all-customers", "--spend"]);
    assert_eq!(report.code, 0, "{report}");
    assert!(!report.stdout.contains("| Profile "), "{report}");
    assert!(report.stdout.contains("| Customer "), "{report}");

    let fake = partner_with_three_customers().await;
    let lots = |c: &str| {
        serde_json::json!({"value": [{
            "id": format!("{PARTNER}/customers/{c}/providers/Microsoft.Consumption/lots/l-{c}"),
            "name": format!("l-{c}"),
            "type": "Microsoft.Consumption/lots",
            "properties": {
                "originalAmount": {"currency": "USD", "value": 100.00},
                "closedBalance": {"currency": "USD", "value": 40.00},
                "source": "Azure Credit Offer",
                "startDate": "2026-01-01T00:00:00Z",
                "expirationDate": "2027-01-01T00:00:00Z",
                "status": "Active"
            }
        }]})
        .to_string()
    };
    for c in ["c1", "c3"] {
        fake.serve(&of_customer(c, "lots"), &lots(c)).await;
    }
    forbid(&fake, &of_customer("c2", "lots")).await;
    let out = fake.run(&["lots", "--all-customers", "--json"]);
    assert_eq!(out.code, 4, "{out}");
    let rows = out.json();
    assert_eq!(field_of(&rows, "name"), ["l-c1", "l-c3"], "{out}");
    assert!(out.stderr.contains("customer Customer c2"), "{out}");
    assert!(out.stderr.contains("1 of 3 customers"), "{out}");
}

/// A journal's header line for `command` asked `query` on the demo's day.
fn journal_header(command: &str, query: &str) -> String {
    format!(
        r#"{{"journal":"credits sweep journal","version":1,"command":"{command}","query":"{query}","asOf":"2026-12-01"}}"#
    )
}

/// A resumed sweep judges `--max-time` by the customers it has left to read, not by all:
/// 36 of 40 are in the journal, the 4 left take 2 s one at a time, well inside 8 s (all 40
/// would need 20 s).
#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_sweep_estimates_only_what_is_left() {
    let fake = slow_partner_of_forty().await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("sweep.jsonl");
    let mut text = journal_header("balance", "") + "\n";
    for n in 1..=36 {
        text += &format!(
            r#"{{"id":"{PARTNER}/customers/c{n}","customer":"Customer c{n}","outcome":"ok"}}"#
        );
        text.push('\n');
    }
    std::fs::write(&journal, text).unwrap();
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "--max-time",
        "8",
        "--concurrency",
        "1",
        "balance",
        "--all-customers",
        "--json",
        "--resume",
        journal.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        names(&out.json()),
        [
            "Customer c37",
            "Customer c38",
            "Customer c39",
            "Customer c40"
        ]
    );
    assert!(
        out.stderr.contains("36 of 40 customers taken from"),
        "{out}"
    );
}

/// What an earlier run could not check still counts on a rerun (exit 6), and a journal asked
/// otherwise (another --min) is refused before any read.
#[test]
fn a_journal_keeps_what_could_not_be_checked() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("forecast.jsonl");
    let account =
        "/providers/Microsoft.Billing/billingAccounts/9a8b7c6d-1111-4222-8333-944455566677";
    let text = format!(
        "{}\n{{\"id\":\"{account}/customers/c1a2b3c4-0001-4000-8000-00000000c001\",\"customer\":\"Northwind Traders\",\"outcome\":\"ok\",\"checks\":[{{\"check\":\"--min-days\",\"result\":\"couldNotCheck\",\"why\":\"too little history\",\"exitCode\":6}}]}}\n",
        journal_header("forecast", "--window 90 --min-days 30")
    );
    std::fs::write(&journal, text).unwrap();
    let path = journal.to_str().unwrap();
    let out = on_demo_day(&[
        "forecast",
        "--all-customers",
        "--min-days",
        "30",
        "--json",
        "--resume",
        path,
    ]);
    assert_eq!(out.code, 6, "{out}");
    assert!(
        out.stderr.contains("too little history (read earlier)"),
        "{out}"
    );
    assert_eq!(names(&out.json()), ["Tailspin Toys"], "{out}");

    let other = on_demo_day(&[
        "forecast",
        "--all-customers",
        "--min-days",
        "60",
        "--resume",
        path,
    ]);
    assert_eq!(other.code, 2, "{other}");
    assert!(other.stderr.contains("asked otherwise"), "{other}");
}

/// A table is written at the end: its customers are journalled once it is written, and not
/// when its reader went away before (a rerun must not skip what nobody received).
#[test]
fn a_table_nobody_received_is_not_journalled() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("balance.jsonl");
    let args = [
        "--demo",
        "--as-of",
        "2026-12-01",
        "balance",
        "--all-customers",
        "-o",
        "markdown",
        "--resume",
        journal.to_str().unwrap(),
    ];
    let mut child = plain_command(assert_cmd::cargo::cargo_bin!("credits"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("credits starts");
    // The reader goes before the table is drawn.
    drop(child.stdout.take());
    child.wait().expect("credits ends");
    let written = std::fs::read_to_string(&journal).unwrap_or_default();
    assert_eq!(written.lines().count(), 1, "the header alone: {written}");

    // Received: both customers are journalled.
    let out = on_demo_day(&args[3..]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("Northwind Traders"), "{out}");
    let written = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(written.lines().count(), 3, "{written}");
}
