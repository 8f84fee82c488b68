//! The shared test environment: a wiremock Resource Manager on loopback, and the `credits`
//! binary run with a clean environment against it.

use assert_cmd::Command;
use serde_json::Value;
use std::fmt;
use std::path::{Path, PathBuf};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A recognisable token: no output of any test may ever contain it.
pub const CANARY_TOKEN: &str = "canary-7f3a9c-SECRET-eyJ0eXAiOiJKV1Qi";

pub const ACCOUNTS_PATH: &str = "/providers/Microsoft.Billing/billingAccounts";

pub fn fixture_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}

/// The JSON text of a fixture file.
pub fn fixture_text(relative: &str) -> String {
    std::fs::read_to_string(fixture_path(relative))
        .unwrap_or_else(|e| panic!("fixture {relative}: {e}"))
}

/// The 200 body of an `azure-examples` file, as text with its exact numbers.
pub fn example_body(relative: &str) -> String {
    let file: Value = serde_json::from_str(&fixture_text(relative)).unwrap();
    file["responses"]["200"]["body"].to_string()
}

/// The body of an `azure-recordings` file, as text.
pub fn recording_body(relative: &str) -> String {
    let file: Value = serde_json::from_str(&fixture_text(relative)).unwrap();
    match &file["body"] {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

pub fn json_response(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json; charset=utf-8")
        .insert_header("x-ms-request-id", "req-0001")
        .set_body_string(body.to_string())
}

/// What a run of the binary showed: exit code, stdout and stderr.
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exit: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Outcome {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }
}

/// A fake Resource Manager and a way to run `credits` against it.
pub struct Fake {
    pub server: MockServer,
    /// This test's own profile cache, so tests never see each other's.
    pub cache: tempfile::TempDir,
}

impl Fake {
    pub async fn start() -> Self {
        Fake {
            server: MockServer::start().await,
            cache: tempfile::tempdir().expect("a temporary cache directory"),
        }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Serves `body` for GET `path` (any query).
    pub async fn serve(&self, at: &str, body: &str) {
        Mock::given(method("GET"))
            .and(path(at))
            .respond_with(json_response(body))
            .mount(&self.server)
            .await;
    }

    /// Serves the accounts list.
    pub async fn accounts(&self, body: &str) {
        self.serve(ACCOUNTS_PATH, body).await;
    }

    /// A `credits` command with a clean environment, pointed at this server.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = credits_command(args);
        command
            .env("CREDITS_ENDPOINT", self.uri())
            .env("CREDITS_ACCESS_TOKEN", CANARY_TOKEN)
            .env("CREDITS_CACHE_DIR", self.cache.path());
        command
    }

    /// Runs `credits` against this server; checks that the token never leaks.
    pub fn run(&self, args: &[&str]) -> Outcome {
        run(self.command(args))
    }

    /// How many requests reached the server.
    pub async fn request_count(&self) -> usize {
        self.server
            .received_requests()
            .await
            .map(|r| r.len())
            .unwrap_or(0)
    }
}

/// The binary with nothing inherited from the developer's environment.
pub fn credits_command(args: &[&str]) -> Command {
    let mut command = Command::from_std(plain_command(assert_cmd::cargo::cargo_bin!("credits")));
    command
        .args(args)
        .timeout(std::time::Duration::from_secs(60));
    command
}

/// `program` with nothing inherited from the developer's environment but `PATH`: its own
/// `HOME`, and no config file (a developer's, or another test's, never leaks in).
pub fn plain_command(program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
    let mut command = std::process::Command::new(program);
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("credits-tests-without-config"),
        );
    command
}

/// `credits --demo --as-of 2026-12-01 ARGS`: the demo on the reference day of the README's
/// examples.
pub fn on_demo_day(args: &[&str]) -> Outcome {
    let mut argv = vec!["--demo", "--as-of", "2026-12-01"];
    argv.extend_from_slice(args);
    run(credits_command(&argv))
}

pub fn run(mut command: Command) -> Outcome {
    let output = command.output().expect("credits runs");
    let outcome = Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !outcome.stdout.contains(CANARY_TOKEN) && !outcome.stderr.contains(CANARY_TOKEN),
        "the token leaked:\n{outcome}"
    );
    assert!(
        !outcome.stderr.contains("panicked") && !outcome.stderr.contains("RUST_BACKTRACE"),
        "credits panicked:\n{outcome}"
    );
    outcome
}

