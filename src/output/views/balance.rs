//! `credits balance` (one summary) and `balance --all` (a row per profile): cells, csv fields
//! (the same columns, so runs append to one file) and OpenMetrics gauges.

use super::{account_cell, error_cell, profile_cell, profile_title, read_cell, ProfileLine};
use crate::model::domain::{
    BalanceSource, BalanceSummary, PaymentsOnAccount, ScopeRef, SpendingLimit,
};
use crate::model::money::Money;
use crate::model::row::ProfileRow;
use crate::output::cell::{Cell, Column};
use crate::output::flat::{self, Field, FlatTable};
use crate::output::metrics::Metrics;
use crate::output::tone;
use crate::output::view::{fields, table};
use crate::output::view::{Block, Record, TableBlock, View};

pub(super) const BALANCE_COLUMNS: &[Column] = &[Column::text("Balance"), Column::money("Amount")];

fields! {
    /// `balance` and `balance --all` in csv: the same columns, so runs append to one file.
    const BALANCE_FIELDS;
    fn balance_fields<'a>(line: &ProfileLine<'a, BalanceSummary>) {
        "billingAccountId" => flat::str(line.account_id),
        "billingAccountDisplayName" => line.account_name(),
        "billingProfileId" => flat::str(line.profile.id()),
        "billingProfileName" => flat::str(line.profile.name()),
        "billingProfileDisplayName" => flat::text(&line.profile.display_name),
        "hasCredits" => line.value.and_then(|s| flat::flag(Some(s.has_credits))),
        "currency" => line.value.and_then(|s| {
            flat::currency(&[
                &s.estimated_balance,
                &s.current_balance,
                &s.pending_eligible_charges,
                &s.pending_credit_adjustments,
                &s.expired_credit,
            ])
            .or_else(|| flat::text(&s.credit_currency))
        }),
        "estimatedBalance" => line.value.and_then(|s| flat::amount(&s.estimated_balance)),
        "currentBalance" => line.value.and_then(|s| flat::amount(&s.current_balance)),
        "pendingEligibleCharges" => {
            line.value.and_then(|s| flat::amount(&s.pending_eligible_charges))
        },
        "pendingCreditAdjustments" => {
            line.value.and_then(|s| flat::amount(&s.pending_credit_adjustments))
        },
        "expiredCredit" => line.value.and_then(|s| flat::amount(&s.expired_credit)),
        "creditCurrency" => line.value.and_then(|s| flat::text(&s.credit_currency)),
        "billingCurrency" => line.value.and_then(|s| flat::text(&s.billing_currency)),
        "estimatedBalanceInBillingCurrency" => {
            line.value.and_then(|s| flat::amount(&s.estimated_balance_in_billing_currency))
        },
        "currentBalanceInBillingCurrency" => {
            line.value.and_then(|s| flat::amount(&s.current_balance_in_billing_currency))
        },
        "isEstimatedBalance" => line.value.and_then(|s| flat::flag(s.is_estimated_balance)),
        "balanceSource" => line.value.and_then(|s| flat::str(match s.balance_source {
            BalanceSource::Summary => "summary",
            BalanceSource::Lots => "lots",
        })),
        "availableBalanceFromLots" => {
            line.value.and_then(|s| flat::amount(&s.available_balance_from_lots))
        },
        "outcome" => flat::str(match (line.value, line.error) {
            (_, Some(error)) => error.outcome(),
            (Some(summary), None) if !summary.has_credits => "noCredit",
            _ => "ok",
        }),
        "errorExitCode" => line.error_code(),
        "errorMessage" => line.error_message(),
        // After the columns before them, so files appended to by older runs keep their shape.
        "paymentsOnAccount" => line.value.and_then(|s| {
            s.payments_on_account.as_ref().and_then(|p| flat::amount(&p.amount))
        }),
        "status" => line.value.and_then(|s| flat::text(&s.status)),
        "statusReasonCode" => line.value.and_then(|s| flat::text(&s.status_reason_code)),
        "spendingLimit" => line.value.and_then(|s| {
            s.spending_limit.as_ref().and_then(|l| flat::text(&l.state))
        }),
    }
}

