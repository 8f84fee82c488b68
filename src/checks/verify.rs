//! `credits verify`: whether Azure's own figures agree with each other, as pure functions of
//! what was read. Each check gives `passed | failed | warning | not checked | could not
//! check` with both figures and their difference:
//!
//! - `available-balance`: the sum of `closedBalance` over active lots (commitments left
//!   out) equals the current balance, the rule Microsoft documents;
//! - `summary`: estimated = current + pending eligible charges + pending credit adjustments
//!   - |expired credit|;
//! - `ledger`: each event's `closedBalance` is the previous one plus its movement, per lot
//!   where events name a lot, else per scope, in whichever of Microsoft's two sign
//!   conventions fits every step;
//! - `invoice-credit` and `invoice-total` (undocumented: warnings unless strict): each
//!   invoice's credit against its settled charges, and its arithmetic.

use super::Outcome;
use crate::error::ErrorKind;
use crate::model::amount::Amount;
use crate::model::domain::{
    available_from_lots, chronological, BalanceSummary, CreditEvent, CreditLot,
};
use crate::model::invoice::InvoiceLine;
use crate::model::money::Money;
use crate::model::scope::last_segment;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// A check's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Finding {
    Passed,
    Failed,
    /// An undocumented check that did not hold (without `--strict`).
    Warning,
    NotChecked,
    /// A figure could not be read; the kind of the failure decides the exit code.
    CouldNotCheck(ErrorKind),
}

impl Finding {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Finding::Passed => "passed",
            Finding::Failed => "failed",
            Finding::Warning => "warning",
            Finding::NotChecked => "not checked",
            Finding::CouldNotCheck(_) => "could not check",
        }
    }
}

impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.word())
    }
}

/// Which sign convention a ledger follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Convention {
    /// Debits are negative and added (Microsoft's documentation samples).
    Signed,
    /// Debits are positive and subtracted (Microsoft's 2019 spec example).
    DebitsPositive,
}

impl Convention {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Convention::Signed => "signed",
            Convention::DebitsPositive => "debits-positive",
        }
    }
}

impl Serialize for Convention {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// One check of one scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Verification {
    /// The scope's id.
    pub(crate) scope: String,
    /// The scope as people name it.
    #[serde(skip)]
    pub(crate) subject: String,
    pub(crate) check: &'static str,
    pub(crate) result: Finding,
    /// Azure's figure.
    pub(crate) expected: Option<Amount>,
    /// The figure computed from Azure's other figures.
    pub(crate) actual: Option<Amount>,
    /// `actual - expected`.
    pub(crate) difference: Option<Amount>,
    pub(crate) convention: Option<Convention>,
    pub(crate) detail: String,
}

impl Verification {
    /// What this finding adds to a command's outcomes: only failures and what could not be
    /// checked change an exit code.
    pub(crate) fn outcome(&self) -> Option<Outcome> {
        let why = || format!("{}: {}", self.check, self.detail);
        match self.result {
            Finding::Failed => Some(Outcome::Failed(why())),
            Finding::CouldNotCheck(kind) => Some(Outcome::Unread(kind, why())),
            Finding::Passed | Finding::Warning | Finding::NotChecked => None,
        }
    }
}

/// What every check of one scope starts from.
#[derive(Debug, Clone)]
pub(crate) struct Subject {
    pub(crate) scope: String,
    pub(crate) label: String,
    /// The largest difference that still passes (a bare number, in each row's currency).
    pub(crate) tolerance: Decimal,
}

impl Subject {
    /// A finding without figures: the result and why.
    pub(crate) fn finding(
        &self,
        check: &'static str,
        result: Finding,
        detail: impl Into<String>,
    ) -> Verification {
        Verification {
            scope: self.scope.clone(),
            subject: self.label.clone(),
            check,
            result,
            expected: None,
            actual: None,
            difference: None,
            convention: None,
            detail: detail.into(),
        }
    }

