//! One row of the balance file at a time, into a `Partial`: the credits a run of rows names,
//! and the lines that could not be read. A file is read as several runs at once
//! (`blocks.rs`); `Partial::absorb` joins them in file order so that the result is what one
//! pass over the whole file gives, message for message.

use super::{
    month_text, parse_amount, parse_date, parse_month, summarise, AcoCredit, AcoMonth, AGREEMENT,
    BALANCE_AMOUNT, COLUMNS, CREDIT_AMOUNT, CREDIT_NAME, CURRENCY, CUSTOMER, EFFECTIVE, EXPIRY,
    INVOICE_MONTH, PARTNER, STATUS,
};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Arc;

/// Where each known column is in a row (`None`: the file has no such column).
#[derive(Clone, Copy)]
pub(super) struct Columns {
    pub(super) at: [Option<usize>; 11],
    /// One more than the last position any column is at: fields after it are not looked at.
    pub(super) width: usize,
}

impl Columns {
    pub(super) fn new(at: [Option<usize>; 11]) -> Columns {
        let width = at.iter().flatten().max().map_or(0, |last| last + 1);
        Columns { at, width }
    }
}

/// A field as the row's reader found it: text, or bytes that are not UTF-8.
pub(super) type Field<'a> = Result<&'a str, ()>;

/// A credit while the file is read.
#[derive(Default)]
pub(super) struct Building {
    /// `customer NUL agreement` in lower case: how rows find their credit.
    pub(super) key: String,
    pub(super) customer: String,
    pub(super) agreement: String,
    /// Upper case, from the credit's first row.
    pub(super) currency: String,
    pub(super) first_line: u64,
    /// `(month of the row, value)`: the latest month's wins, the later line on a tie.
    pub(super) partner: Option<(NaiveDate, String)>,
    pub(super) credit_name: Option<(NaiveDate, String)>,
    pub(super) effective: Option<(NaiveDate, NaiveDate)>,
    pub(super) expiry: Option<(NaiveDate, NaiveDate)>,
    pub(super) months: Vec<AcoMonth>,
    /// Rows in another currency than the credit's: each one a bad line. Kept whole because
    /// which currency is the credit's is only known once the runs before are joined.
    pub(super) other_currency: Vec<AcoMonth>,
}

/// The credits and bad lines of a run of rows.
#[derive(Default)]
pub(super) struct Partial {
    pub(super) credits: Vec<Building>,
    index: HashMap<String, usize>,
    /// `(line, message)`: sorted into file order at the end.
    pub(super) bad: Vec<(u64, String)>,
    statuses: HashMap<String, Arc<str>>,
    last_status: Option<Arc<str>>,
    last_effective: LastParsed,
    last_expiry: LastParsed,
    key: String,
    /// The rows of one credit usually follow each other: the last row's names (as written)
    /// and slot are kept, so such a row makes no key.
    last_customer: String,
    last_agreement: String,
    last_slot: Option<usize>,
}

/// A field trimmed (ASCII spaces on the bytes; Unicode spaces when it starts or ends with a
/// non-ASCII character), or why it cannot be used. `clean`: the row's reader saw no line
/// break anywhere in the row, so the fields are not searched for one.
fn field<'a>(
    column: usize,
    raw: Field<'a>,
    clean: bool,
    problems: &mut Vec<String>,
) -> Option<&'a str> {
    let Ok(text) = raw else {
        problems.push(format!(
            "column '{}' is not UTF-8 text",
            COLUMNS[column].name
        ));
        return None;
    };
    let text = text.trim_ascii();
    let unicode_edges = text.as_bytes().first().is_some_and(|b| *b >= 0x80)
        || text.as_bytes().last().is_some_and(|b| *b >= 0x80);
    let text = if unicode_edges { text.trim() } else { text };
    if !clean && text.bytes().any(|b| b == b'\n' || b == b'\r') {
        // A quote opened and never closed swallows the rest of the file into one field:
        // never a silent end of the data.
        problems.push(format!(
            "column '{}' holds a line break; a quote opened on this line may never be closed",
            COLUMNS[column].name
        ));
        None
    } else if text.is_empty() {
        if COLUMNS[column].required {
            problems.push(format!("column '{}' is empty", COLUMNS[column].name));
        }
        None
    } else {
        Some(text)
    }
}

