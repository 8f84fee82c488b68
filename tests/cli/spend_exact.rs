//! `credits spend --exact`: Cost Details reports asked for (202 + Location + Retry-After),
//! polled only on the Resource Manager host, their CSV files streamed from storage without
//! the token and summed line by line (a byte-order mark, mixed-case columns,
//! isAzureCreditEligible), the official examples followed to their files, three polls, 200
//! and 204 at once, the cache of invoiced months, and every way a report can go wrong.

use crate::support::*;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const PROFILE: &str =
    "/providers/Microsoft.Billing/billingAccounts/12345:6789/billingProfiles/13579";
const AZURE: &str = "https://management.azure.com";
const STORAGE: &str = "https://ccmreportstorageeastus.blob.core.windows.net";

/// An MCA Cost Details file: a byte-order mark, mixed-case names, US dates, a quoted name
/// with a comma, an amount in E notation; a Marketplace line and a Visual Studio line credit
/// cannot pay for, and a subscription *named* Visual Studio whose usage it can.
const REPORT: &str = "\u{feff}invoiceId,billingProfileName,date,meterCategory,meterName,ProductName,SubscriptionId,subscriptionName,resourceGroupName,resourceLocation,publisherType,chargeType,invoiceSectionName,billingCurrency,costInBillingCurrency,isAzureCreditEligible\r\n\
G0001,Development,10/01/2026,Virtual Machines,D2s v5,Virtual Machines Dsv5,sub-1,\"Contoso, Production\",rg-web,westeurope,Microsoft,Usage,Default,USD,19.545363672276512,True\r\n\
G0001,Development,10/02/2026,Virtual Machines,D2s v5,Virtual Machines Dsv5,sub-2,Visual Studio Enterprise Subscription,rg-dev,westeurope,Microsoft,Usage,Default,USD,1.2345E-05,True\r\n\
G0001,Development,10/03/2026,,,Contoso Firewall,sub-1,\"Contoso, Production\",rg-web,westeurope,Marketplace,Usage,Default,USD,2.96,False\r\n\
G0001,Development,10/01/2026,Visual Studio Subscription,Enterprise (Monthly),Visual Studio Enterprise (Monthly),sub-1,\"Contoso, Production\",,,Microsoft,Purchase,Default,USD,45.00,False\r\n";

/// `REPORT` grown with blank lines to the `byteCount` a manifest lists (a file shorter than
/// its manifest says is refused as cut short).
fn report_of_size(size: &Value) -> String {
    let size = size.as_u64().map_or(REPORT.len(), |n| n as usize);
    let mut text = REPORT.to_string();
    while text.len() + 2 <= size {
        text.push_str("\r\n");
    }
    if text.len() < size {
        text.push('\n');
    }
    text
}

/// `--as-of 2026-12-15 spend --profile PROFILE --month 2026-10 --exact EXTRA…`: October,
/// a month over, of the profile these tests serve.
fn october(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec![
        "--as-of",
        "2026-12-15",
        "spend",
        "--profile",
        PROFILE,
        "--month",
        "2026-10",
        "--exact",
    ];
    args.extend_from_slice(extra);
    args
}

fn decimal(value: &Value) -> rust_decimal::Decimal {
    rust_decimal::Decimal::from_str_exact(&value.to_string()).unwrap()
}

/// The report request of `scope` answers 202: ask again at `location` after `wait` seconds.
async fn accepted(fake: &Fake, scope: &str, location: &str, wait: &str) {
    Mock::given(method("POST"))
        .and(path(report_path(scope)))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", location)
                .insert_header("Retry-After", wait),
        )
        .mount(&fake.server)
        .await;
}

/// An official example, its Azure hosts swapped for the fake's.
fn example_on(fake: &Fake, relative: &str) -> Value {
    let text = fixture_text(relative)
        .replace(AZURE, &fake.uri())
        .replace(STORAGE, &fake.uri());
    serde_json::from_str(&text).unwrap()
}

fn report_path(scope: &str) -> String {
    format!("{scope}/providers/Microsoft.CostManagement/generateCostDetailsReport")
}

