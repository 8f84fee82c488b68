//! Cost Details reports: the CSV files Azure writes line by line for a scope and a month,
//! read as a stream (a chunk at a time, whatever its size, so that memory stays flat for a
//! report of any size) and summed exactly per day, currency, credit eligibility and every
//! attribute `--by` may group by. What credit never covers is known here per line
//! (`isAzureCreditEligible`), not guessed from publishers and product names.
//!
//! Columns are found by name without regard to case (MCA files spell them in mixed case:
//! `costInBillingCurrency`, `ProductName`, `SubscriptionId`) after the byte-order mark MCA
//! files start with. "Service" is `meterCategory`.

use super::spend::{CostRow, GroupBy};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The attributes kept of each line, in this order in a key, each by the names its column
/// goes by (the first is the MCA name, and the cache file's).
const ATTRIBUTES: [&[&str]; 9] = [
    &["meterCategory"],
    &["subscriptionName"],
    &["subscriptionId", "subscriptionGuid"],
    &["resourceGroupName", "resourceGroup"],
    &["meterName"],
    &["resourceLocation"],
    &["publisherType"],
    &["chargeType"],
    &["invoiceSectionName"],
];
const SERVICE: usize = 0;
const SUBSCRIPTION_NAME: usize = 1;
const SUBSCRIPTION_ID: usize = 2;
const RESOURCE_GROUP: usize = 3;
const METER: usize = 4;
const LOCATION: usize = 5;
const PUBLISHER: usize = 6;
const CHARGE_TYPE: usize = 7;
const INVOICE_SECTION: usize = 8;

const COST: &[&str] = &["costInBillingCurrency"];
const CURRENCY: &[&str] = &["billingCurrency", "billingCurrencyCode"];
const DATE: &[&str] = &["date", "usageDate"];
const ELIGIBLE: &[&str] = &["isAzureCreditEligible"];

/// The most distinct sums one report may hold: a month of a large tenant has tens of
/// thousands (days x subscriptions x resource groups x meters ...); a file with millions is
/// broken or hostile, and refused before it exhausts memory (about 100 bytes a sum).
const MAX_SUMS: usize = 2_000_000;
/// The most distinct texts (names, ids) one report may hold, for the same reason.
const MAX_STRINGS: usize = 2_000_000;

/// No real line comes near this (an MCA line is 1 to 3 KB, tags included): a longer one is a
/// broken or hostile file, refused rather than buffered without end.
const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;
/// Far above the 65 columns of an MCA file.
const MAX_FIELDS: usize = 4096;

/// Whether credit may pay for a line, as the line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Eligibility {
    Eligible,
    NotEligible,
    /// The file has no such column, or the line leaves it empty.
    Unknown,
}

impl Eligibility {
    fn word(self) -> &'static str {
        match self {
            Eligibility::Eligible => "True",
            Eligibility::NotEligible => "False",
            Eligibility::Unknown => "",
        }
    }

    fn read(text: &str) -> Option<Eligibility> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(Eligibility::Eligible),
            "false" | "0" | "no" => Some(Eligibility::NotEligible),
            "" => Some(Eligibility::Unknown),
            _ => None,
        }
    }
}

/// One sum: the attributes (as indexes into the string table; 0 is "none"), the currency,
/// the day and the eligibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    attributes: [u32; ATTRIBUTES.len()],
    currency: u32,
    date: NaiveDate,
    eligibility: Eligibility,
}

/// Every text seen, once: a report repeats the same few hundred names on every line, so a
/// key holds numbers and memory grows with the distinct values, not with the lines.
#[derive(Debug, Default)]
struct Strings {
    index: HashMap<Box<str>, u32>,
    list: Vec<Box<str>>,
}

impl Strings {
    fn id(&mut self, text: &str) -> u32 {
        if text.is_empty() {
            return 0;
        }
        if let Some(id) = self.index.get(text) {
            return *id;
        }
        self.list.push(text.into());
        let id = self.list.len() as u32;
        self.index.insert(text.into(), id);
        id
    }

    fn get(&self, id: u32) -> Option<&str> {
        (id > 0)
            .then(|| self.list.get(id as usize - 1).map(|s| &**s))
            .flatten()
    }
}

