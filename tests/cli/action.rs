//! The GitHub Action's script (`action/run.sh`) run as a workflow would run it, against the
//! demo tenant, with its own `GITHUB_STEP_SUMMARY` and `GITHUB_OUTPUT` files.

use std::collections::HashMap;
use std::path::Path;

struct Step {
    code: i32,
    log: String,
    summary: String,
    outputs: HashMap<String, String>,
}

/// Runs the action's step with these inputs (`INPUT_*` variables) and `CREDITS_BIN`.
fn step(inputs: &[(&str, &str)], binary: &Path) -> Step {
    step_in(inputs, binary, &[])
}

/// `step` with these variables set in the workflow's environment too.
fn step_in(inputs: &[(&str, &str)], binary: &Path, env: &[(&str, &str)]) -> Step {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let outputs = dir.path().join("outputs");
    let mut command = crate::support::plain_command("bash");
    command
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("action/run.sh"))
        .env("CREDITS_BIN", binary)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs);
    for (name, value) in inputs {
        command.env(format!("INPUT_{name}"), value);
    }
    command.envs(env.iter().copied());
    let output = command.output().expect("bash runs");
    Step {
        code: output.status.code().unwrap_or(-1),
        log: log_of(&output),
        summary: read_or_empty(&summary),
        outputs: read_or_empty(&outputs)
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// What a step printed, stdout then stderr, as the step's log shows it.
fn log_of(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A file the step wrote, or nothing when it wrote none.
fn read_or_empty(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A stand-in program: `text` at `path`, executable.
fn write_executable(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn credits() -> &'static Path {
    Path::new(assert_cmd::cargo::cargo_bin!("credits"))
}

/// `report` for one profile: the Markdown page in the job summary and the log, the balance
/// and runway as outputs, exit 0; a check that fails fails the step with exit 1.
#[test]
fn the_report_goes_to_the_summary_and_the_figures_to_the_outputs() {
    let ok = step(
        &[
            ("DEMO", "true"),
            ("COMMAND", "report"),
            ("PROFILE", "Development"),
            ("MIN_DAYS", "30"),
        ],
        credits(),
    );
    assert_eq!(ok.code, 0, "{}", ok.log);
    assert!(
        ok.summary.starts_with("# Azure credits, "),
        "{}",
        ok.summary
    );
    assert!(ok.log.contains("# Azure credits, "), "{}", ok.log);
    assert_eq!(ok.outputs["exit-code"], "0");
    assert_eq!(ok.outputs["estimated-balance"], "2927.77");
    assert_eq!(ok.outputs["currency"], "USD");
    assert!(
        ok.outputs["runway-days"].parse::<u32>().is_ok(),
        "{:?}",
        ok.outputs
    );

    let low = step(
        &[
            ("DEMO", "true"),
            ("COMMAND", "balance"),
            ("PROFILE", "Development"),
            ("MIN", "1000000USD"),
        ],
        credits(),
    );
    assert_eq!(low.code, 1, "{}", low.log);

    // No check inputs at all (empty arrays: macOS's bash 3.2 would stop on them under set -u
    // without the guard): the command runs, its code is the output.
    let plain = step(
        &[
            ("DEMO", "true"),
            ("COMMAND", "verify"),
            ("PROFILE", "Development"),
        ],
        credits(),
    );
    assert_eq!(plain.code, 0, "the demo's figures agree: {}", plain.log);
    assert_eq!(plain.outputs["exit-code"], plain.code.to_string());
    assert!(!plain.summary.is_empty(), "{}", plain.log);
    assert_eq!(low.outputs["exit-code"], "1");
    assert!(low.summary.contains("2,927.77 USD"), "{}", low.summary);
}

/// An input the command does not take is an error in the step log (exit 2), never dropped;
/// so is a missing scope or an unknown command.
#[test]
fn an_input_the_command_cannot_take_is_an_error() {
    for (inputs, says) in [
        (
            vec![
                ("COMMAND", "verify"),
                ("PROFILE", "Development"),
                ("MIN", "5USD"),
            ],
            "input 'min' does not apply to 'verify'",
        ),
        (
            vec![
                ("COMMAND", "balance"),
                ("PROFILE", "Development"),
                ("MIN_DAYS", "30"),
            ],
            "input 'min-days' does not apply to 'balance'",
        ),
        (vec![("COMMAND", "balance")], "give the profile input"),
        (
            vec![("COMMAND", "spend"), ("PROFILE", "Development")],
            "command 'spend' is not one of",
        ),
    ] {
        let mut inputs = inputs;
        inputs.push(("DEMO", "true"));
        let out = step(&inputs, credits());
        assert_eq!(out.code, 2, "{}", out.log);
        assert!(
            out.log.contains("::error title=credits action::"),
            "{}",
            out.log
        );
        assert!(out.log.contains(says), "{}", out.log);
        assert_eq!(out.outputs["exit-code"], "2");
    }
}

/// The job summary takes at most 1 MiB: a longer page is cut, with a note; the log keeps it
/// whole. (A stand-in binary writes 2 MiB of Markdown.)
#[test]
fn a_page_longer_than_the_summary_allows_is_cut_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("credits");
    // 2 MiB of table rows of 41 bytes.
    write_executable(
        &fake,
        "#!/usr/bin/env bash\nyes '| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |' | head -c 2097152\nexit 0\n",
    );
    let out = step(&[("COMMAND", "report"), ("ALL", "true")], &fake);
    assert_eq!(out.code, 0);
    // GitHub refuses a summary over 1 MiB: the whole lines that fit, and the note.
    assert!(out.summary.len() <= 1024 * 1024, "{}", out.summary.len());
    assert!(out.summary.len() > 1000 * 1024, "{}", out.summary.len());
    assert!(out.summary.starts_with("| xxxx"));
    let tail = &out.summary[out.summary.len() - 300..];
    assert!(tail.contains("the summary shows its first lines"), "{tail}");
    let before_note = tail.split("\n\n_The page").next().unwrap_or_default();
    assert!(
        before_note.trim_end().ends_with(" |"),
        "a line was cut through: {tail}"
    );
    assert!(
        out.log.len() >= 2 * 1024 * 1024,
        "the log has the whole page"
    );
}

/// A release as GitHub would publish it, served to `action/install.sh` by a stand-in `curl`
/// on `PATH` that maps each `https://github.com/<repo>/releases/download/<tag>/<file>` to
/// `<dir>/<tag>/<file>` and logs every URL asked for.
struct Release {
    dir: tempfile::TempDir,
}

impl Release {
    /// `tag` holding the static Linux archive of a stand-in `credits` and its checksum.
    fn new(tag: &str) -> Release {
        let dir = tempfile::tempdir().unwrap();
        let target = "x86_64-unknown-linux-musl";
        let staged = dir
            .path()
            .join("stage")
            .join(format!("azure-credits-{target}"));
        std::fs::create_dir_all(&staged).unwrap();
        let binary = staged.join("credits");
        write_executable(&binary, "#!/bin/sh\necho \"credits 9.9.9 (stand-in)\"\n");
        let released = dir.path().join(tag);
        std::fs::create_dir_all(&released).unwrap();
        let archive = released.join(format!("azure-credits-{target}.tar.xz"));
        let tar = std::process::Command::new("tar")
            .arg("-cJf")
            .arg(&archive)
            .arg("-C")
            .arg(dir.path().join("stage"))
            .arg(format!("azure-credits-{target}"))
            .status()
            .unwrap();
        assert!(tar.success());
        let sum = std::process::Command::new("sha256sum")
            .arg(&archive)
            .output()
            .unwrap();
        let digest = String::from_utf8_lossy(&sum.stdout)
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        std::fs::write(
            released.join(format!("azure-credits-{target}.tar.xz.sha256")),
            format!("{digest} *azure-credits-{target}.tar.xz\n"),
        )
        .unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let curl = bin.join("curl");
        write_executable(
            &curl,
            &format!(
                r#"#!/bin/sh
out=""; url=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out=$2; shift 2 ;;
    -*) shift ;;
    *) url=$1; shift ;;
  esac
done
echo "$url" >>"{log}"
file="{root}/${{url#https://github.com/azure-credits/credits/releases/download/}}"
[ -f "$file" ] || exit 22
cp "$file" "$out"
"#,
                log = dir.path().join("asked").display(),
                root = dir.path().display()
            ),
        );
        Release { dir }
    }

    /// Runs the install step on a runner of `os`/`arch`, the action used at `action_ref`.
    fn install(&self, os: &str, arch: &str, action_ref: &str) -> (i32, String, String, String) {
        let runner = self.dir.path().join("runner");
        let _ = std::fs::remove_dir_all(&runner);
        std::fs::create_dir_all(&runner).unwrap();
        let github_path = runner.join("path");
        let _ = std::fs::remove_file(self.dir.path().join("asked"));
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let output = crate::support::plain_command("bash")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("action/install.sh"))
            .env("PATH", path)
            .env("ACTION_REPOSITORY", "azure-credits/credits")
            .env("ACTION_REF", action_ref)
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env("RUNNER_TEMP", &runner)
            .env("GITHUB_PATH", &github_path)
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            log_of(&output),
            read_or_empty(&github_path),
            read_or_empty(&self.dir.path().join("asked")),
        )
    }
}

