//! One view per noun: how accounts, a balance summary, `balance --all` rows, lots and events
//! look as tables. Pure functions from domain values to typed cells; no I/O, no format.

use super::cell::{human_text, Cell, Column, Tone};
use super::chart::BalanceChart;
use super::flat::{self, Field, FlatTable};
use super::metrics::Metrics;
use super::view::{Block, Record, TableBlock, View};
use crate::forecast::{Forecast, ProfileForecast};
use crate::model::domain::{
    AccountRef, BalanceSummary, BillingAccount, CreditEvent, LotOnDay, LotStatus, ScopeRef,
};
use crate::model::money::Money;
use crate::model::row::{ProfileRow, RowError};
use crate::model::scope::ScopeKind;
use crate::report::Report;
use serde::Serialize;
use std::borrow::Cow;

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

/// The Note of an `--all` row that could not be read: `error: permission denied`, in red.
fn error_cell(error: &RowError) -> Cell<'static> {
    Cell::Marked(
        Cow::Owned(format!("error: {}", error.kind.short_name())),
        Tone::Bad,
    )
}

/// `Billing profile: Development (/providers/...)`: the first line of a one-profile view.
fn profile_title(scope: &ScopeRef) -> String {
    let kind = match scope.kind() {
        ScopeKind::BillingProfile => "Billing profile",
        ScopeKind::BillingAccount => "Billing account",
        ScopeKind::Customer => "Customer",
        ScopeKind::InvoiceSection => "Invoice section",
    };
    match &scope.display_name {
        Some(name) => format!("{kind}: {name} ({})", scope.id()),
        None => format!("{kind}: {}", scope.id()),
    }
}

/// The account and profile cells that start every `--all` row.
fn row_names<'a, T>(row: &'a ProfileRow<T>, cells: &mut Vec<Cell<'a>>) {
    let account = row
        .account
        .display_name
        .as_deref()
        .unwrap_or(&row.account.name);
    let profile = row
        .profile
        .display_name
        .as_deref()
        .unwrap_or(row.profile.name());
    cells.extend([Cell::owned(account), Cell::owned(profile)]);
}

const BALANCE_COLUMNS: &[Column] = &[Column::text("Balance"), Column::money("Amount")];

/// `balance` and `balance --all` in csv: the same columns, so runs append to one file.
const BALANCE_FIELDS: &[&str] = &[
    "billingAccountId",
    "billingAccountDisplayName",
    "billingProfileId",
    "billingProfileName",
    "billingProfileDisplayName",
    "hasCredits",
    "currency",
    "estimatedBalance",
    "currentBalance",
    "pendingEligibleCharges",
    "pendingCreditAdjustments",
    "expiredCredit",
    "creditCurrency",
    "billingCurrency",
    "estimatedBalanceInBillingCurrency",
    "currentBalanceInBillingCurrency",
    "isEstimatedBalance",
    "errorExitCode",
    "errorMessage",
];

/// The account and profile columns that start every per-profile csv row.
fn profile_fields<'a>(
    account_id: Field<'a>,
    account_name: Field<'a>,
    profile: &'a ScopeRef,
    row: &mut Vec<Field<'a>>,
) {
    row.extend([
        account_id,
        account_name,
        flat::str(profile.id()),
        flat::str(profile.name()),
        flat::text(&profile.display_name),
    ]);
}

/// `errorExitCode,errorMessage`: filled only for a profile that could not be read.
fn error_fields<'a>(error: Option<&'a RowError>, row: &mut Vec<Field<'a>>) {
    match error {
        Some(e) => row.extend([
            flat::number(Some(e.exit_code)),
            flat::str(e.message.as_str()),
        ]),
        None => row.extend([None, None]),
    }
}

/// One `BALANCE_FIELDS` row: the profile, its summary (or nothing) and its error (or none).
fn balance_fields<'a>(
    account_id: Field<'a>,
    account_name: Field<'a>,
    profile: &'a ScopeRef,
    summary: Option<&'a BalanceSummary>,
    error: Option<&'a RowError>,
    row: &mut Vec<Field<'a>>,
) {
    profile_fields(account_id, account_name, profile, row);
    match summary {
        Some(s) => row.extend([
            flat::flag(Some(s.has_credits)),
            flat::currency(&[
                &s.estimated_balance,
                &s.current_balance,
                &s.pending_eligible_charges,
                &s.pending_credit_adjustments,
                &s.expired_credit,
            ])
            .or_else(|| flat::text(&s.credit_currency)),
            flat::amount(&s.estimated_balance),
            flat::amount(&s.current_balance),
            flat::amount(&s.pending_eligible_charges),
            flat::amount(&s.pending_credit_adjustments),
            flat::amount(&s.expired_credit),
            flat::text(&s.credit_currency),
            flat::text(&s.billing_currency),
            flat::amount(&s.estimated_balance_in_billing_currency),
            flat::amount(&s.current_balance_in_billing_currency),
            flat::flag(s.is_estimated_balance),
        ]),
        None => row.extend(std::iter::repeat_n(None, 12)),
    }
    error_fields(error, row);
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
        let rows = always
            .into_iter()
            .chain(
                when_sent
                    .into_iter()
                    .filter(|(_, value)| value.as_ref().is_some_and(|m| m.value.is_some())),
            )
            .map(|(label, value)| vec![Cell::owned(label), Cell::money(value)])
            .collect();
        let mut blocks = vec![
            Block::Line(title),
            Block::Table(TableBlock {
                columns: BALANCE_COLUMNS,
                rows,
            }),
        ];
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
        blocks
    }

    fn flat(&self) -> FlatTable<'_> {
        let profile = &self.billing_profile;
        let mut row = Vec::with_capacity(BALANCE_FIELDS.len());
        balance_fields(
            Some(Cow::Borrowed(profile.scope.account_id())),
            flat::text(&profile.account_display_name),
            profile,
            Some(self),
            None,
            &mut row,
        );
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
const BALANCE_ROW_COLUMNS: &[Column] = &[
    Column::prose("Account").optional(3),
    Column::prose("Profile"),
    Column::money("Estimated"),
    Column::money("Current").optional(1),
    Column::money("Pending").optional(2),
    Column::money("Adjustments").optional(5),
    Column::money("Expired").optional(4),
    Column::text("Note"),
];

