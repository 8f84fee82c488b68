//! `credits verify`: one row per check of each scope, with both figures and the difference.

use crate::checks::verify::{Finding, Verification};
use crate::output::cell::{Cell, Column, Tone};
use crate::output::flat::{self, Field, FlatTable};
use crate::output::view::{Block, TableBlock, View};
use chrono::NaiveDate;
use serde::Serialize;
use std::borrow::Cow;

/// The result for people: failed and could not check in red, a warning in yellow.
pub(crate) fn result_cell(finding: Finding) -> Cell<'static> {
    let tone = match finding {
        Finding::Failed | Finding::CouldNotCheck(_) => Some(Tone::Bad),
        Finding::Warning => Some(Tone::Warn),
        Finding::Passed | Finding::NotChecked => None,
    };
    Cell::Text(Some(Cow::Borrowed(finding.word()))).toned(tone)
}

pub(super) const VERIFY_COLUMNS: &[Column] = &[
    Column::prose("Scope"),
    Column::text("Check"),
    Column::text("Result"),
    Column::money("Expected"),
    Column::money("Actual"),
    Column::money("Difference"),
    // What explains a failure or a "not checked": never left out, it wraps.
    Column::prose("Detail"),
];

/// The cells of one finding (the Scope column first, left out for one scope).
pub(crate) fn verify_cells(finding: &Verification) -> Vec<Cell<'_>> {
    let detail = match finding.convention {
        Some(convention) if !finding.detail.is_empty() => {
            format!("{} [{}]", finding.detail, convention.name())
        }
        _ => finding.detail.clone(),
    };
    vec![
        Cell::owned(finding.subject.as_str()),
        Cell::owned(finding.check),
        result_cell(finding.result),
        Cell::Amount(finding.expected.as_ref()),
        Cell::Amount(finding.actual.as_ref()),
        Cell::Amount(finding.difference.as_ref()),
        Cell::owned(detail),
    ]
}

const VERIFY_FIELDS: &[&str] = &[
    "scope",
    "check",
    "result",
    "currency",
    "expected",
    "actual",
    "difference",
    "convention",
    "detail",
];

/// The page of `credits verify`.
pub(crate) struct VerifyPage<'a> {
    pub(crate) as_of: NaiveDate,
    pub(crate) findings: Vec<&'a Verification>,
    /// More than one scope: each row names its own.
    pub(crate) several: bool,
}

impl Serialize for VerifyPage<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape<'a> {
            as_of: String,
            checks: &'a [&'a Verification],
        }
        Shape {
            as_of: self.as_of.to_string(),
            checks: &self.findings,
        }
        .serialize(s)
    }
}

impl View for VerifyPage<'_> {
    fn blocks(&self) -> Vec<Block<'_>> {
        let (columns, skip) = if self.several {
            (VERIFY_COLUMNS, 0)
        } else {
            (&VERIFY_COLUMNS[1..], 1)
        };
        let mut blocks = Vec::new();
        if !self.several {
            if let Some(first) = self.findings.first() {
                blocks.push(Block::Line(format!(
                    "Checks of Azure's figures: {}",
                    first.subject
                )));
            }
        }
        let rows = self
            .findings
            .iter()
            .map(|f| verify_cells(f).into_iter().skip(skip).collect())
            .collect();
        blocks.push(Block::Table(TableBlock {
            columns,
            retitle: None,
            rows,
        }));
        blocks
    }

    fn flat(&self) -> FlatTable<'_> {
        let rows = self
            .findings
            .iter()
            .map(|f| -> Vec<Field<'_>> {
                let currency = [&f.expected, &f.actual, &f.difference]
                    .into_iter()
                    .flatten()
                    .find_map(|a| a.currency());
                let value = |a: &Option<crate::model::amount::Amount>| {
                    flat::decimal(a.as_ref().map(|a| a.value))
                };
                vec![
                    flat::str(&f.scope),
                    flat::str(f.check),
                    flat::str(f.result.word()),
                    currency.map(Cow::Borrowed),
                    value(&f.expected),
                    value(&f.actual),
                    value(&f.difference),
                    f.convention.and_then(|c| flat::str(c.name())),
                    flat::str(&f.detail),
                ]
            })
            .collect();
        FlatTable {
            header: VERIFY_FIELDS,
            rows,
        }
    }
}
