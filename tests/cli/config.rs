//! The config file and `credits config`: precedence flag > environment > file > default for
//! each key, errors that name the file, line and key, and `set` that never breaks a file.

use crate::support::*;
use std::path::Path;

const AS_OF: &str = "2026-12-01";

/// `credits` with `CREDITS_CONFIG` naming `file`.
fn with_config(file: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut command = credits_command(args);
    command.env("CREDITS_CONFIG", file);
    command
}

fn write(dir: &tempfile::TempDir, text: &str) -> std::path::PathBuf {
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn profile_comes_from_the_file_unless_the_environment_or_a_flag_says_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "# mine\nprofile = \"Production\"\n");
    let json = |command: assert_cmd::Command| run(command).json();
    let args = ["--demo", "--as-of", AS_OF, "--json", "balance"];
    let from_file = json(with_config(&file, &args));
    assert_eq!(from_file["billingProfile"]["displayName"], "Production");
    let mut command = with_config(&file, &args);
    command.env("CREDITS_PROFILE", "Sandbox");
    assert_eq!(json(command)["billingProfile"]["displayName"], "Sandbox");
    let mut command = with_config(&file, &[&args[..], &["-p", "Archive"]].concat());
    command.env("CREDITS_PROFILE", "Sandbox");
    assert_eq!(json(command)["billingProfile"]["displayName"], "Archive");
}

#[test]
fn output_comes_from_the_file_unless_the_environment_or_a_flag_says_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "output = \"csv\"\n");
    let args = ["--demo", "--as-of", AS_OF, "balance", "-p", "Development"];
    let out = run(with_config(&file, &args));
    assert!(out.stdout.starts_with("billingAccountId,"), "{out}");
    let mut command = with_config(&file, &args);
    command.env("CREDITS_OUTPUT", "json");
    assert!(run(command).stdout.starts_with('{'));
    let mut command = with_config(&file, &[&["-o", "tsv"], &args[..]].concat());
    command.env("CREDITS_OUTPUT", "json");
    assert!(run(command).stdout.starts_with("billingAccountId\t"));
    let command = with_config(&file, &[&["--json"], &args[..]].concat());
    assert!(
        run(command).stdout.starts_with('{'),
        "--json beats the file"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn endpoint_and_concurrency_come_from_the_file_after_flags_and_environment() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        &format!("endpoint = \"{}\"\nconcurrency = 3\n", fake.uri()),
    );
    let mut command = with_config(&file, &["accounts", "--json"]);
    command
        .env("CREDITS_ACCESS_TOKEN", "t")
        .env("CREDITS_CACHE_DIR", dir.path());
    let out = run(command);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(fake.request_count().await, 1);

    // The environment beats the file: a closed port, named in the hint as the variable.
    let mut command = with_config(&file, &["accounts", "--timeout", "5"]);
    command
        .env("CREDITS_ACCESS_TOKEN", "t")
        .env("CREDITS_ENDPOINT", "http://127.0.0.1:9")
        .env("CREDITS_CACHE_DIR", dir.path());
    let out = run(command);
    assert_eq!(out.code, 6, "{out}");
    assert!(
        out.stderr.contains("CREDITS_ENDPOINT=http://127.0.0.1:9"),
        "{out}"
    );

    // A bad value in the file names the file, the line and the key; a flag beats it.
    let bad = write(
        &dir,
        &format!("endpoint = \"{}\"\n\nconcurrency = 0\n", fake.uri()),
    );
    let mut command = with_config(&bad, &["accounts"]);
    command.env("CREDITS_ACCESS_TOKEN", "t");
    let out = run(command);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains(&format!(
            "{}:3: concurrency: \"0\" is not a number",
            bad.display()
        )),
        "{out}"
    );
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    // The example is written the way the file takes it, not as `file:line: key 8`.
    assert!(out.stderr.contains("for example concurrency = 8"), "{out}");
    assert!(
        !out.stderr
            .contains(&format!("for example {}", bad.display())),
        "{out}"
    );
    let mut command = with_config(&bad, &["accounts", "--concurrency", "2"]);
    command
        .env("CREDITS_ACCESS_TOKEN", "t")
        .env("CREDITS_CACHE_DIR", dir.path());
    assert_eq!(run(command).code, 0);
}