/// `balance --all`: one row per profile; failed profiles say why.
impl Record for ProfileRow<BalanceSummary> {
    fn columns() -> &'static [Column] {
        BALANCE_ROW_COLUMNS
    }

    fn cells<'a>(&'a self, cells: &mut Vec<Cell<'a>>) {
        row_names(self, cells);
        match &self.result {
            Ok(summary) => {
                cells.extend([
                    Cell::money(&summary.estimated_balance),
                    Cell::money(&summary.current_balance),
                    Cell::money(&summary.pending_eligible_charges),
                    Cell::money(&summary.pending_credit_adjustments),
                    Cell::money(&summary.expired_credit),
                ]);
                cells.push(if summary.has_credits {
                    Cell::Blank
                } else {
                    Cell::owned("no credits")
                });
            }
            Err(error) => {
                cells.extend(std::iter::repeat_n(Cell::Money(None), 5));
                cells.push(error_cell(error));
            }
        }
    }

    fn header() -> &'static [&'static str] {
        BALANCE_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        balance_fields(
            flat::str(&self.account.id),
            self.account
                .display_name
                .as_deref()
                .or(Some(&self.account.name))
                .map(Cow::Borrowed),
            &self.profile,
            self.result.as_ref().ok(),
            self.error(),
            row,
        );
    }

    const HAS_METRICS: bool = true;

    fn metrics(&self, out: &mut Metrics) {
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

/// A lot's columns are those of `lots --all` after its Profile column.
const LOT_COLUMNS: &[Column] = <LotRow as ListedPerProfile>::WITH_PROFILE.split_at(1).1;

const LOT_FIELDS: &[&str] = &[
    "billingProfileId",
    "name",
    "source",
    "status",
    "statusDerived",
    "startDate",
    "expirationDate",
    "purchasedDate",
    "currency",
    "originalAmount",
    "closedBalance",
    "usedAmount",
    "poNumber",
    "creditCurrency",
    "billingCurrency",
    "originalAmountInBillingCurrency",
    "closedBalanceInBillingCurrency",
    "id",
];

/// A lot of a billing profile on the reference day: what `credits lots` lists. Its JSON is
/// the lot's own (`LotOnDay`); csv and metrics add the profile.
pub struct LotRow<'a> {
    /// The lot's billing profile (at account scope: the one its id names; none for a lot of
    /// the account itself, such as a MACC commitment, or of a customer).
    pub profile: Option<&'a ScopeRef>,
    /// At account scope: the account read.
    pub account: Option<&'a AccountRef>,
    pub lot: LotOnDay<'a>,
}

impl Serialize for LotRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The profile first, then the lot's own fields (`flatten` forwards them as they are
        // when serializing; exact numbers stay exact).
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct WithProfile<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            billing_account_id: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            billing_account_display_name: Option<Option<&'a str>>,
            billing_profile_id: Option<&'a str>,
            billing_profile_display_name: Option<&'a str>,
            #[serde(flatten)]
            lot: &'a LotOnDay<'a>,
        }
        WithProfile {
            billing_account_id: self.account.map(|a| a.id.as_str()),
            billing_account_display_name: self.account.map(|a| a.display_name.as_deref()),
            billing_profile_id: self.profile.map(ScopeRef::id),
            billing_profile_display_name: self.profile.and_then(|p| p.display_name.as_deref()),
            lot: &self.lot,
        }
        .serialize(s)
    }
}

