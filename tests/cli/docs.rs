//! What the README and `--help` promise about exit codes is what `error.rs` decides.

use crate::support::*;
use credits::error::EXIT_CODES;

/// The rows of the README's "Exit codes" table: `(code, meaning)`.
fn readme_exit_codes() -> Vec<(u8, String)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = readme
        .split("## Exit codes")
        .nth(1)
        .expect("README has an Exit codes section");
    section
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            Some((cells.first()?.parse().ok()?, cells.get(1)?.to_string()))
        })
        .collect()
}

#[test]
fn the_readme_exit_code_table_matches_error_rs() {
    let rows = readme_exit_codes();
    let codes: Vec<u8> = rows.iter().map(|(code, _)| *code).collect();
    let decided: Vec<u8> = EXIT_CODES.iter().map(|(code, _)| *code).collect();
    assert_eq!(
        codes, decided,
        "the README lists other exit codes than error.rs"
    );
    for ((code, readme), (_, meaning)) in rows.iter().zip(EXIT_CODES) {
        assert!(
            readme.starts_with(meaning),
            "README says exit {code} is {readme:?}; error.rs says {meaning:?}"
        );
    }
}

#[test]
fn help_lists_every_exit_code_from_error_rs() {
    let outcome = run(credits_command(&["--help"]));
    assert_eq!(outcome.code, 0, "{outcome}");
    let help = outcome
        .stdout
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for (code, meaning) in EXIT_CODES {
        assert!(help.contains(&format!("{code} {meaning}")), "{help}");
    }
}

/// A file in `tests/cli/` that `main.rs` does not declare is never compiled, so its tests
/// never run: every `.rs` file there must be a module of the test binary.
#[test]
fn every_file_in_tests_cli_is_a_module_of_the_test_binary() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli");
    let main = std::fs::read_to_string(format!("{dir}/main.rs")).expect("tests/cli/main.rs");
    let declared: Vec<&str> = main
        .lines()
        .filter_map(|line| line.trim().strip_prefix("mod "))
        .filter_map(|rest| rest.strip_suffix(';'))
        .collect();
    let mut forgotten = Vec::new();
    for entry in std::fs::read_dir(dir).expect("tests/cli") {
        let path = entry.expect("a directory entry").path();
        let is_rust = path.extension().is_some_and(|e| e == "rs");
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if is_rust && stem != "main" && !declared.contains(&stem) {
            forgotten.push(stem.to_string());
        }
    }
    assert!(
        forgotten.is_empty(),
        "tests/cli/main.rs does not declare: {forgotten:?} (add `mod NAME;`)"
    );
}
