use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const AS_OF: (i32, u32, u32) = (2026, 12, 1);

fn read_text(text: &str) -> AcoFile {
    read("aco.csv", text.as_bytes(), day(AS_OF.0, AS_OF.1, AS_OF.2)).unwrap()
}

fn credits(text: &str) -> Vec<AcoCredit> {
    match read_text(text) {
        AcoFile::Credits(credits) => credits,
        AcoFile::Bad(lines) => panic!("{lines:#?}"),
    }
}

fn bad(text: &str) -> Vec<String> {
    match read_text(text) {
        AcoFile::Bad(lines) => lines,
        AcoFile::Credits(credits) => panic!("read: {credits:#?}"),
    }
}

fn value(amount: &Option<Amount>) -> Option<String> {
    amount.as_ref().map(|a| a.value.to_string())
}

const CURRENT: &str = "PartnerTenantId,CustomerTenantId,CreditName,InvoiceMonth,CreditAmount,BalanceAmount,CurrencyCode,Status,EffectiveDate,ExpiryDate,AgreementID\r\n";

#[test]
fn credit_used_is_the_difference_to_the_previous_calendar_month() {
    let text = format!(
        "{CURRENT}\
         p1,c1,ACO,2026-09,100.00,900.00,USD,Active,9/15/2026,9/14/2027,a1\r\n\
         p1,c1,ACO,2026-10,250.50,749.50,USD,Active,9/15/2026,9/14/2027,a1\r\n\
         p1,c1,ACO,2026-12,400.00,600.00,USD,Active,9/15/2026,9/14/2027,a1\r\n"
    );
    let credit = &credits(&text)[0];
    let used: Vec<Option<String>> = credit
        .months
        .iter()
        .map(|m| m.credit_used.map(|u| u.to_string()))
        .collect();
    // September: effective that month, so all of it; October: the difference; December: no
    // November row, not effective in December: unknown.
    assert_eq!(
        used,
        vec![Some("100.00".into()), Some("150.50".into()), None]
    );
    assert_eq!(credit.credit_used_latest_month, None);
    assert_eq!(credit.latest_month, day(2026, 12, 1));
    assert_eq!(credit.balance_amount.value.to_string(), "600.00");
    assert_eq!(credit.months[1].line, 3);
    assert!(!credit.expired);
    assert_eq!(credit.effective_date, Some(day(2026, 9, 15)));
    assert_eq!(credit.partner_id.as_deref(), Some("p1"));
}

#[test]
fn the_2022_spelling_a_bom_lf_quotes_extra_columns_and_any_order() {
    let text = "\u{feff}Extra,agreementid,CUSTOMERID,PartnerID,InvoiceMonth,BalanceAmount,CreditAmount,CurrencyCode\n\
                x,a1,\"Contoso, Ltd\",p1,202611,\"10.5\",5,eur\n\
                y,a1,\"Contoso, Ltd\",p1,10/2026,15.5,0,EUR\n";
    let credit = &credits(text)[0];
    assert_eq!(credit.customer_id, "Contoso, Ltd");
    assert_eq!(credit.currency, "EUR");
    assert_eq!(credit.months.len(), 2);
    assert_eq!(
        value(&credit.credit_used_latest_month).as_deref(),
        Some("5")
    );
}

