//! `credits balance --all`: every readable MCA profile, concurrently, failures as rows.

use crate::support::*;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn balance_body(value: &str, currency: &str) -> String {
    format!(
        r#"{{"properties":{{"balanceSummary":{{"estimatedBalance":{{"currency":"{currency}","value":{value}}},"currentBalance":{{"currency":"{currency}","value":{value}}}}}}}}}"#
    )
}

async fn answer(fake: &Fake, account: &str, profile: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(consumption_path(
            &profile_id(account, profile),
            "credits/balanceSummary",
        )))
        .respond_with(response)
        .mount(&fake.server)
        .await;
}

/// One account "Contoso" with Development (P1) and Production (P2), whose estimated
/// balances are `development` and `production` USD.
async fn two_profiles(development: &str, production: &str) -> Fake {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[(
        "1111:aaaa",
        "Contoso",
        &[("P1", "Development", "USD"), ("P2", "Production", "USD")],
    )]))
    .await;
    for (profile, value) in [("P1", development), ("P2", production)] {
        answer(
            &fake,
            "1111:aaaa",
            profile,
            json_response(&balance_body(value, "USD")),
        )
        .await;
    }
    fake
}

#[tokio::test(flavor = "multi_thread")]
async fn every_profile_is_a_row_and_failures_say_so() {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[
        (
            "1111:aaaa",
            "Contoso",
            &[("P1", "Development", "USD"), ("P2", "Production", "USD")],
        ),
        (
            "2222:bbbb",
            "Fabrikam",
            &[
                ("P3", "Forschung Zürich", "EUR"),
                ("P4", "Marketing", "EUR"),
            ],
        ),
    ]))
    .await;
    answer(
        &fake,
        "1111:aaaa",
        "P1",
        json_response(&balance_body("996.13", "USD")),
    )
    .await;
    answer(
        &fake,
        "1111:aaaa",
        "P2",
        ResponseTemplate::new(403)
            .set_body_string(r#"{"error":{"code":"AuthorizationFailed","message":"No."}}"#),
    )
    .await;
    answer(
        &fake,
        "2222:bbbb",
        "P3",
        json_response(&balance_body("9876.54", "EUR")),
    )
    .await;
    answer(&fake, "2222:bbbb", "P4", ResponseTemplate::new(204)).await;
    let outcome = fake.run(&["balance", "--all"]);
    insta::assert_snapshot!(outcome.to_string());
    assert_eq!(outcome.code, 4, "the failure decides the exit code");

    let json = fake.run(&["balance", "--all", "--json"]);
    let rows = json.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["estimatedBalance"]["value"].to_string(), "996.13");
    assert_eq!(rows[0]["billingAccount"]["displayName"], "Contoso");
    assert_eq!(rows[1]["error"]["exitCode"], 4);
    assert_eq!(rows[3]["hasCredits"], false);
    assert!(rows[3].get("error").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn all_rows_equal_the_single_profile_answers() {
    let fake = two_profiles("12345678901234567.89", "0.10").await;
    let all = fake.run(&["balance", "--all", "--json"]);
    assert_eq!(all.code, 0, "{all}");
    let rows = all.json();
    for (index, name) in ["Development", "Production"].iter().enumerate() {
        let mut single = fake.run(&["balance", "-p", name, "--json"]).json();
        let mut row = rows[index].clone();
        // A row adds its account and its outcome beside the single answer's fields.
        row.as_object_mut().unwrap().remove("billingAccount");
        assert_eq!(
            row.as_object_mut().unwrap().remove("outcome"),
            Some("ok".into())
        );
        single.as_object_mut().unwrap().remove("billingAccount");
        assert_eq!(row, single, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn all_with_min_fails_when_any_profile_is_low() {
    let fake = two_profiles("996.13", "12.00").await;
    let low = fake.run(&["balance", "--all", "--min", "100"]);
    assert_eq!(low.code, 1, "{low}");
    assert!(low.stderr.contains("Production"), "{low}");
    assert!(!low.stderr.contains("Development:"), "{low}");
    assert_eq!(fake.run(&["balance", "--all", "--min", "12"]).code, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn all_profiles_are_fetched_concurrently() {
    let fake = Fake::start().await;
    let profiles: Vec<(String, String)> = (0..16)
        .map(|i| (format!("P{i}"), format!("Profile {i}")))
        .collect();
    let specs: Vec<ProfileSpec> = profiles
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_str(), "USD"))
        .collect();
    fake.accounts(&accounts_body(&[("1111:aaaa", "Contoso", &specs)]))
        .await;
    for (name, _) in &profiles {
        answer(
            &fake,
            "1111:aaaa",
            name,
            json_response(&balance_body("1.00", "USD")).set_delay(Duration::from_millis(400)),
        )
        .await;
    }
    let started = Instant::now();
    let outcome = fake.run(&["balance", "--all", "--json"]);
    let took = started.elapsed();
    assert_eq!(outcome.code, 0, "{outcome}");
    assert_eq!(outcome.json().as_array().unwrap().len(), 16);
    // One after another would take 16 x 400 ms = 6.4 s; concurrently about 0.4 s. The bound
    // is loose on purpose: this checks the behaviour, the benchmark measures the speed.
    assert!(took < Duration::from_millis(3200), "took {took:?}");
    let serial = fake.run(&["balance", "--all", "--json", "--concurrency", "1"]);
    assert_eq!(serial.stdout, outcome.stdout, "same rows, same order");
}

fn lots_body(profile: &str, expires: &str, left: &str) -> String {
    serde_json::json!({"value": [{
        "id": format!("{}/providers/Microsoft.Consumption/lots/L-{profile}", profile_id("1111:aaaa", profile)),
        "name": format!("L-{profile}"),
        "type": "Microsoft.Consumption/lots",
        "properties": {
            "source": "PromotionalCredit",
            "startDate": "2026-01-01T00:00:00Z",
            "expirationDate": expires,
            "originalAmount": {"value": 1000.00, "currency": "USD"},
            "closedBalance": {"value": left.parse::<f64>().unwrap(), "currency": "USD"}
        }
    }]})
    .to_string()
}

async fn answer_what(fake: &Fake, profile: &str, what: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(consumption_path(
            &profile_id("1111:aaaa", profile),
            what,
        )))
        .respond_with(response)
        .mount(&fake.server)
        .await;
}

async fn three_profiles() -> Fake {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[(
        "1111:aaaa",
        "Contoso",
        &[
            ("P1", "Development", "USD"),
            ("P2", "Production", "USD"),
            ("P3", "Sandbox", "USD"),
        ],
    )]))
    .await;
    fake
}

#[tokio::test(flavor = "multi_thread")]
async fn lots_all_lists_every_profile_and_a_failure_decides_the_exit_code() {
    let fake = three_profiles().await;
    answer_what(
        &fake,
        "P1",
        "lots",
        json_response(&lots_body("P1", "2026-12-20T00:00:00Z", "120.50")),
    )
    .await;
    answer_what(
        &fake,
        "P2",
        "lots",
        ResponseTemplate::new(403)
            .set_body_string(r#"{"error":{"code":"AuthorizationFailed","message":"no"}}"#),
    )
    .await;
    answer_what(
        &fake,
        "P3",
        "lots",
        json_response(&lots_body("P3", "2027-06-30T00:00:00Z", "900.00")),
    )
    .await;
    let out = fake.run(&["--as-of", "2026-12-01", "lots", "--all", "--json"]);
    assert_eq!(out.code, 4, "{out}");
    let json = out.json();
    let lots = json.as_array().unwrap();
    assert_eq!(lots.len(), 2, "{out}");
    assert_eq!(lots[0]["billingProfileDisplayName"], "Development");
    assert_eq!(lots[1]["billingProfileDisplayName"], "Sandbox");
    assert!(lots[1]["billingProfileId"]
        .as_str()
        .unwrap()
        .ends_with("/billingProfiles/P3"));
    assert_eq!(lots[0]["closedBalance"]["value"].to_string(), "120.5");
    assert!(out.stderr.contains("billing profile Production:"), "{out}");

    // The table names each lot's profile; --expiring-within applies to all; a failure still
    // wins over a failed check ("could not check" is never "check failed").
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "lots",
        "--all",
        "--expiring-within",
        "30",
    ]);
    assert_eq!(out.code, 4, "{out}");
    assert!(out.stdout.contains("| Development |"), "{out}");
    assert!(out.stdout.contains("| Sandbox     |"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn lots_all_expiring_within_fails_for_any_profile() {
    let fake = three_profiles().await;
    for (profile, expires) in [
        ("P1", "2027-06-30T00:00:00Z"),
        ("P2", "2026-12-15T00:00:00Z"),
        ("P3", "2027-06-30T00:00:00Z"),
    ] {
        answer_what(
            &fake,
            profile,
            "lots",
            json_response(&lots_body(profile, expires, "50.00")),
        )
        .await;
    }
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "-o",
        "none",
        "lots",
        "--all",
        "--expiring-within",
        "30",
    ]);
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stderr
            .contains("Production: 1 lot(s) with credit left expire within 30 days"),
        "{out}"
    );
    assert!(!out.stderr.contains("Development:"), "{out}");
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "-o",
        "none",
        "lots",
        "--all",
        "--expiring-within",
        "10",
    ]);
    assert_eq!(out.code, 0, "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn events_all_is_profile_by_profile_and_names_each_profile() {
    let fake = three_profiles().await;
    let events = |profile: &str, charges: &str| {
        serde_json::json!({"value": [{
            "id": format!("{}/providers/Microsoft.Consumption/events/E-{profile}", profile_id("1111:aaaa", profile)),
            "name": format!("E-{profile}"),
            "type": "Microsoft.Consumption/events",
            "properties": {
                "transactionDate": "2026-11-01T00:00:00Z",
                "description": "Settled invoice",
                "eventType": "SettledCharges",
                "charges": {"value": charges.parse::<f64>().unwrap(), "currency": "USD"},
                "closedBalance": {"value": 10.0, "currency": "USD"}
            }
        }]})
        .to_string()
    };
    answer_what(&fake, "P1", "events", json_response(&events("P1", "-1.25"))).await;
    answer_what(&fake, "P2", "events", json_response(&events("P2", "-2.50"))).await;
    answer_what(
        &fake,
        "P3",
        "events",
        ResponseTemplate::new(503).set_body_string("{}"),
    )
    .await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "--timeout",
        "20",
        "events",
        "--all",
        "--start",
        "2026-10-01",
        "--json",
    ]);
    assert_eq!(out.code, 6, "{out}");
    let json = out.json();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 2, "{out}");
    assert_eq!(list[0]["billingProfileDisplayName"], "Development");
    assert_eq!(list[1]["billingProfileDisplayName"], "Production");
    assert_eq!(list[1]["charges"]["value"].to_string(), "-2.5");
    assert!(out.stderr.contains("billing profile Sandbox:"), "{out}");
    let table = fake.run(&[
        "--as-of",
        "2026-12-01",
        "--timeout",
        "20",
        "events",
        "--all",
        "--start",
        "2026-10-01",
    ]);
    assert!(table.stdout.starts_with("| Profile"), "{table}");
    let conflict = fake.run(&["events", "--all", "--profile", "Development"]);
    assert_eq!(conflict.code, 2, "{conflict}");
}

