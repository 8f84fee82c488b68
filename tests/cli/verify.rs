//! `credits verify`: Azure's figures checked against each other, with the fixtures that break
//! each rule, both sign conventions of Microsoft's own data, the fallback when the balance
//! summary is gone, and `report --verify`.

use crate::support::*;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn dev() -> String {
    profile_id(ACCOUNT, DEV_PROFILE)
}

/// The fake Development profile serving a balance summary, lots and events.
async fn serving(summary: &str, lots: &str, events: &str) -> Fake {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    fake.serve(&consumption_path(&dev(), "credits/balanceSummary"), summary)
        .await;
    fake.serve(&consumption_path(&dev(), "lots"), lots).await;
    fake.serve(&consumption_path(&dev(), "events"), events)
        .await;
    fake
}

fn check<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("{name} in {json}"))
}

/// The demo's figures agree: every check passes, exit 0, in the documented JSON shape.
#[test]
fn the_demo_figures_agree_and_the_json_is_the_documented_shape() {
    let out = run(credits_command(&[
        "--demo",
        "--as-of",
        "2026-12-01",
        "verify",
        "-p",
        "Development",
        "--invoices",
        "--json",
    ]));
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json["asOf"], "2026-12-01");
    let checks = json["checks"].as_array().unwrap();
    let names: Vec<&str> = checks
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "available-balance",
            "summary",
            "ledger",
            "invoice-credit",
            "invoice-total"
        ]
    );
    for c in checks {
        let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut documented = [
            "scope",
            "check",
            "result",
            "expected",
            "actual",
            "difference",
            "convention",
            "detail",
        ];
        documented.sort_unstable();
        assert_eq!(keys, documented);
        assert_eq!(c["result"], "passed", "{c}");
    }
    assert_eq!(
        check(&json, "available-balance")["expected"],
        exact(r#"{"value": 3120.13, "currency": "USD"}"#)
    );
    assert_eq!(check(&json, "ledger")["convention"], "signed");
    insta::assert_snapshot!(run(credits_command(&[
        "--demo",
        "--as-of",
        "2026-12-01",
        "verify",
        "--all"
    ]))
    .to_string());
}

/// Lots that do not add up to the current balance fail `available-balance` with both
/// figures and the difference; exit 1.
#[tokio::test(flavor = "multi_thread")]
async fn lots_that_do_not_add_up_fail_with_both_figures() {
    let fake = serving(
        &fixture_text("verify/balance-710.json"),
        &fixture_text("verify/lots-do-not-add-up.json"),
        r#"{"value": []}"#,
    )
    .await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "verify",
        "-p",
        "Development",
        "--json",
    ]);
    assert_eq!(out.code, 1, "{out}");
    let json = out.json();
    let available = check(&json, "available-balance");
    assert_eq!(available["result"], "failed");
    assert_eq!(available["expected"]["value"], exact("710.00"));
    assert_eq!(available["actual"]["value"], exact("690.00"));
    assert_eq!(available["difference"]["value"], exact("-20.00"));
    assert_eq!(check(&json, "summary")["result"], "passed");
    assert_eq!(check(&json, "ledger")["result"], "not checked");
    assert!(
        out.stderr.contains("check failed: available-balance"),
        "{out}"
    );
    // A tolerance wide enough passes it; a bad one is exit 2 before any request.
    let tolerant = fake.run(&[
        "--as-of",
        "2026-12-01",
        "-o",
        "none",
        "verify",
        "-p",
        "Development",
        "--tolerance",
        "20",
    ]);
    assert_eq!(tolerant.code, 0, "{tolerant}");
    let before = fake.request_count().await;
    for bad in ["-1", "20USD", "x"] {
        let out = fake.run(&["verify", "-p", "Development", "--tolerance", bad]);
        assert_eq!(out.code, 2, "{bad}: {out}");
        assert_eq!(out.stderr.lines().count(), 1, "{out}");
    }
    assert_eq!(fake.request_count().await, before);
    let fine = serving(
        &fixture_text("verify/balance-710.json"),
        &fixture_text("verify/lots-add-up.json"),
        r#"{"value": []}"#,
    )
    .await;
    let out = fine.run(&[
        "--as-of",
        "2026-12-01",
        "-o",
        "none",
        "verify",
        "-p",
        "Development",
    ]);
    assert_eq!(out.code, 0, "{out}");
}

