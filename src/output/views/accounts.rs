//! `credits accounts`: one row per billing profile (an account without profiles is one row).

use crate::model::domain::BillingAccount;
use crate::output::cell::{human_text, Cell, Column};
use crate::output::flat::{self, FlatTable};
use crate::output::view::{Block, TableBlock, View};
use serde::Serialize;

/// `credits accounts`: one row per profile (an account without profiles is one row).
#[derive(Serialize)]
#[serde(transparent)]
pub struct Accounts<'a>(pub &'a [BillingAccount]);

const ACCOUNT_COLUMNS: &[Column] = &[
    Column::prose("Account"),
    Column::prose("Agreement"),
    Column::prose("Profile"),
    Column::text("Profile name (ID)"),
    Column::text("Currency").optional(1),
    // Its last segment is the name beside it: the first to go on a narrow terminal.
    Column::id("Profile id").optional(2),
];

const ACCOUNT_FIELDS: &[&str] = &[
    "billingAccountId",
    "billingAccountName",
    "billingAccountDisplayName",
    "agreementType",
    "accountType",
    "accountStatus",
    "hasCredits",
    "billingProfileId",
    "billingProfileName",
    "billingProfileDisplayName",
    "currency",
    "status",
    "systemId",
    "hasReadAccess",
];

impl View for Accounts<'_> {
    fn blocks(&self) -> Vec<Block<'_>> {
        let mut rows = Vec::new();
        for account in self.0 {
            let account_name = account.display_name.as_deref().unwrap_or(&account.name);
            let agreement = match (&account.agreement_type, account.has_credits) {
                (Some(a), true) => agreement_short_name(a).to_string(),
                (Some(a), false) => format!("{} (no credits)", agreement_short_name(a)),
                (None, _) => "unknown (no credits)".to_string(),
            };
            if account.billing_profiles.is_empty() {
                rows.push(vec![
                    Cell::owned(account_name),
                    Cell::owned(agreement),
                    Cell::Text(None),
                    Cell::Text(None),
                    Cell::Text(None),
                    Cell::Text(None),
                ]);
                continue;
            }
            for profile in &account.billing_profiles {
                let name = if profile.has_read_access {
                    Cell::text(&profile.display_name)
                } else {
                    let display = human_text(&Cell::text(&profile.display_name)).into_owned();
                    Cell::owned(format!("{display} (no read access)"))
                };
                rows.push(vec![
                    Cell::owned(account_name),
                    Cell::owned(agreement.clone()),
                    name,
                    Cell::owned(profile.name.as_str()),
                    Cell::text(&profile.currency),
                    Cell::owned(profile.id.as_str()),
                ]);
            }
        }
        vec![Block::Table(TableBlock {
            columns: ACCOUNT_COLUMNS,
            rows,
        })]
    }

    fn flat(&self) -> FlatTable<'_> {
        let mut rows = Vec::new();
        for account in self.0 {
            let account_fields = [
                flat::str(&account.id),
                flat::str(&account.name),
                flat::text(&account.display_name),
                flat::text(&account.agreement_type),
                flat::text(&account.account_type),
                flat::text(&account.account_status),
                flat::flag(Some(account.has_credits)),
            ];
            if account.billing_profiles.is_empty() {
                let mut row = account_fields.to_vec();
                row.extend(std::iter::repeat_n(None, 7));
                rows.push(row);
            }
            for profile in &account.billing_profiles {
                let mut row = account_fields.to_vec();
                row.extend([
                    flat::str(&profile.id),
                    flat::str(&profile.name),
                    flat::text(&profile.display_name),
                    flat::text(&profile.currency),
                    flat::text(&profile.status),
                    flat::text(&profile.system_id),
                    flat::flag(Some(profile.has_read_access)),
                ]);
                rows.push(row);
            }
        }
        FlatTable {
            header: ACCOUNT_FIELDS,
            rows,
        }
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