/// The gauges of one profile's balance (nothing but `credits_up 0` when it was not read).
fn balance_metrics(
    account_id: &str,
    account_name: &str,
    profile: &ScopeRef,
    summary: Option<&BalanceSummary>,
    out: &mut Metrics,
) {
    let who = [
        ("billing_profile_id", profile.id()),
        ("profile", profile.label()),
    ];
    out.flag(
        "credits_up",
        "1 when the billing profile's balance was read, 0 when it could not be.",
        &who,
        summary.is_some(),
    );
    let Some(s) = summary else {
        return;
    };
    out.flag(
        "credits_has_credits",
        "1 when the billing profile has Azure credits (0: Azure answered 204 No Content).",
        &who,
        s.has_credits,
    );
    out.gauge(
        "credits_billing_profile_info",
        "The billing profile's account and currencies; the value is always 1.",
        &[
            who[0],
            who[1],
            ("billing_account_id", account_id),
            ("billing_account_name", account_name),
            (
                "credit_currency",
                s.credit_currency.as_deref().unwrap_or(""),
            ),
            (
                "billing_currency",
                s.billing_currency.as_deref().unwrap_or(""),
            ),
        ],
        "1",
    );
    let figures: [(&'static str, &'static str, &Option<Money>); 5] = [
        (
            "credits_estimated_balance",
            "Estimated credit balance: the current balance less pending eligible charges.",
            &s.estimated_balance,
        ),
        (
            "credits_current_balance",
            "Credit balance as of the last invoice.",
            &s.current_balance,
        ),
        (
            "credits_pending_eligible_charges",
            "Charges not yet invoiced that the credit will pay.",
            &s.pending_eligible_charges,
        ),
        (
            "credits_pending_credit_adjustments",
            "Credit adjustments not yet invoiced.",
            &s.pending_credit_adjustments,
        ),
        (
            "credits_expired_credit",
            "Credit that expired unused.",
            &s.expired_credit,
        ),
    ];
    for (name, help, money) in figures {
        if let Some(Money {
            value: Some(value),
            currency,
            ..
        }) = money
        {
            out.gauge(
                name,
                help,
                &[
                    who[0],
                    who[1],
                    ("currency", currency.as_deref().unwrap_or("")),
                ],
                &value.to_string(),
            );
        }
    }
}

impl View for BalanceSummary {
    fn blocks(&self) -> Vec<Block<'_>> {
        let title = profile_title(&self.billing_profile);
        let always: [(&'static str, &Option<Money>); 5] = [
            ("Estimated balance", &self.estimated_balance),
            ("Current balance", &self.current_balance),
            ("Pending eligible charges", &self.pending_eligible_charges),
            (
                "Pending credit adjustments",
                &self.pending_credit_adjustments,
            ),
            ("Expired credit", &self.expired_credit),
        ];
        // The billing-currency rows only exist in newer API versions; hidden when absent.
        let when_sent: [(&'static str, &Option<Money>); 2] = [
            (
                "Estimated balance (billing currency)",
                &self.estimated_balance_in_billing_currency,
            ),
            (
                "Current balance (billing currency)",
                &self.current_balance_in_billing_currency,
            ),
        ];
        let from_lots = [(
            "Available balance (from lots)",
            &self.available_balance_from_lots,
        )];
        let rows = always
            .into_iter()
            .chain(from_lots.into_iter().filter(|(_, value)| value.is_some()))
            .chain(
                when_sent
                    .into_iter()
                    .filter(|(_, value)| value.as_ref().is_some_and(|m| m.value.is_some())),
            )
            .map(|(label, value)| {
                // Only a balance below zero needs a look; charges are negative by nature.
                let is_balance = label.contains("balance");
                let toned = is_balance.then(|| tone::balance(value.as_ref())).flatten();
                vec![Cell::owned(label), Cell::money(value).toned(toned)]
            })
            .collect();
        let mut blocks = vec![
            Block::Line(title),
            Block::Table(TableBlock {
                retitle: None,
                columns: BALANCE_COLUMNS,
                rows,
            }),
        ];
        let standing = self.standing();
        if let Some(status) = standing.not_active() {
            blocks.push(Block::Line(if standing.is_disabled() {
                format!("Status: {status}: Azure has stopped this profile's subscriptions")
            } else {
                format!("Status: {status}")
            }));
        }
        let currencies: Vec<String> = [
            ("Credit currency", &self.credit_currency),
            ("Billing currency", &self.billing_currency),
        ]
        .iter()
        .filter_map(|(label, value)| value.as_ref().map(|v| format!("{label}: {v}")))
        .collect();
        if !currencies.is_empty() {
            blocks.push(Block::Line(currencies.join("  ")));
        }
        if let Some(limit) = self
            .spending_limit
            .as_ref()
            .filter(|limit| limit.details.is_some())
        {
            blocks.push(Block::Line(spending_limit_line(limit)));
        }
        if let Some(payments) = &self.payments_on_account {
            blocks.push(Block::Line(payments_line(payments)));
        }
        for flag in self.suspension_flags.iter().flatten() {
            blocks.push(Block::Line(flag.line()));
        }
        blocks
    }

    fn flat(&self) -> FlatTable<'_> {
        let mut row = Vec::with_capacity(BALANCE_FIELDS.len());
        balance_fields(&ProfileLine::of_one(&self.billing_profile, self), &mut row);
        FlatTable {
            header: BALANCE_FIELDS,
            rows: vec![row],
        }
    }

    fn metrics(&self, out: &mut Metrics) -> bool {
        let profile = &self.billing_profile;
        balance_metrics(
            profile.scope.account_id(),
            profile.account_display_name.as_deref().unwrap_or(""),
            profile,
            Some(self),
            out,
        );
        true
    }
}

