//! `--output csv|tsv|markdown|openmetrics|none`: each read back by a real parser and
//! compared with `--json`, to the digit.

use crate::support::*;
use serde_json::Value;
use std::collections::BTreeMap;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const AS_OF: &str = "2026-12-01";

fn demo(args: &[&str]) -> Outcome {
    let mut argv = vec!["--demo", "--as-of", AS_OF];
    argv.extend_from_slice(args);
    run(credits_command(&argv))
}

/// The csv text as a header and rows of fields, read by the csv crate (RFC 4180).
fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(text.ends_with("\r\n"), "csv lines end with CRLF: {text:?}");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a csv record").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn split_header(spec: &str) -> Vec<String> {
    spec.split(',').map(String::from).collect()
}

/// A JSON value as its csv field: strings as they are, numbers exactly, null empty.
fn as_field(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(map) => map.get("value").map(as_field).unwrap_or_default(),
        Value::Array(_) => panic!("no arrays in a csv field"),
    }
}

fn rows_by_name(header: &[String], rows: &[Vec<String>]) -> Vec<BTreeMap<String, String>> {
    rows.iter()
        .map(|row| {
            assert_eq!(row.len(), header.len(), "{row:?}");
            header.iter().cloned().zip(row.iter().cloned()).collect()
        })
        .collect()
}

const BALANCE_HEADER: &str = "billingAccountId,billingAccountDisplayName,billingProfileId,billingProfileName,billingProfileDisplayName,hasCredits,currency,estimatedBalance,currentBalance,pendingEligibleCharges,pendingCreditAdjustments,expiredCredit,creditCurrency,billingCurrency,estimatedBalanceInBillingCurrency,currentBalanceInBillingCurrency,isEstimatedBalance,balanceSource,availableBalanceFromLots,outcome,errorExitCode,errorMessage,paymentsOnAccount,status,statusReasonCode,spendingLimit";
const ACCOUNTS_HEADER: &str = "billingAccountId,billingAccountName,billingAccountDisplayName,agreementType,accountType,accountStatus,hasCredits,billingProfileId,billingProfileName,billingProfileDisplayName,currency,status,systemId,hasReadAccess,statusReasonCode,spendingLimit";
const LOTS_HEADER: &str = "billingProfileId,name,source,status,statusDerived,startDate,expirationDate,purchasedDate,currency,originalAmount,closedBalance,usedAmount,poNumber,creditCurrency,billingCurrency,originalAmountInBillingCurrency,closedBalanceInBillingCurrency,id";
const EVENTS_HEADER: &str = "billingProfileId,transactionDate,description,eventType,currency,newCredit,adjustments,creditExpired,charges,closedBalance,canceledCredit,invoiceNumber,lotId,lotSource,name,id";

#[test]
fn balance_csv_has_the_documented_columns_and_the_json_digits() {
    let csv = demo(&["-o", "csv", "balance", "-p", "Development"]);
    assert_eq!(csv.code, 0, "{csv}");
    let (header, rows) = read_csv(&csv.stdout);
    assert_eq!(header, split_header(BALANCE_HEADER));
    let json = demo(&["--json", "balance", "-p", "Development"]).json();
    let row = &rows_by_name(&header, &rows)[0];
    for field in [
        "estimatedBalance",
        "currentBalance",
        "pendingEligibleCharges",
        "pendingCreditAdjustments",
        "expiredCredit",
        "creditCurrency",
        "billingCurrency",
        "isEstimatedBalance",
        "hasCredits",
    ] {
        assert_eq!(row[field], as_field(&json[field]), "{field}");
    }
    assert_eq!(row["currency"], "USD");
    assert_eq!(row["billingProfileId"], json["billingProfile"]["id"]);
    assert_eq!(row["billingProfileDisplayName"], "Development");
    assert_eq!(row["billingAccountDisplayName"], "Contoso Ltd");
    assert!(row["billingProfileId"].starts_with(&row["billingAccountId"]));
    assert_eq!(row["errorExitCode"], "");
    assert_eq!(row["outcome"], "ok");
}

