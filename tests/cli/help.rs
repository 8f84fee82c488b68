//! `--help` and usage errors as transcripts (trycmd): `tests/cmd/*.md`; and every
//! `$ credits --demo ...` example of the README, run and compared with what it prints.

#[test]
fn help_transcripts() {
    trycmd::TestCases::new()
        .register_bin("credits", assert_cmd::cargo::cargo_bin!("credits"))
        .case("tests/cmd/*.md");
}

/// The README's examples are run as written (each has the `--as-of` it needs), in a pipe and
/// with nothing from the developer's environment that would change them.
#[test]
fn readme_examples() {
    let readme = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let text = std::fs::read_to_string(readme).expect("README.md");
    // Every demo example is in a block trycmd runs.
    let mut in_console = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_console = line.trim_start_matches('`') == "console";
            continue;
        }
        if line.starts_with("$ credits --demo") {
            assert!(in_console, "not run by the tests: {line}");
            assert!(
                line.contains("--as-of"),
                "no --as-of, so not reproducible: {line}"
            );
        }
    }
    trycmd::TestCases::new()
        .register_bin("credits", assert_cmd::cargo::cargo_bin!("credits"))
        .env("NO_COLOR", "1")
        .env("CREDITS_OUTPUT", "table")
        .env("CREDITS_NO_PROGRESS", "1")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir()
                .join("credits-readme-without-config")
                .display()
                .to_string(),
        )
        .case(readme);
}
