//! `--help` and usage errors as transcripts (trycmd): `tests/cmd/*.toml`.

#[test]
fn help_transcripts() {
    trycmd::TestCases::new()
        .register_bin("credits", assert_cmd::cargo::cargo_bin!("credits"))
        .case("tests/cmd/*.md");
}
