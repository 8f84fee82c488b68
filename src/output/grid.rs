//! A table for people before it is drawn: titles, which columns are numeric, and the rows as
//! display text already made safe. Column widths are kept up to date as rows arrive, so
//! drawing after the last page is only padding. The terminal and Markdown writers draw it.

use super::cell::{human_text, Cell, Column};
use unicode_width::UnicodeWidthStr;

/// Which writer a grid is for: it decides how cell text is made safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GridStyle {
    Terminal,
    Markdown,
}

pub struct Grid {
    pub style: GridStyle,
    pub titles: Vec<&'static str>,
    pub right_aligned: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    pub widths: Vec<usize>,
}

/// Display width: the byte length for ASCII (nearly every cell), Unicode width otherwise.
pub fn display_width(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.width()
    }
}

impl Grid {
    pub fn new(style: GridStyle, columns: &[Column]) -> Self {
        Grid {
            style,
            titles: columns.iter().map(|c| c.title).collect(),
            right_aligned: columns.iter().map(|c| c.kind.is_numeric()).collect(),
            rows: Vec::new(),
            widths: columns.iter().map(|c| display_width(c.title)).collect(),
        }
    }

    pub fn add_row(&mut self, cells: &[Cell<'_>]) {
        let row: Vec<String> = cells
            .iter()
            .map(|cell| match cell {
                // Text `credits` wrote itself (days, counts) needs no escaping.
                Cell::Day(_) | Cell::Count(_) | Cell::Flag(_) | Cell::Blank => {
                    human_text(cell).into_owned()
                }
                Cell::Text(_) | Cell::Money(_) | Cell::Amount(_) => {
                    super::safe::into_safe(human_text(cell), self.style == GridStyle::Markdown)
                }
            })
            .collect();
        for (width, cell) in self.widths.iter_mut().zip(&row) {
            *width = (*width).max(display_width(cell));
        }
        self.rows.push(row);
    }

    /// Drawn by the writer the grid is for; nothing at all when there are no rows.
    pub fn render(self) -> String {
        if self.rows.is_empty() {
            return String::new();
        }
        match self.style {
            GridStyle::Terminal => super::terminal::render(self),
            GridStyle::Markdown => super::markdown::render(&self),
        }
    }
}