/// A profile that Azure lists with a malformed id is a row that says so (exit 6), not the end
/// of the run: the others are still read and printed.
#[tokio::test(flavor = "multi_thread")]
async fn a_profile_listed_with_a_malformed_id_is_a_row_not_the_end_of_the_run() {
    let fake = Fake::start().await;
    let listing = accounts_body(&[(
        "1111:aaaa",
        "Contoso",
        &[("P1", "Development", "USD"), ("P2", "Production", "USD")],
    )])
    .replace(
        "1111:aaaa/billingProfiles/P2\"",
        "1111:aaaa/billingProfiles/P2/extra\"",
    );
    assert!(listing.contains("P2/extra"), "{listing}");
    fake.accounts(&listing).await;
    answer(
        &fake,
        "1111:aaaa",
        "P1",
        json_response(&balance_body("996.13", "USD")),
    )
    .await;
    let out = fake.run(&["balance", "--all", "--json"]);
    assert_eq!(out.code, 6, "{out}");
    let rows = out.json();
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "{out}");
    assert_eq!(rows[0]["estimatedBalance"]["value"].to_string(), "996.13");
    assert_eq!(rows[1]["billingProfile"]["displayName"], "Production");
    assert!(
        rows[1]["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("listed this billing profile badly")),
        "{out}"
    );
    assert!(
        out.stderr
            .contains("1 of 2 billing profiles could not be read"),
        "{out}"
    );
}

