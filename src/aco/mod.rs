//! Partner Center's Azure Credit Offer (ACO) balance file: one row per customer, agreement
//! and invoice month, read and summarised per credit. Pure: bytes in, credits or every
//! offending line out; no I/O, no clock (the reference day is an input).
//!
//! The file is UTF-8 (a BOM is allowed), comma-separated with RFC 4180 quoting, CRLF or LF,
//! with a header row. Columns are found by name, case-insensitively and in any order; unknown
//! columns are ignored. `CreditAmount` is cumulative, so the credit used in a month is that
//! month's `CreditAmount` less the previous calendar month's; without that month's row it is
//! the month's `CreditAmount` if the credit became effective that month, and otherwise
//! unknown, never guessed.

use crate::model::amount::Amount;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;
use std::str::FromStr;

/// A column the file must or may have: its name in messages and every spelling accepted.
struct ColumnSpec {
    name: &'static str,
    spellings: &'static [&'static str],
    required: bool,
}

const CUSTOMER: usize = 0;
const INVOICE_MONTH: usize = 1;
const CREDIT_AMOUNT: usize = 2;
const BALANCE_AMOUNT: usize = 3;
const CURRENCY: usize = 4;
const AGREEMENT: usize = 5;
const PARTNER: usize = 6;
const CREDIT_NAME: usize = 7;
const STATUS: usize = 8;
const EFFECTIVE: usize = 9;
const EXPIRY: usize = 10;

const COLUMNS: [ColumnSpec; 11] = [
    ColumnSpec {
        name: "CustomerID",
        spellings: &["customerid", "customertenantid"],
        required: true,
    },
    ColumnSpec {
        name: "InvoiceMonth",
        spellings: &["invoicemonth"],
        required: true,
    },
    ColumnSpec {
        name: "CreditAmount",
        spellings: &["creditamount"],
        required: true,
    },
    ColumnSpec {
        name: "BalanceAmount",
        spellings: &["balanceamount"],
        required: true,
    },
    ColumnSpec {
        name: "CurrencyCode",
        spellings: &["currencycode"],
        required: true,
    },
    ColumnSpec {
        name: "AgreementID",
        spellings: &["agreementid"],
        required: true,
    },
    ColumnSpec {
        name: "PartnerID",
        spellings: &["partnerid", "partnertenantid"],
        required: false,
    },
    ColumnSpec {
        name: "CreditName",
        spellings: &["creditname"],
        required: false,
    },
    ColumnSpec {
        name: "Status",
        spellings: &["status"],
        required: false,
    },
    ColumnSpec {
        name: "EffectiveDate",
        spellings: &["effectivedate"],
        required: false,
    },
    ColumnSpec {
        name: "ExpiryDate",
        spellings: &["expirydate"],
        required: false,
    },
];

/// One month of one credit, as the file has it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AcoMonth {
    /// `YYYY-MM`.
    #[serde(serialize_with = "serialize_month")]
    pub invoice_month: NaiveDate,
    pub credit_amount: Amount,
    pub balance_amount: Amount,
    /// This month's `CreditAmount` less the previous calendar month's; `null` when that is
    /// not known.
    pub credit_used: Option<Amount>,
    pub status: Option<String>,
    /// The row's line in the file (the header is line 1).
    pub line: u64,
}

/// One credit: a customer's Azure Credit Offer under one agreement, summarised.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AcoCredit {
    pub customer_id: String,
    pub agreement_id: String,
    pub partner_id: Option<String>,
    pub credit_name: Option<String>,
    pub currency: String,
    #[serde(serialize_with = "serialize_month")]
    pub latest_month: NaiveDate,
    pub balance_amount: Amount,
    pub credit_amount: Amount,
    pub credit_used_latest_month: Option<Amount>,
    pub status: Option<String>,
    pub expired: bool,
    pub effective_date: Option<NaiveDate>,
    pub expiry_date: Option<NaiveDate>,
    pub months: Vec<AcoMonth>,
}

fn serialize_month<S: serde::Serializer>(month: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{:04}-{:02}", month.year(), month.month()))
}

/// What reading the file gave: the credits (sorted by customer, then agreement), or every
/// offending line.
#[derive(Debug)]
pub enum AcoFile {
    Credits(Vec<AcoCredit>),
    /// `FILE:LINE: column 'value': why`, one per offending line, in file order.
    Bad(Vec<String>),
}

/// A row while the file is read.
struct Row {
    month: NaiveDate,
    credit: Decimal,
    balance: Decimal,
    currency: String,
    partner: Option<String>,
    credit_name: Option<String>,
    status: Option<String>,
    effective: Option<NaiveDate>,
    expiry: Option<NaiveDate>,
    line: u64,
}

