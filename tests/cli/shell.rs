//! `credits completions`, `credits man` and `--version`.

use crate::support::*;
use std::process::Command;

fn completion_script(shell: &str) -> String {
    let out = run(credits_command(&["completions", shell]));
    assert_eq!(out.code, 0, "{out}");
    assert!(!out.stdout.is_empty(), "{shell}");
    out.stdout
}

#[test]
fn every_shell_gets_a_script() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = completion_script(shell);
        for command in ["balance", "lots", "events", "forecast", "report", "config"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    assert!(completion_script("zsh").contains(":PROFILE:_credits_profiles"));
    assert!(completion_script("fish")
        .contains("__complete-profiles -- (commandline -ct | string unescape)"));
    let out = run(credits_command(&["completions", "tcsh"]));
    assert_eq!(out.code, 2, "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bash_script_loads_and_completes_profiles_from_the_cache() {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[(
        "1111:aaaa",
        "Contoso",
        &[
            ("P1", "Development", "USD"),
            ("P2", "Forschung Zürich", "EUR"),
        ],
    )]))
    .await;
    // `accounts` fills the profile cache.
    assert_eq!(fake.run(&["accounts"]).code, 0);

    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("credits.bash");
    std::fs::write(&script, completion_script("bash")).unwrap();
    let binary = assert_cmd::cargo::cargo_bin!("credits");
    let bin_dir = binary.parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let empty_cache = tempfile::tempdir().unwrap();
    let complete_with = |words: &str, current: usize, cache: &std::path::Path| {
        let program = format!(
            "source {}\ncomplete -p credits\nCOMP_WORDS=({words})\nCOMP_CWORD={current}\n_credits_profiles credits\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let output = Command::new("bash")
            .arg("--norc")
            .arg("-c")
            .arg(program)
            .env("PATH", &path)
            .env("CREDITS_CACHE_DIR", cache)
            .output()
            .expect("bash runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let complete = |words: &str, current: usize| complete_with(words, current, fake.cache.path());
    let profiles = complete("credits balance --profile ''", 3);
    assert!(
        profiles.contains("-F _credits_profiles credits"),
        "{profiles}"
    );
    assert!(profiles.contains("\nDevelopment\n"), "{profiles}");
    assert!(profiles.contains("Forschung\\ Zürich"), "{profiles}");
    let narrowed = complete("credits lots -p D", 3);
    assert!(
        narrowed.contains("Development") && !narrowed.contains("Forschung"),
        "{narrowed}"
    );
    let subcommands = complete("credits ba", 1);
    assert!(subcommands.contains("balance"), "{subcommands}");
    // Internal commands are never offered.
    let every = complete("credits ''", 1);
    assert!(
        every.contains("balance") && !every.contains("__complete"),
        "{every}"
    );
    // Names match without regard to case or accents.
    let folded = complete("credits balance -p zur", 3);
    assert!(folded.contains("Forschung\\ Zürich"), "{folded}");
    assert!(!folded.contains("Development"), "{folded}");
    let upper = complete("credits balance -p DEV", 3);
    assert!(upper.contains("Development"), "{upper}");
    // After --demo, the demo tenant's names, with no cache at all.
    let demo = complete_with("credits --demo balance -p ''", 4, empty_cache.path());
    assert!(
        demo.contains("Production") && demo.contains("Forschung\\ Zürich"),
        "{demo}"
    );
    let nothing = complete_with("credits balance -p ''", 3, empty_cache.path());
    assert!(!nothing.contains("Development"), "{nothing}");
}

/// The zsh, fish, PowerShell and elvish scripts offer no internal command either.
#[test]
fn no_script_offers_the_internal_command() {
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = completion_script(shell);
        for line in script.lines() {
            let offers = line.contains("'__complete-profiles:")
                || line.contains("-a \"__complete-profiles\"")
                || line.contains("::new('__complete-profiles'")
                || line.contains("cand __complete-profiles ");
            assert!(!offers, "{shell}: {line}");
        }
    }
}

#[test]
fn the_manual_page_has_every_section_and_lints_clean() {
    let out = run(credits_command(&["man"]));
    assert_eq!(out.code, 0, "{out}");
    let page = &out.stdout;
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(page.contains(section), "{section}");
    }
    // Every variable the settings and sign-in read is documented.
    for variable in [
        "CREDITS_PROFILE",
        "CREDITS_ENDPOINT",
        "CREDITS_AUTH",
        "CREDITS_OUTPUT",
        "CREDITS_CONFIG",
        "CREDITS_CACHE_DIR",
        "CREDITS_NO_PROGRESS",
        "CREDITS_ACCESS_TOKEN",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_FEDERATED_TOKEN_FILE",
        "NO_COLOR",
        "CLICOLOR_FORCE",
    ] {
        assert!(page.contains(variable), "{variable}");
    }
    // ... and so is every one the source names, should the list above fall behind.
    for variable in variables_in_source() {
        assert!(
            page.contains(&variable),
            "{variable} is read but not in the man page"
        );
    }
    for (code, _) in credits::error::EXIT_CODES {
        assert!(
            page.contains(&format!("\\fB{code}\\fR")),
            "exit code {code}"
        );
    }
    // mandoc is the reference linter; where it is installed, not even a style note.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("credits.1");
    std::fs::write(&file, page).unwrap();
    match Command::new("mandoc")
        .args(["-T", "lint"])
        .arg(&file)
        .output()
    {
        Ok(lint) => assert!(
            lint.status.success() && lint.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&lint.stdout)
        ),
        Err(_) => eprintln!("mandoc is not installed: the lint step is skipped"),
    }
}

