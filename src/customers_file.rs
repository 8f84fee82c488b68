//! `--customers-from FILE`: the customers a sweep reads, one a line (a display name, name,
//! full id or tenant id; blank lines and `#` comments skipped), or the ACO balance CSV of
//! Partner Center, read by its customer column (`CustomerTenantId` or `CustomerID`).
//! Bounded in size; a file that cannot be read is exit 2 naming it.

use crate::error::{Error, Result};
use std::path::Path;

/// Far above 20,000 customers of a few hundred bytes each.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The names in `path`, in the file's order (duplicates are removed by the caller).
pub(crate) fn read(path: &Path) -> Result<Vec<String>> {
    let shown = path.display();
    let bad = |why: String| Error::usage(format!("--customers-from {shown}: {why}"));
    let size = std::fs::metadata(path)
        .map_err(|e| bad(format!("cannot read it: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(bad(format!(
            "larger than {} MiB, far above any list of customers",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".into()))?;
    names(text.trim_start_matches('\u{feff}')).map_err(bad)
}

/// The rules of `read`, apart from I/O: an ACO file (its header names the customer column
/// as the ACO reader knows it, in either spelling) gives that column, read by the csv
/// reader; anything else is one name a line.
pub(crate) fn names(text: &str) -> std::result::Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let column = reader.headers().ok().and_then(|header| {
        header.iter().position(|name| {
            let name = name.trim().to_ascii_lowercase();
            crate::aco::CUSTOMER_SPELLINGS.contains(&name.as_str())
        })
    });
    let Some(column) = column else {
        return Ok(text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(str::to_string)
            .collect());
    };
    let mut out = Vec::new();
    for (number, record) in reader.records().enumerate() {
        let line = number + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        match record.get(column).map(str::trim) {
            Some(value) if !value.is_empty() => out.push(value.to_string()),
            // A row without its customer would be a customer silently left out.
            _ => return Err(format!("line {line}: the customer column is empty")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_one_name_a_line_and_an_aco_file_its_customer_column() {
        assert_eq!(
            names("Northwind Traders\n\n# a comment\n  c1a2b3c4-0001  \n").unwrap(),
            vec!["Northwind Traders", "c1a2b3c4-0001"]
        );
        let aco = "PartnerTenantId,CustomerTenantId,CreditName\np1,t-1,Azure Credit Offer\np1,t-2,Azure Credit Offer\np1,t-1,Other\n";
        assert_eq!(names(aco).unwrap(), vec!["t-1", "t-2", "t-1"]);
        let old = "\"PartnerId\",\"CustomerID\"\n\"p\",\"t-9\"\n";
        assert_eq!(names(old).unwrap(), vec!["t-9"]);
        // A quoted header with a comma no longer shifts the column.
        let quoted = "\"Partner, Inc\",CustomerTenantId\np,t-3\n";
        assert_eq!(names(quoted).unwrap(), vec!["t-3"]);
        let empty = "PartnerTenantId,CustomerTenantId\np,\n";
        assert_eq!(
            names(empty).unwrap_err(),
            "line 2: the customer column is empty"
        );
    }
}