#[test]
fn months_and_dates_in_every_accepted_form() {
    for (text, month) in [
        ("2026-11", (2026, 11)),
        ("202611", (2026, 11)),
        ("11/2026", (2026, 11)),
        ("1/2026", (2026, 1)),
        ("2026-11-30", (2026, 11)),
        ("11/30/2026 12:00:00 AM", (2026, 11)),
    ] {
        assert_eq!(parse_month(text), Ok(day(month.0, month.1, 1)), "{text}");
    }
    for bad in ["2026-13", "26-11", "11/26", "November", "", "0000-01"] {
        assert!(parse_month(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_date("3/1/2027"), Ok(day(2027, 3, 1)));
    assert_eq!(parse_date("2027-03-01T00:00:00Z"), Ok(day(2027, 3, 1)));
    assert!(parse_date("31/12/2026").is_err());
    assert!(parse_date("2026-02-30").is_err());
}

#[test]
fn amounts_are_exact_and_ambiguous_ones_refused() {
    assert_eq!(parse_amount("1234.56").unwrap().to_string(), "1234.56");
    assert_eq!(parse_amount("-0.10").unwrap().to_string(), "-0.10");
    assert_eq!(parse_amount("+7").unwrap().to_string(), "7");
    assert_eq!(
        parse_amount("12345678901234567.89").unwrap().to_string(),
        "12345678901234567.89"
    );
    for bad in [
        "1,234.56",
        "1.234,56",
        "12,5",
        "1e3",
        "",
        "-",
        ".",
        "1.2.3",
        "USD 5",
        "0.12345678901234567890123456789",
        "-79228162514264337593543950335",
        "1000000000000000000000",
    ] {
        assert!(parse_amount(bad).is_err(), "{bad}");
    }
}

#[test]
fn every_bad_line_is_reported_with_its_number() {
    let text = format!(
        "{CURRENT}\
         p1,c1,ACO,2026-10,100,900,USD,Active,9/15/2026,9/14/2027,a1\r\n\
         p1,c1,ACO,October,100,900,USD,Active,9/15/2026,9/14/2027,a1\r\n\
         p1,c2,ACO,2026-10,\"1,000.00\",900,USD,Active,9/15/2026,9/14/2027,a1\r\n\
         p1,c3,ACO,2026-10,100,900,USD,Active,31/12/2026,9/14/2027,a1\r\n\
         p1,c1,ACO,2026-10,120,880,USD,Active,9/15/2026,9/14/2027,a1\r\n\
         p1,,ACO,2026-10,100,900,USD,Active,,,a1\r\n\
         p1,c9,\"two\nlines\",2026-10,100,900,USD,Active,,,a1\r\n\
         p1,c9,ACO,2026-99,100,900,USD,Active,,,a1\r\n"
    );
    let lines = bad(&text);
    assert_eq!(lines.len(), 7, "{lines:#?}");
    assert!(
        lines[0].starts_with("aco.csv:3: column 'InvoiceMonth' \"October\""),
        "{lines:#?}"
    );
    assert!(
        lines[1].starts_with("aco.csv:4: column 'CreditAmount' \"1,000.00\": has a comma"),
        "{lines:#?}"
    );
    assert!(
        lines[2].starts_with("aco.csv:5: column 'EffectiveDate' \"31/12/2026\""),
        "{lines:#?}"
    );
    assert!(lines[3].starts_with("aco.csv:6: column 'InvoiceMonth' \"2026-10\": the same customer, agreement and month as line 2"), "{lines:#?}");
    assert_eq!(lines[4], "aco.csv:7: column 'CustomerID' is empty");
    // A quoted field over two lines is refused (it could be a quote never closed); the
    // next record starts on line 10.
    assert!(
        lines[5].starts_with("aco.csv:8: column 'CreditName' holds a line break"),
        "{lines:#?}"
    );
    assert!(
        lines[6].starts_with("aco.csv:10: column 'InvoiceMonth' \"2026-99\""),
        "{lines:#?}"
    );
}

#[test]
fn a_missing_column_or_an_empty_file_is_refused() {
    let lines = bad("CustomerID,InvoiceMonth,CreditAmount,BalanceAmount\n");
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0]
            .starts_with("aco.csv:1: the header lacks the columns 'CurrencyCode', 'AgreementID'"),
        "{lines:?}"
    );
    let lines = bad("PartnerID,CustomerTenantId\n");
    assert!(lines[0].contains("'InvoiceMonth'"), "{lines:?}");
    let lines = bad("");
    assert!(
        lines[0].starts_with("aco.csv: the file is empty"),
        "{lines:?}"
    );
    assert!(credits(CURRENT).is_empty());
}

#[test]
fn expired_by_status_or_by_date_and_sorted_by_customer_then_agreement() {
    let text = format!(
        "{CURRENT}\
         p1,zeta,ACO,2026-11,10,0,USD,Expired,1/1/2026,12/31/2026,a1\r\n\
         p1,alpha,ACO,2026-11,10,5,USD,Active,1/1/2025,11/30/2026,a2\r\n\
         p1,alpha,ACO,2026-11,10,5,EUR,Active,1/1/2026,12/31/2027,a1\r\n"
    );
    let credits = credits(&text);
    let order: Vec<(&str, &str)> = credits
        .iter()
        .map(|c| (c.customer_id.as_str(), c.agreement_id.as_str()))
        .collect();
    assert_eq!(
        order,
        vec![("alpha", "a1"), ("alpha", "a2"), ("zeta", "a1")]
    );
    assert!(!credits[0].expired);
    assert!(credits[1].expired, "expiry 2026-11-30 is before 2026-12-01");
    assert!(credits[2].expired, "status Expired");
}