/// Reads and summarises the file. `name` is how messages call it (`credits.csv`, `stdin`);
/// `as_of` decides which credits have expired.
pub fn read(name: &str, input: impl Read, as_of: NaiveDate) -> std::io::Result<AcoFile> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    let mut bad = Vec::new();
    // The header.
    let header = match reader.read_byte_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => {
            return Ok(AcoFile::Bad(vec![format!(
                "{name}: the file is empty; it needs a header row with {}",
                required_names()
            )]))
        }
        Err(error) => return csv_failure(name, error).map(|line| AcoFile::Bad(vec![line])),
    };
    let mut at: [Option<usize>; 11] = [None; 11];
    for (index, field) in header.iter().enumerate() {
        let text = String::from_utf8_lossy(field);
        let text = text
            .trim_start_matches('\u{feff}')
            .trim()
            .to_ascii_lowercase();
        if let Some(column) = COLUMNS
            .iter()
            .position(|c| c.spellings.contains(&text.as_str()))
        {
            at[column].get_or_insert(index);
        }
    }
    let missing: Vec<String> = COLUMNS
        .iter()
        .zip(&at)
        .filter(|(c, found)| c.required && found.is_none())
        .map(|(c, _)| match c.spellings {
            [_, other] => format!("'{}' (or '{}')", c.name, spelled(other)),
            _ => format!("'{}'", c.name),
        })
        .collect();
    if !missing.is_empty() {
        let has: Vec<String> = header
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim_start_matches('\u{feff}')
                    .to_string()
            })
            .collect();
        return Ok(AcoFile::Bad(vec![format!(
            "{name}:1: the header lacks the column{} {}; it has: {}",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            has.join(", ")
        )]));
    }
    let column = |i: usize| at[i].unwrap_or(usize::MAX);

    // (customer, agreement) -> index in `credits`; keys compared without case.
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut rows: Vec<Vec<Row>> = Vec::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                bad.push(csv_failure(name, error)?);
                break;
            }
        }
        // The csv crate counts the line terminators before the record: the file's line
        // numbers start at 1.
        let line = record.position().map_or(0, |p| p.line()) + 1;
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line
        }
        let mut problems = Vec::new();
        let field = |i: usize| -> Result<Option<&str>, String> {
            match record.get(column(i)) {
                None => Ok(None),
                Some(bytes) => std::str::from_utf8(bytes)
                    .map(|t| Some(t.trim()).filter(|t| !t.is_empty()))
                    .map_err(|_| format!("column '{}' is not UTF-8 text", COLUMNS[i].name)),
            }
        };
        let text = |i: usize, problems: &mut Vec<String>| -> Option<String> {
            match field(i) {
                Ok(Some(t)) => Some(t.to_string()),
                Ok(None) => {
                    if COLUMNS[i].required {
                        problems.push(format!("column '{}' is empty", COLUMNS[i].name));
                    }
                    None
                }
                Err(why) => {
                    problems.push(why);
                    None
                }
            }
        };
        let customer = text(CUSTOMER, &mut problems);
        let agreement = text(AGREEMENT, &mut problems);
        let currency = text(CURRENCY, &mut problems);
        let month_text = text(INVOICE_MONTH, &mut problems);
        let credit_text = text(CREDIT_AMOUNT, &mut problems);
        let balance_text = text(BALANCE_AMOUNT, &mut problems);
        let partner = text(PARTNER, &mut problems);
        let credit_name = text(CREDIT_NAME, &mut problems);
        let status = text(STATUS, &mut problems);
        let effective_text = text(EFFECTIVE, &mut problems);
        let expiry_text = text(EXPIRY, &mut problems);
        let mut parsed =
            |i: usize, value: &Option<String>, parse: &dyn Fn(&str) -> Result<(), String>| {
                if let Some(value) = value {
                    if let Err(why) = parse(value) {
                        problems.push(format!("column '{}' {value:?}: {why}", COLUMNS[i].name));
                    }
                }
            };
        parsed(INVOICE_MONTH, &month_text, &|t| parse_month(t).map(|_| ()));
        parsed(CREDIT_AMOUNT, &credit_text, &|t| {
            parse_amount(t).map(|_| ())
        });
        parsed(BALANCE_AMOUNT, &balance_text, &|t| {
            parse_amount(t).map(|_| ())
        });
        parsed(EFFECTIVE, &effective_text, &|t| parse_date(t).map(|_| ()));
        parsed(EXPIRY, &expiry_text, &|t| parse_date(t).map(|_| ()));
        parsed(CURRENCY, &currency, &|t| {
            if t.len() == 3 && t.chars().all(|c| c.is_ascii_alphabetic()) {
                Ok(())
            } else {
                Err("is not a three-letter currency code such as USD".into())
            }
        });
        if !problems.is_empty() {
            for problem in problems {
                bad.push(format!("{name}:{line}: {problem}"));
            }
            continue;
        }
        // Every required value is there and parses: checked just above.
        let (
            Some(customer),
            Some(agreement),
            Some(currency),
            Some(month),
            Some(credit),
            Some(balance),
        ) = (
            customer,
            agreement,
            currency,
            month_text.as_deref().and_then(|t| parse_month(t).ok()),
            credit_text.as_deref().and_then(|t| parse_amount(t).ok()),
            balance_text.as_deref().and_then(|t| parse_amount(t).ok()),
        )
        else {
            continue;
        };
        let key = (customer.to_lowercase(), agreement.to_lowercase());
        let slot = match index.get(&key) {
            Some(slot) => *slot,
            None => {
                index.insert(key, rows.len());
                keys.push((customer, agreement));
                rows.push(Vec::new());
                rows.len() - 1
            }
        };
        let currency = currency.to_ascii_uppercase();
        if let Some(first) = rows[slot].first() {
            if first.currency != currency {
                bad.push(format!(
                    "{name}:{line}: column 'CurrencyCode' {currency:?}: this credit is in {} on line {}; one credit has one currency",
                    first.currency, first.line
                ));
                continue;
            }
        }
        if let Some(same) = rows[slot].iter().find(|r| r.month == month) {
            bad.push(format!(
                "{name}:{line}: column 'InvoiceMonth' {:?}: the same customer, agreement and month as line {}",
                month_text.unwrap_or_default(),
                same.line
            ));
            continue;
        }
        rows[slot].push(Row {
            month,
            credit,
            balance,
            currency,
            partner,
            credit_name,
            status,
            effective: effective_text.as_deref().and_then(|t| parse_date(t).ok()),
            expiry: expiry_text.as_deref().and_then(|t| parse_date(t).ok()),
            line,
        });
    }
    if !bad.is_empty() {
        return Ok(AcoFile::Bad(bad));
    }
    let mut credits: Vec<AcoCredit> = keys
        .into_iter()
        .zip(rows)
        .map(|((customer, agreement), rows)| summarise(customer, agreement, rows, as_of))
        .collect();
    credits.sort_by(|a, b| {
        (a.customer_id.to_lowercase(), a.agreement_id.to_lowercase())
            .cmp(&(b.customer_id.to_lowercase(), b.agreement_id.to_lowercase()))
    });
    Ok(AcoFile::Credits(credits))
}

