//! What a person sees at a real terminal: the binary runs on a pseudo-terminal of a given
//! width, so table layout, colour and progress are what they would be in a window.

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};

/// What a run on a pseudo-terminal gave: the terminal's text (stdout and stderr as they
/// were shown) and, when stdout was a pipe, stdout apart.
pub struct TerminalRun {
    pub code: i32,
    pub screen: String,
    pub piped_stdout: String,
}

/// Runs `credits` with stderr (and stdout unless `stdout_piped`) on a pseudo-terminal of
/// `columns` columns, with a clean environment plus `env`.
pub fn run_on_terminal(
    args: &[&str],
    columns: u16,
    env: &[(&str, &str)],
    stdout_piped: bool,
) -> TerminalRun {
    let mut master: libc::c_int = -1;
    let mut slave: libc::c_int = -1;
    let size = libc::winsize {
        ws_row: 50,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors into the locals; the size is read only.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(opened, 0, "openpty failed");
    // SAFETY: both descriptors were just opened by openpty and are owned here alone.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut command = Command::new(assert_cmd::cargo::cargo_bin!("credits"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::from(slave.try_clone().expect("dup")));
    if stdout_piped {
        command.stdout(Stdio::piped());
    } else {
        command.stdout(Stdio::from(slave.try_clone().expect("dup")));
    }
    let mut child = command.spawn().expect("credits starts");
    drop(slave);
    drop(command);
    let mut reader = std::fs::File::from(master);
    let screen = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut buffer = [0u8; 4096];
        // Ends with EIO once the child (the last holder of the terminal) has exited.
        while let Ok(n) = reader.read(&mut buffer) {
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buffer[..n]);
        }
        bytes
    });
    let mut piped_stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut piped_stdout).expect("stdout");
    }
    let status = child.wait().expect("credits ends");
    let screen = screen.join().expect("reader");
    TerminalRun {
        code: status.code().unwrap_or(-1),
        // The terminal turns each "\n" into "\r\n".
        screen: String::from_utf8(screen)
            .expect("UTF-8")
            .replace("\r\n", "\n"),
        piped_stdout,
    }
}

fn display_width(line: &str) -> usize {
    line.chars().count()
}

const AS_OF: &str = "2026-12-01";

fn plain_demo(args: &[&str], columns: u16) -> String {
    let mut argv = vec!["--demo", "--as-of", AS_OF];
    argv.extend_from_slice(args);
    // The progress line has its own tests; a slow machine must not draw it into a table's.
    let run = run_on_terminal(
        &argv,
        columns,
        &[("NO_COLOR", "1"), ("CREDITS_NO_PROGRESS", "1")],
        false,
    );
    assert_eq!(run.code, 0, "{}", run.screen);
    for line in run.screen.lines() {
        assert!(
            display_width(line) <= usize::from(columns),
            "a line is wider than {columns} columns:\n{line}\n{}",
            run.screen
        );
    }
    assert!(!run.screen.contains('\u{1b}'), "NO_COLOR: {}", run.screen);
    run.screen
}