impl Record for LotRow<'_> {
    fn columns() -> &'static [Column] {
        LOT_COLUMNS
    }

    fn cells<'a>(&'a self, row: &mut Vec<Cell<'a>>) {
        let lot = self.lot.lot;
        let status = self.lot.status.label();
        let tone = match &self.lot.status {
            LotStatus::Expired => Some(Tone::Bad),
            LotStatus::Expiring => Some(Tone::Warn),
            LotStatus::Reported(s) if s.eq_ignore_ascii_case("expired") => Some(Tone::Bad),
            _ => None,
        };
        let source = if lot.is_commitment() {
            Cell::owned("ConsumptionCommitment (remaining commitment)")
        } else {
            Cell::text(&lot.source)
        };
        row.extend([
            source,
            match tone {
                Some(tone) => Cell::Marked(Cow::Borrowed(status), tone),
                None => Cell::owned(status),
            },
            Cell::Day(lot.start_date),
            Cell::Day(lot.expiration_date),
            Cell::money(&lot.original_amount),
            Cell::money(&lot.closed_balance),
            Cell::text(&lot.po_number),
        ]);
    }

    fn header() -> &'static [&'static str] {
        LOT_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        let lot = self.lot.lot;
        row.extend([
            self.profile.and_then(|p| flat::str(p.id())),
            flat::text(&lot.name),
            flat::text(&lot.source),
            flat::str(self.lot.status.label()),
            flat::flag(Some(self.lot.status.is_derived())),
            flat::date(lot.start_date),
            flat::date(lot.expiration_date),
            flat::date(lot.purchased_date),
            flat::currency(&[&lot.original_amount, &lot.closed_balance, &lot.used_amount]),
            flat::amount(&lot.original_amount),
            flat::amount(&lot.closed_balance),
            flat::amount(&lot.used_amount),
            flat::text(&lot.po_number),
            flat::text(&lot.credit_currency),
            flat::text(&lot.billing_currency),
            flat::amount(&lot.original_amount_in_billing_currency),
            flat::amount(&lot.closed_balance_in_billing_currency),
            flat::text(&lot.id),
        ]);
    }

    const HAS_METRICS: bool = true;

    fn metrics(&self, out: &mut Metrics) {
        let lot = self.lot.lot;
        // A lot without name or id is told apart by what it is (one series per lot: a
        // duplicate series makes the textfile collector drop the whole file).
        let made_up;
        let name = match lot.name.as_deref().or(lot.id.as_deref()) {
            Some(name) => name,
            None => {
                let day = |d: Option<chrono::DateTime<chrono::Utc>>| {
                    d.map_or("-".to_string(), |d| d.format("%Y-%m-%d").to_string())
                };
                made_up = format!(
                    "{}:{}:{}",
                    lot.source.as_deref().unwrap_or("-"),
                    day(lot.start_date),
                    day(lot.expiration_date)
                );
                made_up.as_str()
            }
        };
        let who = [
            ("billing_profile_id", self.profile.map_or("", ScopeRef::id)),
            ("profile", self.profile.map_or("", ScopeRef::label)),
            ("lot", name),
        ];
        for (metric, help, money) in [
            (
                "credits_lot_original_amount",
                "The credit the lot started with.",
                &lot.original_amount,
            ),
            (
                "credits_lot_closed_balance",
                "The credit left on the lot.",
                &lot.closed_balance,
            ),
        ] {
            if let Some(Money {
                value: Some(value),
                currency,
                ..
            }) = money
            {
                out.gauge(
                    metric,
                    help,
                    &[
                        who[0],
                        who[1],
                        who[2],
                        ("currency", currency.as_deref().unwrap_or("")),
                    ],
                    &value.to_string(),
                );
            }
        }
        for (metric, help, date) in [
            (
                "credits_lot_start_timestamp_seconds",
                "When the lot's credit became usable, in seconds since 1970 (UTC).",
                lot.start_date,
            ),
            (
                "credits_lot_expiration_timestamp_seconds",
                "When the lot's credit expires, in seconds since 1970 (UTC).",
                lot.expiration_date,
            ),
        ] {
            if let Some(date) = date {
                out.gauge(metric, help, &who, &date.timestamp().to_string());
            }
        }
        out.gauge(
            "credits_lot_info",
            "The lot's source, status and PO number; the value is always 1.",
            &[
                who[0],
                who[1],
                who[2],
                ("source", lot.source.as_deref().unwrap_or("")),
                ("status", self.lot.status.label()),
                ("po_number", lot.po_number.as_deref().unwrap_or("")),
            ],
            "1",
        );
    }
}

/// An event's columns are those of `events --all` after its Profile column.
const EVENT_COLUMNS: &[Column] = <CreditEvent as ListedPerProfile>::WITH_PROFILE
    .split_at(1)
    .1;

const EVENT_FIELDS: &[&str] = &[
    "billingProfileId",
    "transactionDate",
    "description",
    "eventType",
    "currency",
    "newCredit",
    "adjustments",
    "creditExpired",
    "charges",
    "closedBalance",
    "canceledCredit",
    "invoiceNumber",
    "lotId",
    "lotSource",
    "name",
    "id",
];

impl Record for CreditEvent {
    fn columns() -> &'static [Column] {
        EVENT_COLUMNS
    }

    fn cells<'a>(&'a self, row: &mut Vec<Cell<'a>>) {
        row.extend([
            Cell::Day(self.transaction_date),
            Cell::text(&self.description),
            Cell::text(&self.event_type),
            Cell::money(&self.new_credit),
            Cell::money(&self.adjustments),
            Cell::money(&self.credit_expired),
            Cell::money(&self.charges),
            Cell::money(&self.closed_balance),
            Cell::text(&self.invoice_number),
        ]);
    }

    fn header() -> &'static [&'static str] {
        EVENT_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        row.extend([
            flat::text(&self.billing_profile_id),
            flat::date(self.transaction_date),
            flat::text(&self.description),
            flat::text(&self.event_type),
            flat::currency(&[
                &self.closed_balance,
                &self.charges,
                &self.new_credit,
                &self.adjustments,
                &self.credit_expired,
                &self.canceled_credit,
            ])
            .or_else(|| flat::text(&self.credit_currency)),
            flat::amount(&self.new_credit),
            flat::amount(&self.adjustments),
            flat::amount(&self.credit_expired),
            flat::amount(&self.charges),
            flat::amount(&self.closed_balance),
            flat::amount(&self.canceled_credit),
            flat::text(&self.invoice_number),
            flat::text(&self.lot_id),
            flat::text(&self.lot_source),
            flat::text(&self.name),
            flat::text(&self.id),
        ]);
    }
}