    /// Both figures compared: passed when they differ by no more than the tolerance, else
    /// `otherwise`.
    fn compared(
        &self,
        check: &'static str,
        expected: Amount,
        actual: Amount,
        otherwise: Finding,
        detail: impl Into<String>,
    ) -> Verification {
        let detail = detail.into();
        let difference = match actual.checked_sub(&expected) {
            Ok(Some(d)) => d,
            Ok(None) => {
                return self.finding(
                    check,
                    Finding::CouldNotCheck(ErrorKind::Unavailable),
                    "the difference overflows",
                )
            }
            Err(mismatch) => {
                return self.finding(
                    check,
                    Finding::CouldNotCheck(ErrorKind::Unavailable),
                    mismatch.to_string(),
                )
            }
        };
        let result = if difference.value.abs() <= self.tolerance {
            Finding::Passed
        } else {
            otherwise
        };
        Verification {
            expected: Some(expected),
            actual: Some(actual),
            difference: Some(difference),
            ..self.finding(check, result, detail)
        }
    }
}

/// A sum of amounts in one currency; `Err` names the problem.
fn sum<'a>(
    amounts: impl IntoIterator<Item = &'a Amount>,
    zero_currency: Option<&str>,
) -> Result<Amount, String> {
    let mut total = Amount::new(Decimal::ZERO, zero_currency);
    for amount in amounts {
        total = total
            .checked_add(amount)
            .map_err(|e| e.to_string())?
            .ok_or("the sum overflows")?;
    }
    Ok(total)
}

fn amount_of(money: &Option<Money>, currency: Option<&str>) -> Option<Amount> {
    Amount::of(money.as_ref(), currency)
}

/// The credit currency of a balance summary.
fn credit_currency(summary: &BalanceSummary) -> Option<String> {
    summary
        .credit_currency
        .clone()
        .or_else(|| {
            summary
                .current_balance
                .as_ref()
                .and_then(|m| m.currency.clone())
        })
        .or_else(|| summary.billing_profile.currency.clone())
}

/// `available-balance`: the active lots add up to the current balance.
pub(crate) fn available_balance(
    subject: &Subject,
    summary: Result<Option<&BalanceSummary>, (ErrorKind, String)>,
    lots: Result<&[CreditLot], (ErrorKind, String)>,
    as_of: NaiveDate,
) -> Verification {
    const CHECK: &str = "available-balance";
    let summary = match summary {
        Err((kind, why)) => return subject.finding(CHECK, Finding::CouldNotCheck(kind), format!("the balance summary could not be read: {why}")),
        Ok(None) => return subject.finding(CHECK, Finding::NotChecked, "Azure no longer serves a balance summary for this scope: there is no current balance to compare the lots with"),
        Ok(Some(summary)) => summary,
    };
    let lots = match lots {
        Err((kind, why)) => {
            return subject.finding(
                CHECK,
                Finding::CouldNotCheck(kind),
                format!("the credit lots could not be read: {why}"),
            )
        }
        Ok(lots) => lots,
    };
    let currency = credit_currency(summary);
    let Some(current) = amount_of(&summary.current_balance, currency.as_deref()) else {
        return subject.finding(
            CHECK,
            Finding::CouldNotCheck(ErrorKind::Unavailable),
            "Azure did not state the current balance",
        );
    };
    match available_from_lots(lots, as_of, current.currency()) {
        Ok(from_lots) => subject.compared(
            CHECK,
            current,
            from_lots,
            Finding::Failed,
            "the sum of closedBalance over the active lots against the current balance",
        ),
        Err(why) => subject.finding(CHECK, Finding::CouldNotCheck(ErrorKind::Unavailable), why),
    }
}

