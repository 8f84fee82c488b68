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
use std::io::Read;
use std::str::FromStr;
use std::sync::Arc;

mod blocks;
#[cfg(test)]
mod one_pass;
mod rows;

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

/// The customer column's names (lower case), in the file's two spellings.
pub(crate) const CUSTOMER_SPELLINGS: &[&str] = &["customerid", "customertenantid"];

const COLUMNS: [ColumnSpec; 11] = [
    ColumnSpec {
        name: "CustomerID",
        spellings: CUSTOMER_SPELLINGS,
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

/// One month of one credit, as the file has it (amounts in the credit's currency).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AcoMonth {
    pub(crate) invoice_month: NaiveDate,
    pub(crate) credit_amount: Decimal,
    pub(crate) balance_amount: Decimal,
    /// This month's `CreditAmount` less the previous calendar month's; `None` when that is
    /// not known.
    pub(crate) credit_used: Option<Decimal>,
    pub(crate) status: Option<Arc<str>>,
    /// The row's line in the file (the header is line 1).
    pub(crate) line: u64,
    /// `CurrencyCode` as the row has it (three ASCII letters, in any case).
    pub(crate) currency_as_written: [u8; 3],
}

/// One credit: a customer's Azure Credit Offer under one agreement, summarised.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AcoCredit {
    pub(crate) customer_id: String,
    pub(crate) agreement_id: String,
    pub(crate) partner_id: Option<String>,
    pub(crate) credit_name: Option<String>,
    pub(crate) currency: String,
    pub(crate) latest_month: NaiveDate,
    pub(crate) balance_amount: Amount,
    pub(crate) credit_amount: Amount,
    pub(crate) credit_used_latest_month: Option<Amount>,
    pub(crate) status: Option<String>,
    pub(crate) expired: bool,
    /// Balance left that lapses within 30 days of the reference day (the lots' rule).
    pub(crate) expiring_soon: bool,
    pub(crate) effective_date: Option<NaiveDate>,
    pub(crate) expiry_date: Option<NaiveDate>,
    pub(crate) months: Vec<AcoMonth>,
}

/// `YYYY-MM`, as the file's months are shown everywhere.
pub(crate) fn month_text(month: &NaiveDate) -> String {
    format!("{:04}-{:02}", month.year(), month.month())
}

struct Months<'a>(&'a [AcoMonth], &'a str);

/// serde_json's token for a value written as the text given (its `RawValue`).
const JSON_RAW: &str = "$serde_json::private::RawValue";

impl Serialize for Months<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A million months are most of `aco --json` (hundreds of MB): written here as the
        // text serde_json's pretty printer gives them in the list, at a fraction of its cost.
        use serde::ser::SerializeStruct;
        let mut text = String::with_capacity(self.0.len() * 420 + 8);
        months_json(self.0, self.1, &mut text);
        let mut raw = s.serialize_struct(JSON_RAW, 1)?;
        raw.serialize_field(JSON_RAW, text.as_str())?;
        raw.end()
    }
}

/// `months` exactly as serde_json's pretty printer writes it where `aco --json` has it: the
/// value of a key of an element of the top array (so its elements are indented 6 spaces).
/// `currency` is three ASCII letters (checked when the file was read).
fn months_json(months: &[AcoMonth], currency: &str, out: &mut String) {
    if months.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('[');
    for (i, month) in months.iter().enumerate() {
        out.push_str(if i == 0 {
            "\n      {\n"
        } else {
            ",\n      {\n"
        });
        out.push_str("        \"invoiceMonth\": \"");
        push_month(out, month.invoice_month);
        out.push_str("\",\n        \"creditAmount\": ");
        push_money(out, &month.credit_amount, currency);
        out.push_str(",\n        \"balanceAmount\": ");
        push_money(out, &month.balance_amount, currency);
        out.push_str(",\n        \"creditUsed\": ");
        match &month.credit_used {
            Some(used) => push_money(out, used, currency),
            None => out.push_str("null"),
        }
        out.push_str(",\n        \"status\": ");
        match month.status.as_deref() {
            Some(status) => push_json_string(out, status),
            None => out.push_str("null"),
        }
        out.push_str(",\n        \"line\": ");
        push_integer(out, month.line);
        out.push_str("\n      }");
    }
    out.push_str("\n    ]");
}