/// A report (or several, or a month from the cache) summed: exact costs per key.
#[derive(Debug, Default)]
pub(crate) struct CostDetails {
    strings: Strings,
    sums: HashMap<Key, Decimal>,
    /// Lines read from CSV files.
    pub(crate) lines: u64,
}

impl CostDetails {
    fn add(&mut self, key: Key, cost: Decimal) -> Result<(), String> {
        if self.sums.len() >= MAX_SUMS && !self.sums.contains_key(&key) {
            return Err(format!(
                "more than {MAX_SUMS} distinct (day, subscription, resource group, meter, ...) sums, far above a real month; refusing it"
            ));
        }
        if self.strings.list.len() > MAX_STRINGS {
            return Err(format!(
                "more than {MAX_STRINGS} distinct names and ids, far above a real month; refusing it"
            ));
        }
        let sum = self.sums.entry(key).or_insert(Decimal::ZERO);
        *sum = sum
            .checked_add(cost)
            .ok_or_else(|| "a sum of costs overflows".to_string())?;
        Ok(())
    }

    /// Adds `other` (another file of the same report, or another month) to these sums.
    pub(crate) fn merge(&mut self, other: CostDetails) -> Result<(), String> {
        for (key, cost) in other.sums {
            let mut attributes = [0u32; ATTRIBUTES.len()];
            for (slot, id) in attributes.iter_mut().zip(key.attributes) {
                *slot = self.strings.id(other.strings.get(id).unwrap_or(""));
            }
            let key = Key {
                attributes,
                currency: self
                    .strings
                    .id(other.strings.get(key.currency).unwrap_or("")),
                ..key
            };
            self.add(key, cost)?;
        }
        self.lines += other.lines;
        Ok(())
    }

    /// Whether some line of these sums does not say whether credit may pay for it.
    pub(crate) fn eligibility_unknown(&self) -> bool {
        self.sums
            .keys()
            .any(|key| key.eligibility == Eligibility::Unknown)
    }

    /// The sums of the days `from..=to` as rows of `--by`'s groupings (a subscription gives
    /// its name and id), each saying whether credit covers it; per day when `daily`.
    pub(crate) fn rows(
        &self,
        by: &[GroupBy],
        from: NaiveDate,
        to: NaiveDate,
        daily: bool,
    ) -> Result<Vec<CostRow>, String> {
        let text = |id: u32| self.strings.get(id).map(str::to_string);
        let mut rows: HashMap<(Vec<u32>, u32, Option<NaiveDate>, Eligibility), Decimal> =
            HashMap::new();
        for (key, cost) in &self.sums {
            if key.date < from || key.date > to {
                continue;
            }
            let groups: Vec<u32> = by
                .iter()
                .flat_map(|group| attribute_indexes(*group).iter())
                .map(|index| key.attributes[*index])
                .collect();
            let slot = rows
                .entry((
                    groups,
                    key.currency,
                    daily.then_some(key.date),
                    key.eligibility,
                ))
                .or_insert(Decimal::ZERO);
            *slot = slot
                .checked_add(*cost)
                .ok_or_else(|| "a sum of costs overflows".to_string())?;
        }
        let mut out: Vec<CostRow> = rows
            .into_iter()
            .map(|((groups, currency, date, eligibility), cost)| CostRow {
                groups: groups.into_iter().map(text).collect(),
                cost,
                currency: text(currency),
                date,
                covered: match eligibility {
                    Eligibility::Eligible => Some(true),
                    Eligibility::NotEligible => Some(false),
                    Eligibility::Unknown => None,
                },
            })
            .collect();
        // The same order on every run (a hash map has none).
        out.sort_by(|a, b| {
            (&a.groups, &a.currency, a.date, a.covered).cmp(&(
                &b.groups,
                &b.currency,
                b.date,
                b.covered,
            ))
        });
        Ok(out)
    }

