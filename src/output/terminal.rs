//! Tables on a terminal: box-drawn, fitted to the window without ever breaking an amount, a
//! date, an id or a word. When the table is too wide: long ids become `…/last-segment`,
//! then the least important columns are left out (a line under the table names them), and
//! only then does free text wrap, at spaces. `--wide` keeps everything whole.

use super::cell::Tone;
use super::cell::{Column, ColumnKind};
use super::grid::{display_width, Grid};
use crate::model::scope::last_segment;

/// The terminal's width in columns, if stdout is one.
pub(crate) fn width() -> Option<usize> {
    comfy_table::Table::new().width().map(usize::from)
}

/// The width of the terminal stderr is on, if it is one.
pub(crate) fn stderr_width() -> Option<usize> {
    #[cfg(unix)]
    {
        let mut size = libc::winsize {
            ws_row: 0,
            ws_col: 0,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCGWINSZ only writes a winsize into the struct it is given.
        let asked = unsafe { libc::ioctl(libc::STDERR_FILENO, libc::TIOCGWINSZ, &mut size) };
        if asked == 0 && size.ws_col > 0 {
            return Some(usize::from(size.ws_col));
        }
        None
    }
    #[cfg(not(unix))]
    {
        width()
    }
}

/// Free text wraps no narrower than this (unless its longest word is wider).
const PROSE_WIDTH: usize = 24;

/// The width a table of these column widths takes: `│ a ┆ b │`.
fn table_width(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + 3 * widths.len() + 1
}

/// `…/DEV1-A2B3-C4D-E5F` for a long Azure id.
/// `3c2b0f5e…` for a long id without segments (a customer's tenant GUID): its first eight
/// characters still tell ids apart at a glance; `--wide`, JSON and csv have it whole.
fn shorten_id(id: &str) -> String {
    let trimmed = id.trim_end_matches('/');
    let last = last_segment(trimmed);
    if trimmed.contains('/') {
        if last.is_empty() {
            id.to_string()
        } else {
            format!("…/{last}")
        }
    } else if trimmed.chars().count() > 12 {
        format!("{}…", trimmed.chars().take(8).collect::<String>())
    } else {
        id.to_string()
    }
}

/// A line of text fitted to the terminal: Azure ids in it shortened to `…/last-segment`,
/// then wrapped at spaces. Lines that fit are left alone.
pub(crate) fn fit_line(line: &str, limit: Option<usize>) -> String {
    let Some(limit) = limit.filter(|l| display_width(line) > *l) else {
        return line.to_string();
    };
    let shortened: Vec<String> = line
        .split(' ')
        .map(|word| match word.find("/providers/") {
            Some(at) => {
                let (before, id) = word.split_at(at);
                let closing = id.len() - id.trim_end_matches([')', ',', '.', ':']).len();
                let (id, after) = id.split_at(id.len() - closing);
                format!("{before}{}{after}", shorten_id(id))
            }
            None => word.to_string(),
        })
        .collect();
    wrap(&shortened.join(" "), limit).join("\n")
}

/// The widest word in a cell: free text never wraps narrower.
fn longest_word(text: &str) -> usize {
    text.split(' ').map(display_width).max().unwrap_or(0)
}

/// Wraps at spaces into lines of at most `width` (a word longer than that stays whole).
/// The words of `text`, an amount and its currency code (`2,927.77 USD;`) kept as one, so
/// that prose never breaks a figure from its currency.
fn amounts_kept_whole(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let code = word.trim_end_matches([';', ',', '.', ')', ':']);
        let is_currency = code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase());
        match words.last_mut() {
            Some(amount) if is_currency && amount.ends_with(|c: char| c.is_ascii_digit()) => {
                amount.push(' ');
                amount.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
    }
    words
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in amounts_kept_whole(text) {
        let word = word.as_str();
        // A word wider than a whole line (a long name without spaces) is cut into pieces of
        // the width: a line never runs past the terminal.
        if width > 0 && display_width(word) > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut piece = String::new();
            for c in word.chars() {
                if display_width(&piece) + display_width(c.encode_utf8(&mut [0; 4])) > width {
                    lines.push(std::mem::take(&mut piece));
                }
                piece.push(c);
            }
            line = piece;
            continue;
        }
        if !line.is_empty() && display_width(&line) + 1 + display_width(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// How the table is fitted: which columns are kept and how wide each is, or (when even
/// that cannot fit without losing an amount) one block of `title: value` lines per record.
struct Layout {
    kept: Vec<usize>,
    widths: Vec<usize>,
    records: bool,
}

/// The one currency every amount of a column is shown in (`1,234.50 USD`; `-` for none),
/// when there is one.
fn common_currency<'a>(cells: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut found: Option<&str> = None;
    for cell in cells {
        if cell == "-" || cell.is_empty() {
            continue;
        }
        let (_, code) = cell.rsplit_once(' ')?;
        let is_code = code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase());
        if !is_code || found.is_some_and(|f| f != code) {
            return None;
        }
        found = Some(code);
    }
    found.map(str::to_string)
}

fn layout(grid: &mut Grid, limit: Option<usize>) -> Layout {
    let all: Vec<usize> = (0..grid.columns.len()).collect();
    let fits = |kept: &[usize], widths: &[usize]| {
        limit.is_none_or(|limit| {
            table_width(&kept.iter().map(|i| widths[*i]).collect::<Vec<_>>()) <= limit
        })
    };
    let mut widths = grid.widths.clone();
    if fits(&all, &widths) || grid.look.wide {
        return Layout {
            kept: all,
            widths: widths.clone(),
            records: false,
        };
    }
    // 1. Long ids to their last segment.
    for (index, column) in grid.columns.iter().enumerate() {
        if column.kind != ColumnKind::Id {
            continue;
        }
        let mut width = display_width(column.title);
        for row in &mut grid.rows {
            row[index] = shorten_id(&row[index]);
            width = width.max(display_width(&row[index]));
        }
        widths[index] = width;
    }
    // 2. The least important columns, one at a time: ids, text and amounts that are all zero
    // (by their declared order); a column holding an amount that is not zero never goes.
    let mut kept = all;
    let mut droppable: Vec<(u8, usize)> = grid
        .columns
        .iter()
        .enumerate()
        .filter(|(i, c)| c.drop_order > 0 && !grid.amounts.get(*i).copied().unwrap_or(false))
        .map(|(i, c)| (c.drop_order, i))
        .collect();
    droppable.sort_by(|a, b| b.cmp(a));
    let wrapped_minimum = |kept: &[usize],
                           widths: &[usize],
                           columns: &[Column],
                           rows: &[Vec<String>],
                           comfortable: bool| {
        let mut narrowest = widths.to_vec();
        for &i in kept {
            if columns[i].kind == ColumnKind::Prose {
                // Not narrower than a comfortable line, unless it is shorter than that.
                narrowest[i] = rows
                    .iter()
                    .map(|r| longest_word(&r[i]))
                    .chain([
                        display_width(columns[i].title),
                        if comfortable {
                            widths[i].min(PROSE_WIDTH)
                        } else {
                            0
                        },
                    ])
                    .max()
                    .unwrap_or(0);
            }
        }
        narrowest
    };
    for (_, index) in droppable {
        // Free text can still wrap: drop a column only when wrapping cannot make it fit.
        let narrowest = wrapped_minimum(&kept, &widths, &grid.columns, &grid.rows, true);
        if fits(&kept, &narrowest) {
            break;
        }
        kept.retain(|i| *i != index);
    }
    // 3. A table whose every amount is in one currency says it once, under the table,
    // rather than on every amount: when that makes it fit.
    let narrowest = wrapped_minimum(&kept, &widths, &grid.columns, &grid.rows, false);
    if !fits(&kept, &narrowest) {
        let money: Vec<usize> = kept
            .iter()
            .copied()
            .filter(|&i| grid.columns[i].kind == ColumnKind::Money)
            .collect();
        let cells = money
            .iter()
            .flat_map(|&i| grid.rows.iter().map(move |r| r[i].as_str()));
        if let Some(unit) = common_currency(cells) {
            let suffix = format!(" {unit}");
            let mut narrower = widths.clone();
            for &index in &money {
                narrower[index] = grid
                    .rows
                    .iter()
                    .map(|r| display_width(r[index].strip_suffix(&suffix).unwrap_or(&r[index])))
                    .chain([display_width(grid.title(index))])
                    .max()
                    .unwrap_or(0);
            }
            let narrowest = wrapped_minimum(&kept, &narrower, &grid.columns, &grid.rows, false);
            if fits(&kept, &narrowest) {
                for &index in &money {
                    for row in &mut grid.rows {
                        if let Some(bare) = row[index].strip_suffix(&suffix) {
                            row[index] = bare.to_string();
                        }
                    }
                }
                widths = narrower;
                grid.unit = Some(unit);
            }
        }
    }
    // 4. Free text wraps into what is left: to a comfortable width first, then, on a very
    // narrow terminal, down to its longest word.
    if let Some(limit) = limit {
        for comfortable in [true, false] {
            let used = table_width(&kept.iter().map(|i| widths[*i]).collect::<Vec<_>>());
            if used <= limit {
                break;
            }
            let narrowest = wrapped_minimum(&kept, &widths, &grid.columns, &grid.rows, comfortable);
            // One column at a time from the widest, so the wrapping is shared out evenly.
            let mut excess = used - limit;
            while excess > 0 {
                let widest = kept
                    .iter()
                    .copied()
                    .filter(|&i| {
                        grid.columns[i].kind == ColumnKind::Prose && widths[i] > narrowest[i]
                    })
                    .max_by_key(|&i| widths[i]);
                let Some(widest) = widest else { break };
                widths[widest] -= 1;
                excess -= 1;
            }
        }
        // 5. Still too wide: a block per record, every value on its own line.
        let used = table_width(&kept.iter().map(|i| widths[*i]).collect::<Vec<_>>());
        if used > limit {
            // A record has room for every value but the amounts that are zero on every row
            // (and were droppable): those stay named under the records.
            let kept = (0..grid.columns.len())
                .filter(|&i| {
                    let column = &grid.columns[i];
                    let zero_only = column.kind == ColumnKind::Money
                        && !grid.amounts.get(i).copied().unwrap_or(false);
                    !(zero_only && column.drop_order > 0)
                })
                .collect();
            return Layout {
                kept,
                widths,
                records: true,
            };
        }
    }
    Layout {
        kept,
        widths,
        records: false,
    }
}

/// One block of `title: value` lines per record, a blank line between records: what a table
/// becomes when its amounts cannot fit side by side. Long values wrap at spaces under their
/// title; nothing is left out.
fn render_records(grid: &Grid, kept: &[usize], limit: usize) -> String {
    let title_width = kept
        .iter()
        .map(|&i| display_width(grid.title(i)))
        .max()
        .unwrap_or(0);
    let value_width = limit.saturating_sub(title_width + 2).max(10);
    let mut out = String::new();
    for (row_index, row) in grid.rows.iter().enumerate() {
        if row_index > 0 {
            out.push('\n');
        }
        for &index in kept {
            let text = &row[index];
            let lines = if display_width(text) > value_width {
                wrap(text, value_width)
            } else {
                vec![text.clone()]
            };
            for (n, line) in lines.iter().enumerate() {
                let label = if n == 0 {
                    format!("{}:", grid.title(index))
                } else {
                    String::new()
                };
                let shown = match grid.tone(row_index, index) {
                    Some(tone) if !line.is_empty() => paint(line, tone),
                    _ => line.clone(),
                };
                out.push_str(&format!("{label:<width$} {shown}", width = title_width + 1));
                out.push('\n');
            }
        }
    }
    out
}

pub(crate) fn render(mut grid: Grid) -> String {
    let limit = if grid.look.wide { None } else { width() };
    render_to(&mut grid, limit)
}

/// The table fitted to `limit` columns (none: as wide as it needs).
pub(crate) fn render_to(grid: &mut Grid, limit: Option<usize>) -> String {
    let Layout {
        kept,
        widths,
        records,
    } = layout(grid, limit);
    if records {
        let mut out = render_records(grid, &kept, limit.unwrap_or(usize::MAX));
        out.push_str(&left_out_note(grid, &kept, limit));
        return out;
    }
    let widths: Vec<usize> = kept.iter().map(|i| widths[*i]).collect();
    let mut out = String::new();
    let rule = |out: &mut String, left: &str, fill: &str, middle: &str, right: &str| {
        out.push_str(left);
        for (n, width) in widths.iter().enumerate() {
            if n > 0 {
                out.push_str(middle);
            }
            out.push_str(&fill.repeat(width + 2));
        }
        out.push_str(right);
        out.push('\n');
    };
    rule(&mut out, "┌", "─", "┬", "┐");
    let titles: Vec<&str> = kept.iter().map(|i| grid.title(*i)).collect();
    push_line(
        &mut out,
        &widths,
        &titles,
        &|n| grid.right_aligned(kept[n]),
        &|_| None,
    );
    rule(&mut out, "╞", "═", "╪", "╡");
    for (row_index, row) in grid.rows.iter().enumerate() {
        let cells: Vec<Vec<String>> = kept
            .iter()
            .zip(&widths)
            .map(|(i, width)| {
                if grid.columns[*i].kind == ColumnKind::Prose && display_width(&row[*i]) > *width {
                    wrap(&row[*i], *width)
                } else {
                    vec![row[*i].clone()]
                }
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for line in 0..height {
            let texts: Vec<&str> = cells
                .iter()
                .map(|c| c.get(line).map_or("", String::as_str))
                .collect();
            push_line(
                &mut out,
                &widths,
                &texts,
                &|n| grid.right_aligned(kept[n]),
                &|n| grid.tone(row_index, kept[n]),
            );
        }
    }
    rule(&mut out, "└", "─", "┴", "┘");
    out.push_str(&left_out_note(grid, &kept, limit));
    out
}

/// The line under a table that names the columns left out to fit the terminal.
fn left_out_note(grid: &Grid, kept: &[usize], limit: Option<usize>) -> String {
    let mut out = String::new();
    if let Some(unit) = &grid.unit {
        out.push_str(&format!("Amounts in {unit}.\n"));
    }
    if kept.len() < grid.columns.len() {
        let left_out: Vec<&str> = (0..grid.columns.len())
            .filter(|i| !kept.contains(i))
            .map(|i| grid.columns[i].title)
            .collect();
        let note = format!(
            "Not shown, to fit the terminal: {} (--wide shows every column)",
            left_out.join(", ")
        );
        for line in wrap(&note, limit.unwrap_or(usize::MAX)) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

fn push_line(
    out: &mut String,
    widths: &[usize],
    texts: &[&str],
    right: &dyn Fn(usize) -> bool,
    tone: &dyn Fn(usize) -> Option<super::cell::Tone>,
) {
    out.push('│');
    for (n, (text, width)) in texts.iter().zip(widths).enumerate() {
        if n > 0 {
            out.push('┆');
        }
        out.push(' ');
        let padding = " ".repeat(width.saturating_sub(display_width(text)));
        let shown = match tone(n) {
            Some(tone) if !text.is_empty() => paint(text, tone),
            _ => (*text).to_string(),
        };
        if right(n) {
            out.push_str(&padding);
            out.push_str(&shown);
        } else {
            out.push_str(&shown);
            out.push_str(&padding);
        }
        out.push(' ');
    }
    out.push_str("│\n");
}

/// `text` in the tone's colour (ANSI SGR), reset after.
pub(crate) fn paint(text: &str, tone: Tone) -> String {
    let code = match tone {
        Tone::Bad => "31",
        Tone::Warn => "33",
    };
    format!("\u{1b}[{code}m{text}\u{1b}[0m")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::cell::Cell;
    use crate::output::grid::GridStyle;

    #[test]
    fn one_currency_is_said_once_only_when_every_amount_is_in_it() {
        let cells = ["1,234.50 USD", "-", "0.00 USD", "-40.00 USD"];
        assert_eq!(common_currency(cells.into_iter()).as_deref(), Some("USD"));
        let mixed = ["1.00 USD", "2.00 EUR"];
        assert_eq!(common_currency(mixed.into_iter()), None);
        let bare = ["1.00", "2.00 USD"];
        assert_eq!(common_currency(bare.into_iter()), None);
        assert_eq!(common_currency(["-"].into_iter()), None);
    }

    const COLUMNS: &[Column] = &[
        Column::text("Profile"),
        Column::prose("Description"),
        Column::money("Amount"),
        Column::text("Invoice").optional(1),
        Column::id("Id").optional(2),
    ];

    fn grid() -> Grid {
        let mut grid = Grid::new(GridStyle::Terminal, COLUMNS, Default::default());
        grid.add_row(&[
            Cell::owned("Forschung Zürich"),
            Cell::owned("Azure credit applied to the usage of October"),
            Cell::owned("9,876.54 EUR"),
            Cell::owned("G012345678"),
            Cell::owned(
                "/providers/Microsoft.Billing/billingAccounts/1234/billingProfiles/ABCD-EFGH",
            ),
        ]);
        grid
    }

    fn every_line_fits(text: &str, limit: usize) {
        for line in text.lines() {
            assert!(
                display_width(line) <= limit,
                "{} > {limit}: {line}\n{text}",
                display_width(line)
            );
        }
    }

    #[test]
    fn a_wide_enough_terminal_shows_everything_whole() {
        let text = render_to(&mut grid(), Some(200));
        assert!(
            text.contains(
                "/providers/Microsoft.Billing/billingAccounts/1234/billingProfiles/ABCD-EFGH"
            ),
            "{text}"
        );
        assert!(
            text.contains("Azure credit applied to the usage of October"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 5, "{text}");
    }

    #[test]
    fn ids_shorten_then_columns_go_then_prose_wraps_but_figures_never_break() {
        let text = render_to(&mut grid(), Some(100));
        every_line_fits(&text, 100);
        assert!(text.contains("…/ABCD-EFGH"), "{text}");
        assert!(text.contains("G012345678"), "{text}");

        let text = render_to(&mut grid(), Some(70));
        every_line_fits(&text, 70);
        assert!(!text.contains("G012345678"), "{text}");
        assert!(
            text.contains("Not shown, to fit the terminal: Invoice, Id"),
            "{text}"
        );
        assert!(text.contains("9,876.54 EUR"), "{text}");
        assert!(text.contains("Forschung Zürich"), "{text}");

        let text = render_to(&mut grid(), Some(60));
        every_line_fits(&text, 60);
        assert!(text.contains("9,876.54 EUR"), "{text}");
        for word in ["Azure", "credit", "applied", "October"] {
            assert!(text.contains(word), "{word}: {text}");
        }
    }

    #[test]
    fn long_lines_shorten_ids_then_wrap() {
        let line = "Billing profile: Development (/providers/Microsoft.Billing/billingAccounts/1:2_3/billingProfiles/DEV1-A2B3)";
        assert_eq!(
            fit_line(line, Some(50)),
            "Billing profile: Development (…/DEV1-A2B3)"
        );
        assert_eq!(fit_line(line, Some(200)), line);
        assert_eq!(fit_line(line, None), line);
        assert_eq!(fit_line("one two three", Some(7)), "one two\nthree");
    }

    #[test]
    fn a_long_id_without_segments_keeps_its_start() {
        assert_eq!(
            shorten_id("3c2b0f5e-0001-4000-8000-000000000001"),
            "3c2b0f5e…"
        );
        assert_eq!(shorten_id("AGR-1"), "AGR-1");
        assert_eq!(shorten_id("/a/b/ABCD"), "…/ABCD");
    }

    #[test]
    fn wrapping_keeps_words_whole_unless_wider_than_a_line() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("unbreakable", 4), vec!["unbr", "eaka", "ble"]);
        assert_eq!(wrap("", 4), vec![""]);
        assert_eq!(
            wrap("balance: 2,927.77 USD; applied", 20),
            vec!["balance:", "2,927.77 USD;", "applied"]
        );
    }
}
