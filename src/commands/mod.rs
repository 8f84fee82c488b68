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
mod credit_resources;
mod events;
mod forecast;
mod invoices;
mod lots;
mod prepayment;
mod report;
mod shell;
mod spend;
mod subscription;
mod verify;

use crate::checks::Ledger;
use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::Result;
use crate::model::row::ProfileRow;
use crate::output::Printer;
use crate::resume::JournalOf;
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
    let mut failures = Failures::new(context);
    for row in rows {
        failures.add(row);
    }
    failures.print(context);
    for note in ledger.notes() {
        context.printer.note(&note);
    }
    ledger.conclude()
}

/// The rows that could not be read, for stderr at the end. A sweep of thousands may fail by
/// the hundred: the first few are said, the rest counted (all of them with -v, and every
/// row's outcome is in the output), and only those said are kept.
struct Failures {
    shown: Vec<crate::error::Error>,
    limit: usize,
    more: usize,
}

impl Failures {
    fn new(context: &Context) -> Self {
        Failures {
            shown: Vec::new(),
            limit: if context.settings.verbose {
                usize::MAX
            } else {
                SHOWN_FAILURES
            },
            more: 0,
        }
    }

    fn add<T>(&mut self, row: &ProfileRow<T>) {
        if let Some(failure) = row.failure() {
            self.add_error(failure);
        }
    }

    fn add_error(&mut self, failure: crate::error::Error) {
        if self.shown.len() < self.limit {
            self.shown.push(failure);
        } else {
            self.more += 1;
        }
    }

    fn print(&self, context: &Context) {
        for failure in &self.shown {
            context.printer.error(failure);
        }
        if self.more > 0 {
            context.printer.note(&format!(
                "and {} more that could not be read (all of them with -v)",
                self.more
            ));
        }
    }
}

/// `lots` and `events` at an Enterprise Agreement enrollment read its MACC lots and
/// transactions as at any account; one note says where its Azure Prepayment is read. Called
/// after the read, whose lookup left the listing in the cache: it asks nothing more.
pub(crate) async fn note_ea_prepayment(context: &Context, selection: &crate::resolve::Selection) {
    let crate::resolve::Selection::Account(query) = selection else {
        return;
    };
    let Some((scope, account)) = crate::resolve::cached_account(context, query).await else {
        return;
    };
    if account.is_enterprise_agreement() {
        context.printer.note(&format!(
            "billing account {} is an Enterprise Agreement enrollment: its Azure Prepayment is read with credits balance --account {}",
            scope.label(),
            account.name
        ));
    }
}