/// `CREDITS_CONCURRENCY` sits between the flag and the file, like every other setting, and a
/// bad value names the variable.
#[tokio::test(flavor = "multi_thread")]
async fn concurrency_comes_from_its_variable_between_the_flag_and_the_file() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        &dir,
        &format!("endpoint = \"{}\"\nconcurrency = 0\n", fake.uri()),
    );
    // The variable beats the bad file value.
    let mut command = with_config(&bad, &["accounts"]);
    command
        .env("CREDITS_ACCESS_TOKEN", "t")
        .env("CREDITS_CONCURRENCY", "2")
        .env("CREDITS_CACHE_DIR", dir.path());
    let out = run(command);
    assert_eq!(out.code, 0, "{out}");
    // A bad variable is named, and the flag beats it.
    let mut command = with_config(&bad, &["accounts"]);
    command
        .env("CREDITS_ACCESS_TOKEN", "t")
        .env("CREDITS_CONCURRENCY", "100");
    let out = run(command);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr
            .contains("CREDITS_CONCURRENCY \"100\" is not a number"),
        "{out}"
    );
    let mut command = with_config(&bad, &["accounts", "--concurrency", "4"]);
    command
        .env("CREDITS_ACCESS_TOKEN", "t")
        .env("CREDITS_CONCURRENCY", "100")
        .env("CREDITS_CACHE_DIR", dir.path());
    assert_eq!(run(command).code, 0);
    // `config list` says where the value came from.
    let mut command = with_config(&bad, &["config", "list", "--json"]);
    command.env("CREDITS_CONCURRENCY", "7");
    let out = run(command);
    let rows = out.json();
    let row = rows
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["key"] == "concurrency"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(row["value"], "7", "{out}");
    assert_eq!(row["source"], "CREDITS_CONCURRENCY", "{out}");
}

#[test]
fn auth_from_the_file_is_named_in_the_hint_and_the_environment_beats_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "auth = \"token\"\nendpoint = \"http://127.0.0.1:9\"\n",
    );
    let out = run(with_config(&file, &["accounts"]));
    assert_eq!(out.code, 3, "{out}");
    assert!(
        out.stderr
            .contains(&format!("auth = \"token\" in {}", file.display())),
        "{out}"
    );
    let mut command = with_config(&file, &["accounts"]);
    command.env("CREDITS_AUTH", "service-principal");
    let out = run(command);
    assert_eq!(out.code, 3, "{out}");
    assert!(
        out.stderr.contains("CREDITS_AUTH=service-principal"),
        "{out}"
    );
    assert!(out.stderr.contains("AZURE_CLIENT_SECRET"), "{out}");
    let out = run(with_config(
        &file,
        &["accounts", "--auth", "service-principal"],
    ));
    assert!(
        out.stderr.contains("--auth service-principal needs"),
        "{out}"
    );
}

#[test]
fn a_broken_file_names_its_line_and_an_unknown_key_is_only_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let broken = write(&dir, "profile = \"Development\"\noutput = csv\n");
    let out = run(with_config(&broken, &["--demo", "balance"]));
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains(&format!("{}:2:", broken.display())),
        "{out}"
    );
    assert!(out.stdout.is_empty());

    let unknown = write(&dir, "colour = \"always\"\nprofile = \"Development\"\n");
    let out = run(with_config(
        &unknown,
        &["--demo", "--as-of", AS_OF, "--json", "balance"],
    ));
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stderr.contains("warning: ") && out.stderr.contains(":1: unknown key \"colour\""),
        "{out}"
    );
    assert_eq!(out.json()["billingProfile"]["displayName"], "Development");

    let missing = dir.path().join("nope.toml");
    let out = run(with_config(&missing, &["--demo", "balance"]));
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("CREDITS_CONFIG names"), "{out}");
}

