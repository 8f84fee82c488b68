//! Invoices of a billing profile or account as Azure sends them (every amount kept with its
//! sign and digits), what kind of document each is (an invoice, a rebill, a credit note, a
//! void, an invoice a rebill replaced), and what the credit ledger says about each: the
//! settled charges billed on it and what it still charged while credit was left.

use super::amount::Amount;
use super::domain::{
    chronological, date, money, present, serialize_iso, ConvertError, CreditEvent,
};
use super::money::{Money, WireDecimal};
use super::scope::last_segment;
use super::wire;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// An invoice (or credit note, or void note) as Azure reports it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    pub(crate) name: Option<String>,
    pub(crate) id: Option<String>,
    pub(crate) billing_profile_id: Option<String>,
    pub(crate) billing_profile_display_name: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) document_type: Option<String>,
    pub(crate) invoice_type: Option<String>,
    pub(crate) is_monthly_invoice: Option<bool>,
    #[serde(serialize_with = "serialize_iso")]
    pub(crate) invoice_date: Option<DateTime<Utc>>,
    #[serde(serialize_with = "serialize_iso")]
    pub(crate) due_date: Option<DateTime<Utc>>,
    #[serde(serialize_with = "serialize_iso")]
    pub(crate) invoice_period_start_date: Option<DateTime<Utc>>,
    #[serde(serialize_with = "serialize_iso")]
    pub(crate) invoice_period_end_date: Option<DateTime<Utc>>,
    /// The charges of the period.
    pub(crate) billed_amount: Option<Money>,
    pub(crate) free_azure_credit_applied: Option<Money>,
    pub(crate) azure_prepayment_applied: Option<Money>,
    /// Refunds for returns and cancellations per the spec; seen holding minus the charges
    /// when credit covered an invoice. Shown as sent.
    pub(crate) credit_amount: Option<Money>,
    pub(crate) sub_total: Option<Money>,
    pub(crate) tax_amount: Option<Money>,
    pub(crate) total_amount: Option<Money>,
    pub(crate) amount_due: Option<Money>,
    pub(crate) credit_for_document_id: Option<String>,
    /// The invoice this one is a rebill of (`rebillDetails.invoiceDocumentId`).
    pub(crate) rebill_of: Option<String>,
    /// Every invoice the rebill chain replaced (`rebillDetails`, followed down).
    #[serde(skip)]
    pub(crate) replaces: Vec<String>,
}

/// How deep a rebill chain is followed: no real one is longer; a hostile one stops here.
const MAX_REBILL_DEPTH: usize = 32;

impl Invoice {
    pub fn from_wire(raw: wire::Invoice) -> Result<Self, ConvertError> {
        let p = raw.properties;
        let text = |value: Option<wire::LenientString>| present(value.map(|s| s.0));
        let mut replaces = Vec::new();
        let mut chain = p.rebill_details.as_ref();
        while let Some(details) = chain {
            if replaces.len() >= MAX_REBILL_DEPTH {
                break;
            }
            if let Some(id) = present(details.invoice_document_id.clone()) {
                replaces.push(id);
            }
            chain = details.rebill_details.as_deref();
        }
        let rebill_of = replaces.first().cloned();
        Ok(Invoice {
            name: present(raw.name),
            id: present(raw.id),
            billing_profile_id: present(p.billing_profile_id),
            billing_profile_display_name: present(p.billing_profile_display_name),
            status: text(p.status),
            document_type: text(p.document_type),
            invoice_type: text(p.invoice_type),
            is_monthly_invoice: p.is_monthly_invoice.map(|b| b.0),
            invoice_date: date("invoiceDate", p.invoice_date.as_deref())?,
            due_date: date("dueDate", p.due_date.as_deref())?,
            invoice_period_start_date: date(
                "invoicePeriodStartDate",
                p.invoice_period_start_date.as_deref(),
            )?,
            invoice_period_end_date: date(
                "invoicePeriodEndDate",
                p.invoice_period_end_date.as_deref(),
            )?,
            billed_amount: money("billedAmount", p.billed_amount.as_ref())?,
            free_azure_credit_applied: money(
                "freeAzureCreditApplied",
                p.free_azure_credit_applied.as_ref(),
            )?,
            azure_prepayment_applied: money(
                "azurePrepaymentApplied",
                p.azure_prepayment_applied.as_ref(),
            )?,
            credit_amount: money("creditAmount", p.credit_amount.as_ref())?,
            sub_total: money("subTotal", p.sub_total.as_ref())?,
            tax_amount: money("taxAmount", p.tax_amount.as_ref())?,
            total_amount: money("totalAmount", p.total_amount.as_ref())?,
            amount_due: money("amountDue", p.amount_due.as_ref())?,
            credit_for_document_id: present(p.credit_for_document_id),
            rebill_of,
            replaces,
        })
    }