fn balance_of(scope: &str) -> String {
    format!("{scope}/providers/Microsoft.Consumption/credits/balanceSummary")
}

const BALANCE: &str = r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":100.00},"currentBalance":{"currency":"USD","value":120.00}},"pendingEligibleCharges":{"currency":"USD","value":-20.00},"pendingCreditAdjustments":{"currency":"USD","value":0.00},"expiredCredit":{"currency":"USD","value":0.00}}}"#;

/// Serves the report file at the path of `link`.
async fn serve_file(fake: &Fake, link: &str, body: &str) {
    let at = url::Url::parse(link).unwrap().path().to_string();
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/csv")
                .set_body_string(body.to_string()),
        )
        .mount(&fake.server)
        .await;
}

/// The report of `scope`: 202 at once (Location and Retry-After from the official example,
/// the wait made 0 so the test is quick), then the example's 200 at the Location.
async fn serve_report(fake: &Fake, example: &str, scope: &str) -> Value {
    let file = example_on(fake, example);
    let location = file["responses"]["202"]["headers"]["Location"]
        .as_str()
        .unwrap()
        .to_string();
    accepted(fake, scope, location.as_str(), "0").await;
    let result = file["responses"]["200"]["body"].clone();
    Mock::given(method("GET"))
        .and(path(url::Url::parse(&location).unwrap().path()))
        .respond_with(json_response(&result.to_string()))
        .mount(&fake.server)
        .await;
    let blob = &result["manifest"]["blobs"][0];
    let link = blob["blobLink"].as_str().unwrap().to_string();
    serve_file(fake, &link, &report_of_size(&blob["byteCount"])).await;
    result
}