#[test]
fn a_credit_changing_currency_is_refused() {
    let text = format!(
        "{CURRENT}\
         p1,c1,ACO,2026-10,10,90,USD,Active,,,a1\r\n\
         p1,c1,ACO,2026-11,20,80,EUR,Active,,,a1\r\n"
    );
    let lines = bad(&text);
    assert!(
        lines[0].starts_with(
            "aco.csv:3: column 'CurrencyCode' \"EUR\": this credit is in USD on line 2"
        ),
        "{lines:?}"
    );
}

#[test]
fn an_open_quote_is_a_bad_line_not_a_panic() {
    let text = format!("{CURRENT}p1,\"c1,ACO,2026-10,10,90,USD,Active,,,a1\r\n");
    let lines = bad(&text);
    assert!(!lines.is_empty());
}

#[test]
fn lf_files_number_their_lines_like_crlf_files() {
    let rows = "p1,c1,ACO,2026-10,100,900,USD,Active,,,a1\n\
                p1,c1,ACO,October,100,900,USD,Active,,,a1\n";
    let lf = format!("{}{rows}", CURRENT.replace("\r\n", "\n"));
    let lines = bad(&lf);
    assert!(
        lines[0].starts_with("aco.csv:3: column 'InvoiceMonth'"),
        "{lines:?}"
    );
    let crlf = lf.replace('\n', "\r\n");
    let lines = bad(&crlf);
    assert!(
        lines[0].starts_with("aco.csv:3: column 'InvoiceMonth'"),
        "{lines:?}"
    );
}

#[test]
fn a_quote_never_closed_does_not_swallow_the_rest_silently() {
    let text = format!(
        "{CURRENT}p1,c1,ACO,2026-10,10,90,USD,Active,,,\"a1\r\np1,c2,ACO,2026-10,10,90,USD,Active,,,a1\r\n"
    );
    let lines = bad(&text);
    assert!(lines[0].contains("holds a line break"), "{lines:?}");
}

/// The fast path for plain amounts gives exactly what the full parser gives (value and
/// digits), and leaves everything else to it.
#[test]
fn plain_amounts_parse_as_the_full_rules_do() {
    use std::str::FromStr;
    for text in [
        "0",
        "-0.50",
        "1234.56",
        "000123.4500",
        "999999999999999999",
        "-999999999999.99",
        "10.00",
        "7",
    ] {
        let fast = super::plain_amount(text).map(|d| d.to_string());
        let full = rust_decimal::Decimal::from_str(text)
            .ok()
            .map(|d| d.to_string());
        assert_eq!(fast, full, "{text}");
    }
    for text in [
        "1.",
        ".5",
        "+5",
        "1.2.3",
        "-",
        "",
        "1e3",
        "1,5",
        "1234567890123456789.5",
    ] {
        assert_eq!(super::plain_amount(text), None, "{text}");
    }
    assert_eq!(
        super::parse_amount("1234567890123456789.5").map(|d| d.to_string()),
        Ok("1234567890123456789.5".to_string())
    );
}

/// A small deterministic generator (xorshift): the same files on every run.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[usize::try_from(self.below(from.len() as u64)).unwrap()]
    }
}

