//! Output: the `Printer` owns stdout and stderr and picks the writer once, from plain
//! `PrinterOptions` (which the settings resolve) and whether stdout is a terminal. Commands hand it domain values (`emit`, `list`); the
//! views turn those into typed cells and the writers into text.
//!
//! Must not: let a command name a format, write anything but data on stdout, or let a failed
//! write to stderr change the exit code. Views and writers do no I/O; only `Printer` writes.

pub mod cell;
pub mod chart;
pub mod flat;
pub(crate) mod grid;
pub(crate) mod json;
pub(crate) mod markdown;
pub mod metrics;
pub(crate) mod progress;
pub(crate) mod safe;
pub(crate) mod terminal;
pub(crate) mod tone;
pub mod view;
pub(crate) mod views;

use crate::arm::ClientEvent;
use crate::error::{Error, ErrorKind, Result};
use grid::{Grid, GridStyle};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use view::{Block, Record, View};

/// `--output`: what the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    /// Tables for people: box-drawn on a terminal, Markdown in a pipe
    Table,
    /// JSON for scripts (the same as --json)
    Json,
    /// Comma-separated values (RFC 4180), a header of JSON field names
    Csv,
    /// Tab-separated values, the same columns as csv
    Tsv,
    /// GitHub-flavoured Markdown tables, for $GITHUB_STEP_SUMMARY
    Markdown,
    /// OpenMetrics gauges for Prometheus (balance, lots and invoices)
    Openmetrics,
    /// No data at all: only the checks and the exit code
    None,
}

impl OutputFormat {
    /// The name as written after `--output`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Json => "json",
            OutputFormat::Csv => "csv",
            OutputFormat::Tsv => "tsv",
            OutputFormat::Markdown => "markdown",
            OutputFormat::Openmetrics => "openmetrics",
            OutputFormat::None => "none",
        }
    }
}

/// The writer actually used: a table format becomes box-drawn on a terminal and Markdown in
/// a pipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    Terminal,
    Markdown,
    Json,
    Csv,
    Tsv,
    OpenMetrics,
    Silent,
}

/// What the printer is made from: plain values the settings resolve (`Settings::printer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PrinterOptions {
    pub(crate) format: OutputFormat,
    /// A header row in csv/tsv (`--no-header` turns it off).
    pub(crate) header: bool,
    /// `--wide`: full ids, every column, whatever the terminal's width.
    pub(crate) wide: bool,
    pub(crate) color: ColorPolicy,
    /// A progress line on stderr, when stderr is a terminal.
    pub(crate) progress: bool,
    /// `--chart`: charts in pipes too (on a terminal they are always drawn).
    pub(crate) charts_in_pipes: bool,
}

/// What the environment says about colour. Whether a stream is a terminal is the printer's
/// question; this is everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ColorPolicy {
    /// `NO_COLOR` (any value), `CLICOLOR=0` or `TERM=dumb`: never colour.
    pub(crate) never: bool,
    /// `CLICOLOR_FORCE` (not `0`): colour even when not a terminal. `NO_COLOR` still wins.
    pub(crate) force: bool,
}

impl ColorPolicy {
    /// Colour on a stream that is (or is not) a terminal.
    pub(crate) fn for_stream(self, is_terminal: bool) -> bool {
        !self.never && (self.force || is_terminal)
    }
}

/// How the chosen writer draws: decided once, with the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// A header row in csv/tsv (`--no-header` turns it off).
    pub(crate) header: bool,
    /// ANSI colour in tables (a terminal, and nothing in the environment against it).
    pub(crate) color: bool,
    /// `--wide`: full ids, every column, whatever the terminal's width.
    pub(crate) wide: bool,
    /// `--chart`: charts in pipes too.
    pub(crate) charts_in_pipes: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            header: true,
            color: false,
            wide: false,
            charts_in_pipes: false,
        }
    }
}

