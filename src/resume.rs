//! `--resume FILE`: the journal of a customer sweep. Its first line names the command and the
//! day it reads as of; then one JSON line per customer whose row was written to stdout (the
//! line is appended only after the row is written, so the journal never claims a row the
//! reader did not get). A rerun with the same file reads only the customers whose outcome is
//! not final yet: `ok`, `noCredit`, `forbidden` and `notFound` are final, `failed` is read
//! again.
//!
//! A run killed mid-line leaves a torn last line: it is dropped (that customer is read
//! again). Any other line that is not a journal line is bad input, named by `FILE:LINE`.
//!
//! Must not: decide an exit code or print (the sweep adds what it finds to its ledger).

use crate::error::{Error, ErrorKind, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// A journal larger than this is not one (20,000 customers take about 4 MB).
const MAX_JOURNAL_BYTES: u64 = 256 * 1024 * 1024;

/// The first line.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Header {
    /// Always `credits sweep journal`: what the file is.
    journal: String,
    version: u32,
    /// `balance`, `forecast`, `lots`, `events`.
    command: String,
    /// What the command was asked beyond its scope (its checks and filters): a journal of
    /// another question is not this run's.
    #[serde(default)]
    query: String,
    as_of: NaiveDate,
}

const WHAT: &str = "credits sweep journal";

/// One customer's final line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Entry {
    /// The customer's full id.
    pub(crate) id: String,
    /// How it is named in messages.
    pub(crate) customer: String,
    /// `ok`, `noCredit`, `forbidden`, `notFound` or `failed`.
    pub(crate) outcome: String,
    /// Its checks that did not pass, with why (`--min`: below 100 USD).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) checks: Vec<CheckNote>,
}

/// A check of a row that did not pass.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CheckNote {
    /// The flag: `--min`.
    pub(crate) check: String,
    /// `failed`, `couldNotCheck` or `notChecked`.
    pub(crate) result: String,
    pub(crate) why: String,
    /// For `couldNotCheck`: the exit code it gives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) exit_code: Option<u8>,
}

impl Entry {
    /// How the customer could not be read, when it could not (`forbidden`, `notFound`).
    pub(crate) fn unread_kind(&self) -> Option<ErrorKind> {
        match self.outcome.as_str() {
            "forbidden" => Some(ErrorKind::Permission),
            "notFound" => Some(ErrorKind::NotFound),
            _ => None,
        }
    }
}

impl CheckNote {
    /// The journal's line for a check's outcome; none for a pass.
    pub(crate) fn of(check: &str, outcome: &crate::checks::Outcome) -> Option<CheckNote> {
        use crate::checks::Outcome;
        let (result, why, exit_code) = match outcome {
            Outcome::Passed => return None,
            Outcome::Failed(why) => ("failed", why, None),
            Outcome::Unread(kind, why) => ("couldNotCheck", why, Some(kind.exit_code())),
            Outcome::NotChecked(why) => ("notChecked", why, None),
        };
        Some(CheckNote {
            check: check.to_string(),
            result: result.to_string(),
            why: why.clone(),
            exit_code,
        })
    }

    /// The outcome the line stands for, `why` said of it.
    pub(crate) fn outcome(&self, why: String) -> crate::checks::Outcome {
        use crate::checks::Outcome;
        match self.result.as_str() {
            "failed" => Outcome::Failed(why),
            "notChecked" => Outcome::NotChecked(why),
            _ => Outcome::Unread(
                self.exit_code
                    .and_then(ErrorKind::from_exit_code)
                    .unwrap_or(ErrorKind::Unavailable),
                why,
            ),
        }
    }
}

/// What a sweep's journal is for: the command, what it was asked, and where the file is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JournalOf<'a> {
    pub(crate) command: &'static str,
    pub(crate) query: &'a str,
    pub(crate) path: &'a Path,
}

impl Entry {
    /// Whether a rerun takes it as read.
    fn is_final(&self) -> bool {
        matches!(
            self.outcome.as_str(),
            "ok" | "noCredit" | "forbidden" | "notFound"
        )
    }
}

/// An open journal, appended to as rows are written.
pub(crate) struct Journal {
    file: std::fs::File,
    path: PathBuf,
}

/// What an earlier run of the same sweep read: its final entries by lower-case id.
pub(crate) type Earlier = HashMap<String, Entry>;

