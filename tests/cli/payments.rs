//! Payments on account (`balance --details`): money paid and not yet applied to invoices,
//! read beside the credit with the official example, shown as "not credit", never added to
//! the balance or judged by a check, left out (said with `-v`) when Azure answers 403 or 404.

use crate::support::*;
use serde_json::Value;

/// The official example's billing account and profile, so its record lies where it was asked.
const EXAMPLE_ACCOUNT: &str =
    "00000000-0000-0000-0000-000000000000:00000000-0000-0000-0000-000000000000_2019-05-31";
const EXAMPLE_PROFILE: &str = "xxxx-xxxx-xxx-xxx";

fn example_profile() -> String {
    profile_id(EXAMPLE_ACCOUNT, EXAMPLE_PROFILE)
}

fn payments_path() -> String {
    format!("{}/availableBalance/default", example_profile())
}

/// The profile "Contoso Finance" with 710.00 USD of credit and no lots.
async fn contoso_finance() -> Fake {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[(
        EXAMPLE_ACCOUNT,
        "Contoso",
        &[(EXAMPLE_PROFILE, "Contoso Finance", "USD")],
    )]))
    .await;
    let usd = |value: &str| format!(r#"{{"currency": "USD", "value": {value}}}"#);
    fake.serve(
        &consumption_path(&example_profile(), "credits/balanceSummary"),
        &format!(
            r#"{{"properties": {{"balanceSummary": {{"estimatedBalance": {}, "currentBalance": {}}},
                "pendingCreditAdjustments": {}, "expiredCredit": {}, "pendingEligibleCharges": {}}}}}"#,
            usd("710.00"),
            usd("760.00"),
            usd("0.00"),
            usd("0.00"),
            usd("-50.00")
        ),
    )
    .await;
    fake.serve(
        &consumption_path(&example_profile(), "lots"),
        r#"{"value": []}"#,
    )
    .await;
    fake
}