impl Writer {
    /// The one place the writer is chosen.
    pub(crate) fn choose(format: OutputFormat, stdout_is_terminal: bool) -> Self {
        match (format, stdout_is_terminal) {
            (OutputFormat::Json, _) => Writer::Json,
            (OutputFormat::Table, true) => Writer::Terminal,
            (OutputFormat::Table, false) | (OutputFormat::Markdown, _) => Writer::Markdown,
            (OutputFormat::Csv, _) => Writer::Csv,
            (OutputFormat::Tsv, _) => Writer::Tsv,
            (OutputFormat::Openmetrics, _) => Writer::OpenMetrics,
            (OutputFormat::None, _) => Writer::Silent,
        }
    }

    fn delimited(self) -> Option<flat::Delimited> {
        match self {
            Writer::Csv => Some(flat::Delimited::Csv),
            Writer::Tsv => Some(flat::Delimited::Tsv),
            _ => None,
        }
    }

    /// The text of a view, in this writer's format. Pure but for asking the terminal its
    /// width.
    pub(crate) fn render<V: View + ?Sized>(self, value: &V, style: Style) -> Result<String> {
        let grid_style = match self {
            Writer::Csv | Writer::Tsv => {
                let kind = self.delimited().unwrap_or(flat::Delimited::Csv);
                let table = value.flat();
                let mut out = Vec::new();
                flat::DelimitedRows::new(kind, table.header, style.header)
                    .rows(&table.rows, &mut out)?;
                return String::from_utf8(out)
                    .map_err(|_| Error::unavailable("could not write the csv output"));
            }
            Writer::Json => return json::to_json(value),
            Writer::Silent => return Ok(String::new()),
            Writer::OpenMetrics => {
                let mut metrics = metrics::Metrics::default();
                if !value.metrics(&mut metrics) {
                    return Err(metrics_not_supported());
                }
                return Ok(metrics.render());
            }
            Writer::Terminal => GridStyle::Terminal,
            Writer::Markdown => GridStyle::Markdown,
        };
        let mut out = String::new();
        let mut last_was_table = false;
        for block in value.blocks() {
            // Markdown needs a blank line between a table and the text around it (a blank
            // line the view wrote already is one).
            let is_table = matches!(block, Block::Table(_) | Block::Chart(_));
            let is_blank = matches!(&block, Block::Line(line) if line.is_empty());
            if is_blank && out.ends_with("\n\n") {
                continue;
            }
            if grid_style == GridStyle::Markdown
                && (is_table || last_was_table)
                && !is_blank
                && !out.is_empty()
                && !out.ends_with("\n\n")
            {
                out.push('\n');
            }
            let before = out.len();
            match block {
                Block::Line(line) => {
                    let safe = safe::for_terminal(&line);
                    if grid_style == GridStyle::Terminal && !style.wide {
                        out.push_str(&terminal::fit_line(&safe, terminal::width()));
                    } else {
                        out.push_str(&safe);
                    }
                    out.push('\n');
                }
                Block::Heading(level, text) => {
                    let heading = markdown::heading(level, &safe::for_terminal(&text));
                    if grid_style == GridStyle::Terminal && !style.wide {
                        out.push_str(&terminal::fit_line(heading.trim_end(), terminal::width()));
                        out.push('\n');
                    } else {
                        out.push_str(&heading);
                    }
                }
                // Code is for what renders the page (GitHub draws a Mermaid chart); a
                // terminal has nothing to draw it with.
                Block::Code(..) if grid_style == GridStyle::Terminal => {}
                Block::Code(language, lines) => {
                    let lines: Vec<String> = lines
                        .iter()
                        .map(|line| safe::for_terminal(line).into_owned())
                        .collect();
                    out.push_str(&markdown::code(language, &lines));
                }
                Block::Table(table) => {
                    let mut grid = Grid::new(grid_style, table.columns, style);
                    if let Some((title, new)) = table.retitle {
                        grid.retitle(title, new);
                    }
                    for row in &table.rows {
                        grid.add_row(row);
                    }
                    out.push_str(&draw(grid));
                }
                Block::Chart(chart) => match grid_style {
                    GridStyle::Terminal => {
                        let width = terminal::width().unwrap_or(80);
                        out.push_str(&chart::render(&chart, width));
                    }
                    GridStyle::Markdown if style.charts_in_pipes => {
                        // A fixed width, so the same command gives the same page.
                        out.push_str("```text\n");
                        out.push_str(&chart::render(&chart, 80));
                        out.push_str("```\n");
                    }
                    GridStyle::Markdown => {}
                },
            }
            if out.len() > before {
                last_was_table = is_table;
            }
        }
        Ok(out)
    }