/// `{"value": …, "currency": …}` at a month's depth.
fn push_money(out: &mut String, value: &Decimal, currency: &str) {
    out.push_str("{\n          \"value\": ");
    out.push_str(crate::model::money::DecimalText::of(value).as_str());
    out.push_str(",\n          \"currency\": \"");
    out.push_str(currency);
    out.push_str("\"\n        }");
}

/// `YYYY-MM` (years 1900 to 9999, as the file's months are checked to be).
fn push_month(out: &mut String, month: NaiveDate) {
    use std::fmt::Write;
    let (year, number) = (month.year(), month.month());
    if (1000..=9999).contains(&year) {
        let year = year.unsigned_abs();
        for digit in [
            year / 1000,
            year / 100 % 10,
            year / 10 % 10,
            year % 10,
            10,
            number / 10,
            number % 10,
        ] {
            out.push(if digit == 10 {
                '-'
            } else {
                char::from(b'0' + digit as u8)
            });
        }
    } else {
        let _ = write!(out, "{year:04}-{number:02}");
    }
}

fn push_integer(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|d| char::from(*d)));
}

/// A JSON string as serde_json writes it (`"`, `\\` and control characters escaped).
fn push_json_string(out: &mut String, text: &str) {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else if let Ok(escaped) = serde_json::to_string(text) {
        out.push_str(&escaped);
    }
}

impl Serialize for AcoCredit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("AcoCredit", 15)?;
        out.serialize_field("customerId", &self.customer_id)?;
        out.serialize_field("agreementId", &self.agreement_id)?;
        out.serialize_field("partnerId", &self.partner_id)?;
        out.serialize_field("creditName", &self.credit_name)?;
        out.serialize_field("currency", &self.currency)?;
        out.serialize_field("latestMonth", &month_text(&self.latest_month))?;
        out.serialize_field("balanceAmount", &self.balance_amount)?;
        out.serialize_field("creditAmount", &self.credit_amount)?;
        out.serialize_field("creditUsedLatestMonth", &self.credit_used_latest_month)?;
        out.serialize_field("status", &self.status)?;
        out.serialize_field("expired", &self.expired)?;
        out.serialize_field("effectiveDate", &self.effective_date)?;
        out.serialize_field("expiryDate", &self.expiry_date)?;
        out.serialize_field("months", &Months(&self.months, &self.currency))?;
        out.end()
    }
}

/// What reading the file gave: the credits (sorted by customer, then agreement), or every
/// offending line.
#[derive(Debug, PartialEq)]
pub(crate) enum AcoFile {
    Credits(Vec<AcoCredit>),
    /// `FILE:LINE: column 'value': why`, one per offending line, in file order.
    Bad(Vec<String>),
}

/// Why the first bytes of a file say it is not UTF-8 text (the only encoding Partner Center
/// writes): UTF-16 with a byte-order mark, NUL bytes (binary, or UTF-16 without a mark), or
/// bytes that are not UTF-8. `None` for UTF-8 text (a UTF-8 byte-order mark is fine).
pub(crate) fn not_utf8_text(head: &[u8]) -> Option<String> {
    let how =
        "convert it to UTF-8 first, for example: iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8.csv";
    if head.starts_with(&[0xFF, 0xFE]) {
        return Some(format!(
            "is UTF-16 text (little-endian, with a byte-order mark), not UTF-8; {how}"
        ));
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Some(format!(
            "is UTF-16 text (big-endian, with a byte-order mark), not UTF-8; {how}"
        ));
    }
    if head.contains(&0) {
        return Some(
            "is not text: it holds NUL bytes (a binary file, or UTF-16 without a byte-order mark); give the CSV file downloaded from Partner Center".into(),
        );
    }
    match std::str::from_utf8(head) {
        // A character cut at the end of the sample is not an error.
        Err(error) if error.error_len().is_some() => Some(format!(
            "is not UTF-8 text (byte {} is not UTF-8); if it was saved in another encoding, convert it, for example: iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8.csv",
            error.valid_up_to() + 1
        )),
        _ => None,
    }
}