    /// The invoice's name, or the last segment of its id.
    pub(crate) fn label(&self) -> &str {
        self.name
            .as_deref()
            .or(self.id.as_deref().map(last_segment))
            .unwrap_or("(unnamed)")
    }

    /// The currency of the invoice: that of its first amount that names one.
    pub(crate) fn currency(&self) -> Option<String> {
        [
            &self.total_amount,
            &self.billed_amount,
            &self.amount_due,
            &self.sub_total,
            &self.tax_amount,
            &self.free_azure_credit_applied,
            &self.azure_prepayment_applied,
            &self.credit_amount,
        ]
        .into_iter()
        .flatten()
        .find_map(|m| m.currency.as_deref())
        .map(str::to_ascii_uppercase)
    }

    /// An amount of this invoice, exact, in its currency.
    pub(crate) fn amount(&self, money: &Option<Money>) -> Option<Amount> {
        Amount::of(money.as_ref(), self.currency().as_deref())
    }

    /// Credit applied: free Azure credit plus Azure prepayment, as sent (`None` when Azure
    /// sent neither).
    pub(crate) fn credit_applied(&self) -> Result<Option<Amount>, ConvertError> {
        let free = self.amount(&self.free_azure_credit_applied);
        let prepaid = self.amount(&self.azure_prepayment_applied);
        match (free, prepaid) {
            (None, None) => Ok(None),
            (Some(one), None) | (None, Some(one)) => Ok(Some(one)),
            (Some(free), Some(prepaid)) => free
                .checked_add(&prepaid)
                .map_err(|e| format!("invoice {}: {e}", self.label()))?
                .map(Some)
                .ok_or_else(|| format!("invoice {}: the credit applied overflows", self.label())),
        }
    }

    /// The kind of document by what it says of itself (a replaced invoice is known only
    /// beside its rebill: `classify`).
    fn own_kind(&self) -> InvoiceKind {
        let is = |field: &Option<String>, word: &str| {
            field
                .as_deref()
                .is_some_and(|v| v.eq_ignore_ascii_case(word))
        };
        if is(&self.document_type, "CreditNote") {
            InvoiceKind::CreditNote
        } else if is(&self.document_type, "VoidNote")
            || is(&self.document_type, "Void")
            || is(&self.status, "Void")
        {
            InvoiceKind::Void
        } else if self.document_type.is_some() && !is(&self.document_type, "Invoice") {
            // A tax receipt, a summary, ...: a document beside an invoice, never counted.
            InvoiceKind::Other
        } else if self.rebill_of.is_some() {
            InvoiceKind::Rebill
        } else {
            InvoiceKind::Invoice
        }
    }

    /// The billing period for people: `2026-10` for a calendar month, else both days.
    pub(crate) fn period_label(&self) -> Option<String> {
        let start = self.invoice_period_start_date?.date_naive();
        let Some(end) = self.invoice_period_end_date.map(|d| d.date_naive()) else {
            return Some(start.to_string());
        };
        let whole_month = start.day() == 1
            && end.year() == start.year()
            && end.month() == start.month()
            && end.succ_opt().is_some_and(|next| next.day() == 1);
        Some(if whole_month {
            start.format("%Y-%m").to_string()
        } else {
            format!("{start}..{end}")
        })
    }