    /// The sums as a CSV file (the on-disk cache): one line per key, its columns named as
    /// a report names them, so that it reads back like one.
    pub(crate) fn to_csv(&self) -> Result<Vec<u8>, String> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<&str> = ATTRIBUTES.iter().map(|names| names[0]).collect();
        header.extend([CURRENCY[0], DATE[0], ELIGIBLE[0], COST[0]]);
        writer.write_record(&header).map_err(|e| e.to_string())?;
        let mut keys: Vec<(&Key, &Decimal)> = self.sums.iter().collect();
        keys.sort_by_key(|(key, _)| (key.date, key.attributes, key.currency, key.eligibility));
        for (key, cost) in keys {
            let mut record: Vec<String> = key
                .attributes
                .iter()
                .map(|id| self.strings.get(*id).unwrap_or("").to_string())
                .collect();
            record.push(self.strings.get(key.currency).unwrap_or("").to_string());
            record.push(key.date.to_string());
            record.push(key.eligibility.word().to_string());
            record.push(cost.to_string());
            writer.write_record(&record).map_err(|e| e.to_string())?;
        }
        writer.into_inner().map_err(|e| e.to_string())
    }

    /// Sums written by `to_csv`; `None` for anything else (the cache is then ignored).
    pub(crate) fn from_csv(bytes: &[u8]) -> Option<CostDetails> {
        let mut reader = CostDetailsReader::new();
        reader.feed(bytes).ok()?;
        reader.finish().ok()
    }
}

/// The attributes a grouping reads, in the order `CostRow::groups` holds them.
fn attribute_indexes(group: GroupBy) -> &'static [usize] {
    match group {
        GroupBy::Service => &[SERVICE],
        GroupBy::Subscription => &[SUBSCRIPTION_NAME, SUBSCRIPTION_ID],
        GroupBy::ResourceGroup => &[RESOURCE_GROUP],
        GroupBy::Meter => &[METER],
        GroupBy::Location => &[LOCATION],
        GroupBy::Publisher => &[PUBLISHER],
        GroupBy::ChargeType => &[CHARGE_TYPE],
        GroupBy::InvoiceSection => &[INVOICE_SECTION],
    }
}

/// Where each column read is in the file's lines.
#[derive(Debug)]
struct Columns {
    attributes: [Option<usize>; ATTRIBUTES.len()],
    cost: usize,
    currency: usize,
    date: usize,
    eligible: Option<usize>,
    /// How many columns the header has.
    count: usize,
}

impl Columns {
    fn find(header: &[&str]) -> Result<Columns, String> {
        let find = |names: &[&str]| {
            header.iter().position(|column| {
                // The byte-order mark stays on the first name when it came split.
                let column = column.trim().trim_start_matches('\u{feff}');
                names.iter().any(|name| column.eq_ignore_ascii_case(name))
            })
        };
        let needed = |names: &[&str]| {
            find(names).ok_or_else(|| {
                format!(
                    "the report has no {} column (its columns: {})",
                    names[0],
                    cut_list(header)
                )
            })
        };
        Ok(Columns {
            attributes: ATTRIBUTES.map(find),
            cost: needed(COST)?,
            currency: needed(CURRENCY)?,
            date: needed(DATE)?,
            eligible: find(ELIGIBLE),
            count: header.len(),
        })
    }
}

