//! `credits invoices`: every official invoice and transaction-summary example read exactly
//! through the binary, the 2020-05-01 fallback, the window, the ledger join and its gate,
//! `--max-due`, the scopes it takes, and hostile answers.

use crate::support::*;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const ACCOUNT_ID: &str = "/providers/Microsoft.Billing/billingAccounts/1234:5678";

fn invoices_path() -> String {
    format!("{}/invoices", profile_id(ACCOUNT, DEV_PROFILE))
}

/// An official example's body with its placeholder account and profile made this fake's.
fn example_here(relative: &str) -> String {
    example_body(relative)
        .replace(
            "00000000-0000-0000-0000-000000000000:00000000-0000-0000-0000-000000000000_2019-05-31",
            ACCOUNT,
        )
        .replace("{billingAccountName}", ACCOUNT)
        .replace("xxxx-xxxx-xxx-xxx", DEV_PROFILE)
        .replace("{billingProfileName}", DEV_PROFILE)
}

async fn development_with_invoices(body: &str) -> Fake {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    fake.serve(&invoices_path(), body).await;
    fake
}

/// Every amount of every official invoice list example comes out with Azure's digits, each
/// in its own field, and the documents are newest first.
#[tokio::test(flavor = "multi_thread")]
async fn every_official_invoice_example_is_read_exactly() {
    for example in [
        "azure-examples/Microsoft.Billing/2024-04-01/invoicesListByBillingProfile.json",
        "azure-examples/Microsoft.Billing/2020-05-01/InvoicesListByBillingProfile.json",
        "azure-examples/Microsoft.Billing/2020-05-01/InvoicesListByBillingProfileWithRebillDetails.json",
    ] {
        let body = example_here(example);
        let fake = development_with_invoices(&body).await;
        let out = fake.run(&[
            "invoices", "-p", "Development", "--from", "2018-01", "--to", "2023-06", "--json",
        ]);
        assert_eq!(out.code, 0, "{example}: {out}");
        let json = out.json();
        let source: Value = serde_json::from_str(&body).unwrap();
        let listed = json["invoices"].as_array().unwrap();
        assert_eq!(listed.len(), source["value"].as_array().unwrap().len(), "{example}");
        for invoice in source["value"].as_array().unwrap() {
            let shown = listed
                .iter()
                .find(|i| i["name"] == invoice["name"])
                .unwrap_or_else(|| panic!("{example}: {} is listed", invoice["name"]));
            for field in [
                "billedAmount",
                "azurePrepaymentApplied",
                "freeAzureCreditApplied",
                "creditAmount",
                "subTotal",
                "taxAmount",
                "totalAmount",
                "amountDue",
            ] {
                assert_eq!(
                    shown[field]["value"], invoice["properties"][field]["value"],
                    "{example} {} {field}",
                    invoice["name"]
                );
            }
        }
        // Newest period first.
        let starts: Vec<&str> = listed
            .iter()
            .map(|i| i["invoicePeriodStartDate"].as_str().unwrap())
            .collect();
        let mut sorted = starts.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(starts, sorted, "{example}");
        insta::assert_snapshot!(
            format!("official_{}", example.rsplit('/').next().unwrap()),
            fake.run(&["invoices", "-p", "Development", "--from", "2018-01", "--to", "2023-06"])
                .to_string()
        );
    }
}

