//! `credits accounts`: one row per billing profile (an account without profiles is one row).

use crate::model::domain::{BillingAccount, BillingProfile, ProfileStanding};
use crate::output::cell::{human_text, Cell, Column};
use crate::output::flat::{self, FlatTable};
use crate::output::view::{fields, table, Block, TableBlock, View};
use serde::Serialize;

/// `credits accounts`: one row per profile (an account without profiles is one row).
#[derive(Serialize)]
#[serde(transparent)]
pub(crate) struct Accounts<'a>(pub &'a [BillingAccount]);

/// One line of `credits accounts`: an account and one of its profiles (none for an account
/// without profiles).
struct AccountLine<'a> {
    account: &'a BillingAccount,
    profile: Option<&'a BillingProfile>,
}

impl AccountLine<'_> {
    /// Every line of `accounts`, in listing order.
    fn all(accounts: &[BillingAccount]) -> impl Iterator<Item = AccountLine<'_>> {
        accounts.iter().flat_map(|account| {
            let profiles: Vec<Option<&BillingProfile>> = if account.billing_profiles.is_empty() {
                vec![None]
            } else {
                account.billing_profiles.iter().map(Some).collect()
            };
            profiles
                .into_iter()
                .map(move |profile| AccountLine { account, profile })
        })
    }
}

table! {
    const ACCOUNT_COLUMNS;
    fn account_cells<'a>(line: &AccountLine<'a>) {
        Column::prose("Account") => {
            Cell::owned(line.account.display_name.as_deref().unwrap_or(&line.account.name))
        },
        Column::prose("Agreement") => Cell::owned(agreement_text(line.account)),
        Column::prose("Profile") => match line.profile {
            Some(profile) if profile.has_read_access => Cell::text(&profile.display_name),
            Some(profile) => {
                let display = human_text(&Cell::text(&profile.display_name)).into_owned();
                Cell::owned(format!("{display} (no read access)"))
            }
            None => Cell::Text(None),
        },
        Column::text("Profile name (ID)") => {
            line.profile.map_or(Cell::Text(None), |p| Cell::owned(p.name.as_str()))
        },
        Column::text("Currency").optional(1) => {
            line.profile.map_or(Cell::Text(None), |p| Cell::text(&p.currency))
        },
        // Said only when it matters: a status other than active, a spending limit that is on.
        Column::prose("Standing").optional(3) => {
            line.profile.map_or(Cell::Text(None), standing_cell)
        },
        // Its last segment is the name beside it: the first to go on a narrow terminal.
        Column::id("Profile id").optional(2) => {
            line.profile.map_or(Cell::Text(None), |p| Cell::owned(p.id.as_str()))
        },
    }
}

fields! {
    const ACCOUNT_FIELDS;
    fn account_fields<'a>(line: &AccountLine<'a>) {
        "billingAccountId" => flat::str(&line.account.id),
        "billingAccountName" => flat::str(&line.account.name),
        "billingAccountDisplayName" => flat::text(&line.account.display_name),
        "agreementType" => flat::text(&line.account.agreement_type),
        "accountType" => flat::text(&line.account.account_type),
        "accountStatus" => flat::text(&line.account.account_status),
        "hasCredits" => flat::flag(Some(line.account.has_credits)),
        "billingProfileId" => line.profile.and_then(|p| flat::str(&p.id)),
        "billingProfileName" => line.profile.and_then(|p| flat::str(&p.name)),
        "billingProfileDisplayName" => line.profile.and_then(|p| flat::text(&p.display_name)),
        "currency" => line.profile.and_then(|p| flat::text(&p.currency)),
        "status" => line.profile.and_then(|p| flat::text(&p.status)),
        "systemId" => line.profile.and_then(|p| flat::text(&p.system_id)),
        "hasReadAccess" => line.profile.and_then(|p| flat::flag(Some(p.has_read_access))),
        // After the columns before them, so files appended to by older runs keep their shape.
        "statusReasonCode" => line.profile.and_then(|p| flat::text(&p.status_reason_code)),
        "spendingLimit" => line.profile.and_then(|p| {
            p.spending_limit.as_ref().and_then(|l| flat::text(&l.state))
        }),
    }
}

impl View for Accounts<'_> {
    fn blocks(&self) -> Vec<Block<'_>> {
        let rows = AccountLine::all(self.0)
            .map(|line| {
                let mut cells = Vec::with_capacity(ACCOUNT_COLUMNS.len());
                account_cells(&line, &mut cells);
                cells
            })
            .collect();
        vec![Block::Table(TableBlock {
            retitle: None,
            columns: ACCOUNT_COLUMNS,
            rows,
        })]
    }

    fn flat(&self) -> FlatTable<'_> {
        let rows = AccountLine::all(self.0)
            .map(|line| {
                let mut fields = Vec::with_capacity(ACCOUNT_FIELDS.len());
                account_fields(&line, &mut fields);
                fields
            })
            .collect();
        FlatTable {
            header: ACCOUNT_FIELDS,
            rows,
        }
    }
}

/// `MCA`, `EA` (its Azure Prepayment is read with `balance --account`), or `MPA (no credits)` for an
/// account without credits.
fn agreement_text(account: &BillingAccount) -> String {
    if account.is_enterprise_agreement() {
        // Its Azure Prepayment is read with `balance --account`.
        return "EA".to_string();
    }
    match (&account.agreement_type, account.has_credits) {
        (Some(a), true) => agreement_short_name(a).to_string(),
        (Some(a), false) => format!("{} (no credits)", agreement_short_name(a)),
        (None, _) => "unknown (no credits)".to_string(),
    }
}

/// The agreement as people say it (`MCA`); JSON and csv keep Azure's name.
fn agreement_short_name(agreement: &str) -> &str {
    match agreement {
        "MicrosoftCustomerAgreement" => "MCA",
        "MicrosoftPartnerAgreement" => "MPA",
        "EnterpriseAgreement" => "EA",
        "MicrosoftOnlineServicesProgram" => "MOSP",
        other => other,
    }
}

/// A profile's standing in a few words: `Disabled (SpendingLimitReached)`, `spending limit
/// on: FreeAccount 200.00 USD to 2027-05-15 (Active)`; blank for an active profile without a
/// limit.
fn standing_cell(profile: &BillingProfile) -> Cell<'_> {
    let mut parts = Vec::new();
    if let Some(status) = ProfileStanding::of(profile).and_then(|s| s.not_active()) {
        parts.push(status);
    }
    if profile.has_spending_limit() {
        let details: Vec<String> = profile
            .spending_limit
            .iter()
            .flat_map(|limit| limit.details.iter().flatten())
            .map(|detail| {
                let mut text = detail.limit_type.clone().unwrap_or_else(|| "-".into());
                if let Some(amount) = &detail.amount {
                    text.push(' ');
                    text.push_str(&amount.display());
                }
                if let Some(end) = detail.end_date {
                    text.push_str(&format!(" to {}", end.date_naive()));
                }
                if let Some(status) = &detail.status {
                    text.push_str(&format!(" ({status})"));
                }
                text
            })
            .collect();
        parts.push(if details.is_empty() {
            "spending limit on".to_string()
        } else {
            format!("spending limit on: {}", details.join("; "))
        });
    }
    if parts.is_empty() {
        Cell::Text(None)
    } else {
        Cell::owned(parts.join(", "))
    }
}
