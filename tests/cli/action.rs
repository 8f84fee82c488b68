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
    let output = command.output().expect("bash runs");
    let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
    Step {
        code: output.status.code().unwrap_or(-1),
        log: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        summary: read(&summary),
        outputs: read(&outputs)
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
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
    assert!(plain.code == 0 || plain.code == 1, "{}", plain.log);
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
    std::fs::write(
        &fake,
        "#!/usr/bin/env bash\nyes '| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |' | head -c 2097152\nexit 0\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
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