/// `summary`: the estimated balance follows from the current one and the pending figures.
pub(crate) fn summary(
    subject: &Subject,
    summary: Result<Option<&BalanceSummary>, (ErrorKind, String)>,
) -> Verification {
    const CHECK: &str = "summary";
    let summary = match summary {
        Err((kind, why)) => {
            return subject.finding(
                CHECK,
                Finding::CouldNotCheck(kind),
                format!("the balance summary could not be read: {why}"),
            )
        }
        Ok(None) => {
            return subject.finding(
                CHECK,
                Finding::NotChecked,
                "Azure no longer serves a balance summary for this scope",
            )
        }
        Ok(Some(summary)) => summary,
    };
    let currency = credit_currency(summary);
    let currency = currency.as_deref();
    let figures = [
        ("estimatedBalance", &summary.estimated_balance),
        ("currentBalance", &summary.current_balance),
        ("pendingEligibleCharges", &summary.pending_eligible_charges),
        (
            "pendingCreditAdjustments",
            &summary.pending_credit_adjustments,
        ),
        ("expiredCredit", &summary.expired_credit),
    ];
    let mut amounts: Vec<Amount> = Vec::with_capacity(figures.len());
    for (field, money) in figures {
        match amount_of(money, currency) {
            Some(amount) => amounts.push(amount),
            None => {
                return subject.finding(
                    CHECK,
                    Finding::CouldNotCheck(ErrorKind::Unavailable),
                    format!("Azure did not state {field}"),
                )
            }
        }
    }
    let [estimated, current, pending, adjustments, expired] = match <[Amount; 5]>::try_from(amounts)
    {
        Ok(figures) => figures,
        Err(_) => {
            return subject.finding(
                CHECK,
                Finding::CouldNotCheck(ErrorKind::Unavailable),
                "a figure is missing",
            )
        }
    };
    let expired = Amount::new(expired.value.abs(), expired.currency());
    let computed = current
        .checked_add(&pending)
        .and_then(|a| a.map_or(Ok(None), |a| a.checked_add(&adjustments)))
        .and_then(|a| a.map_or(Ok(None), |a| a.checked_sub(&expired)));
    match computed {
        Ok(Some(computed)) => subject.compared(
            CHECK,
            estimated,
            computed,
            Finding::Failed,
            "current + pending eligible charges + pending credit adjustments - abs(expired credit) against the estimated balance",
        ),
        Ok(None) => subject.finding(CHECK, Finding::CouldNotCheck(ErrorKind::Unavailable), "the sum overflows"),
        Err(mismatch) => subject.finding(CHECK, Finding::CouldNotCheck(ErrorKind::Unavailable), mismatch.to_string()),
    }
}

/// An event's movement of the balance in a convention; `canceledCredit` moves nothing.
fn movement(
    event: &CreditEvent,
    convention: Convention,
    currency: Option<&str>,
) -> Result<Decimal, String> {
    let part = |money: &Option<Money>| -> Result<Decimal, String> {
        match amount_of(money, currency) {
            None => Ok(Decimal::ZERO),
            Some(amount) => {
                if let (Some(a), Some(b)) = (amount.currency(), currency) {
                    if !a.eq_ignore_ascii_case(b) {
                        return Err(format!(
                            "{a} and {b} are different currencies and are never added or compared"
                        ));
                    }
                }
                Ok(amount.value)
            }
        }
    };
    let new = part(&event.new_credit)?;
    let debits = [
        part(&event.adjustments)?,
        part(&event.credit_expired)?,
        part(&event.charges)?,
    ];
    let total = debits.iter().try_fold(new, |so_far, d| match convention {
        Convention::Signed => so_far.checked_add(*d),
        Convention::DebitsPositive => so_far.checked_sub(*d),
    });
    total.ok_or_else(|| "a movement overflows".to_string())
}

/// Where a chain first breaks: the event, the balance it should have closed at, and the one
/// it closed at.
#[derive(Debug, Clone)]
struct Break {
    event: String,
    /// The closing balance Azure reported.
    reported: Decimal,
    /// The previous balance plus the event's movement.
    computed: Decimal,
}

/// Walks one chain (oldest first) in a convention: the first step that does not follow.
fn first_break(
    chain: &[&CreditEvent],
    convention: Convention,
    currency: Option<&str>,
    tolerance: Decimal,
) -> Result<Option<Break>, String> {
    let mut previous: Option<Decimal> = None;
    for event in chain {
        let Some(closed) = event.closed_balance.as_ref().and_then(|m| m.value) else {
            // A step without a closing balance cannot be followed: the chain starts again.
            previous = None;
            continue;
        };
        if let Some(before) = previous {
            let expected = before
                .checked_add(movement(event, convention, currency)?)
                .ok_or("a balance overflows")?;
            if (closed - expected).abs() > tolerance {
                return Ok(Some(Break {
                    event: event_label(event),
                    reported: closed,
                    computed: expected,
                }));
            }
        }
        previous = Some(closed);
    }
    Ok(None)
}

/// A chain whose every event states its closing balance: its last one, and its first one
/// plus every movement after it.
fn follow(
    chain: &[&CreditEvent],
    convention: Convention,
    currency: Option<&str>,
) -> Option<(Decimal, Decimal)> {
    let closed = |e: &CreditEvent| e.closed_balance.as_ref().and_then(|m| m.value);
    let (first, rest) = chain.split_first()?;
    let mut computed = closed(first)?;
    let mut last = computed;
    for event in rest {
        last = closed(event)?;
        computed = computed.checked_add(movement(event, convention, currency).ok()?)?;
    }
    Some((last, computed))
}