    /// The day the invoice's billing period starts (else its invoice date).
    pub(crate) fn period_start(&self) -> Option<NaiveDate> {
        self.invoice_period_start_date
            .or(self.invoice_date)
            .map(|d| d.date_naive())
    }
}

/// What a document is, for the totals: only invoices and rebills count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum InvoiceKind {
    Invoice,
    /// An invoice issued again in place of one it replaced.
    Rebill,
    CreditNote,
    Void,
    /// An invoice a rebill in the list replaced.
    Replaced,
    /// Another document (a tax receipt, a summary): listed, never counted.
    Other,
}

impl InvoiceKind {
    pub(crate) fn label(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "invoice",
            InvoiceKind::Rebill => "rebill",
            InvoiceKind::CreditNote => "credit note",
            InvoiceKind::Void => "void",
            InvoiceKind::Replaced => "replaced",
            InvoiceKind::Other => "other document",
        }
    }

    /// Whether the gates judge the document: voids and replaced invoices are gone.
    pub(crate) fn gated(self) -> bool {
        !matches!(self, InvoiceKind::Void | InvoiceKind::Replaced)
    }

    /// Whether the document counts in the totals.
    pub(crate) fn counts(self) -> bool {
        matches!(self, InvoiceKind::Invoice | InvoiceKind::Rebill)
    }
}

/// The kind of every document of a list: an invoice that a rebill in the list names as
/// replaced is `Replaced`.
pub(crate) fn classify(invoices: &[Invoice]) -> Vec<InvoiceKind> {
    // Who replaced whom; a document that names itself replaces nothing.
    let replaced_by: HashMap<String, HashSet<String>> =
        invoices.iter().fold(HashMap::new(), |mut map, i| {
            let own = i.label().to_ascii_lowercase();
            for id in &i.replaces {
                let name = last_segment(id).to_ascii_lowercase();
                if name != own {
                    map.entry(name)
                        .or_insert_with(HashSet::new)
                        .insert(own.clone());
                }
            }
            map
        });
    invoices
        .iter()
        .map(|invoice| {
            let kind = invoice.own_kind();
            let name = invoice.label().to_ascii_lowercase();
            // Two rebills naming each other replace neither: both stay counted rather than
            // both vanishing from the totals.
            let replaced = replaced_by.get(&name).is_some_and(|by| {
                by.iter().any(|other| {
                    !replaced_by
                        .get(other)
                        .is_some_and(|theirs| theirs.contains(&name))
                })
            });
            if matches!(kind, InvoiceKind::Invoice | InvoiceKind::Rebill) && replaced {
                InvoiceKind::Replaced
            } else {
                kind
            }
        })
        .collect()
}

/// An invoice's transaction summary (2024-04-01): its bare numbers as amounts in its
/// `billingCurrency`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceSummary {
    pub(crate) azure_credit_applied: Option<Money>,
    pub(crate) consumption_commitment_decremented: Option<Money>,
    pub(crate) sub_total: Option<Money>,
    pub(crate) tax: Option<Money>,
    pub(crate) total: Option<Money>,
}

impl InvoiceSummary {
    pub fn from_wire(raw: wire::TransactionSummary) -> Result<Self, ConvertError> {
        let currency = present(raw.billing_currency);
        let amount = |field: &str, value: Option<WireDecimal>| -> Result<Option<Money>, String> {
            match value {
                None | Some(WireDecimal(Ok(None))) => Ok(None),
                Some(WireDecimal(Ok(Some(value)))) => Ok(Some(Money {
                    value: Some(value),
                    currency: currency.clone(),
                    ..Money::default()
                })),
                Some(WireDecimal(Err(e))) => Err(format!("{field}: {e}")),
            }
        };
        let summary = InvoiceSummary {
            azure_credit_applied: amount("azureCreditApplied", raw.azure_credit_applied)?,
            consumption_commitment_decremented: amount(
                "consumptionCommitmentDecremented",
                raw.consumption_commitment_decremented,
            )?,
            sub_total: amount("subTotal", raw.sub_total)?,
            tax: amount("tax", raw.tax)?,
            total: amount("total", raw.total)?,
        };
        let any = [
            &summary.azure_credit_applied,
            &summary.consumption_commitment_decremented,
            &summary.sub_total,
            &summary.tax,
            &summary.total,
        ]
        .iter()
        .any(|m| m.is_some());
        if !any {
            return Err("the transaction summary holds no figure at all".into());
        }
        Ok(summary)
    }
}

