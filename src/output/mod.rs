//! Output: the `Printer` owns stdout and stderr and picks the writer once, from the settings
//! and whether stdout is a terminal. Commands hand it domain values (`emit`, `list`); the
//! views turn those into typed cells and the writers into text.
//!
//! Must not: let a command name a format, write anything but data on stdout, or let a failed
//! write to stderr change the exit code. Views and writers do no I/O; only `Printer` writes.

pub mod cell;
pub mod chart;
pub mod grid;
pub mod json;
pub mod markdown;
pub mod safe;
pub mod terminal;
pub mod view;
pub mod views;

use crate::arm::ClientEvent;
use crate::error::{Error, ErrorKind, Result};
use grid::{Grid, GridStyle};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use view::{Block, Record, View};

/// `--output`: what the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Human-readable tables
    Table,
    /// JSON for scripts
    Json,
}

/// The writer actually used: a table format becomes box-drawn on a terminal and Markdown in
/// a pipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    Terminal,
    Markdown,
    Json,
}

impl Writer {
    /// The one place the writer is chosen.
    pub fn choose(format: OutputFormat, stdout_is_terminal: bool) -> Self {
        match (format, stdout_is_terminal) {
            (OutputFormat::Json, _) => Writer::Json,
            (OutputFormat::Table, true) => Writer::Terminal,
            (OutputFormat::Table, false) => Writer::Markdown,
        }
    }

    /// The table style of a table writer; `None` for JSON.
    fn grid_style(self) -> Option<GridStyle> {
        match self {
            Writer::Json => None,
            Writer::Terminal => Some(GridStyle::Terminal),
            Writer::Markdown => Some(GridStyle::Markdown),
        }
    }

    /// The text of a view, in this writer's format; charts go into a pipe only when
    /// `charts_in_pipes`. Pure but for asking the terminal its width.
    pub fn render<V: View + ?Sized>(self, value: &V, charts_in_pipes: bool) -> Result<String> {
        let Some(style) = self.grid_style() else {
            return json::to_json(value);
        };
        let mut out = String::new();
        for block in value.blocks() {
            match block {
                Block::Line(line) => {
                    out.push_str(&safe::for_terminal(&line));
                    out.push('\n');
                }
                Block::Table(table) => {
                    let mut grid = Grid::new(style, table.columns);
                    for row in &table.rows {
                        grid.add_row(row);
                    }
                    out.push_str(&grid.render());
                }
                Block::Chart(chart) => match style {
                    GridStyle::Terminal => {
                        let width = comfy_table::Table::new().width().unwrap_or(80);
                        out.push_str(&chart::render(&chart, usize::from(width)));
                    }
                    GridStyle::Markdown if charts_in_pipes => {
                        // A fixed width, so the same command gives the same page.
                        out.push_str("```text\n");
                        out.push_str(&chart::render(&chart, 80));
                        out.push_str("```\n");
                    }
                    GridStyle::Markdown => {}
                },
            }
        }
        Ok(out)
    }

    /// A writer for a list that arrives page by page. Pure.
    pub fn rows<'w, R: Record + 'w>(self) -> Box<dyn RowWriter<R> + 'w> {
        match self.grid_style() {
            None => Box::new(json::JsonRows::new()),
            Some(style) => Box::new(TableRows::new(style, R::columns())),
        }
    }
}

/// What every writer implements to take a list page by page: each call returns the text
/// that can be written now (JSON streams; tables wait for the last page to know the widths).
pub trait RowWriter<R: Record> {
    fn push(&mut self, records: &[R]) -> Result<String>;
    fn finish(self: Box<Self>) -> String;
}

/// A table built page by page: each page's cells are formatted as it arrives (while the next
/// page is on its way), only the layout waits for the last page.
pub struct TableRows {
    grid: Grid,
}

impl TableRows {
    pub fn new(style: GridStyle, columns: &[cell::Column]) -> Self {
        TableRows {
            grid: Grid::new(style, columns),
        }
    }
}

impl<R: Record> RowWriter<R> for TableRows {
    fn push(&mut self, records: &[R]) -> Result<String> {
        self.grid.rows.reserve(records.len());
        let mut row = Vec::with_capacity(R::columns().len());
        for record in records {
            record.cells(&mut row);
            self.grid.add_row(&row);
            row.clear();
        }
        Ok(String::new())
    }

    fn finish(self: Box<Self>) -> String {
        self.grid.render()
    }
}

/// stderr, written best-effort: a message that cannot be written is dropped, never an error
/// and never a panic. Every line is made safe for a terminal, since messages quote Azure.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stderr;

impl Stderr {
    pub fn line(self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = err
            .write_all(safe::for_terminal(text).as_bytes())
            .and_then(|()| err.write_all(b"\n"));
    }

    /// An error and its hints, one line each.
    pub fn error(self, error: &Error) {
        if error.kind == ErrorKind::CheckFailed {
            // A failed check is an answer, not an error: its line says "check failed: ...".
            self.line(&error.message);
        } else {
            self.line(&format!("error: {}", error.message));
        }
        for hint in &error.hints {
            self.line(&format!("hint: {hint}"));
        }
    }