    /// A writer for a list that arrives page by page. Pure.
    pub fn rows<'w, R: Record + 'w>(self, style: Style) -> Box<dyn RowWriter<R> + 'w> {
        Box::new(AnyRows::new::<R>(self, style))
    }
}

/// A grid drawn by the writer it is for; nothing at all when it has no rows.
pub(crate) fn draw(grid: Grid) -> String {
    if grid.rows.is_empty() {
        return String::new();
    }
    match grid.style {
        GridStyle::Terminal => terminal::render(grid),
        GridStyle::Markdown => markdown::render(&grid),
    }
}

/// The list writers, for records of any type: one list may hold records that borrow from
/// different values (a sweep's lots, each borrowing its customer's row, which is gone once
/// written), so the record type is named at each push, not once for the list.
enum AnyRows {
    Flat(FlatRows),
    Json(json::JsonRows),
    Silent(SilentRows),
    Metrics(MetricRows),
    Table(TableRows),
}

impl AnyRows {
    /// The writer for `R`'s list (its header or columns) in this format.
    fn new<R: Record>(writer: Writer, style: Style) -> Self {
        if let Some(kind) = writer.delimited() {
            return AnyRows::Flat(FlatRows::new(kind, R::header(), style.header));
        }
        match writer {
            Writer::Json => AnyRows::Json(json::JsonRows::new()),
            Writer::Silent => AnyRows::Silent(SilentRows),
            Writer::OpenMetrics => AnyRows::Metrics(MetricRows::default()),
            Writer::Terminal => {
                AnyRows::Table(TableRows::new(GridStyle::Terminal, R::columns(), style))
            }
            _ => AnyRows::Table(TableRows::new(GridStyle::Markdown, R::columns(), style)),
        }
    }

    fn push<R: Record>(&mut self, records: &[R], out: &mut Vec<u8>) -> Result<()> {
        match self {
            AnyRows::Flat(rows) => RowWriter::<R>::push(rows, records, out),
            AnyRows::Json(rows) => RowWriter::<R>::push(rows, records, out),
            AnyRows::Silent(rows) => RowWriter::<R>::push(rows, records, out),
            AnyRows::Metrics(rows) => RowWriter::<R>::push(rows, records, out),
            AnyRows::Table(rows) => RowWriter::<R>::push(rows, records, out),
        }
    }

    fn finish<R: Record>(self, out: &mut Vec<u8>) -> Result<()> {
        match self {
            AnyRows::Flat(rows) => RowWriter::<R>::finish(Box::new(rows), out),
            AnyRows::Json(rows) => RowWriter::<R>::finish(Box::new(rows), out),
            AnyRows::Silent(rows) => RowWriter::<R>::finish(Box::new(rows), out),
            AnyRows::Metrics(rows) => RowWriter::<R>::finish(Box::new(rows), out),
            AnyRows::Table(rows) => RowWriter::<R>::finish(Box::new(rows), out),
        }
    }
}

/// The list writer of one record type: the one choice of writer per format, for lists
/// whose record type is known once (`Writer::rows`).
impl<R: Record> RowWriter<R> for AnyRows {
    fn push(&mut self, records: &[R], out: &mut Vec<u8>) -> Result<()> {
        AnyRows::push(self, records, out)
    }