/// A JSON value with exactly these digits (`json!` would write 88.80 as 88.8).
pub fn exact(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

/// Every amount value (`{"value": <number>, "currency": ..}`) in a JSON document, as exact
/// text, sorted: comparing these between Azure's answer and our output proves nothing was
/// rounded, dropped or invented.
pub fn amount_texts(value: &Value) -> Vec<String> {
    fn walk(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let (Some(Value::Number(n)), Some(_)) = (map.get("value"), map.get("currency")) {
                    found.push(n.to_string());
                }
                map.values().for_each(|v| walk(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, &mut found);
    found.sort();
    found
}

/// `(profile name, display name, currency)`
pub type ProfileSpec<'a> = (&'a str, &'a str, &'a str);
/// `(account name, account display name, its profiles)`
pub type AccountSpec<'a> = (&'a str, &'a str, &'a [ProfileSpec<'a>]);

/// A billing accounts list (2020-05-01 shape) with the given MCA profiles expanded.
pub fn accounts_body(accounts: &[AccountSpec]) -> String {
    let value: Vec<Value> = accounts
        .iter()
        .map(|(name, display, profiles)| {
            let id = format!("{ACCOUNTS_PATH}/{name}");
            let profiles: Vec<Value> = profiles
                .iter()
                .map(|(pname, pdisplay, currency)| {
                    serde_json::json!({
                        "id": format!("{id}/billingProfiles/{pname}"),
                        "name": pname,
                        "type": "Microsoft.Billing/billingAccounts/billingProfiles",
                        "properties": {"displayName": pdisplay, "currency": currency, "hasReadAccess": true}
                    })
                })
                .collect();
            serde_json::json!({
                "id": id,
                "name": name,
                "type": "Microsoft.Billing/billingAccounts",
                "properties": {
                    "displayName": display,
                    "agreementType": "MicrosoftCustomerAgreement",
                    "accountType": "Enterprise",
                    "hasReadAccess": true,
                    "billingProfiles": {"hasMoreResults": false, "value": profiles}
                }
            })
        })
        .collect();
    serde_json::json!({ "value": value }).to_string()
}

pub const ACCOUNT: &str = "1234:5678";
pub const DEV_PROFILE: &str = "2468";

/// The id of profile `name` in account `account`.
pub fn profile_id(account: &str, name: &str) -> String {
    format!("{ACCOUNTS_PATH}/{account}/billingProfiles/{name}")
}

/// One MCA account "1234:5678" with profile "2468" named "Development" (USD): the ids the
/// official examples use.
pub async fn with_development_profile(fake: &Fake) {
    fake.accounts(&accounts_body(&[(
        ACCOUNT,
        "Contoso",
        &[(DEV_PROFILE, "Development", "USD")],
    )]))
    .await;
}

/// `at` answers 403 AuthorizationFailed (a missing role).
pub async fn forbid(fake: &Fake, at: &str) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(
            ResponseTemplate::new(403).set_body_string(
                r#"{"error":{"code":"AuthorizationFailed","message":"No access."}}"#,
            ),
        )
        .mount(&fake.server)
        .await;
}

pub fn consumption_path(profile: &str, what: &str) -> String {
    format!("{profile}/providers/Microsoft.Consumption/{what}")
}

/// A fake with the "Development" profile (see `with_development_profile`) whose
/// Consumption `what` (`credits/balanceSummary`, `lots` or `events`) answers `body`.
pub async fn development_serving(what: &str, body: &str) -> Fake {
    development_answering(what, json_response(body)).await
}

/// Like `development_serving`, with any response (a 204, an error, a delay).
pub async fn development_answering(what: &str, response: ResponseTemplate) -> Fake {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    Mock::given(method("GET"))
        .and(path(consumption_path(
            &profile_id(ACCOUNT, DEV_PROFILE),
            what,
        )))
        .respond_with(response)
        .mount(&fake.server)
        .await;
    fake
}

/// `body` (an official example or recording) as if it had been recorded for the
/// Development profile: every `id` that names a billing profile is moved under
/// `profile_id(ACCOUNT, DEV_PROFILE)`. Amounts and every other field stay as they are;
/// `credits` refuses records of another profile than the one asked for.
pub fn for_development(body: &str) -> String {
    fn walk(value: &mut Value, dev: &str) {
        match value {
            Value::Object(map) => {
                for (key, field) in map.iter_mut() {
                    match field {
                        Value::String(id) if key == "id" => {
                            let lower = id.to_ascii_lowercase();
                            if let Some(at) = lower.find("/billingprofiles/") {
                                let rest = &id[at + "/billingProfiles/".len()..];
                                let tail = rest.find('/').map(|i| &rest[i..]).unwrap_or("");
                                *id = format!("{dev}{tail}");
                            }
                        }
                        other => walk(other, dev),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, dev)),
            _ => {}
        }
    }
    let mut value: Value = serde_json::from_str(body).expect("a JSON body");
    walk(&mut value, &profile_id(ACCOUNT, DEV_PROFILE));
    value.to_string()
}

/// The display names of the rows of an `--all` JSON list that say `"excluded": true`.
pub fn excluded_profiles(rows: &Value) -> Vec<String> {
    rows.as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["excluded"] == true)
        .filter_map(|r| r["billingProfile"]["displayName"].as_str())
        .map(str::to_string)
        .collect()
}
