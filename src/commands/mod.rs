//! One file per noun: Args -> read (through the resolver) -> hand the values to the
//! printer -> checks. This module builds the context and dispatches.
//!
//! Must not: name an output format, write to stdout or stderr other than through the
//! printer, read the environment, or decide an exit code (`checks::verdict` and
//! `error.rs` do).

mod accounts;
mod balance;
mod events;
mod forecast;
mod lots;
mod report;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::{ErrorKind, Result};
use crate::output::{OutputFormat, Printer};
use crate::settings::{Environment, Settings};

/// Runs the command and returns the process exit code. Errors are printed here, once.
pub async fn main(cli: Cli) -> u8 {
    let settings = match Settings::resolve(&cli.global, &Environment::from_process()) {
        Ok(settings) => settings,
        Err(error) => {
            Printer::before_settings().error(&error);
            return error.exit_code();
        }
    };
    let printer = Printer::new(&settings);
    if let Err(error) = check_format(&cli.command, settings.format.value) {
        printer.error(&error);
        return error.exit_code();
    }
    let context = Context::new(settings.clone(), printer);
    match run(&context, cli.command).await {
        Ok(()) => crate::error::exit::OK,
        Err(error) if error.kind == ErrorKind::ClosedPipe => crate::error::exit::OK,
        Err(error) => {
            context.printer.error(&error);
            error.exit_code()
        }
    }
}

/// Formats that only some commands can write are refused before any request.
fn check_format(command: &Command, format: OutputFormat) -> Result<()> {
    let takes_metrics = matches!(command, Command::Balance(_) | Command::Lots(_));
    if format == OutputFormat::Openmetrics && !takes_metrics {
        return Err(crate::error::Error::usage(
            "--output openmetrics works only with `balance`, `balance --all` and `lots`; use --output json or csv for this command",
        ));
    }
    Ok(())
}

async fn run(context: &Context, command: Command) -> Result<()> {
    match command {
        Command::Accounts(args) => accounts::run(context, args).await,
        Command::Balance(args) => balance::run(context, args).await,
        Command::Lots(args) => lots::run(context, args).await,
        Command::Events(args) => events::run(context, args).await,
        Command::Forecast(args) => forecast::run(context, args).await,
        Command::Report(args) => report::run(context, args).await,
    }
}