    fn finish(self: Box<Self>, out: &mut Vec<u8>) -> Result<()> {
        AnyRows::finish::<R>(*self, out)
    }
}

/// A value without gauges asked for as OpenMetrics (the settings refuse the commands that
/// have none before any request; this is the writer's own guard).
fn metrics_not_supported() -> Error {
    Error::usage("this output has no OpenMetrics form; use --output json or csv")
}

/// csv/tsv, page by page: every page is written as it arrives.
struct FlatRows {
    rows: flat::DelimitedRows,
}

impl FlatRows {
    fn new(kind: flat::Delimited, header: &'static [&'static str], with_header: bool) -> Self {
        FlatRows {
            rows: flat::DelimitedRows::new(kind, header, with_header),
        }
    }
}

impl<R: Record> RowWriter<R> for FlatRows {
    fn push(&mut self, records: &[R], out: &mut Vec<u8>) -> Result<()> {
        let mut rows = Vec::with_capacity(records.len());
        for record in records {
            let mut row = Vec::with_capacity(R::header().len());
            record.fields(&mut row);
            rows.push(row);
        }
        self.rows.rows(&rows, out)
    }

    fn finish(self: Box<Self>, out: &mut Vec<u8>) -> Result<()> {
        self.rows.finish(out)
    }
}

/// `--output none`: nothing.
struct SilentRows;

impl<R: Record> RowWriter<R> for SilentRows {
    fn push(&mut self, _records: &[R], _out: &mut Vec<u8>) -> Result<()> {
        Ok(())
    }

    fn finish(self: Box<Self>, _out: &mut Vec<u8>) -> Result<()> {
        Ok(())
    }
}

/// OpenMetrics: families group samples, so the text is written after the last page.
#[derive(Default)]
struct MetricRows {
    metrics: metrics::Metrics,
}

impl<R: Record> RowWriter<R> for MetricRows {
    fn push(&mut self, records: &[R], _out: &mut Vec<u8>) -> Result<()> {
        if !R::HAS_METRICS {
            return Err(metrics_not_supported());
        }
        for record in records {
            record.metrics(&mut self.metrics);
        }
        Ok(())
    }

    fn finish(self: Box<Self>, out: &mut Vec<u8>) -> Result<()> {
        if !R::HAS_METRICS {
            return Err(metrics_not_supported());
        }
        out.extend_from_slice(self.metrics.render().as_bytes());
        Ok(())
    }
}

/// What every writer implements to take a list page by page: each call appends to `out` the
/// text that can be written now (JSON streams; tables wait for the last page to know the
/// widths). `out` is the list's one buffer, emptied after each write and kept for the next
/// page, so a long list is written without a fresh allocation per page.
pub trait RowWriter<R: Record> {
    fn push(&mut self, records: &[R], out: &mut Vec<u8>) -> Result<()>;
    fn finish(self: Box<Self>, out: &mut Vec<u8>) -> Result<()>;
}

/// A table built page by page: each page's cells are formatted as it arrives (while the next
/// page is on its way), only the layout waits for the last page.
pub(crate) struct TableRows {
    grid: Grid,
}

impl TableRows {
    pub(crate) fn new(grid_style: GridStyle, columns: &[cell::Column], style: Style) -> Self {
        TableRows {
            grid: Grid::new(grid_style, columns, style),
        }
    }
}

impl<R: Record> RowWriter<R> for TableRows {
    fn push(&mut self, records: &[R], _out: &mut Vec<u8>) -> Result<()> {
        self.grid.rows.reserve(records.len());
        if let Some((title, new)) = records.first().and_then(Record::retitled) {
            self.grid.retitle(title, new);
        }
        let mut row = Vec::with_capacity(R::columns().len());
        for record in records {
            record.cells(&mut row);
            self.grid.add_row(&row);
            row.clear();
        }
        Ok(())
    }