/// A balance file with what real and broken files hold: quoted fields (commas, doubled
/// quotes, line breaks inside), quotes inside unquoted fields, blank lines of every kind,
/// CRLF and LF, bad amounts, months and dates, currencies that change, months given twice,
/// bytes that are not UTF-8, a quote never closed, a last line without its line end.
fn messy_file(dice: &mut Dice, rows: usize) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    let bom = dice.below(4) == 0;
    if bom {
        out.extend("\u{feff}".as_bytes());
    }
    let header = if dice.below(2) == 0 {
        "PartnerTenantId,CustomerTenantId,CreditName,InvoiceMonth,CreditAmount,BalanceAmount,CurrencyCode,Status,EffectiveDate,ExpiryDate,AgreementID"
    } else {
        "AgreementID,Region,customerid,InvoiceMonth,BalanceAmount,CreditAmount,CurrencyCode,ExpiryDate,EffectiveDate,PartnerID,CreditName,Status"
    };
    let current = header.starts_with("Partner");
    let crlf = dice.below(2) == 0;
    let end = if crlf { "\r\n" } else { "\n" };
    out.extend(header.as_bytes());
    out.extend(end.as_bytes());
    for _ in 0..rows {
        match dice.below(40) {
            0 => out.extend(b"\n"),
            1 => out.extend(b"\r\n"),
            2 => out.extend(b" , ,,\r\n"),
            _ => {}
        }
        let customer = dice.pick(&[
            "c1",
            "C1",
            "c2",
            "\"Fabrikam, Inc.\"",
            "\"say \"\"hi\"\"\"",
            "ab\"cd",
            "\"two\nlines\"",
            // A byte-order mark in the middle of a file (two exports joined) is text.
            "\u{feff}\"c1\"",
            "\u{feff}\"c\nd\"",
            "\u{e9}t\u{e9}",
            "",
        ]);
        let agreement = dice.pick(&["a1", "a1", "A1", "a2", "\"a,3\""]);
        let month = dice.pick(&[
            "2026-07", "2026-08", "2026-09", "2026-10", "202611", "12/2026", "October", "2026-13",
        ]);
        let credit = dice.pick(&["10.00", "250.5", "0", "1,5", "-3", "abc", "\"7.25\""]);
        let balance = dice.pick(&["90.00", "749.50", "1000", "", "12e3"]);
        let currency = dice.pick(&["USD", "USD", "USD", "usd", "EUR", "US", ""]);
        let status = dice.pick(&["Active", "Active", "Expired", ""]);
        let effective = dice.pick(&["9/15/2026", "2026-07-01", "", "31/31/2026"]);
        let expiry = dice.pick(&["9/14/2027", "2026-11-30", ""]);
        let partner = dice.pick(&["p1", "p2", ""]);
        let name = dice.pick(&["ACO", "Azure Credit Offer", "\"ACO, new\"", ""]);
        let line = if current {
            format!("{partner},{customer},{name},{month},{credit},{balance},{currency},{status},{effective},{expiry},{agreement}")
        } else {
            format!("{agreement},EU,{customer},{month},{balance},{credit},{currency},{expiry},{effective},{partner},{name},{status}")
        };
        out.extend(line.as_bytes());
        match dice.below(60) {
            0 => out.extend(b"\xff\xfe"),
            1 => out.extend(b"\r"),
            _ => {}
        }
        out.extend(end.as_bytes());
    }
    match dice.below(6) {
        0 => out.extend(b"p1,c9,ACO,2026-10,1,2,USD,Active,,,\"open"),
        1 => out.extend(b"p1,c9,ACO,2026-10,1,2,USD,Active,,,a9"),
        _ => {}
    }
    out
}

/// Whatever the blocks are cut to and however many workers parse them, the file reads as the
/// one-pass reader read it: the same credits, the same messages in the same order.
#[test]
fn blocks_on_every_core_read_as_one_pass_does() {
    let as_of = day(AS_OF.0, AS_OF.1, AS_OF.2);
    let mut dice = Dice(0x2545_f491_4f6c_dd1d);
    let mut bad_files = 0;
    for file in 0..300 {
        // Clean files too: a file with one bad line says nothing about the credits.
        let rows = usize::try_from(dice.below(40)).unwrap();
        let bytes = if file % 3 == 0 {
            // Valid, with quoted fields, a note over two lines and blank lines.
            let end = if file % 2 == 0 { "\r\n" } else { "\n" };
            let mut text = format!("PartnerTenantId,CustomerTenantId,CreditName,InvoiceMonth,CreditAmount,BalanceAmount,CurrencyCode,Status,EffectiveDate,ExpiryDate,AgreementID,Notes{end}");
            for row in 0..rows {
                let customer = [
                    "c1",
                    "\"c,2\"",
                    "c3",
                    "\"say \"\"hi\"\"\"",
                    // A byte-order mark inside a file is text, even before a quote.
                    "\u{feff}\"c1\"",
                ][row % 5];
                let note = ["", "\"two\nlines\"", "5\" wide", "\"a \"\"b\"\"\nc\""][row % 4];
                // A record that starts with a byte-order mark (two exports joined).
                let partner = if row % 3 == 2 { "\u{feff}\"p1\"" } else { "p1" };
                text.push_str(&format!(
                    "{partner},{customer},ACO,2026-{:02},{}.25,{}.75,{},Active,9/15/2026,9/14/2027,a{},{note}{end}",
                    1 + row / 5,
                    row * 3,
                    1000 - row,
                    if row % 5 == 2 { "eur" } else { "USD" },
                    usize::from(row % 8 == 1),
                ));
                if row % 7 == 3 {
                    text.push_str(end);
                }
            }
            text.into_bytes()
        } else {
            messy_file(&mut dice, rows)
        };
        let expected = one_pass::read("aco.csv", bytes.as_slice(), as_of).unwrap();
        if matches!(expected, AcoFile::Bad(_)) {
            bad_files += 1;
        }
        for block_bytes in [1, 2, 5, 16, 61, 200, 1 << 20] {
            for workers in [1, 2, 3] {
                let got = read_in_blocks("aco.csv", bytes.as_slice(), as_of, block_bytes, workers)
                    .unwrap();
                assert_eq!(
                    got,
                    expected,
                    "file {file} ({block_bytes}-byte blocks, {workers} workers):\n{}",
                    String::from_utf8_lossy(&bytes)
                );
            }
        }
    }
    assert!(
        (150..250).contains(&bad_files),
        "{bad_files} bad files of 300"
    );
}