/// The install step fetches the runner's archive of the tag the action was used at, checks
/// it against its published SHA-256, and puts the binary on `PATH`; a checksum that does not
/// match stops the step (exit 1) with nothing on `PATH`; a runner without a build is exit 2.
#[test]
fn the_installer_takes_the_runners_archive_and_checks_its_checksum() {
    let release = Release::new("v99.0.0");
    let (code, log, path, asked) = release.install("Linux", "X64", "v99.0.0");
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("credits 9.9.9 (stand-in)"), "{log}");
    assert_eq!(
        asked.lines().collect::<Vec<_>>(),
        [
            "https://github.com/azure-credits/credits/releases/download/v99.0.0/azure-credits-x86_64-unknown-linux-musl.tar.xz",
            "https://github.com/azure-credits/credits/releases/download/v99.0.0/azure-credits-x86_64-unknown-linux-musl.tar.xz.sha256",
        ]
    );
    let on_path = Path::new(path.trim());
    assert!(on_path.join("credits").is_file(), "{path}");

    // Pinned to a commit: the release of the version the action's own Cargo.toml names.
    let (code, _, _, asked) =
        release.install("Linux", "X64", "0123456789abcdef0123456789abcdef01234567");
    assert_ne!(code, 0, "no release of that version in the stand-in");
    assert!(
        asked.contains(&format!("/download/v{}/", env!("CARGO_PKG_VERSION"))),
        "{asked}"
    );

    // A checksum that does not match.
    let sums = release
        .dir
        .path()
        .join("v99.0.0/azure-credits-x86_64-unknown-linux-musl.tar.xz.sha256");
    std::fs::write(&sums, format!("{} *x\n", "0".repeat(64))).unwrap();
    let (code, log, path, _) = release.install("Linux", "X64", "v99.0.0");
    assert_eq!(code, 1, "{log}");
    assert!(
        log.contains("does not match its published SHA-256"),
        "{log}"
    );
    assert!(path.is_empty(), "nothing on PATH: {path}");

    // A runner there is no build for.
    let (code, log, _, asked) = release.install("Linux", "ARM", "v99.0.0");
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("no credits release for Linux/ARM"), "{log}");
    assert!(asked.is_empty(), "{asked}");
}