/// An invoice as `credits invoices` lists it: the document, its kind in the list, the
/// credit it applied, and what was asked for beside it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InvoiceLine {
    pub(crate) invoice: Invoice,
    pub(crate) kind: InvoiceKind,
    pub(crate) credit_applied: Option<Amount>,
    /// With `--summary`, when Azure has one.
    pub(crate) summary: Option<InvoiceSummary>,
    /// With `--events`: what the credit ledger says of it.
    pub(crate) settlement: Option<Settlement>,
}

/// The lines of a list of invoices, newest first (by period, then invoice date, then name).
pub(crate) fn lines(
    invoices: Vec<Invoice>,
    summaries: Option<Vec<Option<InvoiceSummary>>>,
    settlements: Option<Vec<Settlement>>,
) -> Result<Vec<InvoiceLine>, ConvertError> {
    let kinds = classify(&invoices);
    let mut summaries = summaries.map(Vec::into_iter);
    let mut settlements = settlements.map(Vec::into_iter);
    let mut lines = invoices
        .into_iter()
        .zip(kinds)
        .map(|(invoice, kind)| {
            Ok(InvoiceLine {
                credit_applied: invoice.credit_applied()?,
                summary: summaries.as_mut().and_then(|s| s.next()).flatten(),
                settlement: settlements.as_mut().and_then(|s| s.next()),
                invoice,
                kind,
            })
        })
        .collect::<Result<Vec<_>, ConvertError>>()?;
    // Newest period first; within a period, by profile, then by name.
    lines.sort_by(|a, b| {
        let newest = (b.invoice.period_start(), b.invoice.invoice_date)
            .cmp(&(a.invoice.period_start(), a.invoice.invoice_date));
        let profile = |l: &InvoiceLine| {
            l.invoice
                .billing_profile_display_name
                .clone()
                .or_else(|| l.invoice.billing_profile_id.clone())
        };
        newest
            .then_with(|| profile(a).cmp(&profile(b)))
            .then_with(|| a.invoice.label().cmp(b.invoice.label()))
    });
    Ok(lines)
}

/// What the credit ledger says of one invoice (`--events`).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Settlement {
    /// The sum of the charges of the settled events billed on the invoice, as sent (Azure
    /// writes them negative); `None` when no settled event names it.
    pub(crate) settled_charges: Option<Amount>,
    /// What the invoice charged to another payment method before tax while the ledger still
    /// had credit after it; `None` when no settled event tells.
    pub(crate) charged_with_credit_left: Option<Amount>,
    /// How many settled events name the invoice.
    pub(crate) settled_events: usize,
}

