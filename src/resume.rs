//! `--resume FILE`: a sweep's journal. Each customer's outcome is appended as one JSON line
//! (`{"id", "name", "outcome", "exitCode"?}`) as soon as it is known, so that a run stopped
//! half way (a CI job's limit, a laptop closed) can be run again and read only what is left.
//! A final outcome (`ok`, `noCredit`, `forbidden`, `notFound`, `excluded`) counts as read;
//! `failed` is tried again. A line that cannot be read (cut by a crash) is ignored.

use crate::error::{Error, Result};
use crate::model::domain::ScopeRef;
use crate::model::row::RowError;
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

/// Far above 20,000 customers of a few hundred bytes each.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The ids (lower case) FILE holds a final outcome for; none when it does not exist yet.
pub(crate) fn read_before(path: &Path) -> Result<HashSet<String>> {
    let bad = |why: String| Error::usage(format!("--resume {}: {why}", path.display()));
    let size = match std::fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(e) => return Err(bad(format!("cannot read it: {e}"))),
    };
    if size > MAX_FILE_BYTES {
        return Err(bad(format!(
            "larger than {} MiB, far above any sweep's journal",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let text = std::fs::read(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    Ok(final_ids(&String::from_utf8_lossy(&text)))
}

/// The rules of `read_before`, apart from I/O.
pub(crate) fn final_ids(text: &str) -> HashSet<String> {
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| {
            matches!(
                line["outcome"].as_str(),
                Some("ok" | "noCredit" | "forbidden" | "notFound" | "excluded")
            )
        })
        .filter_map(|line| line["id"].as_str().map(str::to_ascii_lowercase))
        .collect()
}

/// FILE opened for appending, one line per outcome.
pub(crate) struct Journal {
    file: std::sync::Mutex<std::fs::File>,
}

impl Journal {
    pub(crate) fn open(path: &Path) -> Result<Journal> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| {
                Error::usage(format!("--resume {}: cannot write it: {e}", path.display()))
            })?;
        Ok(Journal {
            file: std::sync::Mutex::new(file),
        })
    }

    /// Appends one customer's outcome (a failure to write only loses the resume point).
    pub(crate) fn record(&self, scope: &ScopeRef, error: Option<&RowError>) {
        let mut line = serde_json::json!({
            "id": scope.id(),
            "name": scope.label(),
            "outcome": error.map_or("ok", RowError::outcome),
        });
        if let Some(error) = error {
            line["exitCode"] = error.exit_code.into();
        }
        if let Ok(mut file) = self.file.lock() {
            let _ = writeln!(file, "{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_outcomes_count_as_read_and_failures_and_broken_lines_do_not() {
        let text = "{\"id\":\"/A/customers/C1\",\"outcome\":\"ok\"}\n{\"id\":\"/a/customers/c2\",\"outcome\":\"failed\",\"exitCode\":6}\n{\"id\":\"/a/customers/c3\",\"outcome\":\"forbidden\"}\n{\"id\":\"/a/cust";
        let ids = final_ids(text);
        assert!(ids.contains("/a/customers/c1"));
        assert!(ids.contains("/a/customers/c3"));
        assert_eq!(ids.len(), 2);
    }
}
