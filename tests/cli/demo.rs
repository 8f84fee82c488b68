//! `--demo`: the built-in tenant, through the same client code, with no network.

use crate::support::*;

/// The demo on 2026-12-01, the reference day of the README's examples.
fn at(args: &[&str]) -> Outcome {
    let mut all = vec!["--demo", "--as-of", "2026-12-01"];
    all.extend_from_slice(args);
    run(credits_command(&all))
}

fn demo(args: &[&str]) -> Outcome {
    let mut all = vec!["--demo", "--as-of", "2026-03-01"];
    all.extend_from_slice(args);
    run(credits_command(&all))
}

#[test]
fn demo_balance_of_development() {
    insta::assert_snapshot!(demo(&["balance", "--profile", "Development"]).to_string());
}

#[test]
fn demo_lots_show_every_status() {
    insta::assert_snapshot!(demo(&["lots", "--profile", "Development"]).to_string());
}

#[test]
fn demo_events_are_paged_and_in_the_default_window() {
    let outcome = demo(&["events", "--profile", "Development", "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    // More events than one demo page (5), so paging was followed.
    assert!(outcome.json().as_array().unwrap().len() > 10, "{outcome}");
    insta::assert_snapshot!(demo(&["events", "--profile", "Development"]).to_string());
}

#[test]
fn demo_accounts_include_a_partner_account_and_a_listed_profile() {
    let outcome = demo(&["accounts"]);
    assert!(outcome.stdout.contains("Forschung Zürich"), "{outcome}");
    assert!(
        outcome.stdout.contains("Marketing"),
        "profiles listed after hasMoreResults: {outcome}"
    );
    insta::assert_snapshot!(outcome.to_string());
}

#[test]
fn demo_checks_can_fail() {
    let low = demo(&["balance", "-p", "Production", "--min", "500"]);
    assert_eq!(low.code, 1, "{low}");
    let expiring = demo(&["lots", "-p", "Development", "--expiring-within", "30"]);
    assert_eq!(expiring.code, 1, "{expiring}");
    let no_credits = demo(&["balance", "-p", "Marketing", "--json"]);
    assert_eq!(no_credits.code, 0, "{no_credits}");
    assert_eq!(no_credits.json()["hasCredits"], false);
}

#[test]
fn demo_partner_profile_has_no_credits() {
    let outcome = demo(&["balance", "-p", "Partner Europe"]);
    assert_eq!(outcome.code, 5, "{outcome}");
    assert!(
        outcome.stderr.contains("Microsoft Customer Agreement"),
        "{outcome}"
    );
}

/// The documented JSON shapes, field for field, as a script sees them.
#[test]
fn demo_json_shapes_are_the_documented_contract() {
    let lots = demo(&["lots", "-p", "Development", "--json"]);
    let first_lot = serde_json::to_string_pretty(&lots.json()[1]).unwrap();
    insta::assert_snapshot!("lot_json", first_lot);
    let events = demo(&["events", "-p", "Development", "--json"]);
    let first_event = serde_json::to_string_pretty(&events.json()[0]).unwrap();
    insta::assert_snapshot!("event_json", first_event);
    let accounts = demo(&["accounts", "--json"]);
    let first_account = serde_json::to_string_pretty(&accounts.json()[0]).unwrap();
    insta::assert_snapshot!("account_json", first_account);
    let all = demo(&["balance", "--all", "--json"]);
    let first_row = serde_json::to_string_pretty(&all.json()[0]).unwrap();
    insta::assert_snapshot!("balance_all_row_json", first_row);
}

#[test]
fn demo_lots_filter_by_status_and_source_at_profile_scope() {
    let expiring = demo(&[
        "lots",
        "-p",
        "Development",
        "--status",
        "expiring",
        "--json",
    ])
    .json();
    let expiring = expiring.as_array().unwrap();
    assert_eq!(expiring.len(), 1, "{expiring:?}");
    assert_eq!(expiring[0]["status"], "Expiring");
    let prepaid = demo(&[
        "lots",
        "-p",
        "Development",
        "--source",
        "AzurePrepayment",
        "--json",
    ])
    .json();
    assert_eq!(prepaid.as_array().unwrap().len(), 1, "{prepaid}");
    assert_eq!(prepaid[0]["poNumber"], "PO-3990");
}

/// An amount check that cannot be judged (a bare amount among currencies, a currency no
/// profile has, another currency than the one profile's) is refused before the first byte of
/// output, in every command.
#[test]
fn checks_that_cannot_be_judged_are_refused_before_any_output() {
    for args in [
        &["balance", "--all", "--min", "1000"][..],
        &["balance", "--profile", "Development", "--min", "5EUR"],
        &["forecast", "--all", "--max-unused", "10"],
        &[
            "forecast",
            "--profile",
            "Development",
            "--max-unused",
            "10EUR",
        ],
        &["report", "--all", "--min", "10"],
        &["report", "--all", "--max-unused", "10GBP"],
        &["report", "--profile", "Development", "--min", "10EUR"],
    ] {
        let out = at(args);
        assert_eq!(out.code, 2, "{args:?}: {out}");
        assert_eq!(out.stdout, "", "{args:?}: {out}");
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {out}");
    }
}

/// The message names every outcome: Development, Archive and Forschung Zürich fail the
/// check, and Marketing,
/// a profile without credit, is judged (nothing of it expires unused), not "could not check".
#[test]
fn the_final_message_names_every_outcome_not_only_the_worst() {
    let out = run(credits_command(&[
        "--demo",
        "--as-of",
        "2026-12-01",
        "-o",
        "none",
        "forecast",
        "--all",
        "--max-unused",
        "500USD",
        "--max-unused",
        "450EUR",
    ]));
    assert_eq!(out.code, 1, "{out}");
    assert!(!out.stderr.contains("Marketing"), "{out}");
    for named in [
        "check failed: 3 checks failed: Development: even in the best case 1,565.19 USD",
        "Archive: even in the best case 1,200.00 USD",
        "Forschung Zürich: even in the best case 2,231.81 EUR",
    ] {
        assert!(out.stderr.contains(named), "{named}: {out}");
    }
}

/// `--exclude` leaves a profile out of `--all`: its row says so, no check counts it, a name
/// that matches nothing is exit 5 with the closest names, and it needs `--all`.
#[test]
fn exclude_leaves_a_profile_out_of_all_and_says_so() {
    let json = at(&["balance", "--all", "--exclude", "marketing", "--json"]);
    assert_eq!(json.code, 0, "{json}");
    let rows = json.json();
    assert_eq!(excluded_profiles(&rows), ["Marketing"], "{json}");
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r.get("error").is_none()));
    let table = at(&["balance", "--all", "--exclude", "Marketing"]);
    assert!(table.stdout.contains("| excluded |"), "{table}");
    // Excluded profiles are not checked: without Marketing, --min 0EUR has nothing failing.
    let checked = at(&[
        "-o",
        "none",
        "balance",
        "--all",
        "--min",
        "1USD",
        "--min",
        "1EUR",
        "--exclude",
        "Marketing",
    ]);
    assert_eq!(checked.code, 0, "{checked}");
    let typo = at(&["balance", "--all", "--exclude", "Marketng"]);
    assert_eq!(typo.code, 5, "{typo}");
    assert!(
        typo.stderr.contains("did you mean \"Marketing\"?"),
        "{typo}"
    );
    let alone = at(&["balance", "-p", "Development", "--exclude", "Marketing"]);
    assert_eq!(alone.code, 2, "{alone}");
    // From the variable, comma-separated.
    let mut command = credits_command(&[
        "--demo",
        "--as-of",
        "2026-12-01",
        "balance",
        "--all",
        "--json",
    ]);
    command.env("CREDITS_EXCLUDE", "Marketing, Archive");
    let from_env = run(command);
    assert_eq!(
        excluded_profiles(&from_env.json()),
        ["Archive", "Marketing"],
        "{from_env}"
    );
}