const FORECAST_COLUMNS: &[Column] = &[Column::text("Forecast"), Column::prose("Value")];

/// `forecast`, `forecast --all` and `report` in csv: one row per profile.
const FORECAST_FIELDS: &[&str] = &[
    "billingAccountId",
    "billingAccountDisplayName",
    "billingProfileId",
    "billingProfileName",
    "billingProfileDisplayName",
    "asOf",
    "currency",
    "estimatedBalance",
    "pendingCharges",
    "windowStart",
    "windowEnd",
    "windowDays",
    "burnRatePerDay",
    "runwayDays",
    "depletionDate",
    "expiringUnusedBestCase",
    "expiringUnusedWorstCase",
    "creditLastsBestCase",
    "creditLastsWorstCase",
    "tooLittleHistory",
    "errorExitCode",
    "errorMessage",
];

fn forecast_fields<'a>(
    account_id: Field<'a>,
    account_name: Field<'a>,
    profile: &'a ScopeRef,
    forecast: Option<&'a Forecast>,
    error: Option<&'a RowError>,
    row: &mut Vec<Field<'a>>,
) {
    profile_fields(account_id, account_name, profile, row);
    match forecast {
        Some(f) => {
            let unused = f.expiring_unused.as_ref();
            row.extend([
                flat::day(Some(f.as_of)),
                flat::text(&f.currency),
                flat::decimal(f.estimated_balance.as_ref().map(|a| a.value)),
                flat::decimal(Some(f.pending_charges.value)),
                flat::day(Some(f.window.start)),
                flat::day(Some(f.window.end)),
                flat::number(Some(f.window.days)),
                flat::decimal(f.burn_rate_per_day.as_ref().map(|a| a.value)),
                flat::number(f.runway_days),
                flat::day(f.depletion_date),
                flat::decimal(unused.map(|u| u.best_case.value)),
                flat::decimal(unused.map(|u| u.worst_case.value)),
                flat::day(unused.and_then(|u| u.credit_lasts_best_case)),
                flat::day(unused.and_then(|u| u.credit_lasts_worst_case)),
                flat::flag(Some(f.too_little_history.is_some())),
            ]);
        }
        None => row.extend(std::iter::repeat_n(None, 15)),
    }
    error_fields(error, row);
}

fn forecast_row<'a>(row: &'a ProfileRow<ProfileForecast>, fields: &mut Vec<Field<'a>>) {
    forecast_fields(
        flat::str(&row.account.id),
        row.account
            .display_name
            .as_deref()
            .or(Some(&row.account.name))
            .map(Cow::Borrowed),
        &row.profile,
        row.result.as_ref().ok().map(|r| &r.forecast),
        row.error(),
        fields,
    );
}
const MONTH_COLUMNS: &[Column] = &[
    Column::text("Month"),
    Column::count("Days in window"),
    Column::money("Charges"),
];
const OUTLOOK_COLUMNS: &[Column] = &[
    Column::text("Lot"),
    Column::day("Expires"),
    Column::money("Remaining"),
    Column::money("Unused (best case)"),
    Column::money("Unused (worst case)"),
];

/// The burn rate, or why there is none.
fn burn_text(forecast: &Forecast) -> String {
    match (&forecast.burn_rate_per_day, &forecast.too_little_history) {
        (Some(rate), _) => format!("{} a day", rate.rounded()),
        (None, Some(short)) => format!(
            "too little history: first credit event {}, {} days before {} are needed",
            short
                .first_event
                .map_or("none".to_string(), |d| d.to_string()),
            short.needed_days,
            forecast.as_of
        ),
        (None, None) => "-".into(),
    }
}

fn has_no_balance(forecast: &Forecast) -> bool {
    forecast.estimated_balance.is_none()
}

fn runway_text(forecast: &Forecast) -> String {
    match (
        forecast.runway_days,
        forecast.depletion_date,
        &forecast.burn_rate_per_day,
    ) {
        (Some(days), Some(date), _) => format!("{days} days, to {date}"),
        (Some(days), None, _) => format!("{days} days"),
        (None, _, Some(_)) if has_no_balance(forecast) => {
            "unknown: Azure reported no estimated balance".into()
        }
        (None, _, Some(rate)) if !rate.value.is_zero() => {
            "no depletion in sight (more than a million days)".into()
        }
        (None, _, Some(_)) => "no depletion in sight (no charges in the window)".into(),
        (None, _, None) => "-".into(),
    }
}