/// The official example's body (the version that names the figure
/// `creditAmountForImmediatePayment`).
fn profile_example() -> String {
    let example: Value = serde_json::from_str(&fixture_text(
        "azure-examples/Microsoft.Billing/2024-04-01/availableBalanceGetByBillingProfile.json",
    ))
    .expect("the example is JSON");
    example["responses"]["200"]["body"].to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn payments_on_account_are_shown_beside_the_balance_and_never_in_it() {
    let fake = contoso_finance().await;
    fake.serve(&payments_path(), &profile_example()).await;
    let profile = ["balance", "-p", "Contoso Finance", "--details"];

    let out = fake.run(&[&profile[..], &["--json"]].concat());
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(
        json["estimatedBalance"],
        exact(r#"{"value": 710.00, "currency": "USD"}"#)
    );
    let payments = &json["paymentsOnAccount"];
    assert_eq!(
        payments["amount"],
        exact(r#"{"value": 500, "currency": "USD"}"#)
    );
    assert_eq!(
        payments["totalPaymentsOnAccount"],
        exact(r#"{"value": 200, "currency": "USD"}"#)
    );
    let payment = &payments["payments"][0];
    assert_eq!(
        payment["amount"],
        exact(r#"{"value": 50, "currency": "USD"}"#)
    );
    assert_eq!(payment["invoiceName"], "G123456789");
    assert_eq!(payment["type"], "InvoicePayment");
    assert_eq!(payment["date"], "2024-04-01T00:00:00Z");
    assert_eq!(payment["billingProfileDisplayName"], "Contoso Finance");

    let table = fake.run(&profile);
    assert_eq!(table.code, 0, "{table}");
    assert!(
        table.stdout.contains(
            "Payments on account (not credit): 500.00 USD (paid on account: 200.00 USD in 1 payment)"
        ),
        "{table}"
    );
    let estimated = table
        .stdout
        .lines()
        .find(|line| line.starts_with("| Estimated balance "));
    assert!(
        estimated.is_some_and(|line| line.ends_with("| 710.00 USD |")),
        "{table}"
    );

    let csv = fake.run(&[&profile[..], &["-o", "csv"]].concat());
    let mut lines = csv.stdout.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let at = header.iter().position(|name| *name == "paymentsOnAccount");
    assert_eq!(
        at,
        header
            .iter()
            .position(|name| *name == "errorMessage")
            .map(|i| i + 1),
        "{csv}"
    );
    assert_eq!(at.map(|at| row[at]), Some("500"), "{csv}");

    // The gate judges the credit alone: 710 passes 700 and fails 800 (710 + 500 would not).
    let passes = fake.run(&[&profile[..], &["--min", "700"]].concat());
    assert_eq!(passes.code, 0, "{passes}");
    let fails = fake.run(&[&profile[..], &["--min", "800"]].concat());
    assert_eq!(fails.code, 1, "{fails}");
    assert!(
        fails
            .stderr
            .contains("710.00 USD is below the minimum 800 USD"),
        "{fails}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_balance_asks_nothing_more() {
    let fake = contoso_finance().await;
    fake.serve(&payments_path(), &profile_example()).await;
    // The profile cache filled, a plain balance is one request: the balance summary.
    let warm = fake.run(&["accounts"]);
    assert_eq!(warm.code, 0, "{warm}");
    let before = fake.request_count().await;
    let out = fake.run(&["balance", "-p", "Contoso Finance", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.json().get("paymentsOnAccount").is_none(), "{out}");
    assert_eq!(fake.request_count().await - before, 1, "{out}");
    let asked: Vec<String> = fake
        .server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|request| request.url.path().to_string())
        .collect();
    assert!(
        !asked.iter().any(|p| p.contains("availableBalance")),
        "{asked:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn payments_azure_refuses_are_left_out_and_said_only_with_verbose() {
    let fake = contoso_finance().await;
    forbid(&fake, &payments_path()).await;
    let out = fake.run(&["balance", "-p", "Contoso Finance", "--details", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert!(json.get("paymentsOnAccount").is_none(), "{out}");
    assert_eq!(json["estimatedBalance"]["value"].to_string(), "710.00");
    assert!(!out.stderr.contains("payments on account"), "{out}");

    let verbose = fake.run(&["-v", "balance", "-p", "Contoso Finance", "--details"]);
    assert_eq!(verbose.code, 0, "{verbose}");
    assert!(
        verbose
            .stderr
            .contains("payments on account of billing profile Contoso Finance left out"),
        "{verbose}"
    );
    assert!(!verbose.stdout.contains("Payments on account"), "{verbose}");
}

/// The demo's Development profile has payments on account: shown with `--details` only.
#[test]
fn the_demo_shows_payments_on_account_with_details() {
    let out = on_demo_day(&["balance", "-p", "Development", "--details"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stdout.contains(
            "Payments on account (not credit): 1,250.00 USD (paid on account: 1,250.00 USD in 2 payments)"
        ),
        "{out}"
    );
    let plain = on_demo_day(&["balance", "-p", "Development"]);
    assert!(!plain.stdout.contains("Payments on account"), "{plain}");
}

/// `report --details` reads payments on account beside the report's reads and shows them
/// under the balance; without `--details` they are not asked for.
#[test]
fn the_report_shows_payments_on_account_with_details() {
    let page = on_demo_day(&["report", "-p", "Development", "--details"]);
    assert_eq!(page.code, 0, "{page}");
    assert!(
        page.stdout
            .contains("Payments on account (not credit): 1,250.00 USD"),
        "{page}"
    );
    let json = on_demo_day(&["report", "-p", "Development", "--details", "--json"]).json();
    assert_eq!(
        json["profiles"][0]["inputs"]["balance"]["paymentsOnAccount"]["amount"],
        exact(r#"{"value": 1250.00, "currency": "USD"}"#)
    );
    let plain = on_demo_day(&["report", "-p", "Development", "--json"]).json();
    assert!(
        plain["profiles"][0]["inputs"]["balance"]
            .get("paymentsOnAccount")
            .is_none(),
        "{plain}"
    );
}
