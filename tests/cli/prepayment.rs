//! `credits balance --account ENROLLMENT`: an Enterprise Agreement enrollment's Azure
//! Prepayment, read from the official examples exactly; one period, `--period`, `--periods`;
//! `--min` on the newest ending balance, `--expiring-within` on the enrollment's end; hidden
//! prices and a missing end date are "could not check" (6); a 403 names the roles (4).

use crate::support::*;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const ENROLLMENT: &str = "123456";

fn enrollment_id() -> String {
    format!("{ACCOUNTS_PATH}/{ENROLLMENT}")
}

fn current_path() -> String {
    format!(
        "{}/providers/Microsoft.Consumption/balances",
        enrollment_id()
    )
}

fn period_path(code: &str) -> String {
    format!(
        "{}/billingPeriods/{code}/providers/Microsoft.Consumption/balances",
        enrollment_id()
    )
}

fn example(relative: &str) -> Value {
    let example: Value =
        serde_json::from_str(&fixture_text(relative)).expect("the example is JSON");
    example["responses"]["200"]["body"].clone()
}

fn current_example() -> Value {
    example("azure-examples/Microsoft.Consumption/2026-06-01/BalancesByBillingAccount.json")
}

/// The enrollment "Contoso EA" (and an MCA account beside it), listed.
async fn enrollment() -> Fake {
    let fake = Fake::start().await;
    let accounts = json!({"value": [
        {"id": enrollment_id(), "name": ENROLLMENT, "type": "Microsoft.Billing/billingAccounts",
         "properties": {"displayName": "Contoso EA", "agreementType": "EnterpriseAgreement",
                        "accountType": "Enterprise", "hasReadAccess": true}},
        {"id": format!("{ACCOUNTS_PATH}/{ACCOUNT}"), "name": ACCOUNT,
         "type": "Microsoft.Billing/billingAccounts",
         "properties": {"displayName": "Contoso MCA", "agreementType": "MicrosoftCustomerAgreement",
                        "hasReadAccess": true, "billingProfiles": {"hasMoreResults": false, "value": []}}}
    ]});
    fake.accounts(&accounts.to_string()).await;
    fake
}