impl View for ProfileForecast {
    fn blocks(&self) -> Vec<Block<'_>> {
        let f = &self.forecast;
        let title = profile_title(&self.billing_profile);
        let unused = f.expiring_unused.as_ref();
        let rows = vec![
            vec![Cell::owned("As of"), Cell::date(Some(f.as_of))],
            vec![
                Cell::owned("Estimated balance"),
                Cell::Amount(f.estimated_balance.as_ref()),
            ],
            vec![
                Cell::owned("Pending charges (drawn first)"),
                Cell::Amount(Some(&f.pending_charges)),
            ],
            vec![
                Cell::owned(format!(
                    "Burn rate ({} days, {} to {})",
                    f.window.days, f.window.start, f.window.end
                )),
                Cell::owned(burn_text(f)),
            ],
            vec![Cell::owned("Runway"), Cell::owned(runway_text(f))],
            vec![
                Cell::owned("Credit on the lots lasts until (best/worst)"),
                Cell::owned(match unused {
                    Some(u) => {
                        let day = |d: Option<chrono::NaiveDate>| {
                            d.map_or("never runs out".to_string(), |d| d.to_string())
                        };
                        format!(
                            "{} / {}",
                            day(u.credit_lasts_best_case),
                            day(u.credit_lasts_worst_case)
                        )
                    }
                    None => "-".into(),
                }),
            ],
            vec![
                Cell::owned("Expiring unused, best case"),
                Cell::Amount(unused.map(|u| &u.best_case)),
            ],
            vec![
                Cell::owned("Expiring unused, worst case"),
                Cell::Amount(unused.map(|u| &u.worst_case)),
            ],
        ];
        let months = f
            .monthly_charges
            .iter()
            .map(|m| {
                vec![
                    Cell::owned(m.month.as_str()),
                    Cell::Count(m.days.unsigned_abs()),
                    Cell::Amount(Some(&m.charges)),
                ]
            })
            .collect();
        let mut blocks = vec![
            Block::Line(title),
            Block::Table(TableBlock {
                columns: FORECAST_COLUMNS,
                rows,
            }),
            Block::Line(
                "Best case: soonest-expiring lot used first; worst case: latest-expiring first."
                    .into(),
            ),
        ];
        if let Some(chart) = balance_chart(f) {
            blocks.push(Block::Chart(chart));
        }
        blocks.extend([
            Block::Line("Charges per month in the window:".into()),
            Block::Table(TableBlock {
                columns: MONTH_COLUMNS,
                rows: months,
            }),
        ]);
        if let Some(unused) = unused.filter(|u| !u.lots.is_empty()) {
            let lots = unused
                .lots
                .iter()
                .map(|lot| {
                    let name = lot.source.as_deref().or(lot.name.as_deref()).unwrap_or("-");
                    vec![
                        Cell::owned(name),
                        Cell::date(lot.expiration_date),
                        Cell::Amount(Some(&lot.remaining)),
                        Cell::Amount(Some(&lot.unused_best_case)),
                        Cell::Amount(Some(&lot.unused_worst_case)),
                    ]
                })
                .collect();
            blocks.push(Block::Line(
                "Lots with credit left, at their expiration:".into(),
            ));
            blocks.push(Block::Table(TableBlock {
                columns: OUTLOOK_COLUMNS,
                rows: lots,
            }));
        }
        blocks
    }

    fn flat(&self) -> FlatTable<'_> {
        let profile = &self.billing_profile;
        let mut row = Vec::with_capacity(FORECAST_FIELDS.len());
        forecast_fields(
            Some(Cow::Borrowed(profile.scope.account_id())),
            flat::text(&profile.account_display_name),
            profile,
            Some(&self.forecast),
            None,
            &mut row,
        );
        FlatTable {
            header: FORECAST_FIELDS,
            rows: vec![row],
        }
    }
}

/// The balance over the window, then projected to zero (at most two years ahead).
fn balance_chart(f: &Forecast) -> Option<BalanceChart> {
    if f.balance_history.is_empty() {
        return None;
    }
    let projection = match (&f.estimated_balance, &f.burn_rate_per_day) {
        (Some(balance), Some(rate)) if !rate.value.is_zero() => Some((balance.value, rate.value)),
        _ => None,
    };
    let horizon = f.as_of + chrono::Duration::days(730);
    let end = match f.depletion_date {
        Some(depletion) => depletion.min(horizon),
        None => f.as_of + chrono::Duration::days(f.window.days),
    };
    let expiries = f
        .expiring_unused
        .iter()
        .flat_map(|u| u.lots.iter().filter_map(|l| l.expiration_date))
        .filter(|d| *d >= f.window.start && *d <= end)
        .collect();
    Some(BalanceChart {
        history: f
            .balance_history
            .iter()
            .map(|p| (p.date, p.balance.value))
            .collect(),
        start: f.window.start,
        as_of: f.as_of,
        projection,
        end: end.max(f.as_of),
        expiries,
        currency: f.currency.clone(),
    })
}

const FORECAST_ROW_COLUMNS: &[Column] = &[
    Column::text("Account").optional(4),
    Column::text("Profile"),
    Column::money("Estimated balance"),
    Column::money("Burn a day").optional(1),
    Column::count("Runway days"),
    Column::day("Depletion").optional(2),
    Column::money("Unused (best)").optional(3),
    Column::money("Unused (worst)"),
    Column::prose("Note"),
];

/// `forecast --all`: one row per profile.
impl Record for ProfileRow<ProfileForecast> {
    fn columns() -> &'static [Column] {
        FORECAST_ROW_COLUMNS
    }

    fn cells<'a>(&'a self, cells: &mut Vec<Cell<'a>>) {
        row_names(self, cells);
        match &self.result {
            Ok(result) => {
                let f = &result.forecast;
                let unused = f.expiring_unused.as_ref();
                cells.extend([
                    Cell::Amount(f.estimated_balance.as_ref()),
                    Cell::Amount(f.burn_rate_per_day.as_ref()),
                    match f.runway_days {
                        Some(days) => Cell::Count(days.unsigned_abs()),
                        None => Cell::Text(None),
                    },
                    Cell::date(f.depletion_date),
                    Cell::Amount(unused.map(|u| &u.best_case)),
                    Cell::Amount(unused.map(|u| &u.worst_case)),
                ]);
                cells.push(match (&f.too_little_history, f.runway_days) {
                    (Some(_), _) => Cell::owned("too little history"),
                    (None, None) => Cell::owned("no depletion in sight"),
                    _ => Cell::Blank,
                });
            }
            Err(error) => {
                cells.extend(std::iter::repeat_n(Cell::Text(None), 6));
                cells.push(error_cell(error));
            }
        }
    }

    fn header() -> &'static [&'static str] {
        FORECAST_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        forecast_row(self, row);
    }
}