#[test]
fn tables_fit_60_80_and_120_columns_without_breaking_a_figure() {
    for columns in [60u16, 80, 120] {
        for (name, args) in [
            ("accounts", vec!["accounts"]),
            ("balance_all", vec!["balance", "--all"]),
            ("lots", vec!["lots", "-p", "Development"]),
            (
                "events",
                vec!["events", "-p", "Development", "--start", "2026-10-01"],
            ),
            ("balance", vec!["balance", "-p", "Development"]),
            ("aco", vec!["aco", "fixtures/aco/current-spelling.csv"]),
            ("forecast", vec!["forecast", "-p", "Development"]),
            ("forecast_all", vec!["forecast", "--all"]),
            ("lots_all", vec!["lots", "--all"]),
            (
                "events_all",
                vec!["events", "--all", "--start", "2026-11-01"],
            ),
            ("report", vec!["report", "-p", "Production"]),
            (
                "invoices",
                vec!["invoices", "-p", "Development", "--events"],
            ),
            (
                "invoices_all",
                vec!["invoices", "--all", "--from", "2026-10"],
            ),
            ("verify", vec!["verify", "-p", "Development", "--invoices"]),
            (
                "prepayment",
                vec!["balance", "--account", "8099531", "--periods", "4"],
            ),
            (
                "prepayment_one",
                vec!["balance", "--account", "8099531", "--period", "202606"],
            ),
            (
                "balance_details",
                vec!["balance", "-p", "Sandbox", "--details"],
            ),
            (
                "prepayment_forecast",
                vec!["forecast", "--account", "8099531"],
            ),
            (
                "forecast_enrollments",
                vec!["forecast", "--all-enrollments"],
            ),
            (
                "balance_with_enrollments",
                vec!["balance", "--all", "--all-enrollments"],
            ),
            (
                "lots_resources",
                vec!["lots", "-p", "Development", "--resources"],
            ),
            (
                "subscription_estimate",
                vec![
                    "forecast",
                    "--subscription",
                    "Visual Studio Enterprise",
                    "--allowance",
                    "150USD",
                ],
            ),
            (
                "balance_details_flagged",
                vec!["balance", "-p", "Development", "--details"],
            ),
            (
                "spend",
                vec!["spend", "-p", "Development", "--month", "2026-10"],
            ),
            (
                "spend_exact",
                vec![
                    "spend",
                    "-p",
                    "Development",
                    "--month",
                    "2026-10",
                    "--exact",
                    "--by",
                    "subscription",
                    "--not-covered",
                ],
            ),
        ] {
            let screen = plain_demo(&args, columns);
            // Every amount and date on screen is whole: an amount is digits, separators and
            // a currency code on one line.
            if name == "balance" || name == "balance_all" {
                assert!(
                    screen.contains("2,927.77 USD"),
                    "{name} at {columns}:\n{screen}"
                );
            }
            if name == "lots" || name == "events" {
                assert!(
                    screen.contains("2026-12-21") || screen.contains("2026-11-01"),
                    "{name} at {columns}:\n{screen}"
                );
            }
            // A column holding an amount that is not zero is never dropped: the refund and
            // the credit that expired are on screen at every width.
            if name == "events" {
                for figure in ["25.00 USD", "-112.40 USD"] {
                    assert!(
                        screen.contains(figure),
                        "{figure}: {name} at {columns}:\n{screen}"
                    );
                }
            }
            // An enrollment's ending balance stays on screen at every width.
            if name == "prepayment" {
                assert!(
                    screen.contains("8,954.25 USD"),
                    "{name} at {columns}:
{screen}"
                );
            }
            // The Marketplace charges that credit did not cover stay on screen.
            if name == "invoices" {
                assert!(
                    screen.contains("88.80 USD"),
                    "{name} at {columns}:\n{screen}"
                );
            }
            // What credit never covers, by the report's own lines, stays on screen.
            if name == "spend_exact" {
                assert!(screen.contains("136.76"), "{name} at {columns}:\n{screen}");
            }
            // The credit whose expiry suspends the profile is flagged at every width, and
            // the credit resource without a lot is marked where it cannot be left out.
            if name == "lots_resources" {
                assert!(
                    screen.contains("suspends"),
                    "{name} at {columns}:\n{screen}"
                );
                assert!(
                    screen.contains("unmatched"),
                    "{name} at {columns}:\n{screen}"
                );
            }
            if name == "forecast" {
                assert!(
                    screen.contains("1,565.19 USD"),
                    "{name} at {columns}:\n{screen}"
                );
            }
            insta::assert_snapshot!(format!("{name}_at_{columns}"), screen);
        }
    }
}

#[test]
fn accounts_fit_a_line_each_at_120_columns() {
    // Eight rows, the header and four rules, the line saying what was left out: no row wraps.
    let screen = plain_demo(&["accounts"], 120);
    assert!(screen.lines().count() <= 14, "{screen}");
    for profile in ["Development", "Forschung Zürich", "Partner Europe"] {
        assert!(screen.contains(profile), "{screen}");
    }
}

