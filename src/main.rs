//! `credits`: parse, run, exit with the code the run decided. A closed pipe exits quietly.

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
        Stderr::default().line(&format!(
            "error: internal error in credits{place}; please report it"
        ));
        std::process::exit(i32::from(exit::UNAVAILABLE));
    }));
    let cli = credits::cli::Cli::parse();
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
