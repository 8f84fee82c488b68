//! `credits config list`: each setting, its value in effect, and where it comes from.

use crate::output::cell::{Cell, Column};
use crate::output::flat::{self, FlatTable};
use crate::output::view::{Block, TableBlock, View};
use serde::Serialize;

/// `credits config list`: each setting, its value in effect, and where it comes from.
#[derive(Serialize)]
#[serde(transparent)]
pub struct ConfigList(pub Vec<ConfigRow>);

#[derive(Serialize)]
pub struct ConfigRow {
    pub key: &'static str,
    pub value: Option<String>,
    /// `--endpoint`, `CREDITS_OUTPUT`, `/path/config.toml:3: auth`, `default` or `not set`.
    pub source: String,
}

const CONFIG_COLUMNS: &[Column] = &[
    Column::text("Key"),
    Column::prose("Value"),
    Column::prose("From"),
];

const CONFIG_FIELDS: &[&str] = &["key", "value", "source"];

impl View for ConfigList {
    fn blocks(&self) -> Vec<Block<'_>> {
        let rows = self
            .0
            .iter()
            .map(|row| {
                vec![
                    Cell::owned(row.key),
                    Cell::text(&row.value),
                    Cell::owned(row.source.as_str()),
                ]
            })
            .collect();
        vec![Block::Table(TableBlock {
            columns: CONFIG_COLUMNS,
            rows,
        })]
    }

    fn flat(&self) -> FlatTable<'_> {
        FlatTable {
            header: CONFIG_FIELDS,
            rows: self
                .0
                .iter()
                .map(|row| {
                    vec![
                        flat::str(row.key),
                        flat::text(&row.value),
                        flat::str(row.source.as_str()),
                    ]
                })
                .collect(),
        }
    }
}
