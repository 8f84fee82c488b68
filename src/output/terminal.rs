//! Tables on a terminal: box-drawn and wrapped to the window (comfy-table).

use super::grid::Grid;
use comfy_table::{presets, CellAlignment, ContentArrangement, Table};

pub fn render(grid: Grid) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(grid.titles.iter().copied());
    for row in grid.rows {
        table.add_row(row);
    }
    for (index, right) in grid.right_aligned.iter().enumerate() {
        if *right {
            if let Some(column) = table.column_mut(index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    format!("{table}\n")
}