#[test]
fn wide_keeps_full_ids_and_every_column() {
    let mut argv = vec!["--demo", "--as-of", AS_OF, "--wide", "accounts"];
    let run = run_on_terminal(&argv, 60, &[("NO_COLOR", "1")], false);
    assert!(
        run.screen
            .contains("/providers/Microsoft.Billing/billingAccounts/"),
        "{}",
        run.screen
    );
    assert!(!run.screen.contains("Not shown"), "{}", run.screen);
    argv.truncate(3);
    argv.extend(["accounts"]);
    let narrow = run_on_terminal(&argv, 60, &[("NO_COLOR", "1")], false);
    assert!(narrow.screen.contains("Not shown"), "{}", narrow.screen);
}

#[test]
fn colour_means_look_here_by_the_same_rules_in_every_command_on_a_terminal_only() {
    let red = "\u{1b}[31m";
    let yellow = "\u{1b}[33m";
    let args = ["--demo", "--as-of", AS_OF, "lots", "-p", "Development"];
    let coloured = run_on_terminal(&args, 120, &[("TERM", "xterm")], false);
    assert!(
        coloured.screen.contains(&format!("{red}Expired")),
        "{}",
        coloured.screen
    );
    assert!(
        coloured.screen.contains(&format!("{yellow}Expiring")),
        "{}",
        coloured.screen
    );
    // Ordinary charges are negative by nature: not coloured.
    let balance = ["--demo", "--as-of", AS_OF, "balance", "-p", "Development"];
    let charges = run_on_terminal(&balance, 120, &[], false);
    assert!(charges.screen.contains("-217.36 USD"), "{}", charges.screen);
    assert!(!charges.screen.contains('\u{1b}'), "{}", charges.screen);
    let events = ["--demo", "--as-of", AS_OF, "events", "-p", "Development"];
    let charged = run_on_terminal(&events, 200, &[], false);
    assert!(!charged.screen.contains(red), "{}", charged.screen);
    // Credit expiring unused is red.
    let forecast = ["--demo", "--as-of", AS_OF, "forecast", "-p", "Development"];
    let unused = run_on_terminal(&forecast, 120, &[], false);
    assert!(
        unused.screen.contains(&format!("{red}1,565.19 USD")),
        "{}",
        unused.screen
    );
    // A failed check in the report is red.
    let report = [
        "--demo",
        "--as-of",
        AS_OF,
        "report",
        "-p",
        "Production",
        "--min",
        "500",
    ];
    let failed = run_on_terminal(&report, 120, &[], false);
    assert!(
        failed.screen.contains(&format!("{red}failed")),
        "{}",
        failed.screen
    );
    // An ACO credit with balance left that lapses within 30 days is yellow.
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::io::Write::write_all(
        &mut file,
        b"CustomerID,InvoiceMonth,CreditAmount,BalanceAmount,CurrencyCode,AgreementID,ExpiryDate\nc1,2026-11,10.00,90.00,USD,A1,12/15/2026\nc2,2026-11,10.00,90.00,USD,A2,12/15/2027\n",
    )
    .unwrap();
    let path = file.path().display().to_string();
    let aco = ["--as-of", AS_OF, "aco", path.as_str()];
    let lapsing = run_on_terminal(&aco, 120, &[], false);
    assert!(
        lapsing.screen.contains(&format!("{yellow}2026-12-15")),
        "{}",
        lapsing.screen
    );
    assert!(
        !lapsing.screen.contains(&format!("{yellow}2027-12-15")),
        "{}",
        lapsing.screen
    );

    for env in [[("NO_COLOR", "1")], [("CLICOLOR", "0")], [("TERM", "dumb")]] {
        let plain = run_on_terminal(&args, 120, &env, false);
        assert!(
            !plain.screen.contains('\u{1b}'),
            "{env:?}: {}",
            plain.screen
        );
    }
    // NO_COLOR wins over CLICOLOR_FORCE.
    let both = run_on_terminal(
        &args,
        120,
        &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
        false,
    );
    assert!(!both.screen.contains('\u{1b}'), "{}", both.screen);

    // In a pipe: none. Markdown goes into files and step summaries, so not even forced; the
    // force colours stderr when it is not a terminal.
    let piped = run_on_terminal(&args, 120, &[], true);
    assert!(
        !piped.piped_stdout.contains('\u{1b}'),
        "{}",
        piped.piped_stdout
    );
    let forced = run_on_terminal(&args, 120, &[("CLICOLOR_FORCE", "1")], true);
    assert!(
        !forced.piped_stdout.contains('\u{1b}'),
        "{}",
        forced.piped_stdout
    );
    let mut command = crate::support::credits_command(&[
        "--demo",
        "--as-of",
        AS_OF,
        "balance",
        "-p",
        "Production",
        "--min",
        "500",
    ]);
    command.env("CLICOLOR_FORCE", "1");
    let out = crate::support::run(command);
    assert!(out.stderr.starts_with("\u{1b}[31mcheck failed:"), "{out}");
    assert!(!out.stdout.contains('\u{1b}'), "{out}");
}