#[test]
fn balance_all_csv_has_the_same_columns_so_runs_append() {
    let all = demo(&["-o", "csv", "balance", "--all"]);
    assert_eq!(all.code, 0, "{all}");
    let (header, rows) = read_csv(&all.stdout);
    assert_eq!(header, split_header(BALANCE_HEADER));
    let json = demo(&["--json", "balance", "--all"]).json();
    let rows = rows_by_name(&header, &rows);
    assert_eq!(rows.len(), json.as_array().unwrap().len());
    for (row, value) in rows.iter().zip(json.as_array().unwrap()) {
        assert_eq!(
            row["estimatedBalance"],
            as_field(&value["estimatedBalance"])
        );
        assert_eq!(
            row["billingProfileDisplayName"],
            as_field(&value["billingProfile"]["displayName"])
        );
    }
    // A single run without its header is one more row of the same file.
    let single = demo(&["-o", "csv", "--no-header", "balance", "-p", "Production"]);
    let mut appended = all.stdout.clone();
    appended.push_str(&single.stdout);
    let (_, more) = read_csv(&appended);
    assert_eq!(more.len(), rows.len() + 1);
    assert_eq!(more.last().unwrap()[4], "Production");
}

#[test]
fn accounts_csv_is_a_row_per_profile() {
    let out = demo(&["-o", "csv", "accounts"]);
    let (header, rows) = read_csv(&out.stdout);
    assert_eq!(header, split_header(ACCOUNTS_HEADER));
    let rows = rows_by_name(&header, &rows);
    let json = demo(&["--json", "accounts"]).json();
    let profiles: usize = json
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["billingProfiles"].as_array().unwrap().len().max(1))
        .sum();
    assert_eq!(rows.len(), profiles);
    let zurich = rows
        .iter()
        .find(|r| r["billingProfileDisplayName"] == "Forschung Zürich")
        .expect("the EUR profile");
    assert_eq!(zurich["currency"], "EUR");
    assert_eq!(zurich["agreementType"], "MicrosoftCustomerAgreement");
    assert_eq!(zurich["hasCredits"], "true");
}

#[test]
fn lots_and_events_csv_keep_every_amount_exactly() {
    let lots = demo(&["-o", "csv", "lots", "-p", "Development"]);
    let (header, rows) = read_csv(&lots.stdout);
    assert_eq!(header, split_header(LOTS_HEADER));
    let json = demo(&["--json", "lots", "-p", "Development"]).json();
    for (row, lot) in rows_by_name(&header, &rows)
        .iter()
        .zip(json.as_array().unwrap())
    {
        for field in [
            "name",
            "source",
            "status",
            "statusDerived",
            "startDate",
            "expirationDate",
            "originalAmount",
            "closedBalance",
            "poNumber",
            "id",
        ] {
            assert_eq!(row[field], as_field(&lot[field]), "{field}");
        }
        assert!(row["billingProfileId"].ends_with("/billingProfiles/DEV1-A2B3-C4D-E5F"));
    }

    let events = demo(&["-o", "csv", "events", "-p", "Development"]);
    let (header, rows) = read_csv(&events.stdout);
    assert_eq!(header, split_header(EVENTS_HEADER));
    let json = demo(&["--json", "events", "-p", "Development"]).json();
    let rows = rows_by_name(&header, &rows);
    assert_eq!(rows.len(), json.as_array().unwrap().len());
    for (row, event) in rows.iter().zip(json.as_array().unwrap()) {
        for field in [
            "transactionDate",
            "description",
            "eventType",
            "newCredit",
            "adjustments",
            "creditExpired",
            "charges",
            "closedBalance",
            "canceledCredit",
            "invoiceNumber",
            "id",
        ] {
            assert_eq!(row[field], as_field(&event[field]), "{field}");
        }
    }
}

