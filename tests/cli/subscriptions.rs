//! `balance|forecast --subscription`: an MCA-billed subscription answers with its billing
//! profile's credit; a monthly-credit offer with an estimate (allowance less this billing
//! period's actual cost), marked as one everywhere and never judged without
//! `--allow-estimate`; Sponsorship and other offers are "could not check" (exit 6).

use crate::support::*;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, method, path};
use wiremock::Mock;

const VS: &str = "0b1f6c3e-7a24-4d8e-9c51-2f3a4b5c6d7e";
const SPONSORED: &str = "5a6b7c8d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";

fn subscription_body(id: &str, name: &str, quota: &str) -> String {
    json!({
        "id": format!("/subscriptions/{id}"),
        "subscriptionId": id,
        "displayName": name,
        "state": "Enabled",
        "subscriptionPolicies": {"quotaId": quota, "spendingLimit": "On", "locationPlacementId": "Public_2014-09-01"}
    })
    .to_string()
}

/// The official MOSP billing property example, moved to `id`.
fn mosp_property(id: &str) -> String {
    example_body("azure-examples/Microsoft.Billing/2024-04-01/billingPropertyGetMOSP.json")
        .replace("11111111-1111-1111-1111-111111111111", id)
}

fn property_path(id: &str) -> String {
    format!("/subscriptions/{id}/providers/Microsoft.Billing/billingProperty/default")
}

fn query_path(id: &str) -> String {
    format!("/subscriptions/{id}/providers/Microsoft.CostManagement/query")
}

/// A Visual Studio subscription: period 2026-11-20 to 2026-12-19, 61.37 USD so far.
async fn visual_studio() -> Fake {
    let fake = Fake::start().await;
    fake.serve(
        &format!("/subscriptions/{VS}"),
        &subscription_body(VS, "Visual Studio Enterprise", "MSDN_2014-09-01"),
    )
    .await;
    fake.serve(&property_path(VS), &mosp_property(VS)).await;
    fake.serve(
        &format!("/subscriptions/{VS}/providers/Microsoft.Billing/billingPeriods"),
        &json!({"value": [
            {"id": format!("/subscriptions/{VS}/providers/Microsoft.Billing/billingPeriods/202612-1"), "name": "202612-1",
             "type": "Microsoft.Billing/billingPeriods",
             "properties": {"billingPeriodStartDate": "2026-11-20", "billingPeriodEndDate": "2026-12-19"}},
            {"id": format!("/subscriptions/{VS}/providers/Microsoft.Billing/billingPeriods/202611-1"), "name": "202611-1",
             "type": "Microsoft.Billing/billingPeriods",
             "properties": {"billingPeriodStartDate": "2026-10-20", "billingPeriodEndDate": "2026-11-19"}}
        ]})
        .to_string(),
    )
    .await;
    let asked = json!({
        "type": "ActualCost",
        "timeframe": "Custom",
        "timePeriod": {"from": "2026-11-20T00:00:00Z", "to": "2026-12-07T23:59:59Z"},
        "dataset": {"granularity": "None", "aggregation": {"totalCost": {"name": "Cost", "function": "Sum"}}}
    });
    Mock::given(method("POST"))
        .and(path(query_path(VS)))
        .and(body_json(&asked))
        .respond_with(json_response(
            r#"{"properties": {"nextLink": null, "columns": [{"name": "Cost", "type": "Number"}, {"name": "Currency", "type": "String"}],
                "rows": [[61.37, "USD"]]}}"#,
        ))
        .mount(&fake.server)
        .await;
    fake
}

const ON_DAY: [&str; 2] = ["--as-of", "2026-12-07"];