impl Journal {
    /// Opens (or creates) the journal at `path` for `command` as of `as_of`, and reads what
    /// it holds. A journal of another command or another day is refused: its outcomes are
    /// not this run's.
    pub(crate) fn open(of: JournalOf<'_>, as_of: NaiveDate) -> Result<(Self, Earlier)> {
        let path = of.path;
        let shown = path.display();
        let failed = |what: &str, error: std::io::Error| {
            Error::new(
                ErrorKind::Output,
                format!("--resume {shown}: could not {what}: {error}"),
            )
        };
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| failed("open it", e))?;
        let mut text = Vec::new();
        Read::by_ref(&mut file)
            .take(MAX_JOURNAL_BYTES + 1)
            .read_to_end(&mut text)
            .map_err(|e| failed("read it", e))?;
        if text.len() as u64 > MAX_JOURNAL_BYTES {
            return Err(Error::usage(format!(
                "--resume {shown} is larger than {} MiB: not a journal of this tool; give a new file",
                MAX_JOURNAL_BYTES / 1024 / 1024
            )));
        }
        let header = Header {
            journal: WHAT.to_string(),
            version: 1,
            command: of.command.to_string(),
            query: of.query.to_string(),
            as_of,
        };
        // A file that is not this run's journal is refused before anything of it changes.
        let whole = text
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |last| last + 1);
        let earlier = if text.is_empty() {
            None
        } else {
            Some(read_entries(&text[..whole], &header, path)?)
        };
        // A torn last line (the run was killed while writing it) is cut off.
        if whole < text.len() {
            file.set_len(whole as u64)
                .map_err(|e| failed("cut its torn last line", e))?;
        }
        let mut journal = Journal {
            file,
            path: path.to_path_buf(),
        };
        let Some(earlier) = earlier else {
            journal.append_json(&header)?;
            return Ok((journal, Earlier::new()));
        };
        journal
            .file
            .seek(std::io::SeekFrom::End(0))
            .map_err(|e| failed("append to it", e))?;
        Ok((journal, earlier))
    }

    /// Appends one customer's line (after its row was written).
    pub(crate) fn append(&mut self, entry: &Entry) -> Result<()> {
        self.append_json(entry)
    }

    fn append_json(&mut self, value: &impl Serialize) -> Result<()> {
        let mut line = serde_json::to_vec(value)
            .map_err(|e| Error::new(ErrorKind::Output, format!("a journal line: {e}")))?;
        line.push(b'\n');
        // One write per line: a crash leaves at most one torn line, which is dropped.
        self.file.write_all(&line).map_err(|e| {
            Error::new(
                ErrorKind::Output,
                format!(
                    "--resume {}: could not write to it: {e}; the rows written are whole, but a rerun would read them again",
                    self.path.display()
                ),
            )
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

/// The entries of a journal's text (whole lines), checked against the header this run
/// writes; a later line for a customer replaces an earlier one.
fn read_entries(text: &[u8], header: &Header, path: &Path) -> Result<Earlier> {
    let shown = path.display();
    let mut lines = text.split(|b| *b == b'\n').enumerate();
    let bad = |number: usize, why: &str| {
        Error::usage(format!(
            "{shown}:{number}: {why}; --resume takes a journal this tool wrote (or a new file)"
        ))
    };
    let Some((_, first)) = lines.next().filter(|(_, line)| !line.is_empty()) else {
        return Err(bad(
            1,
            "not the first line of a sweep journal (no whole line)",
        ));
    };
    let found: Header = serde_json::from_slice(first)
        .map_err(|_| bad(1, "not the first line of a sweep journal"))?;
    if found.journal != WHAT || found.version != 1 {
        return Err(bad(1, "not the first line of a sweep journal"));
    }
    if found.command != header.command {
        return Err(Error::usage(format!(
            "--resume {shown} is the journal of `credits {}`, not of `credits {}`; give another file",
            found.command, header.command
        )));
    }
    if found.query != header.query {
        return Err(Error::usage(format!(
            "--resume {shown} is the journal of `credits {} {}`, asked otherwise than this run ({}); give a new file",
            found.command, found.query, header.query
        )));
    }
    if found.as_of != header.as_of {
        return Err(Error::usage(format!(
            "--resume {shown} is the journal of a run as of {}; this run is as of {}: give a new file (or --as-of {})",
            found.as_of, header.as_of, found.as_of
        )));
    }
    let mut earlier = Earlier::new();
    for (index, line) in lines {
        if line.is_empty() {
            continue;
        }
        let entry: Entry = serde_json::from_slice(line)
            .map_err(|_| bad(index + 1, "not a line of a sweep journal"))?;
        let key = entry.id.to_ascii_lowercase();
        if entry.is_final() {
            earlier.insert(key, entry);
        } else {
            earlier.remove(&key);
        }
    }
    Ok(earlier)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default()
    }

    fn of<'a>(path: &'a Path, command: &'static str) -> JournalOf<'a> {
        JournalOf {
            command,
            query: "--min 100USD",
            path,
        }
    }

    fn entry(id: &str, outcome: &str) -> Entry {
        Entry {
            id: id.to_string(),
            customer: format!("customer {id}"),
            outcome: outcome.to_string(),
            checks: Vec::new(),
        }
    }

    #[test]
    fn a_rerun_takes_final_outcomes_and_reads_failed_ones_again() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::usage(e.to_string()))?;
        let path = dir.path().join("journal.jsonl");
        let (mut journal, earlier) = Journal::open(of(&path, "balance"), day())?;
        assert!(earlier.is_empty());
        for (id, outcome) in [
            ("A", "ok"),
            ("b", "forbidden"),
            ("c", "failed"),
            ("d", "noCredit"),
        ] {
            journal.append(&entry(id, outcome))?;
        }
        drop(journal);
        let (_, earlier) = Journal::open(of(&path, "balance"), day())?;
        let mut ids: Vec<&str> = earlier.keys().map(String::as_str).collect();
        ids.sort();
        assert_eq!(ids, ["a", "b", "d"]);
        // Another command, or another day, is refused.
        let other = Journal::open(of(&path, "forecast"), day())
            .err()
            .map(|e| e.message);
        assert!(other.is_some_and(|m| m.contains("journal of `credits balance`")));
        let later = day().succ_opt().unwrap_or_default();
        assert!(Journal::open(of(&path, "balance"), later).is_err());
        Ok(())
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_a_bad_line_named() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::usage(e.to_string()))?;
        let path = dir.path().join("journal.jsonl");
        let (mut journal, _) = Journal::open(of(&path, "balance"), day())?;
        journal.append(&entry("a", "ok"))?;
        drop(journal);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| Error::usage(e.to_string()))?;
        file.write_all(br#"{"id":"b","custo"#)
            .map_err(|e| Error::usage(e.to_string()))?;
        drop(file);
        let (mut journal, earlier) = Journal::open(of(&path, "balance"), day())?;
        assert_eq!(earlier.len(), 1);
        journal.append(&entry("b", "ok"))?;
        drop(journal);
        let (_, earlier) = Journal::open(of(&path, "balance"), day())?;
        assert_eq!(earlier.len(), 2, "the torn line was cut before appending");

        std::fs::write(&path, "{\"journal\":\"credits sweep journal\",\"version\":1,\"command\":\"balance\",\"query\":\"--min 100USD\",\"asOf\":\"2026-12-06\"}\nnot json\n")
            .map_err(|e| Error::usage(e.to_string()))?;
        let bad = Journal::open(of(&path, "balance"), day())
            .err()
            .map(|e| e.message);
        assert!(bad.is_some_and(|m| m.contains("journal.jsonl:2: not a line")));

        // A file that is not a journal is refused and left as it was, torn last line and all.
        let other = dir.path().join("customers.txt");
        std::fs::write(&other, "Northwind Traders").map_err(|e| Error::usage(e.to_string()))?;
        assert!(Journal::open(of(&other, "balance"), day()).is_err());
        let kept = std::fs::read_to_string(&other).map_err(|e| Error::usage(e.to_string()))?;
        assert_eq!(kept, "Northwind Traders");
        // Another question (other checks or filters) is another journal.
        std::fs::remove_file(&path).map_err(|e| Error::usage(e.to_string()))?;
        drop(Journal::open(of(&path, "balance"), day())?);
        let asked_otherwise = JournalOf {
            query: "--min 200USD",
            ..of(&path, "balance")
        };
        assert!(Journal::open(asked_otherwise, day()).is_err());
        Ok(())
    }
}