/// The block cut, against csv-core's rules applied a byte at a time: on every prefix of
/// short random texts of quotes, commas, line ends and letters, the cut is the last line end
/// that ends a record (a quoted field's line ends do not).
#[test]
fn blocks_are_cut_only_where_a_record_ends() {
    /// Every offset just after a LF that ends a record, reading the whole text.
    fn record_ends(text: &[u8]) -> Vec<usize> {
        #[derive(PartialEq)]
        enum State {
            FieldStart,
            InField,
            Quoted,
            QuoteInQuoted,
        }
        let mut state = State::FieldStart;
        let mut ends = Vec::new();
        for (at, byte) in text.iter().enumerate() {
            state = match (state, byte) {
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => State::Quoted,
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (State::FieldStart, b'"') => State::Quoted,
                (_, b',') => State::FieldStart,
                (_, b'\n') => {
                    ends.push(at + 1);
                    State::FieldStart
                }
                (_, _) => State::InField,
            };
        }
        ends
    }
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let len = usize::try_from(dice.below(24)).unwrap();
        let text: Vec<u8> = (0..len)
            .map(|_| b"\",\na\r\"\n"[usize::try_from(dice.below(7)).unwrap()])
            .collect();
        for prefix in 0..=text.len() {
            // Whether a line end ends a record depends only on the bytes before it.
            let expected = record_ends(&text[..prefix]).into_iter().max();
            assert_eq!(
                blocks::last_record_end(&text[..prefix]),
                expected,
                "{:?}",
                String::from_utf8_lossy(&text[..prefix])
            );
        }
    }
}

/// `{"value": <exact>, "currency": "USD"}`, as every amount in `credits`' JSON.
struct Money<'a>(Decimal, &'a str);

impl Serialize for Money<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The shape of `Amount`, written without making one (a million months, three
        // amounts each).
        use serde::ser::SerializeStruct;
        struct Exact(Decimal);
        impl Serialize for Exact {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                crate::model::money::serialize_decimal(&self.0, s)
            }
        }
        let mut out = s.serialize_struct("Amount", 2)?;
        out.serialize_field("value", &Exact(self.0))?;
        out.serialize_field("currency", self.1)?;
        out.end()
    }
}

/// `YYYY-MM`, written without a temporary string.
struct MonthText(NaiveDate);

impl Serialize for MonthText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:04}-{:02}", self.0.year(), self.0.month()))
    }
}

/// How `months` was written before `months_json`: through serde, one value at a time.
struct MonthsBySerde<'a>(&'a [AcoMonth], &'a str);

impl Serialize for MonthsBySerde<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeSeq, SerializeStruct};
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        struct One<'a>(&'a AcoMonth, &'a str);
        impl Serialize for One<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let (m, currency) = (self.0, self.1);
                let mut out = s.serialize_struct("AcoMonth", 6)?;
                out.serialize_field("invoiceMonth", &MonthText(m.invoice_month))?;
                out.serialize_field("creditAmount", &Money(m.credit_amount, currency))?;
                out.serialize_field("balanceAmount", &Money(m.balance_amount, currency))?;
                out.serialize_field("creditUsed", &m.credit_used.map(|u| Money(u, currency)))?;
                out.serialize_field("status", &m.status.as_deref())?;
                out.serialize_field("line", &m.line)?;
                out.end()
            }
        }
        for month in self.0 {
            seq.serialize_element(&One(month, self.1))?;
        }
        seq.end()
    }
}