/// Reads and summarises the file. `name` is how messages call it (`credits.csv`, `stdin`);
/// `as_of` decides which credits have expired. The file is read in large blocks parsed on
/// every core (`blocks.rs`); the result is what one pass over it gives.
pub(crate) fn read(name: &str, input: impl Read, as_of: NaiveDate) -> std::io::Result<AcoFile> {
    let workers = crate::cores().min(8);
    read_in_blocks(name, input, as_of, blocks::BLOCK_BYTES, workers)
}

fn read_in_blocks(
    name: &str,
    input: impl Read,
    as_of: NaiveDate,
    block_bytes: usize,
    workers: usize,
) -> std::io::Result<AcoFile> {
    let whole = blocks::read(name, input, block_bytes, workers, |first| {
        header(name, first)
    })?;
    Ok(match whole.map(|rows| rows.finish(name, as_of)) {
        Ok(Ok(credits)) => AcoFile::Credits(credits),
        Ok(Err(lines)) | Err(lines) => AcoFile::Bad(lines),
    })
}

/// The header row at the start of `first`: the columns, and the byte and line where the
/// rows start; or the line that says what the header lacks.
fn header(name: &str, first: &[u8]) -> std::io::Result<blocks::Header> {
    // Lines end at LF (a CR before it is trimmed with the field): lines are counted the
    // same way for CRLF and LF files.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(first);
    let mut header = csv::ByteRecord::new();
    match reader.read_byte_record(&mut header) {
        Ok(true) => {}
        Ok(false) => {
            return Ok(Err(vec![format!(
                "{name}: the file is empty; it needs a header row with {}",
                required_names()
            )]))
        }
        Err(error) => return csv_failure(name, error).map(|line| Err(vec![line])),
    }
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
        return Ok(Err(vec![format!(
            "{name}:1: the header lacks the column{} {}; it has: {}",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            has.join(", ")
        )]));
    }
    let position = reader.position();
    let start = usize::try_from(position.byte()).unwrap_or(first.len());
    Ok(Ok((rows::Columns::new(at), start, position.line())))
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
    let line = error.position().map_or(0, |p| p.line());
    match error.into_kind() {
        csv::ErrorKind::Io(io) => Err(io),
        csv::ErrorKind::Utf8 { .. } => Ok(format!("{name}:{line}: the line is not UTF-8 text")),
        other => Ok(format!(
            "{name}:{line}: the line is not valid csv ({other:?}); check its quotes"
        )),
    }
}

fn summarise(credit: rows::Building, as_of: NaiveDate) -> AcoCredit {
    let rows::Building {
        customer,
        agreement,
        currency,
        partner,
        credit_name,
        effective,
        expiry,
        mut months,
        ..
    } = credit;
    let effective = effective.map(|(_, d)| d);
    let expiry = expiry.map(|(_, d)| d);
    // Months are in order (sorted above, no two alike).
    for i in 0..months.len() {
        let this = months[i].invoice_month;
        let previous_month = this
            .checked_sub_months(chrono::Months::new(1))
            .unwrap_or(this);
        let previous = i
            .checked_sub(1)
            .map(|p| &months[p])
            .filter(|p| p.invoice_month == previous_month)
            .map(|p| p.credit_amount);
        let effective_this_month =
            effective.is_some_and(|d| d.year() == this.year() && d.month() == this.month());
        months[i].credit_used = match previous {
            Some(previous) => months[i].credit_amount.checked_sub(previous),
            None if effective_this_month => Some(months[i].credit_amount),
            None => None,
        };
    }
    let amount = |value: Decimal| Amount::new(value, Some(&currency));
    let latest = months.last();
    let status = latest.and_then(|m| m.status.as_deref()).map(str::to_string);
    let expired = status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("expired"))
        || expiry.is_some_and(|d| d < as_of);
    let left = latest.is_some_and(|m| m.balance_amount > Decimal::ZERO);
    let horizon = as_of + chrono::Duration::days(crate::model::domain::EXPIRING_WITHIN_DAYS);
    let expiring_soon = !expired && left && expiry.is_some_and(|d| d <= horizon);
    AcoCredit {
        partner_id: partner.map(|(_, p)| p),
        credit_name: credit_name.map(|(_, c)| c),
        latest_month: latest.map_or(NaiveDate::MIN, |m| m.invoice_month),
        balance_amount: amount(latest.map_or(Decimal::ZERO, |m| m.balance_amount)),
        credit_amount: amount(latest.map_or(Decimal::ZERO, |m| m.credit_amount)),
        credit_used_latest_month: latest.and_then(|m| m.credit_used).map(amount),
        status,
        expired,
        expiring_soon,
        effective_date: effective,
        expiry_date: expiry,
        customer_id: customer,
        agreement_id: agreement,
        currency,
        months,
    }
}