/// The README's scheduled workflow, its `credits report` command run against the demo
/// tenant: the exit code and the count of failed checks the README gives.
#[test]
fn the_readme_workflow_command_exits_as_the_readme_says_on_the_demo() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let workflow = readme
        .split("name: azure-credits")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README's workflow");
    let command: String = workflow
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("credits report"))
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.trim().trim_end_matches('\\').trim().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = command
        .split_whitespace()
        .take_while(|w| *w != ">>")
        .collect();
    assert_eq!(words.first(), Some(&"credits"), "{command}");
    let mut args = vec!["--demo", "--as-of", "2026-12-01"];
    args.extend_from_slice(&words[1..]);
    let out = run(credits_command(&args));
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stderr.contains("check failed: 9 checks failed"),
        "{out}"
    );
    assert!(readme.contains("exits 1 with `check failed: 9 checks failed: …`"));
}

/// An exclusion never empties a gate or widens it without a word: leaving out every profile
/// is exit 2, and a name shared by two profiles needs the full id. An excluded profile is not
/// a profile that is down on a dashboard.
#[test]
fn exclusions_never_empty_a_gate_nor_mark_a_profile_down() {
    let mut every = vec!["balance", "--all", "--min", "1USD", "--min", "1EUR"];
    for name in [
        "Development",
        "Production",
        "Sandbox",
        "Archive",
        "Forschung Zürich",
        "Marketing",
    ] {
        every.extend(["--exclude", name]);
    }
    let emptied = at(&every);
    assert_eq!(emptied.code, 2, "{emptied}");
    assert!(
        emptied.stderr.contains("leaves out every billing profile"),
        "{emptied}"
    );
    let metrics = at(&[
        "balance",
        "--all",
        "--exclude",
        "Marketing",
        "-o",
        "openmetrics",
    ]);
    assert_eq!(metrics.code, 0, "{metrics}");
    assert!(
        !metrics.stdout.contains("profile=\"Marketing\""),
        "{metrics}"
    );
    assert!(
        !metrics.stdout.contains("} 0\n# HELP credits_has_credits"),
        "{metrics}"
    );
    let lots = at(&["-o", "none", "lots", "--all", "--exclude", "Marketing"]);
    assert!(
        lots.stderr
            .contains("billing profile Marketing is excluded by --exclude"),
        "{lots}"
    );
}