/// The first few names of a header, for a message.
fn cut_list(header: &[&str]) -> String {
    let shown: Vec<String> = header
        .iter()
        .take(8)
        .map(|name| crate::arm::client::quoted(name.trim_start_matches('\u{feff}')))
        .collect();
    let more = header.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{}, and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// A CSV file read a chunk at a time: `feed` each chunk as it arrives, then `finish`.
pub(crate) struct CostDetailsReader {
    parser: csv_core::Reader,
    /// The current line's fields, and where each ends.
    record: Vec<u8>,
    record_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    columns: Option<Columns>,
    /// The parser's line count when the record just read ended, and whether it ended on
    /// `\n`: from these (and the record's own line breaks) a message names the line the
    /// record starts on, counted only when a message needs it.
    end_line: u64,
    ended_by_newline: bool,
    details: CostDetails,
}

impl Default for CostDetailsReader {
    fn default() -> Self {
        CostDetailsReader::new()
    }
}

impl CostDetailsReader {
    pub(crate) fn new() -> Self {
        CostDetailsReader {
            parser: csv_core::Reader::new(),
            record: vec![0; 4096],
            record_len: 0,
            ends: vec![0; 128],
            ends_len: 0,
            columns: None,
            end_line: 1,
            ended_by_newline: false,
            details: CostDetails::default(),
        }
    }

    /// Reads every whole line of `input` (a line cut by the chunk's end is finished by the
    /// next chunk).
    pub(crate) fn feed(&mut self, mut input: &[u8]) -> Result<(), String> {
        loop {
            // An empty input means "end of file" to the parser: only `finish` may say that.
            if input.is_empty() {
                return Ok(());
            }
            let (result, read, written, ended) = self.parser.read_record(
                input,
                &mut self.record[self.record_len..],
                &mut self.ends[self.ends_len..],
            );
            let ended_by_newline = input[..read].last() == Some(&b'\n');
            input = &input[read..];
            self.record_len += written;
            self.ends_len += ended;
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => {
                    if self.record.len() >= MAX_LINE_BYTES {
                        return Err(format!(
                            "line {}: longer than {} MiB, far above any real line",
                            self.parser.line(),
                            MAX_LINE_BYTES / (1024 * 1024)
                        ));
                    }
                    let grown = self.record.len() * 2;
                    self.record.resize(grown, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() >= MAX_FIELDS {
                        return Err(format!(
                            "line {}: more than {MAX_FIELDS} columns",
                            self.parser.line()
                        ));
                    }
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    self.end_line = self.parser.line();
                    self.ended_by_newline = ended_by_newline;
                    self.take_record()?;
                    self.record_len = 0;
                    self.ends_len = 0;
                }
                csv_core::ReadRecordResult::End => {
                    return Err(format!(
                        "line {}: the file went on after its end",
                        self.parser.line()
                    ))
                }
            }
        }
    }

    /// Ends the file: a last line without a line break is read too.
    pub(crate) fn finish(mut self) -> Result<CostDetails, String> {
        loop {
            let (result, _, written, ended) = self.parser.read_record(
                &[],
                &mut self.record[self.record_len..],
                &mut self.ends[self.ends_len..],
            );
            self.record_len += written;
            self.ends_len += ended;
            match result {
                csv_core::ReadRecordResult::Record => {
                    self.end_line = self.parser.line();
                    self.ended_by_newline = false;
                    self.take_record()?;
                    self.record_len = 0;
                    self.ends_len = 0;
                }
                csv_core::ReadRecordResult::OutputFull => {
                    let grown = self.record.len() * 2;
                    self.record.resize(grown.min(MAX_LINE_BYTES * 2), 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown.min(MAX_FIELDS * 2), 0);
                }
                csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => {
                    break;
                }
            }
        }
        if self.columns.is_none() {
            return Err("the report is empty: not even a header line".into());
        }
        Ok(self.details)
    }

    /// The fields of the line just read.
    fn take_record(&mut self) -> Result<(), String> {
        let record = &self.record[..self.record_len];
        let ends = &self.ends[..self.ends_len];
        let line = StartLine {
            record,
            end_line: self.end_line,
            ended_by_newline: self.ended_by_newline,
        };
        let field = |index: usize| -> Result<&str, String> {
            let start = if index == 0 { 0 } else { ends[index - 1] };
            let bytes = record.get(start..ends[index]).unwrap_or_default();
            std::str::from_utf8(bytes).map_err(|_| format!("line {line}: not UTF-8 text"))
        };
        let Some(columns) = &self.columns else {
            let header = (0..ends.len())
                .map(field)
                .collect::<Result<Vec<&str>, String>>()?;
            self.columns = Some(Columns::find(&header)?);
            return Ok(());
        };
        // A blank line (some writers end the file with one) holds nothing.
        if ends.len() == 1 && record.is_empty() {
            return Ok(());
        }
        if ends.len() != columns.count {
            return Err(format!(
                "line {line}: {} fields where the header names {}",
                ends.len(),
                columns.count
            ));
        }
        let cost_text = field(columns.cost)?.trim();
        let cost = crate::model::money::parse_decimal_exact(cost_text)
            .map_err(|why| format!("line {line}: costInBillingCurrency: {why}"))?;
        let date_text = field(columns.date)?;
        let date = read_date(date_text).ok_or_else(|| {
            format!(
                "line {line}: date \"{}\" is not a day",
                crate::arm::client::quoted(date_text)
            )
        })?;
        let eligibility = match columns.eligible {
            None => Eligibility::Unknown,
            Some(index) => {
                let text = field(index)?;
                Eligibility::read(text).ok_or_else(|| {
                    format!(
                        "line {line}: isAzureCreditEligible \"{}\" is neither True nor False",
                        crate::arm::client::quoted(text)
                    )
                })?
            }
        };
        let currency = field(columns.currency)?.trim().to_ascii_uppercase();
        let mut attributes = [0u32; ATTRIBUTES.len()];
        for (slot, index) in attributes.iter_mut().zip(columns.attributes) {
            if let Some(index) = index {
                *slot = self.details.strings.id(field(index)?.trim());
            }
        }
        let key = Key {
            attributes,
            currency: self.details.strings.id(&currency),
            date,
            eligibility,
        };
        self.details
            .add(key, cost)
            .map_err(|why| format!("line {line}: {why}"))?;
        self.details.lines += 1;
        Ok(())
    }
}

/// The line a record starts on, as an editor counts lines: the parser counts the line
/// breaks read so far, which include those inside the record's quoted fields and, when the
/// record ended on `\n` (not `\r`, whose `\n` comes with the next read), its own. Counted
/// when shown, so that reading costs no pass over the bytes.
#[derive(Clone, Copy)]
struct StartLine<'a> {
    record: &'a [u8],
    end_line: u64,
    ended_by_newline: bool,
}