#[test]
fn version_names_the_commit_target_and_api_versions() {
    let out = run(credits_command(&["--version"]));
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stdout
            .starts_with(&format!("credits {}\n", env!("CARGO_PKG_VERSION"))),
        "{out}"
    );
    assert!(out.stdout.contains("\ncommit: "), "{out}");
    assert!(out.stdout.contains("\ntarget: "), "{out}");
    assert!(
        out.stdout.contains(&format!(
            "Microsoft.Billing {}, Microsoft.Consumption {}",
            credits::arm::billing::BILLING_API_VERSION,
            credits::arm::consumption::CONSUMPTION_API_VERSION
        )),
        "{out}"
    );
}

/// Every `"CREDITS_..."`, `"AZURE_..."` and `"..._ENDPOINT"` string literal in `src/`.
fn variables_in_source() -> Vec<String> {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split('"').skip(1).step_by(2) {
                    let is_name = !piece.is_empty()
                        && piece.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                        && (piece.starts_with("CREDITS_")
                            || piece.starts_with("AZURE_")
                            || piece.ends_with("_ENDPOINT"));
                    // Build facts (`env!` at compile time), not read at run time.
                    let build_time = ["CREDITS_COMMIT", "CREDITS_TARGET", "CREDITS_BUILD_DATE"];
                    if is_name && !build_time.contains(&piece) && !found.iter().any(|f| f == piece)
                    {
                        found.push(piece.to_string());
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(found.iter().any(|v| v == "CREDITS_PROFILE"), "{found:?}");
    found
}

/// The README's completion and manual page lines, run as written on a fresh home: every
/// folder is made, every file written, and the page lands beside the binary.
#[test]
fn the_readme_install_lines_work_on_a_fresh_home() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = readme
        .split("Shell completion")
        .nth(1)
        .expect("the README's shell completion section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a sh block");
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(
        assert_cmd::cargo::cargo_bin!("credits"),
        bin.join("credits"),
    )
    .unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let mut lines = 0;
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        lines += 1;
        let output = Command::new("bash")
            .arg("--norc")
            .arg("-c")
            .arg(line)
            .env_clear()
            .env("HOME", home.path())
            .env("PATH", &path)
            .output()
            .expect("bash runs");
        assert!(output.status.success(), "{line}: {output:?}");
    }
    assert_eq!(lines, 5, "{block}");
    for written in [
        ".local/share/bash-completion/completions/credits",
        ".zfunc/_credits",
        ".config/fish/completions/credits.fish",
        ".config/elvish/rc.elv",
        "share/man/man1/credits.1",
    ] {
        let file = home.path().join(written);
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        assert!(size > 100, "{written} was not written");
    }
    // PowerShell lines are shown as PowerShell, not in the sh block.
    assert!(!block.contains("$PROFILE"), "{block}");
    assert!(section.contains("```powershell\n"), "no PowerShell block");
}