#[test]
fn config_set_get_unset_and_list() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new").join("config.toml");
    let out = run(with_config(
        &file,
        &["config", "set", "profile", "Forschung Zürich"],
    ));
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.is_empty());
    let out = run(with_config(&file, &["config", "get", "profile"]));
    assert_eq!(out.stdout, "Forschung Zürich\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Comments stay; bad keys and values leave the file as it was.
    let text = format!("# my settings\n{}", std::fs::read_to_string(&file).unwrap());
    std::fs::write(&file, &text).unwrap();
    for (key, value, why) in [
        ("output", "xml", "is not an output format"),
        (
            "endpoint",
            "http://example.com",
            "http:// on a host that is not loopback",
        ),
        ("concurrency", "100", "is not a number from 1 to 64"),
        ("colour", "always", "is not a config key"),
    ] {
        let out = run(with_config(&file, &["config", "set", key, value]));
        assert_eq!(out.code, 2, "{out}");
        assert!(out.stderr.contains(why), "{key}: {out}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    }
    let out = run(with_config(&file, &["config", "set", "concurrency", "8"]));
    assert_eq!(out.code, 0, "{out}");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("# my settings\n"), "{written}");
    assert!(written.contains("concurrency = 8"), "{written}");

    let mut command = with_config(&file, &["--demo", "config", "list", "--json"]);
    command.env("CREDITS_OUTPUT", "table");
    let list = run(command).json();
    let source = |key: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .map(|r| {
                (
                    r["value"].clone(),
                    r["source"].as_str().unwrap().to_string(),
                )
            })
            .unwrap()
    };
    assert_eq!(source("profile").0, "Forschung Zürich");
    assert!(
        source("profile")
            .1
            .starts_with(&format!("{}:2:", file.display())),
        "{list}"
    );
    assert_eq!(source("concurrency").0, "8");
    assert_eq!(source("output"), ("json".into(), "--json".into()));
    assert_eq!(source("auth").1, "default");

    let out = run(with_config(&file, &["config", "unset", "profile"]));
    assert_eq!(out.code, 0, "{out}");
    let out = run(with_config(&file, &["config", "get", "profile"]));
    assert_eq!(out.code, 5, "{out}");
    let out = run(with_config(&file, &["config", "path"]));
    assert_eq!(out.stdout, format!("{}\n", file.display()));
}

#[test]
fn the_file_is_found_under_xdg_config_home_and_home() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = credits_command(&["config", "path"]);
    command.env("XDG_CONFIG_HOME", dir.path());
    let out = run(command);
    assert_eq!(
        out.stdout,
        format!(
            "{}\n",
            dir.path().join("credits").join("config.toml").display()
        )
    );
    let mut command = credits_command(&["config", "set", "output", "csv"]);
    command.env("XDG_CONFIG_HOME", dir.path());
    assert_eq!(run(command).code, 0);
    let mut command =
        credits_command(&["--demo", "--as-of", AS_OF, "balance", "-p", "Development"]);
    command.env("XDG_CONFIG_HOME", dir.path());
    assert!(run(command).stdout.starts_with("billingAccountId,"));
    let home = tempfile::tempdir().unwrap();
    let mut command = credits_command(&["config", "path"]);
    command
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME");
    assert_eq!(
        run(command).stdout,
        format!(
            "{}\n",
            home.path().join(".config/credits/config.toml").display()
        )
    );
}

#[test]
fn a_profile_from_the_file_that_matches_nothing_says_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "profile = \"Nope\"\n");
    let out = run(with_config(&file, &["--demo", "balance"]));
    assert_eq!(out.code, 5, "{out}");
    assert!(
        out.stderr.contains(&format!(
            "hint: the profile was given by profile = \"Nope\" in {}",
            file.display()
        )),
        "{out}"
    );
    let out = run(with_config(&file, &["--demo", "balance", "-p", "Nope"]));
    assert!(!out.stderr.contains("hint: the profile was given"), "{out}");
}

/// `exclude` in the config file: a name or a list of names, used by `--all`.
#[test]
fn exclude_comes_from_the_config_file_as_a_list() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "exclude = [\"Marketing\", \"Archive\"]\n");
    let mut command = with_config(
        &file,
        &[
            "--demo",
            "--as-of",
            "2026-12-01",
            "balance",
            "--all",
            "--json",
        ],
    );
    command.env("CREDITS_NO_PROGRESS", "1");
    let out = run(command);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        excluded_profiles(&out.json()),
        ["Archive", "Marketing"],
        "{out}"
    );
    // `config list` says what is left out and where that comes from.
    let listed = run(with_config(&file, &["config", "list", "--json"]));
    let rows = listed.json();
    let row = rows
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["key"] == "exclude"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(row["value"], "Marketing, Archive", "{listed}");
    assert_eq!(
        row["source"],
        format!("{}:1: exclude", file.display()),
        "{listed}"
    );
}
