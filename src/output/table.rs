//! Tables for people. On a terminal: box-drawn and wrapped to its width; piped: Markdown
//! tables with every value whole, so they paste into reports and grep cleanly.

use crate::model::dates::format_day;
use crate::model::domain::{BalanceSummary, BillingAccount, CreditEvent, CreditLot};
use crate::model::money::Money;
use chrono::{DateTime, Utc};
use comfy_table::{presets, CellAlignment, ContentArrangement, Table};

fn new_table(is_terminal: bool, header: &[&str]) -> Table {
    let mut table = Table::new();
    if is_terminal {
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table
            .load_preset(presets::ASCII_MARKDOWN)
            .set_content_arrangement(ContentArrangement::Disabled);
    }
    table.set_header(header.iter().copied());
    table
}

fn align_right(table: &mut Table, columns: &[usize]) {
    for &index in columns {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

fn finish(table: Table) -> String {
    format!("{table}\n")
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
    let mut table = new_table(
        is_terminal,
        &[
            "Account",
            "Agreement",
            "Profile",
            "Profile name (ID)",
            "Currency",
            "Profile id",
        ],
    );
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
    finish(table)
}

pub fn balance(summary: &BalanceSummary, is_terminal: bool) -> String {
    let profile = &summary.billing_profile;
    let title = match &profile.display_name {
        Some(name) => format!("Billing profile: {name} ({})\n", profile.id),
        None => format!("Billing profile: {}\n", profile.id),
    };
    let mut table = new_table(is_terminal, &["Balance", "Amount"]);
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
    align_right(&mut table, &[1]);
    let mut out = title;
    out.push_str(&finish(table));
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
    let mut table = new_table(
        is_terminal,
        &[
            "Source",
            "Status",
            "Start",
            "Expires",
            "Original",
            "Remaining",
            "PO number",
        ],
    );
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
    align_right(&mut table, &[4, 5]);
    finish(table)
}

pub fn events(events: &[CreditEvent], is_terminal: bool) -> String {
    let mut table = new_table(
        is_terminal,
        &[
            "Date",
            "Description",
            "Type",
            "New credit",
            "Adjustments",
            "Credit expired",
            "Charges",
            "Balance after",
            "Invoice",
        ],
    );
    for event in events {
        table.add_row(vec![
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
    align_right(&mut table, &[3, 4, 5, 6, 7]);
    finish(table)
}

/// `balance --all`: one row per profile; failed profiles say why.
pub fn balances(rows: &[BalanceSummary], is_terminal: bool) -> String {
    let mut table = new_table(
        is_terminal,
        &[
            "Account",
            "Profile",
            "Estimated balance",
            "Current balance",
            "Pending charges",
            "Pending adjustments",
            "Expired credit",
            "Note",
        ],
    );
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
            (Some(error), _) => match error.exit_code {
                3 => "error: authentication failed".to_string(),
                4 => "error: permission denied".to_string(),
                5 => "error: not found".to_string(),
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
    align_right(&mut table, &[2, 3, 4, 5, 6]);
    finish(table)
}