/// The demo has both kinds: `--all --all-enrollments` in balance, forecast and report.
#[test]
fn the_demo_reads_profiles_and_enrollments_together() {
    for command in ["balance", "forecast"] {
        let out = on_demo_day(&[command, "--all", "--all-enrollments", "--json"]);
        assert!(matches!(out.code, 0 | 1), "{command}: {out}");
        let rows = out.json();
        let kinds: Vec<&str> = rows
            .as_array()
            .map(|rows| rows.iter().filter_map(|r| r["kind"].as_str()).collect())
            .unwrap_or_default();
        assert!(kinds.contains(&"mcaProfile"), "{command}: {kinds:?}");
        assert_eq!(kinds.last(), Some(&"eaPrepayment"), "{command}: {kinds:?}");
    }
    let report = on_demo_day(&["report", "--all", "--all-enrollments"]);
    assert!(
        report.stdout.contains("Enterprise Agreement enrollments")
            && report.stdout.contains("Contoso Enterprise"),
        "{report}"
    );
    let only = on_demo_day(&["report", "--all-enrollments", "--json"]);
    assert_eq!(only.json()["profiles"], serde_json::json!([]), "{only}");
    assert_eq!(
        only.json()["enrollments"][0]["account"],
        "8099531",
        "{only}"
    );
}

/// What cannot hold an enrollment says so (exit 2), never leaves it out.
#[test]
fn outputs_that_cannot_hold_enrollments_are_refused() {
    for args in [
        &["report", "--all-enrollments", "-o", "csv"][..],
        &["report", "--all", "--all-enrollments", "-o", "tsv"][..],
        &["report", "--all-enrollments", "--window", "30"][..],
        &["balance", "--all", "--all-enrollments", "-o", "openmetrics"][..],
        &["forecast", "--all", "--all-enrollments", "-o", "csv"][..],
    ] {
        let out = on_demo_day(args);
        assert_eq!(out.code, 2, "{args:?}: {out}");
        assert!(out.stdout.is_empty(), "{args:?}: {out}");
    }
}

/// The At expiry cell says "suspends the billing profile" only for a flagged credit; at
/// account scope an unmatched resource names the profile it belongs to.
#[test]
fn the_suspension_flag_and_the_table_agree() {
    let flagged = on_demo_day(&["lots", "-p", "Development", "--resources"]);
    assert!(
        flagged.stdout.contains("suspends the billing profile"),
        "{flagged}"
    );
    let narrow = on_demo_day(&[
        "lots",
        "-p",
        "Development",
        "--resources",
        "--expiring-within",
        "10",
    ]);
    assert!(
        !narrow.stdout.contains("suspends the billing profile"),
        "{narrow}"
    );
    assert!(narrow.stdout.contains("SuspendBillingProfile"), "{narrow}");
    let account = on_demo_day(&["lots", "--account", "Contoso Ltd", "--resources"]);
    let unmatched: Vec<&str> = account
        .stdout
        .lines()
        .filter(|line| line.contains("unmatched credit resource"))
        .collect();
    assert!(!unmatched.is_empty(), "{account}");
    assert!(
        unmatched
            .iter()
            .all(|line| line.contains("DEV1-A2B3-C4D-E5F") || line.contains("SBX6-H1J2-K3L-M4N")),
        "{account}"
    );
}

/// The demo's MCA-billed subscription answers with Development's balance, naming itself.
#[test]
fn the_demo_subscription_billed_under_the_mca_is_its_profiles() {
    let out = on_demo_day(&["balance", "--subscription", "Contoso Development", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json["kind"], "mcaProfile");
    assert_eq!(json["billingProfile"]["name"], "DEV1-A2B3-C4D-E5F");
    assert_eq!(json["subscription"]["displayName"], "Contoso Development");
    assert!(out.stderr.contains("billing profile Development"), "{out}");
}

/// Amounts per currency fit over profiles and enrollments together in a report.
#[test]
fn a_report_of_both_kinds_takes_an_amount_per_currency() {
    let out = on_demo_day(&[
        "report",
        "--all",
        "--all-enrollments",
        "--min",
        "100USD",
        "--min",
        "90EUR",
    ]);
    assert!(matches!(out.code, 0 | 1), "{out}");
    let refused = on_demo_day(&["report", "--all-enrollments", "--spend"]);
    assert_eq!(refused.code, 2, "{refused}");
}

/// A format that cannot hold enrollments, set as a default (variable or config file), leaves
/// a table; asked for by flag it is refused (above).
#[test]
fn a_default_format_that_cannot_hold_enrollments_leaves_a_table() {
    let mut command = credits_command(&[
        "--demo",
        "--as-of",
        "2026-12-01",
        "balance",
        "--all",
        "--all-enrollments",
    ]);
    command.env("CREDITS_OUTPUT", "csv");
    let out = run(command);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("| Enrollment "), "{out}");
}
