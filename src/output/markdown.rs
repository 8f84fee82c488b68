//! Tables in a pipe: Markdown with every value whole, padded to the column widths, so they
//! paste into reports and grep cleanly. Written directly: an order of magnitude faster than
//! a table library for long histories.

use super::grid::{display_width, Grid};

/// `## text`: a heading of `level` (1 is the page's title).
pub(crate) fn heading(level: u8, text: &str) -> String {
    let marks = "#".repeat(usize::from(level.clamp(1, 6)));
    format!("{marks} {text}\n")
}

/// A fenced code block (a Mermaid chart GitHub draws).
pub(crate) fn code(language: &str, lines: &[String]) -> String {
    let mut out = format!("```{language}\n");
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("```\n");
    out
}

/// `count` spaces, a slice at a time (a long table pads every cell).
fn pad(out: &mut String, mut count: usize) {
    const SPACES: &str = "                                                                ";
    while count > 0 {
        let now = count.min(SPACES.len());
        out.push_str(&SPACES[..now]);
        count -= now;
    }
}

/// Never coloured: Markdown goes into files and step summaries.
pub(crate) fn render(grid: &Grid) -> String {
    let widths = &grid.widths;
    let line_length: usize = widths.iter().map(|w| w + 3).sum::<usize>() + 2;
    let mut out = String::with_capacity(line_length * (grid.rows.len() + 2));
    let right: Vec<bool> = (0..widths.len()).map(|i| grid.right_aligned(i)).collect();
    let write_row = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
        out.push('|');
        for (index, cell) in cells.enumerate() {
            let padding = widths[index].saturating_sub(display_width(cell));
            out.push(' ');
            if right[index] {
                pad(out, padding);
                out.push_str(cell);
            } else {
                out.push_str(cell);
                pad(out, padding);
            }
            out.push_str(" |");
        }
        out.push('\n');
    };
    write_row(&mut out, &mut grid.titles());
    out.push('|');
    for width in widths {
        out.extend(std::iter::repeat_n('-', width + 2));
        out.push('|');
    }
    out.push('\n');
    for row in &grid.rows {
        write_row(&mut out, &mut row.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::output::cell::{Cell, Column};
    use crate::output::grid::{Grid, GridStyle};

    fn grid(style: GridStyle) -> Grid {
        let mut grid = Grid::new(
            style,
            &[Column::text("Profile"), Column::money("Amount")],
            Default::default(),
        );
        grid.add_row(&[Cell::owned("Forschung Zürich"), Cell::owned("9,876.54 EUR")]);
        grid.add_row(&[Cell::owned("Dev"), Cell::owned("1.00 USD")]);
        grid
    }

    #[test]
    fn markdown_pads_by_display_width_and_aligns_amounts() {
        assert_eq!(
            crate::output::draw(grid(GridStyle::Markdown)),
            "| Profile          |       Amount |\n\
             |------------------|--------------|\n\
             | Forschung Zürich | 9,876.54 EUR |\n\
             | Dev              |     1.00 USD |\n"
        );
    }

    #[test]
    fn a_pipe_or_newline_in_a_value_keeps_the_columns() {
        let mut grid = Grid::new(
            GridStyle::Markdown,
            &[Column::text("PO"), Column::text("X")],
            Default::default(),
        );
        grid.add_row(&[Cell::owned("PO|1\nforged"), Cell::owned("x")]);
        let text = crate::output::draw(grid);
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.contains("PO\\|1\\u{a}forged"), "{text}");
    }

    #[test]
    fn terminal_tables_are_box_drawn_with_every_value() {
        let text = crate::output::draw(grid(GridStyle::Terminal));
        assert!(text.contains('│') || text.contains('┆'), "{text}");
        for value in ["Forschung Zürich", "9,876.54 EUR", "1.00 USD"] {
            assert!(text.contains(value), "{text}");
        }
    }
}