fn check<T>(
    column: usize,
    text: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, String>,
    problems: &mut Vec<String>,
) -> Option<T> {
    let text = text?;
    parse(text)
        .map_err(|why| problems.push(format!("column '{}' {text:?}: {why}", COLUMNS[column].name)))
        .ok()
}

impl Partial {
    /// Reads one row that is not blank. `fields[c]` is column `c`'s field (`Ok("")` when
    /// the row is shorter than the header or the file has no such column).
    pub(super) fn row(&mut self, name: &str, line: u64, fields: &[Field<'_>; 11], clean: bool) {
        let mut problems: Vec<String> = Vec::new();
        let mut take = |c: usize| field(c, fields[c], clean, &mut problems);
        let customer = take(CUSTOMER);
        let agreement = take(AGREEMENT);
        let currency = take(CURRENCY);
        let month_text = take(INVOICE_MONTH);
        let credit_text = take(CREDIT_AMOUNT);
        let balance_text = take(BALANCE_AMOUNT);
        let partner = take(PARTNER);
        let credit_name = take(CREDIT_NAME);
        let status = take(STATUS);
        let effective_text = take(EFFECTIVE);
        let expiry_text = take(EXPIRY);
        let month = check(INVOICE_MONTH, month_text, parse_month, &mut problems);
        let credit = check(CREDIT_AMOUNT, credit_text, parse_amount, &mut problems);
        let balance = check(BALANCE_AMOUNT, balance_text, parse_amount, &mut problems);
        // A credit's dates repeat on each of its rows: the last text read is parsed once.
        let last_effective = &mut self.last_effective;
        let effective = check(
            EFFECTIVE,
            effective_text,
            |t| last_effective.parse(t),
            &mut problems,
        );
        let last_expiry = &mut self.last_expiry;
        let expiry = check(EXPIRY, expiry_text, |t| last_expiry.parse(t), &mut problems);
        let currency_code = check(
            CURRENCY,
            currency,
            |t| match t.as_bytes() {
                [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_alphabetic()) => Ok([*a, *b, *c]),
                _ => Err("is not a three-letter currency code such as USD".to_string()),
            },
            &mut problems,
        );
        let (
            Some(customer),
            Some(agreement),
            Some(currency),
            Some(month),
            Some(credit),
            Some(balance),
            true,
        ) = (
            customer,
            agreement,
            currency_code,
            month,
            credit,
            balance,
            problems.is_empty(),
        )
        else {
            self.bad.extend(
                problems
                    .into_iter()
                    .map(|p| (line, format!("{name}:{line}: {p}"))),
            );
            return;
        };
        let slot = self.slot(customer, agreement, &currency, line);
        let status = status.map(|text| self.status(text));
        let row = AcoMonth {
            invoice_month: month,
            credit_amount: credit,
            balance_amount: balance,
            credit_used: None,
            status,
            line,
            currency_as_written: currency,
        };
        let credit_of = &mut self.credits[slot];
        if !credit_of
            .currency
            .as_bytes()
            .eq_ignore_ascii_case(&currency)
        {
            credit_of.other_currency.push(row);
            return;
        }
        // Names and dates: those of the latest month that has them.
        let newer =
            |held: &Option<(NaiveDate, String)>| held.as_ref().is_none_or(|(m, _)| month >= *m);
        if let Some(partner) = partner.filter(|_| newer(&credit_of.partner)) {
            set_text(&mut credit_of.partner, month, partner);
        }
        if let Some(credit_name) = credit_name.filter(|_| newer(&credit_of.credit_name)) {
            set_text(&mut credit_of.credit_name, month, credit_name);
        }
        let newer_day =
            |held: &Option<(NaiveDate, NaiveDate)>| held.is_none_or(|(m, _)| month >= m);
        if let Some(effective) = effective.filter(|_| newer_day(&credit_of.effective)) {
            credit_of.effective = Some((month, effective));
        }
        if let Some(expiry) = expiry.filter(|_| newer_day(&credit_of.expiry)) {
            credit_of.expiry = Some((month, expiry));
        }
        credit_of.months.push(row);
    }

    /// The credit a row belongs to (made on its first row).
    fn slot(&mut self, customer: &str, agreement: &str, currency: &[u8; 3], line: u64) -> usize {
        if let Some(slot) = self.last_slot {
            if customer == self.last_customer && agreement == self.last_agreement {
                return slot;
            }
        }
        self.key.clear();
        push_lowercase(&mut self.key, customer);
        self.key.push('\u{0}');
        push_lowercase(&mut self.key, agreement);
        let slot = match self.index.get(self.key.as_str()) {
            Some(slot) => *slot,
            None => {
                let slot = self.credits.len();
                self.index.insert(self.key.clone(), slot);
                self.credits.push(Building {
                    key: self.key.clone(),
                    customer: customer.to_string(),
                    agreement: agreement.to_string(),
                    currency: String::from_utf8_lossy(currency).to_ascii_uppercase(),
                    first_line: line,
                    // One row to begin with: in a file ordered by month a run sees one or
                    // two rows of every credit, and the usual first growth (to 4) would
                    // hold 20,000 mostly empty vectors per run.
                    months: Vec::with_capacity(1),
                    ..Building::default()
                });
                slot
            }
        };
        self.last_slot = Some(slot);
        self.last_customer.clear();
        self.last_customer.push_str(customer);
        self.last_agreement.clear();
        self.last_agreement.push_str(agreement);
        slot
    }

    /// A status text, shared by every row that has it.
    fn status(&mut self, text: &str) -> Arc<str> {
        if let Some(last) = self.last_status.as_ref().filter(|l| &***l == text) {
            return Arc::clone(last);
        }
        let shared = match self.statuses.get(text) {
            Some(shared) => Arc::clone(shared),
            None => {
                let shared: Arc<str> = Arc::from(text);
                self.statuses.insert(text.to_string(), Arc::clone(&shared));
                shared
            }
        };
        self.last_status = Some(Arc::clone(&shared));
        shared
    }

    /// Joins the run of rows that follows this one in the file.
    pub(super) fn absorb(&mut self, later: Partial) {
        self.bad.extend(later.bad);
        for credit in later.credits {
            let Some(&slot) = self.index.get(credit.key.as_str()) else {
                self.index.insert(credit.key.clone(), self.credits.len());
                let mut credit = credit;
                // A run's vectors doubled as its rows came: what is kept is the rows.
                credit.months.shrink_to_fit();
                self.credits.push(credit);
                continue;
            };
            let held = &mut self.credits[slot];
            if held.currency != credit.currency {
                // The credit's currency is its first row's, in the earlier run: each row is
                // judged against it, as one pass over the file would.
                for row in credit.months.into_iter().chain(credit.other_currency) {
                    if held
                        .currency
                        .as_bytes()
                        .eq_ignore_ascii_case(&row.currency_as_written)
                    {
                        held.months.push(row);
                    } else {
                        held.other_currency.push(row);
                    }
                }
                continue;
            }
            append_months(&mut held.months, credit.months);
            held.other_currency.extend(credit.other_currency);
            // The later run wins a tie: its lines come later.
            fn later_wins<T>(held: &mut Option<(NaiveDate, T)>, later: Option<(NaiveDate, T)>) {
                if let Some(later) = later {
                    if held.as_ref().is_none_or(|(m, _)| later.0 >= *m) {
                        *held = Some(later);
                    }
                }
            }
            later_wins(&mut held.partner, credit.partner);
            later_wins(&mut held.credit_name, credit.credit_name);
            later_wins(&mut held.effective, credit.effective);
            later_wins(&mut held.expiry, credit.expiry);
        }
    }

    /// The credits, or every bad line in file order (with the rows in another currency than
    /// their credit's and the months given twice, found once every run is joined).
    pub(super) fn finish(
        mut self,
        name: &str,
        as_of: NaiveDate,
    ) -> Result<Vec<AcoCredit>, Vec<String>> {
        for credit in &mut self.credits {
            for row in &credit.other_currency {
                let line = row.line;
                self.bad.push((
                    line,
                    format!(
                        "{name}:{line}: column 'CurrencyCode' {:?}: this credit is in {} on line {}; one credit has one currency",
                        String::from_utf8_lossy(&row.currency_as_written),
                        credit.currency,
                        credit.first_line
                    ),
                ));
            }
            credit.months.sort_by_key(|m| (m.invoice_month, m.line));
            for pair in credit.months.windows(2) {
                if pair[0].invoice_month == pair[1].invoice_month {
                    let line = pair[1].line;
                    self.bad.push((
                        line,
                        format!(
                            "{name}:{line}: column 'InvoiceMonth' \"{}\": the same customer, agreement and month as line {}",
                            month_text(&pair[1].invoice_month),
                            pair[0].line
                        ),
                    ));
                }
            }
        }
        if !self.bad.is_empty() {
            // Stable: the problems of one line keep their order.
            self.bad.sort_by_key(|(line, _)| *line);
            return Err(self.bad.into_iter().map(|(_, l)| l).collect());
        }
        let mut credits: Vec<AcoCredit> = self
            .credits
            .into_iter()
            .map(|credit| summarise(credit, as_of))
            .collect();
        credits
            .sort_by_cached_key(|c| (c.customer_id.to_lowercase(), c.agreement_id.to_lowercase()));
        Ok(credits)
    }
}

/// Appends a later run's months, growing by a quarter rather than doubling: in a file
/// ordered by month every run adds a month or two to every credit, and doubling left up to
/// half of the joined months unused (a million rows peaked at 248 MB).
pub(super) fn append_months(held: &mut Vec<AcoMonth>, later: Vec<AcoMonth>) {
    let needed = held.len() + later.len();
    if needed > held.capacity() {
        let grown = (held.len() + held.len() / 4).max(needed).max(4);
        held.reserve_exact(grown - held.len());
    }
    held.extend(later);
}

/// Replaces a held name only when it changed (a credit's names repeat row after row).
fn set_text(held: &mut Option<(NaiveDate, String)>, month: NaiveDate, text: &str) {
    match held {
        Some((m, value)) => {
            *m = month;
            if value != text {
                value.clear();
                value.push_str(text);
            }
        }
        None => *held = Some((month, text.to_string())),
    }
}

/// The last date text of a column and what it parsed to (a credit's dates repeat row after
/// row).
#[derive(Default)]
pub(super) struct LastParsed {
    text: String,
    parsed: Option<NaiveDate>,
}

impl LastParsed {
    pub(super) fn parse(&mut self, text: &str) -> Result<NaiveDate, String> {
        if let Some(parsed) = self.parsed.filter(|_| self.text == text) {
            return Ok(parsed);
        }
        let parsed = parse_date(text)?;
        self.text.clear();
        self.text.push_str(text);
        self.parsed = Some(parsed);
        Ok(parsed)
    }
}

/// Appends `text` in lower case (ASCII without a detour through `char`s).
pub(super) fn push_lowercase(key: &mut String, text: &str) {
    if text.is_ascii() {
        key.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        key.extend(text.chars().flat_map(char::to_lowercase));
    }
}