/// Without a token the step signs in as the Azure CLI (what `azure/login` left), unless the
/// workflow named a method in `CREDITS_AUTH` (credits reads it); a token is used as given.
#[test]
fn the_sign_in_is_the_azure_clis_unless_the_workflow_chose_one() {
    let dir = tempfile::tempdir().unwrap();
    let args = dir.path().join("args");
    let fake = dir.path().join("credits");
    write_executable(
        &fake,
        &format!("#!/bin/sh\necho \"$*\" >>'{}'\n", args.display()),
    );
    let inputs = [("COMMAND", "balance"), ("PROFILE", "Development")];
    let runs = |env: &[(&str, &str)], token: Option<&str>| {
        let _ = std::fs::remove_file(&args);
        let mut with_token = inputs.to_vec();
        with_token.extend(token.map(|t| ("TOKEN", t)));
        let out = step_in(&with_token, &fake, env);
        assert_eq!(out.code, 0, "{}", out.log);
        read_or_empty(&args)
    };
    let plain = runs(&[], None);
    assert!(
        plain.lines().all(|l| l.starts_with("--auth cli ")),
        "{plain}"
    );
    let chosen = runs(&[("CREDITS_AUTH", "workload-identity")], None);
    assert!(!chosen.is_empty() && !chosen.contains("--auth"), "{chosen}");
    let token = runs(&[], Some("not-a-real-token"));
    assert!(
        token.lines().all(|l| l.starts_with("--auth token ")),
        "{token}"
    );
    assert!(
        !token.contains("not-a-real-token"),
        "never on a command line: {token}"
    );
}