/// A fake with the Development profile at `scope`, its balance, and no invoice yet (the
/// credit applied of a closed month is read from its invoices).
async fn fake_with(scope: &str) -> Fake {
    fake_with_invoices(scope, r#"{"value": []}"#).await
}

async fn fake_with_invoices(scope: &str, invoices: &str) -> Fake {
    let fake = Fake::start().await;
    fake.serve(&format!("{scope}/invoices"), invoices).await;
    fake.accounts(&accounts_body(&[(
        "12345:6789",
        "Contoso",
        &[("13579", "Development", "USD")],
    )]))
    .await;
    fake.serve(&balance_of(scope), BALANCE).await;
    fake
}

/// Both official report examples (profile and customer) are followed from the 202 to their
/// file: the body asks for actual cost over the month's days, the Location is polled, the
/// file is fetched without the token, and every group is the exact sum of its lines, what
/// credit cannot pay for being each line's own `isAzureCreditEligible`.
#[tokio::test(flavor = "multi_thread")]
async fn the_official_report_examples_are_followed_to_their_files() {
    for example in [
        "azure-examples/Microsoft.CostManagement/2025-03-01/GenerateCostDetailsReportByBillingProfileAndInvoiceId.json",
        "azure-examples/Microsoft.CostManagement/2025-03-01/GenerateCostDetailsReportByBillingProfileAndInvoiceIdAndCustomerId.json",
    ] {
        let file: Value = serde_json::from_str(&fixture_text(example)).unwrap();
        let scope = format!("/{}", file["parameters"]["scope"].as_str().unwrap());
        let fake = fake_with(&scope).await;
        serve_report(&fake, example, &scope).await;
        let flag = if scope.contains("/customers/") {
            "--customer"
        } else {
            "--profile"
        };
        let out = fake.run(&[
            "--as-of", "2026-12-15", "-v", "spend", flag, &scope, "--month", "2026-10",
            "--exact", "--not-covered", "--no-cache", "--json",
        ]);
        assert_eq!(out.code, 0, "{example}: {out}");
        let json = out.json();
        assert_eq!(json["source"], "costDetails");
        // A customer's October is final once November is over; a profile's only once its
        // invoice exists, and this fake has none.
        assert_eq!(json["estimate"], flag == "--profile", "{example}");
        let groups = json["groups"].as_array().unwrap();
        let find = |name: &str| {
            groups
                .iter()
                .find(|g| g["name"] == name)
                .unwrap_or_else(|| panic!("no group {name}: {json}"))
        };
        let machines = find("Virtual Machines");
        assert_eq!(machines["cost"]["value"].to_string(), "19.545376017276512");
        assert!(decimal(&machines["notCovered"]["value"]).is_zero());
        let studio = find("Visual Studio Subscription");
        assert_eq!(studio["notCovered"]["value"].to_string(), "45.00");
        // A Marketplace line has no meter category: its group is "(none)".
        assert_eq!(find("(none)")["notCovered"]["value"].to_string(), "2.96");
        assert_eq!(json["totals"]["cost"]["value"].to_string(), "67.505376017276512");
        assert_eq!(json["totals"]["notCovered"]["value"].to_string(), "47.96");

        let requests = fake.server.received_requests().await.unwrap();
        let post = requests
            .iter()
            .find(|r| r.method.as_str() == "POST")
            .expect("the report was asked for");
        let body: Value = serde_json::from_slice(&post.body).unwrap();
        assert_eq!(
            body,
            json!({"metric": "ActualCost", "timePeriod": {"start": "2026-10-01", "end": "2026-10-31"}})
        );
        assert_eq!(
            post.url.query(),
            Some("api-version=2025-03-01"),
            "{example}"
        );
        let file_request = requests
            .iter()
            .find(|r| r.url.path().starts_with("/armreports/"))
            .expect("the file was fetched");
        assert!(
            file_request.headers.get("authorization").is_none(),
            "the token went to storage"
        );
        // The link's signature is kept on the request, and never shown.
        assert_eq!(file_request.url.query(), Some("sv=2020-05-31&sr=b&sig=abcd"));
        // `-v` shows the file's request, its path only.
        assert!(out.stderr.contains("GET /armreports/"), "{out}");
        assert!(!out.stderr.contains("sig=abcd"), "{out}");
    }
}

/// A report that takes three polls (two 202s, then the official operation result): the
/// Location is asked exactly three times, and the figures are those of the file, once.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_that_takes_three_polls_is_waited_for() {
    let fake = fake_with(PROFILE).await;
    let location = format!(
        "{}{PROFILE}/providers/Microsoft.CostManagement/costDetailsOperationResults/op-1?api-version=2025-03-01",
        fake.uri()
    );
    accepted(&fake, PROFILE, location.as_str(), "0").await;
    let operation = url::Url::parse(&location).unwrap().path().to_string();
    Mock::given(method("GET"))
        .and(path(&operation))
        .respond_with(ResponseTemplate::new(202).insert_header("Retry-After", "0"))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&fake.server)
        .await;
    let result = example_on(
        &fake,
        "azure-examples/Microsoft.CostManagement/2025-03-01/CostDetailsOperationResultsBySubscriptionScope.json",
    )["responses"]["200"]["body"]
        .clone();
    Mock::given(method("GET"))
        .and(path(&operation))
        .respond_with(json_response(&result.to_string()))
        .with_priority(2)
        .expect(1)
        .mount(&fake.server)
        .await;
    let link = result["manifest"]["blobs"][0]["blobLink"].as_str().unwrap();
    serve_file(
        &fake,
        link,
        &report_of_size(&result["manifest"]["blobs"][0]["byteCount"]),
    )
    .await;
    let out = fake.run(&october(&[
        "--by",
        "subscription",
        "--not-covered",
        "--json",
    ]));
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    let groups = json["groups"].as_array().unwrap();
    // A subscription named "Visual Studio ..." holds covered usage: only the line says.
    let named = groups.iter().find(|g| g["key"] == "sub-2").expect("sub-2");
    assert_eq!(named["name"], "Visual Studio Enterprise Subscription");
    assert_eq!(named["cost"]["value"].to_string(), "0.000012345");
    assert!(decimal(&named["notCovered"]["value"]).is_zero());
    let contoso = groups.iter().find(|g| g["key"] == "sub-1").expect("sub-1");
    assert_eq!(contoso["name"], "Contoso, Production");
    assert_eq!(contoso["notCovered"]["value"].to_string(), "47.96");
    fake.server.verify().await;
}