const EXPIRING_COLUMNS: &[Column] = &[
    Column::text("Expiring within"),
    Column::count("Lots"),
    Column::money("Credit left on them"),
];

const CHECK_COLUMNS: &[Column] = &[
    Column::text("Profile"),
    Column::text("Check"),
    Column::text("Result"),
    Column::prose("Detail"),
];

/// A Mermaid `xychart-beta` of the balance over the window and its projection to zero:
/// GitHub draws it in a step summary or a comment.
fn mermaid(f: &Forecast) -> Option<Vec<String>> {
    let chart = balance_chart(f)?;
    let points = 12;
    let span = (chart.end - chart.start).num_days().max(1);
    let days: Vec<chrono::NaiveDate> = (0..points)
        .map(|i| chart.start + chrono::Duration::days(span * i / (points - 1)))
        .collect();
    let values: Vec<String> = days
        .iter()
        .map(|day| {
            // Without a projection (no burn) the balance stays where it is.
            super::chart::value_on(&chart, *day)
                .or_else(|| super::chart::value_on(&chart, chart.as_of))
                .map(|(v, _)| v.round_dp(2).to_string())
                .unwrap_or_else(|| "0".into())
        })
        .collect();
    let labels: Vec<String> = days
        .iter()
        .map(|d| format!("\"{}\"", d.format("%b %d")))
        .collect();
    let unit = f.currency.clone().unwrap_or_default();
    Some(vec![
        "```mermaid".into(),
        "xychart-beta".into(),
        format!(
            "    title \"Balance ({unit}), projected from {} at the burn rate\"",
            f.as_of
        ),
        format!("    x-axis [{}]", labels.join(", ")),
        format!("    y-axis \"{unit}\""),
        format!("    line [{}]", values.join(", ")),
        "```".into(),
    ])
}

impl View for Report {
    fn blocks(&self) -> Vec<Block<'_>> {
        let mut blocks = vec![Block::Line(format!("# Azure credits, {}", self.as_of))];
        blocks.push(Block::Line(String::new()));
        blocks.push(Block::Table(TableBlock {
            columns: FORECAST_ROW_COLUMNS,
            rows: self
                .profiles
                .iter()
                .map(|row| {
                    let mut cells = Vec::new();
                    row.cells(&mut cells);
                    cells
                })
                .collect(),
        }));
        for (row, soon) in self.profiles.iter().zip(&self.expiring_soon) {
            let Ok(result) = &row.result else {
                continue;
            };
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Line(format!(
                "## {} ({})",
                row.profile.label(),
                row.profile.name()
            )));
            blocks.push(Block::Line(String::new()));
            let summary = &result.inputs.balance;
            blocks.push(Block::Table(TableBlock {
                columns: BALANCE_COLUMNS,
                rows: vec![
                    vec![
                        Cell::owned("Estimated balance"),
                        Cell::money(&summary.estimated_balance),
                    ],
                    vec![
                        Cell::owned("Current balance"),
                        Cell::money(&summary.current_balance),
                    ],
                    vec![
                        Cell::owned("Pending eligible charges"),
                        Cell::money(&summary.pending_eligible_charges),
                    ],
                ],
            }));
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Table(TableBlock {
                columns: EXPIRING_COLUMNS,
                rows: soon
                    .iter()
                    .map(|s| {
                        vec![
                            Cell::owned(format!("{} days", s.days)),
                            Cell::Count(s.lots as u64),
                            Cell::Amount(Some(&s.remaining)),
                        ]
                    })
                    .collect(),
            }));
            let f = &result.forecast;
            let unused = f
                .expiring_unused
                .as_ref()
                .map(|u| {
                    format!(
                        "{} (best case) to {} (worst case)",
                        u.best_case.rounded(),
                        u.worst_case.rounded()
                    )
                })
                .unwrap_or_else(|| "-".into());
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Line(format!(
                "Burn rate: {}. Runway: {}. Expiring unused: {unused}.",
                burn_text(f),
                runway_text(f)
            )));
            if let Some(lines) = mermaid(f) {
                blocks.push(Block::Line(String::new()));
                blocks.extend(lines.into_iter().map(Block::Line));
            }
        }
        if !self.checks.is_empty() {
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Line("## Checks".into()));
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Table(TableBlock {
                columns: CHECK_COLUMNS,
                rows: self
                    .checks
                    .iter()
                    .map(|c| {
                        vec![
                            Cell::owned(c.profile.as_str()),
                            Cell::owned(c.check),
                            Cell::owned(c.result),
                            Cell::owned(c.detail.as_str()),
                        ]
                    })
                    .collect(),
            }));
        }
        blocks
    }

    /// csv: the profile rows (the page's per-profile details are in `--json`).
    fn flat(&self) -> FlatTable<'_> {
        let rows = self
            .profiles
            .iter()
            .map(|row| {
                let mut fields = Vec::with_capacity(FORECAST_FIELDS.len());
                forecast_row(row, &mut fields);
                fields
            })
            .collect();
        FlatTable {
            header: FORECAST_FIELDS,
            rows,
        }
    }
}