/// A tsv field back to its text.
fn unescape_tsv(field: &str) -> String {
    let mut out = String::new();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('\\') => out.push('\\'),
                other => panic!("a bad escape \\{other:?}"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn tsv_has_the_csv_header_and_cells() {
    for args in [
        vec!["balance", "--all"],
        vec!["lots", "-p", "Development"],
        vec!["events", "-p", "Development"],
    ] {
        let mut csv_args = vec!["-o", "csv"];
        csv_args.extend(&args);
        let mut tsv_args = vec!["-o", "tsv"];
        tsv_args.extend(&args);
        let (header, rows) = read_csv(&demo(&csv_args).stdout);
        let tsv = demo(&tsv_args).stdout;
        assert!(!tsv.contains('\r'), "tsv lines end with LF");
        let lines: Vec<Vec<String>> = tsv
            .lines()
            .map(|l| l.split('\t').map(unescape_tsv).collect())
            .collect();
        assert_eq!(lines[0], header);
        assert_eq!(lines[1..], rows[..], "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_and_tsv_keep_hostile_text_in_one_field() {
    let description = "a,\"quoted\"\tand\nsplit\\line";
    let body = serde_json::json!({"value": [{
        "id": format!("{}/providers/Microsoft.Consumption/events/e1", profile_id(ACCOUNT, DEV_PROFILE)),
        "name": "e1",
        "type": "Microsoft.Consumption/events",
        "properties": {
            "transactionDate": "2026-11-01T00:00:00Z",
            "description": description,
            "eventType": "SettledCharges",
            "charges": {"value": -1.005, "currency": "USD"},
            "closedBalance": {"value": 99.995, "currency": "USD"},
            "invoiceNumber": ""
        }
    }]})
    .to_string();
    let fake = development_serving("events", &body).await;
    let args = [
        "events",
        "-p",
        "Development",
        "--start",
        "2026-10-01",
        "--end",
        "2026-11-30",
    ];
    let mut csv_args = vec!["-o", "csv"];
    csv_args.extend(args);
    let out = fake.run(&csv_args);
    assert_eq!(out.code, 0, "{out}");
    let (header, rows) = read_csv(&out.stdout);
    let row = &rows_by_name(&header, &rows)[0];
    assert_eq!(row["description"], description);
    assert_eq!(row["charges"], "-1.005");
    assert_eq!(row["invoiceNumber"], "");
    let mut tsv_args = vec!["-o", "tsv"];
    tsv_args.extend(args);
    let tsv = fake.run(&tsv_args).stdout;
    assert_eq!(tsv.lines().count(), 2, "{tsv}");
    let cells: Vec<String> = tsv
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .map(unescape_tsv)
        .collect();
    assert_eq!(cells[2], description);
}

/// OpenMetrics text: every family typed `gauge`, `# EOF` last, samples as name, labels,
/// value.
fn read_metrics(text: &str) -> Vec<(String, BTreeMap<String, String>, String)> {
    assert!(text.ends_with("# EOF\n"), "{text}");
    let mut typed = Vec::new();
    let mut samples = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert_eq!(kind, "gauge", "{line}");
            typed.push(name.to_string());
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let (name, rest) = line.split_at(line.find(['{', ' ']).unwrap());
        assert!(
            typed.contains(&name.to_string()),
            "{name} is declared first"
        );
        let mut labels = BTreeMap::new();
        let value;
        if let Some(body) = rest.strip_prefix('{') {
            // Labels: key="value" with \\ \" \n escapes.
            let mut chars = body.chars().peekable();
            loop {
                let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
                assert_eq!(chars.next(), Some('"'));
                let mut text = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some('n') => text.push('\n'),
                            Some(other) => text.push(other),
                            None => panic!("cut escape"),
                        },
                        '"' => break,
                        other => text.push(other),
                    }
                }
                labels.insert(key, text);
                match chars.next() {
                    Some(',') => continue,
                    Some('}') => break,
                    other => panic!("unexpected {other:?} in {line}"),
                }
            }
            let tail: String = chars.collect();
            value = tail.trim().to_string();
        } else {
            value = rest.trim().to_string();
        }
        assert!(!value.contains(' '), "no timestamps: {line}");
        assert!(value.parse::<f64>().is_ok(), "a number: {line}");
        samples.push((name.to_string(), labels, value));
    }
    samples
}