/// The request itself may answer 200 with the result, or 204 (no cost at all).
#[tokio::test(flavor = "multi_thread")]
async fn a_report_may_be_ready_at_once_or_empty() {
    let fake = fake_with(PROFILE).await;
    let link = format!("{}/armreports/now.csv?sig=x", fake.uri());
    Mock::given(method("POST"))
        .and(path(report_path(PROFILE)))
        .respond_with(json_response(
            &json!({"status": "Completed", "manifest": {"dataFormat": "Csv", "compressData": false, "blobs": [{"blobLink": link, "byteCount": REPORT.len()}]}}).to_string(),
        ))
        .mount(&fake.server)
        .await;
    serve_file(&fake, &link, REPORT).await;
    let out = fake.run(&october(&["--json"]));
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        out.json()["totals"]["cost"]["value"].to_string(),
        "67.505376017276512"
    );

    let empty = fake_with(PROFILE).await;
    Mock::given(method("POST"))
        .and(path(report_path(PROFILE)))
        .respond_with(ResponseTemplate::new(204))
        .mount(&empty.server)
        .await;
    let out = empty.run(&october(&[]));
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("No cost in this period."), "{out}");
}

/// An invoiced month is kept: a second run asks Azure for no report, `--no-cache` does.
/// A month without an invoice yet, and the month of the reference day, are never kept.
#[tokio::test(flavor = "multi_thread")]
async fn invoiced_months_are_cached_and_others_are_not() {
    let example = "azure-examples/Microsoft.CostManagement/2025-03-01/GenerateCostDetailsReportByBillingProfileAndInvoiceId.json";
    let invoiced = fake_with_invoices(
        PROFILE,
        &json!({"value": [{"id": format!("{PROFILE}/invoices/G0001"), "name": "G0001", "type": "Microsoft.Billing/billingAccounts/invoices", "properties": {"invoicePeriodStartDate": "2026-10-01", "invoicePeriodEndDate": "2026-10-31", "status": "Due", "billingProfileId": PROFILE}}]}).to_string(),
    )
    .await;
    serve_report(&invoiced, example, PROFILE).await;
    let args = october(&["--json"]);
    let posts = async |fake: &Fake| {
        fake.server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.method.as_str() == "POST")
            .count()
    };
    let first = invoiced.run(&args);
    assert_eq!(first.code, 0, "{first}");
    // One read of the month's invoices serves both the credit applied and whether the
    // month is final.
    let invoice_reads = invoiced
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("/invoices"))
        .count();
    assert_eq!(invoice_reads, 1);
    assert_eq!(
        first.json()["estimate"],
        false,
        "an invoiced month is final"
    );
    assert_eq!(posts(&invoiced).await, 1);
    let second = invoiced.run(&args);
    assert_eq!(second.code, 0, "{second}");
    assert_eq!(
        posts(&invoiced).await,
        1,
        "the cached month was asked again"
    );
    assert_eq!(first.json()["groups"], second.json()["groups"]);
    let mut fresh = args.to_vec();
    fresh.push("--no-cache");
    let third = invoiced.run(&fresh);
    assert_eq!(third.code, 0, "{third}");
    assert_eq!(posts(&invoiced).await, 2, "--no-cache used the cache");
    // The cache holds sums and names, never the token.
    for entry in walk(invoiced.cache.path()) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(!text.contains(CANARY_TOKEN), "{}", entry.display());
    }

    let not_yet = fake_with(PROFILE).await;
    serve_report(&not_yet, example, PROFILE).await;
    assert_eq!(not_yet.run(&args).code, 0);
    assert_eq!(not_yet.run(&args).code, 0);
    assert_eq!(
        posts(&not_yet).await,
        2,
        "a month without its invoice was kept"
    );

    // The month of the reference day: never asked whole, never kept, no invoice read.
    let open = fake_with(PROFILE).await;
    serve_report(&open, example, PROFILE).await;
    let this_month = [
        "--as-of",
        "2026-10-20",
        "spend",
        "--profile",
        PROFILE,
        "--exact",
        "--json",
    ];
    let out = open.run(&this_month);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(out.json()["estimate"], true);
    assert_eq!(open.run(&this_month).code, 0);
    assert_eq!(posts(&open).await, 2);
    let requests = open.server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(
        &requests
            .iter()
            .find(|r| r.method.as_str() == "POST")
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(
        body["timePeriod"],
        json!({"start": "2026-10-01", "end": "2026-10-20"})
    );
    assert!(!requests.iter().any(|r| r.url.path().ends_with("/invoices")));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// A report that goes wrong says so in one line, exit 6, and prints no figures: a Location
/// off the endpoint (the token would follow it), a file link over plain http, a failed
/// report, a wait longer than the time limit (said at once), a broken line.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_that_cannot_be_had_is_one_line_and_exit_6() {
    let mut args = vec!["--timeout", "20"];
    args.extend(october(&["--no-cache"]));
    let answering = async |answer: ResponseTemplate| {
        let fake = fake_with(PROFILE).await;
        Mock::given(method("POST"))
            .and(path(report_path(PROFILE)))
            .respond_with(answer)
            .mount(&fake.server)
            .await;
        fake
    };
    let one_line = |out: &Outcome, says: &str| {
        assert_eq!(out.code, 6, "{out}");
        assert!(out.stdout.is_empty(), "{out}");
        let first = out.stderr.lines().next().unwrap_or_default();
        assert!(first.contains(says), "{says:?} not in:\n{out}");
    };

    // A Location on another origin (here another local server, standing for any other
    // host): never asked, the token never sent there.
    let elsewhere = Fake::start().await;
    let foreign = answering(
        ResponseTemplate::new(202)
            .insert_header(
                "Location",
                format!("{}/op?api-version=2025-03-01", elsewhere.uri()).as_str(),
            )
            .insert_header("Retry-After", "0"),
    )
    .await;
    one_line(&foreign.run(&args), "not the configured endpoint");
    assert_eq!(
        elsewhere.request_count().await,
        0,
        "the Location was followed"
    );

    let plain = answering(json_response(
        &json!({"status": "Completed", "manifest": {"blobs": [{"blobLink": "http://storage.example.com/r.csv?sig=secret"}]}}).to_string(),
    ))
    .await;
    let out = plain.run(&args);
    one_line(&out, "not https");
    assert!(!out.stderr.contains("sig=secret"), "{out}");

    let failed = answering(json_response(
        &json!({"status": "Failed", "error": {"code": "ReportGenerationFailed", "message": "No billing data."}}).to_string(),
    ))
    .await;
    one_line(&failed.run(&args), "No billing data.");

    // The Location is the endpoint's own (the fake's), but the wait is an hour.
    let slow = fake_with(PROFILE).await;
    let slow_location = format!(
        "{}{PROFILE}/providers/Microsoft.CostManagement/costDetailsOperationResults/op-2",
        slow.uri()
    );
    accepted(&slow, PROFILE, slow_location.as_str(), "3600").await;
    let started = std::time::Instant::now();
    let out = slow.run(&args);
    one_line(&out, "Azure is still preparing it");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "waited instead of saying so"
    );
    assert!(out.stderr.contains("--timeout"), "{out}");

    let broken = fake_with(PROFILE).await;
    let link = format!("{}/armreports/broken.csv", broken.uri());
    Mock::given(method("POST"))
        .and(path(report_path(PROFILE)))
        .respond_with(json_response(
            &json!({"status": "Completed", "manifest": {"blobs": [{"blobLink": link}]}})
                .to_string(),
        ))
        .mount(&broken.server)
        .await;
    serve_file(
        &broken,
        &link,
        "date,billingCurrency,costInBillingCurrency,isAzureCreditEligible\n10/01/2026,USD,12.x,True\n",
    )
    .await;
    one_line(&broken.run(&args), "line 2: costInBillingCurrency");
}

