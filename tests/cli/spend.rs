//! `credits spend`: every official Query example read exactly through the binary, the body
//! POSTed again for each page, Cost Management's retry headers, 204, a refused dimension,
//! the window rules, and the demo.

use crate::support::*;
use serde_json::Value;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const ACCOUNT_ID: &str = "/providers/Microsoft.Billing/billingAccounts/12345:6789";

fn scope_of(example: &str) -> String {
    let file: Value = serde_json::from_str(&fixture_text(example)).unwrap();
    format!("/{}", file["parameters"]["scope"].as_str().unwrap())
}

/// An official example's answer without its `nextLink` (it names Azure's own host).
fn answer_of(example: &str) -> Value {
    let mut body: Value = serde_json::from_str(&example_body(example)).unwrap();
    body["properties"]["nextLink"] = Value::Null;
    body
}

fn decimal(text: &str) -> rust_decimal::Decimal {
    rust_decimal::Decimal::from_str_exact(text).unwrap()
}

/// Serves a balance summary at `scope`.
async fn with_balance(fake: &Fake, scope: &str) {
    fake.serve(
        &format!("{scope}/providers/Microsoft.Consumption/credits/balanceSummary"),
        BALANCE,
    )
    .await;
}

const BALANCE: &str = r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":100.00},"currentBalance":{"currency":"USD","value":120.00}},"pendingEligibleCharges":{"currency":"USD","value":-20.00},"pendingCreditAdjustments":{"currency":"USD","value":0.00},"expiredCredit":{"currency":"USD","value":0.00}}}"#;

/// Every official Query example (billing account, profile and customer; with and without
/// days) comes out with each group summed from Azure's exact digits, and the total too.
#[tokio::test(flavor = "multi_thread")]
async fn every_official_query_example_is_read_exactly() {
    for example in [
        "azure-examples/Microsoft.CostManagement/2025-03-01/MCABillingProfileQueryGrouping.json",
        "azure-examples/Microsoft.CostManagement/2025-03-01/MCABillingProfileQuery.json",
        "azure-examples/Microsoft.CostManagement/2025-03-01/MCABillingAccountQueryGrouping.json",
        "azure-examples/Microsoft.CostManagement/2025-03-01/MCABillingAccountQuery.json",
        "azure-examples/Microsoft.CostManagement/2025-03-01/MCACustomerQueryGrouping.json",
        "azure-examples/Microsoft.CostManagement/2025-03-01/MCACustomerQuery.json",
    ] {
        let scope = scope_of(example);
        let answer = answer_of(example);
        let fake = Fake::start().await;
        fake.accounts(&accounts_body(&[(
            "12345:6789",
            "Contoso",
            &[("13579", "Development", "USD")],
        )]))
        .await;
        Mock::given(method("POST"))
            .and(path(format!(
                "{scope}/providers/Microsoft.CostManagement/query"
            )))
            .and(query_param("api-version", "2025-03-01"))
            .respond_with(json_response(&answer.to_string()))
            .expect(1)
            .mount(&fake.server)
            .await;
        with_balance(&fake, &scope).await;
        let flag = if scope.contains("/customers/") {
            "--customer"
        } else if scope.contains("/billingProfiles/") {
            "--profile"
        } else {
            "--account"
        };
        let daily = answer["properties"]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "UsageDate");
        let mut args = vec![
            "--as-of",
            "2026-12-15",
            "spend",
            flag,
            &scope,
            "--by",
            "resource-group",
            "--json",
        ];
        if daily {
            args.extend(["--granularity", "daily"]);
        }
        let out = fake.run(&args);
        assert_eq!(out.code, 0, "{example}: {out}");
        let json = out.json();
        // Each group is the exact sum of its rows.
        let rows = answer["properties"]["rows"].as_array().unwrap();
        let mut expected = std::collections::BTreeMap::new();
        let mut total = rust_decimal::Decimal::ZERO;
        for row in rows {
            let cost = decimal(&row[0].to_string());
            *expected
                .entry(row[1].as_str().unwrap().to_string())
                .or_insert(rust_decimal::Decimal::ZERO) += cost;
            total += cost;
        }
        for group in json["groups"].as_array().unwrap() {
            let name = group["name"].as_str().unwrap();
            assert_eq!(
                decimal(&group["cost"]["value"].to_string()),
                expected[name],
                "{example} {name}"
            );
        }
        assert_eq!(json["groups"].as_array().unwrap().len(), expected.len());
        assert_eq!(
            decimal(&json["totals"]["cost"]["value"].to_string()),
            total,
            "{example}"
        );
        assert_eq!(json["source"], "query");
        assert_eq!(json["estimate"], true);
        if flag == "--account" {
            assert_eq!(json["creditBalance"], Value::Null);
        } else {
            assert_eq!(json["creditBalance"]["value"].to_string(), "100.00");
        }
    }
}