// Short titles: a header never wraps, so a long title would widen its column of amounts.
table! {
    const BALANCE_ROW_COLUMNS;
    fn balance_row_cells<'a>(row: &'a ProfileRow<BalanceSummary>) {
        Column::prose("Account").optional(3) => account_cell(row),
        Column::prose("Profile") => profile_cell(row),
        Column::money("Estimated") => {
            read_cell(row, Cell::Money(None), |s| {
                Cell::Money(s.balance()).toned(tone::balance(s.balance()))
            })
        },
        Column::money("Current").optional(1) => {
            read_cell(row, Cell::Money(None), |s| {
                Cell::money(&s.current_balance).toned(tone::balance(s.current_balance.as_ref()))
            })
        },
        Column::money("Pending").optional(2) => {
            read_cell(row, Cell::Money(None), |s| Cell::money(&s.pending_eligible_charges))
        },
        Column::money("Adjustments").optional(5) => {
            read_cell(row, Cell::Money(None), |s| Cell::money(&s.pending_credit_adjustments))
        },
        Column::money("Expired").optional(4) => {
            read_cell(row, Cell::Money(None), |s| Cell::money(&s.expired_credit))
        },
        Column::text("Note") => match &row.result {
            Ok(summary) if summary.standing().not_active().is_some() => {
                Cell::owned(summary.standing().not_active().unwrap_or_default())
                    .toned(tone::profile_standing(&summary.standing()))
            }
            Ok(summary) if summary.balance_source == BalanceSource::Lots => {
                Cell::owned("from lots")
            }
            Ok(summary) if summary.has_credits => Cell::Blank,
            Ok(_) => Cell::owned("no credits"),
            Err(error) => error_cell(error),
        },
    }
}

/// `balance --all`: one row per profile; failed profiles say why.
impl Record for ProfileRow<BalanceSummary> {
    fn columns() -> &'static [Column] {
        BALANCE_ROW_COLUMNS
    }

    fn retitled(&self) -> Option<(&'static str, &'static str)> {
        (self.profile.kind() == crate::model::scope::ScopeKind::Customer)
            .then_some(("Profile", "Customer"))
    }

    fn cells<'a>(&'a self, cells: &mut Vec<Cell<'a>>) {
        balance_row_cells(self, cells);
    }

    fn header() -> &'static [&'static str] {
        BALANCE_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        balance_fields(&ProfileLine::of_row(self), row);
    }

    const HAS_METRICS: bool = true;

    fn metrics(&self, out: &mut Metrics) {
        // Left out on purpose: not a profile that is down.
        if self.excluded() {
            return;
        }
        balance_metrics(
            &self.account.id,
            self.account
                .display_name
                .as_deref()
                .unwrap_or(&self.account.name),
            &self.profile,
            self.result.as_ref().ok(),
            out,
        );
    }
}

/// `balance --details`: money paid on account, said to be no credit, on a line of its own
/// under the balance (never a row of it).
pub(super) fn payments_line(payments: &PaymentsOnAccount) -> String {
    let amount = payments
        .amount
        .as_ref()
        .map_or_else(|| "-".to_string(), Money::display);
    let count = payments.payments.len();
    let mut line = format!("Payments on account (not credit): {amount}");
    let total = payments
        .total_payments_on_account
        .as_ref()
        .filter(|total| total.value.is_some());
    match (total, count) {
        (Some(total), _) => line.push_str(&format!(
            " (paid on account: {} in {count} payment{})",
            total.display(),
            if count == 1 { "" } else { "s" }
        )),
        (None, 0) => {}
        (None, _) => line.push_str(&format!(
            " ({count} payment{})",
            if count == 1 { "" } else { "s" }
        )),
    }
    line
}

/// `balance --details`: the spending limit, each one with its type, amount, dates and
/// status (`Spending limit On: FreeAccount 200.00 USD, 2018-01-01 to 2019-01-01, Active`).
fn spending_limit_line(limit: &SpendingLimit) -> String {
    let state = limit.state.as_deref().unwrap_or("-");
    let details: Vec<String> = limit
        .details
        .iter()
        .flatten()
        .map(|detail| {
            let mut parts = vec![detail.limit_type.clone().unwrap_or_else(|| "-".into())];
            if let Some(amount) = &detail.amount {
                parts[0].push(' ');
                parts[0].push_str(&amount.display());
            }
            let day = |d: &Option<chrono::DateTime<chrono::Utc>>| {
                d.map_or_else(|| "-".to_string(), |d| d.date_naive().to_string())
            };
            if detail.start_date.is_some() || detail.end_date.is_some() {
                parts.push(format!(
                    "{} to {}",
                    day(&detail.start_date),
                    day(&detail.end_date)
                ));
            }
            if let Some(status) = &detail.status {
                parts.push(status.clone());
            }
            parts.join(", ")
        })
        .collect();
    if details.is_empty() {
        format!("Spending limit: {state}")
    } else {
        format!("Spending limit {state}: {}", details.join("; "))
    }
}