/// A file whose download breaks half way (the connection closes before the length it
/// announced) is fetched again from its start: the figures are those of one copy of the
/// file, never one and a half.
#[tokio::test(flavor = "multi_thread")]
async fn a_file_fetched_again_is_counted_once() {
    use std::io::{Read, Write};
    // Storage that breaks the first download after half the file, then serves it whole.
    let storage = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let storage_uri = format!("http://{}", storage.local_addr().unwrap());
    let served = std::thread::spawn(move || {
        let mut connections = 0;
        for stream in storage.incoming().take(2) {
            let mut stream = stream.unwrap();
            connections += 1;
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                REPORT.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            let body = if connections == 1 {
                &REPORT.as_bytes()[..REPORT.len() / 2]
            } else {
                REPORT.as_bytes()
            };
            stream.write_all(body).unwrap();
        }
        connections
    });
    let fake = fake_with(PROFILE).await;
    let link = format!("{storage_uri}/armreports/flaky.csv?sig=x");
    Mock::given(method("POST"))
        .and(path(report_path(PROFILE)))
        .respond_with(json_response(
            &json!({"status": "Completed", "manifest": {"blobs": [{"blobLink": link}]}})
                .to_string(),
        ))
        .mount(&fake.server)
        .await;
    let out = fake.run(&october(&["--no-cache", "--json"]));
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(served.join().unwrap(), 2, "the file was not fetched again");
    assert_eq!(
        out.json()["totals"]["cost"]["value"].to_string(),
        "67.505376017276512"
    );
}