    fn finish(self: Box<Self>, out: &mut Vec<u8>) -> Result<()> {
        out.extend_from_slice(draw(self.grid).as_bytes());
        Ok(())
    }
}

/// stderr, written best-effort: a message that cannot be written is dropped, never an error
/// and never a panic. Every line is made safe for a terminal, since messages quote Azure.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stderr {
    /// `check failed` in red (stderr is a terminal and the environment allows colour).
    pub(crate) color: bool,
}

impl Stderr {
    pub fn line(self, text: &str) {
        self.raw_line(&safe::for_terminal(text));
    }

    /// A line already made safe.
    fn raw_line(self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = err
            .write_all(text.as_bytes())
            .and_then(|()| err.write_all(b"\n"));
    }

    /// An error and its hints, one line each.
    pub(crate) fn error(self, error: &Error) {
        if error.kind == ErrorKind::CheckFailed {
            // A failed check is an answer, not an error: its line says "check failed: ...".
            if self.color {
                let safe = safe::for_terminal(&error.message);
                self.raw_line(&terminal::paint(&safe, cell::Tone::Bad));
            } else {
                self.line(&error.message);
            }
        } else {
            self.line(&format!("error: {}", error.message));
        }
        for hint in &error.hints {
            self.line(&format!("hint: {hint}"));
        }
    }

    /// `-v`: one line per request attempt, and one per retry.
    pub(crate) fn client_event(self, event: &ClientEvent) {
        match event {
            ClientEvent::Response {
                target,
                status,
                elapsed,
                request_id,
                tenant_reads_left,
                method,
                queries_left,
            } => {
                let mut reads = tenant_reads_left
                    .as_deref()
                    .map(|r| format!(" tenant-reads-left: {r}"))
                    .unwrap_or_default();
                if let Some(left) = queries_left {
                    reads.push_str(&format!(" cost-queries-left: {left}"));
                }
                self.line(&format!(
                    "{method} {target} {status} {} ms x-ms-request-id: {}{reads}",
                    elapsed.as_millis(),
                    request_id.as_deref().unwrap_or("-")
                ));
            }
            // Every request has its own line already.
            ClientEvent::Page { .. } => {}
            ClientEvent::Retrying {
                path,
                wait,
                next_attempt,
                max_attempts,
            } => self.line(&format!(
                "retrying GET {path} in {} ms (attempt {next_attempt} of {max_attempts})",
                wait.as_millis()
            )),
            ClientEvent::Throttled { path, wait } => self.line(&format!(
                "throttled: GET {path} again after Azure's wait of {} ms (the whole run waits; no attempt spent)",
                wait.as_millis()
            )),
        }
    }
}

/// Owns stdout (data only) and stderr (notes, warnings, errors).
pub(crate) struct Printer {
    writer: Writer,
    stderr: Stderr,
    /// Set by the first byte written to stdout: after it, nothing may be fetched again.
    started: AtomicBool,
    /// Set when the reader closed stdout (`| head`): nothing more is written.
    closed: AtomicBool,
    /// Set once stdout's pipe was asked to grow (`widen_stdout_pipe`).
    pipe_widened: AtomicBool,
    style: Style,
    progress: std::sync::Arc<progress::Progress>,
}

/// From how large a write stdout's pipe is widened (`widen_stdout_pipe`).
const WIDE_PIPE_FROM: usize = 256 * 1024;