fn event_label(event: &CreditEvent) -> String {
    let day = event
        .transaction_date
        .map_or("undated".to_string(), |d| d.date_naive().to_string());
    let what = event
        .event_type
        .as_deref()
        .or(event.description.as_deref())
        .unwrap_or("event");
    match event
        .name
        .as_deref()
        .or(event.id.as_deref().map(last_segment))
    {
        Some(name) => format!("{name} ({what}, {day})"),
        None => format!("{what} on {day}"),
    }
}

/// `ledger`: each closing balance follows from the previous one, per lot where events name
/// a lot, else for the scope, in one sign convention that fits every step.
pub(crate) fn ledger(
    subject: &Subject,
    events: Result<&[CreditEvent], (ErrorKind, String)>,
    currency: Option<&str>,
) -> Verification {
    const CHECK: &str = "ledger";
    let events = match events {
        Err((kind, why)) => {
            return subject.finding(
                CHECK,
                Finding::CouldNotCheck(kind),
                format!("the credit transactions could not be read: {why}"),
            )
        }
        Ok(events) => events,
    };
    let currency = currency.map(str::to_string).or_else(|| {
        events
            .iter()
            .find_map(|e| e.closed_balance.as_ref().and_then(|m| m.currency.clone()))
    });
    let currency = currency.as_deref();
    // Chains: one per lot named, one for the events that name none.
    let mut chains: Vec<(Option<String>, Vec<&CreditEvent>)> = Vec::new();
    for event in chronological(events) {
        let lot = event
            .lot_id
            .as_deref()
            .map(|l| last_segment(l).to_ascii_lowercase());
        match chains.iter_mut().find(|(key, _)| *key == lot) {
            Some((_, chain)) => chain.push(event),
            None => chains.push((lot, vec![event])),
        }
    }
    let steps: usize = chains
        .iter()
        .map(|(_, chain)| {
            chain
                .iter()
                .filter(|e| e.closed_balance.as_ref().and_then(|m| m.value).is_some())
                .count()
                .saturating_sub(1)
        })
        .sum();
    if steps == 0 {
        return subject.finding(
            CHECK,
            Finding::NotChecked,
            format!(
                "{} transaction(s) in the window: no step to follow",
                events.len()
            ),
        );
    }
    let mut first_failure: Option<(Convention, Break)> = None;
    for convention in [Convention::Signed, Convention::DebitsPositive] {
        let mut broke = None;
        for (_, chain) in &chains {
            match first_break(chain, convention, currency, subject.tolerance) {
                Ok(None) => {}
                Ok(Some(at)) => {
                    broke = Some(at);
                    break;
                }
                Err(why) => {
                    return subject.finding(
                        CHECK,
                        Finding::CouldNotCheck(ErrorKind::Unavailable),
                        why,
                    )
                }
            }
        }
        match broke {
            None => {
                let lots = chains.iter().filter(|(lot, _)| lot.is_some()).count();
                let per = if lots > 0 {
                    format!(" in {} chain(s), per lot", chains.len())
                } else {
                    String::new()
                };
                // One chain: its last closing balance, and the one its first balance and
                // every movement after it add up to.
                let (expected, actual) = match chains.as_slice() {
                    [(_, chain)] => match follow(chain, convention, currency) {
                        Some((last, computed)) => (
                            Some(Amount::new(last, currency)),
                            Some(Amount::new(computed, currency)),
                        ),
                        None => (None, None),
                    },
                    _ => (None, None),
                };
                let difference = match (&actual, &expected) {
                    (Some(a), Some(e)) => a.checked_sub(e).ok().flatten(),
                    _ => None,
                };
                // Every step exact, or some only within the tolerance.
                let exact = subject.tolerance.is_zero()
                    || difference.as_ref().is_some_and(|d| d.value.is_zero());
                return Verification {
                    convention: Some(convention),
                    difference,
                    expected,
                    actual,
                    ..subject.finding(
                        CHECK,
                        Finding::Passed,
                        format!(
                            "{steps} step(s){per} follow{}, {}",
                            if exact { "" } else { " within the tolerance" },
                            convention_words(convention)
                        ),
                    )
                };
            }
            Some(at) => {
                if first_failure.is_none() {
                    first_failure = Some((convention, at));
                }
            }
        }
    }
    let Some((convention, at)) = first_failure else {
        return subject.finding(
            CHECK,
            Finding::CouldNotCheck(ErrorKind::Unavailable),
            "no convention was tried",
        );
    };
    // Like every check: Azure's figure expected, the one computed from its others actual.
    let expected = Amount::new(at.reported, currency);
    let actual = Amount::new(at.computed, currency);
    Verification {
        difference: actual.checked_sub(&expected).ok().flatten(),
        expected: Some(expected),
        actual: Some(actual),
        ..subject.finding(
            CHECK,
            Finding::Failed,
            format!(
                "neither sign convention fits every step: with {}, the closing balance of {} is not the previous one plus its movement",
                convention_words(convention),
                at.event
            ),
        )
    }
}

