//! `credits`: parse, run, map the error to an exit code. A closed pipe exits quietly.

use clap::Parser;
use credits::error::{exit, ErrorKind};
use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must not look like "all clear", nor dump internals (which could hold response
    // data): one line, and the "could not check" exit code.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error in credits{place}; please report it");
        std::process::exit(i32::from(exit::UNAVAILABLE));
    }));
    let cli = credits::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(exit::UNAVAILABLE);
        }
    };
    match runtime.block_on(credits::commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind == ErrorKind::ClosedPipe => ExitCode::SUCCESS,
        // A failed check is an answer, not an error: its line says "check failed: ...".
        Err(e) if e.kind == ErrorKind::CheckFailed => {
            eprintln!("{}", e.message);
            ExitCode::from(e.exit_code())
        }
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.exit_code())
        }
    }
}
