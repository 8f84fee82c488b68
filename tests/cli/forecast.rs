//! `credits forecast`: burn rate, runway and credit expiring unused, on the demo tenant and
//! against a fake, with its checks.

use crate::support::*;
use serde_json::Value;

fn demo(args: &[&str]) -> Outcome {
    let mut all = vec!["--demo", "--as-of", "2026-12-01"];
    all.extend_from_slice(args);
    run(credits_command(&all))
}

#[test]
fn demo_forecast_of_development_shows_rate_runway_and_bounds() {
    let outcome = demo(&["forecast", "--profile", "Development"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    insta::assert_snapshot!(outcome.to_string());
}

#[test]
fn demo_forecast_all_is_a_row_per_profile() {
    let outcome = demo(&["forecast", "--all"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    insta::assert_snapshot!(outcome.to_string());
}

#[test]
fn forecast_json_has_every_documented_field() {
    let outcome = demo(&["forecast", "-p", "Development", "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    // The printed text, exact digits and field order as a script sees them.
    insta::assert_snapshot!(outcome.stdout);
    let json = outcome.json();
    // 1,046.80 charged in the 90 days to 2026-12-01: 11.6311 a day (to 4 places).
    assert_eq!(json["burnRatePerDay"]["value"].to_string(), "11.6311");
    assert_eq!(json["burnRatePerDay"]["currency"], "USD");
    assert_eq!(
        json["window"],
        serde_json::json!({"start": "2026-09-03", "end": "2026-12-01", "days": 90})
    );
    let months: Vec<(String, String)> = json["monthlyCharges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_string(),
                m["charges"]["value"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2026-09".to_string(), "0.00".to_string()),
            ("2026-10".to_string(), "289.47".to_string()),
            ("2026-11".to_string(), "302.15".to_string()),
            ("2026-12".to_string(), "455.18".to_string())
        ]
    );
    // 2,927.77 USD at the burn rate of the 90-day window lasts 251 days.
    assert_eq!(json["runwayDays"], 251);
    assert_eq!(json["depletionDate"], "2027-08-09");
    let unused = &json["expiringUnused"];
    assert_eq!(unused["bestCase"]["value"].to_string(), "1565.19");
    assert_eq!(unused["worstCase"]["value"].to_string(), "1565.19");
    // The last lot lapses long before the balance would run out.
    assert_eq!(unused["creditLastsBestCase"], "2027-03-26");
    assert_eq!(
        unused["lots"][0]["unusedWorstCase"]["value"].to_string(),
        "249.68"
    );
    assert_eq!(
        unused["lots"][0]["unusedBestCase"]["value"].to_string(),
        "0.00"
    );
    assert_eq!(json["billingProfile"]["displayName"], "Development");
    assert_eq!(
        json["inputs"]["balance"]["estimatedBalance"]["value"].to_string(),
        "2927.77"
    );
    assert_eq!(json["inputs"]["lots"].as_array().unwrap().len(), 4);
    assert!(json.get("tooLittleHistory").is_none());
}

/// A profile without credit (Marketing: Azure answers 204) is not "could not check": it is
/// judged like any other, with a balance of 0, a runway of 0 days and nothing expiring.
#[test]
fn a_profile_without_credit_is_judged_like_any_other() {
    let outcome = demo(&["forecast", "-p", "Marketing", "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    let json = outcome.json();
    assert_eq!(json["burnRatePerDay"], Value::Null);
    assert_eq!(json["runwayDays"], 0);
    assert_eq!(json["noCredit"], true);
    assert!(json.get("tooLittleHistory").is_none(), "{json}");
    let checked = demo(&["forecast", "-p", "Marketing", "--min-days", "30"]);
    assert_eq!(checked.code, 1, "{checked}");
    assert!(checked.stderr.contains("the runway of 0 days"), "{checked}");
    let unused = demo(&[
        "-o",
        "none",
        "forecast",
        "-p",
        "Marketing",
        "--max-unused",
        "10",
    ]);
    assert_eq!(unused.code, 0, "{unused}");
    let minimum = demo(&["-o", "none", "balance", "-p", "Marketing", "--min", "100"]);
    assert_eq!(minimum.code, 1, "{minimum}");
    assert!(
        minimum
            .stderr
            .contains("estimated balance 0.00 EUR is below the minimum 100 EUR"),
        "{minimum}"
    );
}

#[test]
fn forecast_checks_fail_with_the_figures_after_printing_the_data() {
    let runway = demo(&["forecast", "-p", "Production", "--min-days", "100"]);
    assert_eq!(runway.code, 1, "{runway}");
    assert!(runway.stdout.contains("Runway"), "data first: {runway}");
    // The credit is really gone when its lots lapse (45 days), before the burn runway (70).
    assert!(
        runway.stderr.contains(
            "check failed: the credit is gone in 45 days (on 2027-01-15: the lots' credit lapses first; at the burn rate it would last 70 days), shorter than the minimum 100 days by 55 days"
        ),
        "{runway}"
    );
    assert_eq!(
        demo(&["forecast", "-p", "Production", "--min-days", "45"]).code,
        0
    );
    let unused = demo(&["forecast", "-p", "Production", "--max-unused", "150"]);
    assert_eq!(unused.code, 1, "{unused}");
    assert!(
        unused
            .stderr
            .contains("174.05 USD of credit expires unused"),
        "{unused}"
    );
    assert_eq!(
        demo(&["forecast", "-p", "Production", "--max-unused", "174.05"]).code,
        0
    );
    let wrong = demo(&["forecast", "-p", "Production", "--max-unused", "200EUR"]);
    assert_eq!(wrong.code, 2, "{wrong}");
    for bad in [
        &["--window", "0"][..],
        &["--min-days", "soon"],
        &["--max-unused", "-1"],
    ] {
        let mut args = vec!["forecast", "-p", "Production"];
        args.extend_from_slice(bad);
        let outcome = demo(&args);
        assert_eq!(outcome.code, 2, "{bad:?}: {outcome}");
        assert_eq!(outcome.stderr.lines().count(), 1, "{outcome}");
    }
}

#[test]
fn forecast_all_checks_each_profile_in_its_own_currency() {
    let outcome = demo(&["forecast", "--all", "--max-unused", "1000USD"]);
    assert_eq!(outcome.code, 1, "{outcome}");
    assert!(
        outcome
            .stderr
            .contains("Development: even in the best case"),
        "{outcome}"
    );
    assert!(
        outcome
            .stderr
            .contains("billing profile Forschung Zürich is not checked"),
        "{outcome}"
    );
    let bare = demo(&["forecast", "--all", "--max-unused", "1000"]);
    assert_eq!(bare.code, 2, "{bare}");
    assert!(bare.stderr.contains("EUR, USD"), "{bare}");
}

#[test]
fn balance_all_takes_one_minimum_per_currency() {
    let bare = demo(&["balance", "--all", "--min", "1000"]);
    assert_eq!(bare.code, 2, "{bare}");
    assert!(
        bare.stderr.contains("--min 1000EUR --min 1000USD"),
        "shows the repeated form: {bare}"
    );
    let euro = demo(&["balance", "--all", "--min", "1000EUR"]);
    assert_eq!(euro.code, 1, "Marketing has 0.00 EUR: {euro}");
    assert!(
        euro.stderr
            .contains("billing profile Development is not checked"),
        "{euro}"
    );
    assert!(
        euro.stderr
            .contains("Marketing: estimated balance 0.00 EUR"),
        "{euro}"
    );
    assert!(!euro.stderr.contains("Production:"), "{euro}");
    let both = demo(&["balance", "--all", "--min", "250USD", "--min", "0EUR"]);
    assert_eq!(both.code, 0, "{both}");
    let twice = demo(&["balance", "--all", "--min", "400USD", "--min", "500usd"]);
    assert_eq!(twice.code, 2, "{twice}");
}

/// Balance, lots and the first page of events are read concurrently: a warm forecast is
/// three requests, one round trip.
#[tokio::test(flavor = "multi_thread")]
async fn a_forecast_reads_balance_lots_and_events_at_once() {
    use std::time::{Duration, Instant};
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    assert_eq!(fake.run(&["accounts"]).code, 0);
    let profile = profile_id(ACCOUNT, DEV_PROFILE);
    let delay = Duration::from_millis(600);
    for (what, body) in [
        (
            "credits/balanceSummary",
            r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":100.00}}}}"#,
        ),
        ("lots", r#"{"value": []}"#),
        ("events", r#"{"value": []}"#),
    ] {
        wiremock::Mock::given(wiremock::matchers::method("GET"))
            .and(wiremock::matchers::path(consumption_path(&profile, what)))
            .respond_with(json_response(body).set_delay(delay))
            .mount(&fake.server)
            .await;
    }
    let before = fake.request_count().await;
    let started = Instant::now();
    let outcome = fake.run(&["forecast", "-p", "Development", "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert_eq!(fake.request_count().await - before, 3);
    assert!(
        started.elapsed() < delay * 2,
        "the three reads overlap: {:?}",
        started.elapsed()
    );
}

#[test]
fn the_chart_is_drawn_in_a_pipe_only_when_asked_for() {
    let plain = demo(&["forecast", "-p", "Production"]);
    assert!(!plain.stdout.contains('█'), "{plain}");
    let charted = demo(&["forecast", "-p", "Production", "--chart"]);
    assert_eq!(charted.code, 0, "{charted}");
    insta::assert_snapshot!(charted.stdout);
    let json = demo(&["forecast", "-p", "Production", "--chart", "--json"]);
    assert!(!json.stdout.contains('█'), "JSON stays data: {json}");
    assert_eq!(json.json()["balanceHistory"][0]["date"], "2026-10-01");
}

#[test]
fn report_is_one_markdown_page_with_the_checks_and_their_exit_code() {
    let outcome = demo(&[
        "report",
        "-p",
        "Production",
        "--min",
        "500",
        "--min-days",
        "30",
        "--expiring-within",
        "60",
    ]);
    assert_eq!(outcome.code, 1, "{outcome}");
    insta::assert_snapshot!(outcome.to_string());
    let clear = demo(&["report", "-p", "Development", "--min", "100"]);
    assert_eq!(clear.code, 0, "{clear}");
    assert!(clear.stdout.contains("```mermaid\nxychart-beta"), "{clear}");
    assert!(
        clear.stdout.contains("| Development | --min | passed |"),
        "{clear}"
    );
}

#[test]
fn report_json_is_the_same_data_as_one_document() {
    let outcome = demo(&[
        "report", "--all", "--json", "--min", "1USD", "--min", "1EUR",
    ]);
    assert_eq!(outcome.code, 1, "Marketing has 0.00 EUR: {outcome}");
    let json = outcome.json();
    assert_eq!(json["asOf"], "2026-12-01");
    assert_eq!(json["profiles"].as_array().unwrap().len(), 6);
    assert_eq!(json["profiles"][0]["runwayDays"], 251);
    assert_eq!(json["expiringSoon"][0][0]["days"], 30);
    assert_eq!(
        json["expiringSoon"][0][0]["remaining"]["value"].to_string(),
        "249.68"
    );
    let checks = json["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 6);
    assert_eq!(checks[5]["profile"], "Marketing");
    assert_eq!(checks[5]["result"], "failed");
}

/// `forecast --min` checks the estimated balance as `balance --min` does.
#[test]
fn forecast_checks_the_balance_minimum() {
    let low = on_demo_day(&[
        "forecast",
        "--profile",
        "Development",
        "--min",
        "5000USD",
        "-o",
        "none",
    ]);
    assert_eq!(low.code, 1, "{low}");
    assert!(low.stderr.contains("below the minimum 5,000 USD"), "{low}");
    let fine = on_demo_day(&[
        "forecast",
        "--profile",
        "Development",
        "--min",
        "100",
        "-o",
        "none",
    ]);
    assert_eq!(fine.code, 0, "{fine}");
}