/// A pipe holds 64 KiB by default: hundreds of MB of output (`aco --json`, `events` over a
/// year) then cross it in thousands of hand-overs between this process and its reader, each
/// a wake-up of both. 1 MiB (what any user may ask for, `/proc/sys/fs/pipe-max-size`) makes
/// them 16 times fewer. Best effort: stdout that is not a pipe, or a refusal, changes
/// nothing.
fn widen_stdout_pipe() {
    #[cfg(target_os = "linux")]
    // SAFETY: `fcntl` on descriptor 1 with integer arguments only; a descriptor that is not
    // a pipe answers an error, which is ignored.
    unsafe {
        let size = libc::fcntl(libc::STDOUT_FILENO, libc::F_GETPIPE_SZ);
        if size > 0 && size < (1 << 20) {
            libc::fcntl(libc::STDOUT_FILENO, libc::F_SETPIPE_SZ, 1 << 20);
        }
    }
}

impl Printer {
    /// The printer of `options`, on this process's stdout and stderr.
    pub(crate) fn new(options: PrinterOptions) -> Self {
        let stdout_is_terminal = std::io::stdout().is_terminal();
        let writer = Writer::choose(options.format, stdout_is_terminal);
        let style = Style {
            header: options.header,
            color: options.color.for_stream(stdout_is_terminal),
            wide: options.wide,
            charts_in_pipes: options.charts_in_pipes,
        };
        let stderr_is_terminal = std::io::stderr().is_terminal();
        let mut printer = Self::with_writer(writer, style);
        printer.stderr = Stderr {
            color: options.color.for_stream(stderr_is_terminal),
        };
        printer.progress = progress::Progress::new(options.progress && stderr_is_terminal);
        printer
    }

    /// For the errors that come before the settings are known: only stderr is used.
    pub(crate) fn before_settings() -> Self {
        Self::with_writer(Writer::Markdown, Style::default())
    }

    pub(crate) fn with_writer(writer: Writer, style: Style) -> Self {
        Printer {
            writer,
            style,
            progress: progress::Progress::new(false),
            stderr: Stderr::default(),
            started: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            pipe_widened: AtomicBool::new(false),
        }
    }

    /// Writes one value in the chosen format. A reader that closed stdout is not an error:
    /// the command goes on to its checks, which still decide the exit code.
    pub(crate) fn emit<V: View + ?Sized>(&self, value: &V) -> Result<()> {
        self.write(&self.writer.render(value, self.style())?)
            .map(|_| ())
    }

    /// A footer for people (totals under a table): written by the table writers only, since
    /// the data formats already carry what it sums up.
    pub(crate) fn emit_footer<V: View + ?Sized>(&self, value: &V) -> Result<()> {
        match self.writer {
            Writer::Terminal | Writer::Markdown => {
                // Markdown needs a blank line between two tables.
                let text = self.writer.render(value, self.style())?;
                if text.is_empty() {
                    return Ok(());
                }
                let separated = if self.writer == Writer::Markdown {
                    format!("\n{text}")
                } else {
                    text
                };
                self.write(&separated).map(|_| ())
            }
            _ => Ok(()),
        }
    }

    /// Writes a whole list; returns how many records it held. Like `emit`, a closed stdout
    /// leaves the decision to the checks.
    pub(crate) fn emit_list<R: Record>(&self, records: &[R]) -> Result<usize> {
        let mut list = self.list();
        // Whether the reader stayed or went, the list is finished the same way.
        let _: Flow = list.push(records)?;
        list.finish()
    }

    /// A list written page by page as the pages arrive.
    pub(crate) fn list<'p, R: Record + 'p>(&'p self) -> ListSink<'p, R> {
        ListSink {
            printer: self,
            writer: self.writer.rows(self.style()),
            buffer: Vec::new(),
            count: 0,
        }
    }

    /// A list of `R`s whose records may borrow from values that are gone once written (a
    /// sweep's rows): `push` takes them row by row.
    pub(crate) fn rows_of<R: Record>(&self) -> RowSink<'_> {
        RowSink {
            printer: self,
            writer: AnyRows::new::<R>(self.writer, self.style()),
            finish: AnyRows::finish::<R>,
            buffer: Vec::new(),
            count: 0,
        }
    }