/// The body asked: actual cost over a custom period (TheLastMonth is refused by the
/// service), summed as Cost, grouped as asked; a nextLink is POSTed the same body.
#[tokio::test(flavor = "multi_thread")]
async fn each_page_is_posted_the_same_body() {
    let fake = Fake::start().await;
    let scope = format!("{ACCOUNT_ID}/billingProfiles/13579");
    let query = format!("{scope}/providers/Microsoft.CostManagement/query");
    let body = serde_json::json!({
        "type": "ActualCost",
        "timeframe": "Custom",
        "timePeriod": {"from": "2026-11-01T00:00:00Z", "to": "2026-11-30T23:59:59Z"},
        "dataset": {
            "granularity": "None",
            "aggregation": {"totalCost": {"name": "Cost", "function": "Sum"}},
            "grouping": [{"type": "Dimension", "name": "ServiceName"}]
        }
    });
    let page = |rows: &str, next: Option<String>| {
        format!(
            r#"{{"properties":{{"nextLink":{},"columns":[{{"name":"Cost","type":"Number"}},{{"name":"ServiceName","type":"String"}},{{"name":"Currency","type":"String"}}],"rows":{rows}}}}}"#,
            next.map_or("null".to_string(), |n| format!("{n:?}"))
        )
    };
    Mock::given(method("POST"))
        .and(path(&query))
        .and(query_param("$skiptoken", "2"))
        .and(body_json(&body))
        .respond_with(json_response(&page(
            r#"[[1.2345E-05,"Storage","USD"],[0.10,"Bandwidth","USD"]]"#,
            None,
        )))
        .expect(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("POST"))
        .and(path(&query))
        .and(body_json(&body))
        .respond_with(json_response(&page(
            r#"[[100.005,"Virtual Machines","USD"],[2,"Storage","USD"]]"#,
            Some(format!(
                "{}{query}?api-version=2025-03-01&$skiptoken=2",
                fake.uri()
            )),
        )))
        .expect(1)
        .mount(&fake.server)
        .await;
    // A page asked without the body is refused, as Azure refuses it.
    Mock::given(method("POST"))
        .and(path(&query))
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"error":{"code":"BadRequest","message":"The request body is missing."}}"#,
        ))
        .mount(&fake.server)
        .await;
    with_balance(&fake, &scope).await;
    fake.serve(&format!("{scope}/invoices"), r#"{"value": []}"#)
        .await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-15",
        "spend",
        "--profile",
        &scope,
        "--month",
        "2026-11",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    let groups: Vec<(String, String)> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().to_string(),
                g["cost"]["value"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("Virtual Machines".to_string(), "100.005".to_string()),
            ("Storage".to_string(), "2.000012345".to_string()),
            ("Bandwidth".to_string(), "0.10".to_string()),
        ]
    );
    assert_eq!(json["totals"]["cost"]["value"].to_string(), "102.105012345");
}

/// 429 with Cost Management's own retry headers: the longest wait is honoured, and a wait
/// longer than --timeout allows ends at once with exit 6. A 204 is no cost; a refused
/// dimension is Azure's 400, said in one line.
#[tokio::test(flavor = "multi_thread")]
async fn throttling_no_cost_and_a_refused_dimension() {
    let scope = format!("{ACCOUNT_ID}/billingProfiles/13579");
    let query = format!("{scope}/providers/Microsoft.CostManagement/query");
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(path(&query))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header(
                    "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after",
                    "1",
                )
                .insert_header(
                    "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after",
                    "3600",
                )
                .set_body_string(r#"{"error":{"code":"429","message":"Too many requests."}}"#),
        )
        .mount(&fake.server)
        .await;
    with_balance(&fake, &scope).await;
    let started = std::time::Instant::now();
    let out = fake.run(&["--timeout", "20", "spend", "--profile", &scope]);
    assert_eq!(out.code, 6, "{out}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "waited instead of saying so"
    );
    assert!(out.stderr.contains("try again after"), "{out}");

    let none = Fake::start().await;
    Mock::given(method("POST"))
        .and(path(&query))
        .respond_with(ResponseTemplate::new(204))
        .mount(&none.server)
        .await;
    with_balance(&none, &scope).await;
    let out = none.run(&["spend", "--profile", &scope]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("No cost in this period."), "{out}");

    let refused = Fake::start().await;
    Mock::given(method("POST"))
        .and(path(&query))
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"error":{"code":"BadRequest","message":"Invalid dimension name 'InvoiceSectionName'."}}"#,
        ))
        .mount(&refused.server)
        .await;
    with_balance(&refused, &scope).await;
    let out = refused.run(&["spend", "--profile", &scope, "--by", "invoice-section"]);
    assert_ne!(out.code, 0, "{out}");
    assert!(out.stderr.contains("Invalid dimension name"), "{out}");
    assert!(out.stdout.is_empty(), "{out}");
}

