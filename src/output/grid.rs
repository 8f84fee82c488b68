//! A table for people before it is drawn, as data: the columns, and the rows as display text
//! already made safe. Column widths are kept up to date as rows arrive, so drawing after the
//! last page is only layout and padding. The writer dispatch (`output::draw`) hands it to the
//! terminal or the Markdown writer; the grid knows neither.

use super::cell::{human_text, Cell, Column, Tone};
use super::Style;
use std::collections::HashMap;
use unicode_width::UnicodeWidthStr;

/// Which writer a grid is for: it decides how cell text is made safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GridStyle {
    Terminal,
    Markdown,
}

pub(crate) struct Grid {
    pub(crate) style: GridStyle,
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: Vec<Vec<String>>,
    /// The cells that stand out in colour, by (row, column). Empty without colour.
    pub(crate) tones: HashMap<(usize, usize), Tone>,
    pub(crate) widths: Vec<usize>,
    /// Per column: whether it holds an amount that is not zero (such a column is never
    /// dropped to fit a terminal).
    pub(crate) amounts: Vec<bool>,
    pub(crate) look: Style,
    /// The one currency of every amount of the table, when a narrow terminal took it out of
    /// the cells (said once, under the table).
    pub(crate) unit: Option<String>,
}

impl Grid {
    /// Calls the column titled `title` `new` (its width grows to fit it).
    pub(crate) fn retitle(&mut self, title: &str, new: &'static str) {
        for (column, width) in self.columns.iter_mut().zip(self.widths.iter_mut()) {
            if column.title == title {
                column.title = new;
                *width = (*width).max(display_width(new));
            }
        }
    }
}

/// Display width: the byte length for ASCII (nearly every cell), Unicode width otherwise.
pub(crate) fn display_width(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.width()
    }
}

impl Grid {
    pub(crate) fn new(style: GridStyle, columns: &[Column], look: Style) -> Self {
        Grid {
            style,
            columns: columns.to_vec(),
            rows: Vec::new(),
            tones: HashMap::new(),
            widths: columns.iter().map(|c| display_width(c.title)).collect(),
            amounts: vec![false; columns.len()],
            look,
            unit: None,
        }
    }

    /// A column's title.
    pub(crate) fn title(&self, column: usize) -> &'static str {
        self.columns.get(column).map_or("", |c| c.title)
    }

    pub(crate) fn titles(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().map(|c| c.title)
    }

    pub(crate) fn right_aligned(&self, column: usize) -> bool {
        self.columns
            .get(column)
            .is_some_and(|c| c.kind.is_numeric())
    }

    pub(crate) fn add_row(&mut self, cells: &[Cell<'_>]) {
        let markdown = self.style == GridStyle::Markdown;
        let row_index = self.rows.len();
        let row: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(column, cell)| {
                if holds_an_amount(cell) {
                    if let Some(flag) = self.amounts.get_mut(column) {
                        *flag = true;
                    }
                }
                if self.look.color {
                    if let Some(tone) = tone_of(cell) {
                        self.tones.insert((row_index, column), tone);
                    }
                }
                match cell {
                    // Text `credits` wrote itself (days, counts) needs no escaping.
                    Cell::Day(_) | Cell::Count(_) | Cell::Blank => human_text(cell).into_owned(),
                    Cell::Toned(_, inner)
                        if matches!(**inner, Cell::Day(_) | Cell::Count(_) | Cell::Blank) =>
                    {
                        human_text(cell).into_owned()
                    }
                    _ => super::safe::into_safe(human_text(cell), markdown),
                }
            })
            .collect();
        for (width, cell) in self.widths.iter_mut().zip(&row) {
            *width = (*width).max(display_width(cell));
        }
        self.rows.push(row);
    }

    pub(crate) fn tone(&self, row: usize, column: usize) -> Option<Tone> {
        if self.tones.is_empty() {
            return None;
        }
        self.tones.get(&(row, column)).copied()
    }
}

/// An amount that is not zero, as people see it.
fn holds_an_amount(cell: &Cell<'_>) -> bool {
    match cell {
        Cell::Toned(_, inner) => holds_an_amount(inner),
        Cell::Money(Some(money)) => money
            .value
            .is_some_and(|v| !shown_zero(v, money.currency.as_deref())),
        Cell::Amount(Some(amount)) => !shown_zero(amount.value, amount.currency()),
        _ => false,
    }
}

/// Zero as people see it (rounded as the table shows it: half away from zero).
fn shown_zero(value: rust_decimal::Decimal, currency: Option<&str>) -> bool {
    value
        .round_dp_with_strategy(
            crate::model::money::minor_units(currency),
            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        )
        .is_zero()
}

/// The tone a view gave the cell (`tone.rs` has the rules); nothing stands out by itself.
fn tone_of(cell: &Cell<'_>) -> Option<Tone> {
    match cell {
        Cell::Marked(_, tone) | Cell::Toned(tone, _) => Some(*tone),
        _ => None,
    }
}