/// A ledger that breaks at one event fails `ledger`, naming that event and its figures.
#[tokio::test(flavor = "multi_thread")]
async fn a_ledger_that_breaks_at_one_event_names_it() {
    let fake = serving(
        &fixture_text("verify/balance-710.json"),
        &fixture_text("verify/lots-add-up.json"),
        &fixture_text("verify/ledger-breaks-at-one-event.json"),
    )
    .await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "verify",
        "-p",
        "Development",
        "--json",
    ]);
    assert_eq!(out.code, 1, "{out}");
    let json = out.json();
    let ledger = check(&json, "ledger");
    assert_eq!(ledger["result"], "failed");
    assert!(
        ledger["detail"]
            .as_str()
            .unwrap()
            .contains("the closing balance of e3 (SettledCharges, 2026-10-01) is not the previous one plus its movement"),
        "{ledger}"
    );
    // Azure's figure expected, the one computed from the previous balance actual.
    assert_eq!(ledger["expected"]["value"], exact("810.00"));
    assert_eq!(ledger["actual"]["value"], exact("800.00"));
}

/// Microsoft's data uses two sign conventions: the documentation sample adds negative
/// debits, the 2019 spec example subtracts positive ones. Each is detected and passes.
#[tokio::test(flavor = "multi_thread")]
async fn both_of_microsofts_sign_conventions_are_detected() {
    for (events, convention) in [
        (
            recording_body("azure-recordings/azure-docs/events-billingProfile-2019-10-01.DOCS-SAMPLE.json")
                .replace("PBFV-xxxx-xxx-xxx`", "PBFV-xxxx-xxx-xxx")
                .replace(
                    "5e98e158-xxxx-xxxx-xxxx-xxxxxxxxxxxx:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxx_xxxx-xx-xx/billingProfiles/PBFV-xxxx-xxx-xxx",
                    "1234:5678/billingProfiles/2468",
                ),
            "signed",
        ),
        (
            example_body("azure-examples/Microsoft.Consumption/2019-10-01/EventsListByBillingProfile.json")
                .replace("billingProfiles/4268", "billingProfiles/2468"),
            "debits-positive",
        ),
    ] {
        let fake = serving(
            &example_body("azure-examples/Microsoft.Consumption/2019-10-01/CreditSummaryByBillingProfile.json"),
            &example_body("azure-examples/Microsoft.Consumption/2019-10-01/LotsListByBillingProfile.json"),
            &events,
        )
        .await;
        let out = fake.run(&["--as-of", "2026-12-01", "verify", "-p", "Development", "--json"]);
        let json = out.json();
        let ledger = check(&json, "ledger");
        assert_eq!(ledger["result"], "passed", "{convention}: {out}");
        assert_eq!(ledger["convention"], convention, "{out}");
        assert_eq!(check(&json, "summary")["result"], "passed", "{out}");
    }
}