/// Each of Cost Management's four retry headers is read on its own: a 429 naming only one
/// of them, with an hour's wait, ends the run at once (exit 6) saying how long Azure asked.
#[tokio::test(flavor = "multi_thread")]
async fn each_cost_management_retry_header_is_heard() {
    let scope = format!("{ACCOUNT_ID}/billingProfiles/13579");
    for quota in ["qpu", "entity", "tenant", "client"] {
        let fake = Fake::start().await;
        Mock::given(method("POST"))
            .and(path(format!(
                "{scope}/providers/Microsoft.CostManagement/query"
            )))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header(
                        format!("x-ms-ratelimit-microsoft.costmanagement-{quota}-retry-after")
                            .as_str(),
                        "3600",
                    )
                    .set_body_string(r#"{"error":{"code":"429","message":"Too many requests."}}"#),
            )
            .expect(1)
            .mount(&fake.server)
            .await;
        with_balance(&fake, &scope).await;
        let out = fake.run(&["--timeout", "20", "spend", "--profile", &scope]);
        assert_eq!(out.code, 6, "{quota}: {out}");
        assert!(
            out.stderr.contains("Azure asked to wait 3600 s"),
            "{quota}: {out}"
        );
        fake.server.verify().await;
    }
}

/// The window: at most 366 days, not older than 13 months, not after the reference day, a
/// month that has begun; bad --by, --top and --granularity: exit 2, one line, no request.
#[tokio::test(flavor = "multi_thread")]
async fn bad_windows_and_flags_are_refused_before_any_request() {
    let fake = Fake::start().await;
    for (args, says) in [
        (
            vec!["--from", "2025-01-01", "--to", "2026-02-01"],
            "at most 366 days",
        ),
        (
            vec!["--from", "2025-10-01", "--to", "2025-10-31"],
            "more than 13 months",
        ),
        (vec!["--to", "2026-12-20"], "after the reference day"),
        (vec!["--month", "2027-01"], "has not begun"),
        (vec!["--month", "2026-13"], "is not a month"),
        (vec!["--by", "colour"], "is not a grouping"),
        (vec!["--by", "subscription,service"], "at most two"),
        (vec!["--top", "0"], "is not a count"),
        (vec!["--granularity", "hourly"], "none or daily"),
    ] {
        let mut argv = vec!["--as-of", "2026-12-15", "spend", "--profile", "Development"];
        argv.extend(args);
        let out = fake.run(&argv);
        assert_eq!(out.code, 2, "{says}: {out}");
        assert!(out.stderr.contains(says), "{says}: {out}");
        assert_eq!(out.stderr.lines().count(), 1, "{out}");
    }
    assert_eq!(fake.request_count().await, 0);
}