fn convention_words(convention: Convention) -> &'static str {
    match convention {
        Convention::Signed => "debits negative and added",
        Convention::DebitsPositive => "debits positive and subtracted",
    }
}

/// What a read failed with, as the checks that needed it say it.
pub(crate) type Unread = (ErrorKind, String);

/// The three checks of every scope, from what was read: the balance summary (`Ok(None)`
/// when Azure no longer serves one), the lots and the credit transactions.
pub(crate) fn of_reads(
    subject: &Subject,
    summary: Result<Option<&BalanceSummary>, Unread>,
    lots: Result<&[CreditLot], Unread>,
    events: Result<&[CreditEvent], Unread>,
    currency: Option<&str>,
    as_of: NaiveDate,
) -> Vec<Verification> {
    vec![
        available_balance(subject, summary.clone(), lots, as_of),
        self::summary(subject, summary),
        ledger(subject, events, currency),
    ]
}

/// One invoice's comparison in an invoice check.
enum InvoiceFinding {
    Agrees(Amount, Amount),
    Differs(Verification),
    Unknown(ErrorKind, String),
}

/// The result of an invoice check over every invoice: what could not be checked wins, then
/// what differs (a warning, or a failure with `strict`), then a pass with the sums of both
/// figures (for information: each invoice was compared on its own).
fn combine(
    subject: &Subject,
    check: &'static str,
    what: &str,
    findings: Vec<(String, InvoiceFinding)>,
    otherwise: Finding,
    none: &str,
) -> Verification {
    if findings.is_empty() {
        return subject.finding(check, Finding::NotChecked, none);
    }
    let total = findings.len();
    let names = |wanted: fn(&InvoiceFinding) -> bool| -> Vec<&str> {
        findings
            .iter()
            .filter(|(_, f)| wanted(f))
            .map(|(name, _)| name.as_str())
            .collect()
    };
    let unknown = names(|f| matches!(f, InvoiceFinding::Unknown(..)));
    let differing = names(|f| matches!(f, InvoiceFinding::Differs(..)));
    if let Some((name, InvoiceFinding::Unknown(kind, why))) = findings
        .iter()
        .find(|(_, f)| matches!(f, InvoiceFinding::Unknown(..)))
    {
        let also = if differing.is_empty() {
            String::new()
        } else {
            format!("; {} differ ({})", differing.len(), differing.join(", "))
        };
        return subject.finding(
            check,
            Finding::CouldNotCheck(*kind),
            format!(
                "{} of {total} {} could not be compared ({}): {name}: {why}{also}",
                unknown.len(),
                invoices_word(total),
                unknown.join(", ")
            ),
        );
    }
    if let Some((name, InvoiceFinding::Differs(first))) = findings
        .iter()
        .find(|(_, f)| matches!(f, InvoiceFinding::Differs(..)))
    {
        return Verification {
            result: otherwise,
            detail: format!(
                "{} of {total} {} differ ({}); figures of {name}: {what} (undocumented by Microsoft)",
                differing.len(),
                invoices_word(total),
                differing.join(", ")
            ),
            ..first.clone()
        };
    }
    let mut expected: Vec<Amount> = Vec::new();
    let mut actual: Vec<Amount> = Vec::new();
    for (_, finding) in &findings {
        if let InvoiceFinding::Agrees(e, a) = finding {
            expected.push(e.clone());
            actual.push(a.clone());
        }
    }
    match (sum(&expected, None), sum(&actual, None)) {
        (Ok(expected), Ok(actual)) => Verification {
            difference: actual.checked_sub(&expected).ok().flatten(),
            expected: Some(expected),
            actual: Some(actual),
            ..subject.finding(
                check,
                Finding::Passed,
                format!(
                    "{total} {} agree, each on its own: {what} (the sums are shown)",
                    invoices_word(total)
                ),
            )
        },
        // Several currencies: each invoice agreed; there is no one sum to show.
        _ => subject.finding(
            check,
            Finding::Passed,
            format!(
                "{total} {} agree, each on its own: {what}",
                invoices_word(total)
            ),
        ),
    }
}

