//! `credits`: parse, run, map the error to an exit code. A closed pipe exits quietly.

mod arm;
mod cli;
mod commands;
mod demo;
mod error;
mod model;
mod output;

use clap::Parser;
use error::ErrorKind;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(error::exit::UNAVAILABLE);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind == ErrorKind::ClosedPipe => ExitCode::SUCCESS,
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
