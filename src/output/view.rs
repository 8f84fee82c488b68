//! What a view is: a domain value seen as lines and tables of typed cells (for the table
//! writers) and as its `Serialize` form (for JSON). Views are pure; the printer picks the
//! writer.

use super::cell::{Cell, Column};
use super::flat::{Field, FlatTable};
use super::metrics::Metrics;
use serde::Serialize;

/// A table of typed cells.
pub struct TableBlock<'a> {
    pub(crate) columns: &'static [Column],
    /// A column titled otherwise for these rows (a sweep's "Profile" is "Customer").
    pub(crate) retitle: Option<(&'static str, &'static str)>,
    pub(crate) rows: Vec<Vec<Cell<'a>>>,
}

/// A piece of a document for people.
pub enum Block<'a> {
    /// A line of text (made safe by the writer).
    Line(String),
    Table(TableBlock<'a>),
    /// A picture: drawn on a terminal, and in a pipe only when asked for (`--chart`).
    Chart(super::chart::BalanceChart),
    /// A heading of a document (`report`): its level (1 is the title) and text.
    Heading(u8, String),
    /// Code for a renderer of the page (a Mermaid chart): its language and lines.
    Code(&'static str, Vec<String>),
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
pub trait Record: Serialize + Sync {
    fn columns() -> &'static [Column];

    /// A column title this record calls otherwise (a sweep of customers calls its
    /// "Profile" column "Customer"): `(title, new title)`.
    fn retitled(&self) -> Option<(&'static str, &'static str)> {
        None
    }
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

/// A table's columns, each written beside the cell it shows, in one list:
///
/// ```text
/// table! {
///     const LOT_COLUMNS + profile LOT_COLUMNS_WITH_PROFILE;
///     fn lot_cells<'a>(row: &'a LotRow<'_>) {
///         Column::text("Status") => Cell::owned(row.lot.status.label()),
///     }
/// }
/// ```
///
/// makes the `Column` list, a fill function that appends the cells in the same order, and
/// (with `+ profile`) the same columns behind a Profile column for `--all` lists.
macro_rules! table {
    (
        $(#[$meta:meta])*
        $vis:vis const $columns:ident + profile $with:ident;
        fn $cells:ident<$lt:lifetime>($row:ident: $ty:ty) {
            $($column:expr => $cell:expr),+ $(,)?
        }
    ) => {
        $vis const $with: &[$crate::output::cell::Column] =
            &[$crate::output::cell::Column::prose("Profile"), $($column),+];
        $crate::output::view::table! {
            $(#[$meta])*
            $vis const $columns;
            fn $cells<$lt>($row: $ty) { $($column => $cell),+ }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis const $columns:ident;
        fn $cells:ident<$lt:lifetime>($row:ident: $ty:ty) {
            $($column:expr => $cell:expr),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis const $columns: &[$crate::output::cell::Column] = &[$($column),+];
        $vis fn $cells<$lt>($row: $ty, out: &mut Vec<$crate::output::cell::Cell<$lt>>) {
            out.extend([$($cell),+]);
        }
    };
}
pub(crate) use table;

/// csv/tsv fields (the `--json` names), each written beside its value, in one list:
///
/// ```text
/// fields! {
///     const LOT_FIELDS;
///     fn lot_fields<'a>(row: &'a LotRow<'_>) {
///         "name" => flat::text(&row.lot.lot.name),
///     }
/// }
/// ```
///
/// makes the header and a fill function that appends the values in the same order.
macro_rules! fields {
    (
        $(#[$meta:meta])*
        $vis:vis const $names:ident;
        fn $fill:ident<$lt:lifetime>($row:ident: $ty:ty) {
            $($name:literal => $value:expr),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis const $names: &[&str] = &[$($name),+];
        $vis fn $fill<$lt>($row: $ty, out: &mut Vec<$crate::output::flat::Field<$lt>>) {
            out.extend([$($value),+]);
        }
    };
}
pub(crate) use fields;