/// What an undocumented check gives when it does not hold: a warning, or with `--strict` a
/// failure.
fn undocumented(strict: bool) -> Finding {
    if strict {
        Finding::Failed
    } else {
        Finding::Warning
    }
}

fn invoices_word(count: usize) -> &'static str {
    if count == 1 {
        "invoice"
    } else {
        "invoices"
    }
}

fn abs(amount: &Amount) -> Amount {
    Amount::new(amount.value.abs(), amount.currency())
}

/// `invoice-credit`: each invoice's credit applied against the settled charges the ledger
/// billed on it (compared by absolute value: the signs differ between the two sources). An
/// invoice that applied credit but that no settled transaction names differs; one whose
/// settled charges are not all stated cannot be compared.
pub(crate) fn invoice_credit(
    subject: &Subject,
    lines: &[InvoiceLine],
    strict: bool,
) -> Verification {
    const CHECK: &str = "invoice-credit";
    let otherwise = undocumented(strict);
    let mut findings = Vec::new();
    for line in lines.iter().filter(|l| l.kind.counts()) {
        let name = line.invoice.label().to_string();
        let Some(credit) = line.credit_applied.as_ref().map(abs) else {
            findings.push((
                name,
                InvoiceFinding::Unknown(
                    ErrorKind::Unavailable,
                    "Azure did not state the credit applied".into(),
                ),
            ));
            continue;
        };
        let settlement = line.settlement.clone().unwrap_or_default();
        let settled = match (&settlement.settled_charges, settlement.settled_events) {
            (Some(settled), _) => abs(settled),
            // No settled transaction names it: nothing was settled on it.
            (None, 0) => Amount::new(Decimal::new(0, 2), credit.currency()),
            (None, _) => {
                findings.push((
                    name,
                    InvoiceFinding::Unknown(
                        ErrorKind::Unavailable,
                        "a settled transaction of it does not state its charges".into(),
                    ),
                ));
                continue;
            }
        };
        let one = subject.compared(CHECK, credit.clone(), settled.clone(), otherwise, "");
        let finding = match one.result {
            Finding::Passed => InvoiceFinding::Agrees(credit, settled),
            Finding::CouldNotCheck(kind) => InvoiceFinding::Unknown(kind, one.detail.clone()),
            _ => InvoiceFinding::Differs(one),
        };
        findings.push((name, finding));
    }
    combine(
        subject,
        CHECK,
        "credit applied against abs(settled charges)",
        findings,
        otherwise,
        "no invoice in the window to compare with the settled credit transactions",
    )
}