/// The settled charges per invoice of a ledger, and what each invoice still charged while
/// credit was left: its `totalAmount` minus `taxAmount`, counted when the ledger's last
/// settled event for it closed with credit above zero (zero when it closed at zero).
pub(crate) fn settle(
    invoices: &[Invoice],
    events: &[CreditEvent],
) -> Result<Vec<Settlement>, ConvertError> {
    // The settled events of each invoice, by name (any case), oldest first. A commitment's
    // drawdown (MACC, at account scope) is not credit: it is left out.
    let mut by_invoice: HashMap<String, Vec<&CreditEvent>> = HashMap::new();
    for event in chronological(events) {
        let settled = event
            .event_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("SettledCharges"));
        let commitment = event
            .lot_source
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("ConsumptionCommitment"));
        if let (true, false, Some(number)) = (settled, commitment, event.invoice_number.as_deref())
        {
            by_invoice
                .entry(number.trim().to_ascii_lowercase())
                .or_default()
                .push(event);
        }
    }
    invoices
        .iter()
        .map(|invoice| {
            let Some(settled) = by_invoice.get(&invoice.label().to_ascii_lowercase()) else {
                return Ok(Settlement::default());
            };
            let label = invoice.label();
            let currency = invoice.currency();
            // The charges in the invoice's currency: the credit currency's figure, or the
            // billing currency's when the credit is kept in another. An event without its
            // charges makes the sum unknown: a partial sum is never shown as the sum.
            let mut sum: Option<Amount> =
                Some(Amount::new(Decimal::new(0, 2), currency.as_deref()));
            for event in settled {
                let in_credit = Amount::of(event.charges.as_ref(), None);
                let in_billing = Amount::of(event.charges_in_billing_currency.as_ref(), None);
                let same = |a: &Amount| match (a.currency(), currency.as_deref()) {
                    (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                    _ => true,
                };
                let charges = match (in_credit, in_billing) {
                    (Some(c), _) if same(&c) => {
                        Some(Amount::new(c.value, c.currency().or(currency.as_deref())))
                    }
                    (_, Some(b)) if same(&b) => {
                        Some(Amount::new(b.value, b.currency().or(currency.as_deref())))
                    }
                    (Some(c), _) => Some(c),
                    (None, _) => None,
                };
                sum = match (sum, charges) {
                    (Some(so_far), Some(charges)) => Some(
                        so_far
                            .checked_add(&charges)
                            .map_err(|e| format!("the charges settled on invoice {label}: {e}"))?
                            .ok_or_else(|| {
                                format!("the charges settled on invoice {label} overflow")
                            })?,
                    ),
                    _ => None,
                };
            }
            // The last settlement, in the order the ledger happened.
            let credit_left = settled
                .last()
                .and_then(|e| e.closed_balance.as_ref())
                .and_then(|m| m.value)
                .map(|v| v > Decimal::ZERO);
            let charged = match credit_left {
                None => None,
                Some(left) => {
                    let total = invoice.amount(&invoice.total_amount);
                    let tax = invoice
                        .amount(&invoice.tax_amount)
                        .unwrap_or_else(|| Amount::new(Decimal::ZERO, currency.as_deref()));
                    match total {
                        None => None,
                        Some(total) => {
                            let before_tax = total
                                .checked_sub(&tax)
                                .map_err(|e| format!("invoice {label}: {e}"))?
                                .ok_or_else(|| format!("invoice {label}: the total overflows"))?;
                            Some(if left {
                                before_tax
                            } else {
                                Amount::new(Decimal::new(0, 2), before_tax.currency())
                            })
                        }
                    }
                }
            };
            Ok(Settlement {
                settled_charges: sum,
                charged_with_credit_left: charged,
                settled_events: settled.len(),
            })
        })
        .collect()
}

/// One currency's totals over the invoices and rebills of a list (credit notes, voids and
/// replaced invoices are listed but not counted). A figure is `None` when a counted invoice
/// lacks it: a partial sum is never shown as the total.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InvoiceTotals {
    pub(crate) currency: Option<String>,
    pub(crate) invoices: usize,
    pub(crate) billed_amount: Option<Amount>,
    pub(crate) credit_applied: Option<Amount>,
    pub(crate) tax_amount: Option<Amount>,
    pub(crate) total_amount: Option<Amount>,
    pub(crate) amount_due: Option<Amount>,
    /// With `--events` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) charged_with_credit_left: Option<Option<Amount>>,
}