    /// With `-o openmetrics`, a run that failed before writing anything (a sign-in failure,
    /// a listing that could not be read) still writes a whole exposition: `credits_up 0` with
    /// the exit code as a label, then `# EOF`. A scraper then sees the failure instead of a
    /// file that vanished (usage errors write nothing: they never reach Azure).
    pub(crate) fn metrics_of_nothing_read(&self, error: &Error) {
        if self.writer != Writer::OpenMetrics
            || self.has_written()
            || matches!(error.kind, ErrorKind::Usage | ErrorKind::Output)
        {
            return;
        }
        let mut metrics = metrics::Metrics::default();
        let code = error.exit_code().to_string();
        metrics.flag(
            "credits_up",
            "1 when the billing profile's balance was read, 0 when it could not be.",
            &[("exit_code", code.as_str())],
            false,
        );
        let _: Result<Flow> = self.write(&metrics.render());
    }

    /// Text that is the data itself (a completion script, the manual page, a config value),
    /// written as it is whatever the format.
    pub(crate) fn text(&self, text: &str) -> Result<()> {
        self.write(text).map(|_| ())
    }

    /// `warning: ...` on stderr.
    pub(crate) fn warn(&self, text: &str) {
        self.progress.clear();
        self.stderr.line(&format!("warning: {text}"));
    }

    fn style(&self) -> Style {
        self.style
    }

    /// True once anything has been written to stdout.
    pub(crate) fn has_written(&self) -> bool {
        self.started.load(Ordering::Relaxed)
    }

    /// Writes to stdout. The one place that decides what a reader that went away means: not
    /// an error, but the end of the writing (`Flow::Break`); whoever produces more data stops,
    /// and the checks still decide the exit code.
    fn write(&self, text: &str) -> Result<Flow> {
        self.write_bytes(text.as_bytes())
    }

    /// `write` for text a list writer put together (UTF-8 by construction).
    fn write_bytes(&self, text: &[u8]) -> Result<Flow> {
        if self.closed.load(Ordering::Relaxed) {
            return Ok(Flow::Break(()));
        }
        if text.is_empty() {
            return Ok(Flow::Continue(()));
        }
        self.progress.finish();
        self.started.store(true, Ordering::Relaxed);
        if text.len() >= WIDE_PIPE_FROM && !self.pipe_widened.swap(true, Ordering::Relaxed) {
            widen_stdout_pipe();
        }
        let mut out = std::io::stdout().lock();
        match out.write_all(text).and_then(|()| out.flush()) {
            Ok(()) => Ok(Flow::Continue(())),
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed.store(true, Ordering::Relaxed);
                Ok(Flow::Break(()))
            }
            Err(error) => Err(Error::new(
                ErrorKind::Output,
                format!("could not write the output to stdout: {error}"),
            )),
        }
    }

    /// `note: ...` on stderr.
    pub(crate) fn note(&self, text: &str) {
        self.progress.clear();
        self.stderr.line(&format!("note: {text}"));
    }

    /// `error: ...` and its hints on stderr.
    pub(crate) fn error(&self, error: &Error) {
        self.progress.clear();
        self.stderr.error(error);
    }

    /// The progress line (a no-op unless stderr is a terminal and it is wanted).
    pub(crate) fn progress(&self) -> &std::sync::Arc<progress::Progress> {
        &self.progress
    }

    /// The best-effort stderr, for whoever must report without the printer (the client's
    /// `-v` observer, the entry point).
    pub(crate) fn stderr(&self) -> Stderr {
        self.stderr
    }
}

/// A list being written: `push` each page, then `finish`. `push` answers `Break` once the
/// reader went away, so no more pages are fetched for nobody.
pub(crate) struct ListSink<'p, R: Record> {
    printer: &'p Printer,
    writer: Box<dyn RowWriter<R> + 'p>,
    /// The text of a page, kept between pages (its capacity, not its text).
    buffer: Vec<u8>,
    count: usize,
}