impl std::fmt::Display for StartLine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inside = self.record.iter().filter(|byte| **byte == b'\n').count() as u64;
        let line = self
            .end_line
            .saturating_sub(inside + u64::from(self.ended_by_newline))
            .max(1);
        write!(f, "{line}")
    }
}

/// A line's day: `2026-11-05` (with or without a time), or `11/05/2026` as MCA files write it.
fn read_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let day = text.get(..10).unwrap_or(text);
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok().or_else(|| {
        let date = text.split([' ', 'T']).next().unwrap_or(text);
        NaiveDate::parse_from_str(date, "%m/%d/%Y").ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "\u{feff}invoiceId,billingProfileName,date,meterCategory,meterName,ProductName,SubscriptionId,subscriptionName,resourceGroupName,resourceLocation,publisherType,chargeType,invoiceSectionName,billingCurrency,costInBillingCurrency,isAzureCreditEligible,tags\r\n\
,Development,11/01/2026,Virtual Machines,D2s v5,Virtual Machines Dsv5 Series,sub-1,Contoso Production,rg-web,westeurope,Microsoft,Usage,Default,USD,19.545363672276512,True,\"{\"\"env\"\": \"\"prod\"\"}\"\r\n\
,Development,11/01/2026,Virtual Machines,D2s v5,Virtual Machines Dsv5 Series,sub-1,Contoso Production,rg-web,westeurope,Microsoft,Usage,Default,usd,1.2345E-05,True,\r\n\
,Development,11/02/2026,,,Contoso Firewall,sub-1,Contoso Production,rg-web,westeurope,Marketplace,Usage,Default,USD,2.96,False,\r\n\
,Development,2026-11-01,Visual Studio Subscription,Enterprise (Monthly),Visual Studio Enterprise (Monthly),sub-2,\"Visual Studio, Enterprise\",,,Microsoft,Purchase,Default,USD,45,False,\n";

    fn read(chunks: &[&[u8]]) -> Result<CostDetails, String> {
        let mut reader = CostDetailsReader::new();
        for chunk in chunks {
            reader.feed(chunk)?;
        }
        reader.finish()
    }

    fn sums(
        details: &CostDetails,
        by: &[GroupBy],
    ) -> Vec<(Vec<Option<String>>, String, Option<bool>)> {
        let from = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let to = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        details
            .rows(by, from, to, false)
            .unwrap()
            .into_iter()
            .map(|row| (row.groups, row.cost.to_string(), row.covered))
            .collect()
    }

    #[test]
    fn a_report_is_summed_exactly_by_column_name_after_the_bom() {
        let details = read(&[REPORT.as_bytes()]).unwrap();
        assert_eq!(details.lines, 4);
        let by_service = sums(&details, &[GroupBy::Service]);
        assert_eq!(
            by_service,
            vec![
                (vec![None], "2.96".into(), Some(false)),
                (
                    vec![Some("Virtual Machines".into())],
                    "19.545376017276512".into(),
                    Some(true)
                ),
                (
                    vec![Some("Visual Studio Subscription".into())],
                    "45".into(),
                    Some(false)
                ),
            ]
        );
        let by_subscription = sums(&details, &[GroupBy::Subscription]);
        assert_eq!(
            by_subscription[2].0,
            vec![
                Some("Visual Studio, Enterprise".into()),
                Some("sub-2".into())
            ]
        );
    }

    #[test]
    fn a_report_read_a_byte_at_a_time_sums_the_same() {
        let whole = read(&[REPORT.as_bytes()]).unwrap();
        let bytes: Vec<&[u8]> = REPORT.as_bytes().chunks(1).collect();
        let split = read(&bytes).unwrap();
        assert_eq!(
            sums(&whole, &[GroupBy::Subscription]),
            sums(&split, &[GroupBy::Subscription])
        );
        assert_eq!(split.lines, 4);
    }

    #[test]
    fn the_cache_file_gives_back_the_same_sums() {
        let details = read(&[REPORT.as_bytes()]).unwrap();
        let again = CostDetails::from_csv(&details.to_csv().unwrap()).unwrap();
        for by in [
            [GroupBy::Service],
            [GroupBy::Subscription],
            [GroupBy::ChargeType],
        ] {
            assert_eq!(sums(&details, &by), sums(&again, &by));
        }
        assert!(CostDetails::from_csv(b"not,a,cache\n1,2,3\n").is_none());
    }

    #[test]
    fn days_outside_the_window_are_left_out_and_daily_rows_keep_their_day() {
        let details = read(&[REPORT.as_bytes()]).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let rows = details.rows(&[GroupBy::Service], day, day, true).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].date, Some(day));
        assert_eq!(rows[0].cost.to_string(), "2.96");
    }

    #[test]
    fn broken_lines_are_refused_with_their_line_number() {
        let header = "date,billingCurrency,costInBillingCurrency,isAzureCreditEligible\n";
        let cases = [
            (
                "11/01/2026,USD,12.x,True\n",
                "line 2: costInBillingCurrency",
            ),
            ("11/31/2026,USD,1,True\n", "line 2: date \"11/31/2026\""),
            ("11/01/2026,USD,1,Maybe\n", "line 2: isAzureCreditEligible"),
            (
                "11/01/2026,USD,1\n",
                "line 2: 3 fields where the header names 4",
            ),
        ];
        for (line, expected) in cases {
            let error = read(&[header.as_bytes(), line.as_bytes()]).unwrap_err();
            assert!(error.starts_with(expected), "{error}");
        }
        // A quoted field over two lines: the next line's number is an editor's.
        for newline in ["\n", "\r\n"] {
            let file = format!(
                "date,billingCurrency,costInBillingCurrency,tags{newline}11/01/2026,USD,1,\"a{newline}b\"{newline}11/01/2026,USD,x,{newline}"
            );
            let bytes: Vec<&[u8]> = file.as_bytes().chunks(3).collect();
            let error = read(&bytes).unwrap_err();
            assert!(
                error.starts_with("line 4: costInBillingCurrency"),
                "{newline:?}: {error}"
            );
        }
        let error = read(&[b"date,cost\n"]).unwrap_err();
        assert!(error.contains("no costInBillingCurrency column"), "{error}");
        assert!(read(&[b""]).unwrap_err().contains("empty"));
    }

    #[test]
    fn a_file_without_eligibility_says_so() {
        let details =
            read(&[b"date,billingCurrency,costInBillingCurrency\n2026-11-01,USD,1.50\n"]).unwrap();
        assert!(details.eligibility_unknown());
        assert!(!read(&[REPORT.as_bytes()]).unwrap().eligibility_unknown());
    }

    #[test]
    fn months_merge_into_one_set_of_sums() {
        let mut one = read(&[REPORT.as_bytes()]).unwrap();
        let two = read(&[REPORT.as_bytes()]).unwrap();
        one.merge(two).unwrap();
        assert_eq!(one.lines, 8);
        let by_service = sums(&one, &[GroupBy::Service]);
        assert_eq!(by_service[1].1, "39.090752034553024");
    }
}