/// The totals per currency, in currency order.
pub(crate) fn totals<'a>(
    lines: impl IntoIterator<Item = (&'a Invoice, InvoiceKind, Option<&'a Settlement>)>,
    with_settlements: bool,
) -> Result<Vec<InvoiceTotals>, ConvertError> {
    let mut per_currency: BTreeMap<Option<String>, InvoiceTotals> = BTreeMap::new();
    let add = |total: &mut Option<Amount>, seen: bool, value: Option<Amount>, what: &str| {
        match (seen, total.as_ref(), value) {
            // Not every counted invoice has it: no total.
            (_, _, None) => Ok(None),
            (false, _, Some(v)) => Ok(Some(v)),
            (true, None, Some(_)) => Ok(None),
            (true, Some(so_far), Some(v)) => so_far
                .checked_add(&v)
                .map_err(|e| format!("the total {what}: {e}"))?
                .ok_or_else(|| format!("the total {what} overflows"))
                .map(Some),
        }
    };
    for (invoice, kind, settlement) in lines {
        if !kind.counts() {
            continue;
        }
        let currency = invoice.currency();
        let totals = per_currency
            .entry(currency.clone())
            .or_insert_with(|| InvoiceTotals {
                currency: currency.clone(),
                invoices: 0,
                billed_amount: None,
                credit_applied: None,
                tax_amount: None,
                total_amount: None,
                amount_due: None,
                charged_with_credit_left: with_settlements.then_some(None),
            });
        let seen = totals.invoices > 0;
        let figures = [
            (
                &mut totals.billed_amount,
                invoice.amount(&invoice.billed_amount),
                "charges",
            ),
            (
                &mut totals.credit_applied,
                invoice.credit_applied()?,
                "credit applied",
            ),
            (
                &mut totals.tax_amount,
                invoice.amount(&invoice.tax_amount),
                "tax",
            ),
            (
                &mut totals.total_amount,
                invoice.amount(&invoice.total_amount),
                "total",
            ),
            (
                &mut totals.amount_due,
                invoice.amount(&invoice.amount_due),
                "amount due",
            ),
        ];
        for (total, value, what) in figures {
            *total = add(total, seen, value, what)?;
        }
        if let Some(charged) = totals.charged_with_credit_left.as_mut() {
            let value = settlement.and_then(|s| s.charged_with_credit_left.clone());
            *charged = add(charged, seen, value, "charged with credit left")?;
        }
        totals.invoices += 1;
    }
    Ok(per_currency.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(json: &str) -> Invoice {
        Invoice::from_wire(serde_json::from_str(json).unwrap()).unwrap()
    }

    #[test]
    fn rebills_replace_what_they_name_and_notes_are_not_counted() {
        let rebill = invoice(
            r#"{"name":"I3","properties":{"documentType":"Invoice","rebillDetails":{"invoiceDocumentId":"/providers/Microsoft.Billing/billingAccounts/A/invoices/I2","rebillDetails":{"invoiceDocumentId":"/providers/Microsoft.Billing/billingAccounts/A/invoices/I1"}}}}"#,
        );
        let replaced = invoice(r#"{"name":"I2","properties":{"documentType":"Invoice"}}"#);
        let older = invoice(r#"{"name":"i1","properties":{}}"#);
        let note = invoice(r#"{"name":"C1","properties":{"documentType":"CreditNote"}}"#);
        let void = invoice(r#"{"name":"V1","properties":{"status":"Void"}}"#);
        let kinds = classify(&[rebill, replaced, older, note, void]);
        assert_eq!(
            kinds,
            vec![
                InvoiceKind::Rebill,
                InvoiceKind::Replaced,
                InvoiceKind::Replaced,
                InvoiceKind::CreditNote,
                InvoiceKind::Void
            ]
        );
        assert!(kinds[0].counts() && !kinds[1].counts() && !kinds[3].counts());
    }

    #[test]
    fn a_rebill_naming_itself_or_its_twin_replaces_nothing_and_other_documents_do_not_count() {
        let own = invoice(
            r#"{"name":"I5","properties":{"rebillDetails":{"invoiceDocumentId":"/providers/Microsoft.Billing/billingAccounts/A/invoices/I5"}}}"#,
        );
        let a = invoice(
            r#"{"name":"A1","properties":{"rebillDetails":{"invoiceDocumentId":"/x/invoices/B1"}}}"#,
        );
        let b = invoice(
            r#"{"name":"B1","properties":{"rebillDetails":{"invoiceDocumentId":"/x/invoices/A1"}}}"#,
        );
        let receipt = invoice(r#"{"name":"T1","properties":{"documentType":"TaxReceipt"}}"#);
        let kinds = classify(&[own, a, b, receipt]);
        assert_eq!(
            kinds,
            vec![
                InvoiceKind::Rebill,
                InvoiceKind::Rebill,
                InvoiceKind::Rebill,
                InvoiceKind::Other
            ]
        );
        assert!(!InvoiceKind::Other.counts());
    }

    fn event(json: &str) -> CreditEvent {
        CreditEvent::from_wire(serde_json::from_str(json).unwrap()).unwrap()
    }

    #[test]
    fn the_last_settlement_is_the_newest_and_a_missing_charge_leaves_no_sum() {
        let invoice = invoice(
            r#"{"name":"G1","properties":{"totalAmount":{"currency":"USD","value":10.00},"taxAmount":{"currency":"USD","value":1.00}}}"#,
        );
        // Azure lists newest first: on one day, the first listed happened last.
        let newest_first = [
            event(
                r#"{"properties":{"transactionDate":"2026-11-01T00:00:00Z","eventType":"SettledCharges","invoiceNumber":"G1","charges":{"currency":"USD","value":-5.00},"closedBalance":{"currency":"USD","value":0.00}}}"#,
            ),
            event(
                r#"{"properties":{"transactionDate":"2026-11-01T00:00:00Z","eventType":"SettledCharges","invoiceNumber":"G1","charges":{"currency":"USD","value":-7.00},"closedBalance":{"currency":"USD","value":5.00}}}"#,
            ),
        ];
        let settled = settle(std::slice::from_ref(&invoice), &newest_first).unwrap();
        assert_eq!(
            settled[0].settled_charges.as_ref().unwrap().to_string(),
            "-12.00 USD"
        );
        assert_eq!(
            settled[0]
                .charged_with_credit_left
                .as_ref()
                .unwrap()
                .to_string(),
            "0.00 USD"
        );
        assert_eq!(settled[0].settled_events, 2);
        let partial = [event(
            r#"{"properties":{"transactionDate":"2026-11-01T00:00:00Z","eventType":"SettledCharges","invoiceNumber":"g1","closedBalance":{"currency":"USD","value":5.00}}}"#,
        )];
        let settled = settle(std::slice::from_ref(&invoice), &partial).unwrap();
        assert_eq!(settled[0].settled_charges, None);
        assert_eq!(
            settled[0]
                .charged_with_credit_left
                .as_ref()
                .unwrap()
                .to_string(),
            "9.00 USD"
        );
        // A commitment's drawdown is not credit.
        let commitment = [event(
            r#"{"properties":{"transactionDate":"2026-11-01T00:00:00Z","eventType":"SettledCharges","invoiceNumber":"G1","lotSource":"ConsumptionCommitment","charges":{"currency":"USD","value":-5.00},"closedBalance":{"currency":"USD","value":500.00}}}"#,
        )];
        let settled = settle(std::slice::from_ref(&invoice), &commitment).unwrap();
        assert_eq!(settled[0], Settlement::default());
    }

    #[test]
    fn periods_read_as_months_when_they_are_months() {
        let month = invoice(
            r#"{"properties":{"invoicePeriodStartDate":"2026-10-01T00:00:00Z","invoicePeriodEndDate":"2026-10-31T00:00:00Z"}}"#,
        );
        assert_eq!(month.period_label().as_deref(), Some("2026-10"));
        let part = invoice(
            r#"{"properties":{"invoicePeriodStartDate":"2023-02-01T17:32:28Z","invoicePeriodEndDate":"2023-02-15T17:32:28Z"}}"#,
        );
        assert_eq!(
            part.period_label().as_deref(),
            Some("2023-02-01..2023-02-15")
        );
    }
}
