//! Tables for people. On a terminal: box-drawn and wrapped to its width; piped: Markdown
//! tables with every value whole, so they paste into reports and grep cleanly.

use crate::error::ErrorKind;
use crate::model::dates::format_day;
use crate::model::domain::{BalanceSummary, BillingAccount, CreditEvent, CreditLot};
use crate::model::money::Money;
use chrono::{DateTime, Utc};
use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
use unicode_width::UnicodeWidthStr;

/// A table before it is drawn: what every renderer below produces.
struct Grid {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    right_aligned: Vec<usize>,
    /// Display width of each column so far, kept up to date as rows arrive so that drawing
    /// the table after the last page is only padding.
    widths: Vec<usize>,
}

/// Display width: the byte length for ASCII (nearly every cell), Unicode width otherwise.
fn display_width(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.width()
    }
}

impl Grid {
    fn new(header: &[&'static str]) -> Self {
        Grid {
            header: header.to_vec(),
            rows: Vec::new(),
            right_aligned: Vec::new(),
            widths: header.iter().map(|h| display_width(h)).collect(),
        }
    }

    fn add_row(&mut self, row: Vec<String>) {
        for (width, cell) in self.widths.iter_mut().zip(&row) {
            *width = (*width).max(display_width(cell));
        }
        self.rows.push(row);
    }

    fn align_right(&mut self, columns: &[usize]) {
        self.right_aligned.extend_from_slice(columns);
    }

    /// On a terminal: comfy-table, box-drawn and wrapped to the window. Piped: a Markdown
    /// table written directly, which is an order of magnitude faster for long histories.
    fn render(self, is_terminal: bool) -> String {
        if is_terminal {
            self.render_terminal()
        } else {
            self.render_markdown()
        }
    }

    fn render_terminal(self) -> String {
        let mut table = Table::new();
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(self.header.iter().copied());
        for row in self.rows {
            table.add_row(row);
        }
        for &index in &self.right_aligned {
            if let Some(column) = table.column_mut(index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        format!("{table}\n")
    }

    fn render_markdown(self) -> String {
        let widths = &self.widths;
        let line_length: usize = widths.iter().map(|w| w + 3).sum::<usize>() + 2;
        let mut out = String::with_capacity(line_length * (self.rows.len() + 2));
        let write_row = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
            out.push('|');
            for (index, cell) in cells.enumerate() {
                let padding = widths[index].saturating_sub(display_width(cell));
                out.push(' ');
                if self.right_aligned.contains(&index) {
                    out.extend(std::iter::repeat_n(' ', padding));
                    out.push_str(cell);
                } else {
                    out.push_str(cell);
                    out.extend(std::iter::repeat_n(' ', padding));
                }
                out.push_str(" |");
            }
            out.push('\n');
        };
        write_row(&mut out, &mut self.header.iter().copied());
        out.push('|');
        for width in widths {
            out.extend(std::iter::repeat_n('-', width + 2));
            out.push('|');
        }
        out.push('\n');
        for row in &self.rows {
            write_row(&mut out, &mut row.iter().map(String::as_str));
        }
        out
    }
}

fn amount(money: &Option<Money>) -> String {
    money
        .as_ref()
        .map_or_else(|| "-".to_string(), Money::display)
}

fn day(date: &Option<DateTime<Utc>>) -> String {
    date.as_ref().map_or_else(|| "-".to_string(), format_day)
}

fn text(value: &Option<String>) -> String {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => "-".to_string(),
    }
}

pub fn accounts(accounts: &[BillingAccount], is_terminal: bool) -> String {
    let mut table = Grid::new(&[
        "Account",
        "Agreement",
        "Profile",
        "Profile name (ID)",
        "Currency",
        "Profile id",
    ]);
    for account in accounts {
        let account_name = account
            .display_name
            .clone()
            .unwrap_or_else(|| account.name.clone());
        let agreement = match (&account.agreement_type, account.has_credits) {
            (Some(a), true) => a.clone(),
            (Some(a), false) => format!("{a} (no credits)"),
            (None, _) => "unknown (no credits)".to_string(),
        };
        if account.billing_profiles.is_empty() {
            table.add_row(vec![
                account_name,
                agreement,
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
            ]);
            continue;
        }
        for profile in &account.billing_profiles {
            let mut profile_name = text(&profile.display_name);
            if !profile.has_read_access {
                profile_name.push_str(" (no read access)");
            }
            table.add_row(vec![
                account_name.clone(),
                agreement.clone(),
                profile_name,
                profile.name.clone(),
                text(&profile.currency),
                profile.id.clone(),
            ]);
        }
    }
    table.render(is_terminal)
}

pub fn balance(summary: &BalanceSummary, is_terminal: bool) -> String {
    let profile = &summary.billing_profile;
    let title = match &profile.display_name {
        Some(name) => format!("Billing profile: {name} ({})\n", profile.id),
        None => format!("Billing profile: {}\n", profile.id),
    };
    let mut table = Grid::new(&["Balance", "Amount"]);
    let rows: [(&str, &Option<Money>); 7] = [
        ("Estimated balance", &summary.estimated_balance),
        ("Current balance", &summary.current_balance),
        (
            "Pending eligible charges",
            &summary.pending_eligible_charges,
        ),
        (
            "Pending credit adjustments",
            &summary.pending_credit_adjustments,
        ),
        ("Expired credit", &summary.expired_credit),
        (
            "Estimated balance (billing currency)",
            &summary.estimated_balance_in_billing_currency,
        ),
        (
            "Current balance (billing currency)",
            &summary.current_balance_in_billing_currency,
        ),
    ];
    for (label, value) in rows {
        // The billing-currency rows only exist in newer API versions; hide them when absent.
        if label.ends_with("(billing currency)") && value.as_ref().is_none_or(|m| m.value.is_none())
        {
            continue;
        }
        table.add_row(vec![label.to_string(), amount(value)]);
    }
    table.align_right(&[1]);
    let mut out = title;
    out.push_str(&table.render(is_terminal));
    let currencies: Vec<String> = [
        ("Credit currency", &summary.credit_currency),
        ("Billing currency", &summary.billing_currency),
    ]
    .iter()
    .filter_map(|(label, value)| value.as_ref().map(|v| format!("{label}: {v}")))
    .collect();
    if !currencies.is_empty() {
        out.push_str(&currencies.join("  "));
        out.push('\n');
    }
    out
}

pub fn lots(lots: &[CreditLot], is_terminal: bool) -> String {
    let mut table = Grid::new(&[
        "Source",
        "Status",
        "Start",
        "Expires",
        "Original",
        "Remaining",
        "PO number",
    ]);
    for lot in lots {
        table.add_row(vec![
            text(&lot.source),
            lot.status.clone(),
            day(&lot.start_date),
            day(&lot.expiration_date),
            amount(&lot.original_amount),
            amount(&lot.closed_balance),
            text(&lot.po_number),
        ]);
    }
    table.align_right(&[4, 5]);
    table.render(is_terminal)
}

/// The events table, built page by page: each page's cells are formatted as it arrives
/// (while the next page is still on the way), and only the layout waits for the last page.
pub struct EventsTable {
    grid: Grid,
}

impl Default for EventsTable {
    fn default() -> Self {
        let mut grid = Grid::new(&[
            "Date",
            "Description",
            "Type",
            "New credit",
            "Adjustments",
            "Credit expired",
            "Charges",
            "Balance after",
            "Invoice",
        ]);
        grid.align_right(&[3, 4, 5, 6, 7]);
        EventsTable { grid }
    }
}

impl EventsTable {
    pub fn push(&mut self, events: &[CreditEvent]) {
        for event in events {
            self.grid.add_row(vec![
                day(&event.transaction_date),
                text(&event.description),
                text(&event.event_type),
                amount(&event.new_credit),
                amount(&event.adjustments),
                amount(&event.credit_expired),
                amount(&event.charges),
                amount(&event.closed_balance),
                text(&event.invoice_number),
            ]);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.grid.rows.is_empty()
    }

    pub fn render(self, is_terminal: bool) -> String {
        self.grid.render(is_terminal)
    }
}

/// The events table in one go.
pub fn events(events: &[CreditEvent], is_terminal: bool) -> String {
    let mut table = EventsTable::default();
    table.push(events);
    table.render(is_terminal)
}

/// `balance --all`: one row per profile; failed profiles say why.
pub fn balances(rows: &[BalanceSummary], is_terminal: bool) -> String {
    let mut table = Grid::new(&[
        "Account",
        "Profile",
        "Estimated balance",
        "Current balance",
        "Pending charges",
        "Pending adjustments",
        "Expired credit",
        "Note",
    ]);
    for row in rows {
        let account = row
            .billing_account
            .as_ref()
            .map(|a| a.display_name.clone().unwrap_or_else(|| a.name.clone()))
            .unwrap_or_else(|| "-".to_string());
        let profile = row
            .billing_profile
            .display_name
            .clone()
            .unwrap_or_else(|| row.billing_profile.name.clone());
        let note = match (&row.error, row.has_credits) {
            (Some(error), _) => match error.kind {
                ErrorKind::Auth => "error: authentication failed".to_string(),
                ErrorKind::Permission => "error: permission denied".to_string(),
                ErrorKind::NotFound => "error: not found".to_string(),
                _ => "error: Azure unavailable".to_string(),
            },
            (None, false) => "no credits".to_string(),
            (None, true) => String::new(),
        };
        table.add_row(vec![
            account,
            profile,
            amount(&row.estimated_balance),
            amount(&row.current_balance),
            amount(&row.pending_eligible_charges),
            amount(&row.pending_credit_adjustments),
            amount(&row.expired_credit),
            note,
        ]);
    }
    table.align_right(&[2, 3, 4, 5, 6]);
    table.render(is_terminal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        let mut grid = Grid::new(&["Profile", "Amount"]);
        grid.add_row(vec!["Forschung Zürich".into(), "9,876.54 EUR".into()]);
        grid.add_row(vec!["Dev".into(), "1.00 USD".into()]);
        grid.align_right(&[1]);
        grid
    }

    #[test]
    fn markdown_pads_by_display_width_and_aligns_amounts() {
        assert_eq!(
            grid().render(false),
            "| Profile          |       Amount |\n\
             |------------------|--------------|\n\
             | Forschung Zürich | 9,876.54 EUR |\n\
             | Dev              |     1.00 USD |\n"
        );
    }

    #[test]
    fn terminal_tables_are_box_drawn_with_every_value() {
        let text = grid().render(true);
        assert!(text.contains('│') || text.contains('┆'), "{text}");
        for value in ["Forschung Zürich", "9,876.54 EUR", "1.00 USD"] {
            assert!(text.contains(value), "{text}");
        }
    }
}