/// The official single-invoice example (`invoicesGetByBillingAccount`), served as the one
/// record of a list, comes out with every amount as Azure wrote it.
#[tokio::test(flavor = "multi_thread")]
async fn the_official_single_invoice_example_is_read_exactly() {
    let single: Value = serde_json::from_str(&example_here(
        "azure-examples/Microsoft.Billing/2024-04-01/invoicesGetByBillingAccount.json",
    ))
    .unwrap();
    let fake = development_with_invoices(&json!({"value": [single.clone()]}).to_string()).await;
    let out = fake.run(&[
        "invoices",
        "-p",
        "Development",
        "--from",
        "2023-02",
        "--to",
        "2023-02",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let shown = &out.json()["invoices"][0];
    for field in [
        "billedAmount",
        "azurePrepaymentApplied",
        "totalAmount",
        "amountDue",
        "taxAmount",
    ] {
        assert_eq!(
            shown[field]["value"], single["properties"][field]["value"],
            "{field}"
        );
    }
    assert_eq!(shown["kind"], "rebill");
    assert_eq!(
        shown["rebillOf"],
        single["properties"]["rebillDetails"]["invoiceDocumentId"]
    );
}

/// A rebill replaces what it names: the invoice it replaced is listed, marked and left out
/// of the totals; the rebill counts.
#[tokio::test(flavor = "multi_thread")]
async fn a_replaced_invoice_is_marked_and_left_out_of_the_totals() {
    let mut source: Value = serde_json::from_str(&example_here(
        "azure-examples/Microsoft.Billing/2020-05-01/InvoicesListByBillingProfileWithRebillDetails.json",
    ))
    .unwrap();
    // The second invoice becomes the one the first replaced.
    let replaced = source["value"][0]["properties"]["rebillDetails"]["invoiceDocumentId"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    source["value"][1]["name"] = json!(replaced);
    let fake = development_with_invoices(&source.to_string()).await;
    let out = fake.run(&[
        "invoices",
        "-p",
        "Development",
        "--from",
        "2018-01",
        "--to",
        "2018-06",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    let kinds: Vec<(&str, &str, bool)> = json["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap(),
                i["kind"].as_str().unwrap(),
                i["countedInTotals"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(kinds.contains(&("I000003", "rebill", true)), "{kinds:?}");
    assert!(
        kinds.contains(&(replaced.as_str(), "replaced", false)),
        "{kinds:?}"
    );
    assert_eq!(json["totals"][0]["invoices"], 1);
    assert_eq!(json["totals"][0]["totalAmount"]["value"], exact("7.53"));
}

/// An account or cloud without 2024-04-01 is asked once more in 2020-05-01, which has no
/// transaction summaries: `--summary` then gives nulls and one note.
#[tokio::test(flavor = "multi_thread")]
async fn no_such_api_version_falls_back_to_2020_05_01_once() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    Mock::given(method("GET"))
        .and(path(invoices_path()))
        .and(query_param("api-version", "2024-04-01"))
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"error":{"code":"InvalidApiVersionParameter","message":"The api-version '2024-04-01' is invalid."}}"#,
        ))
        .expect(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(invoices_path()))
        .and(query_param("api-version", "2020-05-01"))
        .and(query_param("periodStartDate", "2018-01-01"))
        .and(query_param("periodEndDate", "2018-06-30"))
        .respond_with(json_response(&example_here(
            "azure-examples/Microsoft.Billing/2020-05-01/InvoicesListByBillingProfile.json",
        )))
        .expect(1)
        .mount(&fake.server)
        .await;
    let out = fake.run(&[
        "invoices",
        "-p",
        "Development",
        "--from",
        "2018-01",
        "--to",
        "2018-06",
        "--summary",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json["invoices"].as_array().unwrap().len(), 2);
    assert_eq!(json["invoices"][0]["transactionSummary"], Value::Null);
    assert!(
        out.stderr
            .contains("2020-05-01, which has no transaction summaries"),
        "{out}"
    );
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
}

/// `--summary` reads each invoice's transaction summary: bare numbers become amounts in its
/// billing currency, digits kept.
#[tokio::test(flavor = "multi_thread")]
async fn the_official_transaction_summary_is_read_exactly() {
    let fake = development_with_invoices(&example_here(
        "azure-examples/Microsoft.Billing/2024-04-01/invoicesListByBillingProfile.json",
    ))
    .await;
    let summary = example_body(
        "azure-examples/Microsoft.Billing/2024-04-01/transactionSummaryGetByInvoice.json",
    );
    for name in ["G123456789", "G987654321"] {
        fake.serve(
            &format!("{ACCOUNT_ID}/invoices/{name}/transactionSummary"),
            &summary,
        )
        .await;
    }
    let out = fake.run(&[
        "invoices",
        "-p",
        "Development",
        "--from",
        "2023-01",
        "--to",
        "2023-06",
        "--summary",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    let summary = &json["invoices"][0]["transactionSummary"];
    assert_eq!(
        summary["azureCreditApplied"],
        exact(r#"{"value": 100.0, "currency": "USD"}"#)
    );
    assert_eq!(
        summary["consumptionCommitmentDecremented"]["value"],
        exact("1000.0")
    );
    assert_eq!(summary["tax"]["value"], exact("500.0"));
    assert_eq!(summary["total"]["value"], exact("5400.0"));
}

/// The window names months: sent as ISO days, the default the 12 periods before the month
/// of `--as-of`; `--to` before `--from` and a bad month are exit 2 before any request.
#[tokio::test(flavor = "multi_thread")]
async fn the_window_is_twelve_billing_periods_and_bad_months_are_refused_first() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    Mock::given(method("GET"))
        .and(path(invoices_path()))
        .and(query_param("api-version", "2024-04-01"))
        .and(query_param("periodStartDate", "2025-12-01"))
        .and(query_param("periodEndDate", "2026-11-30"))
        .respond_with(json_response(r#"{"value": []}"#))
        .expect(1)
        .mount(&fake.server)
        .await;
    let out = fake.run(&["--as-of", "2026-12-15", "invoices", "-p", "Development"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stdout.contains("billing periods 2025-12 to 2026-11"),
        "{out}"
    );
    assert!(
        out.stdout.contains("No invoices in these billing periods."),
        "{out}"
    );
    let requests = fake.request_count().await;
    for (args, says) in [
        (
            vec!["--from", "2026-05", "--to", "2026-03"],
            "--from 2026-05 is after --to 2026-03",
        ),
        (
            vec!["--from", "2026-13"],
            "--from \"2026-13\" is not a month",
        ),
        (
            vec!["--to", "2026-01-31"],
            "--to \"2026-01-31\" is not a month",
        ),
    ] {
        let mut argv = vec!["invoices", "-p", "Development"];
        argv.extend(args);
        let out = fake.run(&argv);
        assert_eq!(out.code, 2, "{out}");
        assert!(out.stderr.contains(says), "{says}: {out}");
        assert_eq!(out.stderr.lines().count(), 1, "{out}");
    }
    assert_eq!(
        fake.request_count().await,
        requests,
        "no request for bad input"
    );
}

/// A partner's customer has no invoices: exit 2 naming the scopes the command takes.
#[test]
fn a_customer_is_refused_naming_the_scopes_invoices_take() {
    let out = run(credits_command(&[
        "--demo",
        "invoices",
        "--customer",
        "Northwind Traders",
    ]));
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains("--profile, --all or --account"),
        "{out}"
    );
}

/// An invoice of another billing profile (by its `billingProfileId`) or an id of another
/// account is never shown as this profile's.
#[tokio::test(flavor = "multi_thread")]
async fn an_invoice_of_another_profile_or_account_is_refused() {
    let body = example_here(
        "azure-examples/Microsoft.Billing/2024-04-01/invoicesListByBillingProfile.json",
    );
    for (from, to, says) in [
        (
            format!("billingProfiles/{DEV_PROFILE}\""),
            "billingProfiles/9999\"".to_string(),
            "another billing profile",
        ),
        (
            format!("billingAccounts/{ACCOUNT}/invoices"),
            "billingAccounts/9999:9999/invoices".to_string(),
            "another billing account",
        ),
        (
            "\"Microsoft.Billing/billingAccounts/invoices\"".to_string(),
            "\"Microsoft.Consumption/lots\"".to_string(),
            "where Microsoft.Billing/billingAccounts/invoices was asked for",
        ),
    ] {
        let fake = development_with_invoices(&body.replacen(&from, &to, 1)).await;
        let out = fake.run(&[
            "invoices",
            "-p",
            "Development",
            "--from",
            "2023-01",
            "--to",
            "2023-06",
        ]);
        assert_eq!(out.code, 6, "{out}");
        assert!(out.stderr.contains(says), "{says}: {out}");
        assert!(out.stdout.is_empty(), "{out}");
    }
}

/// A 403 on invoices names the roles that can read invoices.
#[tokio::test(flavor = "multi_thread")]
async fn forbidden_invoices_name_the_roles_that_read_them() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    Mock::given(method("GET"))
        .and(path(invoices_path()))
        .respond_with(ResponseTemplate::new(403).set_body_string(
            r#"{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization."}}"#,
        ))
        .mount(&fake.server)
        .await;
    let out = fake.run(&["invoices", "-p", "Development"]);
    assert_eq!(out.code, 4, "{out}");
    assert!(
        out.stderr
            .contains("reading invoices needs one of these roles: billing profile owner, contributor, reader or invoice manager"),
        "{out}"
    );
}

fn invoice(
    name: &str,
    period: &str,
    billed: &str,
    credit: &str,
    tax: &str,
    total: &str,
    due: &str,
) -> Value {
    let money =
        |v: &str| json!({"currency": "USD", "value": v.parse::<serde_json::Number>().unwrap()});
    json!({
        "id": format!("{ACCOUNT_ID}/invoices/{name}"),
        "name": name,
        "type": "Microsoft.Billing/billingAccounts/invoices",
        "properties": {
            "billingProfileId": profile_id(ACCOUNT, DEV_PROFILE),
            "documentType": "Invoice",
            "status": "Due",
            "invoicePeriodStartDate": format!("{period}-01T00:00:00Z"),
            "invoiceDate": format!("{period}-28T00:00:00Z"),
            "billedAmount": money(billed),
            "freeAzureCreditApplied": money(credit),
            "azurePrepaymentApplied": money("0.00"),
            "creditAmount": money("0.00"),
            "subTotal": money(billed),
            "taxAmount": money(tax),
            "totalAmount": money(total),
            "amountDue": money(due)
        }
    })
}

fn settled(name: &str, day: &str, charges: &str, closed: &str) -> Value {
    let money =
        |v: &str| json!({"currency": "USD", "value": v.parse::<serde_json::Number>().unwrap()});
    json!({
        "id": format!("{}/providers/Microsoft.Consumption/events/{name}-{day}", profile_id(ACCOUNT, DEV_PROFILE)),
        "name": format!("{name}-{day}"),
        "type": "Microsoft.Consumption/events",
        "properties": {
            "transactionDate": format!("{day}T00:00:00Z"),
            "eventType": "SettledCharges",
            "invoiceNumber": name,
            "charges": money(charges),
            "closedBalance": money(closed)
        }
    })
}

/// `--events` joins each invoice's settled charges; `chargedWithCreditLeft` is total minus
/// tax while credit was left (zero when the ledger closed at zero, null without a settled
/// event); the gate fails on the first, and cannot check the last.
#[tokio::test(flavor = "multi_thread")]
async fn charges_billed_while_credit_was_left_fail_the_gate() {
    let invoices = json!({"value": [
        invoice("G1", "2026-10", "445.58", "356.78", "7.10", "95.90", "95.90"),
        invoice("G2", "2026-09", "300.00", "250.00", "4.00", "54.00", "0.00"),
    ]});
    let fake = development_with_invoices(&invoices.to_string()).await;
    let events = json!({"value": [
        settled("G1", "2026-11-01", "-356.78", "1200.00"),
        settled("G2", "2026-10-01", "-250.00", "0.00"),
    ]});
    Mock::given(method("GET"))
        .and(path(consumption_path(
            &profile_id(ACCOUNT, DEV_PROFILE),
            "events",
        )))
        .and(query_param("startDate", "2025-12-01"))
        .and(query_param("endDate", "2026-12-01"))
        .respond_with(json_response(&events.to_string()))
        .mount(&fake.server)
        .await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "invoices",
        "-p",
        "Development",
        "--events",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(
        json["invoices"][0]["settledCharges"],
        exact(r#"{"value": -356.78, "currency": "USD"}"#)
    );
    assert_eq!(
        json["invoices"][0]["chargedWithCreditLeft"],
        exact(r#"{"value": 88.80, "currency": "USD"}"#)
    );
    assert_eq!(
        json["invoices"][1]["chargedWithCreditLeft"]["value"],
        exact("0.00")
    );
    assert_eq!(
        json["totals"][0]["chargedWithCreditLeft"]["value"],
        exact("88.80")
    );
    assert_eq!(json["totals"][0]["creditApplied"]["value"], exact("606.78"));

    let gate = fake.run(&[
        "--as-of",
        "2026-12-01",
        "-o",
        "none",
        "invoices",
        "-p",
        "Development",
        "--fail-if-charged-with-credit",
    ]);
    assert_eq!(gate.code, 1, "{gate}");
    assert!(
        gate.stderr.contains(
            "invoice G1 charged 88.80 USD to another payment method while credit was left"
        ),
        "{gate}"
    );
    let due = fake.run(&[
        "--as-of",
        "2026-12-01",
        "-o",
        "none",
        "invoices",
        "-p",
        "Development",
        "--max-due",
        "50",
    ]);
    assert_eq!(due.code, 1, "{due}");
    assert!(
        due.stderr
            .contains("invoice G1 is due 95.90 USD, more than 50 USD"),
        "{due}"
    );
    let other_currency = fake.run(&[
        "--as-of",
        "2026-12-01",
        "-o",
        "none",
        "invoices",
        "-p",
        "Development",
        "--max-due",
        "50EUR",
    ]);
    assert_eq!(other_currency.code, 2, "{other_currency}");
    let fine = fake.run(&[
        "--as-of",
        "2026-12-01",
        "-o",
        "none",
        "invoices",
        "-p",
        "Development",
        "--max-due",
        "100USD",
    ]);
    assert_eq!(fine.code, 0, "{fine}");
}

/// An invoice no settled transaction names cannot be judged by the gate: "could not
/// check" (6), never "all clear".
#[tokio::test(flavor = "multi_thread")]
async fn an_invoice_without_a_settled_transaction_cannot_pass_the_gate() {
    let invoices =
        json!({"value": [invoice("G7", "2026-10", "20.00", "0.00", "0.00", "20.00", "20.00")]});
    let fake = development_with_invoices(&invoices.to_string()).await;
    fake.serve(
        &consumption_path(&profile_id(ACCOUNT, DEV_PROFILE), "events"),
        r#"{"value": []}"#,
    )
    .await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "invoices",
        "-p",
        "Development",
        "--fail-if-charged-with-credit",
        "--json",
    ]);
    assert_eq!(out.code, 6, "{out}");
    assert_eq!(
        out.json()["invoices"][0]["chargedWithCreditLeft"],
        Value::Null
    );
    assert!(
        out.stderr
            .contains("no settled credit transaction tells whether invoice G7"),
        "{out}"
    );
}

/// The demo: 12 invoices per profile consistent with the ledger, one with Marketplace
/// charges billed while credit was left, a credit note out of the totals; OpenMetrics
/// gauges for the newest invoice.
#[test]
fn the_demo_invoices_agree_with_the_ledger() {
    let demo = on_demo_day;
    let out = demo(&[
        "invoices",
        "-p",
        "Development",
        "--events",
        "--summary",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    let invoices = json["invoices"].as_array().unwrap();
    let counted: Vec<&Value> = invoices
        .iter()
        .filter(|i| i["countedInTotals"] == true)
        .collect();
    assert_eq!(counted.len(), 12);
    for invoice in &counted {
        // Credit applied equals the settled charges billed on it, and the summary agrees.
        let credit = invoice["creditApplied"]["value"].to_string();
        let settled = invoice["settledCharges"]["value"].to_string();
        assert_eq!(format!("-{credit}"), settled, "{invoice}");
        assert_eq!(
            invoice["transactionSummary"]["azureCreditApplied"]["value"].to_string(),
            credit
        );
    }
    let charged: Vec<&str> = counted
        .iter()
        .filter(|i| {
            let charged = i["chargedWithCreditLeft"]["value"].to_string();
            charged != "0.00"
        })
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(charged, ["G040230313"]);
    assert!(invoices
        .iter()
        .any(|i| i["kind"] == "creditNote" && i["countedInTotals"] == false));
    assert_eq!(
        json["totals"][0]["chargedWithCreditLeft"],
        exact(r#"{"value": 88.80, "currency": "USD"}"#)
    );
    let gate = demo(&[
        "-o",
        "none",
        "invoices",
        "-p",
        "Development",
        "--fail-if-charged-with-credit",
    ]);
    assert_eq!(gate.code, 1, "{gate}");
    let metrics = demo(&["-o", "openmetrics", "invoices", "--all"]);
    assert_eq!(metrics.code, 0, "{metrics}");
    assert!(
        metrics.stdout.contains(
            "credits_invoice_credit_applied{billing_profile_id=\"/providers/Microsoft.Billing/billingAccounts/8608480f-dc73-4f2c-a7b2-7b6a0e3b9c51:4f0b2e6a-8e1d-4c53-9a9f-2d5c6f7e8a90_2019-05-31/billingProfiles/DEV1-A2B3-C4D-E5F\",profile=\"Development\",invoice=\"G040338813\",currency=\"USD\"} 237.82"
        ),
        "{metrics}"
    );
    assert!(metrics.stdout.ends_with("# EOF\n"), "{metrics}");
    let csv = demo(&[
        "-o",
        "csv",
        "invoices",
        "--account",
        "Contoso Ltd",
        "--from",
        "2026-11",
    ]);
    assert_eq!(csv.code, 0, "{csv}");
    insta::assert_snapshot!(csv.to_string());
}

/// At account scope, invoices of several currencies: a bare `--max-due` is refused (exit 2,
/// before any output), one currency alone is refused too (the other's invoices would go
/// unchecked), one amount per currency judges each in its own.
#[tokio::test(flavor = "multi_thread")]
async fn max_due_judges_each_invoice_in_its_own_currency() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let mut euro = invoice("E1", "2026-10", "50.00", "0.00", "0.00", "50.00", "50.00");
    let text = euro.to_string().replace("\"USD\"", "\"EUR\"");
    euro = serde_json::from_str(&text).unwrap();
    let body = json!({"value": [
        invoice("G1", "2026-10", "445.58", "356.78", "7.10", "95.90", "95.90"),
        euro,
    ]});
    fake.serve(&format!("{ACCOUNT_ID}/invoices"), &body.to_string())
        .await;
    let run = |extra: &[&str]| {
        let mut args = vec!["--as-of", "2026-12-01", "invoices", "--account", "Contoso"];
        args.extend_from_slice(extra);
        fake.run(&args)
    };
    let bare = run(&["--max-due", "10"]);
    assert_eq!(bare.code, 2, "{bare}");
    assert!(bare.stdout.is_empty(), "{bare}");
    assert!(bare.stderr.contains("EUR, USD"), "{bare}");
    let one = run(&["--max-due", "100USD"]);
    assert_eq!(one.code, 2, "{one}");
    assert!(one.stderr.contains("give the amount in EUR too"), "{one}");
    let both = run(&["-o", "none", "--max-due", "100USD", "--max-due", "10EUR"]);
    assert_eq!(both.code, 1, "{both}");
    assert!(
        both.stderr
            .contains("invoice E1 is due 50.00 EUR, more than 10 EUR"),
        "{both}"
    );
    assert!(!both.stderr.contains("G1"), "{both}");
    let json = run(&["--json"]).json();
    let currencies: Vec<&str> = json["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["currency"].as_str().unwrap())
        .collect();
    assert_eq!(
        currencies,
        ["EUR", "USD"],
        "never one total across currencies"
    );
    assert_eq!(json["billingAccount"]["id"], ACCOUNT_ID);
    assert_eq!(json["complete"], true);
}

/// At account scope, the ledger joined is each invoice's own profile's: the account's gate
/// finds the Marketplace charges. A window reaching the open period says so.
#[test]
fn an_accounts_invoices_are_joined_to_their_profiles_ledgers() {
    let out = run(credits_command(&[
        "--demo",
        "--as-of",
        "2026-12-01",
        "invoices",
        "--account",
        "Contoso Ltd",
        "--from",
        "2026-06",
        "--to",
        "2026-06",
        "--fail-if-charged-with-credit",
        "--json",
    ]));
    assert_eq!(out.code, 1, "{out}");
    let json = out.json();
    let marketplace = json["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "G040230313")
        .expect("the Marketplace invoice");
    assert_eq!(
        marketplace["chargedWithCreditLeft"]["value"].to_string(),
        "88.80"
    );
    assert_eq!(marketplace["billingProfileDisplayName"], "Development");
    assert!(
        out.stderr.contains("invoice G040230313 charged 88.80 USD"),
        "{out}"
    );
    let open = run(credits_command(&[
        "--demo",
        "--as-of",
        "2026-12-01",
        "invoices",
        "-p",
        "Development",
        "--to",
        "2026-12",
    ]));
    assert_eq!(open.code, 0, "{open}");
    assert!(
        open.stderr
            .contains("the billing period 2026-12 is still open on 2026-12-01"),
        "{open}"
    );
}