/// `PartnerTenantId` for messages, from its lower-case spelling.
fn spelled(lower: &str) -> &'static str {
    match lower {
        "customertenantid" => "CustomerTenantId",
        "partnertenantid" => "PartnerTenantId",
        _ => "",
    }
}

fn required_names() -> String {
    COLUMNS
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A csv-level failure (a quote left open) as a line; an I/O failure stays an error.
fn csv_failure(name: &str, error: csv::Error) -> std::io::Result<String> {
    let line = error.position().map_or(0, |p| p.line()) + 1;
    match error.into_kind() {
        csv::ErrorKind::Io(io) => Err(io),
        csv::ErrorKind::Utf8 { .. } => Ok(format!("{name}:{line}: the line is not UTF-8 text")),
        other => Ok(format!(
            "{name}:{line}: the line is not valid csv ({other:?}); check its quotes"
        )),
    }
}

fn summarise(
    customer: String,
    agreement: String,
    mut rows: Vec<Row>,
    as_of: NaiveDate,
) -> AcoCredit {
    rows.sort_by_key(|r| r.month);
    let currency = rows.first().map(|r| r.currency.clone()).unwrap_or_default();
    let amount = |value: Decimal| Amount::new(value, Some(&currency));
    // Dates and names: the latest row that has them.
    let latest_of = |get: &dyn Fn(&Row) -> Option<String>| rows.iter().rev().find_map(get);
    let partner = latest_of(&|r| r.partner.clone());
    let credit_name = latest_of(&|r| r.credit_name.clone());
    let effective = rows.iter().rev().find_map(|r| r.effective);
    let expiry = rows.iter().rev().find_map(|r| r.expiry);
    let mut months: Vec<AcoMonth> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let previous_month = row
            .month
            .checked_sub_months(chrono::Months::new(1))
            .unwrap_or(row.month);
        let previous = i
            .checked_sub(1)
            .map(|p| &rows[p])
            .filter(|p| p.month == previous_month);
        let effective_this_month = effective
            .is_some_and(|d| d.year() == row.month.year() && d.month() == row.month.month());
        let used = match previous {
            Some(previous) => Some(row.credit - previous.credit),
            None if effective_this_month => Some(row.credit),
            None => None,
        };
        months.push(AcoMonth {
            invoice_month: row.month,
            credit_amount: amount(row.credit),
            balance_amount: amount(row.balance),
            credit_used: used.map(amount),
            status: row.status.clone(),
            line: row.line,
        });
    }
    let latest = months.last().cloned();
    let status = latest.as_ref().and_then(|m| m.status.clone());
    let expired = status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("expired"))
        || expiry.is_some_and(|d| d < as_of);
    AcoCredit {
        customer_id: customer,
        agreement_id: agreement,
        partner_id: partner,
        credit_name,
        latest_month: latest.as_ref().map_or(NaiveDate::MIN, |m| m.invoice_month),
        balance_amount: latest
            .as_ref()
            .map_or_else(|| amount(Decimal::ZERO), |m| m.balance_amount.clone()),
        credit_amount: latest
            .as_ref()
            .map_or_else(|| amount(Decimal::ZERO), |m| m.credit_amount.clone()),
        credit_used_latest_month: latest.and_then(|m| m.credit_used),
        currency,
        status,
        expired,
        effective_date: effective,
        expiry_date: expiry,
        months,
    }
}

