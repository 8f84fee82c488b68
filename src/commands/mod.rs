//! One file per noun: args -> resolve the target (`resolve.rs`) -> read -> hand the values to
//! the printer -> checks (`checks::Ledger`). This module builds the context, dispatches, and
//! holds what every command ends with (`emit_at`, `settle`).
//!
//! Must not: name an output format, write to stdout or stderr other than through the
//! printer, read the environment, take an id apart, or decide an exit code
//! (`checks::Ledger::conclude` and `error.rs` do).

mod accounts;
mod aco;
mod balance;
mod config;
mod events;
mod forecast;
mod invoices;
mod lots;
mod report;
mod shell;
mod spend;
mod verify;

use crate::checks::Ledger;
use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::Result;
use crate::model::row::ProfileRow;
use crate::output::Printer;
use crate::settings::{Environment, Settings};

/// The failed rows whose errors are printed one by one (without `-v`).
const SHOWN_FAILURES: usize = 20;

/// Runs the command and returns the process exit code. Errors are printed here, once.
pub async fn main(cli: Cli) -> u8 {
    // What needs no settings runs before them: it must work even when the environment or
    // the config file holds a bad value (`config set` is how one fixes it).
    let early = Printer::before_settings();
    let early_result = match &cli.command {
        Command::Config(args) => config::run_without_settings(&early, &args.action),
        Command::Completions(args) => Some(shell::completions(&early, args)),
        Command::Man(_) => Some(shell::man(&early)),
        _ => None,
    };
    if let Some(result) = early_result {
        return finish(&early, result);
    }
    let mut environment = Environment::from_process();
    let warnings = match environment.read_config() {
        Ok(warnings) => warnings,
        Err(error) => {
            early.error(&error);
            return error.exit_code();
        }
    };
    let mut settings = match Settings::resolve(&cli.global, &environment) {
        Ok(settings) => settings,
        Err(error) => {
            early.error(&error);
            return error.exit_code();
        }
    };
    if let Err(error) = settings.for_command(&cli.command) {
        early.error(&error);
        return error.exit_code();
    }
    settings.publish_origins();
    let printer = Printer::new(settings.printer());
    for warning in &warnings {
        printer.warn(warning);
    }
    // Nothing asked for is dropped without a word.
    if let Some(note) = settings.unused_style_note() {
        printer.note(&note);
    }
    let context = Context::new(settings.clone(), printer);
    let result = run(&context, cli.command).await;
    finish(&context.printer, result)
}

/// The exit code of a result, its error printed once.
fn finish(printer: &Printer, result: Result<()>) -> u8 {
    printer.progress().finish();
    match result {
        Ok(()) => crate::error::exit::OK,
        Err(error) => {
            // A dashboard must see a run that read nothing: the metrics file is still whole.
            printer.metrics_of_nothing_read(&error);
            printer.error(&error);
            error.exit_code()
        }
    }
}

async fn run(context: &Context, command: Command) -> Result<()> {
    match command {
        Command::Accounts(args) => accounts::run(context, args).await,
        Command::Balance(args) => balance::run(context, args).await,
        Command::Lots(args) => lots::run(context, args).await,
        Command::Events(args) => events::run(context, args).await,
        Command::Forecast(args) => forecast::run(context, args).await,
        Command::Report(args) => report::run(context, args).await,
        Command::Invoices(args) => invoices::run(context, args).await,
        Command::Verify(args) => verify::run(context, args).await,
        Command::Spend(args) => spend::run(context, args).await,
        Command::Aco(args) => aco::run(context, args),
        Command::Config(_) => config::list(context).await,
        Command::CompleteProfiles(args) => shell::complete_profiles(context, &args.prefix).await,
        Command::Completions(_) | Command::Man(_) => Ok(()),
    }
}

/// One scope's value, written: a partner's customer in its own JSON shape (`customer` in
/// place of `billingProfile`).
pub(crate) fn emit_at<V: crate::output::view::View>(
    context: &Context,
    scope: &crate::model::domain::ScopeRef,
    value: &V,
) -> Result<()> {
    if scope.kind() == crate::model::scope::ScopeKind::Customer {
        context
            .printer
            .emit(&crate::output::views::ForCustomer(value))
    } else {
        context.printer.emit(value)
    }
}

/// For the lists of `--all` (lots, events), which have no row per profile to say it: a note
/// for each profile the user left out.
pub(crate) fn note_excluded<T>(context: &Context, rows: &[ProfileRow<T>]) {
    for row in rows.iter().filter(|row| row.excluded()) {
        context.printer.note(&format!(
            "billing profile {} is {}",
            row.profile.label(),
            row.error().map_or("excluded", |e| e.message.as_str())
        ));
    }
}

/// The end of every command with checks: each row that could not be read is printed as an
/// error naming its subject, each note of the ledger (a subject passed over), then the one
/// rule gives the result (`checks::Ledger::conclude`).
pub(crate) fn settle<T>(context: &Context, rows: &[ProfileRow<T>], ledger: &Ledger) -> Result<()> {
    // A sweep of thousands may fail by the hundred: the first few are said, the rest
    // counted (all of them with -v, and every row's outcome is in the output).
    let failures: Vec<_> = rows.iter().filter_map(ProfileRow::failure).collect();
    let shown = if context.settings.verbose {
        failures.len()
    } else {
        SHOWN_FAILURES
    };
    for failure in failures.iter().take(shown) {
        context.printer.error(failure);
    }
    if failures.len() > shown {
        context.printer.note(&format!(
            "and {} more that could not be read (all of them with -v)",
            failures.len() - shown
        ));
    }
    for note in ledger.notes() {
        context.printer.note(&note);
    }
    ledger.conclude()
}