#[tokio::test(flavor = "multi_thread")]
async fn a_visual_studio_subscription_answers_with_an_estimate_marked_as_one() {
    let fake = visual_studio().await;
    let asked = [
        &["balance", "--subscription", VS, "--allowance", "150USD"][..],
        &ON_DAY,
    ]
    .concat();
    let out = fake.run(&[&asked[..], &["--json"]].concat());
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json["kind"], "subscriptionCredit");
    assert_eq!(json["estimate"], true);
    assert_eq!(
        json["subscription"],
        json!({"id": VS, "displayName": "Visual Studio Enterprise"})
    );
    assert_eq!(json["quotaId"], "MSDN_2014-09-01");
    assert_eq!(
        json["allowance"],
        exact(r#"{"value": 150, "currency": "USD"}"#)
    );
    assert_eq!(
        json["cost"],
        exact(r#"{"value": 61.37, "currency": "USD"}"#)
    );
    assert_eq!(
        json["estimatedBalance"],
        exact(r#"{"value": 88.63, "currency": "USD"}"#)
    );
    assert_eq!(json["periodStart"], "2026-11-20");
    assert_eq!(json["periodEnd"], "2026-12-19");
    let data_as_of = json["dataAsOf"].as_str().expect("a time");
    assert!(
        data_as_of.ends_with('Z') && data_as_of.len() == 20,
        "{data_as_of}"
    );

    let table = fake.run(&asked);
    assert_eq!(table.code, 0, "{table}");
    for shown in [
        "ESTIMATE",
        "88.63 USD",
        "2026-11-20 to 2026-12-19",
        "8 to 24 hours",
    ] {
        assert!(table.stdout.contains(shown), "{shown}: {table}");
    }
    let csv = fake.run(&[&asked[..], &["-o", "csv"]].concat());
    assert!(
        csv.stdout
            .lines()
            .next()
            .unwrap_or("")
            .contains(",estimate,"),
        "{csv}"
    );
    assert!(
        csv.stdout
            .contains(",true,USD,150,61.37,88.63,2026-11-20,2026-12-19,"),
        "{csv}"
    );
    let metrics = fake.run(&[&asked[..], &["-o", "openmetrics"]].concat());
    assert!(
        metrics.stdout.contains(r#"estimate="true""#) && metrics.stdout.contains("88.63"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_check_on_an_estimate_is_could_not_check_unless_allowed() {
    let fake = visual_studio().await;
    let asked = [
        &["balance", "--subscription", VS, "--allowance", "150"][..],
        &ON_DAY,
    ]
    .concat();
    let refused = fake.run(&[&asked[..], &["--min", "50"]].concat());
    // The estimate is shown; the check is "could not check".
    assert_eq!(refused.code, 6, "{refused}");
    assert!(refused.stdout.contains("ESTIMATE"), "{refused}");
    assert!(refused.stderr.contains("--allow-estimate"), "{refused}");
    let passed = fake.run(&[&asked[..], &["--min", "50", "--allow-estimate"]].concat());
    assert_eq!(passed.code, 0, "{passed}");
    let failed = fake.run(&[&asked[..], &["--min", "100", "--allow-estimate"]].concat());
    assert_eq!(failed.code, 1, "{failed}");
    assert!(failed.stderr.contains("88.63 USD"), "{failed}");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_an_allowance_the_flag_and_microsofts_amounts_are_named() {
    let fake = visual_studio().await;
    let out = fake.run(&[&["balance", "--subscription", VS][..], &ON_DAY].concat());
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stdout.is_empty(), "{out}");
    for named in [
        "--allowance",
        "Visual Studio Enterprise 150 USD",
        "Visual Studio Professional 50 USD",
        "MSDN Platforms 100 USD",
    ] {
        assert!(out.stderr.contains(named), "{named}: {out}");
    }
    assert_eq!(out.stderr.trim().lines().count(), 1, "one line: {out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_config_file_holds_a_subscriptions_allowance() {
    let fake = visual_studio().await;
    let dir = tempfile::tempdir().expect("a directory");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[subscriptions.\"{VS}\"]\nallowance = \"150 USD\"\n"),
    )
    .expect("written");
    let mut command =
        fake.command(&[&["balance", "--subscription", VS, "--json"][..], &ON_DAY].concat());
    command.env("CREDITS_CONFIG", &config);
    let out = run(command);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        out.json()["estimatedBalance"],
        exact(r#"{"value": 88.63, "currency": "USD"}"#)
    );
    // An allowance in another currency than the cost's is refused, naming both.
    let euros = fake.run(
        &[
            &["balance", "--subscription", VS, "--allowance", "150EUR"][..],
            &ON_DAY,
        ]
        .concat(),
    );
    assert_eq!(euros.code, 2, "{euros}");
    assert!(
        euros.stderr.contains("EUR") && euros.stderr.contains("USD"),
        "{euros}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_forecast_of_an_estimate_burns_at_this_periods_daily_cost() {
    let fake = visual_studio().await;
    let out = fake.run(
        &[
            &[
                "forecast",
                "--subscription",
                VS,
                "--allowance",
                "150USD",
                "--json",
            ][..],
            &ON_DAY,
        ]
        .concat(),
    );
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json["estimate"], true);
    // 61.37 USD over 18 days: 3.41 a day; 88.63 left lasts 25 days, past the period's end.
    assert_eq!(
        json["burnRatePerDay"],
        exact(r#"{"value": 3.41, "currency": "USD"}"#)
    );
    // 88.63 left would last 25 days; the period ends 12 days on, and bounds the runway.
    assert_eq!(json["runwayDays"], 12);
    assert_eq!(json["depletionDate"], Value::Null);
    assert_eq!(json["resetsOn"], "2026-12-20");
    assert_eq!(
        json["unusedAtPeriodEnd"],
        exact(r#"{"value": 47.71, "currency": "USD"}"#)
    );
    let gated = fake.run(
        &[
            &[
                "forecast",
                "--subscription",
                VS,
                "--allowance",
                "150USD",
                "--max-unused",
                "10",
                "--allow-estimate",
            ][..],
            &ON_DAY,
        ]
        .concat(),
    );
    assert_eq!(gated.code, 1, "{gated}");
    let window = fake.run(
        &[
            &[
                "forecast",
                "--subscription",
                VS,
                "--allowance",
                "150USD",
                "--window",
                "30",
            ][..],
            &ON_DAY,
        ]
        .concat(),
    );
    assert_eq!(window.code, 2, "{window}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sponsorship_and_other_offers_are_could_not_check() {
    let fake = Fake::start().await;
    fake.serve(
        &format!("/subscriptions/{SPONSORED}"),
        &subscription_body(SPONSORED, "Azure Sponsorship", "Sponsored_2016-01-01"),
    )
    .await;
    fake.serve(&property_path(SPONSORED), &mosp_property(SPONSORED))
        .await;
    let out = fake.run(&["balance", "--subscription", SPONSORED]);
    assert_eq!(out.code, 6, "{out}");
    assert!(out.stdout.is_empty(), "{out}");
    assert!(
        out.stderr
            .contains("https://www.microsoftazuresponsorships.com/balance"),
        "{out}"
    );
    assert_eq!(out.stderr.trim().lines().count(), 1, "one line: {out}");

    // The official subscription example is an internal subscription: no credit to read.
    let example: Value = serde_json::from_str(&example_body(
        "azure-examples/Microsoft.Resources/2022-12-01/GetSubscription.json",
    ))
    .expect("JSON");
    let id = example["subscriptionId"].as_str().expect("an id");
    fake.serve(&format!("/subscriptions/{id}"), &example.to_string())
        .await;
    forbid(&fake, &property_path(id)).await;
    let out = fake.run(&["balance", "--subscription", &format!("/subscriptions/{id}")]);
    assert_eq!(out.code, 6, "{out}");
    assert!(out.stderr.contains("Internal_2014-09-01"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_mca_billed_subscription_answers_with_its_billing_profiles_balance() {
    // The official MCA example names its profile with a doubled billingProfiles segment.
    let account = "00000000-0000-0000-0000-000000000000:00000000-0000-0000-0000-000000000000";
    let profile = profile_id(account, "xxxx-xxxx-xxx-xxx");
    let sub = "11111111-1111-1111-1111-111111111111";
    let fake = Fake::start().await;
    fake.serve(
        &format!("/subscriptions/{sub}"),
        &subscription_body(sub, "Contoso Production", "EnterpriseAgreement_2014-09-01"),
    )
    .await;
    fake.serve(
        &property_path(sub),
        &example_body("azure-examples/Microsoft.Billing/2024-04-01/billingPropertyGetMCA.json"),
    )
    .await;
    fake.serve(
        &consumption_path(&profile, "credits/balanceSummary"),
        r#"{"properties": {"balanceSummary": {"estimatedBalance": {"currency": "USD", "value": 996.13},
            "currentBalance": {"currency": "USD", "value": 1000.00}}}}"#,
    )
    .await;
    let out = fake.run(&["balance", "--subscription", sub, "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json["kind"], "mcaProfile");
    assert_eq!(json["billingProfile"]["id"], profile);
    assert_eq!(
        json["subscription"],
        json!({"id": sub, "displayName": "Contoso Production"})
    );
    assert_eq!(
        json["estimatedBalance"],
        exact(r#"{"value": 996.13, "currency": "USD"}"#)
    );
    assert!(out.stderr.contains("billing profile Contoso"), "{out}");
    // A check on it is the profile's, judged as any: no estimate.
    let gated = fake.run(&["balance", "--subscription", sub, "--min", "2000"]);
    assert_eq!(gated.code, 1, "{gated}");
}

#[tokio::test(flavor = "multi_thread")]
async fn subscriptions_resolve_by_name_like_profiles() {
    let fake = visual_studio().await;
    let twin = "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f";
    fake.serve(
        "/subscriptions",
        &json!({"value": [
            serde_json::from_str::<Value>(&subscription_body(VS, "Visual Studio Enterprise", "MSDN_2014-09-01")).expect("JSON"),
            serde_json::from_str::<Value>(&subscription_body(twin, "Dev Test", "MSDNDevTest_2014-09-01")).expect("JSON"),
            serde_json::from_str::<Value>(&subscription_body("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "dev test", "MSDNDevTest_2014-09-01")).expect("JSON"),
        ]})
        .to_string(),
    )
    .await;
    let out = fake.run(
        &[
            &[
                "balance",
                "--subscription",
                "visual studio enterprise",
                "--allowance",
                "150",
                "--json",
            ][..],
            &ON_DAY,
        ]
        .concat(),
    );
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(out.json()["subscription"]["id"], VS);
    let unknown = fake.run(&["balance", "--subscription", "Nope", "--allowance", "150"]);
    assert_eq!(unknown.code, 5, "{unknown}");
    assert!(
        unknown.stderr.contains("Visual Studio Enterprise"),
        "{unknown}"
    );
    let twice = fake.run(&[
        "balance",
        "--subscription",
        "DEV TEST",
        "--allowance",
        "150",
    ]);
    assert_eq!(twice.code, 5, "{twice}");
    assert!(
        twice.stderr.contains(twin)
            && twice
                .stderr
                .contains("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
        "{twice}"
    );
}

#[test]
fn subscription_flags_are_refused_where_they_do_not_apply() {
    for args in [
        vec!["balance", "--subscription", VS, "--profile", "Development"],
        vec!["balance", "--allowance", "150"],
        vec!["balance", "--subscription", VS, "--period", "202612"],
        vec!["lots", "--subscription", VS],
    ] {
        let out = run(credits_command(&args));
        assert_eq!(out.code, 2, "{args:?}: {out}");
    }
}

#[test]
fn the_official_subscription_examples_read_exactly() {
    let billing = |file: &str| {
        let raw: credits::model::wire::BillingProperty = serde_json::from_str(&example_body(
            &format!("azure-examples/Microsoft.Billing/2024-04-01/{file}"),
        ))
        .expect("the example reads");
        serde_json::to_value(credits::model::subscription::SubscriptionBilling::from_wire(raw))
            .expect("it writes")
    };
    let account =
        "/providers/Microsoft.Billing/billingAccounts/00000000-0000-0000-0000-000000000000";
    assert_eq!(
        billing("billingPropertyGetMOSP.json"),
        json!({"agreementType": "MicrosoftOnlineServicesProgram", "billingAccountId": account,
               "billingProfileId": null, "billingProfileDisplayName": null})
    );
    // The doubled `billingProfiles/` segment of the MCA example is read as one.
    let mca = format!("{account}:00000000-0000-0000-0000-000000000000");
    assert_eq!(
        billing("billingPropertyGetMCA.json"),
        json!({"agreementType": "MicrosoftCustomerAgreement", "billingAccountId": mca,
               "billingProfileId": format!("{mca}/billingProfiles/xxxx-xxxx-xxx-xxx"),
               "billingProfileDisplayName": "Contoso"})
    );
    let raw: credits::model::wire::Subscription = serde_json::from_str(&example_body(
        "azure-examples/Microsoft.Resources/2022-12-01/GetSubscription.json",
    ))
    .expect("the example reads");
    let read = credits::model::subscription::Subscription::from_wire(raw).expect("it converts");
    assert_eq!(
        serde_json::to_value(&read).expect("it writes"),
        json!({"id": "291bba3f-e0a5-47bc-a099-3bdcb2a50a05", "displayName": "Example Subscription",
               "state": "Enabled", "quotaId": "Internal_2014-09-01", "spendingLimit": "Off"})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_amount_that_cannot_be_judged_is_bad_input_before_could_not_check() {
    let fake = visual_studio().await;
    let asked = [
        &["balance", "--subscription", VS, "--allowance", "150USD"][..],
        &ON_DAY,
    ]
    .concat();
    // A currency the estimate is not in: exit 2, with or without --allow-estimate.
    for extra in [
        &["--min", "500EUR"][..],
        &["--min", "500EUR", "--allow-estimate"][..],
    ] {
        let out = fake.run(&[&asked[..], extra].concat());
        assert_eq!(out.code, 2, "{extra:?}: {out}");
        assert!(
            out.stderr.contains("EUR") && out.stderr.contains("USD"),
            "{out}"
        );
    }
    let forecast = [
        &["forecast", "--subscription", VS, "--allowance", "150USD"][..],
        &ON_DAY,
    ]
    .concat();
    let out = fake.run(
        &[
            &forecast[..],
            &["--max-unused", "10EUR", "--allow-estimate"],
        ]
        .concat(),
    );
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains("--max-unused")
            && out.stderr.contains("EUR")
            && out.stderr.contains("(they are in USD)"),
        "a whole sentence naming both currencies: {out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn what_lapses_is_what_this_periods_daily_cost_leaves() {
    let fake = visual_studio().await;
    fn asked<'a>(allowance: &'a str, days: &'a str) -> Vec<&'a str> {
        [
            &[
                "balance",
                "--subscription",
                VS,
                "--allowance",
                allowance,
                "--allow-estimate",
                "--expiring-within",
                days,
            ][..],
            &ON_DAY,
        ]
        .concat()
    }
    // 150 USD: 47.71 USD is left when the period ends on 2026-12-19, 12 days on (the end
    // day counts, as a lot's does).
    let out = fake.run(&asked("150USD", "12"));
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stderr.contains("47.71 USD") && out.stderr.contains("2026-12-19"),
        "{out}"
    );
    assert_eq!(fake.run(&asked("150USD", "11")).code, 0);
    // 70 USD runs out before the period ends: nothing lapses.
    let out = fake.run(&asked("70USD", "30"));
    assert_eq!(out.code, 0, "{out}");
}

#[test]
fn allowance_flags_go_with_a_subscription_only() {
    for flag in [&["--allowance", "150USD"][..], &["--allow-estimate"][..]] {
        for command in ["balance", "forecast"] {
            let out = run(credits_command(
                &[&["--demo", command, "--profile", "Development"][..], flag].concat(),
            ));
            assert_eq!(out.code, 2, "{command} {flag:?}: {out}");
            assert!(out.stderr.contains("--subscription"), "{out}");
        }
    }
    // A negative allowance is read as one, and refused as one.
    let out = run(credits_command(&[
        "--demo",
        "balance",
        "--subscription",
        VS,
        "--allowance",
        "-5USD",
    ]));
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("negative"), "{out}");
}