    /// `-v`: one line per request attempt, and one per retry.
    pub fn client_event(self, event: &ClientEvent) {
        match event {
            ClientEvent::Response {
                target,
                status,
                elapsed,
                request_id,
                tenant_reads_left,
            } => {
                let reads = tenant_reads_left
                    .as_deref()
                    .map(|r| format!(" tenant-reads-left: {r}"))
                    .unwrap_or_default();
                self.line(&format!(
                    "GET {target} {status} {} ms x-ms-request-id: {}{reads}",
                    elapsed.as_millis(),
                    request_id.as_deref().unwrap_or("-")
                ));
            }
            ClientEvent::Retrying {
                path,
                wait,
                next_attempt,
                max_attempts,
            } => self.line(&format!(
                "retrying GET {path} in {} ms (attempt {next_attempt} of {max_attempts})",
                wait.as_millis()
            )),
        }
    }
}

/// Owns stdout (data only) and stderr (notes, warnings, errors).
pub struct Printer {
    writer: Writer,
    stderr: Stderr,
    /// Set by the first byte written to stdout: after it, nothing may be fetched again.
    started: AtomicBool,
    /// Set when the reader closed stdout (`| head`): nothing more is written.
    closed: AtomicBool,
    /// `--chart`: charts in pipes too.
    charts_in_pipes: AtomicBool,
}

impl Printer {
    pub fn new(format: OutputFormat) -> Self {
        Self::with_writer(Writer::choose(format, std::io::stdout().is_terminal()))
    }

    /// For the errors that come before the settings are known: only stderr is used.
    pub fn before_settings() -> Self {
        Self::with_writer(Writer::Markdown)
    }

    pub fn with_writer(writer: Writer) -> Self {
        Printer {
            writer,
            stderr: Stderr,
            started: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            charts_in_pipes: AtomicBool::new(false),
        }
    }

    /// Writes one value in the chosen format. A reader that closed stdout is not an error
    /// here: the command goes on to its checks, which still decide the exit code.
    pub fn emit<V: View + ?Sized>(&self, value: &V) -> Result<()> {
        let charts = self.charts_in_pipes.load(Ordering::Relaxed);
        match self.write(&self.writer.render(value, charts)?) {
            Err(error) if error.kind == ErrorKind::ClosedPipe => Ok(()),
            other => other,
        }
    }

    /// Writes a whole list; returns how many records it held. Like `emit`, a closed stdout
    /// leaves the decision to the checks.
    pub fn emit_list<R: Record>(&self, records: &[R]) -> Result<usize> {
        let mut list = self.list();
        let written = list.push(records).and_then(|()| list.finish());
        match written {
            Err(error) if error.kind == ErrorKind::ClosedPipe => Ok(records.len()),
            other => other,
        }
    }

    /// A list written page by page as the pages arrive.
    pub fn list<'p, R: Record + 'p>(&'p self) -> ListSink<'p, R> {
        ListSink {
            printer: self,
            writer: self.writer.rows(),
            count: 0,
        }
    }

    /// `--chart`: draw charts in a pipe too (they are always drawn on a terminal).
    pub fn show_charts_in_pipes(&self) {
        self.charts_in_pipes.store(true, Ordering::Relaxed);
    }

    /// True once anything has been written to stdout.
    pub fn has_written(&self) -> bool {
        self.started.load(Ordering::Relaxed)
    }

    fn write(&self, text: &str) -> Result<()> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(closed_pipe());
        }
        if text.is_empty() {
            return Ok(());
        }
        self.started.store(true, Ordering::Relaxed);
        let mut out = std::io::stdout().lock();
        let written = out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(output_error);
        if written
            .as_ref()
            .is_err_and(|e| e.kind == ErrorKind::ClosedPipe)
        {
            self.closed.store(true, Ordering::Relaxed);
        }
        written
    }

    /// `note: ...` on stderr.
    pub fn note(&self, text: &str) {
        self.stderr.line(&format!("note: {text}"));
    }

    /// `error: ...` and its hints on stderr.
    pub fn error(&self, error: &Error) {
        self.stderr.error(error);
    }

    /// The best-effort stderr, for whoever must report without the printer (the client's
    /// `-v` observer, the entry point).
    pub fn stderr(&self) -> Stderr {
        self.stderr
    }
}

/// A list being written: `push` each page, then `finish`. A closed stdout ends the list with
/// `ErrorKind::ClosedPipe`, so no more pages are fetched for nobody.
pub struct ListSink<'p, R: Record> {
    printer: &'p Printer,
    writer: Box<dyn RowWriter<R> + 'p>,
    count: usize,
}

impl<R: Record> ListSink<'_, R> {
    pub fn push(&mut self, records: &[R]) -> Result<()> {
        self.count += records.len();
        let text = self.writer.push(records)?;
        self.printer.write(&text)
    }

    /// Writes what is left; returns how many records the list held.
    pub fn finish(self) -> Result<usize> {
        let text = self.writer.finish();
        self.printer.write(&text)?;
        Ok(self.count)
    }
}

fn closed_pipe() -> Error {
    Error::new(ErrorKind::ClosedPipe, "stdout closed")
}

/// Maps a stdout write failure: a closed pipe is not an error for the user.
pub fn output_error(error: std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        closed_pipe()
    } else {
        Error::unavailable(format!("could not write the output: {error}"))
    }
}
