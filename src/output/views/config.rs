//! `credits config list`: each setting, its value in effect, and where it comes from.

use crate::output::cell::{Cell, Column};
use crate::output::flat::{self, FlatTable};
use crate::output::view::{fields, table, Block, TableBlock, View};
use serde::Serialize;

/// `credits config list`: each setting, its value in effect, and where it comes from.
#[derive(Serialize)]
#[serde(transparent)]
pub(crate) struct ConfigList(pub Vec<ConfigRow>);

#[derive(Serialize)]
pub(crate) struct ConfigRow {
    pub(crate) key: std::borrow::Cow<'static, str>,
    pub(crate) value: Option<String>,
    /// `--endpoint`, `CREDITS_OUTPUT`, `/path/config.toml:3: auth`, `default` or `not set`.
    pub(crate) source: String,
}

table! {
    const CONFIG_COLUMNS;
    fn config_cells<'a>(row: &'a ConfigRow) {
        Column::text("Key") => Cell::owned(row.key.as_ref()),
        Column::prose("Value") => Cell::text(&row.value),
        Column::prose("From") => Cell::owned(row.source.as_str()),
    }
}

fields! {
    const CONFIG_FIELDS;
    fn config_fields<'a>(row: &'a ConfigRow) {
        "key" => flat::str(&row.key),
        "value" => flat::text(&row.value),
        "source" => flat::str(row.source.as_str()),
    }
}

impl View for ConfigList {
    fn blocks(&self) -> Vec<Block<'_>> {
        let rows = self
            .0
            .iter()
            .map(|row| {
                let mut cells = Vec::with_capacity(CONFIG_COLUMNS.len());
                config_cells(row, &mut cells);
                cells
            })
            .collect();
        vec![Block::Table(TableBlock {
            retitle: None,
            columns: CONFIG_COLUMNS,
            rows,
        })]
    }

    fn flat(&self) -> FlatTable<'_> {
        let rows = self
            .0
            .iter()
            .map(|row| {
                let mut fields = Vec::with_capacity(CONFIG_FIELDS.len());
                config_fields(row, &mut fields);
                fields
            })
            .collect();
        FlatTable {
            header: CONFIG_FIELDS,
            rows,
        }
    }
}