/// `invoice-total`: total = charges - credit applied - refunds + tax, in absolute values.
pub(crate) fn invoice_total(
    subject: &Subject,
    lines: &[InvoiceLine],
    strict: bool,
) -> Verification {
    const CHECK: &str = "invoice-total";
    let otherwise = undocumented(strict);
    let mut findings = Vec::new();
    for line in lines.iter().filter(|l| l.kind.counts()) {
        let invoice = &line.invoice;
        let name = invoice.label().to_string();
        let (Some(billed), Some(total)) = (
            invoice.amount(&invoice.billed_amount),
            invoice.amount(&invoice.total_amount),
        ) else {
            findings.push((
                name,
                InvoiceFinding::Unknown(
                    ErrorKind::Unavailable,
                    "Azure did not state its charges and its total".into(),
                ),
            ));
            continue;
        };
        let currency = billed.currency().map(str::to_string);
        let zero = || Amount::new(Decimal::ZERO, currency.as_deref());
        let credit = abs(&line.credit_applied.clone().unwrap_or_else(zero));
        let refunds = abs(&invoice.amount(&invoice.credit_amount).unwrap_or_else(zero));
        let tax = abs(&invoice.amount(&invoice.tax_amount).unwrap_or_else(zero));
        let computed = abs(&billed)
            .checked_sub(&credit)
            .and_then(|a| a.map_or(Ok(None), |a| a.checked_sub(&refunds)))
            .and_then(|a| a.map_or(Ok(None), |a| a.checked_add(&tax)));
        let finding = match computed {
            Ok(Some(computed)) => {
                let one = subject.compared(CHECK, abs(&total), computed.clone(), otherwise, "");
                match one.result {
                    Finding::Passed => InvoiceFinding::Agrees(abs(&total), computed),
                    Finding::CouldNotCheck(kind) => {
                        InvoiceFinding::Unknown(kind, one.detail.clone())
                    }
                    _ => InvoiceFinding::Differs(one),
                }
            }
            Ok(None) => InvoiceFinding::Unknown(ErrorKind::Unavailable, "a sum overflows".into()),
            Err(e) => InvoiceFinding::Unknown(ErrorKind::Unavailable, e.to_string()),
        };
        findings.push((name, finding));
    }
    combine(
        subject,
        CHECK,
        "abs(total) against abs(charges) - abs(credit applied) - abs(refunds) + abs(tax)",
        findings,
        otherwise,
        "no invoice in the window to check",
    )
}

/// `ea-ledger`, for one period of an Enterprise Agreement enrollment (undocumented by
/// Microsoft, so a warning unless `--strict`): the ending balance is what the period began
/// with, plus purchases and adjustments, less what was used, never below zero; and the service
/// overage is the shortfall below zero. Two findings, each with both figures.
pub(crate) fn ea_ledger(
    subject: &Subject,
    period: &crate::model::ea::EaPrepayment,
    strict: bool,
) -> Vec<Verification> {
    const CHECK: &str = "ea-ledger";
    let shown = period.period_shown();
    if period.price_hidden {
        return vec![subject.finding(
            CHECK,
            Finding::CouldNotCheck(ErrorKind::Unavailable),
            format!("{shown}: the enrollment's prices are hidden (priceHidden)"),
        )];
    }
    let currency = period.currency.as_deref();
    let figure = |name: &str, money: &Option<Money>| {
        amount_of(money, currency).ok_or_else(|| format!("{shown}: Azure did not state {name}"))
    };
    let read = (|| -> Result<_, String> {
        Ok((
            figure("beginningBalance", &period.beginning_balance)?,
            figure("newPurchases", &period.new_purchases)?,
            figure("adjustments", &period.adjustments)?,
            figure("utilized", &period.utilized)?,
            figure("endingBalance", &period.ending_balance)?,
        ))
    })();
    // A missing overage is unknown, not 0: only its own row cannot be checked.
    let overage = figure("serviceOverage", &period.service_overage);
    let (beginning, purchases, adjustments, utilized, ending) = match read {
        Ok(figures) => figures,
        Err(why) => {
            return vec![subject.finding(
                CHECK,
                Finding::CouldNotCheck(ErrorKind::Unavailable),
                why,
            )]
        }
    };
    let net = sum([&beginning, &purchases, &adjustments], currency).and_then(|total| {
        total
            .checked_sub(&utilized)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "the sum overflows".to_string())
    });
    let net = match net {
        Ok(net) => net,
        Err(why) => {
            return vec![subject.finding(
                CHECK,
                Finding::CouldNotCheck(ErrorKind::Unavailable),
                format!("{shown}: {why}"),
            )]
        }
    };
    let zero = Decimal::ZERO;
    let computed_ending = Amount::new(net.value.max(zero), net.currency());
    let shortfall = Amount::new((-net.value).max(zero), net.currency());
    let otherwise = if strict {
        Finding::Failed
    } else {
        Finding::Warning
    };
    vec![
        subject.compared(
            CHECK,
            ending,
            computed_ending,
            otherwise,
            format!("{shown}: beginningBalance + newPurchases + adjustments - utilized (never below 0) against endingBalance"),
        ),
        match overage {
            Ok(overage) => subject.compared(
                CHECK,
                overage,
                shortfall,
                otherwise,
                format!("{shown}: the shortfall below 0 against serviceOverage"),
            ),
            Err(why) => subject.finding(CHECK, Finding::CouldNotCheck(ErrorKind::Unavailable), why),
        },
    ]
}