#[test]
fn openmetrics_balance_and_lots_are_gauges_with_exact_values() {
    let out = demo(&["-o", "openmetrics", "balance", "--all"]);
    assert_eq!(out.code, 0, "{out}");
    let samples = read_metrics(&out.stdout);
    let json = demo(&["--json", "balance", "--all"]).json();
    for value in json.as_array().unwrap() {
        let id = value["billingProfile"]["id"].as_str().unwrap();
        let estimated = samples
            .iter()
            .find(|(n, l, _)| n == "credits_estimated_balance" && l["billing_profile_id"] == id)
            .expect("a balance per profile");
        assert_eq!(estimated.2, value["estimatedBalance"]["value"].to_string());
        assert_eq!(
            estimated.1["currency"],
            value["estimatedBalance"]["currency"]
        );
        let up = samples
            .iter()
            .find(|(n, l, _)| n == "credits_up" && l["billing_profile_id"] == id)
            .unwrap();
        assert_eq!(up.2, "1");
    }
    assert!(samples
        .iter()
        .any(|(n, l, _)| n == "credits_billing_profile_info"
            && l["billing_account_name"] == "Contoso Ltd"));

    let lots = demo(&["-o", "openmetrics", "lots", "-p", "Development"]);
    let samples = read_metrics(&lots.stdout);
    let json = demo(&["--json", "lots", "-p", "Development"]).json();
    for lot in json.as_array().unwrap() {
        let name = lot["name"].as_str().unwrap();
        let of = |metric: &str| {
            samples
                .iter()
                .find(|(n, l, _)| n == metric && l["lot"] == name)
                .map(|(_, _, v)| v.clone())
        };
        assert_eq!(
            of("credits_lot_closed_balance").unwrap(),
            lot["closedBalance"]["value"].to_string()
        );
        assert_eq!(
            of("credits_lot_original_amount").unwrap(),
            lot["originalAmount"]["value"].to_string()
        );
        let expires = chrono::DateTime::parse_from_rfc3339(lot["expirationDate"].as_str().unwrap())
            .unwrap()
            .timestamp();
        assert_eq!(
            of("credits_lot_expiration_timestamp_seconds").unwrap(),
            expires.to_string()
        );
        let info = samples
            .iter()
            .find(|(n, l, _)| n == "credits_lot_info" && l["lot"] == name)
            .unwrap();
        assert_eq!(info.1["status"], lot["status"].as_str().unwrap());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn openmetrics_marks_an_unreadable_profile_down_and_escapes_labels() {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[(
        "1111:aaaa",
        "Contoso \"HQ\"",
        &[
            ("P1", "Dev \\ \"one\"\nline", "USD"),
            ("P2", "Production", "USD"),
        ],
    )]))
    .await;
    Mock::given(method("GET"))
        .and(path(consumption_path(&profile_id("1111:aaaa", "P1"), "credits/balanceSummary")))
        .respond_with(json_response(r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":10.50}}}}"#))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(consumption_path(
            &profile_id("1111:aaaa", "P2"),
            "credits/balanceSummary",
        )))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_string(r#"{"error":{"code":"AuthorizationFailed","message":"no"}}"#),
        )
        .mount(&fake.server)
        .await;
    let out = fake.run(&["-o", "openmetrics", "balance", "--all"]);
    assert_eq!(out.code, 4, "{out}");
    let samples = read_metrics(&out.stdout);
    let up = |profile: &str| {
        samples
            .iter()
            .find(|(n, l, _)| n == "credits_up" && l["profile"] == profile)
            .map(|(_, _, v)| v.clone())
    };
    assert_eq!(up("Dev \\ \"one\"\nline").as_deref(), Some("1"));
    assert_eq!(up("Production").as_deref(), Some("0"));
    assert!(!samples
        .iter()
        .any(|(n, l, _)| n == "credits_estimated_balance" && l["profile"] == "Production"));
    assert!(
        out.stdout.contains(r#"profile="Dev \\ \"one\"\nline""#),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn openmetrics_is_refused_before_any_request_for_other_commands() {
    let fake = Fake::start().await;
    for args in [
        vec!["-o", "openmetrics", "events", "-p", "Development"],
        vec!["-o", "openmetrics", "accounts"],
        vec!["-o", "openmetrics", "forecast", "-p", "Development"],
    ] {
        let out = fake.run(&args);
        assert_eq!(out.code, 2, "{out}");
        assert!(out.stdout.is_empty());
        assert!(
            out.stderr
                .contains("`balance`, `balance --all`, `lots`, `invoices` and `spend`"),
            "{out}"
        );
        assert_eq!(out.stderr.lines().count(), 1, "{out}");
    }
    assert_eq!(fake.request_count().await, 0);
}

#[test]
fn openmetrics_as_a_default_leaves_other_commands_a_table() {
    let mut command = credits_command(&["--demo", "--as-of", AS_OF, "accounts"]);
    command.env("CREDITS_OUTPUT", "openmetrics");
    let out = run(command);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.starts_with("| Account"), "{out}");
    let mut command =
        credits_command(&["--demo", "--as-of", AS_OF, "balance", "-p", "Development"]);
    command.env("CREDITS_OUTPUT", "openmetrics");
    assert!(run(command).stdout.ends_with("# EOF\n"));
}

