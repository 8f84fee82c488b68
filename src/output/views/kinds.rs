//! Two kinds of record in one answer (`balance --all --all-enrollments`): one JSON array of
//! both (each record says its `kind`), and for people a table of each, the second under its
//! own title. csv has one header, so the command refuses csv and tsv for both kinds.

use crate::output::cell::Cell;
use crate::output::flat::FlatTable;
use crate::output::metrics::Metrics;
use crate::output::view::{Block, Record, TableBlock, View};
use serde::ser::SerializeSeq;
use serde::Serialize;

pub(crate) struct TwoKinds<'a, A, B> {
    pub(crate) first: &'a [A],
    pub(crate) second: &'a [B],
    /// The line above the second table.
    pub(crate) second_title: &'static str,
}

impl<A: Record, B: Record> Serialize for TwoKinds<'_, A, B> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.first.len() + self.second.len()))?;
        for record in self.first {
            seq.serialize_element(record)?;
        }
        for record in self.second {
            seq.serialize_element(record)?;
        }
        seq.end()
    }
}

/// A list of records as one table block.
fn table_of<R: Record>(records: &[R]) -> Block<'_> {
    let rows = records
        .iter()
        .map(|record| {
            let mut cells: Vec<Cell<'_>> = Vec::new();
            record.cells(&mut cells);
            cells
        })
        .collect();
    Block::Table(TableBlock {
        columns: R::columns(),
        retitle: records.first().and_then(Record::retitled),
        rows,
    })
}

impl<A: Record, B: Record> View for TwoKinds<'_, A, B> {
    fn blocks(&self) -> Vec<Block<'_>> {
        let mut blocks = Vec::new();
        if !self.first.is_empty() {
            blocks.push(table_of(self.first));
        }
        if !self.second.is_empty() {
            if !blocks.is_empty() {
                blocks.push(Block::Line(String::new()));
            }
            blocks.push(Block::Line(self.second_title.to_string()));
            blocks.push(table_of(self.second));
        }
        blocks
    }

    /// Not written: the command refuses csv and tsv for two kinds (one header cannot name
    /// both); the first kind's rows, should it ever be asked.
    fn flat(&self) -> FlatTable<'_> {
        FlatTable {
            header: A::header(),
            rows: self
                .first
                .iter()
                .map(|record| {
                    let mut row = Vec::new();
                    record.fields(&mut row);
                    row
                })
                .collect(),
        }
    }

    fn metrics(&self, out: &mut Metrics) -> bool {
        for record in self.first {
            record.metrics(out);
        }
        for record in self.second {
            record.metrics(out);
        }
        A::HAS_METRICS || B::HAS_METRICS
    }
}