/// `credits config list`: each setting, its value in effect, and where it comes from.
#[derive(Serialize)]
#[serde(transparent)]
pub struct ConfigList(pub Vec<ConfigRow>);

#[derive(Serialize)]
pub struct ConfigRow {
    pub key: &'static str,
    pub value: Option<String>,
    /// `--endpoint`, `CREDITS_OUTPUT`, `/path/config.toml:3: auth`, `default` or `not set`.
    pub source: String,
}

const CONFIG_COLUMNS: &[Column] = &[
    Column::text("Key"),
    Column::prose("Value"),
    Column::prose("From"),
];

const CONFIG_FIELDS: &[&str] = &["key", "value", "source"];

impl View for ConfigList {
    fn blocks(&self) -> Vec<Block<'_>> {
        let rows = self
            .0
            .iter()
            .map(|row| {
                vec![
                    Cell::owned(row.key),
                    Cell::text(&row.value),
                    Cell::owned(row.source.as_str()),
                ]
            })
            .collect();
        vec![Block::Table(TableBlock {
            columns: CONFIG_COLUMNS,
            rows,
        })]
    }

    fn flat(&self) -> FlatTable<'_> {
        FlatTable {
            header: CONFIG_FIELDS,
            rows: self
                .0
                .iter()
                .map(|row| {
                    vec![
                        flat::str(row.key),
                        flat::text(&row.value),
                        flat::str(row.source.as_str()),
                    ]
                })
                .collect(),
        }
    }
}

/// `credits aco`: a row per credit (a list, streamed like events), then the totals per
/// currency for people (`AcoTotals`, never across currencies).
// Short titles: a header never wraps. Customer ids are tenant GUIDs: shortened when narrow.
const ACO_COLUMNS: &[Column] = &[
    Column::id("Customer"),
    Column::text("Agreement").optional(4),
    Column::text("Month").optional(2),
    Column::money("Balance"),
    Column::money("Used (month)").optional(3),
    // Expired or not matters most after the balance on a narrow terminal.
    Column::text("Status").optional(1),
    Column::day("Expires"),
];

const ACO_TOTAL_COLUMNS: &[Column] = &[
    Column::text("Total, not expired"),
    Column::count("Credits"),
    Column::money("Balance"),
    Column::money("Used in latest month").optional(1),
];

const ACO_FIELDS: &[&str] = &[
    "customerId",
    "agreementId",
    "partnerId",
    "creditName",
    "currency",
    "latestMonth",
    "balanceAmount",
    "creditAmount",
    "creditUsedLatestMonth",
    "status",
    "expired",
    "effectiveDate",
    "expiryDate",
];

impl Record for crate::aco::AcoCredit {
    fn columns() -> &'static [Column] {
        ACO_COLUMNS
    }

    fn cells<'a>(&'a self, row: &mut Vec<Cell<'a>>) {
        let status = match (&self.status, self.expired) {
            (Some(status), true) => Cell::Marked(Cow::Borrowed(status.as_str()), Tone::Bad),
            (None, true) => Cell::Marked(Cow::Borrowed("expired"), Tone::Bad),
            (status, false) => Cell::text(status),
        };
        row.extend([
            Cell::owned(self.customer_id.as_str()),
            Cell::owned(self.agreement_id.as_str()),
            Cell::owned(crate::aco::month_text(&self.latest_month)),
            Cell::Amount(Some(&self.balance_amount)),
            Cell::Amount(self.credit_used_latest_month.as_ref()),
            status,
            Cell::date(self.expiry_date),
        ]);
    }

    fn header() -> &'static [&'static str] {
        ACO_FIELDS
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        row.extend([
            flat::str(&self.customer_id),
            flat::str(&self.agreement_id),
            flat::text(&self.partner_id),
            flat::text(&self.credit_name),
            flat::str(&self.currency),
            Some(Cow::Owned(crate::aco::month_text(&self.latest_month))),
            flat::decimal(Some(self.balance_amount.value)),
            flat::decimal(Some(self.credit_amount.value)),
            flat::decimal(self.credit_used_latest_month.as_ref().map(|a| a.value)),
            flat::text(&self.status),
            flat::flag(Some(self.expired)),
            flat::day(self.effective_date),
            flat::day(self.expiry_date),
        ]);
    }
}

/// The totals under the `credits aco` table: per currency, the latest balances, and what was
/// used in the latest month when that is known for every credit of the currency. For people
/// only (`Printer::emit_footer`): JSON and csv carry the credits, which add up to it.
#[derive(Serialize)]
#[serde(transparent)]
pub struct AcoTotals<'a>(pub &'a [crate::aco::AcoCredit]);