#[test]
fn none_prints_nothing_and_the_checks_still_decide() {
    let failed = demo(&["-o", "none", "balance", "-p", "Production", "--min", "500"]);
    assert_eq!(failed.code, 1, "{failed}");
    assert!(failed.stdout.is_empty());
    assert!(failed.stderr.contains("check failed"), "{failed}");
    let passed = demo(&["-o", "none", "lots", "-p", "Archive"]);
    assert_eq!(passed.code, 0, "{passed}");
    assert!(passed.stdout.is_empty());
}

#[test]
fn markdown_separates_text_and_tables_with_blank_lines() {
    let out = demo(&["-o", "markdown", "balance", "-p", "Development"]);
    assert_eq!(out.code, 0, "{out}");
    let text = &out.stdout;
    assert!(text.contains(")\n\n| Balance"), "{text}");
    assert!(text.contains("|\n\nCredit currency: USD"), "{text}");
    assert!(text.contains("2,927.77 USD"), "{text}");
}

#[test]
fn the_format_comes_from_credits_output_and_a_bad_one_names_it() {
    let mut command =
        credits_command(&["--demo", "--as-of", AS_OF, "balance", "-p", "Development"]);
    command.env("CREDITS_OUTPUT", "csv");
    let out = run(command);
    assert!(out.stdout.starts_with("billingAccountId,"), "{out}");
    let mut command = credits_command(&[
        "--demo",
        "--as-of",
        AS_OF,
        "-o",
        "json",
        "balance",
        "-p",
        "Development",
    ]);
    command.env("CREDITS_OUTPUT", "csv");
    assert!(run(command).stdout.starts_with('{'), "the flag wins");
    let mut command = credits_command(&["--demo", "balance", "-p", "Development"]);
    command.env("CREDITS_OUTPUT", "xml");
    let out = run(command);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr
            .contains("CREDITS_OUTPUT \"xml\" is not an output format"),
        "{out}"
    );
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
}

#[test]
fn no_header_outside_csv_and_tsv_says_so() {
    let out = demo(&["--no-header", "--json", "balance", "-p", "Development"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.starts_with('{'), "{out}");
    assert!(
        out.stderr
            .contains("--no-header applies to csv and tsv only"),
        "{out}"
    );
    let csv = demo(&["--no-header", "-o", "csv", "balance", "-p", "Development"]);
    assert!(csv.stderr.is_empty(), "{csv}");
}