/// Contoso with Development (996.13 USD) and Production, which answers 403.
async fn contoso_with_production_forbidden() -> Fake {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[(
        "1111:aaaa",
        "Contoso",
        &[("P1", "Development", "USD"), ("P2", "Production", "USD")],
    )]))
    .await;
    answer(
        &fake,
        "1111:aaaa",
        "P1",
        json_response(&balance_body("996.13", "USD")),
    )
    .await;
    let forbidden = r#"{"error":{"code":"AuthorizationFailed","message":"No."}}"#;
    answer(
        &fake,
        "1111:aaaa",
        "P2",
        ResponseTemplate::new(403).set_body_string(forbidden),
    )
    .await;
    fake
}

/// The README's cron line, run as written (its directory swapped for a temporary one) with
/// one profile answering 403: the file is published whole (`credits_up 0` for that profile),
/// the temporary file is gone, and the line exits with credits' code for cron.
#[tokio::test(flavor = "multi_thread")]
async fn the_readme_cron_line_publishes_a_whole_file_when_a_profile_is_forbidden() {
    let fake = contoso_with_production_forbidden().await;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let line = readme
        .lines()
        .find(|l| l.starts_with("*/30 * * * *") && l.contains("balance --all"))
        .expect("the README's cron line");
    let dir = tempfile::tempdir().unwrap();
    let command = line.trim_start_matches("*/30 * * * * ").replace(
        "/var/lib/node_exporter/textfile",
        &dir.path().display().to_string(),
    );
    let binary = assert_cmd::cargo::cargo_bin!("credits");
    let path = format!(
        "{}:/usr/bin:/bin",
        binary.parent().expect("the binary's folder").display()
    );
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(&command)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir.path())
        .env("CREDITS_ENDPOINT", fake.uri())
        .env("CREDITS_ACCESS_TOKEN", "t")
        .env("CREDITS_CACHE_DIR", fake.cache.path())
        .output()
        .expect("sh runs");
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    let published = std::fs::read_to_string(dir.path().join("credits.prom")).expect("published");
    assert!(published.ends_with("# EOF\n"), "{published}");
    assert!(
        published.contains("profile=\"Production\"} 0")
            && published.contains("profile=\"Development\"} 1"),
        "{published}"
    );
    assert!(!dir.path().join(".credits.prom.tmp").exists());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("403"), "{stderr}");
}

/// A run that reads nothing at all still writes a whole OpenMetrics file.
#[test]
fn a_run_that_reads_nothing_writes_credits_up_0_with_its_exit_code() {
    let out = run(credits_command(&[
        "--auth",
        "token",
        "--endpoint",
        "http://127.0.0.1:9",
        "balance",
        "--all",
        "-o",
        "openmetrics",
    ]));
    assert_eq!(out.code, 3, "{out}");
    assert!(
        out.stdout
            .contains("credits_up{exit_code=\"3\"} 0\n# EOF\n"),
        "{out}"
    );
}
