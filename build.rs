//! Build facts for `credits --version`: the commit (when built from a git checkout) and the
//! target triple.

use std::process::Command;

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=CREDITS_COMMIT={commit}");
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_string());
    println!("cargo:rustc-env=CREDITS_TARGET={target}");
    // A new commit changes the version text. Only paths that exist are watched: a missing
    // one would make every build rerun this script (worktrees, packed refs, tarballs).
    let watch = |path: String| {
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    };
    watch(".git/HEAD".to_string());
    watch(".git/packed-refs".to_string());
    if let Ok(head) = std::fs::read_to_string(".git/HEAD") {
        if let Some(reference) = head.trim().strip_prefix("ref: ") {
            watch(format!(".git/{reference}"));
        }
    }
    // The manual's date: the commit's day, so that a build is reproducible.
    let date = git(&["log", "-1", "--format=%cs"]).unwrap_or_else(|| "2026-12-01".into());
    println!("cargo:rustc-env=CREDITS_BUILD_DATE={date}");
    println!("cargo:rerun-if-changed=build.rs");
}

/// What a git command prints, trimmed; `None` outside a checkout or without git.
fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty())
}
