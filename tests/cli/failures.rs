//! Faults, exit codes and token safety: what a CI job can rely on.

use crate::support::*;
use std::time::{Duration, Instant};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

fn balance_path() -> String {
    consumption_path(&profile_id(ACCOUNT, DEV_PROFILE), "credits/balanceSummary")
}

const BALANCE: &str = r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":996.13},"currentBalance":{"currency":"USD","value":1000}}}}"#;

fn arm_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json")
        .insert_header("x-ms-request-id", "9920ffe1-02ea-4104-a661-79cd7961be15")
        .set_body_string(format!(
            r#"{{"error":{{"code":"{code}","message":"{message}"}}}}"#
        ))
}

async fn balance_answers(fake: &Fake, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(balance_path()))
        .respond_with(response)
        .mount(&fake.server)
        .await;
}

fn balance_by_id(fake: &Fake, extra: &[&str]) -> Outcome {
    let id = profile_id(ACCOUNT, DEV_PROFILE);
    let mut args = vec!["balance", "--profile", id.as_str()];
    args.extend_from_slice(extra);
    fake.run(&args)
}

#[tokio::test(flavor = "multi_thread")]
async fn unauthorized_exits_3_and_says_how_to_sign_in() {
    let fake = Fake::start().await;
    balance_answers(
        &fake,
        arm_error(
            401,
            "InvalidAuthenticationToken",
            "The access token is invalid.",
        ),
    )
    .await;
    let outcome = balance_by_id(&fake, &[]);
    insta::assert_snapshot!(outcome.to_string());
    assert_eq!(outcome.code, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_exits_4_and_names_the_roles() {
    let fake = Fake::start().await;
    balance_answers(
        &fake,
        arm_error(
            403,
            "AuthorizationFailed",
            "The client does not have authorization.",
        ),
    )
    .await;
    let outcome = balance_by_id(&fake, &[]);
    insta::assert_snapshot!(outcome.to_string());
    assert_eq!(outcome.code, 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn not_found_on_consumption_explains_mca_only() {
    let fake = Fake::start().await;
    balance_answers(
        &fake,
        arm_error(404, "NotFound", "Billing profile not found."),
    )
    .await;
    let outcome = balance_by_id(&fake, &[]);
    assert_eq!(outcome.code, 5, "{outcome}");
    assert!(
        outcome.stderr.contains("Microsoft Customer Agreement"),
        "{outcome}"
    );
    assert!(
        outcome
            .stderr
            .contains("9920ffe1-02ea-4104-a661-79cd7961be15"),
        "{outcome}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn numeric_error_codes_are_quoted() {
    let fake = Fake::start().await;
    balance_answers(
        &fake,
        ResponseTemplate::new(400)
            .set_body_string(r#"{"error":{"code":"400","message":"Invalid date range."}}"#),
    )
    .await;
    let outcome = balance_by_id(&fake, &[]);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert!(
        outcome.stderr.contains("400: Invalid date range."),
        "{outcome}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_is_retried_after_the_asked_wait() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path(balance_path()))
        .respond_with(
            arm_error(429, "TooManyRequests", "Too many requests.")
                .insert_header("x-ms-ratelimit-microsoft.consumption-retry-after", "1"),
        )
        .up_to_n_times(1)
        .mount(&fake.server)
        .await;
    balance_answers(&fake, json_response(BALANCE)).await;
    let started = Instant::now();
    let outcome = balance_by_id(&fake, &["--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the asked wait was honoured"
    );
    assert_eq!(
        outcome.json()["estimatedBalance"]["value"].to_string(),
        "996.13"
    );
    assert_eq!(fake.request_count().await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_are_retried_then_give_up_with_6() {
    let fake = Fake::start().await;
    balance_answers(
        &fake,
        arm_error(503, "ServiceUnavailable", "Try later.").insert_header("retry-after", "0"),
    )
    .await;
    let outcome = balance_by_id(&fake, &[]);
    insta::assert_snapshot!(outcome.to_string());
    assert_eq!(outcome.code, 6);
    assert_eq!(fake.request_count().await, 4, "4 attempts in all");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wait_longer_than_the_deadline_stops_at_once() {
    let fake = Fake::start().await;
    balance_answers(
        &fake,
        arm_error(429, "TooManyRequests", "Slow down.").insert_header("retry-after", "3600"),
    )
    .await;
    let started = Instant::now();
    let outcome = balance_by_id(&fake, &["--timeout", "30"]);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert!(outcome.stderr.contains("try again after"), "{outcome}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(fake.request_count().await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_server_hits_the_timeout() {
    let fake = Fake::start().await;
    balance_answers(
        &fake,
        json_response(BALANCE).set_delay(Duration::from_secs(20)),
    )
    .await;
    let started = Instant::now();
    let outcome = balance_by_id(&fake, &["--timeout", "1"]);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(outcome.stderr.lines().count(), 1, "{outcome}");
}

#[tokio::test(flavor = "multi_thread")]
async fn html_from_a_proxy_is_an_unexpected_response() {
    let fake = Fake::start().await;
    balance_answers(
        &fake,
        ResponseTemplate::new(200)
            .insert_header("x-ms-request-id", "req-html")
            .set_body_string("<html><body>Proxy login</body></html>"),
    )
    .await;
    let outcome = balance_by_id(&fake, &[]);
    insta::assert_snapshot!(outcome.to_string());
    assert_eq!(outcome.code, 6);
    assert_eq!(fake.request_count().await, 4, "retried like a 503");
}

#[tokio::test(flavor = "multi_thread")]
async fn truncated_and_misshapen_json_exit_6() {
    let mut runs = Vec::new();
    for body in [
        &BALANCE[..40],
        r#"{"properties": {"balanceSummary": {"estimatedBalance": {"currency": "USD", "value": 1e400}}}}"#,
        r#"{"properties": {"balanceSummary": {"estimatedBalance": {"currency": "USD", "value": 123456789012345678901234567890}}}}"#,
        r#"{"properties": {"balanceSummary": {"estimatedBalance": {"currency": 5, "value": 1}}}}"#,
        r#"[1, 2, 3]"#,
        "",
    ] {
        let fake = Fake::start().await;
        balance_answers(&fake, json_response(body)).await;
        // Undecodable answers are retried: the cases run side by side.
        runs.push(tokio::task::spawn_blocking(move || {
            let outcome = balance_by_id(&fake, &[]);
            (body, outcome)
        }));
    }
    for run in runs {
        let (body, outcome) = run.await.unwrap();
        assert_eq!(outcome.code, 6, "{body}: {outcome}");
        assert_eq!(outcome.stderr.lines().count(), 1, "{outcome}");
        assert!(outcome.stderr.starts_with("error: unexpected"), "{outcome}");
        assert!(outcome.stdout.is_empty(), "{outcome}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_goes_only_to_the_endpoint() {
    let fake = Fake::start().await;
    let elsewhere = Fake::start().await;
    with_development_profile(&fake).await;
    let lots = consumption_path(&profile_id(ACCOUNT, DEV_PROFILE), "lots");
    let next = format!("{}/steal", elsewhere.uri());
    fake.serve(&lots, &format!(r#"{{"value": [], "nextLink": "{next}"}}"#))
        .await;
    let outcome = fake.run(&["lots", "-p", "Development"]);
    let shown = outcome
        .to_string()
        .replace(&elsewhere.uri(), "[OTHER SERVER]")
        .replace(&fake.uri(), "[ENDPOINT]");
    insta::assert_snapshot!(shown);
    assert_eq!(outcome.code, 6);
    assert_eq!(elsewhere.request_count().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_is_sent_as_a_bearer_header() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path(balance_path()))
        .and(header(
            "authorization",
            format!("Bearer {CANARY_TOKEN}").as_str(),
        ))
        .respond_with(
            json_response(BALANCE).insert_header("x-ms-ratelimit-remaining-tenant-reads", "249"),
        )
        .mount(&fake.server)
        .await;
    let outcome = balance_by_id(&fake, &["-v"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert!(outcome.stderr.contains("GET /providers/"), "{outcome}");
    assert!(outcome.stderr.contains(" 200 "), "{outcome}");
    assert!(
        outcome.stderr.contains("x-ms-request-id: req-0001"),
        "{outcome}"
    );
    assert!(
        outcome.stderr.contains("tenant-reads-left: 249"),
        "{outcome}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_never_leaks_in_verbose_errors() {
    let fake = Fake::start().await;
    // An error body that echoes the token back must not be printed with it... the
    // message is Azure's, so the check is that credits never adds the token itself.
    balance_answers(
        &fake,
        arm_error(500, "InternalError", "Boom.").insert_header("retry-after", "0"),
    )
    .await;
    let outcome = balance_by_id(&fake, &["-v", "--json"]);
    assert_eq!(outcome.code, 6, "{outcome}");
    // `run` asserts the canary is absent from stdout and stderr.
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_endpoint_exits_6() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut command = credits_command(&[
        "balance",
        "-p",
        &profile_id(ACCOUNT, DEV_PROFILE),
        "--timeout",
        "5",
    ]);
    command
        .env("CREDITS_ENDPOINT", format!("http://127.0.0.1:{port}"))
        .env("CREDITS_ACCESS_TOKEN", CANARY_TOKEN);
    let outcome = run(command);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert!(outcome.stderr.contains("could not connect"), "{outcome}");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["balance", "-p", "Dev", "--min", "abc"], "--min"),
        (&["balance", "-p", "Dev", "--min", "-5"], "negative"),
        (
            &["lots", "-p", "Dev", "--expiring-within", "1.5"],
            "--expiring-within",
        ),
        (
            &["lots", "-p", "Dev", "--expiring-within", "-3"],
            "--expiring-within",
        ),
        (&["balance", "-p", ""], "--profile is empty"),
        (
            &["balance", "-p", "Dev", "--endpoint", "http://example.com"],
            "--endpoint",
        ),
        (
            &[
                "balance",
                "-p",
                "Dev",
                "--endpoint",
                "https://u:p@example.com",
            ],
            "user name or password",
        ),
        (
            &[
                "balance",
                "-p",
                "Dev",
                "--endpoint",
                "https://example.com/?a=1",
            ],
            "query",
        ),
        (
            &["balance", "-p", "Dev", "--endpoint", "file:///etc/passwd"],
            "--endpoint",
        ),
        (&["balance", "-p", "Dev", "--timeout", "0"], "--timeout"),
        (
            &["balance", "-p", "Dev", "--concurrency", "0"],
            "--concurrency",
        ),
        (
            &["balance", "-p", "Dev", "--concurrency", "many"],
            "--concurrency",
        ),
        (&["events", "-p", "Dev", "--start", "2019-02-30"], "--start"),
    ];
    for (args, needle) in cases {
        let mut command = credits_command(args);
        command.env("CREDITS_ACCESS_TOKEN", CANARY_TOKEN);
        let outcome = run(command);
        assert_eq!(outcome.code, 2, "{args:?}: {outcome}");
        assert_eq!(outcome.stderr.lines().count(), 1, "{args:?}: {outcome}");
        assert!(outcome.stderr.contains(needle), "{args:?}: {outcome}");
        assert!(outcome.stdout.is_empty());
    }
}

#[test]
fn unknown_output_format_is_a_usage_error() {
    let outcome = run(credits_command(&[
        "balance", "-p", "Dev", "--output", "xml",
    ]));
    assert_eq!(outcome.code, 2, "{outcome}");
    assert!(outcome.stderr.contains("invalid value 'xml'"), "{outcome}");
}

#[test]
fn missing_service_principal_variables_exit_3_naming_them() {
    let mut command = credits_command(&[
        "balance",
        "-p",
        "Dev",
        "--auth",
        "service-principal",
        "--endpoint",
        "http://127.0.0.1:9",
    ]);
    command.env("AZURE_TENANT_ID", "00000000-0000-0000-0000-000000000000");
    let outcome = run(command);
    assert_eq!(outcome.code, 3, "{outcome}");
    assert!(
        outcome
            .stderr
            .contains("AZURE_CLIENT_ID, AZURE_CLIENT_SECRET"),
        "{outcome}"
    );
}

#[test]
fn token_auth_without_the_variable_exits_3() {
    let outcome = run(credits_command(&[
        "accounts",
        "--auth",
        "token",
        "--endpoint",
        "http://127.0.0.1:9",
    ]));
    assert_eq!(outcome.code, 3, "{outcome}");
    assert!(outcome.stderr.contains("CREDITS_ACCESS_TOKEN"), "{outcome}");
}

#[test]
fn closed_stdout_ends_quietly() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("credits"))
        .args(["--demo", "events", "-p", "Development", "--json"])
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before credits writes anything.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// A write that fails on this machine (a full disk) has its own exit code and says so; it is
/// not "Azure unavailable".
#[test]
fn a_full_disk_is_exit_7_not_azure_unavailable() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // Not Linux: nothing to provoke it with.
    };
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin!("credits"))
        .args([
            "--demo",
            "--as-of",
            "2026-12-01",
            "balance",
            "-p",
            "Development",
        ])
        .env_clear()
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(7));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: could not write the output to stdout: No space left on device"),
        "{stderr}"
    );
    assert!(!stderr.contains("Azure"), "{stderr}");
}

/// `--auth auto` picks one method from the environment and reports that method's failure,
/// naming the method it chose and why, never a flag the user did not give.
#[test]
fn auto_auth_picks_exactly_one_method_from_the_environment() {
    let empty_path = std::env::temp_dir().join("credits-test-empty-path");
    std::fs::create_dir_all(&empty_path).unwrap();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[],
            "sign-in method cli, chosen by the default method auto because no CREDITS_ACCESS_TOKEN",
        ),
        (
            &[
                ("AZURE_TENANT_ID", "00000000-0000-0000-0000-000000000000"),
                ("AZURE_CLIENT_ID", "00000000-0000-0000-0000-000000000001"),
            ],
            "because AZURE_TENANT_ID and AZURE_CLIENT_ID are set but AZURE_CLIENT_SECRET is not",
        ),
        (
            &[
                ("IDENTITY_ENDPOINT", "http://127.0.0.1:9/msi"),
                ("IDENTITY_HEADER", "h"),
            ],
            "sign-in method managed-identity, chosen by the default method auto because IDENTITY_ENDPOINT",
        ),
        (
            &[
                ("AZURE_FEDERATED_TOKEN_FILE", "/nonexistent/token"),
                ("AZURE_TENANT_ID", "00000000-0000-0000-0000-000000000000"),
                ("AZURE_CLIENT_ID", "00000000-0000-0000-0000-000000000001"),
            ],
            "workload-identity",
        ),
    ];
    for (vars, method) in cases {
        let mut command = credits_command(&[
            "accounts",
            "--endpoint",
            "http://127.0.0.1:9",
            "--timeout",
            "2",
        ]);
        command.env("PATH", &empty_path);
        for (name, value) in *vars {
            command.env(name, value);
        }
        let outcome = run(command);
        assert_eq!(outcome.code, 3, "{vars:?}: {outcome}");
        assert!(outcome.stderr.contains(method), "{vars:?}: {outcome}");
        assert!(
            !outcome.stderr.contains("--auth cli"),
            "{vars:?}: {outcome}"
        );
        assert_eq!(outcome.stderr.lines().count(), 1, "{outcome}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_are_not_followed() {
    let fake = Fake::start().await;
    let elsewhere = Fake::start().await;
    balance_answers(
        &fake,
        ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/elsewhere", elsewhere.uri()).as_str(),
        ),
    )
    .await;
    let outcome = balance_by_id(&fake, &[]);
    assert_eq!(outcome.code, 6, "{outcome}");
    assert_eq!(elsewhere.request_count().await, 0);
}

/// A server that drops the first connection without answering, then answers properly.
fn flaky_server(body: &'static str) -> (String, std::thread::JoinHandle<usize>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut connections = 0;
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            connections += 1;
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            if connections == 1 {
                drop(stream); // reset: no answer at all
                continue;
            }
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            break;
        }
        connections
    });
    (address, handle)
}

#[test]
fn a_dropped_connection_is_retried() {
    let (endpoint, server) = flaky_server(BALANCE);
    let mut command =
        credits_command(&["balance", "-p", &profile_id(ACCOUNT, DEV_PROFILE), "--json"]);
    command
        .env("CREDITS_ENDPOINT", &endpoint)
        .env("CREDITS_ACCESS_TOKEN", CANARY_TOKEN);
    let outcome = run(command);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert_eq!(
        outcome.json()["estimatedBalance"]["value"].to_string(),
        "996.13"
    );
    assert_eq!(
        server.join().unwrap(),
        2,
        "one dropped connection, one answer"
    );
}

/// stderr that cannot be written (a full disk) never changes the exit code: notes and
/// errors are written best-effort.
#[cfg(target_os = "linux")]
#[test]
fn an_unwritable_stderr_keeps_the_exit_code() {
    use std::process::{Command, Stdio};
    let cases: [(&[&str], i32); 3] = [
        // A note on stderr (204, no credits), data on stdout.
        (&["--demo", "balance", "-p", "Marketing"], 0),
        // An error line and its hints.
        (&["--demo", "balance", "-p", "Staging"], 5),
        // A usage error.
        (
            &["--demo", "balance", "-p", "Development", "--min", "lots"],
            2,
        ),
    ];
    for (args, code) in cases {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let output = Command::new(assert_cmd::cargo::cargo_bin!("credits"))
            .args(args)
            .env_clear()
            .stdout(Stdio::null())
            .stderr(Stdio::from(full))
            .output()
            .expect("credits runs");
        assert_eq!(output.status.code(), Some(code), "{args:?}");
    }
}

/// A bad value from the environment names the variable, not a flag the user never typed.
#[test]
fn a_bad_environment_value_names_the_variable() {
    let mut command = credits_command(&["balance", "-p", "Dev"]);
    command
        .env("CREDITS_ACCESS_TOKEN", CANARY_TOKEN)
        .env("CREDITS_ENDPOINT", "http://example.com");
    let outcome = run(command);
    assert_eq!(outcome.code, 2, "{outcome}");
    assert!(
        outcome
            .stderr
            .starts_with("error: CREDITS_ENDPOINT \"http://example.com\""),
        "{outcome}"
    );
    assert_eq!(outcome.stderr.lines().count(), 1, "{outcome}");
    // The demo serves itself: the variable is not used, and not an error.
    let mut demo = credits_command(&["--demo", "balance", "-p", "Development"]);
    demo.env("CREDITS_ENDPOINT", "http://example.com");
    assert_eq!(run(demo).code, 0);
}
