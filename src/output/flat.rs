//! Flat rows for csv and tsv: a header of `--json` field names and one field per column,
//! each exactly as `--json` has it (amounts with Azure's digits, dates as ISO 8601,
//! `true`/`false`), empty for null. Views say which fields; the writers below only quote.

use crate::error::{Error, Result};
use crate::model::dates::format_iso;
use crate::model::money::Money;
use chrono::{DateTime, Utc};
use std::borrow::Cow;

/// One field: `None` is null (an empty field).
pub type Field<'a> = Option<Cow<'a, str>>;

/// A whole flat table: the header and the rows.
pub struct FlatTable<'a> {
    pub(crate) header: &'static [&'static str],
    pub(crate) rows: Vec<Vec<Field<'a>>>,
}

pub(crate) fn text(value: &Option<String>) -> Field<'_> {
    value.as_deref().map(Cow::Borrowed)
}

pub(crate) fn str(value: &str) -> Field<'_> {
    Some(Cow::Borrowed(value))
}

/// An amount's value, exactly as Azure sent it.
pub(crate) fn amount(value: &Option<Money>) -> Field<'static> {
    value
        .as_ref()
        .and_then(|m| m.value)
        .map(|v| Cow::Owned(v.to_string()))
}

pub(crate) fn decimal(value: Option<rust_decimal::Decimal>) -> Field<'static> {
    value.map(|v| Cow::Owned(v.to_string()))
}

/// The one currency of a row's amounts: the first amount that names one.
pub(crate) fn currency<'a>(amounts: &[&'a Option<Money>]) -> Field<'a> {
    amounts
        .iter()
        .find_map(|m| m.as_ref().and_then(|m| m.currency.as_deref()))
        .map(Cow::Borrowed)
}

pub(crate) fn date(value: Option<DateTime<Utc>>) -> Field<'static> {
    value.map(|d| Cow::Owned(format_iso(&d)))
}

pub(crate) fn day(value: Option<chrono::NaiveDate>) -> Field<'static> {
    value.map(|d| Cow::Owned(d.to_string()))
}

pub(crate) fn flag(value: Option<bool>) -> Field<'static> {
    value.map(|b| Cow::Borrowed(if b { "true" } else { "false" }))
}

pub(crate) fn number(value: Option<impl ToString>) -> Field<'static> {
    value.map(|n| Cow::Owned(n.to_string()))
}

/// csv (RFC 4180: CRLF, quotes only where needed) or tsv (tabs, LF, `\\ \t \n \r` escaped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delimited {
    Csv,
    Tsv,
}

/// Writes flat rows page by page; the header goes before the first row (or alone, for a
/// list that turned out empty), unless `--no-header`.
pub(crate) struct DelimitedRows {
    kind: Delimited,
    header: Option<&'static [&'static str]>,
}

impl DelimitedRows {
    pub(crate) fn new(kind: Delimited, header: &'static [&'static str], with_header: bool) -> Self {
        DelimitedRows {
            kind,
            header: with_header.then_some(header),
        }
    }

    /// Appends the rows (after the header, the first time) to `out`.
    pub(crate) fn rows(&mut self, rows: &[Vec<Field<'_>>], out: &mut Vec<u8>) -> Result<()> {
        out.reserve(rows.len() * 128);
        let header: Option<Vec<Field<'_>>> = self
            .header
            .take()
            .map(|header| header.iter().map(|h| str(h)).collect());
        let all = header.iter().chain(rows);
        match self.kind {
            Delimited::Csv => write_csv(out, all)?,
            Delimited::Tsv => all.for_each(|row| write_tsv_row(out, row)),
        }
        Ok(())
    }

    /// What is left: the header of an empty list.
    pub(crate) fn finish(mut self, out: &mut Vec<u8>) -> Result<()> {
        self.rows(&[], out)
    }
}

fn write_csv<'r, 'f: 'r>(
    out: &mut Vec<u8>,
    rows: impl Iterator<Item = &'r Vec<Field<'f>>>,
) -> Result<()> {
    let failed = |e: csv::Error| Error::unavailable(format!("could not write the csv output: {e}"));
    // The csv crate quotes a record of one empty field, so no line is ever blank.
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .has_headers(false)
        .from_writer(out);
    for row in rows {
        writer
            .write_record(row.iter().map(|f| f.as_deref().unwrap_or("").as_bytes()))
            .map_err(failed)?;
    }
    writer.flush().map_err(|e| failed(e.into()))
}

fn write_tsv_row(out: &mut Vec<u8>, row: &[Field<'_>]) {
    for (index, field) in row.iter().enumerate() {
        if index > 0 {
            out.push(b'\t');
        }
        for byte in field.as_deref().unwrap_or("").bytes() {
            match byte {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                other => out.push(other),
            }
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text a writer appends.
    fn text(write: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> String {
        let mut out = Vec::new();
        write(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn written(kind: Delimited, rows: &[Vec<Field<'_>>]) -> String {
        let mut writer = DelimitedRows::new(kind, &["a", "b"], true);
        text(|out| writer.rows(rows, out))
    }

    #[test]
    fn csv_quotes_only_where_needed_and_ends_lines_with_crlf() {
        let rows = vec![
            vec![str("plain"), None],
            vec![str("with,comma"), str("say \"hi\"\nthere")],
        ];
        assert_eq!(
            written(Delimited::Csv, &rows),
            "a,b\r\nplain,\r\n\"with,comma\",\"say \"\"hi\"\"\nthere\"\r\n"
        );
    }

    #[test]
    fn tsv_escapes_what_would_break_a_line_or_a_column() {
        let rows = vec![vec![str("a\tb\\c"), str("x\r\ny")]];
        assert_eq!(
            written(Delimited::Tsv, &rows),
            "a\tb\na\\tb\\\\c\tx\\r\\ny\n"
        );
    }

    #[test]
    fn the_header_comes_once_and_can_be_left_out() {
        let mut writer = DelimitedRows::new(Delimited::Csv, &["a"], true);
        assert_eq!(
            text(|out| writer.rows(&[vec![str("1")]], out)),
            "a\r\n1\r\n"
        );
        assert_eq!(text(|out| writer.rows(&[vec![str("2")]], out)), "2\r\n");
        assert_eq!(text(|out| writer.finish(out)), "");
        let empty = DelimitedRows::new(Delimited::Csv, &["a"], true);
        assert_eq!(text(|out| empty.finish(out)), "a\r\n");
        let mut bare = DelimitedRows::new(Delimited::Csv, &["a"], false);
        assert_eq!(text(|out| bare.rows(&[vec![str("1")]], out)), "1\r\n");
    }
}