#[test]
fn a_failed_check_stands_out_in_red_on_a_terminal() {
    let args = [
        "--demo",
        "--as-of",
        AS_OF,
        "balance",
        "-p",
        "Production",
        "--min",
        "500",
    ];
    let run = run_on_terminal(&args, 120, &[], false);
    assert_eq!(run.code, 1, "{}", run.screen);
    assert!(
        run.screen.contains("\u{1b}[31mcheck failed:"),
        "{}",
        run.screen
    );
    let plain = run_on_terminal(&args, 120, &[("NO_COLOR", "1")], false);
    assert!(
        plain.screen.contains("\ncheck failed:") || plain.screen.starts_with("check failed:"),
        "{}",
        plain.screen
    );
    assert!(!plain.screen.contains('\u{1b}'), "{}", plain.screen);
}

mod progress {
    use super::run_on_terminal;
    use crate::support::*;
    use std::time::Duration;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};

    /// A fake whose account listing takes `delay`.
    async fn slow_accounts(delay: Duration) -> Fake {
        let fake = Fake::start().await;
        Mock::given(method("GET"))
            .and(path("/providers/Microsoft.Billing/billingAccounts"))
            .respond_with(
                json_response(&accounts_body(&[(
                    "1111:aaaa",
                    "Contoso",
                    &[("P1", "Development", "USD")],
                )]))
                .set_delay(delay),
            )
            .mount(&fake.server)
            .await;
        fake
    }

    fn env(fake: &Fake) -> Vec<(&'static str, String)> {
        vec![
            ("CREDITS_ENDPOINT", fake.uri()),
            ("CREDITS_ACCESS_TOKEN", "t".to_string()),
            ("CREDITS_CACHE_DIR", fake.cache.path().display().to_string()),
            ("NO_COLOR", "1".to_string()),
        ]
    }

    fn run(fake: &Fake, args: &[&str], extra: &[(&str, &str)]) -> super::TerminalRun {
        let mut vars: Vec<(&str, String)> = env(fake);
        vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        let borrowed: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run_on_terminal(args, 100, &borrowed, true)
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_slow_fetch_shows_what_is_fetched_and_clears_it_before_output() {
        let fake = slow_accounts(Duration::from_millis(2500)).await;
        let shown = run(&fake, &["accounts"], &[]);
        assert_eq!(shown.code, 0, "{}", shown.screen);
        assert!(
            shown
                .screen
                .contains("Fetching billing accounts and profiles…"),
            "{:?}",
            shown.screen
        );
        // Cleared: the terminal ends with the erase sequence, nothing after it.
        assert!(shown.screen.ends_with("\r\u{1b}[2K"), "{:?}", shown.screen);
        assert!(shown.piped_stdout.contains("Development"));
        assert!(
            !shown.piped_stdout.contains('\u{1b}'),
            "stdout is data only"
        );

        for (args, extra) in [
            (vec!["accounts", "--no-progress"], vec![]),
            (vec!["accounts"], vec![("CREDITS_NO_PROGRESS", "1")]),
            // A dumb terminal cannot erase a line.
            (vec!["accounts"], vec![("TERM", "dumb")]),
        ] {
            let quiet = run(&fake, &args, &extra);
            assert_eq!(quiet.code, 0, "{}", quiet.screen);
            assert_eq!(quiet.screen, "", "{args:?} {extra:?}");
        }
        let verbose = run(&fake, &["accounts", "-v"], &[]);
        assert!(!verbose.screen.contains("Fetching"), "{:?}", verbose.screen);
        assert!(verbose
            .screen
            .contains("GET /providers/Microsoft.Billing/billingAccounts"));
    }

    /// While Azure prepares a Cost Details report, the line says so (and which poll is
    /// next), and is gone before the table.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_report_being_prepared_shows_on_the_progress_line() {
        let fake = slow_accounts(Duration::from_millis(0)).await;
        let profile = "/providers/Microsoft.Billing/billingAccounts/1111:aaaa/billingProfiles/P1";
        fake.serve(
            &format!("{profile}/providers/Microsoft.Consumption/credits/balanceSummary"),
            r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":1.00}}}}"#,
        )
        .await;
        fake.serve(&format!("{profile}/invoices"), r#"{"value": []}"#)
            .await;
        let location = format!(
            "{}{profile}/providers/Microsoft.CostManagement/costDetailsOperationResults/op",
            fake.uri()
        );
        Mock::given(method("POST"))
            .and(path(format!(
                "{profile}/providers/Microsoft.CostManagement/generateCostDetailsReport"
            )))
            .respond_with(
                ResponseTemplate::new(202)
                    .insert_header("Location", location.as_str())
                    .insert_header("Retry-After", "2"),
            )
            .mount(&fake.server)
            .await;
        let link = format!("{}/armreports/r.csv", fake.uri());
        fake.serve(
            &format!("{profile}/providers/Microsoft.CostManagement/costDetailsOperationResults/op"),
            &serde_json::json!({"status": "Completed", "manifest": {"blobs": [{"blobLink": link}]}})
                .to_string(),
        )
        .await;
        Mock::given(method("GET"))
            .and(path("/armreports/r.csv"))
            .respond_with(ResponseTemplate::new(200).set_body_string(
                "date,meterCategory,billingCurrency,costInBillingCurrency,isAzureCreditEligible\n10/01/2026,Storage,USD,1.25,True\n",
            ))
            .mount(&fake.server)
            .await;
        let shown = run(
            &fake,
            &[
                "--as-of",
                "2026-12-15",
                "spend",
                "-p",
                "Development",
                "--month",
                "2026-10",
                "--exact",
            ],
            &[],
        );
        assert_eq!(shown.code, 0, "{}", shown.screen);
        assert!(
            shown
                .screen
                .contains("Fetching Development 2026-10 cost report (poll 1 in 2 s)"),
            "{:?}",
            shown.screen
        );
        assert!(shown.screen.ends_with("\r\u{1b}[2K"), "{:?}", shown.screen);
        assert!(
            shown.piped_stdout.contains("Storage"),
            "{}",
            shown.piped_stdout
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_quick_fetch_shows_nothing_and_an_error_clears_the_line() {
        let fake = slow_accounts(Duration::from_millis(50)).await;
        let quick = run(&fake, &["accounts"], &[]);
        assert_eq!(quick.screen, "", "{:?}", quick.screen);

        let slow = Fake::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(403).set_delay(Duration::from_millis(1800)))
            .mount(&slow.server)
            .await;
        let failed = run(&slow, &["balance", "-p", "Development"], &[]);
        assert_eq!(failed.code, 4, "{}", failed.screen);
        let error_at = failed.screen.find("error:").expect("an error line");
        let cleared_at = failed
            .screen
            .rfind("\r\u{1b}[2K")
            .expect("the line was cleared");
        assert!(cleared_at < error_at, "{:?}", failed.screen);
    }
}