/// The months written by hand are the text serde_json's pretty printer gives, where `aco
/// --json` has them (the value of a key of an element of the top array): amounts of every
/// shape, no credit used, no status, a status to escape, a large line number, early years.
#[test]
fn months_are_written_as_serde_json_writes_them() {
    use rust_decimal::Decimal;
    use std::str::FromStr;
    #[derive(Serialize)]
    struct Element<M: Serialize> {
        months: M,
        after: bool,
    }
    let month = |y, m, status: Option<&str>, used: Option<&str>, line| AcoMonth {
        invoice_month: day(y, m, 1),
        credit_amount: Decimal::from_str("-1234.500").unwrap(),
        balance_amount: Decimal::from_str("0").unwrap(),
        credit_used: used.map(|u| Decimal::from_str(u).unwrap()),
        status: status.map(Arc::from),
        line,
        currency_as_written: *b"usd",
    };
    let months = [
        month(2026, 11, Some("Active"), Some("6.37"), 2),
        month(1900, 1, None, None, u64::MAX),
        month(
            9999,
            12,
            Some("say \"hi\"\\ \u{1}\t\u{7f} \u{e9}"),
            Some("-0.0000001"),
            0,
        ),
        month(
            2000,
            10,
            Some(""),
            Some("79228162514264337593543950335"),
            10,
        ),
    ];
    for months in [&months[..], &months[..1], &[]] {
        let element = |months| {
            [Element {
                months,
                after: true,
            }]
        };
        let by_hand = serde_json::to_string_pretty(&element(Months(months, "USD"))).unwrap();
        let by_serde = serde_json::to_string_pretty(&[Element {
            months: MonthsBySerde(months, "USD"),
            after: true,
        }])
        .unwrap();
        assert_eq!(by_hand, by_serde);
    }
}

/// Blank lines before the header, more than a block of them: the header is found after them,
/// as one pass finds it.
#[test]
fn a_header_after_blocks_of_blank_lines_is_found() {
    let as_of = day(AS_OF.0, AS_OF.1, AS_OF.2);
    let text = format!(
        "{}{CURRENT}p1,c1,ACO,2026-10,10,90,USD,Active,,,a1\r\n",
        "\n".repeat(100)
    );
    let expected = one_pass::read("aco.csv", text.as_bytes(), as_of).unwrap();
    assert!(matches!(expected, AcoFile::Credits(_)), "{expected:?}");
    for block_bytes in [1, 16, 64] {
        let got = read_in_blocks("aco.csv", text.as_bytes(), as_of, block_bytes, 2).unwrap();
        assert_eq!(got, expected, "{block_bytes}-byte blocks");
    }
}

/// A row after blank lines is named by its own line (the csv crate gives a record the
/// position where its read began, before the blank lines it skips).
#[test]
fn a_row_after_blank_lines_is_named_by_its_own_line() {
    let text = format!(
        "{CURRENT}p1,c1,ACO,2026-10,10,90,USD,Active,,,a1\n\n\np1,c1,ACO,October,10,90,USD,Active,,,a1\n"
    );
    let lines = bad(&text);
    assert!(
        lines[0].starts_with("aco.csv:5: column 'InvoiceMonth'"),
        "{lines:?}"
    );
}

/// A file ordered by month joins a month or two to every credit per run: the joined months
/// keep their order and never hold more than a quarter unused (doubling held up to half).
#[test]
fn months_joined_a_few_at_a_time_keep_their_order_and_little_room() {
    let month = |line: u64| AcoMonth {
        invoice_month: day(2024, 1, 1),
        credit_amount: Decimal::ZERO,
        balance_amount: Decimal::ZERO,
        credit_used: None,
        status: None,
        line,
        currency_as_written: *b"USD",
    };
    let mut held = Vec::with_capacity(1);
    let mut line = 0;
    for run in 0..60u64 {
        let later: Vec<AcoMonth> = (0..1 + run % 2)
            .map(|_| {
                line += 1;
                month(line)
            })
            .collect();
        rows::append_months(&mut held, later);
        assert!(
            held.capacity() <= (held.len() + held.len() / 4).max(4) + 1,
            "{} for {}",
            held.capacity(),
            held.len()
        );
    }
    let lines: Vec<u64> = held.iter().map(|m| m.line).collect();
    assert_eq!(lines, (1..=line).collect::<Vec<_>>());
}