/// The demo: this month's settled and pending charges spread over services, with the
/// Marketplace product credit does not pay for; a closed month shows the credit its invoice
/// applied; --top sums the rest; daily figures; every format; --all is an array.
#[test]
fn the_demo_spend_follows_the_ledger() {
    let demo = on_demo_day;
    let out = demo(&["spend", "--profile", "Development", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    // 2026-12-01: the pending charges of the day (217.36), 2.96 of Marketplace and the
    // month's Visual Studio subscription (45.00); the settlement of that day bills November.
    assert_eq!(json["totals"]["cost"]["value"].to_string(), "265.32");
    assert_eq!(json["creditBalance"]["value"].to_string(), "2927.77");
    assert_eq!(
        json["creditApplied"],
        Value::Null,
        "an open month has no invoice"
    );
    let closed = demo(&[
        "spend",
        "--profile",
        "Development",
        "--month",
        "2026-10",
        "--top",
        "2",
        "--json",
    ]);
    assert_eq!(closed.code, 0, "{closed}");
    let json = closed.json();
    // October's usage is what October's invoice settled (302.15, the credit it applied),
    // 31 days of the Marketplace product and the month's Visual Studio subscription.
    assert_eq!(json["creditApplied"]["value"].to_string(), "302.15");
    assert_eq!(json["totals"]["cost"]["value"].to_string(), "438.91");
    let groups = json["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3);
    assert_eq!(groups[2]["key"], "other");
    let daily = demo(&[
        "spend",
        "--profile",
        "Development",
        "--from",
        "2026-11-28",
        "--granularity",
        "daily",
        "--json",
    ]);
    assert_eq!(daily.code, 0, "{daily}");
    let firewall = daily.json()["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "Contoso Firewall (Azure Marketplace)")
        .cloned()
        .expect("the Marketplace line");
    assert_eq!(firewall["daily"].as_array().unwrap().len(), 4);
    let all = demo(&["spend", "--all", "--json"]);
    assert_eq!(all.code, 0, "{all}");
    assert!(all.json().is_array());
    let metrics = demo(&["-o", "openmetrics", "spend", "--profile", "Development"]);
    assert!(metrics.stdout.contains("credits_spend_cost{"), "{metrics}");
    insta::assert_snapshot!(
        demo(&["spend", "--profile", "Development", "--month", "2026-10"]).to_string()
    );
    insta::assert_snapshot!(demo(&[
        "-o",
        "csv",
        "spend",
        "--profile",
        "Development",
        "--by",
        "subscription"
    ])
    .to_string());
}

/// `--not-covered`: the Marketplace product (its publisher) and the Visual Studio
/// subscription (Microsoft's list) are what credit never covers; the gate fails above the
/// amount; a grouping that already takes two dimensions is refused.
#[test]
fn what_credit_never_covers_is_marked_and_gated() {
    let demo = on_demo_day;
    let out = demo(&[
        "spend",
        "-p",
        "Development",
        "--month",
        "2026-10",
        "--not-covered",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    // 31 x 2.96 of Marketplace, and 45.00 of Visual Studio Enterprise (Monthly).
    assert_eq!(json["totals"]["notCovered"]["value"].to_string(), "136.76");
    for group in json["groups"].as_array().unwrap() {
        let part = group["notCovered"]["value"].to_string();
        match group["name"].as_str().unwrap() {
            "Contoso Firewall (Azure Marketplace)" => assert_eq!(part, "91.76"),
            "Visual Studio Enterprise (Monthly)" => assert_eq!(part, "45.00"),
            _ => assert_eq!(part, "0.00"),
        }
    }
    let over = demo(&[
        "-o",
        "none",
        "spend",
        "-p",
        "Development",
        "--month",
        "2026-10",
        "--max-not-covered",
        "100USD",
    ]);
    assert_eq!(over.code, 1, "{over}");
    assert!(
        over.stderr
            .contains("136.76 USD of the costs is not covered by credit, more than 100 USD"),
        "{over}"
    );
    let under = demo(&[
        "-o",
        "none",
        "spend",
        "-p",
        "Development",
        "--month",
        "2026-10",
        "--max-not-covered",
        "200",
    ]);
    assert_eq!(under.code, 0, "{under}");
    let refused = demo(&[
        "spend",
        "-p",
        "Development",
        "--by",
        "subscription",
        "--not-covered",
    ]);
    assert_eq!(refused.code, 2, "{refused}");
    assert!(refused.stderr.contains("takes two already"), "{refused}");
    insta::assert_snapshot!(demo(&[
        "spend",
        "-p",
        "Development",
        "--month",
        "2026-10",
        "--not-covered"
    ])
    .to_string());
}

/// `report --spend` adds "Where the credit went" (this month's five costliest services and
/// what credit never covers, in the JSON as `spent`); without it, no Cost Management request.
#[test]
fn report_spend_adds_where_the_credit_went_and_nothing_without_it() {
    let demo = |args: &[&str]| {
        let mut argv = vec!["--demo", "--as-of", "2026-12-01", "-v"];
        argv.extend_from_slice(args);
        run(credits_command(&argv))
    };
    let plain = demo(&["report", "-p", "Development"]);
    assert_eq!(plain.code, 0, "{plain}");
    assert!(
        !plain.stderr.contains("Microsoft.CostManagement"),
        "{plain}"
    );
    assert!(!plain.stdout.contains("Where the credit went"), "{plain}");
    let with = demo(&["report", "-p", "Development", "--spend"]);
    assert_eq!(with.code, 0, "{with}");
    assert!(with.stdout.contains("## Where the credit went"), "{with}");
    assert!(
        with.stdout.contains(
            "| Development | Total                              | 265.32 USD |   47.96 USD |"
        ),
        "{with}"
    );
    // One query (its second page is the same query's).
    let queries = with
        .stderr
        .lines()
        .filter(|l| l.starts_with("POST ") && !l.contains("skiptoken"))
        .count();
    assert_eq!(queries, 1, "{with}");
    let json = demo(&["report", "-p", "Development", "--spend", "--json"]).json();
    let spend = &json["spent"][0]["spend"][0];
    assert_eq!(spend["cost"]["value"].to_string(), "265.32");
    assert_eq!(spend["notCovered"]["value"].to_string(), "47.96");
    assert_eq!(
        spend["groups"].as_array().unwrap().len(),
        6,
        "five and the rest"
    );
}

/// A cloud without Cost Management: one line naming it, exit 6, no retries.
#[tokio::test(flavor = "multi_thread")]
async fn a_cloud_without_cost_management_is_one_line() {
    let scope = format!("{ACCOUNT_ID}/billingProfiles/13579");
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{scope}/providers/Microsoft.CostManagement/query")))
        .respond_with(ResponseTemplate::new(404).set_body_string(
            r#"{"error":{"code":"NoRegisteredProviderFound","message":"No registered resource provider found for location 'usgovvirginia' and API version '2025-03-01' for type 'query'."}}"#,
        ))
        .expect(1)
        .mount(&fake.server)
        .await;
    with_balance(&fake, &scope).await;
    let out = fake.run(&["spend", "--profile", &scope]);
    assert_eq!(out.code, 6, "{out}");
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    assert!(
        out.stderr
            .contains("Cost Management is not offered at this Resource Manager endpoint"),
        "{out}"
    );
}

/// A grouping the scope does not have: its dimensions are asked for, and the message names
/// the `--by` values it does have (exit 2: the user fixes it by choosing another).
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_grouping_names_the_groupings_the_scope_has() {
    let scope = format!("{ACCOUNT_ID}/billingProfiles/13579");
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{scope}/providers/Microsoft.CostManagement/query")))
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"error":{"code":"BadRequest","message":"Invalid dimension name 'InvoiceSectionName'."}}"#,
        ))
        .mount(&fake.server)
        .await;
    fake.serve(
        &format!("{scope}/providers/Microsoft.CostManagement/dimensions"),
        r#"{"value":[
            {"name":"ServiceName","properties":{"groupingEnabled":true}},
            {"name":"ResourceGroup","properties":{"groupingEnabled":true}},
            {"name":"ResourceLocation","properties":{"groupingEnabled":true}},
            {"name":"Meter","properties":{"groupingEnabled":false}}
        ]}"#,
    )
    .await;
    with_balance(&fake, &scope).await;
    let out = fake.run(&["spend", "--profile", &scope, "--by", "invoice-section"]);
    assert_eq!(out.code, 2, "{out}");
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    assert!(
        out.stderr.contains("by InvoiceSectionName (not a dimension of this scope); --by takes here: service, resource-group, location"),
        "{out}"
    );
}

/// Each query names itself (`ClientType: credits/<version>`), and `-v` shows the query
/// budget Cost Management reports.
#[tokio::test(flavor = "multi_thread")]
async fn queries_name_themselves_and_verbose_shows_the_budget() {
    let scope = format!("{ACCOUNT_ID}/billingProfiles/13579");
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{scope}/providers/Microsoft.CostManagement/query")))
        .and(wiremock::matchers::header(
            "ClientType",
            concat!("credits/", env!("CARGO_PKG_VERSION")),
        ))
        .respond_with(
            json_response(&answer_of(
                "azure-examples/Microsoft.CostManagement/2025-03-01/MCABillingProfileQueryGrouping.json",
            ).to_string())
            .insert_header(
                "x-ms-ratelimit-microsoft.costmanagement-qpu-remaining",
                "QueriesPerHour:597,QueriesPerMin:57,QueriesPer10Sec:9",
            ),
        )
        .expect(1)
        .mount(&fake.server)
        .await;
    with_balance(&fake, &scope).await;
    let out = fake.run(&["-v", "spend", "--profile", &scope, "--by", "resource-group"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stderr
            .contains("cost-queries-left: QueriesPerHour:597,QueriesPerMin:57,QueriesPer10Sec:9"),
        "{out}"
    );
    assert!(out.stderr.contains("POST /providers/"), "{out}");
}