/// An exact amount: digits with at most one `.`, an optional sign. `1,234.56` is refused: a
/// thousands separator and a decimal comma cannot be told apart.
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let text = text.trim();
    if text.contains(',') {
        return Err(
            "has a comma: a thousands separator and a decimal comma cannot be told apart; write the amount as 1234.56".into(),
        );
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let points = digits.matches('.').count();
    let valid = !digits.is_empty()
        && points <= 1
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().any(|c| c.is_ascii_digit());
    if !valid {
        return Err("is not an amount such as 1234.56".into());
    }
    Decimal::from_str(text.trim_start_matches('+'))
        .map_err(|_| "has more digits than an exact amount can hold (28)".into())
}

fn year_ok(year: i32) -> Result<i32, String> {
    if (1900..=9999).contains(&year) {
        Ok(year)
    } else {
        Err(format!("the year {year} is not between 1900 and 9999"))
    }
}

/// `YYYY-MM`, `YYYYMM`, `M/YYYY`, or a full date (its month).
pub fn parse_month(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    let why = || "is not a month such as 2026-11, 202611, 11/2026 or a date".to_string();
    let month_of = |year: &str, month: &str| -> Result<NaiveDate, String> {
        let year = year_ok(year.parse::<i32>().map_err(|_| why())?)?;
        let month = month.parse::<u32>().map_err(|_| why())?;
        NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(why)
    };
    let all_digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    if text.len() == 7
        && text.as_bytes()[4] == b'-'
        && all_digits(&text[..4])
        && all_digits(&text[5..])
    {
        return month_of(&text[..4], &text[5..]);
    }
    if text.len() == 6 && all_digits(text) {
        return month_of(&text[..4], &text[4..]);
    }
    if let Some((month, year)) = text.split_once('/') {
        if all_digits(month) && month.len() <= 2 && all_digits(year) && year.len() == 4 {
            return month_of(year, month);
        }
    }
    parse_date(text)
        .map(|d| d.with_day(1).unwrap_or(d))
        .map_err(|_| why())
}

/// Month-first `M/D/YYYY[ time]` (as Partner Center's reconciliation files) or ISO
/// `YYYY-MM-DD[Thh:mm:ss…]`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    let why = || "is not a date such as 11/30/2026 or 2026-11-30".to_string();
    let day = text
        .split([' ', 'T'])
        .next()
        .unwrap_or_default();
    let parts: Vec<&str> = if day.contains('/') {
        day.split('/').collect()
    } else {
        day.split('-').collect()
    };
    let number = |t: &str| -> Result<u32, String> {
        if t.is_empty() || t.len() > 4 || !t.chars().all(|c| c.is_ascii_digit()) {
            return Err(why());
        }
        t.parse::<u32>().map_err(|_| why())
    };
    let (year, month, day_of_month) = match parts.as_slice() {
        [m, d, y] if day.contains('/') && y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        [y, m, d] if !day.contains('/') && y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        _ => return Err(why()),
    };
    let year = year_ok(i32::try_from(year).map_err(|_| why())?)?;
    NaiveDate::from_ymd_opt(year, month, day_of_month).ok_or_else(why)
}

#[cfg(test)]
mod tests;
