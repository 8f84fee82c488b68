//! `--demo`: the built-in tenant, through the same client code, with no network.

use crate::support::*;

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
        let mut all = vec!["--demo", "--as-of", "2026-12-01"];
        all.extend_from_slice(args);
        let out = run(credits_command(&all));
        assert_eq!(out.code, 2, "{args:?}: {out}");
        assert_eq!(out.stdout, "", "{args:?}: {out}");
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {out}");
    }
}

/// The message names every outcome: Development and Archive fail the check, and Marketing,
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
        "check failed: 2 checks failed: Development: even in the best case 1,914.07 USD",
        "Archive: even in the best case 1,200.00 USD",
    ] {
        assert!(out.stderr.contains(named), "{named}: {out}");
    }
}
