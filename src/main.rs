//! `credits`: parse, run, exit with the code the run decided. A closed pipe exits quietly.

use clap::error::ErrorKind;
use clap::Parser;
use credits::error::exit;
use credits::output::Stderr;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must not look like "all clear", nor dump internals (which could hold response
    // data): one line, and the "could not check" exit code. Written best-effort: a panic
    // hook that panics again on an unwritable stderr would hide the exit code.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        // A progress line may be on the screen: the message starts on a clean line.
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            use std::io::Write;
            let _ = std::io::stderr().write_all(b"\r\x1b[2K");
        }
        Stderr::default().line(&format!(
            "error: internal error in credits{place}; please report it"
        ));
        std::process::exit(i32::from(exit::UNAVAILABLE));
    }));
    let cli = match credits::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            Stderr::default().line(&format!("error: could not start the async runtime: {e}"));
            return ExitCode::from(exit::UNAVAILABLE);
        }
    };
    ExitCode::from(runtime.block_on(credits::commands::main(cli)))
}

/// Help and version print as clap writes them. A usage error is one line, like every other
/// bad input: clap's message, its tips inline, and where the help is, with exit code 2.
fn usage_error(error: &clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            return ExitCode::from(exit::OK);
        }
        // `credits` alone: the help is the answer (on stderr, exit 2).
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            return ExitCode::from(exit::USAGE);
        }
        _ => {}
    }
    let text = error.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines
        .next()
        .unwrap_or("error: invalid arguments")
        .to_string();
    let mut first = first;
    let mut tips = Vec::new();
    let mut command = "credits".to_string();
    // `the following required arguments were not provided:` is followed by their names, one
    // a line: they belong on the one line.
    let mut named: Vec<&str> = Vec::new();
    let lists_names = first.ends_with(':');
    for line in lines {
        if line.starts_with("For more information") {
            continue;
        }
        if lists_names && (line.starts_with('<') || line.starts_with("--")) {
            named.push(line);
        } else if line.starts_with('[') {
            // `[possible values: table, json, ...]`
            first.push(' ');
            first.push_str(line);
        } else if let Some(tip) = line.strip_prefix("tip: ") {
            tips.push(tip.to_string());
        } else if let Some(usage) = line.strip_prefix("Usage: ") {
            // `Usage: credits balance (--profile ...` -> `credits balance`
            command = usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '(', '<', '-']))
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    if !named.is_empty() {
        first.push(' ');
        first.push_str(&named.join(", "));
    }
    let tips = if tips.is_empty() {
        String::new()
    } else {
        format!(" ({})", tips.join("; "))
    };
    Stderr::default().line(&format!("{first}{tips}; see `{command} --help`"));
    ExitCode::from(exit::USAGE)
}
