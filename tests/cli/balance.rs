//! `credits balance`.

use crate::support::*;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const EXAMPLE_2019: &str =
    "azure-examples/Microsoft.Consumption/2019-10-01/CreditSummaryByBillingProfile.json";
const EXAMPLE_2026: &str =
    "azure-examples/Microsoft.Consumption/2026-06-01/CreditSummaryByBillingProfile.json";

fn balance_path() -> String {
    consumption_path(&profile_id(ACCOUNT, DEV_PROFILE), "credits/balanceSummary")
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_by_display_name_prints_a_table() {
    let fake = development_serving("credits/balanceSummary", &example_body(EXAMPLE_2019)).await;
    let outcome = fake.run(&["balance", "--profile", "Development"]);
    insta::assert_snapshot!(outcome.to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_json_keeps_the_apis_digits() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let body = example_body(EXAMPLE_2026);
    fake.serve(&balance_path(), &body).await;
    let outcome = fake.run(&["balance", "--profile", "development", "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    let json = outcome.json();
    assert_eq!(json["estimatedBalance"]["value"].to_string(), "600");
    assert_eq!(json["currentBalance"]["value"].to_string(), "100");
    assert_eq!(json["pendingCreditAdjustments"]["value"].to_string(), "500");
    assert_eq!(json["creditCurrency"], "USD");
    assert_eq!(json["isEstimatedBalance"], false);
    assert_eq!(json["billingProfile"]["displayName"], "Development");
    assert_eq!(
        json["reseller"]["resellerDescription"],
        "Reseller information."
    );
    let source: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(amount_texts(&json), amount_texts(&source));
    insta::assert_snapshot!(outcome.to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_docs_sample_with_negative_pending_charges() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let body = for_development(&recording_body("azure-recordings/azure-docs/credits-balanceSummary-billingProfile-2019-10-01.DOCS-SAMPLE.json"));
    fake.serve(&balance_path(), &body).await;
    let outcome = fake.run(&["balance", "-p", "Development", "--output", "json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    let json = outcome.json();
    assert_eq!(json["pendingEligibleCharges"]["value"].to_string(), "-1.74");
    let source: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(amount_texts(&json), amount_texts(&source));
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_of_a_large_exact_amount_is_not_rounded() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let body = r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":12345678901234567.89},"currentBalance":{"currency":"USD","value":0.1}}}}"#;
    fake.serve(&balance_path(), body).await;
    let outcome = fake.run(&["balance", "-p", "Development", "--json"]);
    assert!(
        outcome.stdout.contains("\"value\": 12345678901234567.89"),
        "{outcome}"
    );
    assert!(outcome.stdout.contains("\"value\": 0.1"), "{outcome}");
    let table = fake.run(&["balance", "-p", "Development"]);
    assert!(
        table.stdout.contains("12,345,678,901,234,567.89 USD"),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_204_means_no_credits() {
    let fake = development_answering("credits/balanceSummary", ResponseTemplate::new(204)).await;
    let outcome = fake.run(&["balance", "--profile", "Development"]);
    insta::assert_snapshot!(outcome.to_string());
    let json = fake
        .run(&["balance", "--profile", "Development", "--json"])
        .json();
    assert_eq!(json["hasCredits"], false);
    assert_eq!(json["estimatedBalance"]["value"].to_string(), "0.00");
    assert_eq!(json["estimatedBalance"]["currency"], "USD");
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_in_eur_for_a_non_ascii_profile_name() {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[(
        "9999:0001",
        "Fabrikam GmbH",
        &[("ZRH1", "Forschung Zürich", "EUR")],
    )]))
    .await;
    let body = r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"EUR","value":9876.54},"currentBalance":{"currency":"EUR","value":10450.00}},"pendingCreditAdjustments":{"currency":"EUR","value":0.00},"expiredCredit":{"currency":"EUR","value":0},"pendingEligibleCharges":{"currency":"EUR","value":-573.46}}}"#;
    fake.serve(
        &consumption_path(&profile_id("9999:0001", "ZRH1"), "credits/balanceSummary"),
        body,
    )
    .await;
    let outcome = fake.run(&["balance", "--profile", "FORSCHUNG ZÜRICH"]);
    insta::assert_snapshot!(outcome.to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_by_full_id_makes_one_request() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path(ACCOUNTS_PATH))
        .respond_with(json_response("{}"))
        .expect(0)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(balance_path()))
        .and(query_param("api-version", "2024-08-01"))
        .respond_with(json_response(&example_body(EXAMPLE_2019)))
        .expect(1)
        .mount(&fake.server)
        .await;
    let id = profile_id(ACCOUNT, DEV_PROFILE);
    let outcome = fake.run(&["balance", "--profile", &id, "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert_eq!(outcome.json()["billingProfile"]["id"], id.as_str());
    assert_eq!(fake.request_count().await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_profile_from_credits_profile_variable() {
    let fake = development_serving("credits/balanceSummary", &example_body(EXAMPLE_2019)).await;
    let mut command = fake.command(&["balance", "--json"]);
    command.env("CREDITS_PROFILE", "Development");
    let outcome = run(command);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert_eq!(
        outcome.json()["estimatedBalance"]["value"].to_string(),
        "600.00"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_without_a_profile_is_a_usage_error() {
    let fake = Fake::start().await;
    let outcome = fake.run(&["balance"]);
    assert_eq!(outcome.code, 2, "{outcome}");
    assert!(outcome.stderr.contains("--profile"), "{outcome}");
    assert_eq!(fake.request_count().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_unknown_profile_lists_the_available_ones() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let outcome = fake.run(&["balance", "--profile", "Staging"]);
    insta::assert_snapshot!(outcome.to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_ambiguous_display_name_lists_every_full_id() {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[
        ("1111:aaaa", "Contoso EU", &[("P1", "Development", "EUR")]),
        ("2222:bbbb", "Contoso US", &[("P2", "Development", "USD")]),
    ]))
    .await;
    let outcome = fake.run(&["balance", "--profile", "Development"]);
    insta::assert_snapshot!(outcome.to_string());
    assert_eq!(outcome.code, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_min_passes_when_at_or_above() {
    let fake = development_serving("credits/balanceSummary", &example_body(EXAMPLE_2019)).await;
    for min in ["600", "600.00", "599.99USD", "0"] {
        let outcome = fake.run(&["balance", "-p", "Development", "--min", min]);
        assert_eq!(outcome.code, 0, "--min {min}: {outcome}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_min_fails_the_check_below() {
    let fake = development_serving("credits/balanceSummary", &example_body(EXAMPLE_2019)).await;
    let outcome = fake.run(&["balance", "-p", "Development", "--min", "600.01"]);
    insta::assert_snapshot!(outcome.to_string());
    assert_eq!(outcome.code, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_min_in_another_currency_is_a_usage_error() {
    let fake = development_serving("credits/balanceSummary", &example_body(EXAMPLE_2019)).await;
    let outcome = fake.run(&["balance", "-p", "Development", "--min", "500EUR"]);
    assert_eq!(outcome.code, 2, "{outcome}");
    assert!(outcome.stderr.contains("is in USD"), "{outcome}");
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_min_with_204_fails_against_zero() {
    let fake = development_answering("credits/balanceSummary", ResponseTemplate::new(204)).await;
    let outcome = fake.run(&["balance", "-p", "Development", "--min", "1"]);
    assert_eq!(outcome.code, 1, "{outcome}");
}

/// `balance --expiring-within DAYS` reads the lots beside the summary and fails on a lot with
/// credit left that expires within DAYS, as `lots` does (`forecast --min` is in
/// forecast.rs).
#[test]
fn balance_checks_expiring_lots() {
    let soon = on_demo_day(&[
        "balance",
        "--profile",
        "Development",
        "--expiring-within",
        "30",
        "-o",
        "none",
    ]);
    assert_eq!(soon.code, 1, "{soon}");
    assert!(
        soon.stderr.contains("expire within 30 days")
            && soon.stderr.contains("249.68 USD left expires 2026-12-21"),
        "{soon}"
    );
    let not_soon = on_demo_day(&[
        "balance",
        "--profile",
        "Development",
        "--expiring-within",
        "10",
        "--json",
    ]);
    assert_eq!(not_soon.code, 0, "{not_soon}");
    // The lots read for the check are not part of the balance's JSON.
    assert!(not_soon.json().get("lots").is_none(), "{not_soon}");
    let bad = on_demo_day(&[
        "balance",
        "--profile",
        "Development",
        "--expiring-within",
        "-3",
    ]);
    assert_eq!(bad.code, 2, "{bad}");
    assert!(
        bad.stderr
            .contains("--expiring-within \"-3\" is not a whole number of days"),
        "{bad}"
    );
}

/// `--expiring-within` needs the lots: when they are forbidden while the balance reads, the
/// check could not be made for that reason (exit 4, a permission), not as an outage.
#[tokio::test]
async fn expiring_lots_that_cannot_be_read_say_why() {
    let fake = development_serving("credits/balanceSummary", &example_body(EXAMPLE_2026)).await;
    forbid(
        &fake,
        &consumption_path(&profile_id(ACCOUNT, DEV_PROFILE), "lots"),
    )
    .await;
    let out = fake.run(&[
        "balance",
        "--profile",
        "Development",
        "--expiring-within",
        "30",
    ]);
    assert_eq!(out.code, 4, "{out}");
    assert!(
        out.stderr.contains("credit lots could not be read"),
        "{out}"
    );
    // The balance itself is still written.
    assert!(!out.stdout.is_empty(), "{out}");
}