fn on_day(fake: &Fake, day: &str, args: &[&str]) -> Outcome {
    let mut argv = vec!["--as-of", day, "balance", "--account"];
    argv.extend_from_slice(args);
    fake.run(&argv)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_current_period_is_read_exactly_from_the_official_example() {
    let fake = enrollment().await;
    fake.serve(&current_path(), &current_example().to_string())
        .await;
    let out = on_day(&fake, "2026-12-01", &["Contoso EA", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json["kind"], "eaPrepayment");
    assert_eq!(json["account"], ENROLLMENT);
    // The answer's id names its period (201702): that is the period, whatever month it is.
    assert_eq!(json["period"], "201702");
    assert_eq!(json["currency"], "USD");
    assert_eq!(
        json["beginningBalance"],
        exact(r#"{"value": 3396469.19, "currency": "USD"}"#)
    );
    assert_eq!(
        json["endingBalance"],
        exact(r#"{"value": 2922371.02, "currency": "USD"}"#)
    );
    assert_eq!(
        json["utilized"],
        exact(r#"{"value": 474098.17, "currency": "USD"}"#)
    );
    assert_eq!(
        json["azureMarketplaceServiceCharges"],
        exact(r#"{"value": 609.82, "currency": "USD"}"#)
    );
    assert_eq!(
        json["overageRefund"],
        exact(r#"{"value": 2012.61, "currency": "USD"}"#)
    );
    assert_eq!(json["billingFrequency"], "Month");
    assert_eq!(json["priceHidden"], false);
    assert_eq!(
        json["adjustmentDetails"],
        exact(
            r#"[{"name": "Promo Credit", "value": {"value": 1.1, "currency": "USD"}},
                {"name": "SIE Credit", "value": {"value": 1, "currency": "USD"}}]"#
        )
    );
    let table = on_day(&fake, "2026-12-01", &[ENROLLMENT]);
    assert_eq!(table.code, 0, "{table}");
    assert!(
        table
            .stdout
            .contains("Enrollment: Contoso EA (123456), Azure Prepayment, period 2017-02"),
        "{table}"
    );
    assert!(table.stdout.contains("2,922,371.02 USD"), "{table}");
    assert!(
        table
            .stdout
            .contains("Adjustments: Promo Credit 1.10 USD; SIE Credit 1.00 USD"),
        "{table}"
    );
    // --min judges the ending balance.
    let passes = on_day(
        &fake,
        "2026-12-01",
        &[ENROLLMENT, "--min", "2900000", "-o", "none"],
    );
    assert_eq!(passes.code, 0, "{passes}");
    let fails = on_day(
        &fake,
        "2026-12-01",
        &[ENROLLMENT, "--min", "3000000USD", "-o", "none"],
    );
    assert_eq!(fails.code, 1, "{fails}");
    assert!(
        fails
            .stderr
            .contains("below the minimum 3,000,000 USD by 77,628.98 USD"),
        "{fails}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_period_is_read_at_its_own_path() {
    let fake = enrollment().await;
    let body = example(
        "azure-examples/Microsoft.Consumption/2026-06-01/BalancesByBillingAccountForBillingPeriod.json",
    );
    fake.serve(&period_path("201702"), &body.to_string()).await;
    for asked in ["201702", "2017-02"] {
        let out = on_day(
            &fake,
            "2026-12-01",
            &[ENROLLMENT, "--period", asked, "--json"],
        );
        assert_eq!(out.code, 0, "{out}");
        assert_eq!(out.json()["period"], "201702");
        assert_eq!(out.json()["totalUsage"]["value"].to_string(), "474098.17");
    }
    let bad = on_day(&fake, "2026-12-01", &[ENROLLMENT, "--period", "201713"]);
    assert_eq!(bad.code, 2, "{bad}");
    assert!(bad.stderr.contains("month 01-12"), "{bad}");
}

#[tokio::test(flavor = "multi_thread")]
async fn periods_are_rows_newest_first_and_a_missing_one_is_said() {
    let fake = enrollment().await;
    // Each answer names its own period in its id, as Azure's do.
    let with_ending = |period: &str, ending: f64| {
        let mut body = current_example();
        body["id"] = json!(format!("{}/balanceId1", period_path(period)));
        body["properties"]["endingBalance"] = json!(ending);
        body.to_string()
    };
    fake.serve(&current_path(), &with_ending("202612", 100.5))
        .await;
    fake.serve(&period_path("202611"), &with_ending("202611", 200.25))
        .await;
    // 202610 is not served: Azure answers 404.
    let out = on_day(
        &fake,
        "2026-12-15",
        &[ENROLLMENT, "--periods", "3", "--json"],
    );
    assert_eq!(out.code, 0, "{out}");
    let rows = out.json();
    let periods: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["202612", "202611"]);
    assert_eq!(rows[1]["endingBalance"]["value"].to_string(), "200.25");
    assert!(
        out.stderr
            .contains("no Azure Prepayment balance for 202610"),
        "{out}"
    );
    let table = on_day(&fake, "2026-12-15", &[ENROLLMENT, "--periods", "2"]);
    assert!(table.stdout.contains("| 2026-12 "), "{table}");
    for bad in ["0", "121", "x"] {
        let out = on_day(&fake, "2026-12-15", &[ENROLLMENT, "--periods", bad]);
        assert_eq!(out.code, 2, "{bad}: {out}");
    }
    let both = on_day(
        &fake,
        "2026-12-15",
        &[ENROLLMENT, "--periods", "2", "--period", "202611"],
    );
    assert_eq!(both.code, 2, "{both}");
}

#[tokio::test(flavor = "multi_thread")]
async fn hidden_prices_are_hidden_never_zero_and_cannot_be_checked() {
    let fake = enrollment().await;
    let mut body = current_example();
    body["properties"]["priceHidden"] = json!(true);
    fake.serve(&current_path(), &body.to_string()).await;
    let json = on_day(&fake, "2026-12-01", &[ENROLLMENT, "--json"]).json();
    assert_eq!(json["priceHidden"], true);
    assert_eq!(json["endingBalance"], Value::Null);
    assert_eq!(json["adjustmentDetails"][0]["value"], Value::Null);
    let table = on_day(&fake, "2026-12-01", &[ENROLLMENT]);
    assert!(table.stdout.contains("| Ending balance"), "{table}");
    assert!(table.stdout.contains("hidden"), "{table}");
    assert!(!table.stdout.contains("0.00 USD"), "{table}");
    let gated = on_day(&fake, "2026-12-01", &[ENROLLMENT, "--min", "1"]);
    assert_eq!(gated.code, 6, "{gated}");
    assert!(gated.stderr.contains("hidden"), "{gated}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_enrollments_end_is_judged_and_a_missing_end_cannot_be() {
    let fake = enrollment().await;
    fake.serve(&current_path(), &current_example().to_string())
        .await;
    let mut account =
        example("azure-examples/Microsoft.Billing/2024-04-01/billingAccountsGetEA.json");
    account["id"] = json!(enrollment_id());
    account["name"] = json!(ENROLLMENT);
    fake.serve(&enrollment_id(), &account.to_string()).await;
    // The example's enrollment ends 2019-05-31.
    let ends = on_day(
        &fake,
        "2019-05-15",
        &[ENROLLMENT, "--expiring-within", "30", "-o", "none"],
    );
    assert_eq!(ends.code, 1, "{ends}");
    assert!(
        ends.stderr.contains("enrollment 123456 ends on 2019-05-31"),
        "{ends}"
    );
    let later = on_day(
        &fake,
        "2019-04-01",
        &[ENROLLMENT, "--expiring-within", "30", "-o", "none"],
    );
    assert_eq!(later.code, 0, "{later}");

    let silent = enrollment().await;
    silent
        .serve(&current_path(), &current_example().to_string())
        .await;
    account["properties"]
        .as_object_mut()
        .unwrap()
        .remove("enrollmentDetails");
    silent.serve(&enrollment_id(), &account.to_string()).await;
    let unknown = on_day(
        &silent,
        "2019-05-15",
        &[ENROLLMENT, "--expiring-within", "30"],
    );
    assert_eq!(unknown.code, 6, "{unknown}");
    assert!(
        unknown.stderr.contains("does not say when it ends"),
        "{unknown}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_enrollment_names_the_roles_that_read_it() {
    let fake = enrollment().await;
    Mock::given(method("GET"))
        .and(path(current_path()))
        .respond_with(
            ResponseTemplate::new(403).set_body_string(
                r#"{"error":{"code":"AuthorizationFailed","message":"No access."}}"#,
            ),
        )
        .mount(&fake.server)
        .await;
    let out = on_day(&fake, "2026-12-01", &[ENROLLMENT]);
    assert_eq!(out.code, 4, "{out}");
    assert!(out.stderr.contains("EnrollmentReader"), "{out}");
    assert!(out.stderr.contains("enterprise administrator"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_mca_account_and_periods_elsewhere_are_refused() {
    let fake = enrollment().await;
    let mca = on_day(&fake, "2026-12-01", &["Contoso MCA"]);
    assert_eq!(mca.code, 2, "{mca}");
    assert!(
        mca.stderr.contains("Enterprise Agreement enrollment"),
        "{mca}"
    );
    let before = fake.request_count().await;
    let profile = fake.run(&["balance", "--profile", "Development", "--period", "202611"]);
    assert_eq!(profile.code, 2, "{profile}");
    assert!(profile.stderr.contains("--account ENROLLMENT"), "{profile}");
    assert_eq!(
        fake.request_count().await,
        before,
        "no request for bad input"
    );
}

/// `lots` and `events` at an enrollment read its MACC lots and transactions as at any
/// account, and say in one line where its Azure Prepayment is read.
#[tokio::test(flavor = "multi_thread")]
async fn lots_and_events_at_an_enrollment_say_where_the_prepayment_is() {
    let fake = enrollment().await;
    for what in ["lots", "events"] {
        fake.serve(
            &format!("{}/providers/Microsoft.Consumption/{what}", enrollment_id()),
            r#"{"value": []}"#,
        )
        .await;
        let out = fake.run(&[what, "--account", ENROLLMENT, "--json"]);
        assert_eq!(out.code, 0, "{out}");
        assert_eq!(out.json(), json!([]), "{out}");
        assert!(
            out.stderr.contains(
                "billing account Contoso EA is an Enterprise Agreement enrollment: its Azure Prepayment is read with credits balance --account 123456"
            ),
            "{out}"
        );
    }
    // At an MCA account, no such line.
    fake.serve(
        &format!("{ACCOUNTS_PATH}/{ACCOUNT}/providers/Microsoft.Consumption/lots"),
        r#"{"value": []}"#,
    )
    .await;
    let mca = fake.run(&["lots", "--account", "Contoso MCA"]);
    assert_eq!(mca.code, 0, "{mca}");
    assert!(!mca.stderr.contains("Enterprise Agreement"), "{mca}");
}

/// `verify --account ENROLLMENT`: the official example's arithmetic holds (`ea-ledger`
/// passed, the MCA checks not checked); a period that does not add up warns, and fails with
/// `--strict`; hidden prices cannot be checked.
#[tokio::test(flavor = "multi_thread")]
async fn verify_checks_the_prepayments_own_arithmetic() {
    let fake = enrollment().await;
    fake.serve(&current_path(), &current_example().to_string())
        .await;
    let out = on_verify(&fake, &[ENROLLMENT, "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let checks = out.json()["checks"].clone();
    let results: Vec<(&str, &str)> = checks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["check"].as_str().unwrap(), c["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        results,
        [
            ("available-balance", "not checked"),
            ("summary", "not checked"),
            ("ledger", "not checked"),
            ("ea-ledger", "passed"),
            ("ea-ledger", "passed"),
        ]
    );
    assert_eq!(
        checks[3]["actual"],
        exact(r#"{"value": 2922371.02, "currency": "USD"}"#)
    );

    let broken = enrollment().await;
    let mut body = current_example();
    body["properties"]["endingBalance"] = json!(2922000.00);
    broken.serve(&current_path(), &body.to_string()).await;
    let warned = on_verify(&broken, &[ENROLLMENT]);
    assert_eq!(warned.code, 0, "{warned}");
    assert!(warned.stdout.contains("warning"), "{warned}");
    let strict = on_verify(&broken, &[ENROLLMENT, "--strict"]);
    assert_eq!(strict.code, 1, "{strict}");
    assert!(strict.stderr.contains("ea-ledger"), "{strict}");

    let hidden = enrollment().await;
    let mut body = current_example();
    body["properties"]["priceHidden"] = json!(true);
    hidden.serve(&current_path(), &body.to_string()).await;
    let unknown = on_verify(&hidden, &[ENROLLMENT]);
    assert_eq!(unknown.code, 6, "{unknown}");

    let mca = on_verify(&fake, &["Contoso MCA"]);
    assert_eq!(mca.code, 2, "{mca}");
    let invoices = on_verify(&fake, &[ENROLLMENT, "--invoices"]);
    assert_eq!(invoices.code, 2, "{invoices}");
}

fn on_verify(fake: &Fake, args: &[&str]) -> Outcome {
    let mut argv = vec!["--as-of", "2026-12-01", "verify", "--account"];
    argv.extend_from_slice(args);
    fake.run(&argv)
}

/// A named period whose answer names another period is refused, never shown as the one
/// asked; `--min` never judges an older period in the newest one's place.
#[tokio::test(flavor = "multi_thread")]
async fn an_answer_for_another_period_is_refused_and_min_judges_only_the_newest() {
    let fake = enrollment().await;
    // The example's id names 201702.
    fake.serve(&period_path("202611"), &current_example().to_string())
        .await;
    let out = on_day(&fake, "2026-12-15", &[ENROLLMENT, "--period", "202611"]);
    assert_eq!(out.code, 6, "{out}");
    assert!(
        out.stderr.contains("for 201702 when 202611 was asked"),
        "{out}"
    );

    let older = enrollment().await;
    let mut body = current_example();
    body["id"] = json!(format!("{}/balanceId1", period_path("202611")));
    older.serve(&period_path("202611"), &body.to_string()).await;
    // The current period answers 404: only 202611 is read, and --min cannot be judged.
    let gated = on_day(
        &older,
        "2026-12-15",
        &[ENROLLMENT, "--periods", "2", "--min", "1", "-o", "none"],
    );
    assert_eq!(gated.code, 6, "{gated}");
    assert!(gated.stderr.contains("newest period asked"), "{gated}");
    let refused = on_day(&older, "2026-12-15", &[ENROLLMENT, "--details"]);
    assert_eq!(refused.code, 2, "{refused}");
    assert!(
        refused.stderr.contains("--details does not apply"),
        "{refused}"
    );
}

/// One period's answer: its id names the period, as Azure's do.
fn period_body(code: &str, ending: &str, utilized: &str, hidden: bool) -> String {
    json!({
        "id": format!("{}/balanceId1", period_path(code)),
        "name": "balanceId1",
        "type": "Microsoft.Consumption/balances",
        "properties": {
            "currency": "USD  ", "beginningBalance": 0, "newPurchases": 0, "adjustments": 0,
            "endingBalance": ending.parse::<f64>().unwrap(),
            "utilized": utilized.parse::<f64>().unwrap(),
            "serviceOverage": 0, "priceHidden": hidden
        }
    })
    .to_string()
}

/// Serves period `code` at its own path (`billingPeriods/code`).
async fn serve_period(fake: &Fake, code: &str, ending: &str, utilized: &str, hidden: bool) {
    fake.serve(
        &period_path(code),
        &period_body(code, ending, utilized, hidden),
    )
    .await;
}

/// Serves the open period's answer (Azure's unnamed path), naming period `code`.
async fn serve_open(fake: &Fake, code: &str, ending: &str, utilized: &str, hidden: bool) {
    fake.serve(
        &current_path(),
        &period_body(code, ending, utilized, hidden),
    )
    .await;
}

/// The enrollment as Billing 2024-04-01 has it, ending on `end`.
async fn ending_on(fake: &Fake, end: &str) {
    let account = json!({
        "id": enrollment_id(), "name": ENROLLMENT, "type": "Microsoft.Billing/billingAccounts",
        "properties": {"agreementType": "EnterpriseAgreement",
                       "enrollmentDetails": {"startDate": "2025-01-01T00:00:00Z", "endDate": end}}
    });
    fake.serve(&enrollment_id(), &account.to_string()).await;
}

fn on_forecast(fake: &Fake, args: &[&str]) -> Outcome {
    let mut argv = vec!["--as-of", "2026-12-10", "forecast", "--account", ENROLLMENT];
    argv.extend_from_slice(args);
    fake.run(&argv)
}

/// `forecast --account`: the burn rate is the use of the last three closed periods (hidden
/// ones skipped) per day; the runway counts from the newest ending balance; `--min-days`
/// judges the earlier of the runway and the enrollment's end; what is left at the end
/// expires.
#[tokio::test(flavor = "multi_thread")]
async fn an_enrollment_is_forecast_from_its_closed_periods() {
    let fake = enrollment().await;
    serve_open(&fake, "202612", "1000", "95", false).await;
    // 202611 is hidden: skipped. 202610 (31 days), 202609 (30), 202608 (31) burn 930 in 92 days.
    serve_period(&fake, "202611", "0", "0", true).await;
    serve_period(&fake, "202610", "1300", "310", false).await;
    serve_period(&fake, "202609", "1610", "300", false).await;
    serve_period(&fake, "202608", "1910", "320", false).await;
    ending_on(&fake, "2027-02-08T00:00:00Z").await;
    let out = on_forecast(&fake, &["--json"]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json["kind"], "eaPrepayment");
    assert_eq!(json["burnPeriods"], json!(["202610", "202609", "202608"]));
    // 930 / 92 = 10.1087 a day; 1000 lasts 98 days.
    assert_eq!(
        json["burnRatePerDay"],
        exact(r#"{"value": 10.1087, "currency": "USD"}"#)
    );
    assert_eq!(json["runwayDays"], 98);
    assert_eq!(json["depletionDate"], "2027-03-18");
    assert_eq!(json["enrollmentEndDate"], "2027-02-08");
    // 60 days to the end: 1000 - 60 x 10.1087 = 393.478 left, expiring with it.
    assert_eq!(
        json["expiringUnused"],
        exact(r#"{"value": 393.48, "currency": "USD"}"#)
    );

    let ends_first = on_forecast(&fake, &["--min-days", "70", "-o", "none"]);
    assert_eq!(ends_first.code, 1, "{ends_first}");
    assert!(
        ends_first
            .stderr
            .contains("the enrollment ends in 60 days, fewer than 70"),
        "{ends_first}"
    );
    let lasts = on_forecast(
        &fake,
        &["--min-days", "60", "--max-unused", "400", "-o", "none"],
    );
    assert_eq!(lasts.code, 0, "{lasts}");
    let unused = on_forecast(&fake, &["--max-unused", "300USD", "-o", "none"]);
    assert_eq!(unused.code, 1, "{unused}");
    let window = on_forecast(&fake, &["--window", "30"]);
    assert_eq!(window.code, 2, "{window}");
    let table = on_forecast(&fake, &[]);
    assert!(table.stdout.contains("98 days"), "{table}");
    assert!(
        table
            .stdout
            .contains("10.11 USD (use of 2026-08 to 2026-10)"),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_enrollment_with_too_little_history_cannot_be_forecast() {
    let fake = enrollment().await;
    serve_open(&fake, "202612", "1000", "95", false).await;
    serve_period(&fake, "202611", "1100", "300", false).await;
    ending_on(&fake, "2027-02-08T00:00:00Z").await;
    let out = on_forecast(&fake, &["--min-days", "10"]);
    assert_eq!(out.code, 6, "{out}");
    assert!(out.stderr.contains("too little history"), "{out}");
    assert!(out.stdout.contains("too little history"), "{out}");
}

/// `balance --all-enrollments`: a row per enrollment listed, the current period of each;
/// one that cannot be read is a row saying why and decides the exit code; MCA accounts are
/// not enrollments.
#[tokio::test(flavor = "multi_thread")]
async fn every_enrollment_is_a_row() {
    let fake = Fake::start().await;
    let other = "654321";
    let accounts = json!({"value": [
        {"id": enrollment_id(), "name": ENROLLMENT, "type": "Microsoft.Billing/billingAccounts",
         "properties": {"displayName": "Contoso EA", "agreementType": "EnterpriseAgreement"}},
        {"id": format!("{ACCOUNTS_PATH}/{other}"), "name": other,
         "type": "Microsoft.Billing/billingAccounts",
         "properties": {"displayName": "Fabrikam EA", "agreementType": "enterpriseagreement"}},
        {"id": format!("{ACCOUNTS_PATH}/{ACCOUNT}"), "name": ACCOUNT,
         "type": "Microsoft.Billing/billingAccounts",
         "properties": {"displayName": "Contoso MCA", "agreementType": "MicrosoftCustomerAgreement",
                        "billingProfiles": {"hasMoreResults": false, "value": []}}}
    ]});
    fake.accounts(&accounts.to_string()).await;
    serve_open(&fake, "202612", "1000", "95", false).await;
    forbid(
        &fake,
        &format!("{ACCOUNTS_PATH}/{other}/providers/Microsoft.Consumption/balances"),
    )
    .await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-10",
        "balance",
        "--all-enrollments",
        "--json",
    ]);
    assert_eq!(out.code, 4, "{out}");
    let rows = out.json();
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "{out}");
    assert_eq!(rows[0]["account"], ENROLLMENT);
    assert_eq!(rows[0]["outcome"], "ok");
    assert_eq!(rows[0]["endingBalance"]["value"].to_string(), "1000.0");
    assert_eq!(rows[1]["account"], other);
    assert_eq!(rows[1]["outcome"], "forbidden");
    assert_eq!(rows[1]["error"]["exitCode"], 4);
    let table = fake.run(&["--as-of", "2026-12-10", "balance", "--all-enrollments"]);
    assert!(table.stdout.contains("error: "), "{table}");
}

/// An MCA account with "Development" (996.13 USD) beside the enrollment (1000 USD).
async fn profile_and_enrollment() -> Fake {
    let fake = Fake::start().await;
    let mut accounts: Value = serde_json::from_str(&accounts_body(&[(
        ACCOUNT,
        "Contoso MCA",
        &[(DEV_PROFILE, "Development", "USD")],
    )]))
    .expect("JSON");
    if let Some(all) = accounts["value"].as_array_mut() {
        all.push(json!({"id": enrollment_id(), "name": ENROLLMENT, "type": "Microsoft.Billing/billingAccounts",
            "properties": {"displayName": "Contoso EA", "agreementType": "EnterpriseAgreement"}}));
    }
    fake.accounts(&accounts.to_string()).await;
    fake.serve(
        &consumption_path(&profile_id(ACCOUNT, DEV_PROFILE), "credits/balanceSummary"),
        r#"{"properties": {"balanceSummary": {"estimatedBalance": {"currency": "USD", "value": 996.13},
            "currentBalance": {"currency": "USD", "value": 1000.00}}}}"#,
    )
    .await;
    serve_open(&fake, "202612", "1000", "95", false).await;
    fake
}

/// `balance --all --all-enrollments`: both kinds in one JSON array (each says its kind), a
/// table of each for people, the checks over both; csv cannot hold both and says so.
#[tokio::test(flavor = "multi_thread")]
async fn all_and_all_enrollments_give_both_kinds() {
    let fake = profile_and_enrollment().await;
    let both = [
        "--as-of",
        "2026-12-10",
        "balance",
        "--all",
        "--all-enrollments",
    ];
    let out = fake.run(&[&both[..], &["--json"]].concat());
    assert_eq!(out.code, 0, "{out}");
    let rows = out.json();
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "{out}");
    assert_eq!(rows[0]["kind"], "mcaProfile");
    assert_eq!(
        rows[0]["estimatedBalance"],
        exact(r#"{"value": 996.13, "currency": "USD"}"#)
    );
    assert_eq!(rows[1]["kind"], "eaPrepayment");
    assert_eq!(rows[1]["account"], ENROLLMENT);

    let table = fake.run(&both);
    assert_eq!(table.code, 0, "{table}");
    for shown in [
        "Development",
        "996.13 USD",
        "Enterprise Agreement enrollments",
        "Contoso EA",
    ] {
        assert!(table.stdout.contains(shown), "{shown}: {table}");
    }
    // The profile is below 999, the enrollment is not: the check names the profile.
    let gated = fake.run(&[&both[..], &["--min", "999"]].concat());
    assert_eq!(gated.code, 1, "{gated}");
    assert!(gated.stderr.contains("Development"), "{gated}");
    assert!(!gated.stderr.contains("Contoso EA"), "{gated}");
    let csv = fake.run(&[&both[..], &["-o", "csv"]].concat());
    assert_eq!(csv.code, 2, "{csv}");
    assert!(csv.stdout.is_empty(), "{csv}");
}

/// `--all-enrollments --expiring-within DAYS` judges each enrollment's end date.
#[tokio::test(flavor = "multi_thread")]
async fn all_enrollments_judge_each_end_date() {
    let fake = enrollment().await;
    serve_open(&fake, "202612", "1000", "95", false).await;
    ending_on(&fake, "2026-12-20T00:00:00Z").await;
    let asked = [
        "--as-of",
        "2026-12-10",
        "balance",
        "--all-enrollments",
        "--expiring-within",
    ];
    let soon = fake.run(&[&asked[..], &["30"]].concat());
    assert_eq!(soon.code, 1, "{soon}");
    assert!(soon.stderr.contains("2026-12-20"), "{soon}");
    let later = fake.run(&[&asked[..], &["5"]].concat());
    assert_eq!(later.code, 0, "{later}");
}

/// `forecast --all-enrollments`: a forecast row per enrollment, its checks judged.
#[tokio::test(flavor = "multi_thread")]
async fn every_enrollment_is_forecast() {
    let fake = enrollment().await;
    serve_open(&fake, "202612", "1000", "95", false).await;
    serve_period(&fake, "202611", "1100", "300", false).await;
    serve_period(&fake, "202610", "1400", "310", false).await;
    serve_period(&fake, "202609", "1710", "320", false).await;
    ending_on(&fake, "2027-12-31T00:00:00Z").await;
    let asked = ["--as-of", "2026-12-10", "forecast", "--all-enrollments"];
    let out = fake.run(&[&asked[..], &["--json"]].concat());
    assert_eq!(out.code, 0, "{out}");
    let rows = out.json();
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{out}");
    assert_eq!(rows[0]["kind"], "eaPrepayment");
    assert_eq!(rows[0]["outcome"], "ok");
    assert_eq!(
        rows[0]["burnPeriods"],
        json!(["202611", "202610", "202609"])
    );
    assert!(rows[0]["runwayDays"].as_i64().is_some(), "{out}");
    let gated = fake.run(&[&asked[..], &["--min-days", "1000"]].concat());
    assert_eq!(gated.code, 1, "{gated}");
    let table = fake.run(&asked);
    assert!(table.stdout.contains("Contoso EA"), "{table}");
    let window = fake.run(&[&asked[..], &["--window", "30"]].concat());
    assert_eq!(window.code, 2, "{window}");
}

/// The open period's answer never counts in the burn (its use is partial), even when it
/// names the month before `--as-of`'s; an open period Azure does not answer for, hidden
/// prices, and an end date that cannot be read make `--min-days` "could not check" with the
/// read's exit code.
#[tokio::test(flavor = "multi_thread")]
async fn the_open_period_never_burns_and_unknowns_cannot_be_checked() {
    let fake = enrollment().await;
    // Azure still has November open on 10 December.
    serve_open(&fake, "202611", "1000", "50", false).await;
    serve_period(&fake, "202611", "1000", "50", false).await;
    serve_period(&fake, "202610", "1300", "310", false).await;
    serve_period(&fake, "202609", "1610", "300", false).await;
    serve_period(&fake, "202608", "1910", "320", false).await;
    ending_on(&fake, "2027-12-31T00:00:00Z").await;
    let json = on_forecast(&fake, &["--json"]).json();
    assert_eq!(json["period"], "202611");
    assert_eq!(json["burnPeriods"], json!(["202610", "202609", "202608"]));

    // No answer for the open period: the runway has nothing to start from.
    let no_open = enrollment().await;
    serve_period(&no_open, "202611", "1000", "300", false).await;
    serve_period(&no_open, "202610", "1300", "310", false).await;
    serve_period(&no_open, "202609", "1610", "300", false).await;
    ending_on(&no_open, "2027-12-31T00:00:00Z").await;
    let out = on_forecast(&no_open, &["--min-days", "10"]);
    assert_eq!(out.code, 6, "{out}");

    // Hidden prices in the open period.
    let hidden = enrollment().await;
    serve_open(&hidden, "202612", "1000", "95", true).await;
    serve_period(&hidden, "202611", "1100", "300", false).await;
    serve_period(&hidden, "202610", "1300", "310", false).await;
    serve_period(&hidden, "202609", "1610", "300", false).await;
    ending_on(&hidden, "2027-12-31T00:00:00Z").await;
    let out = on_forecast(&hidden, &["--min-days", "10"]);
    assert_eq!(out.code, 6, "{out}");
    assert!(out.stderr.contains("priceHidden"), "{out}");
    assert!(on_forecast(&hidden, &[]).stdout.contains("hidden"));

    // The end date refused: --min-days says so with the refusal's exit code (4), unless the
    // runway alone fails it.
    let refused = enrollment().await;
    serve_open(&refused, "202612", "1000", "95", false).await;
    serve_period(&refused, "202611", "1100", "300", false).await;
    serve_period(&refused, "202610", "1300", "310", false).await;
    serve_period(&refused, "202609", "1610", "300", false).await;
    forbid(&refused, &enrollment_id()).await;
    let out = on_forecast(&refused, &["--min-days", "1"]);
    assert_eq!(out.code, 4, "{out}");
    let runs_out = on_forecast(&refused, &["--min-days", "400", "-o", "none"]);
    assert_eq!(runs_out.code, 1, "{runs_out}");
}

/// A period without `serviceOverage` cannot have its overage checked: never compared with
/// an invented 0.
#[tokio::test(flavor = "multi_thread")]
async fn a_missing_service_overage_cannot_be_checked() {
    let fake = enrollment().await;
    let mut body = current_example();
    body["properties"]
        .as_object_mut()
        .unwrap()
        .remove("serviceOverage");
    fake.serve(&current_path(), &body.to_string()).await;
    let out = on_verify(&fake, &[ENROLLMENT, "--json"]);
    assert_eq!(out.code, 6, "{out}");
    let results: Vec<String> = out.json()["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["result"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(results[3..], ["passed", "could not check"]);
}

/// An enrollment-only sign-in: `--all --all-enrollments` answers with the enrollments (the
/// missing profiles said in a note); a check asked of no enrollment at all is exit 5, never
/// "all clear".
#[tokio::test(flavor = "multi_thread")]
async fn both_kinds_with_only_enrollments_and_a_check_with_none() {
    let fake = enrollment().await;
    serve_open(&fake, "202612", "1000", "95", false).await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-10",
        "balance",
        "--all",
        "--all-enrollments",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let rows = out.json();
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{out}");
    assert_eq!(rows[0]["kind"], "eaPrepayment");
    assert!(
        out.stderr
            .contains("no Microsoft Customer Agreement billing profile"),
        "{out}"
    );

    let none = Fake::start().await;
    none.accounts(&accounts_body(&[(
        ACCOUNT,
        "Contoso MCA",
        &[(DEV_PROFILE, "Development", "USD")],
    )]))
    .await;
    for command in ["balance", "forecast"] {
        let out = none.run(&[command, "--all-enrollments", "--min", "5"]);
        assert_eq!(out.code, 5, "{command}: {out}");
        assert!(
            out.stderr.contains("no Enterprise Agreement enrollment"),
            "{out}"
        );
        let plain = none.run(&[command, "--all-enrollments"]);
        assert_eq!(plain.code, 0, "{command}: {plain}");
    }
}