/// An exact amount: digits with at most one `.`, an optional sign. `1,234.56` is refused: a
/// thousands separator and a decimal comma cannot be told apart.
pub(crate) fn parse_amount(text: &str) -> Result<Decimal, String> {
    let text = text.trim();
    if let Some(value) = plain_amount(text) {
        return Ok(value);
    }
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
    let significant = digits
        .trim_start_matches(['0', '.'])
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if significant > 28 {
        return Err("has more digits than an exact amount can hold (28)".into());
    }
    let value = Decimal::from_str(text.trim_start_matches('+'))
        .map_err(|_| "has more digits than an exact amount can hold (28)".to_string())?;
    // No credit comes near this; sums over a million rows stay far from overflowing.
    if value.abs() > Decimal::from(100_000_000_000_000_000_000_u128) {
        return Err("is larger than any credit (at most 10^20)".into());
    }
    Ok(value)
}

/// The common amount at once: an optional `-`, at most 18 digits, at most one `.` between
/// digits (`1234.56`). Anything else is `None`, for `parse_amount`'s full rules.
fn plain_amount(text: &str) -> Option<Decimal> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        rest => (false, rest),
    };
    let mut mantissa: i64 = 0;
    let mut count = 0u32;
    let mut scale: Option<u32> = None;
    for &byte in digits {
        match byte {
            b'0'..=b'9' => {
                count += 1;
                if count > 18 {
                    return None;
                }
                mantissa = mantissa * 10 + i64::from(byte - b'0');
                if let Some(scale) = scale.as_mut() {
                    *scale += 1;
                }
            }
            b'.' if scale.is_none() && count > 0 => scale = Some(0),
            _ => return None,
        }
    }
    let scale = match scale {
        Some(0) => return None,
        Some(scale) => scale,
        None if count > 0 => 0,
        None => return None,
    };
    let value = Decimal::new(if negative { -mantissa } else { mantissa }, scale);
    Some(value)
}

fn year_ok(year: i32) -> Result<i32, String> {
    if (1900..=9999).contains(&year) {
        Ok(year)
    } else {
        Err(format!("the year {year} is not between 1900 and 9999"))
    }
}

/// `YYYY-MM`, `YYYYMM`, `M/YYYY`, or a full date (its month).
pub(crate) fn parse_month(text: &str) -> Result<NaiveDate, String> {
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
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    let why = || "is not a date such as 11/30/2026 or 2026-11-30".to_string();
    let day = text.split([' ', 'T']).next().unwrap_or_default();
    let us_style = day.contains('/');
    let mut parts = day.split(if us_style { '/' } else { '-' });
    let (Some(a), Some(b), Some(c), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(why());
    };
    let number = |t: &str| -> Result<u32, String> {
        if t.is_empty() || t.len() > 4 || !t.chars().all(|c| c.is_ascii_digit()) {
            return Err(why());
        }
        t.parse::<u32>().map_err(|_| why())
    };
    let (year, month, day_of_month) = match (us_style, a, b, c) {
        (true, m, d, y) if y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        (false, y, m, d) if y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        _ => return Err(why()),
    };
    let year = year_ok(i32::try_from(year).map_err(|_| why())?)?;
    NaiveDate::from_ymd_opt(year, month, day_of_month).ok_or_else(why)
}

#[cfg(test)]
mod tests;
