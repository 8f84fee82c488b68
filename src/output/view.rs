//! What a view is: a domain value seen as lines and tables of typed cells (for the table
//! writers) and as its `Serialize` form (for JSON). Views are pure; the printer picks the
//! writer.

use super::cell::{Cell, Column};
use super::flat::{Field, FlatTable};
use super::metrics::Metrics;
use serde::Serialize;

/// A table of typed cells.
pub struct TableBlock<'a> {
    pub columns: &'static [Column],
    pub rows: Vec<Vec<Cell<'a>>>,
}

/// A piece of a document for people.
pub enum Block<'a> {
    /// A line of text (made safe by the writer).
    Line(String),
    Table(TableBlock<'a>),
    /// A picture: drawn on a terminal, and in a pipe only when asked for (`--chart`).
    Chart(super::chart::BalanceChart),
}

/// A value the printer can emit: as blocks for people, as flat rows (csv, tsv), as
/// metrics, or as JSON.
pub trait View: Serialize {
    fn blocks(&self) -> Vec<Block<'_>>;
    /// The value as csv/tsv rows: `--json` field names, `--json` values.
    fn flat(&self) -> FlatTable<'_>;
    /// The value as OpenMetrics gauges; `false` when it has none (only balances and lots do).
    fn metrics(&self, _out: &mut Metrics) -> bool {
        false
    }
}

/// A value that is one row of a list; a list of them is one table, or one JSON array. Lists
/// of records can be streamed page by page (`Printer::list`).
pub trait Record: Serialize {
    fn columns() -> &'static [Column];
    /// Appends this record's cells, one per column, to `row`. (Into a row the caller keeps:
    /// long lists then allocate no row per record.)
    fn cells<'a>(&'a self, row: &mut Vec<Cell<'a>>);
    /// The csv/tsv header: `--json` field names.
    fn header() -> &'static [&'static str];
    /// Appends this record's csv/tsv fields, one per header name.
    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>);
    /// Whether `metrics` says anything (only balances and lots do).
    const HAS_METRICS: bool = false;
    fn metrics(&self, _out: &mut Metrics) {}
}