/// A balance summary that is gone (404 with the lots answering, 410, or "not supported"):
/// `summary` is "not checked" (exit 0), and `balance` goes on with the balance from lots,
/// saying so in one note; `--min` judges that balance.
#[tokio::test(flavor = "multi_thread")]
async fn a_balance_summary_that_is_gone_falls_back_to_the_lots() {
    for gone in [
        ResponseTemplate::new(404).set_body_string(r#"{"error":{"code":"NotFound","message":"Not found."}}"#),
        ResponseTemplate::new(410).set_body_string(r#"{"error":{"code":"Gone","message":"Gone."}}"#),
        ResponseTemplate::new(400).set_body_string(
            r#"{"error":{"code":"BadRequest","message":"Balance summary is not supported for this billing profile."}}"#,
        ),
    ] {
        let fake = Fake::start().await;
        with_development_profile(&fake).await;
        Mock::given(method("GET"))
            .and(path(consumption_path(&dev(), "credits/balanceSummary")))
            .respond_with(gone)
            .mount(&fake.server)
            .await;
        fake.serve(&consumption_path(&dev(), "lots"), &fixture_text("verify/lots-add-up.json")).await;
        fake.serve(&consumption_path(&dev(), "events"), r#"{"value": []}"#).await;
        let out = fake.run(&["--as-of", "2026-12-01", "balance", "-p", "Development", "--json"]);
        assert_eq!(out.code, 0, "{out}");
        let json = out.json();
        assert_eq!(json["estimatedBalance"], Value::Null);
        assert_eq!(json["balanceSource"], "lots");
        assert_eq!(json["availableBalanceFromLots"], exact(r#"{"value": 710.00, "currency": "USD"}"#));
        assert_eq!(out.stderr.lines().count(), 1, "{out}");
        assert!(out.stderr.contains("the balance is the sum of its active lots"), "{out}");
        let low = fake.run(&["--as-of", "2026-12-01", "-o", "none", "balance", "-p", "Development", "--min", "800"]);
        assert_eq!(low.code, 1, "{low}");
        assert!(low.stderr.contains("balance from lots 710.00 USD is below the minimum 800 USD"), "{low}");
        let forecast = fake.run(&["--as-of", "2026-12-01", "forecast", "-p", "Development", "--json"]);
        assert_eq!(forecast.code, 0, "{forecast}");
        let verify = fake.run(&["--as-of", "2026-12-01", "verify", "-p", "Development", "--json"]);
        assert_eq!(verify.code, 0, "{verify}");
        assert_eq!(check(&verify.json(), "summary")["result"], "not checked");
    }
}

/// `balance --details` adds the balance from lots beside the summary's figures.
#[test]
fn balance_details_shows_the_balance_from_lots() {
    let out = run(credits_command(&[
        "--demo",
        "--as-of",
        "2026-12-01",
        "balance",
        "-p",
        "Development",
        "--details",
        "--json",
    ]));
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(
        json["availableBalanceFromLots"],
        exact(r#"{"value": 3120.13, "currency": "USD"}"#)
    );
    assert_eq!(json["balanceSource"], "summary");
    let table = run(credits_command(&[
        "--demo",
        "--as-of",
        "2026-12-01",
        "balance",
        "-p",
        "Development",
        "--details",
    ]));
    assert!(
        table
            .stdout
            .contains("| Available balance (from lots) | 3,120.13 USD |"),
        "{table}"
    );
}

/// The official 2024-04-01 invoice example does not add up (7.53 where 9.53 is computed):
/// a warning, exit 0; with `--strict`, a failure, exit 1. A scope verify does not read is
/// exit 2.
#[tokio::test(flavor = "multi_thread")]
async fn undocumented_invoice_checks_warn_unless_strict() {
    let fake = serving(
        &fixture_text("verify/balance-710.json"),
        &fixture_text("verify/lots-add-up.json"),
        r#"{"value": []}"#,
    )
    .await;
    let body = example_body(
        "azure-examples/Microsoft.Billing/2024-04-01/invoicesListByBillingProfile.json",
    )
    .replace(
        "00000000-0000-0000-0000-000000000000:00000000-0000-0000-0000-000000000000_2019-05-31",
        ACCOUNT,
    )
    .replace("xxxx-xxxx-xxx-xxx", DEV_PROFILE);
    fake.serve(&format!("{}/invoices", dev()), &body).await;
    let args = [
        "--as-of",
        "2026-12-01",
        "verify",
        "-p",
        "Development",
        "--invoices",
        "--from",
        "2023-01",
        "--to",
        "2023-06",
        "--json",
    ];
    let out = fake.run(&args);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    let total = check(&json, "invoice-total");
    assert_eq!(total["result"], "warning", "{total}");
    assert_eq!(total["expected"]["value"], exact("7.53"));
    assert_eq!(total["actual"]["value"], exact("9.53"));
    // Credit was applied, but no settled transaction names either invoice: they differ.
    let credit = check(&json, "invoice-credit");
    assert_eq!(credit["result"], "warning", "{credit}");
    assert_eq!(credit["expected"]["value"].to_string(), "25.46");
    assert_eq!(credit["actual"]["value"].to_string(), "0.00");
    let mut strict = args.to_vec();
    strict.push("--strict");
    let out = fake.run(&strict);
    assert_eq!(out.code, 1, "{out}");
    let refused = fake.run(&["verify", "--account", "Contoso"]);
    assert_eq!(refused.code, 2, "{refused}");
    assert!(
        refused.stderr.contains("--profile, --all or --customer"),
        "{refused}"
    );
}

/// `report --verify` adds "Checks of Azure's figures"; its failures join the report's exit
/// code. Without it, the report is unchanged.
#[tokio::test(flavor = "multi_thread")]
async fn report_verify_adds_the_section_and_its_failures_count() {
    let fake = serving(
        &fixture_text("verify/balance-710.json"),
        &fixture_text("verify/lots-do-not-add-up.json"),
        r#"{"value": []}"#,
    )
    .await;
    let plain = fake.run(&["--as-of", "2026-12-01", "report", "-p", "Development"]);
    assert_eq!(plain.code, 0, "{plain}");
    assert!(
        !plain.stdout.contains("Checks of Azure's figures"),
        "{plain}"
    );
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "report",
        "-p",
        "Development",
        "--verify",
    ]);
    assert_eq!(out.code, 1, "{out}");
    assert!(out.stdout.contains("## Checks of Azure's figures"), "{out}");
    assert!(out.stderr.contains("available-balance"), "{out}");
}

/// `balance --details` whose lots cannot be read still shows the balance: the figure from
/// lots is left out with one note, never the whole balance.
#[tokio::test(flavor = "multi_thread")]
async fn details_whose_lots_fail_keep_the_balance_with_a_note() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    fake.serve(
        &consumption_path(&dev(), "credits/balanceSummary"),
        &fixture_text("verify/balance-710.json"),
    )
    .await;
    Mock::given(method("GET"))
        .and(path(consumption_path(&dev(), "lots")))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_string(r#"{"error":{"code":"AuthorizationFailed","message":"No."}}"#),
        )
        .mount(&fake.server)
        .await;
    let out = fake.run(&["balance", "-p", "Development", "--details", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json["estimatedBalance"]["value"].to_string(), "650.00");
    assert!(json.get("availableBalanceFromLots").is_none(), "{json}");
    assert!(
        out.stderr
            .contains("the balance from lots of billing profile Development could not be computed"),
        "{out}"
    );
}

/// "The api-version … is not supported" is about the request: the balance does not quietly
/// come from the lots.
#[tokio::test(flavor = "multi_thread")]
async fn an_api_version_refusal_is_not_a_summary_that_is_gone() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    Mock::given(method("GET"))
        .and(path(consumption_path(&dev(), "credits/balanceSummary")))
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"error":{"code":"InvalidApiVersionParameter","message":"The api-version '2024-08-01' is not supported."}}"#,
        ))
        .mount(&fake.server)
        .await;
    fake.serve(
        &consumption_path(&dev(), "lots"),
        &fixture_text("verify/lots-add-up.json"),
    )
    .await;
    let out = fake.run(&["balance", "-p", "Development", "--json"]);
    assert_ne!(out.code, 0, "{out}");
    assert!(out.stdout.is_empty(), "{out}");
    assert!(out.stderr.contains("InvalidApiVersionParameter"), "{out}");
}