/// A file shorter than its manifest says (cut at a line's end, so it reads as good CSV) is
/// refused, not summed as a smaller month; so is a manifest whose file count disagrees.
#[tokio::test(flavor = "multi_thread")]
async fn a_file_cut_short_or_missing_is_refused() {
    let args = october(&["--no-cache"]);
    let short = fake_with(PROFILE).await;
    let link = format!("{}/armreports/short.csv", short.uri());
    Mock::given(method("POST"))
        .and(path(report_path(PROFILE)))
        .respond_with(json_response(
            &json!({"status": "Completed", "manifest": {"blobCount": 1, "blobs": [{"blobLink": link, "byteCount": REPORT.len() + 500}]}}).to_string(),
        ))
        .mount(&short.server)
        .await;
    serve_file(&short, &link, REPORT).await;
    let out = short.run(&args);
    assert_eq!(out.code, 6, "{out}");
    assert!(out.stderr.contains("ended after"), "{out}");
    assert!(out.stdout.is_empty(), "{out}");

    let missing = fake_with(PROFILE).await;
    Mock::given(method("POST"))
        .and(path(report_path(PROFILE)))
        .respond_with(json_response(
            &json!({"status": "Completed", "manifest": {"blobCount": 2, "blobs": [{"blobLink": format!("{}/armreports/one.csv", missing.uri())}]}}).to_string(),
        ))
        .mount(&missing.server)
        .await;
    let out = missing.run(&args);
    assert_eq!(out.code, 6, "{out}");
    assert!(out.stderr.contains("counts 2 files but links 1"), "{out}");
}

/// The demo prepares reports too (a poll a second later), and line by line they agree with
/// its query to the cent, what credit never covers included; with --exact, --not-covered
/// takes a two-dimension grouping.
#[test]
fn the_demo_reports_agree_with_its_query() {
    let query = on_demo_day(&[
        "spend",
        "-p",
        "Development",
        "--month",
        "2026-11",
        "--not-covered",
        "--json",
    ]);
    let exact = on_demo_day(&[
        "spend",
        "-p",
        "Development",
        "--month",
        "2026-11",
        "--not-covered",
        "--exact",
        "--json",
    ]);
    assert_eq!(query.code, 0, "{query}");
    assert_eq!(exact.code, 0, "{exact}");
    let (query, exact) = (query.json(), exact.json());
    assert_eq!(exact["source"], "costDetails");
    assert_eq!(query["totals"], exact["totals"]);
    assert_eq!(query["groups"], exact["groups"]);
    assert_ne!(
        decimal(&exact["totals"]["notCovered"]["value"]),
        rust_decimal::Decimal::ZERO
    );

    let out = on_demo_day(&[
        "spend",
        "-p",
        "Development",
        "--by",
        "subscription",
        "--not-covered",
    ]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("--exact"), "{out}");
    let out = on_demo_day(&[
        "spend",
        "-p",
        "Development",
        "--by",
        "subscription",
        "--not-covered",
        "--exact",
    ]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("Contoso Production"), "{out}");
    let out = on_demo_day(&["spend", "-p", "Development", "--no-cache"]);
    assert_eq!(out.code, 2, "{out}");
}