/// What a command was asked beyond its scope, as its flags would say it (`--min 100USD
/// --details`): a journal records it, so a rerun asked otherwise is not taken for the same.
pub(crate) fn asked(flags: &[(&str, Option<String>)]) -> String {
    flags
        .iter()
        .filter_map(|(flag, value)| value.as_ref().map(|value| (flag, value)))
        .map(|(flag, value)| {
            if value.is_empty() {
                flag.to_string()
            } else {
                format!("{flag} {value}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `--resume FILE` of `command` asked `query` (its checks and filters, as text), which only
/// a customer sweep takes.
pub(crate) fn resume_of<'a>(
    command: &'static str,
    query: &'a str,
    args: &'a crate::cli::SweepArgs,
    selection: &crate::resolve::Selection,
) -> Result<Option<JournalOf<'a>>> {
    match &args.resume {
        Some(_) if !selection.is_sweep() => Err(crate::error::Error::usage(
            "--resume FILE keeps the progress of a customer sweep; give it with --all-customers, --customers-from FILE or several --customer",
        )),
        resume => Ok(resume.as_deref().map(|path| JournalOf {
            command,
            query,
            path,
        })),
    }
}

/// A customer sweep whose rows are its records (`balance`, `forecast`): see `sweep_with`.
pub(crate) async fn sweep<T>(
    context: &Context,
    selection: &crate::resolve::Selection,
    journal: Option<JournalOf<'_>>,
    read: impl AsyncFn(&crate::arm::client::ArmClient, crate::model::domain::ScopeRef) -> Result<T>,
    check: impl Fn(&T) -> Vec<(&'static str, crate::checks::Outcome)>,
    each: impl Fn(&T),
) -> Result<()>
where
    T: crate::model::row::Unread,
    ProfileRow<T>: crate::output::view::Record,
{
    let sink = context.printer.rows_of::<ProfileRow<T>>();
    sweep_with(
        context,
        selection,
        journal,
        read,
        check,
        sink,
        |row, sink| {
            if let Ok(value) = &row.result {
                each(value);
            }
            sink.push(std::slice::from_ref(row))
        },
    )
    .await
}

/// A customer sweep: each customer's row is handed to `write` (which pushes its records to
/// `sink`) as soon as the rows before it are (JSON, csv and tsv stream; a table is drawn at
/// the end), its checks recorded as it passes, and with a journal (`--resume FILE`, for
/// `command`) its outcome appended once it is written; customers the journal holds as read
/// are not read again, and their outcomes still count.
pub(crate) async fn sweep_with<T>(
    context: &Context,
    selection: &crate::resolve::Selection,
    journal: Option<JournalOf<'_>>,
    read: impl AsyncFn(&crate::arm::client::ArmClient, crate::model::domain::ScopeRef) -> Result<T>,
    check: impl Fn(&T) -> Vec<(&'static str, crate::checks::Outcome)>,
    mut sink: crate::output::RowSink<'_>,
    mut write: impl FnMut(
        &ProfileRow<T>,
        &mut crate::output::RowSink<'_>,
    ) -> Result<crate::output::Flow>,
) -> Result<()>
where
    T: crate::model::row::Unread,
{
    use crate::resume::{CheckNote, Entry, Journal};
    let (mut journal, earlier) = match journal {
        Some(of) => {
            let (journal, earlier) = Journal::open(of, context.settings.as_of.value)?;
            (Some(journal), earlier)
        }
        None => (None, Default::default()),
    };
    // A table is drawn at the end: its rows are journalled once it is written.
    let streams = sink.streams();
    let mut unwritten: Vec<Entry> = Vec::new();
    // The journal's customers this sweep meets, in the order met.
    let taken = std::cell::RefCell::new(Vec::new());
    let skip = |scope: &crate::model::domain::ScopeRef| match earlier
        .get(&scope.id().to_ascii_lowercase())
    {
        Some(entry) => {
            taken.borrow_mut().push(entry.clone());
            true
        }
        None => false,
    };
    let mut ledger = Ledger::many("customer", 0);
    let mut failures = Failures::new(context);
    let swept = crate::resolve::sweep(context, selection, read, skip, |row| {
        let outcomes = row.result.as_ref().map(&check).unwrap_or_default();
        let checks: Vec<CheckNote> = outcomes
            .iter()
            .filter_map(|(check, outcome)| CheckNote::of(check, outcome))
            .collect();
        ledger.add_row(&row, |_| outcomes.clone());
        failures.add(&row);
        let flow = write(&row, &mut sink)?;
        if let Some(journal) = journal.as_mut() {
            if flow.is_continue() {
                let entry = Entry {
                    id: row.profile.id().to_string(),
                    customer: row.profile.label().to_string(),
                    outcome: row.outcome().to_string(),
                    checks,
                };
                if streams {
                    journal.append(&entry)?;
                } else {
                    unwritten.push(entry);
                }
            }
        }
        Ok(flow)
    })
    .await;
    // A sweep that ends in an error before its first row writes nothing at all (not even an
    // empty JSON array): stdout stays empty, as for any error.
    let finished = match &swept {
        Err(_) if sink.count() == 0 => Ok(crate::output::Flow::Continue(())),
        _ => sink.finish(),
    };
    let taken = taken.into_inner();
    // The customers an earlier run could not read are said again: they still decide.
    for entry in &taken {
        let Some(kind) = entry.unread_kind() else {
            continue;
        };
        failures.add_error(crate::error::Error::new(
            kind,
            format!(
                "customer {}: {} when read earlier (in the journal)",
                entry.customer, entry.outcome
            ),
        ));
    }
    failures.print(context);
    // A table's rows are journalled once the table is written, even when the sweep then
    // failed (a rerun must not repeat them), and not when its reader had gone (a rerun must
    // not skip what nobody received).
    if let (Some(journal), Ok(flow)) = (journal.as_mut(), &finished) {
        if flow.is_continue() {
            for entry in &unwritten {
                journal.append(entry)?;
            }
        }
    }
    let swept = swept?;
    let _: crate::output::Flow = finished?;
    if let Some(journal) = &journal {
        context.printer.note(&format!(
            "{} of {} customers taken from {} (read earlier); {} read now",
            taken.len(),
            swept.total,
            journal.path().display(),
            swept.rows
        ));
    }
    for entry in &taken {
        ledger.add_earlier(entry);
    }
    if swept.stopped && swept.rows + taken.len() < swept.total {
        return Err(crate::error::Error::new(
            crate::error::ErrorKind::Output,
            format!(
                "the reader of the output went away after {} of {} customers; the others were not read",
                swept.rows, swept.total
            ),
        ));
    }
    for note in ledger.notes() {
        context.printer.note(&note);
    }
    ledger.conclude()
}
