//! `credits aco FILE|-`: Partner Center's ACO balance file, through the binary: no sign-in,
//! no network; files from `fixtures/aco/` and built here.

use crate::support::*;
use std::io::Write;

const AS_OF: &str = "2026-12-01";

fn aco(args: &[&str]) -> Outcome {
    let mut argv = vec!["--as-of", AS_OF, "aco"];
    argv.extend_from_slice(args);
    run(credits_command(&argv))
}

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

fn path(file: &tempfile::NamedTempFile) -> String {
    file.path().display().to_string()
}

#[test]
fn the_current_spelling_summarises_per_credit_with_exact_amounts() {
    let out = aco(&[
        &fixture_path("aco/current-spelling.csv")
            .display()
            .to_string(),
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    let credits = json.as_array().unwrap();
    assert_eq!(credits.len(), 3);
    let first = &credits[0];
    assert_eq!(first["customerId"], "3c2b0f5e-0001-4000-8000-000000000001");
    assert_eq!(first["latestMonth"], "2026-11");
    assert_eq!(first["balanceAmount"]["value"].to_string(), "4387.60");
    assert_eq!(first["balanceAmount"]["currency"], "USD");
    assert_eq!(
        first["creditUsedLatestMonth"]["value"].to_string(),
        "262.15"
    );
    assert_eq!(
        first["months"][0]["creditUsed"]["value"].to_string(),
        "100.00"
    );
    assert_eq!(first["months"][2]["line"], 4);
    // A gap month (no October row) and not effective in November: unknown, not guessed.
    let gap = &credits[1];
    assert_eq!(gap["creditUsedLatestMonth"], serde_json::Value::Null);
    assert_eq!(credits[2]["expired"], true);
    assert!(out.stderr.is_empty(), "{out}");
}

#[test]
fn the_2022_spelling_with_a_bom_and_stdin() {
    let text = std::fs::read_to_string(fixture_path("aco/2022-spelling.csv")).unwrap();
    let mut command = credits_command(&["--as-of", AS_OF, "aco", "-", "--json"]);
    command.write_stdin(text);
    let out = run(command);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json[0]["customerId"], "Fabrikam, Inc.");
    assert_eq!(json[0]["partnerId"], "p2");
    assert_eq!(
        json[0]["creditUsedLatestMonth"]["value"].to_string(),
        "480.10"
    );
}

#[test]
fn the_table_totals_per_currency_and_never_across() {
    let out = aco(&[&fixture_path("aco/current-spelling.csv")
        .display()
        .to_string()]);
    assert_eq!(out.code, 0, "{out}");
    // Per currency, the credits that have not expired (the expired USD one is left out).
    assert!(
        out.stdout
            .contains("| EUR                |       1 |   200.00 EUR |"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("| USD                |       1 | 4,387.60 USD |           262.15 USD |"),
        "{out}"
    );
    let csv = aco(&[
        &fixture_path("aco/current-spelling.csv")
            .display()
            .to_string(),
        "-o",
        "csv",
    ]);
    assert!(csv.stdout.starts_with("customerId,agreementId,partnerId,creditName,currency,latestMonth,balanceAmount,creditAmount,creditUsedLatestMonth,status,expired,effectiveDate,expiryDate\r\n"), "{csv}");
    assert!(
        csv.stdout
            .contains(",USD,2026-11,4387.60,612.40,262.15,Active,false,2026-09-15,2027-09-14\r\n"),
        "{csv}"
    );
}

#[test]
fn bad_input_lists_every_offending_line_and_prints_nothing() {
    let bad = file(
        "CustomerID,InvoiceMonth,CreditAmount,BalanceAmount,CurrencyCode,AgreementID\r\n\
         c1,2026-11,10.00,90.00,USD,a1\r\n\
         c1,13/2026,10.00,90.00,USD,a1\r\n\
         c2,2026-11,\"1,234.56\",90.00,USD,a1\r\n\
         c1,2026-11,11.00,89.00,USD,a1\r\n",
    );
    let out = aco(&[&path(&bad)]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stdout.is_empty(), "{out}");
    let name = path(&bad);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines[0].starts_with(&format!("{name}:3: column 'InvoiceMonth' \"13/2026\"")),
        "{out}"
    );
    assert!(
        lines[1].starts_with(&format!("{name}:4: column 'CreditAmount' \"1,234.56\"")),
        "{out}"
    );
    assert!(lines[2].starts_with(&format!("{name}:5: column 'InvoiceMonth' \"2026-11\": the same customer, agreement and month as line 2")), "{out}");
    assert!(lines[3].starts_with("error: 3 lines in"), "{out}");

    for (text, why) in [
        ("", "the file is empty"),
        (
            "CustomerID,InvoiceMonth\r\nc1,2026-11\r\n",
            "the header lacks the columns",
        ),
    ] {
        let bad = file(text);
        let out = aco(&[&path(&bad)]);
        assert_eq!(out.code, 2, "{out}");
        assert!(out.stderr.contains(why), "{out}");
        assert!(out.stdout.is_empty());
    }
    let out = aco(&["/nonexistent/aco.csv"]);
    assert_eq!(out.code, 2, "{out}");
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
}

#[test]
fn a_header_only_file_is_an_empty_list_with_a_note() {
    let empty =
        file("CustomerTenantId,InvoiceMonth,CreditAmount,BalanceAmount,CurrencyCode,AgreementID\n");
    let out = aco(&[&path(&empty), "--json"]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(out.stdout, "[]\n");
    assert!(out.stderr.contains("note: "), "{out}");
}

#[test]
fn customer_min_and_expiring_within_follow_the_check_rules() {
    let fixture = fixture_path("aco/current-spelling.csv")
        .display()
        .to_string();
    let one = aco(&[
        &fixture,
        "--customer",
        "7D1F0000-0002-4000-8000-000000000002",
        "--json",
    ]);
    assert_eq!(one.code, 0, "{one}");
    assert_eq!(one.json().as_array().unwrap().len(), 1);
    let none = aco(&[&fixture, "--customer", "nobody"]);
    assert_eq!(none.code, 5, "{none}");
    assert!(none.stdout.is_empty());

    // The expired USD credit (0.00) is not checked; the EUR one is below 300.
    let low = aco(&[
        &fixture, "-o", "none", "--min", "1000USD", "--min", "300EUR",
    ]);
    assert_eq!(low.code, 1, "{low}");
    assert!(
        low.stderr
            .contains("balance 200.00 EUR is below the minimum 300 EUR by 100.00 EUR"),
        "{low}"
    );
    assert!(
        !low.stderr.contains("9e9e0000"),
        "expired credits are not checked: {low}"
    );
    let bare = aco(&[&fixture, "-o", "none", "--min", "100"]);
    assert_eq!(bare.code, 2, "{bare}");
    assert!(bare.stderr.contains("EUR, USD"), "{bare}");
    let fine = aco(&[&fixture, "-o", "none", "--min", "100USD", "--min", "100EUR"]);
    assert_eq!(fine.code, 0, "{fine}");
    let only_usd = aco(&[&fixture, "-o", "none", "--min", "100USD"]);
    assert_eq!(only_usd.code, 0, "{only_usd}");
    assert!(only_usd.stderr.contains("not checked"), "{only_usd}");

    let expiring = aco(&[&fixture, "-o", "none", "--expiring-within", "30"]);
    assert_eq!(expiring.code, 1, "{expiring}");
    assert!(
        expiring
            .stderr
            .contains("200.00 EUR expires on 2026-12-20, within 30 days"),
        "{expiring}"
    );
    let later = aco(&[&fixture, "-o", "none", "--expiring-within", "10"]);
    assert_eq!(later.code, 0, "{later}");
}

#[test]
fn a_bare_min_among_currencies_is_refused_before_anything_is_printed() {
    let fixture = fixture_path("aco/current-spelling.csv")
        .display()
        .to_string();
    let out = aco(&[&fixture, "--json", "--min", "100"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stdout.is_empty(), "{out}");
}

#[test]
fn a_minimum_in_a_currency_no_credit_has_is_refused_before_output_naming_credits() {
    let current = fixture_path("aco/current-spelling.csv")
        .display()
        .to_string();
    let out = aco(&[&current, "--min", "500GBP"]);
    assert_eq!(out.code, 2, "{out}");
    assert_eq!(out.stdout, "", "{out}");
    assert!(
        out.stderr
            .contains("--min is given in GBP but no credit is in that currency"),
        "{out}"
    );
}

/// A file that is not UTF-8 text is one line naming the encoding found and how to convert
/// it, with no raw bytes.
#[test]
fn a_file_that_is_not_utf8_text_is_named_not_printed() {
    let cases: [(&[u8], &str); 3] = [
        (
            b"\xff\xfeP\x00a\x00r\x00t\x00",
            "is UTF-16 text (little-endian, with a byte-order mark), not UTF-8; convert it to UTF-8 first, for example: iconv",
        ),
        (b"\x00\x01\x02binary", "is not text: it holds NUL bytes"),
        (b"CustomerID\n\xe9t\xe9\n", "is not UTF-8 text (byte 12 is not UTF-8)"),
    ];
    for (bytes, said) in cases {
        let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        file.write_all(bytes).unwrap();
        let out = aco(&[&path(&file)]);
        assert_eq!(out.code, 2, "{out}");
        assert_eq!(out.stdout, "", "{out}");
        assert_eq!(out.stderr.lines().count(), 1, "{out}");
        assert!(out.stderr.contains(said), "{said}: {out}");
        assert!(
            !out.stderr.contains('\u{fffd}') && !out.stderr.contains("\\u{0}"),
            "{out}"
        );
    }
}

/// A file of several blocks (over 8 MB), through standard input: every credit, every month,
/// the figures of the last month, and line numbers counted across the blocks; then the same
/// file to a reader that goes away after a few bytes: the check still decides, no error.
#[test]
fn a_file_of_several_blocks_reads_whole_and_a_reader_may_leave() {
    let mut text = String::from("PartnerTenantId,CustomerTenantId,CreditName,InvoiceMonth,CreditAmount,BalanceAmount,CurrencyCode,Status,EffectiveDate,ExpiryDate,AgreementID\n");
    let (credits, months) = (7_000u32, 12u32);
    for customer in 0..credits {
        for month in 0..months {
            let used = u64::from(customer % 97 + month * 3);
            text.push_str(&format!(
                "partner-{customer},customer-{customer:06},\"Azure Credit Offer, year {month}\",2026-{:02},{used}.25,{}.75,USD,Active,1/1/2026,12/31/2027,AGR-{customer}\n",
                month + 1,
                100_000 - used
            ));
        }
    }
    assert!(text.len() > 9 << 20, "{} bytes", text.len());
    let mut command = credits_command(&["--as-of", AS_OF, "aco", "-", "--json"]);
    command.write_stdin(text.clone());
    let out = run(command);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    let all = json.as_array().unwrap();
    assert_eq!(all.len(), credits as usize);
    let last = &all[credits as usize - 1];
    assert_eq!(last["customerId"], "customer-006999");
    assert_eq!(last["months"].as_array().unwrap().len(), months as usize);
    let used = 6_999 % 97 + 11 * 3;
    assert_eq!(
        last["balanceAmount"]["value"].to_string(),
        format!("{}.75", 100_000 - used)
    );
    // The header is line 1: the last credit's December is the file's last line.
    assert_eq!(
        last["months"][11]["line"].as_u64(),
        Some(u64::from(credits * months) + 1)
    );

    // Read by `head -c 100`: exit 1 for the failed check, nothing about the closed output.
    let file = file(&text);
    let shell = format!(
        "'{}' --as-of {AS_OF} aco '{}' --json --min 200000USD | head -c 100 > /dev/null; echo \"${{PIPESTATUS[0]}}\"",
        assert_cmd::cargo::cargo_bin!("credits").display(),
        path(&file)
    );
    let out = plain_command("bash").args(["-c", &shell]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("check failed"), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}