/// `report --verify` checks the reads the report makes anyway: no request more.
#[test]
fn report_verify_reads_nothing_more() {
    let requests = |extra: &[&str]| {
        let mut args = vec![
            "--demo",
            "--as-of",
            "2026-12-01",
            "-v",
            "-o",
            "none",
            "report",
            "-p",
            "Production",
        ];
        args.extend_from_slice(extra);
        let out = run(credits_command(&args));
        out.stderr.lines().filter(|l| l.contains("GET ")).count()
    };
    let plain = requests(&[]);
    assert!(plain > 0);
    assert_eq!(requests(&["--verify"]), plain);
}

/// The demo's partner customers agree too, and a tolerance never turns the figures around:
/// Azure's figure stays expected, the computed one actual.
#[test]
fn customers_verify_and_a_tolerance_keeps_the_figures_in_place() {
    let demo = on_demo_day;
    let out = demo(&["verify", "--customer", "Northwind Traders", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    let ledger = check(&json, "ledger");
    assert_eq!(ledger["result"], "passed", "{ledger}");
    assert_eq!(ledger["expected"]["value"].to_string(), "1840.25");
    assert_eq!(ledger["actual"]["value"].to_string(), "1840.25");
    let refused = demo(&["verify", "--customer", "Northwind Traders", "--invoices"]);
    assert_eq!(refused.code, 2, "{refused}");
}

/// An amount in a currency nothing is in is a typo, never silently nothing: exit 2 before
/// any output, whether or not another amount matches.
#[test]
fn an_amount_in_a_currency_nothing_is_in_is_refused() {
    for args in [
        vec!["balance", "--all", "--min", "1000USD", "--min", "900GBP"],
        vec![
            "invoices",
            "--all",
            "--max-due",
            "0UDS",
            "--max-due",
            "0EUR",
        ],
        vec![
            "invoices",
            "-p",
            "Marketing",
            "--max-due",
            "0EUR",
            "--max-due",
            "0USD",
        ],
    ] {
        let mut argv = vec!["--demo", "--as-of", "2026-12-01"];
        argv.extend_from_slice(&args);
        let out = run(credits_command(&argv));
        assert_eq!(out.code, 2, "{args:?}: {out}");
        assert!(out.stdout.is_empty(), "{out}");
        assert!(
            out.stderr.contains("nothing would be checked with it"),
            "{out}"
        );
    }
}
