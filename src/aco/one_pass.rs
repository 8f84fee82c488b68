//! The reader `credits aco` had before it read in blocks on every core: one pass of the csv
//! crate over the whole file. Kept as the oracle the block reader is compared with
//! (`tests.rs`): whatever the blocks, the workers and the file, both give the same credits
//! and the same messages.

use super::{
    csv_failure, month_text, parse_amount, parse_month, rows, summarise, AcoCredit, AcoFile,
    AcoMonth, AGREEMENT, BALANCE_AMOUNT, COLUMNS, CREDIT_AMOUNT, CREDIT_NAME, CURRENCY, CUSTOMER,
    EFFECTIVE, EXPIRY, INVOICE_MONTH, PARTNER, STATUS,
};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Arc;

/// Reads and summarises the file. `name` is how messages call it (`credits.csv`, `stdin`);
/// `as_of` decides which credits have expired.
pub(super) fn read(name: &str, input: &[u8], as_of: NaiveDate) -> std::io::Result<AcoFile> {
    // Lines end at LF (a CR before it is trimmed with the field): the csv crate then counts
    // lines the same way for CRLF and LF files.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        // Large reads: a million-row file is read in a few hundred calls, not 15,000.
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    // The header, as the block reader reads it (its rules are not what this oracle checks).
    let at = match super::header(name, input)? {
        Ok((columns, _, _)) => columns.at,
        Err(lines) => return Ok(AcoFile::Bad(lines)),
    };
    let _ = reader.read_byte_record(&mut record);

    // (customer, agreement), compared without case -> index in `building`. The key is made
    // in one reused buffer: a row of a known credit allocates nothing for it.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut key = String::new();
    let mut building: Vec<rows::Building> = Vec::new();
    let mut statuses: HashMap<String, Arc<str>> = HashMap::new();
    let (mut last_effective, mut last_expiry) =
        (rows::LastParsed::default(), rows::LastParsed::default());
    // The rows of one credit usually follow each other: the last key's slot is kept.
    let mut last_key = String::new();
    let mut last_slot = usize::MAX;
    // `(line, message)`: sorted into file order at the end.
    let mut bad: Vec<(u64, String)> = Vec::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                bad.push((line, csv_failure(name, error)?));
                break;
            }
        }
        // The csv crate gives a record the position where its read began: before the blank
        // lines csv-core skips. The line is the record's own (the one-pass reader named the
        // blank line: fixed, and the blocks name the row's line).
        let line = record.position().map_or(0, |p| {
            let at = usize::try_from(p.byte()).unwrap_or(input.len());
            let blank = input[at.min(input.len())..]
                .iter()
                .take_while(|b| **b == b'\n')
                .count();
            p.line() + blank as u64
        });
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line
        }
        let mut problems: Vec<String> = Vec::new();
        let field = |i: usize, problems: &mut Vec<String>| -> Option<&str> {
            // A row shorter than the header has its last columns empty.
            let bytes = at[i].and_then(|at| record.get(at)).unwrap_or_default();
            // ASCII spaces are trimmed on the bytes; a field that still starts or ends with
            // a non-ASCII byte may hold Unicode spaces, trimmed as text.
            let bytes = bytes.trim_ascii();
            let unicode_edges = bytes.first().is_some_and(|b| *b >= 0x80)
                || bytes.last().is_some_and(|b| *b >= 0x80);
            match std::str::from_utf8(bytes) {
                Ok(text) => {
                    let text = if unicode_edges { text.trim() } else { text };
                    if text.bytes().any(|b| b == b'\n' || b == b'\r') {
                        // A quote opened and never closed swallows the rest of the file into
                        // one field: never a silent end of the data.
                        problems.push(format!(
                            "column '{}' holds a line break; a quote opened on this line may never be closed",
                            COLUMNS[i].name
                        ));
                        None
                    } else if text.is_empty() {
                        if COLUMNS[i].required {
                            problems.push(format!("column '{}' is empty", COLUMNS[i].name));
                        }
                        None
                    } else {
                        Some(text)
                    }
                }
                Err(_) => {
                    problems.push(format!("column '{}' is not UTF-8 text", COLUMNS[i].name));
                    None
                }
            }
        };
        let customer = field(CUSTOMER, &mut problems);
        let agreement = field(AGREEMENT, &mut problems);
        let currency = field(CURRENCY, &mut problems);
        let month_text = field(INVOICE_MONTH, &mut problems);
        let credit_text = field(CREDIT_AMOUNT, &mut problems);
        let balance_text = field(BALANCE_AMOUNT, &mut problems);
        let partner = field(PARTNER, &mut problems);
        let credit_name = field(CREDIT_NAME, &mut problems);
        let status = field(STATUS, &mut problems);
        let effective_text = field(EFFECTIVE, &mut problems);
        let expiry_text = field(EXPIRY, &mut problems);
        fn check<T>(
            column: usize,
            text: Option<&str>,
            mut parse: impl FnMut(&str) -> Result<T, String>,
            problems: &mut Vec<String>,
        ) -> Option<T> {
            let text = text?;
            parse(text)
                .map_err(|why| {
                    problems.push(format!("column '{}' {text:?}: {why}", COLUMNS[column].name))
                })
                .ok()
        }
        let month = check(INVOICE_MONTH, month_text, parse_month, &mut problems);
        let credit = check(CREDIT_AMOUNT, credit_text, parse_amount, &mut problems);
        let balance = check(BALANCE_AMOUNT, balance_text, parse_amount, &mut problems);
        // A credit's dates repeat on each of its rows: the last text read is parsed once.
        let effective = check(
            EFFECTIVE,
            effective_text,
            |t| last_effective.parse(t),
            &mut problems,
        );
        let expiry = check(EXPIRY, expiry_text, |t| last_expiry.parse(t), &mut problems);
        let currency_is_a_code = check(
            CURRENCY,
            currency,
            |t| {
                if t.len() == 3 && t.chars().all(|c| c.is_ascii_alphabetic()) {
                    Ok(())
                } else {
                    Err("is not a three-letter currency code such as USD".to_string())
                }
            },
            &mut problems,
        );
        let currency = currency.filter(|_| currency_is_a_code.is_some());
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
            currency,
            month,
            credit,
            balance,
            problems.is_empty(),
        )
        else {
            bad.extend(
                problems
                    .into_iter()
                    .map(|p| (line, format!("{name}:{line}: {p}"))),
            );
            continue;
        };
        key.clear();
        rows::push_lowercase(&mut key, customer);
        key.push('\u{0}');
        rows::push_lowercase(&mut key, agreement);
        let known = if last_slot != usize::MAX && key == last_key {
            Some(last_slot)
        } else {
            index.get(key.as_str()).copied()
        };
        let slot = match known {
            Some(slot) => slot,
            None => {
                index.insert(key.clone(), building.len());
                building.push(rows::Building {
                    customer: customer.to_string(),
                    agreement: agreement.to_string(),
                    currency: currency.to_ascii_uppercase(),
                    first_line: line,
                    ..rows::Building::default()
                });
                building.len() - 1
            }
        };
        if last_slot != slot {
            last_slot = slot;
            last_key.clone_from(&key);
        }
        let credit_of = &mut building[slot];
        if !credit_of.currency.eq_ignore_ascii_case(currency) {
            bad.push((
                line,
                format!(
                    "{name}:{line}: column 'CurrencyCode' {currency:?}: this credit is in {} on line {}; one credit has one currency",
                    credit_of.currency, credit_of.first_line
                ),
            ));
            continue;
        }
        // Names and dates: those of the latest month that has them.
        let newer =
            |held: &Option<(NaiveDate, String)>| held.as_ref().is_none_or(|(m, _)| month >= *m);
        if let Some(partner) = partner.filter(|_| newer(&credit_of.partner)) {
            credit_of.partner = Some((month, partner.to_string()));
        }
        if let Some(credit_name) = credit_name.filter(|_| newer(&credit_of.credit_name)) {
            credit_of.credit_name = Some((month, credit_name.to_string()));
        }
        let newer_day =
            |held: &Option<(NaiveDate, NaiveDate)>| held.is_none_or(|(m, _)| month >= m);
        if let Some(effective) = effective.filter(|_| newer_day(&credit_of.effective)) {
            credit_of.effective = Some((month, effective));
        }
        if let Some(expiry) = expiry.filter(|_| newer_day(&credit_of.expiry)) {
            credit_of.expiry = Some((month, expiry));
        }
        let status = status.map(|text| match statuses.get(text) {
            Some(shared) => Arc::clone(shared),
            None => {
                let shared: Arc<str> = Arc::from(text);
                statuses.insert(text.to_string(), Arc::clone(&shared));
                shared
            }
        });
        credit_of.months.push(AcoMonth {
            invoice_month: month,
            credit_amount: credit,
            balance_amount: balance,
            credit_used: None,
            status,
            line,
            currency_as_written: currency.as_bytes().try_into().unwrap_or([0; 3]),
        });
    }
    // The same month twice: found once each credit's months are in order, reported in file
    // order with everything else.
    for credit in &mut building {
        credit.months.sort_by_key(|m| (m.invoice_month, m.line));
        for pair in credit.months.windows(2) {
            if pair[0].invoice_month == pair[1].invoice_month {
                let line = pair[1].line;
                bad.push((
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
    if !bad.is_empty() {
        bad.sort_by_key(|(line, _)| *line);
        return Ok(AcoFile::Bad(bad.into_iter().map(|(_, l)| l).collect()));
    }
    let mut credits: Vec<AcoCredit> = building
        .into_iter()
        .map(|credit| summarise(credit, as_of))
        .collect();
    credits.sort_by_cached_key(|c| (c.customer_id.to_lowercase(), c.agreement_id.to_lowercase()));
    Ok(AcoFile::Credits(credits))
}