impl<R: Record> ListSink<'_, R> {
    pub(crate) fn push(&mut self, records: &[R]) -> Result<Flow> {
        self.count += records.len();
        self.buffer.clear();
        self.writer.push(records, &mut self.buffer)?;
        self.printer.write_bytes(&self.buffer)
    }

    /// Writes records already in memory, `chunk` at a time: each chunk is formatted while
    /// the one before it is written by another thread, so that a reader draining hundreds
    /// of MB (`aco --json`) never waits for the formatting, nor the formatting for it. The
    /// chunks are written in order, one write at a time.
    pub(crate) fn push_all(&mut self, records: &[R], chunk: usize) -> Result<Flow> {
        let printer = self.printer;
        let mut ready = std::mem::take(&mut self.buffer);
        let mut spare = Vec::new();
        let written_out =
            |joined: std::thread::Result<(Vec<u8>, Result<Flow>)>| -> (Vec<u8>, Result<Flow>) {
                joined.unwrap_or_else(|_| {
                    let error = Error::new(
                        ErrorKind::Output,
                        "could not write the output to stdout".to_string(),
                    );
                    (Vec::new(), Err(error))
                })
            };
        std::thread::scope(|scope| -> Result<Flow> {
            let mut writing: Option<std::thread::ScopedJoinHandle<'_, _>> = None;
            for part in records.chunks(chunk.max(1)) {
                self.count += part.len();
                ready.clear();
                self.writer.push(part, &mut ready)?;
                if let Some(handle) = writing.take() {
                    let (written, flow) = written_out(handle.join());
                    if flow?.is_break() {
                        return Ok(Flow::Break(()));
                    }
                    spare = written;
                }
                let full = std::mem::replace(&mut ready, std::mem::take(&mut spare));
                writing = Some(scope.spawn(move || {
                    let flow = printer.write_bytes(&full);
                    (full, flow)
                }));
            }
            match writing {
                Some(handle) => written_out(handle.join()).1,
                None => Ok(Flow::Continue(())),
            }
        })
    }

    /// Writes what is left; returns how many records the list held.
    pub(crate) fn finish(mut self) -> Result<usize> {
        self.buffer.clear();
        self.writer.finish(&mut self.buffer)?;
        let _: Flow = self.printer.write_bytes(&self.buffer)?;
        Ok(self.count)
    }
}

/// A list being written whose records are named at each push (`Printer::rows_of`): `push`
/// each row's records, then `finish`. `push` answers `Break` once the reader went away.
pub(crate) struct RowSink<'p> {
    printer: &'p Printer,
    writer: AnyRows,
    finish: fn(AnyRows, &mut Vec<u8>) -> Result<()>,
    buffer: Vec<u8>,
    count: usize,
}

impl RowSink<'_> {
    /// Writes these records (of the type the list was made for, with any lifetime).
    pub(crate) fn push<R: Record>(&mut self, records: &[R]) -> Result<Flow> {
        self.count += records.len();
        self.buffer.clear();
        self.writer.push(records, &mut self.buffer)?;
        self.printer.write_bytes(&self.buffer)
    }

    /// Whether each push is written at once (JSON, csv, tsv, none), not at the end (tables,
    /// OpenMetrics).
    pub(crate) fn streams(&self) -> bool {
        matches!(
            self.writer,
            AnyRows::Flat(_) | AnyRows::Json(_) | AnyRows::Silent(_)
        )
    }

    /// How many records were pushed so far.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Writes what is left; answers whether the reader was still there to take it (a
    /// table is all written here).
    pub(crate) fn finish(mut self) -> Result<Flow> {
        self.buffer.clear();
        (self.finish)(self.writer, &mut self.buffer)?;
        self.printer.write_bytes(&self.buffer)
    }
}

/// Whether the reader still reads: `Break` once stdout was closed by its reader.
pub(crate) type Flow = std::ops::ControlFlow<()>;