impl View for AcoTotals<'_> {
    fn blocks(&self) -> Vec<Block<'_>> {
        use rust_decimal::Decimal;
        // Credits that have not expired, per currency; what was used is summed over those
        // whose latest month is the currency's newest (older ones did not report that month).
        let live: Vec<&crate::aco::AcoCredit> = self.0.iter().filter(|c| !c.expired).collect();
        let mut newest: std::collections::BTreeMap<&str, chrono::NaiveDate> =
            std::collections::BTreeMap::new();
        for credit in &live {
            let month = newest
                .entry(credit.currency.as_str())
                .or_insert(credit.latest_month);
            *month = (*month).max(credit.latest_month);
        }
        let mut totals: std::collections::BTreeMap<&str, (u64, Decimal, Option<Decimal>)> =
            std::collections::BTreeMap::new();
        for credit in &live {
            let entry = totals.entry(credit.currency.as_str()).or_insert((
                0,
                Decimal::ZERO,
                Some(Decimal::ZERO),
            ));
            entry.0 += 1;
            // Amounts are at most 10^20 each (the reader refuses more): sums cannot overflow.
            entry.1 += credit.balance_amount.value;
            if Some(&credit.latest_month) == newest.get(credit.currency.as_str()) {
                entry.2 = match (entry.2, &credit.credit_used_latest_month) {
                    (Some(sum), Some(used)) => Some(sum + used.value),
                    _ => None,
                };
            }
        }
        // Rounded here, as every amount for people is: the totals are made in this view.
        let for_people = |value: Decimal, currency: &str| {
            Cell::owned(crate::model::money::for_people(&value, Some(currency)))
        };
        let rows: Vec<Vec<Cell<'_>>> = totals
            .into_iter()
            .map(|(currency, (count, balance, used))| {
                vec![
                    Cell::owned(currency),
                    Cell::Count(count),
                    for_people(balance, currency),
                    match used {
                        Some(used) => for_people(used, currency),
                        None => Cell::Text(None),
                    },
                ]
            })
            .collect();
        if rows.is_empty() {
            return Vec::new();
        }
        vec![Block::Table(TableBlock {
            columns: ACO_TOTAL_COLUMNS,
            rows,
        })]
    }

    fn flat(&self) -> FlatTable<'_> {
        FlatTable {
            header: &[],
            rows: Vec::new(),
        }
    }
}

/// A record of `lots --all` or `events --all`: the record with its profile's name in front
/// (tables only; JSON and csv already carry `billingProfileId`).
pub struct OfProfile<'a, R> {
    pub profile: &'a ScopeRef,
    pub record: &'a R,
}

impl<R: Serialize> Serialize for OfProfile<'_, R> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.record.serialize(s)
    }
}

/// A record that can be listed for many profiles: its columns behind a Profile column (its
/// own `columns()` are the rest, so the two lists cannot drift apart).
pub trait ListedPerProfile: Record {
    const WITH_PROFILE: &'static [Column];
}

impl ListedPerProfile for LotRow<'_> {
    const WITH_PROFILE: &'static [Column] = &[
        Column::prose("Profile"),
        Column::prose("Source"),
        Column::text("Status"),
        Column::day("Start").optional(1),
        Column::day("Expires"),
        Column::money("Original").optional(2),
        Column::money("Remaining"),
        Column::text("PO number").optional(3),
    ];
}

impl ListedPerProfile for CreditEvent {
    const WITH_PROFILE: &'static [Column] = &[
        Column::prose("Profile"),
        Column::day("Date"),
        Column::prose("Description"),
        Column::text("Type").optional(2),
        Column::money("New credit").optional(3),
        Column::money("Adjustments").optional(5),
        Column::money("Credit expired").optional(4),
        Column::money("Charges"),
        Column::money("Balance after"),
        Column::text("Invoice").optional(6),
    ];
}

impl<R: ListedPerProfile> Record for OfProfile<'_, R> {
    fn columns() -> &'static [Column] {
        R::WITH_PROFILE
    }

    fn cells<'a>(&'a self, row: &mut Vec<Cell<'a>>) {
        row.push(Cell::owned(self.profile.label()));
        self.record.cells(row);
    }

    fn header() -> &'static [&'static str] {
        R::header()
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        self.record.fields(row);
    }

    const HAS_METRICS: bool = R::HAS_METRICS;

    fn metrics(&self, out: &mut Metrics) {
        self.record.metrics(out);
    }
}

/// A partner's customer's value (`balance`, `forecast`): the profile's shape with a
/// `customer` object in place of `billingProfile` (JSON); tables title it by its scope.
pub struct ForCustomer<'a, V>(pub &'a V);

impl<V: Serialize> Serialize for ForCustomer<'_, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        // Through a JSON value (numbers stay exact: arbitrary precision), the key renamed.
        let value = serde_json::to_value(self.0).map_err(serde::ser::Error::custom)?;
        let serde_json::Value::Object(fields) = value else {
            return Err(serde::ser::Error::custom("a customer's value is an object"));
        };
        let mut out = s.serialize_map(Some(fields.len()))?;
        for (key, field) in &fields {
            let key = if key == "billingProfile" {
                "customer"
            } else {
                key
            };
            out.serialize_entry(key, field)?;
        }
        out.end()
    }
}

impl<V: View> View for ForCustomer<'_, V> {
    fn blocks(&self) -> Vec<Block<'_>> {
        self.0.blocks()
    }

    fn flat(&self) -> FlatTable<'_> {
        self.0.flat()
    }

    fn metrics(&self, out: &mut Metrics) -> bool {
        self.0.metrics(out)
    }
}

#[cfg(test)]
mod per_profile_tests {
    use super::*;

    /// `--all` tables start with the profile, a column that may wrap (names have spaces)
    /// and is never left out.
    #[test]
    fn the_profile_column_comes_first_and_is_kept() {
        for columns in [LotRow::WITH_PROFILE, CreditEvent::WITH_PROFILE] {
            assert_eq!(columns[0].title, "Profile");
            assert_eq!(columns[0].drop_order, 0);
            assert_eq!(columns[0].kind, super::super::cell::ColumnKind::Prose);
        }
        assert_eq!(LotRow::columns().len() + 1, LotRow::WITH_PROFILE.len());
    }
}
